// Maximum common substructure (MCS) of two labelled graphs, as a connected maximum common edge
// subgraph (MCES): the largest set of edges of the first graph that, under an injective node
// mapping preserving node labels, land on edges of the second graph with the same edge label,
// and that form one connected subgraph. This is the notion RDKit's rdFMCS computes by default
// (maximise bonds, compare elements and bond orders, connected result); it is not induced, so an
// edge present in only one graph (a new ring closure) leaves both of its atoms in the common
// part, which is what a diff drawing wants. Ties in the number of edges go to more nodes.
// Edge labels match when equal or when the caller lists the pair as also matching (RDKit's
// CompareOrder lets an aromatic bond match a single or a double one); the bound then counts
// labels by the classes those pairs join, which over-counts and so stays admissible.
//
// Search: McGregor-style backtracking that grows the common subgraph one edge at a time
// (J. J. McGregor, "Backtrack search algorithms and the maximal common subgraph problem",
// Software: Practice and Experience 12, 1982), with the connected, edge-by-edge growth of
// RDKit's FMCS (A. Dalke and J. Hastings, "FMCS: a novel algorithm for the multiple MCS
// problem", J. Cheminformatics 5 (Suppl 1), 2013). For every edge of the first graph in turn
// (rarest edge type first) and every equally typed edge of the second, the pair seeds a search;
// afterwards that first-graph edge is excluded, since every solution holding it has been seen.
// A search state is a partial mapping whose common edges are connected. It picks a frontier
// edge (a, u) of the first graph (a mapped, u not, the edge not excluded) whose end u has the
// fewest candidates and branches on u ↦ v for every candidate v (an unmapped neighbour of a's
// image with u's label, joined by an edge of the same label), then on excluding the edge.
// Mapping u adds every compatible edge between u and the mapped nodes; a candidate that would
// make an excluded edge compatible is skipped (that solution belongs to the branch that took
// the edge). This is complete: an optimal solution extending the state either holds the frontier
// edge (the branch u ↦ its image) or does not (the exclusion branch).
//
// Bound (admissible, from label multisets over disjoint sets of edges, as in
// `GraphEditDistance`): for each mapped node a, the open edges from a to unmapped nodes can
// only land on edges from a's image to unmapped nodes, at most Σ_t min(count₁[t], count₂[t])
// over types t = (edge label, label of the far end); edges with both ends unmapped, and reachable
// from the mapped part without excluded edges, can only land on edges of the second graph with
// both ends unmapped, likewise by type (edge label, both end labels). Nodes are bounded by the
// reachable unmapped nodes per label and by edges + 1 (a connected graph).
//
// The search stops at a fixed number of expansions (not a clock, so results do not depend on
// machine load) and then reports the best substructure found, not proven optimal. A greedy
// descent from a few seeds gives the first solution, which is usually already optimal for a
// counterfactual that changed a few atoms of its input.

import Basics

/// A common substructure of two graphs: the node mapping, its common edges and whether the
/// search proved it maximum.
public struct CommonSubstructure: Sendable, Equatable {
  /// For each node of the first graph, the node of the second it is matched to (nil: not in the
  /// common substructure). Shapes: first graph's node count entries.
  public let mapping: [Int?]
  /// The common edges in the first graph's numbering: every edge between mapped nodes whose image
  /// is an edge with a matching label. They are connected and touch every mapped node.
  public let edges: [Graph.Edge]
  /// Whether the search finished, so no connected common edge subgraph has more edges (or as many
  /// edges and more nodes).
  public let isProvenOptimal: Bool
  /// Search nodes expanded (greedy descents included).
  public let expansions: Int

  /// Number of matched nodes.
  public var nodeCount: Int { mapping.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

  /// Number of common edges.
  public var edgeCount: Int { edges.count }
}

/// Maximum common substructure (connected MCES with node and edge labels) of two graphs.
public enum MaximumCommonSubstructure {
  /// The default cap on search expansions. Drug-sized molecules (≤ 50 heavy atoms) against a
  /// counterfactual of a few edits finish far below it; when the cap is hit the best substructure
  /// found is returned (`isProvenOptimal` false).
  public static let defaultExpansionLimit = 50_000

