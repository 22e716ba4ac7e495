// Fused ops for the graph-transformer step: a·b + c (FiLM), softmax over any axis with a
// broadcast mask (attention over the key axis without permuting), and bias + activation.
// Each streams its operands once instead of once per primitive op.

import CTensorKernels

extension Tensor {
  /// a · b + c in one pass (two roundings, bit-identical to `a * b + c`).
  /// Shapes: broadcast(a, b, c).
  public static func fusedMultiplyAdd(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
    let out = Kernels.ternary(CTK_FMA, a, b, c)
    return recorded("fusedMultiplyAdd", out, inputs: [a, b, c]) { g in
      [
        a.tapeIndex == nil ? nil : (g * b.detached).summed(toShape: a.shape),
        b.tapeIndex == nil ? nil : (g * a.detached).summed(toShape: b.shape),
        c.tapeIndex == nil ? nil : g.summed(toShape: c.shape),
      ]
    }
  }

  /// Softmax over `axis`. `mask` (broadcastable to self; nonzero = keep) gives dropped entries
  /// probability 0; a fully dropped line is all zeros. Runs without permuting; e.g. attention
  /// scores [bs, n, n, heads, df] with a key mask [bs, 1, n, 1, 1] over axis 2.
  /// Shapes: [..., d, ...] → same.
  public func softmax(axis: Int, mask: Tensor? = nil) -> Tensor {
    let a = normalizedAxis(axis)
    if a == rank - 1 { return softmax(mask: mask) }
    if let mask {
      precondition(Tensor.broadcastShape(mask.shape, shape) == shape,
                   "softmax(axis:): mask \(mask.shape) does not broadcast to \(shape)")
    }
    let out = Kernels.softmaxAxis(self.detached, axis: a, mask: mask?.detached)
    return Tensor.recorded("softmaxAxis", out, inputs: [self]) { g in
      [Kernels.softmaxAxisBackward(y: out, dy: g, axis: a)]
    }
  }

  /// Log-softmax over `axis` (through a permute to the last axis). Shapes: same as self.
  public func logSoftmax(axis: Int, mask: Tensor? = nil) -> Tensor {
    let a = normalizedAxis(axis)
    if a == rank - 1 { return logSoftmax(mask: mask) }
    return transposed(a, rank - 1).logSoftmax(mask: mask.map { m in
      m.broadcast(to: shape).transposed(a, rank - 1)
    }).transposed(a, rank - 1)
  }

  /// Activation functions that can be fused with a bias add.
  public enum Activation: Sendable, CaseIterable {
    /// No activation (bias add only).
    case identity
    /// max(z, 0).
    case relu
    /// GELU, tanh approximation.
    case gelu
    /// z · sigmoid(z).
    case silu
    /// tanh(z).
    case tanh
    /// 1 / (1 + e^−z).
    case sigmoid

    var kernelOp: ctk_unary_op {
      switch self {
      case .identity: CTK_IDENTITY
      case .relu: CTK_RELU
      case .gelu: CTK_GELU
      case .silu: CTK_SILU
      case .tanh: CTK_TANH
      case .sigmoid: CTK_SIGMOID
      }
    }
  }

  /// act(x + bias) in one pass; the backward recomputes the pre-activation instead of storing it.
  /// Shapes: x [..., c], bias [c] (or nil) → [..., c].
  public func biasActivation(_ bias: Tensor?, _ activation: Activation) -> Tensor {
    let c = shape.last ?? 0
    precondition(rank >= 1 && (bias == nil || bias!.shape == [c]),
                 "biasActivation: bias \(bias?.shape ?? []) must be [\(c)] for x \(shape)")
    let x = self.detached, b = bias?.detached
    let out = Kernels.biasActivation(activation.kernelOp, x, bias: b)
    var inputs = [self]
    if let bias { inputs.append(bias) }
    return Tensor.recorded("biasActivation", out, inputs: inputs) { g in
      let (dx, dbias) = Kernels.biasActivationBackward(activation.kernelOp, x, bias: b, dy: g)
      return b == nil ? [dx] : [dx, dbias]
    }
  }
}

// MARK: - Masked statistics

extension Tensor {
  /// Mean, minimum, maximum and variance of each feature over the real rows of each slab (PNA
  /// pooling's statistics), fused: self [outer, rows, f] (rows ≥ 1), mask [outer, rows, 1] with
  /// 1 = real, 0 = padded → [outer, 4, f]. Minimum and maximum are 0 for a slab without a real
  /// row; the count is at least 1. Equals `maskedStatisticsReference` (the same sums in the same
  /// order); its gradient flows to self only (the mask is a constant).
  public func maskedStatistics(mask: Tensor) -> Tensor {
    precondition(rank == 3 && mask.shape == [shape[0], shape[1], 1] && shape[1] >= 1,
                 "maskedStatistics: x \(shape) needs [outer, rows ≥ 1, f] and mask [outer, rows, 1], got mask \(mask.shape)")
    let (outer, rows, f) = (shape[0], shape[1], shape[2])
    let (x, m) = (self.detached, mask.detached)
    let (out, saved, savedOuter) = Kernels.maskedStatistics(x, mask: m, outer: outer, rows: rows, features: f)
    return Tensor.recorded("maskedStatistics", out, inputs: [self]) { g in
      [Kernels.maskedStatisticsBackward(x, mask: m, outer: outer, rows: rows, features: f, out: out, saved: saved, savedOuter: savedOuter, dout: g)]
    }
  }

  /// `maskedStatistics` composed of elementwise ops and reductions: the reference the fused
  /// kernel is checked against. Shapes: as `maskedStatistics`.
  public func maskedStatisticsReference(mask: Tensor) -> Tensor {
    let count = Tensor.maximum(mask.sum(axis: 1), Tensor(1))  // [outer, 1]
    let mean = (self * mask).sum(axis: 1) / count              // [outer, f]
    let off = (1 - mask) * 1e5
    let any = mask.max(axis: 1)
    let lo = (self + off).min(axis: 1) * any
    let hi = (self - off).max(axis: 1) * any
    let centered = (self - mean.expandingDims(at: 1)) * mask
    let variance = centered.squared().sum(axis: 1) / count
    return Tensor.concat([mean, lo, hi, variance].map { $0.expandingDims(at: 1) }, axis: 1)
  }
}
