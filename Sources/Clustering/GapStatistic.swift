// The gap statistic (Tibshirani, Walther & Hastie, "Estimating the number of clusters in a data
// set via the gap statistic"): how much tighter k-means clusters the data than it clusters data
// without clusters.
//   W_K = Σ_k Σ_{i∈k} ‖x_i − c_k‖² (k-means inertia; the paper's Σ_k D_k / 2n_k is the same sum),
//   Gap(K) = mean_b log W*_K(b) − log W_K over B reference sets drawn uniformly from the box the
//     data spans along its principal axes (the paper's reference (b): distances do not change
//     under the rotation, so the references are clustered in principal-axis coordinates; the
//     box of the features themselves, the paper's reference (a), if the eigensolver fails),
//   s_K = sd_b(log W*_K(b)) · √(1 + 1/B),
//   K̂ = the smallest K with Gap(K) ≥ Gap(K + 1) − s_{K+1} (K_max when none).
// Unlike the silhouette it can answer K = 1: data without clusters.

import Foundation
import Tensor

/// Number of clusters by the gap statistic.
public enum GapStatistic {
  /// Gap(K) and s_K for K = 1…K_max (index K − 1), and the K they choose.
  public struct Result: Codable, Sendable, Equatable {
    /// The chosen K.
    public var chosen: Int
    /// Gap(K) for K = 1…K_max.
    public var gaps: [Double]
    /// s_K for K = 1…K_max.
    public var standardErrors: [Double]
  }

  /// The gap statistic of `points` [n, d] for K = 1…maxClusters with `references` reference
  /// sets; k-means with `restarts` restarts, everything seeded.
  public static func choose(_ points: PointMatrix, maxClusters: Int, references: Int = 10, restarts: Int = 5, seed: UInt64) -> Result {
    precondition(maxClusters >= 2 && maxClusters < points.rows && references >= 2, "GapStatistic: \(points.rows) points, K up to \(maxClusters), \(references) references")
    let (n, d) = (points.rows, points.columns)
    // Principal-axis coordinates and the box they span.
    let axes = (try? PCA.fit(points, components: d))?.transform(points) ?? points
    var low = [Double](repeating: .infinity, count: d), high = [Double](repeating: -.infinity, count: d)
    for i in 0..<n {
      for j in 0..<d {
        low[j] = Swift.min(low[j], axes[i, j])
        high[j] = Swift.max(high[j], axes[i, j])
      }
    }
    var rng = RandomGenerator(seed: seed ^ 0x6A95)
    func logDispersion(_ data: PointMatrix, _ k: Int) -> Double {
      log(Swift.max(KMeans(clusterCount: k, restarts: restarts).fit(data, seed: seed &+ UInt64(k)).inertia, .leastNormalMagnitude))
    }
    var referenceLogs = Array(repeating: [Double](), count: maxClusters)
    for _ in 0..<references {
      var values = [Double](repeating: 0, count: n * d)
      for i in 0..<n { for j in 0..<d { values[i * d + j] = low[j] + (high[j] - low[j]) * rng.nextUniformDouble() } }
      let reference = PointMatrix(rows: n, columns: d, values: values)
      for k in 1...maxClusters { referenceLogs[k - 1].append(logDispersion(reference, k)) }
    }
    var gaps: [Double] = [], errors: [Double] = []
    for k in 1...maxClusters {
      let logs = referenceLogs[k - 1], mean = logs.reduce(0, +) / Double(references)
      let variance = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(references)
      gaps.append(mean - logDispersion(points, k))
      errors.append(variance.squareRoot() * (1 + 1 / Double(references)).squareRoot())
    }
    let chosen = (1..<maxClusters).first { gaps[$0 - 1] >= gaps[$0] - errors[$0] } ?? maxClusters
    return Result(chosen: chosen, gaps: gaps, standardErrors: errors)
  }
}
