import CTensorKernels
import Foundation
import Testing
import TestSupport
@testable import Tensor

/// A unary kernel with its test range and accuracy bound in ulps of the Double result.
struct UnaryAccuracyCase: CustomTestStringConvertible, Sendable {
  let name: String, op: ctk_unary_op, range: ClosedRange<Double>, logSpaced: Bool, maxUlps: Double
  var testDescription: String { name }
}

let unaryAccuracyCases: [UnaryAccuracyCase] = [
  UnaryAccuracyCase(name: "exp", op: CTK_EXP, range: -87.3...88.72, logSpaced: false, maxUlps: 2),
  UnaryAccuracyCase(name: "log", op: CTK_LOG, range: -69...69, logSpaced: true, maxUlps: 2),
  UnaryAccuracyCase(name: "tanh", op: CTK_TANH, range: -20...20, logSpaced: false, maxUlps: 2),
  UnaryAccuracyCase(name: "sigmoid", op: CTK_SIGMOID, range: -80...80, logSpaced: false, maxUlps: 3),
  // GELU's inner argument u = 2c(x + a x³) is rounded, and the result is that many times more
  // sensitive to it for x ≪ 0, so the bound scales with 1 + |u| (the function's conditioning).
  UnaryAccuracyCase(name: "gelu", op: CTK_GELU, range: -10...10, logSpaced: false, maxUlps: 3),
  UnaryAccuracyCase(name: "silu", op: CTK_SILU, range: -80...80, logSpaced: false, maxUlps: 4),
  UnaryAccuracyCase(name: "sqrt", op: CTK_SQRT, range: 0...1000, logSpaced: false, maxUlps: 0.5),
  UnaryAccuracyCase(name: "rsqrt", op: CTK_RSQRT, range: 1e-3...1000, logSpaced: false, maxUlps: 1.5),
]

@Suite struct KernelComparisonTests {
  @Test(arguments: unaryAccuracyCases) func unaryWithinUlpsOfFoundation(_ c: UnaryAccuracyCase) {
    let n = 20001
    let xs: [Float] = (0..<n).map { i in
      let v = c.range.lowerBound + (c.range.upperBound - c.range.lowerBound) * Double(i) / Double(n - 1)
      return Float(c.logSpaced ? Foundation.exp(v) : v)
    }
    let fast = Kernels.unary(c.op, Tensor(xs)).scalars
    var worst = 0.0, worstAt: Float = 0
    for (x, y) in zip(xs, fast) {
      let exact = NaiveKernels.unaryValue(c.op, Double(x))
      let ulp = Double(Swift.max(Float(exact).ulp, Float.leastNormalMagnitude))
      let u = 2 * 0.7978845608028654 * (Double(x) + 0.044715 * Double(x) * Double(x) * Double(x))
      let conditioning = c.op == CTK_GELU ? 1 + Swift.abs(u) : 1
      let err = Swift.abs(Double(y) - exact) / ulp / conditioning
      if err > worst { (worst, worstAt) = (err, x) }
    }
    #expect(worst <= c.maxUlps, "\(c.name): \(worst) ulp at x = \(worstAt)")
  }

  @Test(arguments: [CTK_NEG, CTK_EXP, CTK_LOG, CTK_SQRT, CTK_TANH, CTK_SIGMOID, CTK_RELU, CTK_GELU, CTK_SILU, CTK_ABS,
                    CTK_SQUARE, CTK_RSQRT, CTK_RECIPROCAL].map(\.rawValue))
  func unaryBackwardMatchesNaive(_ raw: UInt32) {
    let op = ctk_unary_op(rawValue: raw)
    // Both signs across ops; shifted to positive values for the ops defined only there
    // (log, sqrt, rsqrt, reciprocal).
    let positiveOnly = [CTK_LOG, CTK_SQRT, CTK_RSQRT, CTK_RECIPROCAL].contains(op)
    let x = testTensor([257], seed: 3, in: 0.1...3) * Tensor(Float(raw % 2 == 0 ? 1 : -1)) + Tensor(positiveOnly ? 4 : 0)
    let dy = testTensor([257], seed: 4)
    let y = Kernels.unary(op, x)
    let fast = Kernels.unaryBackward(op, x: x, y: y, dy: dy)
    #expect(isClose(fast, NaiveKernels.unaryBackward(op, x: x, dy: dy), rtol: 2e-5, atol: 1e-6), "op \(raw)")
  }

