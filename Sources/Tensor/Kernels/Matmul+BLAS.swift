// Matrix multiplication (row-major): on CPUs with AVX-512 through cfx's own kernel
// (CTensorKernels/gemm.c; OpenBLAS 0.3.21 falls back to its SSE3 "Prescott" kernels on CPUs it
// does not know, at a quarter of the speed), elsewhere, or with CFX_GEMM=openblas, through
// OpenBLAS cblas_sgemm. Both add op(A)·op(B) to a zeroed C.
//
// Threading: OpenBLAS runs single-threaded, and large products are split here into row blocks
// run on the cores through `forEachChunk`. OpenBLAS's own worker threads spin in sched_yield
// for a long while after every call; on two cores that spinning competed with the elementwise
// kernels running between products (a graph-transformer step ran 1.6× slower with two OpenBLAS
// threads than with one). Splitting rows does not change how any output element is summed.
//
// Pointer ownership: operand pointers are borrowed from tensor storages for the call; the output
// tensor is freshly allocated by the caller, so writing it cannot affect any other value.

import CBLAS
import CTensorKernels
import Foundation

extension Kernels {
  /// Whether products go through cfx's own AVX-512 kernel (the CPU has AVX-512 and the
  /// environment does not say CFX_GEMM=openblas).
  static let ownGemm: Bool = ctk_sgemm_available() != 0 && ProcessInfo.processInfo.environment["CFX_GEMM"] != "openblas"
  /// How provenance records name cfx's kernel.
  static let ownGemmName = "cfx AVX-512 8×32"

