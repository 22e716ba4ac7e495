// Exact graph edit distance (GED) for small graphs, by branch and bound over node mappings.
//
// Unit costs: substituting a node's label, inserting or deleting a node, inserting or deleting
// an edge, and changing an edge's label each cost 1. The smaller graph is padded with isolated
// "dummy" nodes so both have N = max(n1, n2) nodes; a bijection π between the padded node sets
// then describes an edit path and its cost is
//   Σ_i nodeCost(i, π(i)) + Σ_{i<k} [E1(i,k) ≠ E2(π(i),π(k))],
// where mapping a real node to a dummy is a deletion (or insertion), a dummy to a dummy costs 0,
// and dummies have no edges, so the edges of a deleted node are counted as deleted. GED is the
// least such cost; for unlabelled graphs of equal size it is the least symmetric edge difference
// over node permutations.
//
// Search: nodes of the first graph are assigned in order of decreasing degree; at each step the
// cost of the pairs now fully assigned is added exactly, and the branch is cut when that plus an
// admissible lower bound for the rest reaches the best cost found. The bound adds three costs
// over disjoint sets of comparisons, each from label multisets (if two multisets of equal size
// are matched one to one, at least size − Σ_c min(count1[c], count2[c]) pairs differ):
// - the unassigned nodes of both graphs (their node labels, dummy included);
// - the pairs with both ends unassigned (their edge labels, 0 = no edge included);
// - for each assigned node i ↦ j, the pairs (i, k) with k unassigned against the pairs (j, l)
//   with l unused: for unlabelled graphs that is |unassigned degree of i − that of j|.
// The identity mapping gives the first upper bound, which is tight for the usual case of a
// counterfactual that kept the input's node numbering.

/// The result of an exact graph edit distance computation.
public struct GraphEditResult: Sendable, Equatable {
  /// The least edit cost.
  public let distance: Int
  /// An optimal mapping: `mapping[i]` is the node of the second graph that node i of the first
  /// is matched to, or nil when node i is deleted. Nodes of the second graph that no node maps
  /// to are inserted.
  public let mapping: [Int?]
}

/// Exact graph edit distance with unit costs.
public enum GraphEditDistance {
  /// The largest padded node count accepted. The search is exponential in the worst case:
  /// measured on random G(n, 0.35) pairs (release build), mean / worst 0.2 / 10 ms at n = 8 and
  /// 73 / 313 ms at n = 12, growing about 4× per node; near-identical pairs (counterfactuals
  /// that keep the node numbering) take microseconds.
  public static let maximumNodeCount = 12

  /// The exact edit distance between `first` and `second` and an optimal node mapping.
  /// - Precondition: both graphs have at most `maximumNodeCount` nodes.
  public static func compute(_ first: Graph, _ second: Graph) -> GraphEditResult {
    let size = Swift.max(first.nodeCount, second.nodeCount)
    precondition(size <= maximumNodeCount, "GraphEditDistance: \(size) nodes; exact search supports at most \(maximumNodeCount)")
    var search = EditSearch(first, second)
    search.run()
    let mapping: [Int?] = (0..<first.nodeCount).map { i in
      let j = search.bestTarget[i]
      return j < second.nodeCount ? j : nil
    }
    return GraphEditResult(distance: search.bestCost, mapping: mapping)
  }

  /// The exact edit distance between `first` and `second`.
  public static func distance(_ first: Graph, _ second: Graph) -> Int { compute(first, second).distance }
}

extension Graph {
  /// The exact graph edit distance to `other` (unit costs; see `GraphEditDistance`).
  public func editDistance(to other: Graph) -> Int { GraphEditDistance.distance(self, other) }
}

/// The branch-and-bound state. Labels are remapped to dense codes so the bound's histograms are
/// small arrays; node code 0 is the dummy label.
private struct EditSearch {
  let size: Int
  let nodes1: [Int], nodes2: [Int]  // node label codes, padded
  let edges1: [Int], edges2: [Int]  // size×size edge label codes, padded
  let nodeCodeCount: Int, edgeCodeCount: Int
  let order: [Int]  // first-graph nodes in assignment order
  var target: [Int]  // current mapping (first → second), -1 = unassigned
  var used: [Bool]
  var nodeHistogram1: [Int], nodeHistogram2: [Int]  // labels of unassigned nodes
  var pairHistogram1: [Int], pairHistogram2: [Int]  // labels of pairs with both ends unassigned
  var scratch1: [Int], scratch2: [Int]
  var unusedTargets: [Int]
  var bestCost: Int
  var bestTarget: [Int]
  /// The root lower bound: once a mapping reaches it, it is optimal and the search stops.
  var rootBound = 0

