// Sequential Monte Carlo steering of a reverse chain towards states a potential favours
// (twisted SMC in the manner of Wu et al. 2023, "Practical and asymptotically exact conditional
// sampling in diffusion models", here with an exact, non-differentiable potential). Generic over
// the state (a batch of graphs, of images); the graph sampler below uses it with GraphState.
//
// The bs graphs of a batch are particles. At every step t the guided prediction p̂(G_0 | G_t)
// gives a most-likely clean graph Ĝ_0(G_t), and the potential φ_t(G_t) = exp(log φ(Ĝ_0(G_t)))
// scores it (for molecules: how far the property of Ĝ_0 lies outside the target). Particle i
// carries the log-weight
//   log w_i += log φ_t(G_t^i) − log φ_{t+1}(G_{t+1}^i)        (the first step adds log φ_τ)
// so that, with the model's own reverse step as proposal, the weighted particles target
// p(G_0 | y) · φ(G_0) at the end. When the effective sample size (Σw)²/Σw² falls below
// `resampleBelow`·bs, particles are resampled systematically (one uniform draw; indices in
// ascending order) and the weights reset. The last reweighting uses the drawn G_0 itself.
// Resampling correlates the particles (copies share their past), so a batch can hold
// duplicates; the evaluation reports uniqueness. Callers wanting fewer answers than particles
// choose among the returned graphs themselves (the workbench keeps the best distinct ones).
// Without steering nothing here runs and no random number is drawn, so unsteered results are
// unchanged.

import Foundation
import Tensor

/// A potential over clean states and the resampling rule of SMC steering.
public struct ParticleSteering<State>: Sendable {
  /// log φ for every member of a clean batch. Shapes: bs members → bs values (finite or −∞).
  public var logPotential: @Sendable (State) -> [Double]
  /// Resample when the effective sample size is below this fraction of the particles (0…1).
  public var resampleBelow: Double
  /// A steering rule; `resampleBelow` 0.5 is the usual choice.
  public init(resampleBelow: Double = 0.5, logPotential: @escaping @Sendable (State) -> [Double]) {
    precondition(resampleBelow >= 0 && resampleBelow <= 1, "ParticleSteering: resampleBelow \(resampleBelow) is outside [0, 1]")
    self.resampleBelow = resampleBelow
    self.logPotential = logPotential
  }

  /// Weights and resampling across the reverse chain of one batch.
  public struct Tracker {
    let steering: ParticleSteering
    /// The current log-weight of each particle.
    public private(set) var logWeights: [Double]
    var previous: [Double]?

    /// A tracker for `count` particles, all of weight 1.
    public init(_ steering: ParticleSteering, count: Int) {
      self.steering = steering
      logWeights = Array(repeating: 0, count: count)
    }

    /// Adds the step's incremental weights from the potentials of `clean`; returns the
    /// resampled particle indices when the effective sample size is too small (weights reset).
    public mutating func reweight(clean: State, using rng: inout RandomGenerator) -> [Int]? {
      let potential = steering.logPotential(clean)
      precondition(potential.count == logWeights.count, "ParticleSteering: potential gave \(potential.count) values for \(logWeights.count) graphs")
      for i in logWeights.indices {
        // −∞ − (−∞) would be NaN: a particle with no support stays at −∞.
        let before = previous?[i] ?? 0
        logWeights[i] = potential[i] == -.infinity ? -.infinity : logWeights[i] + potential[i] - (before == -.infinity ? 0 : before)
      }
      previous = potential
      guard ParticleWeights.effectiveSampleSize(logWeights) < steering.resampleBelow * Double(logWeights.count) else { return nil }
      let indices = ParticleWeights.systematicIndices(logWeights, uniform: rng.nextUniformDouble())
      previous = indices.map { potential[$0] }
      logWeights = Array(repeating: 0, count: logWeights.count)
      return indices
    }
  }
}

/// The weight arithmetic of SMC, independent of the state: effective sample size and
/// systematic resampling.
public enum ParticleWeights {
  /// The effective sample size (Σw)²/Σw² of log-weights (bs when all are equal; 0 when all are −∞).
  public static func effectiveSampleSize(_ logWeights: [Double]) -> Double {
    guard let top = logWeights.max(), top > -Double.infinity else { return 0 }
    let w = logWeights.map { exp($0 - top) }
    let sum = w.reduce(0, +), squares = w.reduce(0) { $0 + $1 * $1 }
    return sum * sum / squares
  }

  /// Systematic resampling: `count` (default: as many as weights) indices drawn in proportion to
  /// exp(logWeights) with one uniform u: draw k takes the first i whose cumulative weight exceeds
  /// (k + u)/count. All weights −∞: evenly spaced indices (nothing to prefer).
  public static func systematicIndices(_ logWeights: [Double], count: Int? = nil, uniform u: Double) -> [Int] {
    let count = count ?? logWeights.count
    guard let top = logWeights.max(), top > -Double.infinity else { return (0..<count).map { $0 * logWeights.count / Swift.max(count, 1) } }
    let w = logWeights.map { exp($0 - top) }
    let total = w.reduce(0, +)
    var indices: [Int] = []
    indices.reserveCapacity(count)
    var cumulative = w[0] / total, i = 0
    for k in 0..<count {
      let position = (Double(k) + u) / Double(count)
      while cumulative <= position && i < logWeights.count - 1 {
        i += 1
        cumulative += w[i] / total
      }
      indices.append(i)
    }
    return indices
  }
}
