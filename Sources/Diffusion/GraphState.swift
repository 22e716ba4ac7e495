// A batch of dense graphs: the state the diffusion process acts on.
// Replaces DiGress's `PlaceHolder(X, E, y)` plus its separate `node_mask` (src/utils.py).
//
// Layout (bs graphs padded to n nodes, a node classes, b edge classes, g global features):
//   nodes    [bs, n, a]     one-hot node class per real node; all-zero rows for padding
//   edges    [bs, n, n, b]  one-hot edge class per ordered pair; class 0 = no edge
//   globals  [bs, g]        graph-level features (g may be 0)
//   nodeMask [bs, n]        1 for real nodes, 0 for padding
//
// Decision (the ONE diagonal convention). DiGress is inconsistent: clean graphs and its prior
// sample carry an all-zero vector on the diagonal of E, while every noised state (forward
// noising and reverse steps) carries the class-0 one-hot there (as DiGress does). Here a *canonical*
// state always has, for every real node i, E[i, i] = class-0 one-hot ("no self loop"), and
// all-zero vectors for every pair that involves a padded node. Clean, noised, prior and sampled
// states all use it, so the denoiser sees the same diagonal in training and in sampling. The
// diagonal is never noised or sampled; the training loss excludes it explicitly with
// `offDiagonalPairMask` (DiGress drops it through its all-zero rows).
//
// Edges are symmetric: E[i, j] = E[j, i]. Real nodes need not be a prefix of the n slots, but
// the constructors here always place them first.

/// A batch of dense categorical graphs with a node mask; see the file comment for the layout.
public struct GraphState: Sendable {
  /// Node one-hots. Shapes: [bs, n, a].
  public var nodes: Tensor
  /// Edge one-hots, class 0 = no edge. Shapes: [bs, n, n, b].
  public var edges: Tensor
  /// Graph-level features. Shapes: [bs, g] (g may be 0).
  public var globals: Tensor
  /// 1 for real nodes, 0 for padding. Shapes: [bs, n].
  public var nodeMask: Tensor

  /// A state from its four tensors (shapes are checked, values are not; see `isCanonical`).
  public init(nodes: Tensor, edges: Tensor, globals: Tensor, nodeMask: Tensor) {
    precondition(nodes.rank == 3, "GraphState: nodes must be [bs, n, a], got \(nodes.shape)")
    let (bs, n) = (nodes.shape[0], nodes.shape[1])
    precondition(
      edges.rank == 4 && edges.shape[0] == bs && edges.shape[1] == n && edges.shape[2] == n && edges.shape[3] >= 1,
      "GraphState: edges must be [\(bs), \(n), \(n), b], got \(edges.shape) (nodes \(nodes.shape))")
    precondition(globals.rank == 2 && globals.shape[0] == bs, "GraphState: globals must be [\(bs), g], got \(globals.shape)")
    precondition(nodeMask.shape == [bs, n], "GraphState: nodeMask must be [\(bs), \(n)], got \(nodeMask.shape)")
    self.nodes = nodes
    self.edges = edges
    self.globals = globals
    self.nodeMask = nodeMask
  }

