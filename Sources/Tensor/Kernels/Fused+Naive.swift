// Naive references for the fused and convolution kernels (Fused+C.swift, Convolution+C.swift):
// plain loops in Double, written for clarity. The tests compare the fast kernels with these.

import CTensorKernels
import Foundation

extension NaiveKernels {
  /// a·b + c or select(a, b, c) with broadcasting.
  static func ternary(_ op: ctk_ternary_op, _ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
    let shape = Tensor.broadcastShape(Tensor.broadcastShape(a.shape, b.shape)!, c.shape)!
    let (av, bv, cv) = (a.scalars, b.scalars, c.scalars)
    let (sa, sb, sc) = (Tensor.broadcastStrides(of: a.shape, to: shape), Tensor.broadcastStrides(of: b.shape, to: shape),
                        Tensor.broadcastStrides(of: c.shape, to: shape))
    return Tensor(shape: shape, scalars: multiIndices(shape).map { i in
      let (x, y, z) = (av[dot(i, sa)], bv[dot(i, sb)], cv[dot(i, sc)])
      return op == CTK_FMA ? Float(Double(x) * Double(y) + Double(z)) : (x != 0 ? y : z)
    })
  }

  /// Softmax over `axis` with a mask already broadcast to x's shape (or nil), in Double.
  static func softmaxAxis(_ x: Tensor, axis: Int, mask: Tensor?) -> Tensor {
    var lineShape = x.shape
    lineShape[axis] = 1
    let strides = Tensor.strides(of: x.shape), v = x.scalars, m = mask?.scalars
    var out = [Float](repeating: 0, count: x.count)
    for start in multiIndices(lineShape) {
      let positions = (0..<x.shape[axis]).map { k -> Int in
        var i = start
        i[axis] = k
        return dot(i, strides)
      }
      let kept = positions.filter { m == nil || m![$0] != 0 }
      guard let mx = kept.map({ Double(v[$0]) }).max() else { continue }
      let total = kept.reduce(0.0) { $0 + Foundation.exp(Double(v[$1]) - mx) }
      for p in kept { out[p] = Float(Foundation.exp(Double(v[p]) - mx) / total) }
    }
    return Tensor(shape: x.shape, scalars: out)
  }

  /// act(x + bias) in Double.
  static func biasActivation(_ act: ctk_unary_op, _ x: Tensor, bias: Tensor?) -> Tensor {
    let cols = x.shape.last!, bv = bias?.scalars
    return Tensor(shape: x.shape, scalars: x.scalars.enumerated().map { i, v in
      Float(unaryValue(act, Double(v) + Double(bv?[i % cols] ?? 0)))
    })
  }

  /// Direct 2-D convolution (seven nested loops) in Double. Shapes as Tensor.conv2d.
  static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, _ g: WindowGeometry) -> Tensor {
    let (outChannels, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
    let (oh, ow) = (g.outHeight, g.outWidth)
    let xv = x.scalars, wv = weight.scalars, bv = bias?.scalars
    var out = [Float](repeating: 0, count: g.batch * outChannels * oh * ow)
    for n in 0..<g.batch {
      for o in 0..<outChannels {
        for oy in 0..<oh {
          for ox in 0..<ow {
            var s = Double(bv?[o] ?? 0)
            for c in 0..<g.channels {
              for ki in 0..<kh {
                for kj in 0..<kw {
                  let iy = oy * g.stride.0 - g.padding.0 + ki * g.dilation.0
                  let ix = ox * g.stride.1 - g.padding.1 + kj * g.dilation.1
                  guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                  s += Double(xv[((n * g.channels + c) * g.height + iy) * g.width + ix])
                    * Double(wv[((o * g.channels + c) * kh + ki) * kw + kj])
                }
              }
            }
            out[((n * outChannels + o) * oh + oy) * ow + ox] = Float(s)
          }
        }
      }
    }
    return Tensor(shape: [g.batch, outChannels, oh, ow], scalars: out)
  }

  /// Max (or average, divisor kh·kw) pooling in Double.
  static func pool2d(_ x: Tensor, _ g: WindowGeometry, max: Bool) -> Tensor {
    let (oh, ow) = (g.outHeight, g.outWidth), xv = x.scalars
    var out: [Float] = []
    for plane in 0..<(g.batch * g.channels) {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var window: [Double] = []
          for ki in 0..<g.kernel.0 {
            for kj in 0..<g.kernel.1 {
              let iy = oy * g.stride.0 - g.padding.0 + ki, ix = ox * g.stride.1 - g.padding.1 + kj
              guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
              window.append(Double(xv[(plane * g.height + iy) * g.width + ix]))
            }
          }
          out.append(Float(max ? (window.max() ?? -.infinity) : window.reduce(0, +) / Double(g.kernel.0 * g.kernel.1)))
        }
      }
    }
    return Tensor(shape: [g.batch, g.channels, oh, ow], scalars: out)
  }

  /// groupNormalizedSiLU in Double, straight from its definition: per (image, group) mean and
  /// biased variance, then silu((x̂ γ + β)(1 + s) + t).
  static func groupNormSiLU(_ x: Tensor, groups: Int, gamma: Tensor, beta: Tensor, scale: Tensor?, shift: Tensor?, eps: Float) -> Tensor {
    let (n, c) = (x.shape[0], x.shape[1]), positions = x.shape[2] * x.shape[3], perGroup = c / groups
    let v = x.scalars.map(Double.init), gv = gamma.scalars, bv = beta.scalars, sv = scale?.scalars, tv = shift?.scalars
    var out = [Float](repeating: 0, count: x.count)
    for image in 0..<n {
      for group in 0..<groups {
        let start = (image * c + group * perGroup) * positions, end = start + perGroup * positions
        let mu = v[start..<end].reduce(0, +) / Double(end - start)
        let variance = v[start..<end].reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(end - start)
        for i in start..<end {
          let channel = (i / positions) % c
          let a = (v[i] - mu) / (variance + Double(eps)).squareRoot() * Double(gv[channel]) + Double(bv[channel])
          let b = a * (1 + Double(sv?[image * c + channel] ?? 0)) + Double(tv?[image * c + channel] ?? 0)
          out[i] = Float(b / (1 + Foundation.exp(-b)))
        }
      }
    }
    return Tensor(shape: x.shape, scalars: out)
  }
}