  @Test(arguments: [CTK_ADD, CTK_SUB, CTK_MUL, CTK_DIV, CTK_MAXIMUM, CTK_MINIMUM, CTK_GREATER_EQUAL, CTK_EQUAL].map(\.rawValue))
  func binaryBroadcastIsExact(_ raw: UInt32) {
    let op = ctk_binary_op(rawValue: raw)
    for (sa, sb) in [([3, 4, 5], [3, 4, 5]), ([3, 4, 5], [5]), ([3, 1, 5], [1, 4, 1]), ([4, 1], [4, 7]), ([2, 3, 1, 5], [3, 4, 1]), ([], [6])] {
      let a = testTensor(sa, seed: 1, in: 0.5...2), b = testTensor(sb, seed: 2, in: 0.5...2)
      // One correctly rounded operation: the Double result rounded to Float is exact.
      #expect(Kernels.binary(op, a, b).isBitwiseEqual(to: NaiveKernels.binary(op, a, b)), "op \(raw) \(sa) \(sb)")
    }
  }

  @Test func powMatchesNaive() {
    let a = testTensor([3, 4], seed: 1, in: 0.1...4), b = testTensor([4], seed: 2, in: -3...3)
    #expect(isClose(Kernels.binary(CTK_POW, a, b), NaiveKernels.binary(CTK_POW, a, b), rtol: 1e-5, atol: 0))
  }

  @Test func reductionsMatchNaive() {
    let x = testTensor([5, 37, 19], seed: 9, in: -3...3)
    for axis in 0..<3 {
      #expect(isClose(Kernels.reduce(CTK_SUM, x, axis: axis), NaiveKernels.reduce(CTK_SUM, x, axis: axis), rtol: 1e-5, atol: 1e-5))
      #expect(Kernels.reduce(CTK_MAX, x, axis: axis).isBitwiseEqual(to: NaiveKernels.reduce(CTK_MAX, x, axis: axis)))
      #expect(Kernels.reduce(CTK_MIN, x, axis: axis).isBitwiseEqual(to: NaiveKernels.reduce(CTK_MIN, x, axis: axis)))
    }
  }

  @Test func stridedCopyAndScatterMatchNaive() {
    let x = testTensor([4, 5, 6], seed: 10)
    for perm in [[2, 0, 1], [1, 2, 0], [0, 2, 1], [2, 1, 0]] {
      let strides = Tensor.strides(of: x.shape)
      let shape = perm.map { x.shape[$0] }, st = perm.map { strides[$0] }
      #expect(Kernels.stridedCopy(x, shape: shape, strides: st).isBitwiseEqual(to: NaiveKernels.stridedCopy(x, shape: shape, strides: st)))
    }
    let offset = 1 * 30 + 2 * 6 + 1
    let sub = NaiveKernels.stridedCopy(x, shape: [2, 3, 4], strides: [30, 6, 1], offset: offset)
    #expect(Kernels.stridedCopy(x, shape: [2, 3, 4], strides: [30, 6, 1], offset: offset).isBitwiseEqual(to: sub))
    // Scatter is the adjoint of the copy: ⟨copy(x), y⟩ = ⟨x, scatter(y)⟩.
    let y = testTensor([2, 3, 4], seed: 11)
    let back = Tensor.zeros(x.shape)
    Kernels.stridedScatter(y, shape: [2, 3, 4], into: back, strides: [30, 6, 1], offset: offset, accumulate: true)
    #expect(Swift.abs((sub * y).sum().scalar - (x * back).sum().scalar) < 1e-5)
  }