  /// The maximum connected common edge subgraph of `first` and `second` (node labels must be
  /// equal, edge labels equal or a pair listed in `alsoMatching`, either order), mapping
  /// first-graph nodes to second-graph nodes, found by branch and bound stopped after
  /// `expansionLimit` expansions.
  /// - Precondition: `expansionLimit >= 1`; `alsoMatching` labels are >= 1.
  public static func compute(
    _ first: Graph, _ second: Graph, alsoMatching: [(Int, Int)] = [], expansionLimit: Int = defaultExpansionLimit
  ) -> CommonSubstructure {
    precondition(expansionLimit >= 1, "MaximumCommonSubstructure: expansion limit \(expansionLimit) must be >= 1")
    precondition(alsoMatching.allSatisfy { $0.0 >= 1 && $0.1 >= 1 }, "MaximumCommonSubstructure: edge label pairs \(alsoMatching) must be >= 1 (0 is no edge)")
    var search = CommonSubstructureSearch(first, second, alsoMatching: alsoMatching, limit: expansionLimit)
    search.run()
    return search.result(first, second, alsoMatching: alsoMatching)
  }

  /// Whether edge labels `a` and `b` match: equal and nonzero, or a pair in `alsoMatching`.
  static func edgeLabelsMatch(_ a: Int, _ b: Int, _ alsoMatching: [(Int, Int)]) -> Bool {
    a != 0 && b != 0 && (a == b || alsoMatching.contains { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) })
  }

  /// The reference answer by exhaustive enumeration of every injective label-preserving partial
  /// mapping (the definition, unoptimised; for tests). Same objective: most common edges, then
  /// most nodes; among equals the first mapping found.
  /// - Precondition: both graphs have at most 8 nodes.
  public static func exhaustive(_ first: Graph, _ second: Graph, alsoMatching: [(Int, Int)] = []) -> CommonSubstructure {
    precondition(first.nodeCount <= 8 && second.nodeCount <= 8, "MaximumCommonSubstructure.exhaustive: \(first.nodeCount) and \(second.nodeCount) nodes; at most 8 each")
    var best: (edges: Int, nodes: Int, mapping: [Int?]) = (-1, -1, [])
    var mapping = [Int?](repeating: nil, count: first.nodeCount)
    var used = [Bool](repeating: false, count: second.nodeCount)
    func visit(_ i: Int) {
      if i == first.nodeCount {
        let edges = commonEdges(first, second, mapping, alsoMatching: alsoMatching)
        let nodes = mapping.compactMap { $0 }.count
        guard isConnectedSubstructure(nodeCount: first.nodeCount, mapping: mapping, edges: edges) else { return }
        if (edges.count, nodes) > (best.edges, best.nodes) { best = (edges.count, nodes, mapping) }
        return
      }
      visit(i + 1)
      for j in 0..<second.nodeCount where !used[j] && first.nodeLabels[i] == second.nodeLabels[j] {
        (mapping[i], used[j]) = (j, true)
        visit(i + 1)
        (mapping[i], used[j]) = (nil, false)
      }
    }
    visit(0)
    return CommonSubstructure(
      mapping: best.mapping, edges: commonEdges(first, second, best.mapping, alsoMatching: alsoMatching), isProvenOptimal: true, expansions: 0)
  }

  /// The edges of `first` between mapped nodes whose images are edges of `second` with a matching
  /// label (first graph's numbering, sorted).
  public static func commonEdges(_ first: Graph, _ second: Graph, _ mapping: [Int?], alsoMatching: [(Int, Int)] = []) -> [Graph.Edge] {
    precondition(mapping.count == first.nodeCount, "commonEdges: mapping has \(mapping.count) entries for \(first.nodeCount) nodes")
    return first.edges.filter { e in
      guard let a = mapping[e.u], let b = mapping[e.v] else { return false }
      return edgeLabelsMatch(e.label, second.edgeLabel(a, b), alsoMatching)
    }
  }

