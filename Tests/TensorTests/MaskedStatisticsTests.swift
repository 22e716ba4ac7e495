import Tensor
import TestSupport
import Testing

/// The fused masked statistics (PNA pooling's mean, minimum, maximum and variance over real rows)
/// against the composed reference, a Double reference by finite differences, ties and padding.
@Suite struct MaskedStatisticsTests {
  /// Three slabs of 5 rows × 4 features: all real, two padded rows, all padded.
  static let mask = Tensor(shape: [3, 5, 1], scalars: [1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0])

  /// Mean, min, max, variance per slab and feature in Double (the definition).
  static func reference(_ x: [Double], mask: [Float], outer: Int, rows: Int, f: Int) -> [Double] {
    var out: [Double] = []
    for o in 0..<outer {
      let real = (0..<rows).filter { mask[o * rows + $0] != 0 }
      let count = Double(max(real.count, 1))
      var stats = [[Double]](repeating: [], count: 4)
      for j in 0..<f {
        let values = real.map { x[(o * rows + $0) * f + j] }
        let mean = values.reduce(0, +) / count
        stats[0].append(mean)
        stats[1].append(values.min() ?? 0)
        stats[2].append(values.max() ?? 0)
        stats[3].append(values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / count)
      }
      out += stats.flatMap { $0 }
    }
    return out
  }

  /// The fused op gives the composed ops' values and gradients (the same sums in the same order:
  /// equal up to the rounding of gradient accumulation).
  @Test func fusedEqualsTheComposedReference() {
    let x = testTensor([3, 5, 4], seed: 5)
    let fused = x.maskedStatistics(mask: Self.mask), composed = x.maskedStatisticsReference(mask: Self.mask)
    #expect(fused.shape == [3, 4, 4] && composed.shape == [3, 4, 4])
    #expect(zip(fused.scalars, composed.scalars).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
    let weights = testTensor([3, 4, 4], seed: 9)
    let g1 = grad(at: x) { ($0.maskedStatistics(mask: Self.mask) * weights).sum() }
    let g2 = grad(at: x) { ($0.maskedStatisticsReference(mask: Self.mask) * weights).sum() }
    #expect(zip(g1.scalars, g2.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(g1.scalars) vs \(g2.scalars)")
    // Padded rows get no gradient; an all-padded slab has statistics 0.
    let padded = [6, 9, 10, 11, 12, 13, 14]
    for row in padded { #expect(g1.scalars[(row * 4)..<(row * 4 + 4)].allSatisfy { $0 == 0 }, "row \(row)") }
    #expect(fused.scalars[32..<48].allSatisfy { $0 == 0 })
  }

  /// Finite differences against the Double definition (values away from ties).
  @Test func gradientMatchesFiniteDifferences() {
    let maskValues = Self.mask.scalars
    let result = checkGradients(
      inputs: [testTensor([3, 5, 4], seed: 17)],
      f: { $0[0].maskedStatistics(mask: Self.mask) },
      reference: { Self.reference($0[0], mask: maskValues, outer: 3, rows: 5, f: 4) })
    #expect(result.maxError < 2e-3, "\(result)")
  }

  /// Ties at the minimum or maximum share its gradient equally (as `min(axis:)` does).
  @Test func tiesShareTheExtremumGradient() {
    let x = Tensor(shape: [1, 3, 1], scalars: [2, 2, 5])
    let mask = Tensor(shape: [1, 3, 1], scalars: [1, 1, 1])
    let pick = Tensor(shape: [1, 4, 1], scalars: [0, 1, 0, 0])  // the minimum only
    let g = grad(at: x) { ($0.maskedStatistics(mask: mask) * pick).sum() }
    #expect(g.scalars == [0.5, 0.5, 0])
  }
}
