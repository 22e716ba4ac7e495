// Node positions for drawings, in layout units where one edge (bond) is about 1 long.
//
// Pipeline per connected component: several neato (stress majorization) runs from different
// random starts; when none is crossing-free and the graph is small, Tutte (barycentric)
// embeddings of the 2-core on peripheral cycles, raw and polished by neato (free, or inside the
// pinned outer face). Candidates are ranked by collapse (many overlapping nodes), then edge
// crossings, then stress. If the winner still crosses, each ring system (cyclic block) is laid
// out alone, fitted into the winner by Procrustes and polished; then single-node moves remove
// remaining crossings, and small graphs get more random starts. Molecules add "helper" target
// distances so rings come out as regular polygons and bond angles near 120°. Pinned layouts
// (diffs) seed free nodes next to their pinned neighbours.

import Foundation

/// Options for computing positions.
public struct LayoutOptions: Sendable, Equatable {
  /// Number of neato runs from random starts per component.
  public var randomStarts: Int = 4
  /// Try Tutte embeddings on up to this many peripheral cycles (graphs of at most 40 nodes).
  public var tutteCandidates: Int = 4
  /// Further random starts (each refined) tried only while a small graph still has crossings.
  public var extraStarts: Int = 24
  /// Rounds of single-node moves that remove crossings.
  public var refinementRounds: Int = 4
  /// Rotate free layouts so the long axis is horizontal.
  public var landscape: Bool = true

  /// Default options.
  public init() {}
}

/// Layout entry points.
public enum Layout {
  /// Positions for every node of `graph` (one edge ≈ 1 unit).
  ///
  /// `pinned` nodes keep their given positions (used by diffs so the shared part is identical);
  /// the other nodes are placed around them.
  public static func positions(for graph: DrawingGraph, pinned: [Int: Point] = [:], options: LayoutOptions = LayoutOptions())
    throws(RenderError) -> [Point]
  {
    let adjacency = graph.adjacency
    let components = GraphStructure.components(adjacency)
    var result = Array(repeating: Point(x: 0, y: 0), count: graph.nodes.count)
    var placedBox: Box? = nil
    // Components with pinned nodes first: they define the frame; free components go to the right.
    let ordered = components.filter { $0.contains { pinned[$0] != nil } } + components.filter { !$0.contains { pinned[$0] != nil } }
    var pinnedBox = Box(enclosing: Array(pinned.values))
    for component in ordered {
      let sub = subgraph(graph, nodes: component)
      let localPins = Dictionary(uniqueKeysWithValues: component.enumerated().compactMap { local, global in
        pinned[global].map { (local, $0) }
      })
      var local = try componentPositions(sub, pinned: localPins, options: options)
      if localPins.isEmpty {
        if options.landscape { local = rotatedLandscape(local) }
        // Place to the right of everything already placed, vertically centred.
        let box = Box(enclosing: local)
        let anchor = placedBox ?? (pinned.isEmpty ? nil : pinnedBox)
        let dx = anchor.map { $0.maxX + 1.5 - box.minX } ?? -box.minX
        let dy = anchor.map { $0.center.y - box.center.y } ?? -box.minY
        local = local.map { Point(x: $0.x + dx, y: $0.y + dy) }
      }
      for (localIndex, global) in component.enumerated() { result[global] = local[localIndex] }
      let box = Box(enclosing: component.map { result[$0] })
      if let previous = placedBox {
        placedBox = Box(enclosing: [Point(x: previous.minX, y: previous.minY), Point(x: previous.maxX, y: previous.maxY),
                                    Point(x: box.minX, y: box.minY), Point(x: box.maxX, y: box.maxY)])
      } else {
        placedBox = box
      }
      pinnedBox = placedBox!
    }
    return result
  }

  /// The induced drawing on `nodes` (renumbered 0..<nodes.count in the given order).
  static func subgraph(_ graph: DrawingGraph, nodes: [Int]) -> DrawingGraph {
    var localIndex: [Int: Int] = [:]
    for (local, global) in nodes.enumerated() { localIndex[global] = local }
    let edges = graph.edges.compactMap { edge -> DrawingEdge? in
      guard let s = localIndex[edge.source], let t = localIndex[edge.target] else { return nil }
      var copy = edge
      copy.source = s
      copy.target = t
      return copy
    }
    return DrawingGraph(kind: graph.kind, nodes: nodes.map { graph.nodes[$0] }, edges: edges, name: graph.name)
  }

