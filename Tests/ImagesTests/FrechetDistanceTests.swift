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
    #expect(abs(ab - frechetDistanceAB) <= 1e-6 * frechetDistanceAB, "\(ab) vs scipy's \(frechetDistanceAB)")
    #expect(abs(try FrechetDistance.distance(frechetFeaturesA, frechetFeaturesA)) < 1e-6)
    #expect(abs(try FrechetDistance.distance(frechetFeaturesB, frechetFeaturesA) - ab) <= 1e-6 * ab)
  }

  /// Singular covariances (a dead and a duplicated feature) as pooled ReLU features give.
  @Test func singularCovariancesAreHandled() throws {
    let d = try FrechetDistance.distance(frechetFeaturesADegenerate, frechetFeaturesBDegenerate)
    #expect(abs(d - frechetDistanceDegenerate) <= 1e-6 * frechetDistanceDegenerate, "\(d) vs numpy's \(frechetDistanceDegenerate)")
    #expect(abs(try FrechetDistance.distance(frechetFeaturesADegenerate, frechetFeaturesADegenerate)) < 1e-6)
  }

  @Test func aShiftOfTheMeanAddsItsSquaredLength() throws {
    let shifted = frechetFeaturesA.map { row in row.enumerated().map { $0.element + ($0.offset == 2 ? 1.5 : 0) } }
    #expect(abs(try FrechetDistance.distance(frechetFeaturesA, shifted) - 2.25) < 1e-3)
  }
}
