// Classifier-free guidance (Ho & Salimans 2022; FreeGress for discrete graphs): one network
// learns the conditional and the unconditional model by replacing the condition with a learned
// null condition in a fraction of the training examples, and sampling combines the two:
//   ℓ = ℓ_null + s · (ℓ_cond − ℓ_null)
// For logits, softmax(ℓ) ∝ p̂_cond^s · p̂_null^(1−s) (the per-row log-normalisers cancel), so
// s = 1 is the conditional model, s = 0 the unconditional one and s > 1 sharpens towards the
// condition; for predicted noise the same line is the usual guided ε.

import Tensor

/// Guided prediction ℓ_null + s·(ℓ_cond − ℓ_null). Shapes: both inputs alike; the result too.
public func guided(_ conditional: Tensor, _ unconditional: Tensor, scale: Float) -> Tensor {
  precondition(conditional.shape == unconditional.shape, "guided: conditional \(conditional.shape) and unconditional \(unconditional.shape) differ")
  return unconditional + (conditional - unconditional) * scale
}

/// FreeGress's default probability p_uncond (ρ in the paper) of training a graph with the null
/// condition.
public let defaultUnconditionalProbability: Double = 0.1

/// Conditioning dropout for classifier-free guidance training: for each of `count` graphs, true
/// when its condition is to be replaced by the learned null condition this step (independently
/// with probability `probability`), so one network learns both p̂(G_0 | G_t, y) and p̂(G_0 | G_t).
public func sampleUnconditionalMask(
  count: Int, probability: Double = defaultUnconditionalProbability, using rng: inout RandomGenerator
) -> [Bool] {
  precondition(probability >= 0 && probability <= 1, "sampleUnconditionalMask: probability \(probability) is outside [0, 1]")
  return (0..<count).map { _ in rng.nextUniformDouble() < probability }
}