  /// Positions of one connected component.
  static func componentPositions(_ graph: DrawingGraph, pinned: [Int: Point], options: LayoutOptions) throws(RenderError) -> [Point] {
    let n = graph.nodes.count
    if n == 1 { return [pinned[0] ?? Point(x: 0, y: 0)] }
    if n == 2 && pinned.isEmpty { return [Point(x: 0, y: 0), Point(x: 1, y: 0)] }
    if pinned.count == n { return (0..<n).map { pinned[$0]! } }
    let helpers = graph.kind == .molecule ? MoleculeGeometry.helperEdges(graph) : []
    let weighted = graph.edges.map { ($0.source, $0.target, 1.0) } + helpers
    let distances = GraphStructure.distances(nodeCount: n, weightedEdges: weighted)
    let edges = graph.edges.map { ($0.source, $0.target) }
    var candidates: [[Point]] = []
    if !pinned.isEmpty {
      // Free nodes start next to their pinned neighbours, pushed away from the pinned part, so
      // stress majorization does not fold them into it.
      let seeded = seededPositions(graph.adjacency, pinned: pinned)
      candidates.append(seeded)
      candidates.append(try neato(nodeCount: n, edges: weighted, pinned: pinned, initial: seeded, seed: 1))
    }
    for start in 1...max(1, options.randomStarts) {
      candidates.append(try neato(nodeCount: n, edges: weighted, pinned: pinned, initial: nil, seed: start))
    }
    let hasCycles = graph.edges.count >= n
    // Tutte candidates only when no stress layout so far is crossing-free (they are for planarity).
    let alreadyPlanar = candidates.contains { LayoutMetrics.crossingCount(positions: $0, edges: edges) == 0 }
    if pinned.isEmpty && hasCycles && !alreadyPlanar && n <= 40 && options.tutteCandidates > 0 {
      let adjacency = graph.adjacency
      let core = twoCore(adjacency)
      for cycle in GraphStructure.peripheralCycles(core, limit: options.tutteCandidates) {
        let tutte = attachTrees(tutteEmbedding(core, outer: cycle), adjacency: adjacency, core: core)
        candidates.append(CrossingRefinement.refine(tutte, edges: edges, fixed: Set(cycle), rounds: options.refinementRounds))
        candidates.append(try neato(nodeCount: n, edges: weighted, pinned: [:], initial: tutte, seed: 1))
        // Stress layout inside the pinned convex outer face: balanced edge lengths, usually planar.
        let rim = Dictionary(uniqueKeysWithValues: cycle.map { ($0, tutte[$0]) })
        candidates.append(try neato(nodeCount: n, edges: weighted, pinned: rim, initial: tutte, seed: 1))
      }
    }
    var best = candidates[0]
    var bestScore = score(best, edges: edges, distances: distances)
    for candidate in candidates.dropFirst() {
      let s = score(candidate, edges: edges, distances: distances)
      if s < bestScore {
        best = candidate
        bestScore = s
      }
    }
    // Ring systems drawn on their own (crossing-free when planar), placed into the best
    // layout so far, then polished as a whole.
    if pinned.isEmpty && bestScore.crossings > 0 {
      let blocks = GraphStructure.cyclicBlocks(graph.adjacency).filter { $0.count < n }
      if !blocks.isEmpty {
        var assembled = best
        for block in blocks {
          let local = try componentPositions(subgraph(graph, nodes: block), pinned: [:], options: options)
          let aligned = Procrustes.align(local, onto: block.map { best[$0] })
          for (k, node) in block.enumerated() { assembled[node] = aligned[k] }
        }
        for candidate in [assembled, try neato(nodeCount: n, edges: weighted, pinned: [:], initial: assembled, seed: 1)] {
          let s = score(candidate, edges: edges, distances: distances)
          if s < bestScore {
            best = candidate
            bestScore = s
          }
        }
      }
    }
    if bestScore.crossings > 0 && n <= 150 {
      best = CrossingRefinement.refine(best, edges: edges, fixed: Set(pinned.keys), rounds: options.refinementRounds)
      bestScore = score(best, edges: edges, distances: distances)
    }
    // Still crossing on a small graph: more random starts, each refined, until one is clean.
    var extraSeed = options.randomStarts + 1
    while bestScore.crossings > 0 && n <= 40 && extraSeed <= options.randomStarts + options.extraStarts {
      var candidate = try neato(nodeCount: n, edges: weighted, pinned: pinned, initial: nil, seed: extraSeed)
      candidate = CrossingRefinement.refine(candidate, edges: edges, fixed: Set(pinned.keys), rounds: options.refinementRounds)
      let s = score(candidate, edges: edges, distances: distances)
      if s < bestScore {
        best = candidate
        bestScore = s
      }
      extraSeed += 1
    }
    return pinned.isEmpty ? normalizedEdgeLength(best, edges: edges) : best
  }

