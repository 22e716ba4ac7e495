// Spectral clustering on a k-nearest-neighbour graph (Shi and Malik 2000; Ng, Jordan and Weiss
// 2002; von Luxburg 2007, "A tutorial on spectral clustering").
//
// 1. Graph: connect each point to its `neighbourCount` nearest points, counting the point itself
//    (as scikit-learn's kneighbors_graph(include_self=True), so n_neighbors = 10 links each point
//    to 9 others). Symmetrise W = ½(C + Cᵀ): weight 1 for mutual neighbours, ½ for one-sided
//    ones. Self-loops are dropped (scikit-learn's normalised Laplacian ignores the diagonal).
// 2. Normalised Laplacian L = I − D^{−1/2} W D^{−1/2}, D = diag(row sums of W). Its eigenvalues
//    lie in [0, 2]; each connected component contributes an eigenvalue 0 with eigenvector
//    D^{1/2}·1_component, so the eigenvectors of the k smallest eigenvalues span (approximately)
//    the cluster indicators.
// 3. Embedding: those k eigenvectors as columns (n × k, LAPACK through Tensor.symmetricEigen, in
//    Float), each row scaled to unit length (Ng–Jordan–Weiss); rows of one cluster then point
//    the same way, whatever rotation the eigensolver chose inside a repeated eigenvalue.
// 4. k-means (several restarts) on the embedded rows gives the labels.
//
// Dense: O(n²) memory and O(n³) time for the eigendecomposition, meant for up to a few thousand points.

import Tensor

/// Spectral clustering settings (kNN affinity, normalised Laplacian, k-means on the embedding).
public struct SpectralClustering: Sendable {
  /// Number of clusters k (1 ≤ k ≤ n).
  public var clusterCount: Int
  /// Nearest neighbours per point including itself (2 ≤ value ≤ n).
  public var neighbourCount: Int
  /// k-means restarts on the embedding.
  public var kMeansRestarts: Int

  /// Spectral clustering into `clusterCount` clusters (defaults as scikit-learn: 10 neighbours, 10 restarts).
  public init(clusterCount: Int, neighbourCount: Int = 10, kMeansRestarts: Int = 10) {
    precondition(clusterCount >= 1, "SpectralClustering: clusterCount \(clusterCount) must be at least 1")
    precondition(neighbourCount >= 2, "SpectralClustering: neighbourCount \(neighbourCount) must be at least 2 (it counts the point itself)")
    precondition(kMeansRestarts >= 1, "SpectralClustering: kMeansRestarts \(kMeansRestarts) must be at least 1")
    self.clusterCount = clusterCount
    self.neighbourCount = neighbourCount
    self.kMeansRestarts = kMeansRestarts
  }

  /// Clusters n × d `points`; `seed` drives the k-means step. Labels [n], embedding n × k.
  public func fit(_ points: PointMatrix, seed: UInt64) -> SpectralClusteringResult {
    precondition(
      clusterCount <= points.rows && neighbourCount <= points.rows,
      "SpectralClustering: \(points.rows) points cannot give \(clusterCount) clusters with \(neighbourCount) neighbours each")
    let affinity = SpectralClustering.neighbourAffinity(points, neighbourCount: neighbourCount)
    let embedding = SpectralClustering.embedding(affinity: affinity, dimensions: clusterCount)
    let kMeans = KMeans(clusterCount: clusterCount, restarts: kMeansRestarts).fit(embedding, seed: seed)
    return SpectralClusteringResult(labels: kMeans.labels, embedding: embedding)
  }

  /// Symmetrised kNN connectivity W (n × n, zero diagonal): ½(C + Cᵀ), C_ij = 1 when j is one of
  /// i's `neighbourCount` nearest points (i itself included, ties to the lower index).
  static func neighbourAffinity(_ points: PointMatrix, neighbourCount: Int) -> PointMatrix {
    let n = points.rows
    var affinity = PointMatrix.zeros(rows: n, columns: n)
    for i in 0..<n {
      let distances = (0..<n).map { points.squaredDistance(row: i, to: points, row: $0) }
      // The point itself has distance 0 and comes first; ties broken by index.
      let nearest = (0..<n).sorted { (distances[$0], $0 == i ? 0 : 1, $0) < (distances[$1], $1 == i ? 0 : 1, $1) }
      for j in nearest.prefix(neighbourCount) where j != i {
        affinity[i, j] += 0.5
        affinity[j, i] += 0.5
      }
    }
    return affinity
  }

  /// Rows of the eigenvectors of the `dimensions` smallest eigenvalues of I − D^{−1/2} W D^{−1/2},
  /// each scaled to unit length: affinity W n × n (zero diagonal, positive degrees) → n × dimensions.
  static func embedding(affinity: PointMatrix, dimensions: Int) -> PointMatrix {
    let n = affinity.rows
    var inverseRootDegree = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var degree = 0.0
      for j in 0..<n { degree += affinity[i, j] }
      precondition(degree > 0, "SpectralClustering: point \(i) has no neighbours in the affinity graph")
      inverseRootDegree[i] = 1 / degree.squareRoot()
    }
    var laplacian = [Float](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        let normalised = inverseRootDegree[i] * affinity[i, j] * inverseRootDegree[j]
        laplacian[i * n + j] = Float((i == j ? 1 : 0) - normalised)
      }
    }
    let vectors: Tensor
    do {
      vectors = try Tensor(shape: [n, n], scalars: laplacian).symmetricEigen().vectors  // eigenvalues ascending
    } catch {
      preconditionFailure("SpectralClustering: \(error)")  // the Laplacian is finite by construction
    }
    let columns = vectors.scalars
    var embedded = [Double](repeating: 0, count: n * dimensions)
    for i in 0..<n {
      var squaredNorm = 0.0
      for c in 0..<dimensions {
        let value = Double(columns[i * n + c])
        embedded[i * dimensions + c] = value
        squaredNorm += value * value
      }
      // A row can only vanish if the eigensolver returned a degenerate basis; leave it at zero.
      let norm = squaredNorm.squareRoot()
      if norm > 0 { for c in 0..<dimensions { embedded[i * dimensions + c] /= norm } }
    }
    return PointMatrix(rows: n, columns: dimensions, values: embedded)
  }
}

/// A fitted spectral clustering of n points into k clusters.
public struct SpectralClusteringResult: Sendable {
  /// Cluster of each point, in 0..<k; [n].
  public var labels: [Int]
  /// The row-normalised spectral embedding k-means ran on, n × k.
  public var embedding: PointMatrix
}