  init(_ a: Graph, _ b: Graph) {
    let size = Swift.max(a.nodeCount, b.nodeCount)
    self.size = size
    let nodeCodes = Dictionary(uniqueKeysWithValues: Set(a.nodeLabels + b.nodeLabels).sorted().enumerated().map { ($1, $0 + 1) })
    nodeCodeCount = nodeCodes.count + 1
    nodes1 = (0..<size).map { $0 < a.nodeCount ? nodeCodes[a.nodeLabels[$0]]! : 0 }
    nodes2 = (0..<size).map { $0 < b.nodeCount ? nodeCodes[b.nodeLabels[$0]]! : 0 }
    let edgeLabels = Set([0] + a.edges.map(\.label) + b.edges.map(\.label)).sorted()
    let edgeCodes = Dictionary(uniqueKeysWithValues: edgeLabels.enumerated().map { ($1, $0) })
    edgeCodeCount = edgeCodes.count
    func padded(_ g: Graph) -> [Int] {
      var m = [Int](repeating: 0, count: size * size)
      for e in g.edges {
        m[e.u * size + e.v] = edgeCodes[e.label]!
        m[e.v * size + e.u] = edgeCodes[e.label]!
      }
      return m
    }
    let firstEdges = padded(a), firstNodes = nodes1
    edges1 = firstEdges
    edges2 = padded(b)
    let degrees = (0..<size).map { i in (0..<size).filter { firstEdges[i * size + $0] != 0 }.count }
    order = (0..<size).sorted {
      (-degrees[$0], firstNodes[$0] == 0 ? 1 : 0, $0) < (-degrees[$1], firstNodes[$1] == 0 ? 1 : 0, $1)
    }
    target = [Int](repeating: -1, count: size)
    used = [Bool](repeating: false, count: size)
    nodeHistogram1 = [Int](repeating: 0, count: nodeCodeCount)
    nodeHistogram2 = nodeHistogram1
    for i in 0..<size {
      nodeHistogram1[nodes1[i]] += 1
      nodeHistogram2[nodes2[i]] += 1
    }
    pairHistogram1 = [Int](repeating: 0, count: edgeCodeCount)
    pairHistogram2 = pairHistogram1
    scratch1 = pairHistogram1
    scratch2 = pairHistogram1
    for i in 0..<size {
      for k in (i + 1)..<Swift.max(size, i + 1) {
        pairHistogram1[edges1[i * size + k]] += 1
        pairHistogram2[edges2[i * size + k]] += 1
      }
    }
    unusedTargets = Array(0..<size)
    // Upper bound: the identity mapping.
    var identityCost = 0
    for i in 0..<size {
      if nodes1[i] != nodes2[i] { identityCost += 1 }
      for k in (i + 1)..<Swift.max(size, i + 1) where edges1[i * size + k] != edges2[i * size + k] { identityCost += 1 }
    }
    bestCost = identityCost
    bestTarget = Array(0..<size)
  }

  /// The lower bound on the cost of everything not yet fixed when `depth` nodes are assigned.
  mutating func lowerBound(depth: Int) -> Int {
    let remaining = size - depth
    var bound = remaining
    for c in 0..<nodeCodeCount { bound -= Swift.min(nodeHistogram1[c], nodeHistogram2[c]) }
    bound += remaining * (remaining - 1) / 2
    for c in 0..<edgeCodeCount { bound -= Swift.min(pairHistogram1[c], pairHistogram2[c]) }
    if remaining == 0 { return bound }
    unusedTargets.removeAll(keepingCapacity: true)
    for l in 0..<size where !used[l] { unusedTargets.append(l) }
    for d in 0..<depth {
      let i = order[d], j = target[i]
      for c in 0..<edgeCodeCount { (scratch1[c], scratch2[c]) = (0, 0) }
      for position in depth..<size { scratch1[edges1[i * size + order[position]]] += 1 }
      for l in unusedTargets { scratch2[edges2[j * size + l]] += 1 }
      bound += remaining
      for c in 0..<edgeCodeCount { bound -= Swift.min(scratch1[c], scratch2[c]) }
    }
    return bound
  }

  mutating func run() {
    if size == 0 { return }
    rootBound = lowerBound(depth: 0)
    if rootBound >= bestCost { return }
    search(depth: 0, cost: 0)
  }

  /// The exact cost added by mapping `i` to `j` given the nodes already assigned.
  func stepCost(depth: Int, _ i: Int, _ j: Int) -> Int {
    var cost = nodes1[i] == nodes2[j] ? 0 : 1
    for d in 0..<depth {
      let i2 = order[d]
      if edges1[i * size + i2] != edges2[j * size + target[i2]] { cost += 1 }
    }
    return cost
  }

  /// Moves node i ↦ j out of (sign −1) or back into (sign +1) the unassigned histograms.
  mutating func updateHistograms(depth: Int, _ i: Int, _ j: Int, sign: Int) {
    nodeHistogram1[nodes1[i]] += sign
    nodeHistogram2[nodes2[j]] += sign
    for position in (depth + 1)..<Swift.max(size, depth + 1) { pairHistogram1[edges1[i * size + order[position]]] += sign }
    for l in 0..<size where !used[l] && l != j { pairHistogram2[edges2[j * size + l]] += sign }
  }

  mutating func search(depth: Int, cost: Int) {
    if depth == size {
      if cost < bestCost {
        bestCost = cost
        bestTarget = target
      }
      return
    }
    let i = order[depth]
    // Evaluate every extension's exact step cost plus the bound on the rest, and try the most
    // promising first so good mappings (and tight upper bounds) are found early.
    var candidates: [(estimate: Int, step: Int, node: Int)] = []
    for j in 0..<size where !used[j] {
      let step = stepCost(depth: depth, i, j)
      if cost + step >= bestCost { continue }
      updateHistograms(depth: depth, i, j, sign: -1)
      target[i] = j
      used[j] = true
      let estimate = cost + step + lowerBound(depth: depth + 1)
      used[j] = false
      target[i] = -1
      updateHistograms(depth: depth, i, j, sign: 1)
      if estimate < bestCost { candidates.append((estimate, step, j)) }
    }
    candidates.sort { ($0.estimate, $0.node) < ($1.estimate, $1.node) }
    for (estimate, step, j) in candidates {
      if estimate >= bestCost || bestCost == rootBound { break }
      updateHistograms(depth: depth, i, j, sign: -1)
      target[i] = j
      used[j] = true
      search(depth: depth + 1, cost: cost + step)
      used[j] = false
      target[i] = -1
      updateHistograms(depth: depth, i, j, sign: 1)
    }
  }
}
