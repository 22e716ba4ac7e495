// Inpainting for discrete graph diffusion: a reverse step that redraws only part of a graph.
//
// Every reverse step puts all probability of a kept entry (a node outside the free set, an edge
// between two such nodes) on the reference graph's class, and leaves the free entries (the free
// nodes and every edge touching one) to the model. From the first step on, the kept part is the
// reference itself, so the model proposes the free part in the context of the whole unchanged
// rest: RePaint's idea (Lugmayr et al., "RePaint: Inpainting using denoising diffusion
// probabilistic models", 2022) with the known region clean instead of re-noised, which for the
// small τ of counterfactual search is what the denoiser sees anyway. The modified probabilities
// go through `inner` (e.g. the valence constraint) when one is given, so its rules still hold.
//
// A search for changes can also ask that some free nodes end in another class than the
// reference's: on the final step their reference class gets no weight, so they take the model's
// next choice given everything else (as a masked language model proposes a substitution), unless
// the model gives every other class no weight at all, when the reference class stays. Each sample
// of a batch may free its own nodes and exclude its own classes (classes drawn before at that
// node, so that a search visiting a node again takes the model's next choice after those).

import Tensor

/// A reverse step that keeps all of `reference` but the free nodes and the edges touching them.
public struct ClampedConstraint: ReverseStepConstraint {
  /// The constraint the clamped probabilities are sampled under (nil: plain sampling).
  public var inner: (any ReverseStepConstraint)?
  /// The reference graph's class per node. Shapes: [n].
  public var referenceNodes: [Int]
  /// The reference graph's class per ordered node pair (row-major, symmetric). Shapes: [n · n].
  public var referenceEdges: [Int]
  /// Which nodes the model redraws (with every edge touching them): one row for every sample of
  /// a batch, or one row per sample. Shapes: [1 or bs][n].
  public var freeNodes: [[Bool]]
  /// Classes each free node must not end in on the final step, one row per row of `freeNodes`
  /// (empty set: any class). Shapes: [freeNodes.count][n].
  public var excludedClasses: [[Set<Int>]]

  /// Clamps to graph 0 of `reference` (one-hot classes) all but `freeNodes`, which end in any
  /// class. Shapes: reference [1, n, a] / [1, n, n, b], freeNodes [n].
  public init(reference: GraphState, freeNodes: [Bool], inner: (any ReverseStepConstraint)? = nil) {
    self.init(reference: reference, freeNodesPerSample: [freeNodes], inner: inner)
  }

  /// Clamps to graph 0 of `reference` all but each sample's own free nodes (one row for every
  /// sample, or one per sample); free node i of row r does not end in a class of
  /// `excludedClasses[r][i]` (no rows: nothing excluded). Shapes: reference [1, n, a] /
  /// [1, n, n, b], freeNodesPerSample [1 or bs][n], excludedClasses [0 or freeNodesPerSample.count][n].
  public init(
    reference: GraphState, freeNodesPerSample: [[Bool]], excludedClasses: [[Set<Int>]] = [], inner: (any ReverseStepConstraint)? = nil
  ) {
    let (n, a, b) = (reference.nodes.shape[1], reference.nodes.shape[2], reference.edges.shape[3])
    precondition(!freeNodesPerSample.isEmpty && freeNodesPerSample.allSatisfy { $0.count == n }, "ClampedConstraint: free-node rows of \(freeNodesPerSample.map(\.count)) flags for \(n) nodes")
    let excluded = excludedClasses.isEmpty ? freeNodesPerSample.map { _ in Array(repeating: Set<Int>(), count: n) } : excludedClasses
    precondition(excluded.count == freeNodesPerSample.count && excluded.allSatisfy { $0.count == n },
      "ClampedConstraint: excluded-class rows \(excluded.map(\.count)) for \(freeNodesPerSample.count) free-node rows of \(n) nodes")
    for (g, (free, row)) in zip(freeNodesPerSample, excluded).enumerated() {
      precondition((0..<n).allSatisfy { free[$0] || row[$0].isEmpty }, "ClampedConstraint: row \(g) excludes classes of a node that is not free")
    }
    let (x, e) = (reference.nodes.scalars, reference.edges.scalars)
    referenceNodes = (0..<n).map { i in (0..<a).max { x[i * a + $0] < x[i * a + $1] }! }
    referenceEdges = (0..<(n * n)).map { p in (0..<b).max { e[p * b + $0] < e[p * b + $1] }! }
    (self.freeNodes, self.excludedClasses, self.inner) = (freeNodesPerSample, excluded, inner)
  }

  /// See the file comment. Shapes: probabilities [bs, n, a] / [bs, n, n, b] with the reference's
  /// n, and bs the rows' count when they are per sample.
  public func sampled(
    from probabilities: GraphProbabilities, nodeMask: Tensor, globals: Tensor, isFinalStep: Bool, mostLikely: Bool,
    using rng: inout RandomGenerator
  ) -> GraphState {
    let (bs, n, a, b) = (probabilities.nodes.shape[0], probabilities.nodes.shape[1], probabilities.nodes.shape[2], probabilities.edges.shape[3])
    precondition(n == referenceNodes.count, "ClampedConstraint: probabilities \(probabilities.nodes.shape) for a reference of \(referenceNodes.count) nodes")
    precondition([1, bs].contains(freeNodes.count), "ClampedConstraint: \(freeNodes.count) free-node rows for a batch of \(bs)")
    var px = probabilities.nodes.scalars, pe = probabilities.edges.scalars
    for g in 0..<bs {
      let r = freeNodes.count == 1 ? 0 : g
      let (free, excluded) = (freeNodes[r], excludedClasses[r])
      for i in 0..<n where isFinalStep && !excluded[i].isEmpty {
        // The excluded classes lose their weight unless nothing else has any.
        let row = (g * n + i) * a
        let others = (0..<a).reduce(Float(0)) { $0 + (excluded[i].contains($1) ? 0 : px[row + $1]) }
        if others > 0 { for c in excluded[i] where c < a { px[row + c] = 0 } }
      }
      for i in 0..<n where !free[i] {
        let row = (g * n + i) * a
        for c in 0..<a { px[row + c] = c == referenceNodes[i] ? 1 : 0 }
        for j in 0..<n where !free[j] {
          let pair = (g * n + i) * n + j
          for c in 0..<b { pe[pair * b + c] = c == referenceEdges[i * n + j] ? 1 : 0 }
        }
      }
    }
    let clamped = GraphProbabilities(nodes: Tensor(shape: probabilities.nodes.shape, scalars: px), edges: Tensor(shape: probabilities.edges.shape, scalars: pe))
    if let inner {
      return inner.sampled(from: clamped, nodeMask: nodeMask, globals: globals, isFinalStep: isFinalStep, mostLikely: mostLikely, using: &rng)
    }
    return mostLikely
      ? GraphState.mostLikely(from: clamped, nodeMask: nodeMask, globals: globals)
      : GraphState.sampled(from: clamped, nodeMask: nodeMask, globals: globals, using: &rng)
  }
}
