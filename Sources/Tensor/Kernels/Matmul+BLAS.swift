// Matrix multiplication through OpenBLAS cblas_sgemm (row-major).
//
// Pointer ownership: operand pointers are borrowed from tensor storages for the call; the output
// tensor is freshly allocated, so writing it cannot affect any other value.

import CBLAS

extension Kernels {
  /// C[b] = op(A[b]) · op(B[b]) for `batch` matrices laid out contiguously.
  /// op(A) is m×k (A stored m×k, or k×m when transposeA); op(B) is k×n likewise.
  /// `aStride`/`bStride` are the element offsets between batch items (0 = shared operand).
  /// `outStride` is the offset between output items (default m·n); with `outStride: 0` and
  /// `accumulate`, all products are summed into one m×n output (in batch order).
  /// `out` must be freshly allocated by the caller (it is written in place).
  static func gemm(
    _ a: Tensor, transposeA: Bool, aStride: Int, _ b: Tensor, transposeB: Bool, bStride: Int,
    batch: Int, m: Int, n: Int, k: Int, into out: Tensor, accumulate: Bool = false, outStride: Int? = nil
  ) {
    if m == 0 || n == 0 { return }
    let cStride = outStride ?? m * n
    precondition(cStride != 0 || accumulate || batch <= 1, "gemm: outStride 0 needs accumulate")
    let lda = transposeA ? m : k
    let ldb = transposeB ? k : n
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        out.storage.withUnsafeMutableBufferPointer { pc in
          for i in 0..<batch {
            if k == 0 {
              if !accumulate { (pc.baseAddress! + i * cStride).update(repeating: 0, count: m * n) }
              continue
            }
            cblas_sgemm(
              CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
              Int32(m), Int32(n), Int32(k), 1, pa.baseAddress! + i * aStride, Int32(lda),
              pb.baseAddress! + i * bStride, Int32(ldb), accumulate ? 1 : 0,
              pc.baseAddress! + i * cStride, Int32(n))
          }
        }
      }
    }
  }

  /// OpenBLAS build and the core it selected (e.g. "Haswell" with OPENBLAS_CORETYPE=Haswell).
  static var blasIdentity: (config: String, core: String) {
    (String(cString: openblas_get_config()), String(cString: openblas_get_corename()))
  }

  /// Sets the number of OpenBLAS threads.
  static func setBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
}

extension Tensor {
  /// OpenBLAS's configuration string and the CPU core type it is using.
  public static var blasIdentity: (config: String, core: String) { Kernels.blasIdentity }
  /// Sets the number of threads OpenBLAS uses.
  public static func setBLASThreads(_ n: Int) { Kernels.setBLASThreads(n) }
}
