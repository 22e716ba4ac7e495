// Silhouette coefficients (Rousseeuw 1987) with Euclidean distances, as scikit-learn defines them.
//
// For point i in cluster C:  a(i) = mean distance to the other points of C,
//                            b(i) = min over clusters C' ≠ C of the mean distance to C',
//                            s(i) = (b − a) / max(a, b) ∈ [−1, 1].
// A point alone in its cluster has s = 0 (a is undefined), and so does a point with
// a = b = 0 (duplicates spread over clusters). O(n²·d) time, O(n + k) memory.

/// Silhouette coefficients of a labelling (Euclidean distances).
public enum Silhouette {
  /// s(i) for every point: `points` n × d, `labels` [n] with 2 ≤ distinct labels ≤ n − 1; → [n].
  public static func samples(_ points: PointMatrix, labels: [Int]) -> [Double] {
    requireMatchingCount(labels, points, "Silhouette")
    let clusters = Array(Set(labels)).sorted()
    precondition(
      clusters.count >= 2 && clusters.count <= points.rows - 1,
      "Silhouette: needs 2 ≤ clusters ≤ n − 1, got \(clusters.count) clusters for \(points.rows) points")
    let clusterIndex = Dictionary(uniqueKeysWithValues: clusters.enumerated().map { ($1, $0) })
    let dense = labels.map { clusterIndex[$0]! }
    var sizes = [Int](repeating: 0, count: clusters.count)
    for c in dense { sizes[c] += 1 }
    var result = [Double](repeating: 0, count: points.rows)
    var distanceSums = [Double](repeating: 0, count: clusters.count)
    for i in 0..<points.rows {
      for c in distanceSums.indices { distanceSums[c] = 0 }
      for j in 0..<points.rows where j != i {
        distanceSums[dense[j]] += points.squaredDistance(row: i, to: points, row: j).squareRoot()
      }
      let own = dense[i]
      guard sizes[own] > 1 else { continue }  // singleton cluster: s = 0
      let a = distanceSums[own] / Double(sizes[own] - 1)
      var b = Double.infinity
      for c in distanceSums.indices where c != own { b = Swift.min(b, distanceSums[c] / Double(sizes[c])) }
      let scale = Swift.max(a, b)
      result[i] = scale > 0 ? (b - a) / scale : 0
    }
    return result
  }

  /// Mean silhouette coefficient over all points (`points` n × d, `labels` [n]); in [−1, 1].
  public static func score(_ points: PointMatrix, labels: [Int]) -> Double {
    let values = samples(points, labels: labels)
    return values.reduce(0, +) / Double(values.count)
  }
}
