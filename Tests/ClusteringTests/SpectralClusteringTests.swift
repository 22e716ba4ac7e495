import Testing
@testable import Clustering

@Suite struct SpectralClusteringTests {
  @Test func matchesScikitLearnOnTwoMoons() {
    let golden = Goldens.shared.spectral
    let points = PointMatrix(Goldens.shared.moons.points)
    let result = SpectralClustering(clusterCount: golden.clusters, neighbourCount: golden.neighbours).fit(points, seed: 0)
    let agreement = ClusteringMetrics.adjustedRandIndex(result.labels, golden.labels)
    #expect(agreement >= 0.99, "ARI with scikit-learn's spectral labels \(agreement)")
    #expect(result.embedding.rows == points.rows && result.embedding.columns == golden.clusters)
  }

  @Test func kMeansAloneCannotSeparateTheMoons() {
    // The reason spectral clustering is here: the moons are not linearly separable.
    let points = PointMatrix(Goldens.shared.moons.points)
    let labels = KMeans(clusterCount: 2).fit(points, seed: 0).labels
    #expect(ClusteringMetrics.adjustedRandIndex(labels, Goldens.shared.moons.truth) < 0.9)
  }

  @Test func affinityIsSymmetricWithHalfWeightsForOneSidedNeighbours() {
    // On a line 0, 1, 2, 10 with two neighbours (self + one): 0↔1 mutual, 2→1, 10→2.
    let points = PointMatrix([[0], [1], [2], [10]])
    let affinity = SpectralClustering.neighbourAffinity(points, neighbourCount: 2)
    #expect(affinity.values == [
      0, 1, 0, 0,
      1, 0, 0.5, 0,
      0, 0.5, 0, 0.5,
      0, 0, 0.5, 0,
    ])
  }

  @Test func embeddingRowsHaveUnitLength() {
    let points = PointMatrix(Goldens.shared.blobs.points)
    let embedding = SpectralClustering(clusterCount: 3).fit(points, seed: 2).embedding
    for i in 0..<embedding.rows {
      let norm = embedding.row(i).map { $0 * $0 }.reduce(0, +).squareRoot()
      #expect(abs(norm - 1) <= 1e-6)
    }
  }
}
