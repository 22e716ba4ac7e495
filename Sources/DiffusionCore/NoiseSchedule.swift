// The cosine noise schedule of discrete graph diffusion.
// Port of DiGress src/diffusion/diffusion_utils.py `cosine_beta_schedule_discrete` and
// src/diffusion/noise_schedule.py `PredefinedNoiseScheduleDiscrete`.
//
// Implementation goals, in priority order: the β values are DiGress's to the last bit of a
// Double computation; the chain is indexed so that step 0 *is* the clean graph; lookups never
// leave the table.
//
// Decision (step indexing). DiGress computes T+1 values β_0 … β_T and ᾱ_t = Π_{k=0..t}(1−β_k),
// so its "step 0" is already noised (ᾱ_0 = 0.999913) and its last reverse step samples G_0 from
// x_0·Q̄_0, i.e. with a residual flip probability β_0 per entry. Here the clean graph is step 0
// (Q̄_0 = I, ᾱ_0 = 1), step t ≥ 1 applies Q_t built from the same β_t, and
//   ᾱ_t = Π_{k=1..t} (1 − min(β_k, 0.9999)),
// so Q̄_t = Q_1·Q_2·…·Q_t holds exactly (up to the clamp at t = T) and a reverse chain ending at
// step 0 samples from p̂(x_0 | G_1) itself. β_0 is computed (it is part of the golden table) but
// never applied. Our ᾱ_t equals DiGress's divided by (1 − β_0) = 0.999913, which agrees with
// the spec's table at every listed t ≥ 1 to the digits it gives; DiGress's own values are kept
// in `digressCumulativeAlphas` so that the port of the formula is tested against the table.

import Foundation

/// The DiGress cosine schedule for T diffusion steps: β_t and the chain's ᾱ_t for t = 0…T.
public struct CosineNoiseSchedule: Sendable, Equatable {
  /// Number of diffusion steps T (the limit distribution is reached at step T).
  public let stepCount: Int
  /// The offset s of the cosine (0.008 in DiGress).
  public let offset: Double
  /// β_t for t = 0…T (T+1 values; β_T = 1). β_0 is never applied (see the file comment).
  public let betas: [Double]
  /// ᾱ_t = Π_{k=1..t}(1 − min(β_k, 0.9999)) for t = 0…T; ᾱ_0 = 1 (the clean graph).
  public let alphaBars: [Double]

  /// DiGress's clamp on β before the cumulative product (keeps ᾱ_T > 0, so logs stay finite).
  public static let maximumClampedBeta = 0.9999

  /// The schedule for `stepCount` steps with cosine offset `offset`.
  public init(stepCount: Int, offset: Double = 0.008) {
    precondition(stepCount >= 1, "CosineNoiseSchedule: stepCount \(stepCount) must be at least 1")
    precondition(offset > 0, "CosineNoiseSchedule: offset \(offset) must be positive")
    self.stepCount = stepCount
    self.offset = offset
    self.betas = Self.cosineBetas(stepCount: stepCount, offset: offset)
    var product = 1.0
    var cumulative = [1.0]
    for t in 1...stepCount {
      product *= 1 - Swift.min(Swift.max(betas[t], 0), Self.maximumClampedBeta)
      cumulative.append(product)
    }
    self.alphaBars = cumulative
  }

  /// β_t for t = 0…T, exactly as `cosine_beta_schedule_discrete`:
  /// points x_i = i·(T+2)/(T+1), i = 0…T+1 (NumPy's `linspace(0, T+2, T+2)`);
  /// f(x) = cos²(½π·(x/(T+2) + s)/(1 + s)) normalised so f(x_0) = 1; β_t = 1 − f(x_{t+1})/f(x_t).
  /// Since x_i/(T+2) = i/(T+1), f(x_{T+1}) = cos²(π/2) = 0 and β_T = 1.
  public static func cosineBetas(stepCount: Int, offset: Double) -> [Double] {
    let pointCount = stepCount + 2
    let spacing = Double(pointCount) / Double(pointCount - 1)
    let f = (0..<pointCount).map { i -> Double in
      let x = Double(i) * spacing
      let c = Foundation.cos(0.5 * Double.pi * (x / Double(pointCount) + offset) / (1 + offset))
      return c * c
    }
    let normalised = f.map { $0 / f[0] }
    return (0..<(pointCount - 1)).map { 1 - normalised[$0 + 1] / normalised[$0] }
  }

  /// DiGress's cumulative product exp(cumsum(log(1 − clamp(β, 0, 0.9999)))), which includes β_0
  /// (ᾱ_0 = 0.999913 for T = 500). Kept to test the port against the spec's table; the chain
  /// itself uses `alphaBars`.
  public static func digressCumulativeAlphas(betas: [Double]) -> [Double] {
    var sum = 0.0
    return betas.map { beta in
      sum += Foundation.log(1 - Swift.min(Swift.max(beta, 0), maximumClampedBeta))
      return Foundation.exp(sum)
    }
  }

  /// β_t of step `step` (0…T).
  public func beta(at step: Int) -> Double {
    checkStep(step)
    return betas[step]
  }

  /// ᾱ_t of step `step` (0…T); 1 at step 0.
  public func alphaBar(at step: Int) -> Double {
    checkStep(step)
    return alphaBars[step]
  }

  /// The integer step for a normalised time t/T ∈ [0, 1]: round(t_norm · T), as DiGress looks up.
  public func step(forNormalizedTime time: Double) -> Int {
    precondition(time >= 0 && time <= 1, "CosineNoiseSchedule.step: normalised time \(time) is outside [0, 1]")
    return Int((time * Double(stepCount)).rounded())
  }

  /// The normalised time t/T of step `step`, the value DiGress appends to the global features.
  public func normalizedTime(ofStep step: Int) -> Float {
    checkStep(step)
    return Float(step) / Float(stepCount)
  }

  private func checkStep(_ step: Int) {
    precondition(step >= 0 && step <= stepCount, "CosineNoiseSchedule: step \(step) is outside 0...\(stepCount)")
  }
}
