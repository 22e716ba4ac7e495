// Double-precision reference implementations of the tensor ops, written as plain loops over flat
// row-major arrays. Gradient checks take finite differences of these (Double, so a tiny step is
// accurate), and op tests compare Float results against them. Deliberately naive: clarity only.

import Foundation
import Tensor

/// Plain Double reference implementations of tensor ops on flat row-major arrays.
public enum Reference {
  /// All multi-indices of `shape` in row-major order.
  public static func indices(_ shape: [Int]) -> [[Int]] { Tensor.rowMajorIndices(shape) }

  /// Flat offset of a multi-index in a row-major `shape`.
  public static func offset(_ idx: [Int], _ shape: [Int]) -> Int {
    zip(idx, shape).reduce(0) { $0 * $1.1 + $1.0 }
  }

  /// NumPy broadcast shape.
  public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let r = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: r - a.count) + a, pb = [Int](repeating: 1, count: r - b.count) + b
    return zip(pa, pb).map { x, y in
      precondition(x == y || x == 1 || y == 1, "Reference.broadcastShape: \(a) vs \(b)")
      return max(x, y)
    }
  }

  /// x of `shape` repeated to `target` (NumPy broadcasting).
  public static func broadcast(_ x: [Double], _ shape: [Int], to target: [Int]) -> [Double] {
    let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
    return indices(target).map { idx in x[offset(zip(idx, padded).map { $1 == 1 ? 0 : $0 }, padded)] }
  }

  /// Elementwise f(a, b) with broadcasting.
  public static func binary(_ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int],
                            _ f: (Double, Double) -> Double) -> [Double] {
    let s = broadcastShape(aShape, bShape)
    return zip(broadcast(a, aShape, to: s), broadcast(b, bShape, to: s)).map(f)
  }

  /// Reduces `axes` with `combine` starting from `initial`; returns the values (kept-dims order).
  public static func reduce(_ x: [Double], _ shape: [Int], axes: [Int], initial: Double,
                            _ combine: (Double, Double) -> Double) -> [Double] {
    let outShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    var out = [Double](repeating: initial, count: outShape.reduce(1, *))
    for (flat, idx) in indices(shape).enumerated() {
      let o = offset(idx.enumerated().map { axes.contains($0.offset) ? 0 : $0.element }, outShape)
      out[o] = combine(out[o], x[flat])
    }
    return out
  }

  /// Sum over `axes`.
  public static func sum(_ x: [Double], _ shape: [Int], axes: [Int]) -> [Double] {
    reduce(x, shape, axes: axes, initial: 0, +)
  }

  /// Mean over `axes`.
  public static func mean(_ x: [Double], _ shape: [Int], axes: [Int]) -> [Double] {
    let n = Double(axes.reduce(1) { $0 * shape[$1] })
    return sum(x, shape, axes: axes).map { $0 / n }
  }

  /// Biased variance over `axes`.
  public static func variance(_ x: [Double], _ shape: [Int], axes: [Int]) -> [Double] {
    let keptShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    let mu = broadcast(mean(x, shape, axes: axes), keptShape, to: shape)
    return mean(zip(x, mu).map { ($0 - $1) * ($0 - $1) }, shape, axes: axes)
  }

  /// Axes reordered: result axis i is input axis `axes[i]`.
  public static func permute(_ x: [Double], _ shape: [Int], _ axes: [Int]) -> [Double] {
    let outShape = axes.map { shape[$0] }
    return indices(outShape).map { oi in
      var src = [Int](repeating: 0, count: shape.count)
      for (i, a) in axes.enumerated() { src[a] = oi[i] }
      return x[offset(src, shape)]
    }
  }

  /// Batched matrix product: a [b..., m, k] (or stored transposed), b [k, n] or [b..., k, n].
  public static func matmul(_ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int],
                            transposeA: Bool = false, transposeB: Bool = false) -> [Double] {
    let (ar, ac) = (aShape[aShape.count - 2], aShape[aShape.count - 1])
    let (br, bc) = (bShape[bShape.count - 2], bShape[bShape.count - 1])
    let (m, k) = transposeA ? (ac, ar) : (ar, ac)
    let n = transposeB ? br : bc
    let batch = aShape.dropLast(2).reduce(1, *)
    let shared = bShape.count == 2
    var out: [Double] = []
    for t in 0..<batch {
      let ao = t * ar * ac, bo = shared ? 0 : t * br * bc
      for i in 0..<m {
        for j in 0..<n {
          var s = 0.0
          for p in 0..<k {
            let x = transposeA ? a[ao + p * ac + i] : a[ao + i * ac + p]
            let y = transposeB ? b[bo + j * bc + p] : b[bo + p * bc + j]
            s += x * y
          }
          out.append(s)
        }
      }
    }
    return out
  }

  /// Softmax (or log-softmax) over the last axis; `mask` (same shape, or nil) drops entries
  /// (probability 0, log-probability written as 0); fully masked rows are zeros.
  public static func softmax(_ x: [Double], _ shape: [Int], mask: [Double]? = nil, log: Bool = false) -> [Double] {
    let c = shape.last!
    var out = [Double](repeating: 0, count: x.count)
    for r in 0..<(c == 0 ? 0 : x.count / c) {
      let kept = (0..<c).filter { mask == nil || mask![r * c + $0] != 0 }
      guard let mx = kept.map({ x[r * c + $0] }).max() else { continue }
      let total = kept.reduce(0.0) { $0 + Foundation.exp(x[r * c + $1] - mx) }
      for j in kept { out[r * c + j] = log ? x[r * c + j] - mx - Foundation.log(total) : Foundation.exp(x[r * c + j] - mx) / total }
    }
    return out
  }

  /// Layer norm over the last axis with optional gamma/beta [c].
  public static func layerNorm(_ x: [Double], _ shape: [Int], gamma: [Double]?, beta: [Double]?, eps: Double = 1e-5) -> [Double] {
    let c = shape.last!
    var out = [Double](repeating: 0, count: x.count)
    for r in 0..<(x.count / c) {
      let row = x[(r * c)..<((r + 1) * c)]
      let mu = row.reduce(0, +) / Double(c)
      let v = row.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(c)
      for j in 0..<c { out[r * c + j] = (x[r * c + j] - mu) / (v + eps).squareRoot() * (gamma?[j] ?? 1) + (beta?[j] ?? 0) }
    }
    return out
  }

  /// Direct 2-D convolution. x [N, C, H, W], w [O, C, kh, kw], bias [O] → [N, O, H', W'].
  public static func conv2d(_ x: [Double], _ xShape: [Int], _ w: [Double], _ wShape: [Int], bias: [Double]?,
                            stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> [Double] {
    let (nb, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
    let (o, kh, kw) = (wShape[0], wShape[2], wShape[3])
    let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let ow = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    var out: [Double] = []
    for n in 0..<nb { for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
      var s = bias?[oc] ?? 0
      for ic in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
        let iy = oy * stride.0 - padding.0 + ki * dilation.0, ix = ox * stride.1 - padding.1 + kj * dilation.1
        if iy >= 0 && iy < h && ix >= 0 && ix < wd {
          s += x[((n * c + ic) * h + iy) * wd + ix] * w[((oc * c + ic) * kh + ki) * kw + kj]
        }
      } } }
      out.append(s)
    } } } }
    return out
  }

  /// The pullbacks of `conv2d` for an output cotangent dy [N, O, H', W']: dx [N, C, H, W] and
  /// dw [O, C, kh, kw], each input pixel and weight collecting dy times what it multiplied.
  public static func conv2dGradients(_ x: [Double], _ xShape: [Int], _ w: [Double], _ wShape: [Int], dy: [Double],
                                     stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> (dx: [Double], dw: [Double]) {
    let (nb, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
    let (o, kh, kw) = (wShape[0], wShape[2], wShape[3])
    let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let ow = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
    for n in 0..<nb { for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
      let g = dy[((n * o + oc) * oh + oy) * ow + ox]
      for ic in 0..<c { for ki in 0..<kh { for kj in 0..<kw {
        let iy = oy * stride.0 - padding.0 + ki * dilation.0, ix = ox * stride.1 - padding.1 + kj * dilation.1
        if iy >= 0 && iy < h && ix >= 0 && ix < wd {
          let xi = ((n * c + ic) * h + iy) * wd + ix, wi = ((oc * c + ic) * kh + ki) * kw + kj
          dx[xi] += g * w[wi]
          dw[wi] += g * x[xi]
        }
      } } }
    } } } }
    return (dx, dw)
  }

  /// Direct transposed convolution (scatter form). x [N, Cin, H, W], w [Cin, Cout, kh, kw]
  /// → [N, Cout, H', W'] with H' = (H − 1)s − 2p + d(kh − 1) + outputPadding + 1.
  public static func transposedConv2d(_ x: [Double], _ xShape: [Int], _ w: [Double], _ wShape: [Int], bias: [Double]?,
                                      stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int),
                                      dilation: (Int, Int)) -> [Double] {
    let (nb, cin, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
    let (cout, kh, kw) = (wShape[1], wShape[2], wShape[3])
    let oh = (h - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
    let ow = (wd - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
    var out = [Double](repeating: 0, count: nb * cout * oh * ow)
    for n in 0..<nb { for ic in 0..<cin { for iy in 0..<h { for ix in 0..<wd {
      let v = x[((n * cin + ic) * h + iy) * wd + ix]
      for oc in 0..<cout { for ki in 0..<kh { for kj in 0..<kw {
        let oy = iy * stride.0 - padding.0 + ki * dilation.0, ox = ix * stride.1 - padding.1 + kj * dilation.1
        if oy >= 0 && oy < oh && ox >= 0 && ox < ow {
          out[((n * cout + oc) * oh + oy) * ow + ox] += v * w[((ic * cout + oc) * kh + ki) * kw + kj]
        }
      } } }
    } } } }
    if let bias {
      for n in 0..<nb { for oc in 0..<cout { for p in 0..<(oh * ow) { out[(n * cout + oc) * oh * ow + p] += bias[oc] } } }
    }
    return out
  }

  /// Max or average (divisor kh·kw) 2-D pooling. x [N, C, H, W] → [N, C, H', W'].
  public static func pool2d(_ x: [Double], _ shape: [Int], kernel: (Int, Int), stride: (Int, Int),
                            padding: (Int, Int), max: Bool) -> [Double] {
    let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
    let oh = (h + 2 * padding.0 - kernel.0) / stride.0 + 1, ow = (w + 2 * padding.1 - kernel.1) / stride.1 + 1
    var out: [Double] = []
    for p in 0..<planes { for oy in 0..<oh { for ox in 0..<ow {
      var window: [Double] = []
      for ki in 0..<kernel.0 { for kj in 0..<kernel.1 {
        let iy = oy * stride.0 - padding.0 + ki, ix = ox * stride.1 - padding.1 + kj
        if iy >= 0 && iy < h && ix >= 0 && ix < w { window.append(x[(p * h + iy) * w + ix]) }
      } }
      out.append(max ? window.max()! : window.reduce(0, +) / Double(kernel.0 * kernel.1))
    } } }
    return out
  }

  /// Mean masked cross-entropy with probability targets: −(1/N) Σ_r m_r Σ_c t_rc log softmax(x_r)_c.
  public static func crossEntropy(_ logits: [Double], _ shape: [Int], targets: [Double], rowMask: [Double]?) -> Double {
    let c = shape.last!, rows = logits.count / c
    let logp = softmax(logits, shape, log: true)
    var total = 0.0, counted = 0.0
    for r in 0..<rows where (rowMask?[r] ?? 1) != 0 {
      counted += 1
      for j in 0..<c { total -= targets[r * c + j] * logp[r * c + j] }
    }
    return counted > 0 ? total / counted : 0
  }

  /// Eigenvalues (ascending) and eigenvectors (columns, largest-magnitude component positive) of
  /// a symmetric n×n matrix by cyclic Jacobi rotations.
  public static func symmetricEigen(_ a: [Double], n: Int) -> (values: [Double], vectors: [Double]) {
    var m = a, v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<100 {
      var off = 0.0
      for i in 0..<n { for j in 0..<n where i != j { off += m[i * n + j] * m[i * n + j] } }
      if off < 1e-30 { break }
      for p in 0..<n {
        for q in (p + 1)..<n where Swift.abs(m[p * n + q]) > 1e-300 {
          // Rotation that zeroes m[p][q]: tan(2θ) = 2 m_pq / (m_qq − m_pp).
          let theta = (m[q * n + q] - m[p * n + p]) / (2 * m[p * n + q])
          let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot(), s = t * c
          for k in 0..<n {
            let mkp = m[k * n + p], mkq = m[k * n + q]
            m[k * n + p] = c * mkp - s * mkq
            m[k * n + q] = s * mkp + c * mkq
          }
          for k in 0..<n {
            let mpk = m[p * n + k], mqk = m[q * n + k]
            m[p * n + k] = c * mpk - s * mqk
            m[q * n + k] = s * mpk + c * mqk
          }
          for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    let order = (0..<n).sorted { m[$0 * n + $0] < m[$1 * n + $1] }
    var values: [Double] = [], vectors = [Double](repeating: 0, count: n * n)
    for (j, col) in order.enumerated() {
      values.append(m[col * n + col])
      var largest = 0
      for i in 1..<max(n, 1) where Swift.abs(v[i * n + col]) > Swift.abs(v[largest * n + col]) { largest = i }
      let sign = v[largest * n + col] < 0 ? -1.0 : 1.0
      for i in 0..<n { vectors[i * n + j] = sign * v[i * n + col] }
    }
    return (values, vectors)
  }
}
