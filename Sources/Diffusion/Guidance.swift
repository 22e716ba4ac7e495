// Classifier-free guidance over the denoiser's clean-graph logits (the algebra itself is
// DiffusionCore's `guided(_:_:scale:)`).
// Port of FreeGress src/diffusion_model_discrete.py `sample_p_zs_given_zt` (the guided branch).
//
// The network is run twice, with the condition and with the learned null condition, and the
// logits of p̂(x_0 | G_t) are combined:
//   ℓ = ℓ_null + s · (ℓ_cond − ℓ_null)
// softmax(ℓ) ∝ p̂_cond^s · p̂_null^(1−s) (the per-row log-normalisers cancel in the softmax), so
// s = 1 is the conditional model, s = 0 the unconditional one, and s > 1 sharpens towards the
// condition. Guidance acts on p̂(x_0 | G_t); the posterior of ReverseStep.swift then marginalises
// it exactly as without guidance.

import DiffusionCore

/// A denoiser: the logits of p̂(G_0 | G_t) for a noisy state at step t (1…T) under a condition;
/// `nil` asks for the unconditional prediction (the learned null condition). The graph
/// transformer plugs in here. Shapes: noisy bs graphs → logits [bs, n, a], [bs, n, n, b].
public typealias GraphDenoiser<Condition> = (_ noisy: GraphState, _ step: Int, _ condition: Condition?) throws -> GraphPrediction

/// The guided prediction p̂(G_0 | G_t, y) at one step, the condition and guidance scale already
/// applied: (noisy state at step t, t) → logits. Samplers take one of these or build it from a
/// `GraphDenoiser`, a condition and a scale; a trained model gives a batched one.
public typealias GuidedGraphPrediction = (_ noisy: GraphState, _ step: Int) throws -> GraphPrediction

extension GraphPrediction {
  /// Guided logits ℓ_null + s·(ℓ_cond − ℓ_null) for nodes and edges. Shapes: as the inputs.
  public static func guided(conditional: GraphPrediction, unconditional: GraphPrediction, scale: Float) -> GraphPrediction {
    precondition(
      conditional.nodeLogits.shape == unconditional.nodeLogits.shape && conditional.edgeLogits.shape == unconditional.edgeLogits.shape,
      "GraphPrediction.guided: conditional \(conditional.nodeLogits.shape)/\(conditional.edgeLogits.shape) and unconditional \(unconditional.nodeLogits.shape)/\(unconditional.edgeLogits.shape) differ")
    return GraphPrediction(
      nodeLogits: DiffusionCore.guided(conditional.nodeLogits, unconditional.nodeLogits, scale: scale),
      edgeLogits: DiffusionCore.guided(conditional.edgeLogits, unconditional.edgeLogits, scale: scale))
  }
}

/// The guided prediction at one step: one denoiser call when no guidance is needed (no
/// condition, s = 1: conditional only, s = 0: unconditional only), otherwise two calls combined
/// by `GraphPrediction.guided`.
public func guidedPrediction<Condition>(
  noisy: GraphState, step: Int, condition: Condition?, guidanceScale: Float, denoiser: GraphDenoiser<Condition>
) rethrows -> GraphPrediction {
  guard let condition else { return try denoiser(noisy, step, nil) }
  if guidanceScale == 1 { return try denoiser(noisy, step, condition) }
  if guidanceScale == 0 { return try denoiser(noisy, step, nil) }
  let conditional = try denoiser(noisy, step, condition)
  let unconditional = try denoiser(noisy, step, nil)
  return GraphPrediction.guided(conditional: conditional, unconditional: unconditional, scale: guidanceScale)
}
