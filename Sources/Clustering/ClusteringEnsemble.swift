// The clustering ensemble of DECCS (Miklautz et al., "Deep Clustering With Consensus
// Representations", ICDM 2022): k-means (10 initialisations), spectral clustering on a
// 10-nearest-neighbour graph, agglomerative Ward and a full-covariance Gaussian mixture, each
// with K clusters on the same points; their agreement c·Σ_{i<j} NMI(π_i, π_j) with
// c = 2/(|E|² − |E|) (the mean pairwise NMI), and each member's weight, its mean NMI with the
// others.

/// One member's clustering.
public struct EnsembleMember: Sendable, Codable, Equatable {
  /// The algorithm ("kmeans", "spectral", "ward", "gmm").
  public var name: String
  /// Its labels, one per point, in 0..<K.
  public var labels: [Int]
}

/// The DECCS ensemble.
public enum ClusteringEnsemble {
  /// The members' names, in order.
  public static let memberNames = ["kmeans", "spectral", "ward", "gmm"]

  /// Every member on n × d `points` (n ≥ K). Deterministic in `seed`.
  public static func cluster(_ points: PointMatrix, clusterCount k: Int, seed: UInt64) -> [EnsembleMember] {
    precondition(k >= 2 && points.rows >= k, "ClusteringEnsemble.cluster: \(points.rows) points for \(k) clusters")
    let kmeans = KMeans(clusterCount: k, restarts: 10).fit(points, seed: seed)
    let spectral = SpectralClustering(clusterCount: k, neighbourCount: Swift.min(10, points.rows - 1), kMeansRestarts: 10).fit(points, seed: seed &+ 1)
    let ward = WardClustering.labels(points, clusterCount: k)
    let gmm = GaussianMixture(componentCount: k, regularization: 1e-6).fit(points, seed: seed &+ 2)
    return zip(memberNames, [kmeans.labels, spectral.labels, ward, gmm.labels]).map { EnsembleMember(name: $0, labels: $1) }
  }

  /// Pairwise NMI matrix (1 on the diagonal). Shapes: members → [m][m].
  public static func pairwiseNMI(_ members: [EnsembleMember]) -> [[Double]] {
    let m = members.count
    var nmi = [[Double]](repeating: [Double](repeating: 1, count: m), count: m)
    for i in 0..<m {
      for j in (i + 1)..<m where j < m {
        let v = ClusteringMetrics.normalizedMutualInformation(members[i].labels, members[j].labels)
        (nmi[i][j], nmi[j][i]) = (v, v)
      }
    }
    return nmi
  }

  /// Agreement c·Σ_{i<j} NMI(π_i, π_j), c = 2/(|E|² − |E|): the mean pairwise NMI.
  public static func agreement(_ nmi: [[Double]]) -> Double {
    let m = nmi.count
    guard m >= 2 else { return 1 }
    var sum = 0.0
    for i in 0..<m { for j in (i + 1)..<m { sum += nmi[i][j] } }
    return 2 * sum / Double(m * m - m)
  }

  /// Member weights: each member's mean NMI with the others, normalised to sum 1 (equal weights
  /// when every NMI is 0).
  public static func weights(_ nmi: [[Double]]) -> [Double] {
    let m = nmi.count
    var raw = [Double](repeating: 1, count: m)
    if m >= 2 {
      for i in 0..<m {
        var sum = 0.0
        for j in 0..<m where j != i { sum += nmi[i][j] }
        raw[i] = sum / Double(m - 1)
      }
    }
    let total = raw.reduce(0, +)
    return total > 0 ? raw.map { $0 / total } : [Double](repeating: 1 / Double(m), count: m)
  }

  /// The permutation of `labels`' cluster ids that best matches `reference` (Hungarian on the
  /// contingency table): aligned[c] is the reference id that id c maps to. Both in 0..<k.
  public static func alignment(of labels: [Int], to reference: [Int], clusterCount k: Int) -> [Int] {
    precondition(labels.count == reference.count, "ClusteringEnsemble.alignment: \(labels.count) labels vs \(reference.count) reference labels")
    var counts = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for (a, b) in zip(labels, reference) { counts[a][b] += 1 }
    let assignment = Hungarian.maximumWeightAssignment(counts)
    return (0..<k).map { assignment.columnForRow[$0] ?? $0 }
  }
}
