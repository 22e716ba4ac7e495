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
// the model gives every other class no weight at all, when the reference class stays.

import Tensor

/// A reverse step that keeps all of `reference` but the free nodes and the edges touching them.
public struct ClampedConstraint: ReverseStepConstraint {
  /// The constraint the clamped probabilities are sampled under (nil: plain sampling).
  public var inner: (any ReverseStepConstraint)?
  /// The reference graph's class per node. Shapes: [n].
  public var referenceNodes: [Int]
  /// The reference graph's class per ordered node pair (row-major, symmetric). Shapes: [n · n].
  public var referenceEdges: [Int]
  /// Which nodes the model redraws (with every edge touching them). Shapes: [n].
  public var freeNodes: [Bool]
  /// Free nodes that must end in another class than the reference's. Shapes: [n].
  public var changingNodes: [Bool]

  /// Clamps to graph 0 of `reference` (one-hot classes) all but `freeNodes`; `changingNodes`
  /// (default none) must end in another class. Shapes: reference [1, n, a] / [1, n, n, b],
  /// freeNodes and changingNodes [n].
  public init(reference: GraphState, freeNodes: [Bool], changingNodes: [Bool]? = nil, inner: (any ReverseStepConstraint)? = nil) {
    let (n, a, b) = (reference.nodes.shape[1], reference.nodes.shape[2], reference.edges.shape[3])
    let changing = changingNodes ?? Array(repeating: false, count: n)
    precondition(freeNodes.count == n && changing.count == n, "ClampedConstraint: \(freeNodes.count) free and \(changing.count) changing flags for \(n) nodes")
    precondition(zip(freeNodes, changing).allSatisfy { $0 || !$1 }, "ClampedConstraint: a changing node must be free")
    self.changingNodes = changing
    let (x, e) = (reference.nodes.scalars, reference.edges.scalars)
    referenceNodes = (0..<n).map { i in (0..<a).max { x[i * a + $0] < x[i * a + $1] }! }
    referenceEdges = (0..<(n * n)).map { p in (0..<b).max { e[p * b + $0] < e[p * b + $1] }! }
    (self.freeNodes, self.inner) = (freeNodes, inner)
  }

  /// See the file comment. Shapes: probabilities [bs, n, a] / [bs, n, n, b] with the reference's n.
  public func sampled(
    from probabilities: GraphProbabilities, nodeMask: Tensor, globals: Tensor, isFinalStep: Bool, mostLikely: Bool,
    using rng: inout RandomGenerator
  ) -> GraphState {
    let (bs, n, a, b) = (probabilities.nodes.shape[0], probabilities.nodes.shape[1], probabilities.nodes.shape[2], probabilities.edges.shape[3])
    precondition(n == freeNodes.count, "ClampedConstraint: probabilities \(probabilities.nodes.shape) for a reference of \(freeNodes.count) nodes")
    var px = probabilities.nodes.scalars, pe = probabilities.edges.scalars
    for g in 0..<bs {
      for i in 0..<n where isFinalStep && changingNodes[i] {
        let row = (g * n + i) * a
        let others = (0..<a).reduce(Float(0)) { $0 + ($1 == referenceNodes[i] ? 0 : px[row + $1]) }
        if others > 0 { px[row + referenceNodes[i]] = 0 }
      }
      for i in 0..<n where !freeNodes[i] {
        let row = (g * n + i) * a
        for c in 0..<a { px[row + c] = c == referenceNodes[i] ? 1 : 0 }
        for j in 0..<n where !freeNodes[j] {
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