  /// Ranking of a candidate: crossings first, then stress, with near-overlaps penalised.
  struct Score: Comparable {
    /// Node pairs closer than 0.1 mean edge lengths when there are 3 or more (a collapsed
    /// part): unreadable, ranked first.
    var collapsed: Int
    var crossings: Int
    var quality: Double
    static func < (a: Score, b: Score) -> Bool {
      if a.collapsed != b.collapsed { return a.collapsed < b.collapsed }
      return a.crossings != b.crossings ? a.crossings < b.crossings : a.quality < b.quality
    }
  }

  /// Crossings plus scale-free stress of `positions` against target `distances`.
  static func score(_ positions: [Point], edges: [(Int, Int)], distances: [[Double]]) -> Score {
    // Stress with optimal scale s: minimise Σ w(s·|xi−xj| − dij)², w = 1/d², which gives
    // s = Σ w·d·|x| / Σ w·|x|²; the residual is then normalised by the pair count.
    var numerator = 0.0, denominator = 0.0
    let n = positions.count
    for i in 0..<n {
      for j in (i + 1)..<n where distances[i][j].isFinite && distances[i][j] > 0 {
        let d = distances[i][j], x = (positions[i] - positions[j]).length, w = 1 / (d * d)
        numerator += w * d * x
        denominator += w * x * x
      }
    }
    let scale = denominator > 0 ? numerator / denominator : 1
    var stress = 0.0, pairs = 0.0, overlaps = 0.0
    for i in 0..<n {
      for j in (i + 1)..<n where distances[i][j].isFinite && distances[i][j] > 0 {
        let d = distances[i][j], x = scale * (positions[i] - positions[j]).length
        stress += (x - d) * (x - d) / (d * d)
        pairs += 1
        if x < 0.4 { overlaps += 1 }
      }
    }
    let crossings = LayoutMetrics.crossingCount(positions: positions, edges: edges)
    // Very short edges hide behind their end nodes: penalise a shortest edge below 0.7 of the median.
    let lengths = edges.map { (positions[$0.0] - positions[$0.1]).length }.sorted()
    let shortEdgePenalty = lengths.isEmpty ? 0 : max(0, 0.7 - lengths[0] / max(lengths[lengths.count / 2], 1e-9))
    // Reference length: the mean edge (a median can itself be ~0 when most nodes collapsed).
    let mean = lengths.isEmpty ? 1 : max(lengths.reduce(0, +) / Double(lengths.count), 1e-9)
    var collapsed = 0
    for i in 0..<n {
      for j in (i + 1)..<n where (positions[i] - positions[j]).length < 0.1 * mean { collapsed += 1 }
    }
    // One or two tight spots (a pendant tucked into a small face) are acceptable; more means a
    // whole part collapsed.
    if collapsed < 3 { collapsed = 0 }
    return Score(collapsed: collapsed, crossings: crossings, quality: stress / max(pairs, 1) + overlaps + shortEdgePenalty)
  }

