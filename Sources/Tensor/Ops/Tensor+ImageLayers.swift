// The pieces a U-Net needs beyond convolutions, composed from ops that carry their own backward
// rules (so their gradients follow; each still has a finite-difference check):
//   group norm:  x [N, C, H, W] viewed as [N, G, (C/G)·H·W], each row normalised to mean 0 and
//                variance 1 (biased, + eps), viewed back, then y = γ_c · x̂ + β_c
//                (Wu and He, "Group Normalization"; G = 1 is layer norm over C·H·W, G = C is
//                instance norm);
//   nearest upsampling by an integer factor f: y[n, c, i, j] = x[n, c, ⌊i/f⌋, ⌊j/f⌋], as a
//                broadcast of x [N, C, H, 1, W, 1] to [N, C, H, f, W, f] (its backward sums each
//                f × f block);
//   sinusoidal embeddings of diffusion steps (Vaswani et al.; Ho et al., DDPM):
//                e[t, 2k] = sin(t · ω_k), e[t, 2k + 1] = cos(t · ω_k), ω_k = 10000^(−k / (d/2)).

import Foundation

extension Tensor {
  /// Group normalisation with per-channel scale and shift (nil: none). Shapes: self [N, C, H, W]
  /// with C divisible by `groups`, gamma and beta [C] → [N, C, H, W].
  public func groupNormalized(groups: Int, gamma: Tensor?, beta: Tensor?, eps: Float = 1e-5) -> Tensor {
    precondition(rank == 4 && groups > 0 && shape[1] % groups == 0, "groupNorm: input \(shape) must be [N, C, H, W] with C divisible by \(groups) groups")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    precondition(gamma == nil || gamma!.shape == [c], "groupNorm: gamma \(gamma!.shape) must be [\(c)]")
    precondition(beta == nil || beta!.shape == [c], "groupNorm: beta \(beta!.shape) must be [\(c)]")
    var y = reshaped([n, groups, (c / groups) * h * w]).layerNormalized(gamma: nil, beta: nil, eps: eps).reshaped([n, c, h, w])
    if let gamma { y = y * gamma.reshaped([c, 1, 1]) }
    if let beta { y = y + beta.reshaped([c, 1, 1]) }
    return y
  }

  /// Group normalisation, its affine, an optional per-image modulation and SiLU in one op (a
  /// diffusion U-Net block's "norm → FiLM → SiLU"; two passes over x instead of six):
  /// y = silu((x̂ · gamma + beta) · (1 + scale) + shift), x̂ normalised over each image's groups.
  /// Shapes: x [N, C, H, W], gamma, beta [C], scale, shift [N, C] (both or neither) → [N, C, H, W].
  public func groupNormalizedSiLU(groups: Int, gamma: Tensor, beta: Tensor, scale: Tensor? = nil, shift: Tensor? = nil,
                                  eps: Float = 1e-5) -> Tensor {
    precondition(rank == 4 && groups > 0 && shape[1] % groups == 0, "groupNormalizedSiLU: input \(shape) must be [N, C, H, W] with C divisible by \(groups) groups")
    let (n, c) = (shape[0], shape[1])
    precondition(gamma.shape == [c] && beta.shape == [c], "groupNormalizedSiLU: gamma \(gamma.shape) and beta \(beta.shape) must be [\(c)]")
    precondition((scale == nil) == (shift == nil), "groupNormalizedSiLU: pass both scale and shift or neither")
    precondition(scale == nil || (scale!.shape == [n, c] && shift!.shape == [n, c]),
                 "groupNormalizedSiLU: scale \(scale?.shape ?? []) and shift \(shift?.shape ?? []) must be [\(n), \(c)]")
    let x = self.detached, (g, b) = (gamma.detached, beta.detached), (s, t) = (scale?.detached, shift?.detached)
    let (y, mean, rstd) = Kernels.groupNormSiLU(x, groups: groups, gamma: g, beta: b, scale: s, shift: t, eps: eps)
    var inputs = [self, gamma, beta]
    if let scale, let shift { inputs += [scale, shift] }
    return Tensor.recorded("groupNormSiLU", y, inputs: inputs) { dy in
      let grads = Kernels.groupNormSiLUBackward(x, dy: dy, groups: groups, gamma: g, beta: b, scale: s, shift: t, mean: mean, rstd: rstd)
      return s == nil ? [grads.dx, grads.dgamma, grads.dbeta] : [grads.dx, grads.dgamma, grads.dbeta, grads.dscale, grads.dshift]
    }
  }

  /// Nearest-neighbour upsampling by `factor` in both directions. Shapes: [N, C, H, W] →
  /// [N, C, factor·H, factor·W].
  public func upsampledNearest(factor: Int) -> Tensor {
    precondition(rank == 4 && factor >= 1, "upsampledNearest: input \(shape) must be [N, C, H, W], factor \(factor) ≥ 1")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    return reshaped([n, c, h, 1, w, 1]).broadcast(to: [n, c, h, factor, w, factor]).reshaped([n, c, h * factor, w * factor])
  }

  /// Sinusoidal embeddings of `steps` (not differentiable: steps are data). Shapes: steps.count
  /// values → [steps.count, dimension] (dimension even).
  public static func sinusoidalEmbedding(of steps: [Float], dimension: Int) -> Tensor {
    precondition(dimension > 0 && dimension % 2 == 0, "sinusoidalEmbedding: dimension \(dimension) must be even and positive")
    let half = dimension / 2
    var values = [Float](repeating: 0, count: steps.count * dimension)
    for (row, t) in steps.enumerated() {
      for k in 0..<half {
        let angle = Double(t) * Foundation.pow(10000, -Double(k) / Double(half))
        values[row * dimension + 2 * k] = Float(Foundation.sin(angle))
        values[row * dimension + 2 * k + 1] = Float(Foundation.cos(angle))
      }
    }
    return Tensor(shape: [steps.count, dimension], scalars: values)
  }
}
