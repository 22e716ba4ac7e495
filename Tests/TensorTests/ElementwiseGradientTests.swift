import Foundation
import Testing
import TestSupport
@testable import Tensor

/// Binary ops with broadcasting over several shape pairs.
let binaryShapePairs: [([Int], [Int])] = [
  ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1, 3], [1, 4, 3]), ([2, 3], []), ([4, 1], [1, 5]),
]

func binaryCases(_ name: String, range: ClosedRange<Float> = -1...1,
                 _ op: @escaping @Sendable (Tensor, Tensor) -> Tensor,
                 _ ref: @escaping @Sendable (Double, Double) -> Double) -> [GradientCase] {
  binaryShapePairs.map { sa, sb in
    GradientCase("\(name) \(sa)·\(sb)", [sa, sb], range: range, f: { op($0[0], $0[1]) },
                 reference: { Reference.binary($0[0], sa, $0[1], sb, ref) })
  }
}

let binaryGradientCases: [GradientCase] =
  binaryCases("add", +, +) + binaryCases("sub", -, -) + binaryCases("mul", *, *)
  + binaryCases("div", range: 0.5...2, /, /)
  + binaryCases("maximum", { Tensor.maximum($0, $1) }, { Swift.max($0, $1) })
  + binaryCases("minimum", { Tensor.minimum($0, $1) }, { Swift.min($0, $1) })
  + binaryCases("pow", range: 0.5...2, { Tensor.pow($0, $1) }, { Foundation.pow($0, $1) })

func unaryCase(_ name: String, range: ClosedRange<Float> = -2...2, _ op: @escaping @Sendable (Tensor) -> Tensor,
               _ ref: @escaping @Sendable (Double) -> Double) -> GradientCase {
  GradientCase(name, [[3, 5]], range: range, f: { op($0[0]) }, reference: { $0[0].map(ref) })
}

let unaryGradientCases: [GradientCase] = [
  unaryCase("neg", { -$0 }, { -$0 }),
  unaryCase("affine", { $0.affine(scale: 1.5, shift: -0.25) }, { $0 * 1.5 - 0.25 }),
  unaryCase("scalar ops", { (2 - $0 * 3 + 1) / 4 }, { (2 - $0 * 3 + 1) / 4 }),
  unaryCase("exp", { $0.exp() }, { Foundation.exp($0) }),
  unaryCase("log", range: 0.2...3, { $0.log() }, { Foundation.log($0) }),
  unaryCase("sqrt", range: 0.2...3, { $0.sqrt() }, { $0.squareRoot() }),
  unaryCase("rsqrt", range: 0.5...3, { $0.rsqrt() }, { 1 / $0.squareRoot() }),
  unaryCase("reciprocal", range: 0.5...3, { $0.reciprocal() }, { 1 / $0 }),
  unaryCase("tanh", { $0.tanh() }, { Foundation.tanh($0) }),
  unaryCase("sigmoid", range: -4...4, { $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }),
  unaryCase("relu", { $0.relu() }, { Swift.max($0, 0) }),
  unaryCase("gelu", range: -3...3, { $0.gelu() }, { v in
    0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
  }),
  unaryCase("silu", range: -4...4, { $0.silu() }, { $0 / (1 + Foundation.exp(-$0)) }),
  unaryCase("abs", { $0.abs() }, { Swift.abs($0) }),
  unaryCase("squared", { $0.squared() }, { $0 * $0 }),
  unaryCase("clamped", { $0.clamped(min: -0.5, max: 0.7) }, { Swift.min(Swift.max($0, -0.5), 0.7) }),
]

@Suite struct ElementwiseGradientTests {
  @Test(arguments: binaryGradientCases) func binaryOp(_ c: GradientCase) {
    let r = c.run()
    #expect(r.maxError < c.tolerance, "\(c.name): \(r)")
  }

  @Test(arguments: unaryGradientCases) func unaryOp(_ c: GradientCase) {
    let r = c.run()
    #expect(r.maxError < c.tolerance, "\(c.name): \(r)")
  }

  @Test func fusedMultiplyAddMatchesUnfusedBitwiseAndHasGradients() {
    let a = testTensor([2, 3, 4], seed: 1), b = testTensor([2, 1, 4], seed: 2), c = testTensor([4], seed: 3)
    #expect(Tensor.fusedMultiplyAdd(a, b, c).isBitwiseEqual(to: a * b + c))
    let r = checkGradients(inputs: [a, b, c], f: { Tensor.fusedMultiplyAdd($0[0], $0[1], $0[2]) }, reference: { x in
      zip(Reference.binary(x[0], [2, 3, 4], x[1], [2, 1, 4], *), Reference.broadcast(x[2], [4], to: [2, 3, 4])).map(+)
    })
    #expect(r.maxError < 2e-3, "\(r)")
  }

  @Test(arguments: Tensor.Activation.allCases) func biasActivation(_ act: Tensor.Activation) {
    let ref: (Double) -> Double = switch act {
    case .identity: { $0 }
    case .relu: { Swift.max($0, 0) }
    case .gelu: { v in 0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v))) }
    case .silu: { $0 / (1 + Foundation.exp(-$0)) }
    case .tanh: { Foundation.tanh($0) }
    case .sigmoid: { 1 / (1 + Foundation.exp(-$0)) }
    }
    let x = testTensor([4, 6], seed: 5, in: -2...2), bias = testTensor([6], seed: 6)
    let withBias = checkGradients(inputs: [x, bias], f: { $0[0].biasActivation($0[1], act) }) { v in
      Reference.binary(v[0], [4, 6], v[1], [6], +).map(ref)
    }
    #expect(withBias.maxError < 2e-3, "\(act) with bias: \(withBias)")
    let noBias = checkGradients(inputs: [x], f: { $0[0].biasActivation(nil, act) }) { v in v[0].map(ref) }
    #expect(noBias.maxError < 2e-3, "\(act) without bias: \(noBias)")
  }

  @Test func whereSelectsAndRoutesGradients() {
    let mask = Tensor(shape: [2, 3], scalars: [1, 0, 1, 0, 0, 1])
    let a = testTensor([2, 3], seed: 7), b = testTensor([3], seed: 8)
    let m = mask.scalars.map(Double.init)
    let r = checkGradients(inputs: [a, b], f: { Tensor.where(mask, $0[0], $0[1]) }) { v in
      let bb = Reference.broadcast(v[1], [3], to: [2, 3])
      return (0..<6).map { m[$0] != 0 ? v[0][$0] : bb[$0] }
    }
    #expect(r.maxError < 2e-3, "\(r)")
    // A NaN branch where it is not selected does not poison the result or the gradient.
    let poisoned = Tensor(shape: [2, 3], scalars: mask.scalars.map { $0 != 0 ? .nan : 1 })
    let (value, grads) = valueAndGrad(at: [a]) { x in Tensor.where(mask, x[0], poisoned).sum() }
    #expect(value.scalar.isFinite)
    #expect(grads[0].scalars == mask.scalars)
  }
}
