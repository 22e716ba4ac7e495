import Foundation
@testable import Images
import Tensor
import TestSupport
import Testing

/// Gaussian diffusion against what must hold exactly or in distribution: the forward moments,
/// exact recovery with the true noise, and with the exact denoiser of Gaussian data: DDPM
/// samples of the right mean and variance, DDIM inversion followed by DDIM sampling returning
/// the input.
@Suite struct GaussianDiffusionTests {
  let process = GaussianDiffusion(stepCount: 200)

  /// The exact ε-prediction for data x_0 ~ N(μ, s²) per element: E[ε | x_t] =
  /// √(1 − ᾱ) (x_t − √ᾱ μ) / (ᾱ s² + 1 − ᾱ).
  func gaussianOracle(mean mu: Float, std s: Float) -> (Tensor, Int) -> Tensor {
    { x, t in
      let a = process.alphaBar(t)
      return (x - mu * a.squareRoot()) * ((1 - a).squareRoot() / (a * s * s + 1 - a))
    }
  }

  @Test func betasMultiplyToTheCumulativeProduct() {
    var product: Float = 1
    for t in 1...process.stepCount { product *= 1 - process.beta(t) }
    #expect(abs(product - process.alphaBar(process.stepCount)) < 1e-6)
    #expect(process.alphaBar(0) == 1 && process.strides(4) == [200, 150, 100, 50, 0])
  }

  @Test func forwardMomentsAndExactRecovery() {
    var rng = RandomGenerator(seed: 1)
    let x0 = Tensor(repeating: 0.5, shape: [4, 1, 50, 50])
    let t = 60, noise = Tensor.normal(x0.shape, using: &rng)
    let xt = process.noised(x0, steps: Array(repeating: t, count: 4), noise: noise)
    let values = xt.scalars.map(Double.init), n = Double(values.count)
    let mean = values.reduce(0, +) / n, variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
    let a = Double(process.alphaBar(t))
    #expect(abs(mean - a.squareRoot() * 0.5) < 0.03 && abs(variance - (1 - a)) < 0.03, "mean \(mean), variance \(variance)")
    // The true noise gives back the clean image.
    #expect(isClose(process.predictedClean(xt, predictedNoise: noise, step: t), x0, atol: 1e-4))
    // Step 0 is the clean image.
    #expect(process.noised(x0, steps: [0, 0, 0, 0], noise: noise).scalars == x0.scalars)
  }

  @Test func ddpmWithTheExactDenoiserSamplesTheData() {
    let (mu, s): (Float, Float) = (0.3, 0.5)
    let oracle = gaussianOracle(mean: mu, std: s)
    var rng = RandomGenerator(seed: 2)
    var x = Tensor.normal([1, 1, 40, 50], using: &rng)
    for t in stride(from: process.stepCount, through: 1, by: -1) { x = process.ddpmStep(x, predictedNoise: oracle(x, t), step: t, using: &rng) }
    let values = x.scalars.map(Double.init), n = Double(values.count)
    let mean = values.reduce(0, +) / n, std = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    #expect(abs(mean - 0.3) < 0.05 && abs(std - 0.5) < 0.05, "mean \(mean), std \(std)")
  }

  @Test func ddimInversionThenSamplingReconstructs() {
    let oracle = gaussianOracle(mean: 0.1, std: 0.6)
    var rng = RandomGenerator(seed: 3)
    let x0 = Tensor.uniform([2, 3, 4, 4], low: -1, high: 1, using: &rng)
    func error(_ moves: Int) -> Float {
      let steps = process.strides(moves)
      let xT = process.ddimInvert(x0, steps: steps.reversed(), predict: oracle)
      let back = process.ddimSample(from: xT, steps: steps, clip: false, predict: oracle)
      return zip(back.scalars, x0.scalars).map { abs($0 - $1) }.max()!
    }
    // DDIM is a first-order solver of the probability-flow ODE: the round trip's error halves
    // when the moves double (measured 0.118, 0.061, 0.031, 0.016 at 25…200 moves).
    let errors = [25, 50, 100, 200].map(error)
    #expect(errors[3] < 0.02 && zip(errors, errors.dropFirst()).allSatisfy { $1 < 0.6 * $0 }, "max errors at 25, 50, 100, 200 moves: \(errors)")
    let xT = process.ddimInvert(x0, steps: process.strides(100).reversed(), predict: oracle)
    // Clipping keeps samples in the data range whatever the start.
    var far = RandomGenerator(seed: 9)
    let wild = process.ddimSample(from: Tensor.normal([1, 1, 8, 8], using: &far) * 50, steps: process.strides(20), predict: oracle)
    #expect(wild.scalars.allSatisfy { $0 >= -1.0001 && $0 <= 1.0001 })
    // The encoding is noise-like: far from the input, of about unit variance for this data.
    #expect(!isClose(xT, x0, rtol: 0, atol: 0.1))
  }
}
