import Foundation
@testable import Images
import Tensor
import Testing

/// The Fréchet distance agrees with FID code's computation (numpy.cov and scipy's sqrtm of
/// Σ₁Σ₂), is zero for a set against itself, symmetric, and grows with a shift of the mean by
/// exactly the squared shift.
@Suite struct FrechetDistanceTests {
  @Test func agreesWithScipy() throws {
    let ab = try FrechetDistance.distance(frechetFeaturesA, frechetFeaturesB)
    #expect(abs(ab - frechetDistanceAB) <= 1e-4 * frechetDistanceAB, "\(ab) vs scipy's \(frechetDistanceAB)")
    #expect(abs(try FrechetDistance.distance(frechetFeaturesA, frechetFeaturesA)) < 1e-4)
    #expect(abs(try FrechetDistance.distance(frechetFeaturesB, frechetFeaturesA) - ab) <= 1e-4 * ab)
  }

  @Test func aShiftOfTheMeanAddsItsSquaredLength() throws {
    let shifted = frechetFeaturesA.map { row in row.enumerated().map { $0.element + ($0.offset == 2 ? 1.5 : 0) } }
    #expect(abs(try FrechetDistance.distance(frechetFeaturesA, shifted) - 2.25) < 1e-3)
  }
}
