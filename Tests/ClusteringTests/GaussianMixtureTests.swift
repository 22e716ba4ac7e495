import Foundation
import Testing
@testable import Clustering

@Suite struct GaussianMixtureTests {
  @Test func matchesScikitLearnOnBlobs() {
    let golden = Goldens.shared.gaussianMixture
    let result = GaussianMixture(componentCount: golden.components, tolerance: 1e-10, maxIterations: 1000)
      .fit(Goldens.shared.blobPoints, seed: 1)
    #expect(result.converged == golden.converged)
    #expect(ClusteringMetrics.adjustedRandIndex(result.labels, golden.labels) == 1)
    let worst = zip(result.logLikelihoods, golden.logLikelihoods).map { abs($0 - $1) }.max()!
    #expect(worst <= 1e-4, "largest per-point log-likelihood difference \(worst)")
    #expect(abs(result.meanLogLikelihood - golden.meanLogLikelihood) <= 1e-4)
    // Same weights and means up to the component order.
    for c in 0..<golden.components {
      let mean = result.means.row(c)
      let match = golden.means.indices.min { a, b in
        zip(golden.means[a], mean).map { abs($0 - $1) }.max()! < zip(golden.means[b], mean).map { abs($0 - $1) }.max()!
      }!
      #expect(zip(golden.means[match], mean).allSatisfy { abs($0 - $1) <= 1e-6 })
      #expect(abs(result.weights[c] - golden.weights[match]) <= 1e-6)
    }
  }

  @Test func responsibilitiesAreDistributionsAndWeightsSumToOne() {
    let result = GaussianMixture(componentCount: 3).fit(Goldens.shared.blobPoints, seed: 4)
    for i in 0..<result.responsibilities.rows {
      let row = result.responsibilities.row(i)
      #expect(abs(row.reduce(0, +) - 1) <= 1e-12)
      #expect(result.labels[i] == row.indices.max { row[$0] < row[$1] })
    }
    #expect(abs(result.weights.reduce(0, +) - 1) <= 1e-12)
  }

  @Test func logDensityMatchesTheClosedForm() {
    // N(x | μ, Σ) with Σ = [[2, 1], [1, 2]]: det 3, Σ⁻¹ = [[2, −1], [−1, 2]] / 3.
    let covariance = PointMatrix([[2, 1], [1, 2]])
    let points = PointMatrix([[1, 2], [0, 0]])
    let densities = GaussianMixture.logDensities(points, mean: [0, 1], covariance: covariance)
    for (i, x) in [[1.0, 1.0], [0.0, -1.0]].enumerated() {  // x − μ
      let quadratic = (2 * x[0] * x[0] - 2 * x[0] * x[1] + 2 * x[1] * x[1]) / 3
      let expected = -0.5 * (2 * log(2 * Double.pi) + log(3.0) + quadratic)
      #expect(abs(densities[i] - expected) <= 1e-14)
    }
  }

  @Test func sameSeedSameFit() {
    let mixture = GaussianMixture(componentCount: 3)
    let a = mixture.fit(Goldens.shared.blobPoints, seed: 8), b = mixture.fit(Goldens.shared.blobPoints, seed: 8)
    #expect(a.logLikelihoods == b.logLikelihoods && a.labels == b.labels)
  }
}
