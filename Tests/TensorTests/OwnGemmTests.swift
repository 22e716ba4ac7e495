import CTensorKernels
@testable import Tensor
import TestSupport
import Testing

/// cfx's own matrix product (AVX-512 CPUs) against a naive Double reference over shapes that hit
/// every edge: fewer rows than a tile, ragged columns, inner sizes across the packing depth, and
/// all four transpose combinations; C is added to, not overwritten.
@Suite struct OwnGemmTests {
  @Test(arguments: [
    (1, 1, 1), (8, 32, 5), (7, 33, 17), (32, 784, 288), (9, 31, 300), (100, 70, 513), (33, 2100, 40), (64, 10, 128),
  ])
  func agreesWithTheNaiveProduct(shape: (Int, Int, Int)) throws {
    guard ctk_sgemm_available() != 0 else { return }
    let (m, n, k) = shape
    for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
      let a = testTensor(ta ? [k, m] : [m, k], seed: UInt64(m * 7 + k)), b = testTensor(tb ? [n, k] : [k, n], seed: UInt64(n * 3 + k))
      let c0 = testTensor([m, n], seed: 11)
      var c = c0.scalars
      let (sa, sb) = (a.scalars, b.scalars)
      let done = c.withUnsafeMutableBufferPointer { pc in
        ctk_sgemm(ta ? 1 : 0, tb ? 1 : 0, m, n, k, sa, ta ? m : k, sb, tb ? k : n, pc.baseAddress!, n, 0)
      }
      #expect(done == 1)
      // Overwriting: C's old values (here NaN) are never read.
      var fresh = [Float](repeating: .nan, count: m * n)
      let overwritten = fresh.withUnsafeMutableBufferPointer { pc in
        ctk_sgemm(ta ? 1 : 0, tb ? 1 : 0, m, n, k, sa, ta ? m : k, sb, tb ? k : n, pc.baseAddress!, n, 1)
      }
      #expect(overwritten == 1)
      for i in 0..<(m * n) where fresh[i] + c0.scalars[i] != c[i] {
        // C += P and P computed alone agree up to the one rounding of the final addition.
        #expect(abs(fresh[i] + c0.scalars[i] - c[i]) <= 1e-6 * max(1, abs(c[i])), "overwrite \(m)×\(n)×\(k): element \(i)")
      }
      var worst = 0.0
      for i in 0..<m {
        for j in 0..<n {
          var sum = Double(c0.scalars[i * n + j])
          for p in 0..<k {
            let x = Double(ta ? sa[p * m + i] : sa[i * k + p]), y = Double(tb ? sb[j * k + p] : sb[p * n + j])
            sum += x * y
          }
          worst = max(worst, abs(Double(c[i * n + j]) - sum) / max(1, abs(sum)))
        }
      }
      #expect(worst < 1e-5 * Double(max(k, 8)).squareRoot(), "\(m)×\(n)×\(k) transposes \(ta) \(tb): worst relative error \(worst)")
    }
  }

  /// The bias and ReLU stored with the tiles give exactly what the unfused path gives: C filled
  /// with the bias rows, the product added (ctk_sgemm), then v < 0 ? 0 : v. Edge tiles, several
  /// KC slices (k > 256, the ReLU only at the last), NaN and −0 included.
  @Test(arguments: [(7, 33, 17), (9, 31, 300), (100, 70, 513), (16, 64, 64)])
  func biasAndReLUAtTheStoreEqualTheSeparatePasses(shape: (Int, Int, Int)) {
    guard ctk_sgemm_available() != 0 else { return }
    let (m, n, k) = shape
    var a = testTensor([m, k], seed: UInt64(m + k)).scalars
    a[0] = .nan  // row 0 of the product is NaN
    let b = testTensor([k, n], seed: UInt64(n)).scalars
    var bias = testTensor([n], seed: 5).scalars
    bias[n - 1] = -0.0
    for relu in [false, true] {
      for withBias in [false, true] {
        var expected = [Float](repeating: 0, count: m * n)
        if withBias { for i in 0..<m { for j in 0..<n { expected[i * n + j] = bias[j] } } }
        _ = expected.withUnsafeMutableBufferPointer { ctk_sgemm(0, 0, m, n, k, a, k, b, n, $0.baseAddress!, n, 0) }
        if relu { expected = expected.map { $0 < 0 ? 0 : $0 } }
        var fused = [Float](repeating: .nan, count: m * n)
        let done = fused.withUnsafeMutableBufferPointer { pc in
          bias.withUnsafeBufferPointer { pb in
            ctk_sgemm_bias(0, 0, m, n, k, a, k, b, n, withBias ? pb.baseAddress! : nil, relu ? 1 : 0, pc.baseAddress!, n)
          }
        }
        #expect(done == 1)
        let same = zip(fused, expected).allSatisfy { $0.bitPattern == $1.bitPattern }
        #expect(same, "\(m)×\(n)×\(k) bias \(withBias) relu \(relu)")
      }
    }
  }
}