  /// One neato run in layout units (DOT `len` in inches = units); pinned nodes stay put.
  static func neato(nodeCount n: Int, edges: [(Int, Int, Double)], pinned: [Int: Point], initial: [Point]?, seed: Int)
    throws(RenderError) -> [Point]
  {
    var dot = DOTGraph(name: "layout")
    dot.graphAttributes = [
      ("mode", .string("major")), ("start", .string(initial == nil ? "random\(seed)" : "\(seed)")),
      ("epsilon", .string("0.000001")), ("maxiter", .string("2000")), ("overlap", .string("true")),
      ("splines", .string("false")),
    ]
    dot.nodeDefaults = [("shape", .string("point")), ("width", .string("0.02"))]
    for v in 0..<n {
      if let p = pinned[v] {
        dot.nodes.append(DOTNode("\(v)", [("pos", .string("\(p.x),\(p.y)!"))]))
      } else if let initial {
        dot.nodes.append(DOTNode("\(v)", [("pos", .string("\(initial[v].x),\(initial[v].y)"))]))
      } else {
        dot.nodes.append(DOTNode("\(v)"))
      }
    }
    for (u, v, length) in edges {
      dot.edges.append(DOTEdge("\(u)", "\(v)", [("len", .string(DOT.number(length)))]))
    }
    let layout = try PlainLayout(parsing: Graphviz.render(dot: dot.text, engine: .neato, format: .plain))
    var points: [Point] = []
    for v in 0..<n {
      guard let p = layout.positions["\(v)"] else {
        throw .render(format: "plain", message: "layout lost node \(v)")
      }
      points.append(Point(x: p.x / 72, y: p.y / 72))
    }
    // neato translates the drawing; restore the pinned frame from the first pinned node.
    if let (index, target) = pinned.min(by: { $0.key < $1.key }) {
      let shift = target - points[index]
      points = points.map { $0 + shift }
    }
    return points
  }

  /// Tutte's barycentric embedding: `outer` on a regular polygon, every other node at the mean
  /// of its neighbours (solved by Gauss–Seidel; planar and crossing-free for 3-connected planar
  /// graphs when `outer` is a face).
  static func tutteEmbedding(_ adjacency: [[Int]], outer: [Int]) -> [Point] {
    let n = adjacency.count
    var positions = Array(repeating: Point(x: 0, y: 0), count: n)
    var fixed = Array(repeating: false, count: n)
    // Circumradius of a regular k-gon with unit sides: R = 1 / (2 sin(π/k)); enlarged so the
    // interior has room (interior edges come out shorter than the rim).
    let k = Double(outer.count)
    // Polygon with unit sides (R = 1 / (2 sin(π/k))), widened to roughly fit n unit-spaced nodes.
    let radius = max(1 / (2 * sin(Double.pi / k)), 0.6 * Double(n).squareRoot())
    for (i, v) in outer.enumerated() {
      let angle = 2 * Double.pi * Double(i) / k
      positions[v] = Point(x: radius * cos(angle), y: radius * sin(angle))
      fixed[v] = true
    }
    for _ in 0..<2000 {
      var change = 0.0
      for v in 0..<n where !fixed[v] && !adjacency[v].isEmpty {
        var sum = Point(x: 0, y: 0)
        for u in adjacency[v] { sum = sum + positions[u] }
        let next = sum * (1 / Double(adjacency[v].count))
        change = max(change, (next - positions[v]).length)
        positions[v] = next
      }
      if change < 1e-9 { break }
    }
    return positions
  }

  /// Pinned nodes at their pins; every other node, in breadth-first order from the pinned ones,
  /// one unit from the mean of its placed neighbours, away from the centre of the pinned part.
  static func seededPositions(_ adjacency: [[Int]], pinned: [Int: Point]) -> [Point] {
    let n = adjacency.count
    var positions = Array(repeating: Point(x: 0, y: 0), count: n)
    var placed = Array(repeating: false, count: n)
    for (node, point) in pinned {
      positions[node] = point
      placed[node] = true
    }
    let center = Box(enclosing: Array(pinned.values)).center
    var queue = pinned.keys.sorted()
    var cursor = 0
    var fallbackAngle = 0.0
    while placed.contains(false) {
      if cursor == queue.count {
        // A part not connected to any pinned node: start it to the right.
        let node = placed.firstIndex(of: false)!
        positions[node] = Point(x: Box(enclosing: positions.indices.filter { placed[$0] }.map { positions[$0] }).maxX + 1.5, y: center.y)
        placed[node] = true
        queue.append(node)
        continue
      }
      let u = queue[cursor]
      cursor += 1
      for v in adjacency[u] where !placed[v] {
        let neighbours = adjacency[v].filter { placed[$0] }
        let mean = neighbours.reduce(Point(x: 0, y: 0)) { $0 + positions[$1] } * (1 / Double(neighbours.count))
        var outward = mean - center
        if outward.length < 1e-6 {
          outward = Point(x: cos(fallbackAngle), y: sin(fallbackAngle))
          fallbackAngle += 2.4
        }
        positions[v] = mean + outward * (1 / outward.length)
        placed[v] = true
        queue.append(v)
      }
    }
    return positions
  }

