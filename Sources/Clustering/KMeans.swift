// k-means: Lloyd iterations from greedy k-means++ seeds, best of several restarts.
//
// Implementation goals, in priority order: reproducible for a seed on every machine (all
// randomness comes from the portable `RandomGenerator`), the classic guarantees (inertia never
// increases across Lloyd iterations; the returned run has the lowest inertia of the restarts),
// then speed (plain loops over contiguous Doubles; 10,000 × 32 points run in seconds in release).
//
// Seeding (Arthur and Vassilvitskii 2007, k-means++): the first centre is a uniformly random
// point; each further centre is drawn with probability proportional to D(x)², the squared
// distance from x to its nearest chosen centre. The greedy variant (as in scikit-learn) draws
// 2 + ⌊ln k⌋ candidates per step and keeps the one that lowers the potential Σ D(x)² most.
//
// Lloyd (Lloyd 1982): alternately assign each point to its nearest centroid and move each
// centroid to the mean of its points. Both steps can only lower the inertia
// Σᵢ ‖xᵢ − c_{label(i)}‖², so it is non-increasing and the loop stops when labels stop changing
// or the centroids move less than `tolerance` × (mean per-feature variance of the data), the
// scale-free stopping rule scikit-learn uses.
//
// Empty clusters: a centroid left without points is moved onto the point farthest from its own
// centroid. That point's cost drops to zero and nothing else changes, so inertia still does not
// increase.

import Foundation
import Tensor

/// k-means settings: k clusters, restarts, Lloyd iteration limits. Fit with `fit(_:seed:)`.
public struct KMeans: Sendable {
  /// Number of clusters k (1 ≤ k ≤ n).
  public var clusterCount: Int
  /// Independent k-means++ starts; the run with the lowest inertia is returned.
  public var restarts: Int
  /// Upper bound on Lloyd iterations per restart.
  public var maxIterations: Int
  /// Relative centroid-shift tolerance (× mean feature variance) that ends the iterations.
  public var tolerance: Double

  /// k-means with `clusterCount` clusters (defaults as scikit-learn: 10 restarts, 300 iterations, tol 1e-4).
  public init(clusterCount: Int, restarts: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4) {
    precondition(clusterCount >= 1, "KMeans: clusterCount \(clusterCount) must be at least 1")
    precondition(restarts >= 1, "KMeans: restarts \(restarts) must be at least 1")
    precondition(maxIterations >= 1, "KMeans: maxIterations \(maxIterations) must be at least 1")
    precondition(tolerance >= 0 && tolerance.isFinite, "KMeans: tolerance \(tolerance) must be finite and >= 0")
    self.clusterCount = clusterCount
    self.restarts = restarts
    self.maxIterations = maxIterations
    self.tolerance = tolerance
  }

  /// Clusters n × d `points` with a generator seeded by `seed`: labels [n], centroids k × d.
  public func fit(_ points: PointMatrix, seed: UInt64) -> KMeansResult {
    var generator = RandomGenerator(seed: seed)
    return fit(points, using: &generator)
  }

  /// Clusters n × d `points`, drawing the seeds from `generator`: labels [n], centroids k × d.
  public func fit(_ points: PointMatrix, using generator: inout RandomGenerator) -> KMeansResult {
    precondition(
      clusterCount <= points.rows,
      "KMeans: clusterCount \(clusterCount) exceeds the number of points \(points.rows)")
    let shiftTolerance = tolerance * KMeans.meanFeatureVariance(points)
    var best: KMeansResult?
    var restartInertias: [Double] = []
    for _ in 0..<restarts {
      let seeds = KMeans.plusPlusSeeds(points, count: clusterCount, using: &generator)
      let run = KMeans.lloyd(points, initialCentroids: seeds, maxIterations: maxIterations, shiftTolerance: shiftTolerance)
      restartInertias.append(run.inertia)
      // Strictly lower wins, so ties keep the earliest restart (deterministic).
      if best == nil || run.inertia < best!.inertia { best = run }
    }
    var result = best!
    result.restartInertias = restartInertias
    return result
  }

  /// Greedy k-means++ seeds: `count` rows of `points` (count × d), drawn from `generator`.
  static func plusPlusSeeds(_ points: PointMatrix, count: Int, using generator: inout RandomGenerator) -> PointMatrix {
    let n = points.rows, d = points.columns
    let candidatesPerStep = 2 + Int(log(Double(count)))
    var chosen = [generator.nextInt(below: n)]
    // nearest[i] = D(xᵢ)², squared distance to the closest chosen centre.
    var nearest = (0..<n).map { points.squaredDistance(row: $0, to: points, row: chosen[0]) }
    while chosen.count < count {
      let potential = nearest.reduce(0, +)
      var bestCandidate = -1
      var bestPotential = Double.infinity
      var bestNearest: [Double] = []
      for _ in 0..<candidatesPerStep {
        let candidate = potential > 0 ? drawProportional(to: nearest, total: potential, using: &generator)
          : generator.nextInt(below: n)  // every point coincides with a centre: any choice is as good
        var updated = nearest
        for i in 0..<n { updated[i] = Swift.min(updated[i], points.squaredDistance(row: i, to: points, row: candidate)) }
        let candidatePotential = updated.reduce(0, +)
        if candidatePotential < bestPotential {
          (bestCandidate, bestPotential, bestNearest) = (candidate, candidatePotential, updated)
        }
      }
      chosen.append(bestCandidate)
      nearest = bestNearest
    }
    var seeds = [Double]()
    seeds.reserveCapacity(count * d)
    for index in chosen { seeds += points.row(index) }
    return PointMatrix(rows: count, columns: d, values: seeds)
  }

