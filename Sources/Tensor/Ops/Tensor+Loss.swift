// Masked cross-entropy (with a fused pullback) and dropout.

extension Tensor {
  /// Mean cross-entropy over the rows that count, against probability (or one-hot) targets.
  ///
  /// loss = −(1/N) Σ_r m_r Σ_c t_rc · logSoftmax(x_r)_c with N = Σ_r m_r (the counted rows;
  /// 0 rows gives loss 0). Computed through log-softmax (log-sum-exp shift), so large logits do
  /// not overflow. Rows are the leading axes; classes the last.
  ///
  /// Fused pullback: ∂loss/∂x_rc = (m_r / N) (p_rc Σ_c' t_rc' − t_rc) with p = softmax(x_r),
  /// which is p − t for normalised targets; ∂loss/∂t_rc = −(m_r / N) logSoftmax(x_r)_c.
  ///
  /// Shapes: logits [..., c], targets [..., c], rowMask [...] (1 = counts, 0 = ignored; nil =
  /// all rows count) → scalar [].
  public static func crossEntropy(logits: Tensor, targets: Tensor, rowMask: Tensor? = nil) -> Tensor {
    precondition(logits.rank >= 1 && targets.shape == logits.shape,
                 "crossEntropy: targets \(targets.shape) must match logits \(logits.shape)")
    let rowShape = Array(logits.shape.dropLast())
    precondition(rowMask == nil || rowMask!.shape == rowShape,
                 "crossEntropy: rowMask \(rowMask!.shape) must be the row shape \(rowShape) of logits \(logits.shape)")
    let cols = logits.shape.last!
    let rows = cols == 0 ? 0 : logits.count / cols
    let logp = Kernels.softmaxRows(logits.detached, mask: nil, rows: rows, cols: cols, log: true)
    let mask = (rowMask?.detached ?? Tensor.ones(rowShape)).reshaped(rowShape + [1])
    let counted = mask.sum().scalar
    let scale: Float = counted > 0 ? 1 / counted : 0
    // Per-row −Σ_c t·logp, masked. Rows that do not count are dropped by the select, so a NaN or
    // ±inf from an ignored padding row cannot reach the loss.
    let t = targets.detached
    let perRow = Tensor.where(mask, -(t * logp).sum(axes: [logits.rank - 1], keepingDims: true), Tensor(0))
    let out = Tensor(perRow.sum().scalar * scale)
    return recorded("crossEntropy", out, inputs: [logits, targets]) { g in
      let weight = mask * (g.scalar * scale)  // m_r g / N, shape [..., 1]
      var dLogits: Tensor? = nil, dTargets: Tensor? = nil
      if logits.tapeIndex != nil {
        let p = logp.exp()
        let targetMass = t.sum(axes: [logits.rank - 1], keepingDims: true)
        dLogits = Tensor.where(mask, Tensor.fusedMultiplyAdd(p, targetMass, -t) * weight, Tensor(0))
      }
      if targets.tapeIndex != nil { dTargets = Tensor.where(mask, -(logp * weight), Tensor(0)) }
      return [dLogits, dTargets]
    }
  }

  /// Mean cross-entropy against integer class targets (one per row; −1 or any index on an
  /// ignored row is allowed). Same definition and pullback as the probability form with one-hot
  /// targets. Shapes: logits [..., c], targets: one index per row (row-major), rowMask [...] → [].
  public static func crossEntropy(logits: Tensor, classIndices: [Int], rowMask: Tensor? = nil) -> Tensor {
    let rowShape = Array(logits.shape.dropLast())
    let classes = logits.shape.last ?? 0
    precondition(classIndices.count == elementCount(rowShape),
                 "crossEntropy: \(classIndices.count) targets for \(elementCount(rowShape)) rows of logits \(logits.shape)")
    let keep = rowMask?.scalars ?? [Float](repeating: 1, count: classIndices.count)
    let cleaned = zip(classIndices, keep).enumerated().map { r, pair -> Int in
      let (c, k) = pair
      if k == 0 { return -1 }
      precondition(c >= 0 && c < classes, "crossEntropy: target \(c) of row \(r) is out of range 0..<\(classes)")
      return c
    }
    return crossEntropy(logits: logits, targets: oneHot(cleaned, shape: rowShape, classes: classes), rowMask: rowMask)
  }

  /// Mean binary cross-entropy of logits against targets in [0, 1], elementwise.
  ///
  /// −[t·log σ(x) + (1 − t)·log(1 − σ(x))] = softplus(x) − t·x, and softplus(x) =
  /// max(x, 0) + log(1 + e^−|x|) keeps every exponent ≤ 0, so large logits cannot overflow.
  /// Composed of differentiable ops; ∂/∂x = (σ(x) − t)/count. Shapes: logits and targets equal → [].
  public static func binaryCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
    precondition(logits.shape == targets.shape, "binaryCrossEntropy: targets \(targets.shape) must match logits \(logits.shape)")
    let softplus = logits.relu() + ((-logits.abs()).exp() + 1).log()
    return (softplus - logits * targets).mean()
  }

  /// Inverted dropout: zeroes each element with probability `rate` and scales the kept ones by
  /// 1/(1 − rate), so the expectation is unchanged. The identity when `training` is false or
  /// `rate` is 0 (the generator is not advanced then). Shapes: same as x.
  public func dropout(rate: Float, training: Bool = true, using rng: inout RandomGenerator) -> Tensor {
    precondition(rate >= 0 && rate < 1, "dropout: rate \(rate) must be in [0, 1)")
    if !training || rate == 0 || count == 0 { return self }
    let keep = 1 - rate
    let scale = 1 / keep
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count where rng.nextUniform() < keep { values[i] = scale }
    let mask = Tensor(shape: shape, scalars: values)
    return self * mask
  }
}
