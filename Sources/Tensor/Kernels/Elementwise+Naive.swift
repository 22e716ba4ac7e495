// Naive reference kernels: plain loops in Double (Foundation's libm), one per fast C kernel in
// Elementwise+C.swift, Copy+C.swift and Fused+C.swift. They define what the fast kernels must
// compute; the tests compare the two. Slow on purpose: no vectorisation, no fused tricks.

import CTensorKernels
import Foundation

/// Readable reference implementations of the vectorised kernels (tests compare against these).
enum NaiveKernels {
  // MARK: Elementwise

  /// op(x) elementwise, computed in Double.
  static func unary(_ op: ctk_unary_op, _ x: Tensor) -> Tensor {
    Tensor(shape: x.shape, scalars: x.scalars.map { Float(unaryValue(op, Double($0))) })
  }

  static func unaryValue(_ op: ctk_unary_op, _ v: Double) -> Double {
    switch op {
    case CTK_NEG: return -v
    case CTK_EXP: return Foundation.exp(v)
    case CTK_LOG: return Foundation.log(v)
    case CTK_SQRT: return v.squareRoot()
    case CTK_TANH: return Foundation.tanh(v)
    case CTK_SIGMOID: return 1 / (1 + Foundation.exp(-v))
    case CTK_RELU: return v > 0 ? v : 0
    // 0.5 v (1 + tanh u) = v / (1 + e^{−2u}); the second form keeps Double accuracy for v ≪ 0.
    case CTK_GELU: return v / (1 + Foundation.exp(-2 * (2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
    case CTK_SILU: return v / (1 + Foundation.exp(-v))
    case CTK_ABS: return Swift.abs(v)
    case CTK_SQUARE: return v * v
    case CTK_RSQRT: return 1 / v.squareRoot()
    case CTK_RECIPROCAL: return 1 / v
    default: return v
    }
  }

  /// The derivative op'(v), computed in Double.
  static func unaryDerivative(_ op: ctk_unary_op, _ v: Double) -> Double {
    switch op {
    case CTK_NEG: return -1
    case CTK_EXP: return Foundation.exp(v)
    case CTK_LOG: return 1 / v
    case CTK_SQRT: return 0.5 / v.squareRoot()
    case CTK_TANH: let t = Foundation.tanh(v); return 1 - t * t
    case CTK_SIGMOID: let s = 1 / (1 + Foundation.exp(-v)); return s * (1 - s)
    case CTK_RELU: return v > 0 ? 1 : 0
    case CTK_GELU:
      let c = (2 / Double.pi).squareRoot(), t = Foundation.tanh(c * (v + 0.044715 * v * v * v))
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
    case CTK_SILU: let s = 1 / (1 + Foundation.exp(-v)); return s + v * s * (1 - s)
    case CTK_ABS: return v > 0 ? 1 : (v < 0 ? -1 : 0)
    case CTK_SQUARE: return 2 * v
    case CTK_RSQRT: return -0.5 / (v * v.squareRoot())
    case CTK_RECIPROCAL: return -1 / (v * v)
    default: return 1
    }
  }

  /// dy · op'(x) elementwise.
  static func unaryBackward(_ op: ctk_unary_op, x: Tensor, dy: Tensor) -> Tensor {
    Tensor(shape: x.shape, scalars: zip(x.scalars, dy.scalars).map { Float(Double($1) * unaryDerivative(op, Double($0))) })
  }

  /// a op b with broadcasting, by multi-index.
  static func binary(_ op: ctk_binary_op, _ a: Tensor, _ b: Tensor) -> Tensor {
    let shape = Tensor.broadcastShape(a.shape, b.shape)!
    let av = a.scalars, bv = b.scalars
    let sa = Tensor.broadcastStrides(of: a.shape, to: shape), sb = Tensor.broadcastStrides(of: b.shape, to: shape)
    let values = multiIndices(shape).map { idx -> Float in
      let x = Double(av[dot(idx, sa)]), y = Double(bv[dot(idx, sb)])
      switch op {
      case CTK_ADD: return Float(x + y)
      case CTK_SUB: return Float(x - y)
      case CTK_MUL: return Float(x * y)
      case CTK_DIV: return Float(x / y)
      case CTK_MAXIMUM: return Float(x.isNaN || y.isNaN ? .nan : Swift.max(x, y))
      case CTK_MINIMUM: return Float(x.isNaN || y.isNaN ? .nan : Swift.min(x, y))
      case CTK_POW: return Float(Foundation.pow(x, y))
      case CTK_GREATER_EQUAL: return x >= y ? 1 : 0
      case CTK_EQUAL: return x == y ? 1 : 0
      default: return .nan
      }
    }
    return Tensor(shape: shape, scalars: values)
  }

  /// Reduction of one axis (kept with extent 1), in Double.
  static func reduce(_ op: ctk_reduce_op, _ x: Tensor, axis: Int) -> Tensor {
    var shape = x.shape
    shape[axis] = 1
    let v = x.scalars, strides = Tensor.strides(of: x.shape)
    let values = multiIndices(shape).map { idx -> Float in
      let line = (0..<x.shape[axis]).map { k -> Double in
        var i = idx
        i[axis] = k
        return Double(v[dot(i, strides)])
      }
      switch op {
      case CTK_SUM: return Float(line.reduce(0, +))
      case CTK_MAX: return line.contains { $0.isNaN } ? .nan : Float(line.max() ?? -.infinity)
      default: return line.contains { $0.isNaN } ? .nan : Float(line.min() ?? .infinity)
      }
    }
    return Tensor(shape: shape, scalars: values)
  }

  /// x read through `strides` from `offset` into a contiguous `shape`.
  static func stridedCopy(_ x: Tensor, shape: [Int], strides: [Int], offset: Int = 0) -> Tensor {
    let v = x.scalars
    return Tensor(shape: shape, scalars: multiIndices(shape).map { v[offset + dot($0, strides)] })
  }

  // MARK: Softmax and layer norm

  /// Row softmax / log-softmax with an optional full-shape mask, in Double.
  static func softmaxRows(_ x: Tensor, mask: Tensor?, log: Bool) -> Tensor {
    let cols = x.shape.last!, v = x.scalars, m = mask?.scalars
    var out = [Float](repeating: 0, count: x.count)
    for r in 0..<(cols == 0 ? 0 : x.count / cols) {
      let kept = (0..<cols).filter { m == nil || m![r * cols + $0] != 0 }
      if kept.isEmpty { continue }
      let mx = kept.map { Double(v[r * cols + $0]) }.max()!
      let total = kept.reduce(0.0) { $0 + Foundation.exp(Double(v[r * cols + $1]) - mx) }
      for c in kept {
        let z = Double(v[r * cols + c]) - mx
        out[r * cols + c] = Float(log ? z - Foundation.log(total) : Foundation.exp(z) / total)
      }
    }
    return Tensor(shape: x.shape, scalars: out)
  }

  /// Layer norm over the last axis in Double: (y, mean, rstd).
  static func layerNorm(_ x: Tensor, gamma: Tensor?, beta: Tensor?, eps: Float) -> (Tensor, [Double], [Double]) {
    let cols = x.shape.last!, v = x.scalars.map(Double.init), rows = x.count / Swift.max(cols, 1)
    let gv = gamma?.scalars, bv = beta?.scalars
    var out = [Float](repeating: 0, count: x.count), means: [Double] = [], rstds: [Double] = []
    for r in 0..<rows {
      let row = v[(r * cols)..<((r + 1) * cols)]
      let mu = row.reduce(0, +) / Double(cols)
      let variance = row.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(cols)
      let rs = 1 / (variance + Double(eps)).squareRoot()
      means.append(mu)
      rstds.append(rs)
      for c in 0..<cols {
        let xh = (v[r * cols + c] - mu) * rs
        out[r * cols + c] = Float(xh * Double(gv?[c] ?? 1) + Double(bv?[c] ?? 0))
      }
    }
    return (Tensor(shape: x.shape, scalars: out), means, rstds)
  }

  /// Layer norm backward in Double: (dx, dgamma, dbeta); see kernels.c for the formula.
  static func layerNormBackward(_ x: Tensor, gamma: Tensor?, dy: Tensor, eps: Float) -> (Tensor, Tensor, Tensor) {
    let cols = x.shape.last!, rows = x.count / Swift.max(cols, 1)
    let (_, means, rstds) = layerNorm(x, gamma: nil, beta: nil, eps: eps)
    let v = x.scalars.map(Double.init), g = dy.scalars.map(Double.init), gv = gamma?.scalars.map(Double.init)
    var dx = [Float](repeating: 0, count: x.count)
    var dgamma = [Double](repeating: 0, count: cols), dbeta = [Double](repeating: 0, count: cols)
    for r in 0..<rows {
      let xh = (0..<cols).map { (v[r * cols + $0] - means[r]) * rstds[r] }
      let gg = (0..<cols).map { g[r * cols + $0] * (gv?[$0] ?? 1) }
      let mg = gg.reduce(0, +) / Double(cols)
      let mgx = zip(gg, xh).reduce(0) { $0 + $1.0 * $1.1 } / Double(cols)
      for c in 0..<cols {
        dx[r * cols + c] = Float(rstds[r] * (gg[c] - mg - xh[c] * mgx))
        dgamma[c] += g[r * cols + c] * xh[c]
        dbeta[c] += g[r * cols + c]
      }
    }
    return (Tensor(shape: x.shape, scalars: dx), Tensor(dgamma.map(Float.init)), Tensor(dbeta.map(Float.init)))
  }

  // MARK: Helpers

  /// All multi-indices of `shape` in row-major order.
  static func multiIndices(_ shape: [Int]) -> [[Int]] { Tensor.rowMajorIndices(shape) }

  static func dot(_ a: [Int], _ b: [Int]) -> Int { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
}

extension Tensor {
  /// All multi-indices of `shape` in row-major order (the last axis fastest). Shapes: [] → [[]].
  public static func rowMajorIndices(_ shape: [Int]) -> [[Int]] {
    let total = elementCount(shape)
    if total == 0 { return [] }
    var out: [[Int]] = []
    out.reserveCapacity(total)
    var idx = [Int](repeating: 0, count: shape.count)
    for _ in 0..<total {
      out.append(idx)
      var k = shape.count - 1
      while k >= 0 {
        idx[k] += 1
        if idx[k] < shape[k] { break }
        idx[k] = 0
        k -= 1
      }
    }
    return out
  }
}
