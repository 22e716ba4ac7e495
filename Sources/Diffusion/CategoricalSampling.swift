// Sampling a canonical graph state from per-node and per-edge class probabilities.
// Port of DiGress src/diffusion/diffusion_utils.py `sample_discrete_features` (+ the one-hot
// encoding and masking that follow it in `apply_noise` / `sample_p_zs_given_zt`).
//
// DiGress samples every node and every ordered pair (setting masked rows and the diagonal to
// uniform first so the multinomial is defined), then keeps the strict upper triangle of the
// edge indices and mirrors it. Only the drawn values that survive matter, so here exactly those
// are drawn: one categorical per real node, one per unordered pair i < j of real nodes, read
// from the row (i, j); the mirror (j, i) copies it and the diagonal is class 0 (GraphState's
// convention). Draw order, which fixes the stream for a seed: graph by graph, nodes in slot
// order, then pairs (i, j) in row-major order.

/// Per-node and per-edge class probabilities for a batch (rows need not be normalised).
public struct GraphProbabilities: Sendable {
  /// Node class probabilities. Shapes: [bs, n, a].
  public var nodes: Tensor
  /// Edge class probabilities. Shapes: [bs, n, n, b].
  public var edges: Tensor

  /// Node and edge probabilities (shapes checked against each other).
  public init(nodes: Tensor, edges: Tensor) {
    precondition(
      nodes.rank == 3 && edges.rank == 4 && edges.shape[0] == nodes.shape[0] && edges.shape[1] == nodes.shape[1]
        && edges.shape[2] == nodes.shape[1],
      "GraphProbabilities: nodes [bs, n, a] and edges [bs, n, n, b] do not match: \(nodes.shape), \(edges.shape)")
    self.nodes = nodes
    self.edges = edges
  }
}

extension GraphState {
  /// Samples a canonical state (see GraphState.swift) from `probabilities`: a class per real node,
  /// a class per unordered pair of real nodes taken from its upper-triangle row (i < j) and
  /// mirrored, class 0 on the diagonal, zeros on padding. Rows are unnormalised non-negative
  /// weights with a positive sum (only the rows that are drawn are checked).
  /// Shapes: probabilities [bs, n, a] / [bs, n, n, b], nodeMask [bs, n], globals [bs, g].
  public static func sampled(
    from probabilities: GraphProbabilities, nodeMask: Tensor, globals: Tensor, using rng: inout RandomGenerator
  ) -> GraphState {
    let (bs, n, a, b) = (probabilities.nodes.shape[0], probabilities.nodes.shape[1], probabilities.nodes.shape[2], probabilities.edges.shape[3])
    precondition(nodeMask.shape == [bs, n], "GraphState.sampled: nodeMask \(nodeMask.shape) does not match probabilities \(probabilities.nodes.shape)")
    let (px, pe, mask) = (probabilities.nodes.scalars, probabilities.edges.scalars, nodeMask.scalars)
    var x = [Float](repeating: 0, count: bs * n * a)
    var e = [Float](repeating: 0, count: bs * n * n * b)
    for g in 0..<bs {
      let real = (0..<n).filter { mask[g * n + $0] > 0.5 }
      for i in real {
        let c = sampleClassIndex(px, offset: (g * n + i) * a, count: a, using: &rng, label: "node (graph \(g), slot \(i))")
        x[(g * n + i) * a + c] = 1
      }
      for i in real {
        e[((g * n + i) * n + i) * b] = 1
        for j in real where j > i {
          let c = sampleClassIndex(pe, offset: ((g * n + i) * n + j) * b, count: b, using: &rng, label: "edge (graph \(g), \(i), \(j))")
          e[((g * n + i) * n + j) * b + c] = 1
          e[((g * n + j) * n + i) * b + c] = 1
        }
      }
    }
    return GraphState(
      nodes: Tensor(shape: [bs, n, a], scalars: x), edges: Tensor(shape: [bs, n, n, b], scalars: e),
      globals: globals, nodeMask: Tensor(shape: [bs, n], scalars: mask.map { $0 > 0.5 ? 1 : 0 }))
  }
}

extension GraphState {
  /// The canonical state of most likely classes: argmax per real node and per unordered pair of
  /// real nodes (upper-triangle row, mirrored; ties go to the lowest class), class 0 on the
  /// diagonal, zeros on padding. Shapes: as `sampled(from:nodeMask:globals:using:)`.
  public static func mostLikely(from probabilities: GraphProbabilities, nodeMask: Tensor, globals: Tensor) -> GraphState {
    let (bs, n, a, b) = (probabilities.nodes.shape[0], probabilities.nodes.shape[1], probabilities.nodes.shape[2], probabilities.edges.shape[3])
    precondition(nodeMask.shape == [bs, n], "GraphState.mostLikely: nodeMask \(nodeMask.shape) does not match probabilities \(probabilities.nodes.shape)")
    let (px, pe, mask) = (probabilities.nodes.scalars, probabilities.edges.scalars, nodeMask.scalars)
    var x = [Float](repeating: 0, count: bs * n * a)
    var e = [Float](repeating: 0, count: bs * n * n * b)
    for g in 0..<bs {
      let real = (0..<n).filter { mask[g * n + $0] > 0.5 }
      for i in real {
        x[(g * n + i) * a + indexOfLargest(px, offset: (g * n + i) * a, count: a)] = 1
        e[((g * n + i) * n + i) * b] = 1
        for j in real where j > i {
          let c = indexOfLargest(pe, offset: ((g * n + i) * n + j) * b, count: b)
          e[((g * n + i) * n + j) * b + c] = 1
          e[((g * n + j) * n + i) * b + c] = 1
        }
      }
    }
    return GraphState(
      nodes: Tensor(shape: [bs, n, a], scalars: x), edges: Tensor(shape: [bs, n, n, b], scalars: e),
      globals: globals, nodeMask: Tensor(shape: [bs, n], scalars: mask.map { $0 > 0.5 ? 1 : 0 }))
  }
}

/// Draws an index from the `count` unnormalised weights at `offset` (inverse CDF in Double).
/// Traps with the row's label when the weights are negative, not finite, or all zero: that is a
/// bug upstream (the reverse step guards its rows), not bad user input.
public func sampleClassIndex(
  _ weights: [Float], offset: Int, count: Int, using rng: inout RandomGenerator, label: @autoclosure () -> String
) -> Int {
  var total = 0.0
  for c in 0..<count {
    let w = weights[offset + c]
    precondition(w >= 0 && w.isFinite, "sampling \(label()): weight \(w) of class \(c) is negative or not finite (row \(Array(weights[offset..<(offset + count)])))")
    total += Double(w)
  }
  precondition(total > 0, "sampling \(label()): all class weights are zero")
  let u = rng.nextUniformDouble() * total
  var cumulative = 0.0
  for c in 0..<count {
    cumulative += Double(weights[offset + c])
    if u < cumulative { return c }
  }
  return (0..<count).last { weights[offset + $0] > 0 }!
}
