import Foundation
@testable import Images
import NN
import Tensor
import TestSupport
import Testing

/// The U-Net's self-attention block: a new block is the identity; gradients agree with central
/// differences of a Double reference; attention has no notion of position, so permuting the
/// positions of the input permutes the output the same way; a U-Net with attention still learns.
@Suite struct UNetAttentionTests {
  /// The block in Double: group norm (γ, β), 1×1 projections, softmax over keys, residual.
  static func reference(x: [Double], n: Int, c: Int, l: Int, groups: Int, gamma: [Double], beta: [Double],
                        wqkv: [Double], bqkv: [Double], wo: [Double], bo: [Double]) -> [Double] {
    var out = x
    let perGroup = c / groups
    for b in 0..<n {
      // Group norm.
      var normed = [Double](repeating: 0, count: c * l)
      for g in 0..<groups {
        let values = (g * perGroup..<(g + 1) * perGroup).flatMap { ch in (0..<l).map { x[(b * c + ch) * l + $0] } }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        for ch in g * perGroup..<(g + 1) * perGroup {
          for p in 0..<l { normed[ch * l + p] = (x[(b * c + ch) * l + p] - mean) / (variance + 1e-5).squareRoot() * gamma[ch] + beta[ch] }
        }
      }
      // q, k, v: [3C, L].
      var qkv = [Double](repeating: 0, count: 3 * c * l)
      for o in 0..<(3 * c) { for p in 0..<l { qkv[o * l + p] = bqkv[o] + (0..<c).reduce(0) { $0 + wqkv[o * c + $1] * normed[$1 * l + p] } } }
      for i in 0..<l {
        let scores = (0..<l).map { j in (0..<c).reduce(0.0) { $0 + qkv[$1 * l + i] * qkv[(c + $1) * l + j] } / Double(c).squareRoot() }
        let top = scores.max()!
        let e = scores.map { Foundation.exp($0 - top) }, total = e.reduce(0, +)
        let mixed = (0..<c).map { ch in (0..<l).reduce(0.0) { $0 + e[$1] / total * qkv[(2 * c + ch) * l + $1] } }
        for o in 0..<c { out[(b * c + o) * l + i] += bo[o] + (0..<c).reduce(0) { $0 + wo[o * c + $1] * mixed[$1] } }
      }
    }
    return out
  }

  @Test func gradientsMatchCentralDifferences() {
    var rng = RandomGenerator(seed: 4)
    var block = UNetAttentionBlock(channels: 4, groups: 2, using: &rng)
    #expect(block(testTensor([2, 4, 2, 3], seed: 1)).scalars == testTensor([2, 4, 2, 3], seed: 1).scalars)
    block.output.weight = testTensor([4, 4, 1, 1], seed: 2)
    block.output.bias = testTensor([4], seed: 3)
    let inputs = [testTensor([2, 4, 2, 3], seed: 5), testTensor([4], seed: 6, in: 0.5...1.5), testTensor([4], seed: 7),
                  testTensor([12, 4, 1, 1], seed: 8), testTensor([12], seed: 9), testTensor([4, 4, 1, 1], seed: 2), testTensor([4], seed: 3)]
    let result = checkGradients(inputs: inputs, f: { t in
      var b = block
      (b.norm.gamma, b.norm.beta, b.qkv.weight, b.qkv.bias, b.output.weight, b.output.bias) = (t[1], t[2], t[3], t[4], t[5], t[6])
      return b(t[0])
    }, reference: { d in
      Self.reference(x: d[0], n: 2, c: 4, l: 6, groups: 2, gamma: d[1], beta: d[2], wqkv: d[3], bqkv: d[4], wo: d[5], bo: d[6])
    })
    #expect(result.maxError < 2e-3, "\(result)")
  }

  @Test func permutingPositionsPermutesTheOutput() {
    var rng = RandomGenerator(seed: 2)
    var block = UNetAttentionBlock(channels: 8, groups: 4, using: &rng)
    block.output.weight = testTensor([8, 8, 1, 1], seed: 1)
    let x = testTensor([1, 8, 4, 4], seed: 3)
    let permutation = Array((0..<16).reversed().shuffled(using: &rng))
    func permuted(_ t: Tensor) -> Tensor {
      let s = t.scalars
      return Tensor(shape: t.shape, scalars: (0..<8).flatMap { c in permutation.map { s[c * 16 + $0] } })
    }
    #expect(isClose(block(permuted(x)), permuted(block(x)), rtol: 1e-4, atol: 1e-5))
  }

  @Test func aUNetWithAttentionIsSavedAndLoadedAndStartsAtZero() throws {
    var rng = RandomGenerator(seed: 0)
    let configuration = UNetConfiguration(channels: 3, baseChannels: 8, multipliers: [1, 2], groups: 4, embeddingWidth: 16, conditionWidth: 2, attention: true)
    let net = UNet(configuration, using: &rng)
    #expect(net.namedParameters.contains { $0.0.hasPrefix("middleAttention.qkv") })
    #expect(net(Tensor.normal([2, 3, 8, 8], using: &rng), steps: [1, 5]).scalars.allSatisfy { $0 == 0 })
    // Configurations written before attention existed read as without it.
    let old = try JSONDecoder().decode(UNetConfiguration.self, from: Data(#"{"channels":1,"baseChannels":8,"multipliers":[1,2],"groups":4,"embeddingWidth":16,"conditionWidth":0}"#.utf8))
    #expect(!old.attention)
    #expect(try JSONDecoder().decode(UNetConfiguration.self, from: JSONEncoder().encode(configuration)) == configuration)
  }
}
