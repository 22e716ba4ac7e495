import Clustering
import Tensor
import Testing

/// The gap statistic finds well-separated blobs, and answers K = 1 for data without clusters
/// (which the silhouette cannot).
@Suite struct GapStatisticTests {
  func blobs(centres: [[Double]], perBlob: Int, spread: Double, seed: UInt64) -> PointMatrix {
    var rng = RandomGenerator(seed: seed)
    var rows: [[Double]] = []
    for centre in centres {
      for _ in 0..<perBlob { rows.append(centre.map { $0 + spread * Double(rng.nextNormal()) }) }
    }
    return PointMatrix(rows)
  }

  @Test func findsThreeSeparatedBlobs() {
    let points = blobs(centres: [[0, 0, 0], [8, 0, 0], [0, 8, 1]], perBlob: 60, spread: 0.6, seed: 1)
    let result = GapStatistic.choose(points, maxClusters: 6, seed: 2)
    #expect(result.chosen == 3, "gaps \(result.gaps)")
    #expect(result.gaps.count == 6 && result.standardErrors.allSatisfy { $0 >= 0 })
    #expect(result.gaps[2] > result.gaps[1] && result.gaps[1] > result.gaps[0])
  }

  @Test func answersOneForOneBlob() {
    let points = blobs(centres: [[0, 0, 0]], perBlob: 180, spread: 1, seed: 3)
    #expect(GapStatistic.choose(points, maxClusters: 6, seed: 4).chosen == 1)
  }

  @Test func isSeeded() {
    let points = blobs(centres: [[0, 0], [5, 5]], perBlob: 40, spread: 0.5, seed: 5)
    #expect(GapStatistic.choose(points, maxClusters: 4, seed: 6) == GapStatistic.choose(points, maxClusters: 4, seed: 6))
  }
}