  /// Whether the mapped nodes with `edges` form one connected graph (a single mapped node or
  /// none counts as connected).
  static func isConnectedSubstructure(nodeCount: Int, mapping: [Int?], edges: [Graph.Edge]) -> Bool {
    var neighbours = [[Int]](repeating: [], count: nodeCount)
    for e in edges {
      neighbours[e.u].append(e.v)
      neighbours[e.v].append(e.u)
    }
    let labels = ConnectedComponents.labels(
      nodeCount: nodeCount, included: { mapping[$0] != nil }, neighbors: { u, visit in neighbours[u].forEach(visit) })
    return ConnectedComponents.count(labels: labels) <= 1
  }
}

extension Graph {
  /// The maximum common substructure with `other` (see `MaximumCommonSubstructure.compute`).
  public func maximumCommonSubstructure(
    with other: Graph, alsoMatching: [(Int, Int)] = [], expansionLimit: Int = MaximumCommonSubstructure.defaultExpansionLimit
  ) -> CommonSubstructure {
    MaximumCommonSubstructure.compute(self, other, alsoMatching: alsoMatching, expansionLimit: expansionLimit)
  }
}

/// The branch-and-bound state. Node labels are remapped to dense codes 0..<labelCount and edge
/// labels to 1..<edgeCodeCount (0 = no edge) so the bound's histograms are small arrays; the
/// bound and the seeds count edge codes by class (codes joined by `alsoMatching`).
private struct CommonSubstructureSearch {
  let n1: Int, n2: Int
  let labels1: [Int], labels2: [Int]
  let labelCount: Int, edgeCodeCount: Int
  let matrix2: [Int]  // n×n edge codes of the second graph
  let matches: [Bool]  // edgeCodeCount × edgeCodeCount: codes that match
  let classOf: [Int]  // edge code → class (1...), 0 → 0
  let neighbours1: [[(node: Int, edge: Int)]], neighbours2: [[(node: Int, edge: Int)]]
  let ends1: [(Int, Int)], codes1: [Int]  // first-graph edges
  let ends2: [(Int, Int)], codes2: [Int]
  let limit: Int

  var map1: [Int], map2: [Int]  // -1 = unmapped
  var mapped: [Int] = []  // first-graph nodes in mapping order
  var excluded: [Bool]  // per first-graph edge
  var bonds = 0
  var best: (bonds: Int, atoms: Int) = (-1, -1)
  var bestMap1: [Int]
  /// An upper bound for the whole problem: reaching it proves optimality at once.
  var ceiling: (bonds: Int, atoms: Int) = (0, 0)
  var expansions = 0
  var exhausted = false  // the expansion limit was hit
  var finished = false  // the ceiling was reached

  // Scratch space for the bound.
  var histogram1: [Int], histogram2: [Int], touched: [Int] = []
  var reach1: [Bool], reach2: [Bool], stack: [Int] = []
  var nodeHistogram1: [Int], nodeHistogram2: [Int]

