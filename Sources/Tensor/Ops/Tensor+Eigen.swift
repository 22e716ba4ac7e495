// Batched symmetric eigendecomposition (LAPACK ssyevd) with gradients.
//
// Pullback (A = V Λ Vᵀ, symmetric perturbations dA): with M = Vᵀ dA V,
//   dλ_j = M_jj   and   dV = V (F ∘ M),   F_ij = 1 / (λ_j − λ_i) for i ≠ j, F_ii = 0
// (first-order perturbation theory). So for a loss L with gradients gλ, gV:
//   dL = ⟨diag(gλ) + F ∘ (Vᵀ gV), M⟩ = ⟨V (diag(gλ) + F ∘ (Vᵀ gV)) Vᵀ, dA⟩,
// and the gradient is the symmetric part of V (diag(gλ) + F ∘ (Vᵀ gV)) Vᵀ (only symmetric
// perturbations are meaningful; LAPACK reads the lower triangle), as torch.linalg.eigh.
// The two terms are recorded as separate tape nodes (one per output); they add up.
//
// Degenerate eigenvalues: when |λ_j − λ_i| ≤ 1e-6 · max(1, max|λ|) the eigenvectors of that
// pair are not unique and the true derivative does not exist; F_ij is set to 0 there (the
// gradient ignores rotations inside the degenerate subspace) instead of returning inf/NaN.

extension Tensor {
  /// Eigenvalues (ascending) and eigenvectors of symmetric matrices.
  /// `vectors[..., :, j]` is the unit eigenvector of `values[..., j]`, with its largest-magnitude
  /// component positive. Only the lower triangle is read.
  /// Shapes: [..., n, n] → values [..., n], vectors [..., n, n].
  /// Throws when LAPACK fails (e.g. NaN in the input).
  public func symmetricEigen() throws(EigenDecompositionError) -> (values: Tensor, vectors: Tensor) {
    precondition(rank >= 2 && shape[rank - 1] == shape[rank - 2], "symmetricEigen: needs [..., n, n], got \(shape)")
    let n = shape[rank - 1]
    let lead = Array(shape.dropLast(2))
    let batch = Tensor.elementCount(lead)
    let (values3, vectors3) = try Kernels.symmetricEigen(self.detached.reshaped([batch, n, n]))
    let values = values3.reshaped(lead + [n]), vectors = vectors3.reshaped(lead + [n, n])
    let v = vectors3
    let lambda = values3.scalars
    let gap = Tensor.eigenGapReciprocals(lambda, batch: batch, n: n)
    let matrixShape = shape
    let trackedValues = Tensor.recorded("eigenvalues", values, inputs: [self]) { g in
      // V diag(gλ) Vᵀ (symmetric already).
      let scaled = v * g.reshaped([batch, 1, n])
      return [Tensor.matmul(scaled, v, transposeB: true).reshaped(matrixShape)]
    }
    let trackedVectors = Tensor.recorded("eigenvectors", vectors, inputs: [self]) { g in
      let inner = Tensor.matmul(v, g.reshaped([batch, n, n]), transposeA: true) * gap  // F ∘ (Vᵀ gV)
      let full = Tensor.matmul(Tensor.matmul(v, inner), v, transposeB: true)
      return [((full + full.transposed()) * 0.5).reshaped(matrixShape)]
    }
    return (trackedValues, trackedVectors)
  }

  /// F [batch, n, n] with F_ij = 1/(λ_j − λ_i) off the diagonal, 0 on it and for degenerate pairs.
  static func eigenGapReciprocals(_ lambda: [Float], batch: Int, n: Int) -> Tensor {
    var f = [Float](repeating: 0, count: batch * n * n)
    for b in 0..<batch {
      let l = lambda[(b * n)..<((b + 1) * n)].map(Double.init)
      let scale = Swift.max(1, l.map { Swift.abs($0) }.max() ?? 0)
      for i in 0..<n {
        for j in 0..<n where i != j {
          let d = l[l.startIndex + j] - l[l.startIndex + i]
          if Swift.abs(d) > 1e-6 * scale { f[b * n * n + i * n + j] = Float(1 / d) }
        }
      }
    }
    return Tensor(shape: [batch, n, n], scalars: f)
  }
}