  /// A canonical state from class indices: graph g has `nodeClasses[g].count` real nodes (placed
  /// first, padded to `nodeCapacity`, default the largest graph) and a symmetric matrix
  /// `edgeClasses[g]` of edge classes whose diagonal is ignored (stored as class 0).
  /// `globals` defaults to width 0.
  public init(
    nodeClasses: [[Int]], edgeClasses: [[[Int]]], nodeClassCount: Int, edgeClassCount: Int,
    nodeCapacity: Int? = nil, globals: Tensor? = nil
  ) {
    precondition(nodeClasses.count == edgeClasses.count, "GraphState: \(nodeClasses.count) node lists but \(edgeClasses.count) edge matrices")
    let bs = nodeClasses.count
    let n = nodeCapacity ?? (nodeClasses.map(\.count).max() ?? 0)
    let (a, b) = (nodeClassCount, edgeClassCount)
    precondition(a >= 1 && b >= 2, "GraphState: need at least 1 node class and 2 edge classes, got \(a), \(b)")
    var x = [Float](repeating: 0, count: bs * n * a)
    var e = [Float](repeating: 0, count: bs * n * n * b)
    var mask = [Float](repeating: 0, count: bs * n)
    for g in 0..<bs {
      let count = nodeClasses[g].count
      precondition(count <= n, "GraphState: graph \(g) has \(count) nodes, more than the capacity \(n)")
      precondition(
        edgeClasses[g].count == count && edgeClasses[g].allSatisfy { $0.count == count },
        "GraphState: graph \(g) has \(count) nodes but its edge matrix is not \(count)×\(count)")
      for i in 0..<count {
        let c = nodeClasses[g][i]
        precondition(c >= 0 && c < a, "GraphState: graph \(g) node \(i) has class \(c), outside 0..<\(a)")
        x[(g * n + i) * a + c] = 1
        mask[g * n + i] = 1
        for j in 0..<count {
          let c = i == j ? 0 : edgeClasses[g][i][j]
          precondition(c >= 0 && c < b, "GraphState: graph \(g) edge (\(i), \(j)) has class \(c), outside 0..<\(b)")
          precondition(c == edgeClasses[g][j][i] || i == j, "GraphState: graph \(g) edge matrix is not symmetric at (\(i), \(j))")
          e[((g * n + i) * n + j) * b + c] = 1
        }
      }
    }
    self.init(
      nodes: Tensor(shape: [bs, n, a], scalars: x), edges: Tensor(shape: [bs, n, n, b], scalars: e),
      globals: globals ?? Tensor.zeros([bs, 0]), nodeMask: Tensor(shape: [bs, n], scalars: mask))
  }

  /// Number of graphs bs.
  public var batchSize: Int { nodes.shape[0] }
  /// Number of node slots n (the padded size).
  public var nodeCapacity: Int { nodes.shape[1] }
  /// Number of node classes a.
  public var nodeClassCount: Int { nodes.shape[2] }
  /// Number of edge classes b.
  public var edgeClassCount: Int { edges.shape[3] }

  /// The number of real nodes of each graph.
  public var nodeCounts: [Int] {
    let mask = nodeMask.scalars, n = nodeCapacity
    return (0..<batchSize).map { g in (0..<n).filter { mask[g * n + $0] > 0.5 }.count }
  }

  /// The indices of the real nodes of graph `graph`, in slot order.
  public func realNodes(ofGraph graph: Int) -> [Int] {
    precondition(graph >= 0 && graph < batchSize, "GraphState: graph \(graph) is outside 0..<\(batchSize)")
    let mask = nodeMask.scalars, n = nodeCapacity
    return (0..<n).filter { mask[graph * n + $0] > 0.5 }
  }

  /// The class of each real node of graph `graph` (argmax of its row).
  public func nodeClasses(ofGraph graph: Int) -> [Int] {
    let x = nodes.scalars, (n, a) = (nodeCapacity, nodeClassCount)
    return realNodes(ofGraph: graph).map { i in indexOfLargest(x, offset: (graph * n + i) * a, count: a) }
  }

  /// The edge class of each ordered pair of real nodes of graph `graph` (diagonal reported as 0).
  public func edgeClasses(ofGraph graph: Int) -> [[Int]] {
    let e = edges.scalars, (n, b) = (nodeCapacity, edgeClassCount)
    let real = realNodes(ofGraph: graph)
    return real.map { i in
      real.map { j in i == j ? 0 : indexOfLargest(e, offset: ((graph * n + i) * n + j) * b, count: b) }
    }
  }

  /// The node classes of every graph (real nodes only), reading the tensors once.
  public func allNodeClasses() -> [[Int]] {
    let (x, mask, n, a) = (nodes.scalars, nodeMask.scalars, nodeCapacity, nodeClassCount)
    return (0..<batchSize).map { g in
      (0..<n).filter { mask[g * n + $0] > 0.5 }.map { i in indexOfLargest(x, offset: (g * n + i) * a, count: a) }
    }
  }

  /// The edge-class matrices of every graph (real nodes only, diagonal 0), reading the tensors once.
  public func allEdgeClasses() -> [[[Int]]] {
    let (e, mask, n, b) = (edges.scalars, nodeMask.scalars, nodeCapacity, edgeClassCount)
    return (0..<batchSize).map { g in
      let real = (0..<n).filter { mask[g * n + $0] > 0.5 }
      return real.map { i in real.map { j in i == j ? 0 : indexOfLargest(e, offset: ((g * n + i) * n + j) * b, count: b) } }
    }
  }