  init(_ a: Graph, _ b: Graph, alsoMatching: [(Int, Int)], limit: Int) {
    (n1, n2, self.limit) = (a.nodeCount, b.nodeCount, limit)
    let nodeCodes = Dictionary(uniqueKeysWithValues: Set(a.nodeLabels + b.nodeLabels).sorted().enumerated().map { ($1, $0) })
    labelCount = Swift.max(1, nodeCodes.count)
    labels1 = a.nodeLabels.map { nodeCodes[$0]! }
    labels2 = b.nodeLabels.map { nodeCodes[$0]! }
    let edges1 = a.edges, edges2 = b.edges
    let edgeLabels = Set(edges1.map(\.label) + edges2.map(\.label)).sorted()
    let edgeCodes = Dictionary(uniqueKeysWithValues: edgeLabels.enumerated().map { ($1, $0 + 1) })
    let codeCount = edgeCodes.count + 1
    edgeCodeCount = codeCount
    var matches = [Bool](repeating: false, count: codeCount * codeCount)
    var classOf = Array(0..<codeCount)
    func root(_ c: Int) -> Int { classOf[c] == c ? c : root(classOf[c]) }
    for c in 1..<codeCount { matches[c * codeCount + c] = true }
    for (x, y) in alsoMatching {
      guard let cx = edgeCodes[x], let cy = edgeCodes[y] else { continue }
      (matches[cx * codeCount + cy], matches[cy * codeCount + cx]) = (true, true)
      classOf[root(cx)] = root(cy)
    }
    self.matches = matches
    self.classOf = (0..<codeCount).map(root)
    func tables(_ n: Int, _ edges: [Graph.Edge]) -> ([Int], [[(node: Int, edge: Int)]], [(Int, Int)], [Int]) {
      var matrix = [Int](repeating: 0, count: n * n)
      var neighbours = [[(node: Int, edge: Int)]](repeating: [], count: n)
      for (index, e) in edges.enumerated() {
        let code = edgeCodes[e.label]!
        (matrix[e.u * n + e.v], matrix[e.v * n + e.u]) = (code, code)
        neighbours[e.u].append((e.v, index))
        neighbours[e.v].append((e.u, index))
      }
      return (matrix, neighbours, edges.map { ($0.u, $0.v) }, edges.map { edgeCodes[$0.label]! })
    }
    (_, neighbours1, ends1, codes1) = tables(n1, edges1)
    (matrix2, neighbours2, ends2, codes2) = tables(n2, edges2)
    map1 = [Int](repeating: -1, count: n1)
    map2 = [Int](repeating: -1, count: n2)
    bestMap1 = map1
    excluded = [Bool](repeating: false, count: edges1.count)
    let types = edgeCodeCount * labelCount * labelCount
    histogram1 = [Int](repeating: 0, count: types)
    histogram2 = histogram1
    reach1 = [Bool](repeating: false, count: n1)
    reach2 = [Bool](repeating: false, count: n2)
    nodeHistogram1 = [Int](repeating: 0, count: labelCount)
    nodeHistogram2 = nodeHistogram1
  }

  /// The type of an edge with code `code` between nodes labelled `x` and `y` (order-free).
  func edgeType(_ code: Int, _ x: Int, _ y: Int) -> Int { (classOf[code] * labelCount + Swift.min(x, y)) * labelCount + Swift.max(x, y) }

  /// Whether edge codes `x` and `y` match (0, no edge, matches nothing).
  func match(_ x: Int, _ y: Int) -> Bool { matches[x * edgeCodeCount + y] }

  func result(_ a: Graph, _ b: Graph, alsoMatching: [(Int, Int)]) -> CommonSubstructure {
    let mapping: [Int?] = bestMap1.map { $0 < 0 ? nil : $0 }
    return CommonSubstructure(
      mapping: mapping, edges: MaximumCommonSubstructure.commonEdges(a, b, mapping, alsoMatching: alsoMatching), isProvenOptimal: !exhausted,
      expansions: expansions)
  }

