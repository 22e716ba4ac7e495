// Elementwise arithmetic and activation functions, each with its pullback beside it.
// Binary ops broadcast (see Broadcasting.swift); their pullbacks sum the gradient back to each
// operand's shape with `summed(toShape:)`.

import CTensorKernels

// MARK: - Binary arithmetic

extension Tensor {
  /// Elementwise sum with broadcasting. Shapes: broadcast(a, b).
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    let out = Kernels.binary(CTK_ADD, a, b)
    return recorded("add", out, inputs: [a, b]) { g in
      [g.summed(toShape: a.shape), g.summed(toShape: b.shape)]
    }
  }

  /// Elementwise difference with broadcasting. Shapes: broadcast(a, b).
  public static func - (a: Tensor, b: Tensor) -> Tensor {
    let out = Kernels.binary(CTK_SUB, a, b)
    return recorded("sub", out, inputs: [a, b]) { g in
      [g.summed(toShape: a.shape), (-g).summed(toShape: b.shape)]
    }
  }

  /// Elementwise product with broadcasting. Shapes: broadcast(a, b).
  public static func * (a: Tensor, b: Tensor) -> Tensor {
    let out = Kernels.binary(CTK_MUL, a, b)
    return recorded("mul", out, inputs: [a, b]) { g in
      [
        a.tapeIndex == nil ? nil : (g * b.detached).summed(toShape: a.shape),
        b.tapeIndex == nil ? nil : (g * a.detached).summed(toShape: b.shape),
      ]
    }
  }

  /// Elementwise quotient with broadcasting. Shapes: broadcast(a, b).
  public static func / (a: Tensor, b: Tensor) -> Tensor {
    let out = Kernels.binary(CTK_DIV, a, b)
    return recorded("div", out, inputs: [a, b]) { g in
      // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 = -out/b.
      [
        a.tapeIndex == nil ? nil : (g / b.detached).summed(toShape: a.shape),
        b.tapeIndex == nil ? nil : (-(g * out) / b.detached).summed(toShape: b.shape),
      ]
    }
  }

  /// Elementwise maximum with broadcasting; ties send the whole gradient to `a`.
  public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Kernels.binary(CTK_MAXIMUM, a, b)
    return recorded("maximum", out, inputs: [a, b]) { g in
      let aWins = a.detached.isGreaterOrEqual(b.detached)
      return [(g * aWins).summed(toShape: a.shape), (g * (1 - aWins)).summed(toShape: b.shape)]
    }
  }

  /// Elementwise minimum with broadcasting; ties send the whole gradient to `a`.
  public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Kernels.binary(CTK_MINIMUM, a, b)
    return recorded("minimum", out, inputs: [a, b]) { g in
      let aWins = b.detached.isGreaterOrEqual(a.detached)
      return [(g * aWins).summed(toShape: a.shape), (g * (1 - aWins)).summed(toShape: b.shape)]
    }
  }

  /// 1 where self >= other, else 0 (not differentiable). Shapes: broadcast(self, other).
  public func isGreaterOrEqual(_ other: Tensor) -> Tensor { Kernels.binary(CTK_GREATER_EQUAL, self, other) }

  /// 1 where self == other, else 0 (not differentiable). Shapes: broadcast(self, other).
  public func isEqual(_ other: Tensor) -> Tensor { Kernels.binary(CTK_EQUAL, self, other) }

  /// Elementwise power x^p for x > 0 (computed as exp(p log x)). Shapes: broadcast(x, p).
  public static func pow(_ x: Tensor, _ p: Tensor) -> Tensor {
    let out = Kernels.binary(CTK_POW, x, p)
    return recorded("pow", out, inputs: [x, p]) { g in
      // d x^p / dx = p x^(p-1) = p out / x; d x^p / dp = out log x.
      [
        x.tapeIndex == nil ? nil : (g * p.detached * out / x.detached).summed(toShape: x.shape),
        p.tapeIndex == nil ? nil : (g * out * x.detached.log()).summed(toShape: p.shape),
      ]
    }
  }

  /// Negation.
  public static prefix func - (x: Tensor) -> Tensor { x.unary(CTK_NEG, "neg") }

  // Scalar forms (the scalar is broadcast as a rank-0 constant).
  /// Adds a scalar.
  public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
  /// Adds a scalar.
  public static func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
  /// Subtracts a scalar.
  public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
  /// Scalar minus tensor.
  public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
  /// Multiplies by a scalar.
  public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
  /// Multiplies by a scalar.
  public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
  /// Divides by a scalar.
  public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
  /// Scalar divided by tensor.
  public static func / (s: Float, a: Tensor) -> Tensor { Tensor(s) / a }

  /// x * scale + shift in one pass. Shapes: same as x.
  public func affine(scale: Float, shift: Float) -> Tensor {
    let out = Kernels.affine(self, scale: scale, shift: shift)
    return Tensor.recorded("affine", out, inputs: [self]) { g in [g * scale] }
  }

  /// In-place sum (copy-on-write: a shared buffer is copied first). Not recorded on the tape.
  public static func += (a: inout Tensor, b: Tensor) { a = (a.detached + b.detached) }
}

// MARK: - Unary functions

extension Tensor {
  func unary(_ op: ctk_unary_op, _ name: String) -> Tensor {
    let out = Kernels.unary(op, self)
    let x = self.detached
    return Tensor.recorded(name, out, inputs: [self]) { g in
      [Kernels.unaryBackward(op, x: x, y: out, dy: g)]
    }
  }

  /// e^x elementwise.
  public func exp() -> Tensor { unary(CTK_EXP, "exp") }
  /// Natural logarithm elementwise (NaN for x < 0, -inf at 0).
  public func log() -> Tensor { unary(CTK_LOG, "log") }
  /// Square root elementwise.
  public func sqrt() -> Tensor { unary(CTK_SQRT, "sqrt") }
  /// 1/sqrt(x) elementwise.
  public func rsqrt() -> Tensor { unary(CTK_RSQRT, "rsqrt") }
  /// 1/x elementwise.
  public func reciprocal() -> Tensor { unary(CTK_RECIPROCAL, "reciprocal") }
  /// Hyperbolic tangent elementwise.
  public func tanh() -> Tensor { unary(CTK_TANH, "tanh") }
  /// Logistic sigmoid 1/(1+e^-x) elementwise.
  public func sigmoid() -> Tensor { unary(CTK_SIGMOID, "sigmoid") }
  /// max(x, 0) elementwise; the derivative at 0 is taken as 0.
  public func relu() -> Tensor { unary(CTK_RELU, "relu") }
  /// GELU, tanh approximation (PyTorch `approximate="tanh"`): 0.5x(1+tanh(√(2/π)(x+0.044715x³))).
  public func gelu() -> Tensor { unary(CTK_GELU, "gelu") }
  /// SiLU (swish): x·sigmoid(x) elementwise.
  public func silu() -> Tensor { unary(CTK_SILU, "silu") }
  /// |x| elementwise; the derivative at 0 is taken as 0.
  public func abs() -> Tensor { unary(CTK_ABS, "abs") }
  /// x² elementwise.
  public func squared() -> Tensor { unary(CTK_SQUARE, "square") }
}
