@testable import Diffusion
import DiffusionCore
import Foundation
import Testing

/// Relative closeness for Doubles.
func isRelativelyClose(_ a: Double, _ b: Double, relative: Double) -> Bool { abs(a - b) <= relative * abs(b) }

@Suite struct NoiseScheduleTests {
  let schedule = CosineNoiseSchedule(stepCount: 500)

  /// The spec's T = 500 table (digress-spec.md §2), to the digits it gives.
  @Test func specTableForFiveHundredSteps() {
    let betas = schedule.betas
    #expect(betas.count == 501)
    #expect(abs(betas[0] - 8.7e-5) < 0.05e-5)
    #expect(abs(betas[250] - 0.0063) < 0.00005)
    #expect(abs(betas[499] - 0.75) < 0.005)
    #expect(betas[500] == 1.0)
    let digress = CosineNoiseSchedule.digressCumulativeAlphas(betas: betas)
    #expect(abs(digress[0] - 0.999913) < 5e-7)
    #expect(abs(digress[250] - 0.4923) < 5e-5)
    #expect(abs(digress[499] - 9.7e-6) < 0.05e-6)
    #expect(digress[500] > 0.5e-9 && digress[500] < 2e-9)
  }

  /// Full-precision values from NumPy running DiGress's own formula
  /// (`cosine_beta_schedule_discrete(500)`; exp(cumsum(log(1 − clip(β, 0, 0.9999))))).
  @Test func matchesNumPyReferenceToDoublePrecision() {
    let reference: [(Int, Double, Double)] = [
      (0, 8.723022902790145e-05, 0.9999127697709721),
      (1, 0.00010658273589936318, 0.9998061963323092),
      (100, 0.0020943713391615715, 0.8971982795660205),
      (250, 0.006279131510914082, 0.49228828299320104),
      (499, 0.7499975812774589, 9.676300255396086e-06),
      (500, 1.0, 9.676300255395012e-10),
    ]
    let digress = CosineNoiseSchedule.digressCumulativeAlphas(betas: schedule.betas)
    for (t, beta, alphaBar) in reference {
      #expect(isRelativelyClose(schedule.betas[t], beta, relative: 1e-9), "β_\(t)")
      #expect(isRelativelyClose(digress[t], alphaBar, relative: 1e-9), "DiGress ᾱ_\(t)")
    }
  }

  /// Our chain starts at the clean graph: ᾱ_0 = 1 and ᾱ_t = DiGress ᾱ_t / (1 − β_0); the spec's
  /// rounded table still holds for t ≥ 1.
  @Test func chainIndexingStartsAtTheCleanGraph() {
    #expect(schedule.alphaBar(at: 0) == 1)
    #expect(abs(schedule.alphaBar(at: 250) - 0.4923) < 5e-5)
    #expect(abs(schedule.alphaBar(at: 499) - 9.7e-6) < 0.05e-6)
    let digress = CosineNoiseSchedule.digressCumulativeAlphas(betas: schedule.betas)
    for t in [1, 2, 100, 250, 499, 500] {
      #expect(isRelativelyClose(schedule.alphaBar(at: t), digress[t] / (1 - schedule.betas[0]), relative: 1e-9))
    }
    // ᾱ is strictly decreasing and the recursion ᾱ_t = ᾱ_{t−1}(1 − β_t) holds.
    for t in 1...500 {
      #expect(schedule.alphaBars[t] < schedule.alphaBars[t - 1])
      let clamped = min(schedule.betas[t], CosineNoiseSchedule.maximumClampedBeta)
      #expect(isRelativelyClose(schedule.alphaBars[t], schedule.alphaBars[t - 1] * (1 - clamped), relative: 1e-12))
    }
  }

  @Test func lookupByNormalisedTime() {
    #expect(schedule.step(forNormalizedTime: 0) == 0)
    #expect(schedule.step(forNormalizedTime: 1) == 500)
    #expect(schedule.step(forNormalizedTime: 0.5) == 250)
    #expect(schedule.step(forNormalizedTime: 0.0031) == 2)  // round(1.55)
    for t in [0, 1, 17, 250, 500] {
      #expect(schedule.step(forNormalizedTime: Double(schedule.normalizedTime(ofStep: t))) == t)
    }
  }

  /// The shape of the schedule holds for other T too (DiGress uses T = 1000 for planar graphs).
  @Test func otherStepCounts() {
    for steps in [1, 10, 1000] {
      let s = CosineNoiseSchedule(stepCount: steps)
      #expect(s.betas.count == steps + 1 && s.alphaBars.count == steps + 1)
      #expect(s.betas[steps] == 1)
      #expect(s.betas.allSatisfy { $0 > 0 && $0 <= 1 })
      #expect(s.alphaBar(at: steps) < 1e-3)
    }
    #expect(isRelativelyClose(CosineNoiseSchedule(stepCount: 1000).betas[500], 0.0031476422993345077, relative: 1e-9))
  }
}
