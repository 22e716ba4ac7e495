import Testing
import TestSupport
@testable import Tensor

@Suite struct LinearOpTests {
  @Test(arguments: [true, false]) func linearMatchesDoubleReferenceAndHasGradients(_ withBias: Bool) {
    // x [2, 3, 4] · W[5, 4]ᵀ + b[5].
    let shapes: [[Int]] = withBias ? [[2, 3, 4], [5, 4], [5]] : [[2, 3, 4], [5, 4]]
    let inputs = shapes.enumerated().map { testTensor($1, seed: UInt64(40 + $0)) }
    func reference(_ p: [[Double]]) -> [Double] {
      var out = Reference.matmul(p[0], [6, 4], p[1], [5, 4], transposeA: false, transposeB: true)
      if withBias { for r in 0..<6 { for c in 0..<5 { out[r * 5 + c] += p[2][c] } } }
      return out
    }
    let y = Tensor.linear(inputs[0], weight: inputs[1], bias: withBias ? inputs[2] : nil)
    #expect(y.shape == [2, 3, 5])
    #expect(isClose(y, Tensor(shape: [2, 3, 5], scalars: reference(inputs.map { $0.scalars.map(Double.init) }).map(Float.init)), rtol: 1e-5, atol: 1e-6))
    let r = checkGradients(inputs: inputs, f: { p in Tensor.linear(p[0], weight: p[1], bias: withBias ? p[2] : nil) }, reference: reference)
    #expect(r.maxError < 1e-3, "\(r)")
  }

  @Test(arguments: [true, false]) func linearReLUMatchesDoubleReferenceAndHasGradients(_ withBias: Bool) {
    // relu(x [2, 3, 4] · W[5, 4]ᵀ + b[5]); the inputs keep every pre-activation away from 0, where
    // finite differences of the ReLU are undefined.
    let shapes: [[Int]] = withBias ? [[2, 3, 4], [5, 4], [5]] : [[2, 3, 4], [5, 4]]
    let inputs = shapes.enumerated().map { testTensor($1, seed: UInt64(60 + $0)) }
    func reference(_ p: [[Double]]) -> [Double] {
      var out = Reference.matmul(p[0], [6, 4], p[1], [5, 4], transposeA: false, transposeB: true)
      if withBias { for r in 0..<6 { for c in 0..<5 { out[r * 5 + c] += p[2][c] } } }
      return out.map { max($0, 0) }
    }
    let pre = reference(inputs.map { $0.scalars.map(Double.init) })
    #expect(pre.contains { $0 == 0 } && pre.contains { $0 > 0.05 }, "both sides of the ReLU are exercised")
    let y = Tensor.linearReLU(inputs[0], weight: inputs[1], bias: withBias ? inputs[2] : nil)
    #expect(y.shape == [2, 3, 5])
    #expect(isClose(y, Tensor(shape: [2, 3, 5], scalars: pre.map(Float.init)), rtol: 1e-5, atol: 1e-6))
    let r = checkGradients(inputs: inputs, f: { p in Tensor.linearReLU(p[0], weight: p[1], bias: withBias ? p[2] : nil) }, reference: reference)
    #expect(r.maxError < 1e-3, "\(r)")
  }

  @Test func linearReLUEqualsLinearThenReLU() {
    // Values bit for bit (the same sums, the bias added once, the same ReLU), gradients to
    // rounding; large enough for several row blocks, edge tiles and KC slices (k 300).
    let x = testTensor([3, 97, 300], seed: 1), w = testTensor([45, 300], seed: 2), b = testTensor([45], seed: 3)
    let fused = Tensor.linearReLU(x, weight: w, bias: b), plain = Tensor.linear(x, weight: w, bias: b).relu()
    #expect(fused.isBitwiseEqual(to: plain))
    let upstream = testTensor([3, 97, 45], seed: 4)
    let (_, gf) = valueAndGrad(at: [x, w, b]) { p in (Tensor.linearReLU(p[0], weight: p[1], bias: p[2]) * upstream).sum() }
    let (_, gp) = valueAndGrad(at: [x, w, b]) { p in (Tensor.linear(p[0], weight: p[1], bias: p[2]).relu() * upstream).sum() }
    for (a, c) in zip(gf, gp) { #expect(isClose(a, c, rtol: 1e-5, atol: 1e-5)) }
  }

  @Test(arguments: [false, true]) func productsSplitAcrossCoresMatchNaive(_ transposeA: Bool) {
    // Large enough that Kernels.sgemmRows cuts the rows into blocks (m·n·k above the threshold).
    let (m, k, n) = (700, 64, 64)
    #expect(m * n * k > Kernels.gemmParallelThreshold)
    let a = testTensor(transposeA ? [k, m] : [m, k], seed: 3), b = testTensor([k, n], seed: 4)
    let fast = Tensor.matmul(a, b, transposeA: transposeA)
    let naive = Tensor.naiveMatmul(transposeA ? a.transposed() : a, b)
    #expect(isClose(fast, naive, rtol: 1e-4, atol: 1e-4))
    let bias = testTensor([n], seed: 5)
    let linear = Tensor.linear(transposeA ? a.transposed() : a, weight: b.transposed(), bias: bias)
    #expect(isClose(linear, naive + bias, rtol: 1e-4, atol: 1e-4))
  }

  @Test func columnSumsInBlocksMatchReduce() {
    let rows = Kernels.rowBlock * 5 + 17, cols = 9
    let x = testTensor([rows, cols], seed: 8)
    let sums = Kernels.columnSums(x, rows: rows, cols: cols)
    let expected = (0..<cols).map { c in (0..<rows).reduce(0.0) { $0 + Double(x.scalars[$1 * cols + c]) } }
    #expect(isClose(sums, Tensor(expected.map(Float.init)), rtol: 1e-4, atol: 1e-4))
  }
}