  /// C += op(A)·op(B) for one product (C [m, n] contiguous; with `overwrite`, C = op(A)·op(B)
  /// and C's old values are not read): cfx's kernel where it runs, else OpenBLAS.
  static func sgemmOne(
    _ pa: UnsafePointer<Float>, transposeA: Bool, lda: Int, _ pb: UnsafePointer<Float>, transposeB: Bool, ldb: Int,
    _ pc: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, overwrite: Bool = false
  ) {
    if overwrite && k == 0 { pc.update(repeating: 0, count: m * n); return }
    if ownGemm && ctk_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, pa, lda, pb, ldb, pc, n, overwrite ? 1 : 0) != 0 { return }
    // With beta = 0 OpenBLAS first zeroes C with a scalar loop (sgemm_beta); a vectorised fill
    // plus beta = 1 gives the same result (0 + x = x exactly) faster.
    if overwrite { pc.update(repeating: 0, count: m * n) }
    _ = blasSingleThreaded
    cblas_sgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, pa, Int32(lda), pb, Int32(ldb), 1, pc, Int32(n))
  }

  /// C = op(A)·op(B) + bias (added to every row; bias [n] or nil), then v < 0 ? 0 : v when
  /// `relu`, for one product (C [m, n] contiguous; its old values are not read). cfx's kernel adds
  /// the bias and applies the ReLU as it stores the product's tiles; elsewhere C is filled with
  /// the bias rows, OpenBLAS adds the product and a ReLU pass follows: the same values.
  static func sgemmBiasOne(
    _ pa: UnsafePointer<Float>, transposeA: Bool, lda: Int, _ pb: UnsafePointer<Float>, transposeB: Bool, ldb: Int,
    bias: UnsafePointer<Float>?, relu: Bool, _ pc: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int
  ) {
    if k > 0 && ownGemm
      && ctk_sgemm_bias(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, pa, lda, pb, ldb, bias, relu ? 1 : 0, pc, n) != 0 { return }
    if let bias {
      for r in 0..<m { (pc + r * n).update(from: bias, count: n) }
      if k > 0 { sgemmOne(pa, transposeA: transposeA, lda: lda, pb, transposeB: transposeB, ldb: ldb, pc, m: m, n: n, k: k) }
    } else {
      sgemmOne(pa, transposeA: transposeA, lda: lda, pb, transposeB: transposeB, ldb: ldb, pc, m: m, n: n, k: k, overwrite: true)
    }
    if relu { ctk_unary(Int32(CTK_RELU.rawValue), pc, pc, m * n) }
  }

  /// Puts OpenBLAS in single-threaded mode once, before the first product (products are split
  /// across cores by `sgemmRows` instead).
  static let blasSingleThreaded: Void = openblas_set_num_threads(1)

  /// Multiply-adds below which a product runs on one core.
  static let gemmParallelThreshold = 1 << 21

  /// C = op(A) · op(B) + C (beta = 1) for row-major pointers, with rows of C split across cores.
  /// op(A) is m×k with leading dimension lda (A stored k×m when transposeA), B likewise with ldb.
  /// With `overwrite`, C's old values are not read; with a `bias` or `relu`, C is overwritten
  /// with op(A)·op(B) + bias through the ReLU (`sgemmBiasOne`).
  static func sgemmRows(
    _ pa: UnsafePointer<Float>, transposeA: Bool, lda: Int, _ pb: UnsafePointer<Float>, transposeB: Bool, ldb: Int,
    _ pc: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, overwrite: Bool = false,
    bias: UnsafePointer<Float>? = nil, relu: Bool = false
  ) {
    _ = blasSingleThreaded
    // At least 16 rows per block (OpenBLAS's register tile is 16 rows on AVX2/AVX-512).
    let minimumRows = Swift.max(16, gemmParallelThreshold / Swift.max(n * k, 1) + 1)
    forEachChunk(total: m, minimumPerChunk: minimumRows) { start, rows in
      // Row `start` of op(A): row start of A, or column start of A stored transposed.
      let aRows = transposeA ? pa + start : pa + start * lda
      if bias != nil || relu {
        sgemmBiasOne(aRows, transposeA: transposeA, lda: lda, pb, transposeB: transposeB, ldb: ldb, bias: bias, relu: relu,
                     pc + start * n, m: rows, n: n, k: k)
      } else {
        sgemmOne(aRows, transposeA: transposeA, lda: lda, pb, transposeB: transposeB, ldb: ldb, pc + start * n, m: rows, n: n, k: k, overwrite: overwrite)
      }
    }
  }

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
          // Outputs that tile the buffer are overwritten by the products (no pass that zeroes
          // them first); otherwise the buffer is zeroed and the products added.
          let overwrite = !accumulate && k > 0 && (batch == 1 || cStride == m * n)
          if !accumulate && !overwrite {
            if cStride == 0 { pc.baseAddress!.update(repeating: 0, count: m * n) }
            else { pc.baseAddress!.update(repeating: 0, count: (batch - 1) * cStride + m * n) }
          }
          if k == 0 { return }
          // Independent outputs and enough work per item: the batch items run on the cores;
          // otherwise items run in order (summed in batch order when outStride is 0) and each
          // large one splits its rows.
          // cfx's kernel packs the shared operand once per product, so it always prefers whole
          // items per core to rows split across cores.
          let independent = cStride >= m * n && batch > 1
          if independent && (m * n * k < gemmParallelThreshold || ownGemm) {
            _ = blasSingleThreaded
            let perChunk = ownGemm ? 1 : gemmParallelThreshold / Swift.max(m * n * k, 1) + 1
            forEachChunk(total: batch, minimumPerChunk: perChunk) { first, count in
              for i in first..<(first + count) {
                sgemmOne(pa.baseAddress! + i * aStride, transposeA: transposeA, lda: lda, pb.baseAddress! + i * bStride, transposeB: transposeB,
                         ldb: ldb, pc.baseAddress! + i * cStride, m: m, n: n, k: k, overwrite: overwrite)
              }
            }
            return
          }
          if ownGemm && cStride == 0 && batch > 1 {
            // Σ_b op(A_b)·op(B_b) into one output, summed in fixed groups (independent of cores).
            _ = sumInFixedGroups(items: batch, size: m * n, into: pc.baseAddress!) { items, partial in
              for i in items {
                sgemmOne(pa.baseAddress! + i * aStride, transposeA: transposeA, lda: lda, pb.baseAddress! + i * bStride, transposeB: transposeB,
                         ldb: ldb, partial, m: m, n: n, k: k)
              }
              return true
            }
            return
          }
          for i in 0..<batch {
            sgemmRows(
              pa.baseAddress! + i * aStride, transposeA: transposeA, lda: lda, pb.baseAddress! + i * bStride,
              transposeB: transposeB, ldb: ldb, pc.baseAddress! + i * cStride, m: m, n: n, k: k, overwrite: overwrite)
          }
        }
      }
    }
  }

  /// OpenBLAS build and the core it selected (e.g. "Haswell" with OPENBLAS_CORETYPE=Haswell).
  static var blasIdentity: (config: String, core: String) {
    (String(cString: openblas_get_config()), String(cString: openblas_get_corename()))
  }

  /// Sets the number of OpenBLAS threads (after the one-time single-threaded default).
  static func setBLASThreads(_ n: Int) {
    _ = blasSingleThreaded
    openblas_set_num_threads(Int32(n))
  }
}

extension Tensor {
  /// Sets the number of threads OpenBLAS itself uses. The default is 1: large products are
  /// split across cores by the Tensor kernels, and more OpenBLAS threads oversubscribe them.
  public static func setBLASThreads(_ n: Int) { Kernels.setBLASThreads(n) }

  /// Sets the cores cfx's kernels split work across to `n` (≥ 1), unless CFX_THREADS says
  /// otherwise. Call once at start-up, before any tensor work: an MPI job with several ranks on
  /// one machine gives each rank its share of the cores. Results do not depend on it.
  public static func limitKernelThreads(to n: Int) {
    precondition(n >= 1, "limitKernelThreads: \(n) threads")
    if ProcessInfo.processInfo.environment["CFX_THREADS"] == nil { Kernels.coreCount = n }
  }
}