  /// Adjacency of the 2-core: nodes of degree 1 are removed repeatedly (their lists emptied).
  static func twoCore(_ adjacency: [[Int]]) -> [[Int]] {
    var core = adjacency
    var removed = Array(repeating: false, count: adjacency.count)
    var stack = adjacency.indices.filter { adjacency[$0].count <= 1 }
    while let v = stack.popLast() {
      guard !removed[v] else { continue }
      removed[v] = true
      for u in core[v] {
        core[u].removeAll { $0 == v }
        if core[u].count <= 1 && !removed[u] { stack.append(u) }
      }
      core[v] = []
    }
    return core
  }

  /// Places the tree nodes outside the 2-core: children of a node fan out inside the widest
  /// angular gap between its placed neighbours, as far as 1 unit but short enough that the new
  /// edge crosses no placed edge.
  static func attachTrees(_ corePositions: [Point], adjacency: [[Int]], core: [[Int]]) -> [Point] {
    var positions = corePositions
    var placed = core.map { !$0.isEmpty }
    var placedEdges: [(Int, Int)] = []
    for u in core.indices { for v in core[u] where u < v { placedEdges.append((u, v)) } }
    var queue = positions.indices.filter { placed[$0] }
    var cursor = 0
    while cursor < queue.count {
      let parent = queue[cursor]
      cursor += 1
      let children = adjacency[parent].filter { !placed[$0] }
      guard !children.isEmpty else { continue }
      // Widest gap between the directions of placed neighbours (full circle when there are none).
      let angles = adjacency[parent].filter { placed[$0] }
        .map { atan2(positions[$0].y - positions[parent].y, positions[$0].x - positions[parent].x) }.sorted()
      var gapStart = 0.0, gapWidth = 2 * Double.pi
      for (k, angle) in angles.enumerated() {
        let next = k + 1 < angles.count ? angles[k + 1] : angles[0] + 2 * Double.pi
        if k == 0 || next - angle > gapWidth { (gapStart, gapWidth) = (angle, next - angle) }
      }
      for (k, child) in children.enumerated() {
        let direction = gapStart + gapWidth * Double(k + 1) / Double(children.count + 1)
        let unitVector = Point(x: cos(direction), y: sin(direction))
        var length = 1.0
        while length > 0.05 {
          let spot = positions[parent] + unitVector * length
          let crosses = placedEdges.contains { a, b in
            a != parent && b != parent && LayoutMetrics.segmentsCross(positions[parent], spot, positions[a], positions[b])
          }
          let crowded = positions.indices.contains { placed[$0] && $0 != parent && (positions[$0] - spot).length < 0.3 * length }
          if !crosses && !crowded { break }
          length *= 0.6
        }
        positions[child] = positions[parent] + unitVector * length
        placed[child] = true
        placedEdges.append((parent, child))
        queue.append(child)
      }
    }
    return positions
  }

  /// Scales positions so the median edge length is 1 (the mean, when the median is under a
  /// quarter of it) and centres them at the origin.
  static func normalizedEdgeLength(_ positions: [Point], edges: [(Int, Int)]) -> [Point] {
    let lengths = edges.map { (positions[$0.0] - positions[$0.1]).length }.filter { $0 > 1e-9 }.sorted()
    let mean = lengths.isEmpty ? 1 : lengths.reduce(0, +) / Double(lengths.count)
    let median = lengths.isEmpty ? 1 : (lengths[lengths.count / 2] < 0.25 * mean ? mean : lengths[lengths.count / 2])
    let center = Box(enclosing: positions).center
    return positions.map { ($0 - center) * (1 / median) }
  }

  /// Rotates positions about their centroid so the principal axis is horizontal.
  static func rotatedLandscape(_ positions: [Point]) -> [Point] {
    guard positions.count > 2 else { return positions }
    let count = Double(positions.count)
    let mean = positions.reduce(Point(x: 0, y: 0), +) * (1 / count)
    var sxx = 0.0, syy = 0.0, sxy = 0.0
    for p in positions {
      let d = p - mean
      sxx += d.x * d.x
      syy += d.y * d.y
      sxy += d.x * d.y
    }
    // Principal axis angle of the 2×2 covariance: θ = ½·atan2(2·sxy, sxx − syy).
    let theta = 0.5 * atan2(2 * sxy, sxx - syy)
    let c = cos(-theta), s = sin(-theta)
    return positions.map { p in
      let d = p - mean
      return Point(x: d.x * c - d.y * s, y: d.x * s + d.y * c)
    }
  }
}
