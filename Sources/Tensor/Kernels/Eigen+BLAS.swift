// Symmetric eigendecomposition through LAPACK ssyevd_ (batched, Float) and dsyevd_ (one Double
// matrix, for statistics that need the precision), OpenBLAS, Fortran ABI.
//
// Pointer ownership: each matrix is copied into a Swift array (`work matrix`) that LAPACK
// overwrites with the eigenvectors; the workspace arrays are owned here for the call. The output
// tensors are freshly allocated and filled from those arrays.
//
// Layout: LAPACK is column-major. A symmetric matrix reads the same in either order, so the
// row-major input is passed as is; on exit column j of the column-major array (elements
// j·n ..< (j+1)·n) is eigenvector j, i.e. row j of the array read row-major, so it is transposed
// into `vectors[b, :, j]`.

import CBLAS

/// Why LAPACK could not decompose a matrix.
public struct EigenDecompositionError: Error, CustomStringConvertible {
  /// Which matrix of the batch failed.
  public var batchIndex: Int
  /// LAPACK's `info` (negative: bad argument; positive: the algorithm failed to converge).
  public var info: Int32

  /// Human-readable reason.
  public var description: String {
    "symmetric eigendecomposition failed for matrix \(batchIndex) (LAPACK ssyevd info = \(info)): "
      + (info < 0 ? "argument \(-info) was invalid" : "the algorithm did not converge; check the matrix for NaN/inf")
  }
}

extension Kernels {
  /// Eigenvalues ascending [b, n] and eigenvectors [b, n, n] (column j = eigenvector j) of the
  /// symmetric matrices x [b, n, n] (lower triangle read). Each eigenvector's sign is fixed so
  /// that its largest-magnitude component is positive (first such component on ties).
  static func symmetricEigen(_ x: Tensor) throws(EigenDecompositionError) -> (values: Tensor, vectors: Tensor) {
    let (batch, n) = (x.shape[0], x.shape[1])
    var values = [Float](repeating: 0, count: batch * n)
    var vectors = [Float](repeating: 0, count: batch * n * n)
    if n == 0 || batch == 0 {
      return (Tensor(shape: [batch, n], scalars: values), Tensor(shape: [batch, n, n], scalars: vectors))
    }
    let input = x.scalars
    var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
    var order = Int32(n), lda = Int32(n), info: Int32 = 0
    // Workspace query (lwork = liwork = -1 asks LAPACK for the optimal sizes).
    var workSize: Float = 0, iworkSize: Int32 = 0, query: Int32 = -1
    var probe = [Float](repeating: 0, count: n * n), w = [Float](repeating: 0, count: n)
    ssyevd_(&jobz, &uplo, &order, &probe, &lda, &w, &workSize, &query, &iworkSize, &query, &info)
    guard info == 0 else { throw EigenDecompositionError(batchIndex: 0, info: info) }
    // The size comes back as a Float, which rounds sizes above 2^24 down (n ≳ 2,900); never ask
    // for less than LAPACK's documented minimum for jobz = V, 1 + 6n + 2n².
    var lwork = Swift.max(Int32(workSize.rounded(.up)), Int32(1 + 6 * n + 2 * n * n)), liwork = iworkSize
    var work = [Float](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
    for b in 0..<batch {
      var matrix = Array(input[(b * n * n)..<((b + 1) * n * n)])
      ssyevd_(&jobz, &uplo, &order, &matrix, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
      guard info == 0 else { throw EigenDecompositionError(batchIndex: b, info: info) }
      for j in 0..<n {
        values[b * n + j] = w[j]
        // Eigenvector j is matrix[j*n ..< (j+1)*n]; pick its sign.
        var largest = 0
        for i in 1..<n where Swift.abs(matrix[j * n + i]) > Swift.abs(matrix[j * n + largest]) { largest = i }
        let sign: Float = matrix[j * n + largest] < 0 ? -1 : 1
        for i in 0..<n { vectors[b * n * n + i * n + j] = sign * matrix[j * n + i] }
      }
    }
    return (Tensor(shape: [batch, n], scalars: values), Tensor(shape: [batch, n, n], scalars: vectors))
  }
}

/// Linear algebra in double precision on plain arrays (statistics on feature covariances,
/// where Float's rounding of near-zero eigenvalues would show in the result).
public enum DoubleLinearAlgebra {
  /// Eigenvalues (ascending, [n]) and eigenvectors (row-major [n, n], column j = eigenvector j)
  /// of the symmetric n × n row-major `matrix` (lower triangle read), by LAPACK dsyevd.
  public static func symmetricEigen(_ matrix: [Double], n: Int) throws(EigenDecompositionError) -> (values: [Double], vectors: [Double]) {
    precondition(matrix.count == n * n, "DoubleLinearAlgebra.symmetricEigen: \(matrix.count) values for \(n) × \(n)")
    if n == 0 { return ([], []) }
    var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
    var order = Int32(n), lda = Int32(n), info: Int32 = 0
    var workSize = 0.0, iworkSize: Int32 = 0, query: Int32 = -1
    var probe = [Double](repeating: 0, count: n * n), w = [Double](repeating: 0, count: n)
    dsyevd_(&jobz, &uplo, &order, &probe, &lda, &w, &workSize, &query, &iworkSize, &query, &info)
    guard info == 0 else { throw EigenDecompositionError(batchIndex: 0, info: info) }
    var lwork = Int32(workSize), liwork = iworkSize
    var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
    // Symmetric: the row-major matrix is its own column-major transpose; on exit column j of
    // the column-major array (a[j·n ..< (j+1)·n]) is eigenvector j.
    var a = matrix
    dsyevd_(&jobz, &uplo, &order, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
    guard info == 0 else { throw EigenDecompositionError(batchIndex: 0, info: info) }
    var vectors = [Double](repeating: 0, count: n * n)
    for j in 0..<n { for i in 0..<n { vectors[i * n + j] = a[j * n + i] } }
    return (w, vectors)
  }
}
