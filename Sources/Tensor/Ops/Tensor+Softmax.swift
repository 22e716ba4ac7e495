// Softmax and log-softmax over the last axis, with an optional mask, and layer norm.
// Each uses a fused kernel with a fused pullback (derivations in kernels.c).

extension Tensor {
  /// Softmax over the last axis. `mask` (broadcastable to self; 1 = keep, 0 = drop) gives dropped
  /// entries probability 0; a fully dropped row is all zeros (never NaN).
  /// Shapes: [..., c] → [..., c].
  public func softmax(mask: Tensor? = nil) -> Tensor { softmaxImpl(mask: mask, log: false) }

  /// Log-softmax over the last axis; masked entries are 0 in the output (they are not part of the
  /// distribution, and 0 keeps `0 * value` products NaN-free). Shapes: [..., c] → [..., c].
  public func logSoftmax(mask: Tensor? = nil) -> Tensor { softmaxImpl(mask: mask, log: true) }

  private func softmaxImpl(mask: Tensor?, log: Bool) -> Tensor {
    precondition(rank >= 1, "softmax: needs rank >= 1, got \(shape)")
    let cols = shape[rank - 1]
    let rows = cols == 0 ? 0 : count / cols
    let m = mask.map { $0.detached.broadcast(to: shape) }
    let out = Kernels.softmaxRows(self.detached, mask: m, rows: rows, cols: cols, log: log)
    return Tensor.recorded(log ? "logSoftmax" : "softmax", out, inputs: [self]) { g in
      // Masked entries carry no gradient: zero them in dy (and, for log-softmax, the exp(y) term
      // is exp(0) = 1 at masked entries, so dy must be masked before the row sum).
      let gm = m.map { g * $0 } ?? g
      var dx = Kernels.softmaxRowsBackward(y: out, dy: gm, rows: rows, cols: cols, log: log)
      if let m { dx = dx * m }
      return [dx]
    }
  }

  /// Layer normalisation over the last axis: (x − mean) / sqrt(var + eps) · gamma + beta.
  /// Shapes: x [..., c], gamma [c], beta [c] → [..., c].
  public func layerNormalized(gamma: Tensor?, beta: Tensor?, eps: Float = 1e-5) -> Tensor {
    let c = shape.last ?? 0
    precondition(gamma == nil || gamma!.shape == [c], "layerNorm: gamma \(gamma!.shape) vs features \(c)")
    precondition(beta == nil || beta!.shape == [c], "layerNorm: beta \(beta!.shape) vs features \(c)")
    precondition((gamma == nil) == (beta == nil), "layerNorm: pass both gamma and beta or neither")
    let x = self.detached
    let (y, mean, rstd) = Kernels.layerNorm(x, gamma: gamma?.detached, beta: beta?.detached, eps: eps)
    var inputs = [self]
    if let gamma, let beta { inputs += [gamma, beta] }
    let gammaValue = gamma?.detached
    return Tensor.recorded("layerNorm", y, inputs: inputs) { g in
      let (dx, dgamma, dbeta) = Kernels.layerNormBackward(
        x: x, gamma: gammaValue, mean: mean, rstd: rstd, dy: g, wantAffine: gammaValue != nil)
      return gammaValue == nil ? [dx] : [dx, dgamma, dbeta]
    }
  }
}