  @Test(arguments: [false, true]) func softmaxRowsMatchNaive(_ log: Bool) {
    let x = testTensor([6, 37], seed: 12, in: -20...20)
    var maskValues = (0..<(6 * 37)).map { Float($0 % 5 == 0 ? 0 : 1) }
    for c in 0..<37 { maskValues[2 * 37 + c] = 0 }  // a fully masked row
    let mask = Tensor(shape: [6, 37], scalars: maskValues)
    for m in [nil, mask] {
      let fast = Kernels.softmaxRows(x, mask: m, rows: 6, cols: 37, log: log)
      #expect(isClose(fast, NaiveKernels.softmaxRows(x, mask: m, log: log), rtol: 2e-6, atol: 2e-6))
      if m != nil { #expect(fast.sliced([2..<3, 0..<37]).scalars.allSatisfy { $0 == 0 }) }
    }
  }

  @Test(arguments: [false, true]) func layerNormMatchesNaive(_ affine: Bool) {
    let x = testTensor([7, 67], seed: 13, in: -3...3) + Tensor(100)  // a large mean tests stability
    let gamma = affine ? testTensor([67], seed: 14, in: 0.5...1.5) : nil
    let beta = affine ? testTensor([67], seed: 15) : nil
    let (y, mean, rstd) = Kernels.layerNorm(x, gamma: gamma, beta: beta, eps: 1e-5)
    let (ny, nmean, nrstd) = NaiveKernels.layerNorm(x, gamma: gamma, beta: beta, eps: 1e-5)
    #expect(isClose(y, ny, rtol: 1e-4, atol: 1e-4))
    #expect(isClose(mean, Tensor(nmean.map(Float.init)), rtol: 1e-6, atol: 0))
    #expect(isClose(rstd, Tensor(nrstd.map(Float.init)), rtol: 1e-4, atol: 0))
    let dy = testTensor([7, 67], seed: 16)
    let (dx, dgamma, dbeta) = Kernels.layerNormBackward(x: x, gamma: gamma, mean: mean, rstd: rstd, dy: dy, wantAffine: affine)
    let (ndx, ndgamma, ndbeta) = NaiveKernels.layerNormBackward(x, gamma: gamma, dy: dy, eps: 1e-5)
    #expect(isClose(dx, ndx, rtol: 1e-3, atol: 1e-4))
    if affine {
      #expect(isClose(dgamma!, ndgamma, rtol: 1e-3, atol: 1e-4))
      #expect(isClose(dbeta!, ndbeta, rtol: 1e-5, atol: 1e-5))
    }
  }

  @Test func ternaryMatchesNaive() {
    let a = testTensor([3, 4, 5], seed: 17), b = testTensor([4, 1], seed: 18), c = testTensor([3, 1, 5], seed: 19)
    #expect(isClose(Kernels.ternary(CTK_FMA, a, b, c), NaiveKernels.ternary(CTK_FMA, a, b, c), rtol: 1e-6, atol: 1e-6))
    let mask = Tensor(shape: [3, 1, 1], scalars: [1, 0, 1])
    #expect(Kernels.ternary(CTK_SELECT, mask, a, c).isBitwiseEqual(to: NaiveKernels.ternary(CTK_SELECT, mask, a, c)))
  }

  @Test func softmaxAxisMatchesNaiveForAttentionShapes() {
    // Scores [bs, n, n, heads, df] over the key axis 2, with masks of several broadcast forms.
    let shape = [2, 5, 5, 3, 4]
    let x = testTensor(shape, seed: 20, in: -10...10)
    var keyMaskValues: [Float] = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  // graph 2 has no nodes: all masked
    keyMaskValues[1] = 1
    let masks: [Tensor?] = [
      nil,
      Tensor(shape: [2, 1, 5, 1, 1], scalars: keyMaskValues),  // key mask (inner stride 0)
      testTensor([2, 5, 5, 1, 4], seed: 21, in: 0...1).isGreaterOrEqual(Tensor(0.3)),  // mixed inner: materialised
      testTensor(shape, seed: 22, in: 0...1).isGreaterOrEqual(Tensor(0.2)),  // full mask (inner stride 1)
    ]
    for mask in masks {
      let fast = Kernels.softmaxAxis(x, axis: 2, mask: mask)
      let naive = NaiveKernels.softmaxAxis(x, axis: 2, mask: mask?.broadcast(to: shape))
      #expect(isClose(fast, naive, rtol: 2e-6, atol: 2e-6), "mask \(mask?.shape ?? [])")
    }
    for axis in 0..<4 {
      #expect(isClose(Kernels.softmaxAxis(x, axis: axis, mask: nil), NaiveKernels.softmaxAxis(x, axis: axis, mask: nil), rtol: 2e-6, atol: 2e-6))
    }
  }

  @Test(arguments: Tensor.Activation.allCases) func biasActivationMatchesNaive(_ act: Tensor.Activation) {
    let x = testTensor([9, 33], seed: 23, in: -6...6), bias = testTensor([33], seed: 24)
    let fast = Kernels.biasActivation(act.kernelOp, x, bias: bias)
    #expect(isClose(fast, NaiveKernels.biasActivation(act.kernelOp, x, bias: bias), rtol: 1e-5, atol: 1e-6), "\(act)")
    // Fused equals unfused (same kernels underneath) bit for bit.
    let unfused = Kernels.unary(act.kernelOp, x + bias)
    #expect(fast.isBitwiseEqual(to: unfused), "\(act)")
  }
}
