import Testing
import Tensor
@testable import Clustering

@Suite struct KMeansTests {
  @Test func matchesScikitLearnOnSeparatedBlobs() {
    let golden = Goldens.shared.kmeans
    let result = KMeans(clusterCount: golden.clusters).fit(Goldens.shared.blobPoints, seed: 1)
    #expect(ClusteringMetrics.adjustedRandIndex(result.labels, golden.labels) == 1)
    #expect(abs(result.inertia - golden.inertia) <= 1e-6 * golden.inertia, "\(result.inertia) vs \(golden.inertia)")
    // Each of our centroids equals one of scikit-learn's.
    for c in 0..<golden.clusters {
      let closest = golden.centroids.map { g in zip(g, result.centroids.row(c)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }.min()!
      #expect(closest <= 1e-18 + 1e-12 * golden.inertia)
    }
  }

  @Test(arguments: [UInt64(1), 2, 3, 4, 5])
  func inertiaNeverIncreasesAcrossLloydIterations(_ seed: UInt64) {
    // Random data without cluster structure takes several iterations.
    var generator = RandomGenerator(seed: seed)
    let points = PointMatrix(rows: 300, columns: 3, values: (0..<900).map { _ in generator.nextUniformDouble() })
    let result = KMeans(clusterCount: 6, restarts: 1).fit(points, using: &generator)
    #expect(result.iterations >= 2)
    #expect(result.inertiaHistory.count == result.iterations + 1)
    for (before, after) in zip(result.inertiaHistory, result.inertiaHistory.dropFirst()) {
      #expect(after <= before * (1 + 1e-12), "inertia rose from \(before) to \(after)")
    }
    // The reported inertia is that of the returned labels and centroids.
    let recomputed = (0..<points.rows).reduce(0.0) { sum, i in
      sum + zip(points.row(i), result.centroids.row(result.labels[i])).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    }
    #expect(abs(recomputed - result.inertia) <= 1e-9 * result.inertia)
  }

  @Test func restartsReturnTheLowestInertia() {
    var generator = RandomGenerator(seed: 77)
    let points = PointMatrix(rows: 200, columns: 2, values: (0..<400).map { _ in generator.nextUniformDouble() })
    let result = KMeans(clusterCount: 8, restarts: 12).fit(points, seed: 9)
    #expect(result.restartInertias.count == 12)
    #expect(result.inertia == result.restartInertias.min())
    #expect(Set(result.restartInertias).count > 1, "restarts should explore different local optima here")
  }

  @Test func sameSeedSameResultDifferentSeedMayDiffer() {
    var generator = RandomGenerator(seed: 5)
    let points = PointMatrix(rows: 150, columns: 4, values: (0..<600).map { _ in generator.nextUniformDouble() })
    let kMeans = KMeans(clusterCount: 5, restarts: 2)
    let first = kMeans.fit(points, seed: 42), again = kMeans.fit(points, seed: 42)
    #expect(first.labels == again.labels && first.centroids == again.centroids && first.inertia == again.inertia)
    let others = (43..<48).map { kMeans.fit(points, seed: UInt64($0)).restartInertias }
    #expect(others.contains { $0 != first.restartInertias }, "other seeds should start elsewhere")
  }

  @Test func plusPlusSeedsAreDistinctDataPoints() {
    var generator = RandomGenerator(seed: 3)
    let points = Goldens.shared.blobPoints
    let seeds = KMeans.plusPlusSeeds(points, count: 3, using: &generator)
    let rows = (0..<points.rows).map { points.row($0) }
    let chosen = (0..<3).map { seeds.row($0) }
    #expect(chosen.allSatisfy { rows.contains($0) })
    #expect(Set(chosen.map { $0.description }).count == 3)
  }

  @Test func duplicatePointsAndEmptyClustersStayFinite() {
    // Four distinct points, six clusters' worth of duplicates: k = n distinct gives zero inertia.
    let points = PointMatrix([[0, 0], [0, 0], [1, 0], [1, 0], [0, 1], [5, 5]])
    let result = KMeans(clusterCount: 4, restarts: 3).fit(points, seed: 1)
    #expect(result.inertia == 0)
    #expect(Set(result.labels).count == 4)
  }

  @Test func oneClusterIsTheMean() {
    let points = PointMatrix([[0, 0], [2, 0], [4, 6]])
    let result = KMeans(clusterCount: 1).fit(points, seed: 0)
    #expect(result.centroids.row(0) == [2, 2])
    #expect(result.inertia == 8 + 4 + 20)
  }
}

@Suite struct KMeansScaleTests {
  @Test func tenThousandPointsInThirtyTwoDimensions() {
    // Eight blobs far apart in 32-D; the run must finish (seconds in release) and find them.
    var generator = RandomGenerator(seed: 12)
    let (n, d, k) = (10_000, 32, 8)
    let centres = (0..<(k * d)).map { _ in 20 * generator.nextUniformDouble() }
    var values = [Double](), truth = [Int]()
    values.reserveCapacity(n * d)
    for i in 0..<n {
      let blob = i % k
      truth.append(blob)
      for f in 0..<d { values.append(centres[blob * d + f] + Double(generator.nextNormal())) }
    }
    let start = ContinuousClock.now
    let result = KMeans(clusterCount: k, restarts: 3).fit(PointMatrix(rows: n, columns: d, values: values), seed: 1)
    let elapsed = ContinuousClock.now - start
    print("k-means 10,000 × 32, k = 8, 3 restarts: \(elapsed), \(result.iterations) iterations")
    #expect(ClusteringMetrics.adjustedRandIndex(result.labels, truth) == 1)
  }
}
