import Foundation
import Testing
import TestSupport
@testable import Tensor

/// Group norm, nearest upsampling and sinusoidal embeddings: values against Double references
/// written from the definitions, and finite-difference gradients.
@Suite struct ImageLayerTests {
  /// Group norm by its definition, in Double. x [n, c, h, w], gamma/beta [c].
  static func groupNormReference(_ x: [Double], _ gamma: [Double], _ beta: [Double], n: Int, c: Int, hw: Int, groups: Int, eps: Double = 1e-5) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    let size = (c / groups) * hw
    for b in 0..<n {
      for g in 0..<groups {
        let start = (b * c + g * (c / groups)) * hw
        let values = x[start..<(start + size)]
        let mean = values.reduce(0, +) / Double(size)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(size)
        for i in 0..<size {
          let channel = g * (c / groups) + i / hw
          y[start + i] = (x[start + i] - mean) / (variance + eps).squareRoot() * gamma[channel] + beta[channel]
        }
      }
    }
    return y
  }

  @Test(arguments: [1, 2, 4]) func groupNormMatchesItsDefinition(groups: Int) {
    let x = testTensor([2, 4, 3, 3], seed: 1), gamma = testTensor([4], seed: 2, in: 0.5...1.5), beta = testTensor([4], seed: 3)
    let y = x.groupNormalized(groups: groups, gamma: gamma, beta: beta)
    let expected = Self.groupNormReference(x.scalars.map(Double.init), gamma.scalars.map(Double.init), beta.scalars.map(Double.init), n: 2, c: 4, hw: 9, groups: groups)
    #expect(isClose(y, Tensor(shape: [2, 4, 3, 3], scalars: expected.map(Float.init)), rtol: 1e-4, atol: 1e-5))
    let result = checkGradients(
      inputs: [x, gamma, beta], f: { $0[0].groupNormalized(groups: groups, gamma: $0[1], beta: $0[2]) },
      reference: { Self.groupNormReference($0[0], $0[1], $0[2], n: 2, c: 4, hw: 9, groups: groups) })
    #expect(result.maxError < 2e-2, "\(result)")
  }

  /// The fused group norm → modulation → SiLU against its definition: values (also against the
  /// unfused ops and the naive kernel) and finite-difference gradients of x, γ, β, scale, shift.
  @Test(arguments: [(1, false), (2, true), (4, true), (2, false)])
  func groupNormSiLUMatchesItsDefinition(groups: Int, modulated: Bool) {
    let (n, c, hw) = (2, 4, 9)
    let x = testTensor([n, c, 3, 3], seed: 11, in: -2...2), gamma = testTensor([c], seed: 12, in: 0.5...1.5), beta = testTensor([c], seed: 13)
    let scale = testTensor([n, c], seed: 14, in: -0.5...0.5), shift = testTensor([n, c], seed: 15)
    let inputs = modulated ? [x, gamma, beta, scale, shift] : [x, gamma, beta]
    let f: ([Tensor]) -> Tensor = { v in
      v[0].groupNormalizedSiLU(groups: groups, gamma: v[1], beta: v[2], scale: modulated ? v[3] : nil, shift: modulated ? v[4] : nil)
    }
    let reference: ([[Double]]) -> [Double] = { v in
      let a = Self.groupNormReference(v[0], v[1], v[2], n: n, c: c, hw: hw, groups: groups)
      return a.indices.map { i in
        let row = (i / hw / c) * c + (i / hw) % c
        let b = modulated ? a[i] * (1 + v[3][row]) + v[4][row] : a[i]
        return b / (1 + Foundation.exp(-b))
      }
    }
    let y = f(inputs)
    #expect(isClose(y, Tensor(shape: y.shape, scalars: reference(inputs.map { $0.scalars.map(Double.init) }).map(Float.init)), rtol: 1e-5, atol: 1e-5))
    #expect(isClose(y, NaiveKernels.groupNormSiLU(x, groups: groups, gamma: gamma, beta: beta, scale: modulated ? scale : nil,
                                                  shift: modulated ? shift : nil, eps: 1e-5), rtol: 1e-5, atol: 1e-5))
    var unfused = x.groupNormalized(groups: groups, gamma: gamma, beta: beta)
    if modulated { unfused = unfused * (scale.reshaped([n, c, 1, 1]) + 1) + shift.reshaped([n, c, 1, 1]) }
    #expect(isClose(y, unfused.silu(), rtol: 1e-5, atol: 1e-5))
    let result = checkGradients(inputs: inputs, f: f, reference: reference)
    #expect(result.maxError < 2e-2, "\(result)")
  }

  @Test func nearestUpsamplingCopiesAndItsGradientSumsBlocks() {
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    #expect(x.upsampledNearest(factor: 2).scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    #expect(x.upsampledNearest(factor: 1).scalars == x.scalars)
    let input = testTensor([2, 3, 2, 3], seed: 4)
    let result = checkGradients(inputs: [input], f: { $0[0].upsampledNearest(factor: 3) }, reference: { xs in
      var out: [Double] = []
      for b in 0..<6 { for i in 0..<6 { for j in 0..<9 { out.append(xs[0][b * 6 + (i / 3) * 3 + j / 3]) } } }
      return out
    })
    #expect(result.maxError < 1e-3, "\(result)")
  }

  @Test func sinusoidalEmbeddingFollowsTheFormula() {
    let e = Tensor.sinusoidalEmbedding(of: [0, 1, 500], dimension: 8)
    #expect(e.shape == [3, 8])
    // t = 0: sin 0 = 0, cos 0 = 1 in every pair.
    #expect(Array(e.scalars[0..<8]) == [0, 1, 0, 1, 0, 1, 0, 1])
    // t = 1, k = 1: ω = 10000^(−1/4) = 0.1.
    #expect(abs(e.scalars[8 + 2] - Float(sin(0.1))) < 1e-6 && abs(e.scalars[8 + 3] - Float(cos(0.1))) < 1e-6)
    #expect(abs(e.scalars[16] - Float(sin(500.0))) < 1e-5)
  }
}