  mutating func run() {
    // Whole-problem ceiling: edges by type, nodes by label and by edges + 1.
    for (index, (u, v)) in ends1.enumerated() { histogram1[edgeType(codes1[index], labels1[u], labels1[v])] += 1 }
    for (index, (u, v)) in ends2.enumerated() { histogram2[edgeType(codes2[index], labels2[u], labels2[v])] += 1 }
    var edgeCeiling = 0
    for t in histogram1.indices {
      edgeCeiling += Swift.min(histogram1[t], histogram2[t])
      (histogram1[t], histogram2[t]) = (0, 0)
    }
    for l in labels1 { nodeHistogram1[l] += 1 }
    for l in labels2 { nodeHistogram2[l] += 1 }
    var nodeCeiling = 0
    for l in 0..<labelCount { nodeCeiling += Swift.min(nodeHistogram1[l], nodeHistogram2[l]) }
    ceiling = (edgeCeiling, Swift.min(nodeCeiling, edgeCeiling + 1))
    if edgeCeiling == 0 {
      // No common edge: the best substructure is a single node with a shared label, if any.
      if let u = (0..<n1).first(where: { u in labels2.contains(labels1[u]) }) {
        bestMap1[u] = labels2.firstIndex(of: labels1[u])!
        best = (0, 1)
      } else {
        best = (0, 0)
      }
      return
    }
    // Seeds: first-graph edges by how many second-graph edges share their type (rarest first),
    // each paired with every such edge in both orientations the labels allow.
    let types2 = ends2.indices.map { edgeType(codes2[$0], labels2[ends2[$0].0], labels2[ends2[$0].1]) }
    let types1 = ends1.indices.map { edgeType(codes1[$0], labels1[ends1[$0].0], labels1[ends1[$0].1]) }
    var images: [Int: [(Int, Int, Int)]] = [:]
    for (index, (x, y)) in ends2.enumerated() {
      images[types2[index], default: []].append((x, y, codes2[index]))
      images[types2[index], default: []].append((y, x, codes2[index]))
    }
    let seeds = ends1.indices.filter { images[types1[$0]] != nil }.sorted { (images[types1[$0]]!.count, $0) < (images[types1[$1]]!.count, $1) }
    func seedPairs(_ edge: Int) -> [(Int, Int, Int, Int)] {
      let (u, v) = ends1[edge]
      return images[types1[edge]]!.compactMap { x, y, code in
        labels1[u] == labels2[x] && labels1[v] == labels2[y] && match(codes1[edge], code) ? (u, v, x, y) : nil
      }
    }
    // Greedy descents from the seeds of the rarest few edges give a first solution.
    var descents = 0
    for edge in seeds where descents < 24 {
      for (u, v, x, y) in seedPairs(edge) where descents < 24 {
        descents += 1
        place(u, x)
        place(v, y)
        bonds = 1
        descend()
        while let w = mapped.last { unplace(w) }
        for e in excluded.indices { excluded[e] = false }
        bonds = 0
        if best == ceiling { return }
      }
    }
    // Exact search.
    for edge in seeds {
      for (u, v, x, y) in seedPairs(edge) {
        place(u, x)
        place(v, y)
        bonds = 1
        search()
        unplace(v)
        unplace(u)
        bonds = 0
        if exhausted || finished { return }
      }
      excluded[edge] = true
    }
  }

  mutating func place(_ u: Int, _ v: Int) {
    (map1[u], map2[v]) = (v, u)
    mapped.append(u)
  }

  mutating func unplace(_ u: Int) {
    precondition(mapped.last == u, "CommonSubstructureSearch: unplace \(u) out of order")
    mapped.removeLast()
    map2[map1[u]] = -1
    map1[u] = -1
  }

  /// Records the current state when it beats the best.
  mutating func record() {
    let current = (bonds, mapped.count)
    if current > best {
      best = current
      bestMap1 = map1
      if best == ceiling { finished = true }
    }
  }

  /// The frontier edge to branch on and the candidates of its unmapped end (most new common
  /// edges first), or nil when no frontier edge is left. An edge with no candidate is returned
  /// at once (it can only be excluded).
  func branch() -> (edge: Int, node: Int, candidates: [(node: Int, gain: Int)])? {
    var chosen: (edge: Int, node: Int, candidates: [(node: Int, gain: Int)])? = nil
    for a in mapped {
      let image = map1[a]
      for (u, edge) in neighbours1[a] where map1[u] < 0 && !excluded[edge] {
        var candidates: [(node: Int, gain: Int)] = []
        for (v, _) in neighbours2[image] where map2[v] < 0 && labels2[v] == labels1[u] && match(matrix2[image * n2 + v], codes1[edge]) {
          // Every compatible edge between u and the mapped nodes becomes common; an excluded
          // one may not.
          var gain = 0, allowed = true
          for (c, e) in neighbours1[u] where map1[c] >= 0 && match(matrix2[v * n2 + map1[c]], codes1[e]) {
            if excluded[e] {
              allowed = false
              break
            }
            gain += 1
          }
          if allowed { candidates.append((v, gain)) }
        }
        if candidates.isEmpty { return (edge, u, []) }
        if chosen == nil || candidates.count < chosen!.candidates.count { chosen = (edge, u, candidates) }
      }
    }
    guard var result = chosen else { return nil }
    result.candidates.sort { ($0.gain, -$0.node) > ($1.gain, -$1.node) }
    return result
  }

  /// One greedy path: the first candidate at every step, excluding edges without one.
  mutating func descend() {
    while !exhausted {
      expansions += 1
      if expansions >= limit { exhausted = true }
      record()
      guard let (edge, u, candidates) = branch() else { return }
      if let first = candidates.first {
        place(u, first.node)
        bonds += first.gain
      } else {
        excluded[edge] = true
      }
    }
  }