  /// Real-node mask broadcastable over node features. Shapes: [bs, n, 1].
  public var nodeFeatureMask: Tensor { nodeMask.reshaped([batchSize, nodeCapacity, 1]) }

  /// 1 for every ordered pair of real nodes, diagonal included. Shapes: [bs, n, n].
  public var pairMask: Tensor {
    let (bs, n) = (batchSize, nodeCapacity)
    return nodeMask.reshaped([bs, n, 1]) * nodeMask.reshaped([bs, 1, n])
  }

  /// 1 for every ordered pair of distinct real nodes (diagonal excluded). Shapes: [bs, n, n].
  public var offDiagonalPairMask: Tensor {
    let n = nodeCapacity
    var offDiagonal = [Float](repeating: 1, count: n * n)
    for i in 0..<n { offDiagonal[i * n + i] = 0 }
    return pairMask.detached * Tensor(shape: [n, n], scalars: offDiagonal)
  }

  /// Node features with padded rows zeroed (differentiable). Shapes: [bs, n, c] → [bs, n, c].
  public func maskingNodeFeatures(_ features: Tensor) -> Tensor {
    precondition(
      features.rank == 3 && features.shape[0] == batchSize && features.shape[1] == nodeCapacity,
      "maskingNodeFeatures: expected [\(batchSize), \(nodeCapacity), c], got \(features.shape)")
    return features * nodeFeatureMask.detached
  }

  /// Edge features with every pair that involves a padded node zeroed (differentiable).
  /// Shapes: [bs, n, n, c] → [bs, n, n, c].
  public func maskingEdgeFeatures(_ features: Tensor) -> Tensor {
    precondition(
      features.rank == 4 && features.shape[0] == batchSize && features.shape[1] == nodeCapacity
        && features.shape[2] == nodeCapacity,
      "maskingEdgeFeatures: expected [\(batchSize), \(nodeCapacity), \(nodeCapacity), c], got \(features.shape)")
    return features * pairMask.detached.reshaped([batchSize, nodeCapacity, nodeCapacity, 1])
  }

  /// This state with padding zeroed and the canonical diagonal (class-0 one-hot on real nodes),
  /// i.e. DiGress's `PlaceHolder.mask` plus the diagonal decision in the file comment.
  public func canonicalized() -> GraphState {
    let (bs, n, b) = (batchSize, nodeCapacity, edgeClassCount)
    var e = maskingEdgeFeatures(edges.detached).scalars
    let mask = nodeMask.scalars
    for g in 0..<bs {
      for i in 0..<n where mask[g * n + i] > 0.5 {
        let offset = ((g * n + i) * n + i) * b
        for c in 0..<b { e[offset + c] = c == 0 ? 1 : 0 }
      }
    }
    return GraphState(
      nodes: maskingNodeFeatures(nodes.detached), edges: Tensor(shape: edges.shape, scalars: e),
      globals: globals, nodeMask: nodeMask)
  }

  /// Whether the state is canonical: 0/1 mask, one-hot rows on real nodes and pairs, zeros on
  /// padding, class 0 on the diagonal, symmetric edges. O(bs·n²·b); for tests and debugging.
  public func isCanonical() -> Bool {
    let (bs, n, a, b) = (batchSize, nodeCapacity, nodeClassCount, edgeClassCount)
    let (x, e, mask) = (nodes.scalars, edges.scalars, nodeMask.scalars)
    func isOneHot(_ values: [Float], _ offset: Int, _ count: Int) -> Bool {
      let row = values[offset..<(offset + count)]
      return row.allSatisfy { $0 == 0 || $0 == 1 } && row.reduce(0, +) == 1
    }
    func isZero(_ values: [Float], _ offset: Int, _ count: Int) -> Bool {
      values[offset..<(offset + count)].allSatisfy { $0 == 0 }
    }
    guard mask.allSatisfy({ $0 == 0 || $0 == 1 }) else { return false }
    for g in 0..<bs {
      for i in 0..<n {
        let real = mask[g * n + i] == 1
        guard real ? isOneHot(x, (g * n + i) * a, a) : isZero(x, (g * n + i) * a, a) else { return false }
        for j in 0..<n {
          let offset = ((g * n + i) * n + j) * b
          if real && mask[g * n + j] == 1 {
            guard isOneHot(e, offset, b) else { return false }
            if i == j && e[offset] != 1 { return false }
            let mirror = ((g * n + j) * n + i) * b
            guard e[offset..<(offset + b)] == e[mirror..<(mirror + b)] else { return false }
          } else {
            guard isZero(e, offset, b) else { return false }
          }
        }
      }
    }
    return true
  }

