// What every guided sampling run is asked besides its model and target: from which noise steps
// to denoise, how many samples, how hard to guide, and the seed. GDCE (Bechtoldt and Bender,
// "Graph Diffusion Counterfactual Explanation") noises the input to step τ and denoises it back
// under the target; generating from noise (FreeGress) is the same run from τ = T, so it has no τ
// of its own to choose.

/// The sampling settings shared by every generating job: noise steps τ, samples per input and
/// τ, the classifier-free guidance scale s and the seed.
public struct SamplingSettings: Sendable, Equatable, Codable {
  /// Noise steps τ, each a separate set of results (empty where sampling starts from noise).
  public var taus: [Int]
  /// Samples per input and τ (≥ 1).
  public var samples: Int
  /// Guidance scale s of `guided(_:_:scale:)` (1: the conditional model; larger pushes harder
  /// towards the target).
  public var guidanceScale: Float
  /// Seed of everything stochastic in the run.
  public var seed: UInt64

  /// Settings; traps on samples < 1, τ < 1 or a non-finite scale.
  public init(taus: [Int], samples: Int, guidanceScale: Float, seed: UInt64 = 0) {
    precondition(samples >= 1, "SamplingSettings: samples \(samples) must be ≥ 1")
    precondition(taus.allSatisfy { $0 >= 1 }, "SamplingSettings: taus \(taus) must all be ≥ 1")
    precondition(guidanceScale.isFinite, "SamplingSettings: guidance scale \(guidanceScale) must be finite")
    (self.taus, self.samples, self.guidanceScale, self.seed) = (taus, samples, guidanceScale, seed)
  }

}
