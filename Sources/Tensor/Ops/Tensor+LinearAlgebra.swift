// Matrix products. All go through Kernels.gemm (OpenBLAS); the pullbacks are again products:
// for C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC (summed over the batch when B is shared).

extension Tensor {
  /// Matrix product with batching. Shapes:
  /// - [m, k] · [k, n] → [m, n]
  /// - [b..., m, k] · [k, n] → [b..., m, n] (B shared across the batch, e.g. a weight)
  /// - [b..., m, k] · [b..., k, n] → [b..., m, n] (same batch shape)
  /// `transposeA`/`transposeB` use the transpose of the last two axes without copying.
  public static func matmul(
    _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
  ) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: needs rank >= 2, got \(a.shape) · \(b.shape)")
    let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let (k2, n) = transposeB ? (bc, br) : (br, bc)
    precondition(k == k2, "matmul: inner extents differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
    let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
    let sharedB = bBatch.isEmpty
    precondition(sharedB || aBatch == bBatch, "matmul: batch shapes differ: \(a.shape) · \(b.shape)")
    let batch = aBatch.reduce(1, *)
    let out = Tensor.uninitialized(aBatch + [m, n])
    if sharedB && !transposeA && batch > 1 {
      // Fold the batch into the rows: one large sgemm instead of `batch` small ones.
      Kernels.gemm(a, transposeA: false, aStride: 0, b, transposeB: transposeB, bStride: 0,
                   batch: 1, m: batch * m, n: n, k: k, into: out)
    } else {
      Kernels.gemm(a, transposeA: transposeA, aStride: m * k, b, transposeB: transposeB,
                   bStride: sharedB ? 0 : k * n, batch: batch, m: m, n: n, k: k, into: out)
    }
    let aTracked = a.tapeIndex != nil, bTracked = b.tapeIndex != nil
    return recorded("matmul", out, inputs: [a, b]) { g in
      let a = a.detached, b = b.detached
      var ga: Tensor? = nil, gb: Tensor? = nil
      if aTracked {
        // dA = dC · op(B)ᵀ; stored transposed when transposeA.
        let d = matmul(g, b, transposeB: !transposeB)
        ga = transposeA ? d.transposed() : d
      }
      if bTracked {
        // dB = op(A)ᵀ · dC (stored as B is), summed over the batch when B is shared.
        if sharedB {
          let a2 = transposeA ? a.transposed().reshaped([batch * m, k]) : a.reshaped([batch * m, k])
          let g2 = g.reshaped([batch * m, n])
          gb = transposeB ? matmul(g2, a2, transposeA: true) : matmul(a2, g2, transposeA: true)
        } else {
          gb = transposeB ? matmul(g, a, transposeA: true, transposeB: transposeA)
            : matmul(a, g, transposeA: !transposeA)
        }
      }
      return [ga, gb]
    }
  }
}
