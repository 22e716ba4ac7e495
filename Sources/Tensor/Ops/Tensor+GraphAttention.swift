// Fused graph attention: the core of DiGress's NodeEdgeBlock (port of DiGress
// src/models/transformer_model.py, NodeEdgeBlock.forward from the scores to the weighted values)
// as one differentiable op with two outputs, so the per-channel score tensor [bs, n, n, d] is
// streamed once forward and once backward instead of by a dozen primitive passes and permutes.
//
// The tape records one node per op output, so the op is recorded as three nodes: a hidden core
// node (a one-element placeholder output) with the real inputs, and the edge and node outputs,
// each with the core as its only input. The outputs' pullbacks park their gradients in a shared
// box and pass a zero to the core; the core's pullback (which runs after both, being earlier on
// the tape) runs the fused backward once with whichever gradients arrived (a missing one is zero).

import CTensorKernels

/// Gradients of the two outputs of a two-output op, collected for the core node's pullback.
private final class GraphAttentionGradientBox: @unchecked Sendable {
  var edges: Tensor?
  var nodes: Tensor?
}

extension Tensor {
  /// DiGress per-channel graph attention with edge and global FiLM, fused.
  ///
  /// With the 0/1 node mask m, Q, K, V = the three d-wide parts of `qkv` times m, and E1, E2 =
  /// the two d-wide parts of `edgeFiLM` times m_i m_j:
  /// - scores Y_ij = (Q_i ⊙ K_j) · scale ⊙ (E1_ij + 1) + E2_ij,
  /// - edges Z_ij = globalAdd + (globalMultiply + 1) ⊙ Y_ij,
  /// - nodes W_i = Σ_j softmax_j(Y_ij over keys with m_j = 1) ⊙ V_j (zeros when a graph has no node).
  ///
  /// Shapes: qkv [bs, n, 3d], edgeFiLM [bs, n, n, 2d], nodeMask [bs, n] (0/1, not differentiated),
  /// globalAdd and globalMultiply [bs, d] → (edges [bs, n, n, d], nodes [bs, n, d]).
  /// - Precondition: the shapes agree and nodeMask holds only 0 and 1.
  public static func graphAttention(
    qkv: Tensor, edgeFiLM: Tensor, nodeMask: Tensor, globalAdd: Tensor, globalMultiply: Tensor, scale: Float
  ) -> (edges: Tensor, nodes: Tensor) {
    precondition(qkv.rank == 3 && qkv.shape[2] % 3 == 0, "graphAttention: qkv must be [bs, n, 3d], got \(qkv.shape)")
    let (bs, n, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    precondition(edgeFiLM.shape == [bs, n, n, 2 * d],
                 "graphAttention: edgeFiLM \(edgeFiLM.shape) must be [\(bs), \(n), \(n), \(2 * d)] for qkv \(qkv.shape)")
    precondition(nodeMask.shape == [bs, n], "graphAttention: nodeMask \(nodeMask.shape) must be [\(bs), \(n)]")
    precondition(globalAdd.shape == [bs, d] && globalMultiply.shape == [bs, d],
                 "graphAttention: globalAdd \(globalAdd.shape) and globalMultiply \(globalMultiply.shape) must be [\(bs), \(d)]")
    precondition(nodeMask.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "graphAttention: nodeMask must hold only 0 and 1")
    let (q, film, mask) = (qkv.detached, edgeFiLM.detached, nodeMask.detached)
    let (add, multiply) = (globalAdd.detached, globalMultiply.detached)
    let forward = Kernels.graphAttentionForward(
      qkv: q, film: film, nodeMask: mask, globalAdd: add, globalMultiply: multiply, scale: scale)
    return recordedTwoOutputs(
      "graphAttention", forward.edges, forward.nodes, inputs: [qkv, edgeFiLM, globalAdd, globalMultiply]
    ) { dEdges, dNodes in
      let g = Kernels.graphAttentionBackward(
        qkv: q, film: film, nodeMask: mask, globalMultiply: multiply, forward: forward,
        dEdges: dEdges, dNodes: dNodes, scale: scale)
      return [g.qkv, g.film, g.globalAdd, g.globalMultiply]
    }
  }

  /// `graphAttention` with the edge FiLM projection fused in: edgeFiLM = edges · filmWeightᵀ +
  /// filmBias is computed graph by graph and consumed while in cache (DiGress's e_mul and e_add
  /// as one [2d, de] weight), and its gradient never leaves the cache. Equal to
  /// `graphAttention(qkv:edgeFiLM: Tensor.linear(edges, weight: filmWeight, bias: filmBias), ...)`
  /// up to rounding.
  /// Shapes: qkv [bs, n, 3d], edges [bs, n, n, de], filmWeight [2d, de], filmBias [2d],
  /// nodeMask [bs, n] (0/1), globalAdd and globalMultiply [bs, d] → (edges [bs, n, n, d], nodes [bs, n, d]).
  public static func graphAttention(
    qkv: Tensor, edges: Tensor, filmWeight: Tensor, filmBias: Tensor, nodeMask: Tensor, globalAdd: Tensor,
    globalMultiply: Tensor, scale: Float
  ) -> (edges: Tensor, nodes: Tensor) {
    precondition(qkv.rank == 3 && qkv.shape[2] % 3 == 0, "graphAttention: qkv must be [bs, n, 3d], got \(qkv.shape)")
    let (bs, n, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    precondition(edges.rank == 4 && Array(edges.shape[..<3]) == [bs, n, n],
                 "graphAttention: edges \(edges.shape) must be [\(bs), \(n), \(n), de] for qkv \(qkv.shape)")
    let de = edges.shape[3]
    precondition(filmWeight.shape == [2 * d, de] && filmBias.shape == [2 * d],
                 "graphAttention: filmWeight \(filmWeight.shape) must be [\(2 * d), \(de)] and filmBias \(filmBias.shape) [\(2 * d)]")
    precondition(nodeMask.shape == [bs, n], "graphAttention: nodeMask \(nodeMask.shape) must be [\(bs), \(n)]")
    precondition(globalAdd.shape == [bs, d] && globalMultiply.shape == [bs, d],
                 "graphAttention: globalAdd \(globalAdd.shape) and globalMultiply \(globalMultiply.shape) must be [\(bs), \(d)]")
    precondition(nodeMask.scalars.allSatisfy { $0 == 0 || $0 == 1 }, "graphAttention: nodeMask must hold only 0 and 1")
    let (q, e, weight, mask) = (qkv.detached, edges.detached, filmWeight.detached, nodeMask.detached)
    let (forward, film) = Kernels.projectedGraphAttentionForward(
      qkv: q, edges: e, filmWeight: weight, filmBias: filmBias.detached, nodeMask: mask, globalAdd: globalAdd.detached,
      globalMultiply: globalMultiply.detached, scale: scale)
    let multiply = globalMultiply.detached
    return recordedTwoOutputs(
      "projectedGraphAttention", forward.edges, forward.nodes,
      inputs: [qkv, edges, filmWeight, filmBias, globalAdd, globalMultiply]
    ) { dEdges, dNodes in
      let g = Kernels.projectedGraphAttentionBackward(
        qkv: q, edges: e, filmWeight: weight, film: film, nodeMask: mask, globalMultiply: multiply,
        forward: forward, dEdges: dEdges, dNodes: dNodes, scale: scale)
      return [g.qkv, g.edges, g.filmWeight, g.filmBias, g.globalAdd, g.globalMultiply]
    }
  }

  /// Records an op with two outputs as three tape nodes (see the file comment): a core node on
  /// `inputs` whose pullback gets both output gradients (zeros for one that received none).
  static func recordedTwoOutputs(
    _ name: String, _ first: Tensor, _ second: Tensor, inputs: [Tensor],
    pullback: @escaping (Tensor, Tensor) -> [Tensor?]
  ) -> (Tensor, Tensor) {
    let box = GraphAttentionGradientBox()
    let (firstShape, secondShape) = (first.shape, second.shape)
    let core = recorded(name, Tensor.zeros([1]), inputs: inputs) { _ in
      let (g1, g2) = (box.edges ?? Tensor.zeros(firstShape), box.nodes ?? Tensor.zeros(secondShape))
      (box.edges, box.nodes) = (nil, nil)
      return pullback(g1, g2)
    }
    let edges = recorded(name + ".0", first, inputs: [core]) { g in
      box.edges = g
      return [Tensor.zeros([1])]
    }
    let nodes = recorded(name + ".1", second, inputs: [core]) { g in
      box.nodes = g
      return [Tensor.zeros([1])]
    }
    return (edges, nodes)
  }
}