  /// An index i drawn with probability weights[i] / total (inverse CDF on a 53-bit uniform).
  private static func drawProportional(to weights: [Double], total: Double, using generator: inout RandomGenerator) -> Int {
    let target = generator.nextUniformDouble() * total
    var cumulative = 0.0
    for (index, weight) in weights.enumerated() {
      cumulative += weight
      if target < cumulative { return index }
    }
    return weights.lastIndex { $0 > 0 }!
  }

  /// Lloyd iterations from `initialCentroids` (k × d) until labels are stable, the squared
  /// centroid shift is ≤ `shiftTolerance`, or `maxIterations` pass. Labels [n], centroids k × d.
  static func lloyd(_ points: PointMatrix, initialCentroids: PointMatrix, maxIterations: Int, shiftTolerance: Double) -> KMeansResult {
    precondition(
      initialCentroids.columns == points.columns,
      "KMeans.lloyd: centroids have \(initialCentroids.columns) features, points have \(points.columns)")
    var centroids = initialCentroids
    var (labels, distances) = assign(points, to: centroids)
    var inertiaHistory = [distances.reduce(0, +)]
    var iterations = 0
    while iterations < maxIterations {
      iterations += 1
      let previous = centroids
      centroids = means(points, labels: labels, previous: centroids, distances: distances)
      let (newLabels, newDistances) = assign(points, to: centroids)
      inertiaHistory.append(newDistances.reduce(0, +))
      let labelsStable = newLabels == labels
      (labels, distances) = (newLabels, newDistances)
      if labelsStable { break }
      var shift = 0.0
      for c in 0..<centroids.rows { shift += centroids.squaredDistance(row: c, to: previous, row: c) }
      if shift <= shiftTolerance { break }
    }
    return KMeansResult(
      labels: labels, centroids: centroids, inertia: inertiaHistory.last!, iterations: iterations,
      inertiaHistory: inertiaHistory, restartInertias: [inertiaHistory.last!])
  }

  /// Nearest centroid of each point (lowest index on ties) and its squared distance; both [n].
  static func assign(_ points: PointMatrix, to centroids: PointMatrix) -> (labels: [Int], squaredDistances: [Double]) {
    var labels = [Int](repeating: 0, count: points.rows)
    var squaredDistances = [Double](repeating: 0, count: points.rows)
    for i in 0..<points.rows {
      var bestCluster = 0
      var bestDistance = Double.infinity
      for c in 0..<centroids.rows {
        let distance = points.squaredDistance(row: i, to: centroids, row: c)
        if distance < bestDistance { (bestCluster, bestDistance) = (c, distance) }
      }
      labels[i] = bestCluster
      squaredDistances[i] = bestDistance
    }
    return (labels, squaredDistances)
  }

  /// Mean of each cluster's points (k × d); an empty cluster takes the point farthest from its
  /// centroid (each such point used once).
  private static func means(_ points: PointMatrix, labels: [Int], previous: PointMatrix, distances: [Double]) -> PointMatrix {
    let k = previous.rows, d = points.columns
    var sums = [Double](repeating: 0, count: k * d)
    var counts = [Int](repeating: 0, count: k)
    for i in 0..<points.rows {
      let c = labels[i]
      counts[c] += 1
      for f in 0..<d { sums[c * d + f] += points.values[i * d + f] }
    }
    var farthestFirst = counts.contains(0) ? (0..<points.rows).sorted { distances[$0] > distances[$1] }[...] : []
    for c in 0..<k {
      if counts[c] > 0 {
        for f in 0..<d { sums[c * d + f] /= Double(counts[c]) }
      } else {
        let donor = farthestFirst.popFirst()!
        for f in 0..<d { sums[c * d + f] = points.values[donor * d + f] }
      }
    }
    return PointMatrix(rows: k, columns: d, values: sums)
  }

  /// Mean over features of the per-feature (population) variance of `points`.
  static func meanFeatureVariance(_ points: PointMatrix) -> Double {
    let n = points.rows, d = points.columns
    guard n > 0, d > 0 else { return 0 }
    var total = 0.0
    for f in 0..<d {
      var mean = 0.0
      for i in 0..<n { mean += points.values[i * d + f] }
      mean /= Double(n)
      var variance = 0.0
      for i in 0..<n {
        let difference = points.values[i * d + f] - mean
        variance += difference * difference
      }
      total += variance / Double(n)
    }
    return total / Double(d)
  }
}

/// A fitted k-means clustering of n points into k clusters.
public struct KMeansResult: Sendable {
  /// Cluster of each point, in 0..<k; [n].
  public var labels: [Int]
  /// Cluster centres, k × d.
  public var centroids: PointMatrix
  /// Σᵢ ‖xᵢ − c_{label(i)}‖², the within-cluster sum of squares.
  public var inertia: Double
  /// Lloyd iterations run by the returned restart.
  public var iterations: Int
  /// Inertia after the seeding and after each iteration of the returned restart; [iterations + 1].
  public var inertiaHistory: [Double]
  /// Final inertia of every restart, in order; [restarts].
  public var restartInertias: [Double]
}
