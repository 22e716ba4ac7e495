// A rule that replaces the plain sampling of a reverse step, for domains whose samples must obey
// hard rules (molecules: no atom above its valence; Molecules/ValenceConstraint.swift).

import Tensor

/// A rule that replaces the plain sampling of a reverse step (`constraint:` of the samplers).
public protocol ReverseStepConstraint: Sendable {
  /// Samples a canonical state from the reverse-step probabilities under the constraint.
  /// `isFinalStep` is true for G_1 → G_0; `mostLikely` takes the most likely allowed class
  /// instead of drawing. Shapes: as `GraphState.sampled(from:nodeMask:globals:using:)`.
  func sampled(
    from probabilities: GraphProbabilities, nodeMask: Tensor, globals: Tensor, isFinalStep: Bool, mostLikely: Bool,
    using rng: inout RandomGenerator
  ) -> GraphState
}
