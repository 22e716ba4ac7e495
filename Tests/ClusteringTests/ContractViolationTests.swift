import Testing
import Clustering

/// Contract violations and non-finite input trap with a precondition (run in a child process by
/// Swift Testing's exit tests) instead of returning garbage.
@Suite struct ContractViolationTests {
  @Test func nanInPointsTraps() async {
    await #expect(processExitsWith: .failure) { _ = PointMatrix(rows: 2, columns: 2, values: [0, 1, .nan, 3]) }
  }

  @Test func raggedPointsTrap() async {
    await #expect(processExitsWith: .failure) { _ = PointMatrix([[0, 1], [2]]) }
  }

  @Test func moreClustersThanPointsTraps() async {
    await #expect(processExitsWith: .failure) { _ = KMeans(clusterCount: 4).fit(PointMatrix([[0], [1], [2]]), seed: 0) }
  }

  @Test func mismatchedLabelingsTrap() async {
    await #expect(processExitsWith: .failure) { _ = ClusteringMetrics.adjustedRandIndex([0, 1, 1], [0, 1]) }
  }

  @Test func silhouetteWithOneClusterTraps() async {
    await #expect(processExitsWith: .failure) { _ = Silhouette.score(PointMatrix([[0], [1], [2]]), labels: [0, 0, 0]) }
  }

  @Test func nonFiniteCostTraps() async {
    await #expect(processExitsWith: .failure) { _ = Hungarian.minimumCostAssignment([[1, .infinity], [0, 2]]) }
  }

  @Test func wardCutBeyondPointCountTraps() async {
    await #expect(processExitsWith: .failure) { _ = WardClustering.labels(PointMatrix([[0], [1]]), clusterCount: 3) }
  }
}
