// Principal component analysis: centre the points, eigendecompose the covariance
// C = (1/n) Xcᵀ Xc (single-precision product, LAPACK's symmetric eigensolver) and keep the
// eigenvectors of the largest eigenvalues; points project as (x − mean) · V.

import Tensor

/// A fitted PCA.
public struct PCA: Sendable {
  /// The mean point [d]; components [k][d] (unit rows, largest variance first); their variances.
  public var mean: [Double], components: [[Double]], explainedVariance: [Double]

  /// The first `count` principal components of n × d `points` (count ≤ d, n ≥ 1). Throws when
  /// the eigensolver fails (NaN in the points).
  public static func fit(_ points: PointMatrix, components count: Int) throws(EigenDecompositionError) -> PCA {
    let n = points.rows, d = points.columns
    precondition(n >= 1 && count >= 1 && count <= d, "PCA.fit: \(count) components of \(n) × \(d) points")
    var mean = [Double](repeating: 0, count: d)
    for i in 0..<n { for j in 0..<d { mean[j] += points[i, j] } }
    mean = mean.map { $0 / Double(n) }
    let centred = centredTensor(points, mean: mean)
    if n < d {
      // Fewer points than features: eigendecompose the n × n Gram matrix G = Xc Xcᵀ / n instead;
      // G u = λ u gives C (Xcᵀ u) = λ (Xcᵀ u), so v = Xcᵀ u / ‖Xcᵀ u‖ with ‖Xcᵀ u‖² = n λ.
      let gram = Tensor.matmul(centred, centred, transposeB: true) * (1 / Float(n))
      let (values, vectors) = try gram.symmetricEigen()
      let λ = values.scalars
      let kept = (0..<count).map { n - 1 - Swift.min($0, n - 1) }
      let u = Tensor(shape: [n, count], scalars: (0..<n).flatMap { r in kept.map { vectors.scalars[r * n + $0] } })
      let v = Tensor.matmul(centred, u, transposeA: true).scalars  // [d, count]
      let components = (0..<count).map { c -> [Double] in
        let column = (0..<d).map { Double(v[$0 * count + c]) }
        let norm = column.map { $0 * $0 }.reduce(0, +).squareRoot()
        // Components beyond the rank of the points (λ = 0) have no direction: zeros.
        return c < n && norm > 1e-12 ? column.map { $0 / norm } : [Double](repeating: 0, count: d)
      }
      return PCA(mean: mean, components: components, explainedVariance: (0..<count).map { $0 < n ? Double(Swift.max(λ[kept[$0]], 0)) : 0 })
    }
    let covariance = Tensor.matmul(centred, centred, transposeA: true) * (1 / Float(n))
    let (values, vectors) = try covariance.symmetricEigen()
    let v = vectors.scalars, λ = values.scalars
    // Ascending eigenvalues: the last `count` columns, largest first.
    let columns = (0..<count).map { d - 1 - $0 }
    return PCA(mean: mean, components: columns.map { c in (0..<d).map { Double(v[$0 * d + c]) } }, explainedVariance: columns.map { Double(Swift.max(λ[$0], 0)) })
  }

  /// Points minus `mean`, as a Float tensor [n, d].
  static func centredTensor(_ points: PointMatrix, mean: [Double]) -> Tensor {
    let d = points.columns
    var values = [Float](repeating: 0, count: points.rows * d)
    for i in 0..<points.rows { for j in 0..<d { values[i * d + j] = Float(points[i, j] - mean[j]) } }
    return Tensor(shape: [points.rows, d], scalars: values)
  }

  /// The projections of `points` (n × d) on the components: n × k.
  public func transform(_ points: PointMatrix) -> PointMatrix {
    precondition(points.columns == mean.count, "PCA.transform: points have \(points.columns) features, the PCA \(mean.count)")
    let k = components.count
    let basis = Tensor(shape: [k, mean.count], scalars: components.flatMap { $0.map(Float.init) })
    let projected = Tensor.matmul(Self.centredTensor(points, mean: mean), basis, transposeB: true)
    return PointMatrix(rows: points.rows, columns: k, values: projected.scalars.map(Double.init))
  }
}