  mutating func search() {
    if exhausted || finished { return }
    expansions += 1
    if expansions >= limit {
      exhausted = true
      return
    }
    record()
    if finished { return }
    guard bound() > best, let (edge, u, candidates) = branch() else { return }
    for (v, gain) in candidates {
      place(u, v)
      bonds += gain
      search()
      bonds -= gain
      unplace(u)
      if exhausted || finished { return }
    }
    excluded[edge] = true
    search()
    excluded[edge] = false
  }

  /// An upper bound on (common edges, nodes) of any completion of the current state.
  mutating func bound() -> (bonds: Int, atoms: Int) {
    var extra = 0
    // Open edges from each mapped node to unmapped nodes, against its image's.
    for a in mapped {
      touched.removeAll(keepingCapacity: true)
      for (u, edge) in neighbours1[a] where map1[u] < 0 && !excluded[edge] {
        let t = classOf[codes1[edge]] * labelCount + labels1[u]
        if histogram1[t] == 0 && histogram2[t] == 0 { touched.append(t) }
        histogram1[t] += 1
      }
      for (v, edge) in neighbours2[map1[a]] where map2[v] < 0 {
        let t = classOf[codes2[edge]] * labelCount + labels2[v]
        if histogram1[t] == 0 && histogram2[t] == 0 { touched.append(t) }
        histogram2[t] += 1
      }
      for t in touched {
        extra += Swift.min(histogram1[t], histogram2[t])
        (histogram1[t], histogram2[t]) = (0, 0)
      }
    }
    // Unmapped nodes reachable from the mapped part (first graph: without excluded edges).
    for v in 0..<n1 { reach1[v] = false }
    for v in 0..<n2 { reach2[v] = false }
    stack.removeAll(keepingCapacity: true)
    for a in mapped {
      for (u, edge) in neighbours1[a] where map1[u] < 0 && !excluded[edge] && !reach1[u] {
        reach1[u] = true
        stack.append(u)
      }
    }
    while let u = stack.popLast() {
      for (w, edge) in neighbours1[u] where map1[w] < 0 && !excluded[edge] && !reach1[w] {
        reach1[w] = true
        stack.append(w)
      }
    }
    for a in mapped {
      for (v, _) in neighbours2[map1[a]] where map2[v] < 0 && !reach2[v] {
        reach2[v] = true
        stack.append(v)
      }
    }
    while let v = stack.popLast() {
      for (w, _) in neighbours2[v] where map2[w] < 0 && !reach2[w] {
        reach2[w] = true
        stack.append(w)
      }
    }
    // Edges with both ends unmapped and reachable, by type.
    touched.removeAll(keepingCapacity: true)
    for (index, (u, v)) in ends1.enumerated() where reach1[u] && reach1[v] && !excluded[index] {
      let t = edgeType(codes1[index], labels1[u], labels1[v])
      if histogram1[t] == 0 && histogram2[t] == 0 { touched.append(t) }
      histogram1[t] += 1
    }
    for (index, (x, y)) in ends2.enumerated() where reach2[x] && reach2[y] {
      let t = edgeType(codes2[index], labels2[x], labels2[y])
      if histogram1[t] == 0 && histogram2[t] == 0 { touched.append(t) }
      histogram2[t] += 1
    }
    for t in touched {
      extra += Swift.min(histogram1[t], histogram2[t])
      (histogram1[t], histogram2[t]) = (0, 0)
    }
    // Nodes: reachable unmapped nodes per label.
    for l in 0..<labelCount { (nodeHistogram1[l], nodeHistogram2[l]) = (0, 0) }
    for u in 0..<n1 where reach1[u] { nodeHistogram1[labels1[u]] += 1 }
    for v in 0..<n2 where reach2[v] { nodeHistogram2[labels2[v]] += 1 }
    var newNodes = 0
    for l in 0..<labelCount { newNodes += Swift.min(nodeHistogram1[l], nodeHistogram2[l]) }
    let edgeBound = bonds + extra
    return (edgeBound, Swift.min(mapped.count + newNodes, edgeBound + 1))
  }
}