  /// The graphs at `indices`, in that order (indices may repeat). Shapes: bs → indices.count.
  public func selecting(graphs indices: [Int]) -> GraphState {
    precondition(indices.allSatisfy { $0 >= 0 && $0 < batchSize }, "GraphState.selecting: \(indices) outside 0..<\(batchSize)")
    func rows(_ t: Tensor) -> Tensor {
      let width = batchSize == 0 ? 0 : t.count / batchSize
      let values = t.scalars
      var shape = t.shape
      shape[0] = indices.count
      return Tensor(shape: shape, scalars: indices.flatMap { values[($0 * width)..<(($0 + 1) * width)] })
    }
    return GraphState(nodes: rows(nodes), edges: rows(edges), globals: rows(globals), nodeMask: rows(nodeMask))
  }

  /// `count` copies of every graph (graph-major: g0, g0, …, g1, g1, …). Shapes: bs → bs·count.
  public func replicated(count: Int) -> GraphState {
    precondition(count >= 0, "GraphState.replicated: count \(count) must be non-negative")
    return selecting(graphs: (0..<batchSize).flatMap { Array(repeating: $0, count: count) })
  }

  /// The batches one after another (same n, a, b and g). Shapes: Σ bs.
  public static func concatenated(_ states: [GraphState]) -> GraphState {
    precondition(!states.isEmpty, "GraphState.concatenated: needs at least one state")
    let first = states[0]
    func joined(_ part: (GraphState) -> Tensor) -> Tensor {
      var shape = part(first).shape
      for s in states {
        precondition(Array(part(s).shape.dropFirst()) == Array(shape.dropFirst()),
                     "GraphState.concatenated: shapes \(part(s).shape) and \(shape) differ beyond the batch axis")
      }
      shape[0] = states.reduce(0) { $0 + part($1).shape[0] }
      return Tensor(shape: shape, scalars: states.flatMap { part($0).scalars })
    }
    return GraphState(nodes: joined(\.nodes), edges: joined(\.edges), globals: joined(\.globals), nodeMask: joined(\.nodeMask))
  }

  /// The empirical class frequencies DiGress uses as marginal limit distributions: node classes
  /// over real nodes, and edge classes over ordered pairs of distinct real nodes (absent pairs
  /// count as class 0), as `AbstractDataModule.node_types` / `edge_counts`.
  public func classFrequencies() -> (nodes: [Double], edges: [Double]) {
    let (bs, n, a, b) = (batchSize, nodeCapacity, nodeClassCount, edgeClassCount)
    let (x, e, mask) = (nodes.scalars, edges.scalars, nodeMask.scalars)
    var nodeCounts = [Double](repeating: 0, count: a), edgeCounts = [Double](repeating: 0, count: b)
    for g in 0..<bs {
      for i in 0..<n where mask[g * n + i] > 0.5 {
        for c in 0..<a { nodeCounts[c] += Double(x[(g * n + i) * a + c]) }
        for j in 0..<n where j != i && mask[g * n + j] > 0.5 {
          for c in 0..<b { edgeCounts[c] += Double(e[((g * n + i) * n + j) * b + c]) }
        }
      }
    }
    let nodeTotal = Swift.max(nodeCounts.reduce(0, +), 1), edgeTotal = Swift.max(edgeCounts.reduce(0, +), 1)
    return (nodeCounts.map { $0 / nodeTotal }, edgeCounts.map { $0 / edgeTotal })
  }
}

/// Index of the largest of `count` values starting at `offset` (first one on ties).
public func indexOfLargest(_ values: [Float], offset: Int, count: Int) -> Int {
  var best = 0
  for c in 1..<Swift.max(count, 1) where values[offset + c] > values[offset + best] { best = c }
  return best
}
