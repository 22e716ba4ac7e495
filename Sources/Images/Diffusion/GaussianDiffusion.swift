// Gaussian diffusion for images (Ho, Jain and Abbeel, "Denoising Diffusion Probabilistic Models";
// Song, Meng and Ermon, "Denoising Diffusion Implicit Models") on DiffusionCore's cosine schedule
// (Nichol and Dhariwal's ᾱ_t; step 0 is the clean image, ᾱ_0 = 1). Images live in [−1, 1] here
// (x = 2·v − 1 of the [0, 1] values).
//   forward:      x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε,  ε ~ N(0, I)
//   loss:         mean over elements of (ε̂(x_t, t) − ε)²
//   clean guess:  x̂_0 = (x_t − √(1 − ᾱ_t) · ε̂) / √ᾱ_t
//   DDPM step:    x_{t−1} = (x_t − β_t / √(1 − ᾱ_t) · ε̂) / √(1 − β_t) + σ_t · z,
//                 σ_t² = β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) (the posterior variance; 0 at t = 1)
//   DDIM step:    x_s = √ᾱ_s · x̂_0 + √(1 − ᾱ_s) · ε̂   (η = 0: deterministic), s < t
//   DDIM inversion runs the same map from s up to t with ε̂ taken at (x_s, s): image → x_T,
//   the encoding a diffusion autoencoder decodes back.
// Sampling clips x̂_0 to the data range [−1, 1] before each move (as DDPM's and DDIM's reference
// samplers do): near T, √ᾱ_t is tiny and the division would amplify the prediction's error into
// values far outside any image; the noise direction ε̂ is then recomputed from the clipped x̂_0
// so the move stays on the path through it. Inversion never clips (it must be invertible).
// Here β_t = 1 − ᾱ_t / ᾱ_{t−1}, so Π(1 − β) = ᾱ exactly.

import DiffusionCore
import Foundation
import Tensor

/// The noise process and samplers of image diffusion.
public struct GaussianDiffusion: Sendable {
  /// The schedule (ᾱ_t for t = 0…T).
  public let schedule: CosineNoiseSchedule

  /// A process of `stepCount` steps on the cosine schedule.
  public init(stepCount: Int) { schedule = CosineNoiseSchedule(stepCount: stepCount) }

  /// T.
  public var stepCount: Int { schedule.stepCount }

  /// ᾱ_t.
  public func alphaBar(_ t: Int) -> Float { Float(schedule.alphaBars[t]) }

  /// β_t = 1 − ᾱ_t / ᾱ_{t−1} (t ≥ 1).
  public func beta(_ t: Int) -> Float { Float(1 - schedule.alphaBars[t] / schedule.alphaBars[t - 1]) }

  /// Per-image coefficients as a [N, 1, 1, 1] tensor.
  static func perImage(_ values: [Float]) -> Tensor { Tensor(shape: [values.count, 1, 1, 1], scalars: values) }

  /// x_t for clean images x0 [N, C, H, W] at per-image steps, with the given noise ε (same shape).
  public func noised(_ x0: Tensor, steps: [Int], noise: Tensor) -> Tensor {
    precondition(x0.rank == 4 && steps.count == x0.shape[0] && noise.shape == x0.shape, "noised: x0 \(x0.shape), \(steps.count) steps, noise \(noise.shape)")
    precondition(steps.allSatisfy { $0 >= 0 && $0 <= stepCount }, "noised: a step is outside 0...\(stepCount)")
    let a = Self.perImage(steps.map { alphaBar($0).squareRoot() }), s = Self.perImage(steps.map { (1 - alphaBar($0)).squareRoot() })
    return x0 * a + noise * s
  }

  /// The ε-prediction loss for a predicted noise and the true one (mean over all elements).
  public static func loss(predictedNoise: Tensor, noise: Tensor) -> Tensor {
    precondition(predictedNoise.shape == noise.shape, "loss: predicted \(predictedNoise.shape) vs noise \(noise.shape)")
    let d = predictedNoise - noise
    return (d * d).sum() * (1 / Float(noise.count))
  }

  /// The clean image the predicted noise implies at step t (t ≥ 1).
  public func predictedClean(_ xt: Tensor, predictedNoise eps: Tensor, step t: Int) -> Tensor {
    let a = alphaBar(t)
    return (xt - eps * (1 - a).squareRoot()) * (1 / a.squareRoot())
  }

  /// One DDPM step t → t − 1 (t ≥ 1); the noise z is drawn from `rng` except at t = 1.
  public func ddpmStep(_ xt: Tensor, predictedNoise eps: Tensor, step t: Int, using rng: inout RandomGenerator) -> Tensor {
    precondition(t >= 1 && t <= stepCount, "ddpmStep: step \(t) is outside 1...\(stepCount)")
    let (b, a) = (beta(t), alphaBar(t))
    let mean = (xt - eps * (b / (1 - a).squareRoot())) * (1 / (1 - b).squareRoot())
    guard t > 1 else { return mean }
    let variance = b * (1 - alphaBar(t - 1)) / (1 - a)
    return mean + Tensor.normal(xt.shape, using: &rng) * variance.squareRoot()
  }

  /// One deterministic DDIM move from step t to step s (s < t: denoising; s > t: inversion,
  /// with ε̂ predicted at the starting step t). With `clip`, x̂_0 is clipped to [−1, 1] and ε̂
  /// recomputed from it (sampling only).
  public func ddimMove(_ x: Tensor, predictedNoise eps: Tensor, from t: Int, to s: Int, clip: Bool = false) -> Tensor {
    precondition(t >= 0 && s >= 0 && t <= stepCount && s <= stepCount && t != s, "ddimMove: \(t) → \(s) outside 0...\(stepCount)")
    let a = alphaBar(t), target = alphaBar(s)
    var clean = (x - eps * (1 - a).squareRoot()) * (1 / a.squareRoot())
    var noise = eps
    if clip && a < 1 {
      clean = clean.clamped(min: -1, max: 1)
      noise = (x - clean * a.squareRoot()) * (1 / (1 - a).squareRoot())
    }
    return clean * target.squareRoot() + noise * (1 - target).squareRoot()
  }

  /// Evenly spaced steps from T down to 0 for a sampler of `count` moves (T, …, 0).
  public func strides(_ count: Int) -> [Int] {
    precondition(count >= 1 && count <= stepCount, "strides: \(count) moves for T = \(stepCount)")
    return (0...count).map { Int((Double(stepCount) * Double(count - $0) / Double(count)).rounded()) }
  }

  /// DDIM sampling from x at step `steps[0]` through `steps` (decreasing, ending at 0), with the
  /// (guided) noise prediction `predict(x, t)`; `clip` keeps x̂_0 in the data range [−1, 1].
  public func ddimSample(from x: Tensor, steps: [Int], clip: Bool = true, predict: (Tensor, Int) throws -> Tensor) rethrows -> Tensor {
    precondition(steps.count >= 2 && zip(steps, steps.dropFirst()).allSatisfy { $0 > $1 }, "ddimSample: steps \(steps) must decrease")
    var current = x
    for (t, s) in zip(steps, steps.dropFirst()) {
      current = ddimMove(current, predictedNoise: try predict(current, t), from: t, to: s, clip: clip)
    }
    return current
  }

  /// DDIM inversion: the same moves upwards (steps increasing from 0), ε̂ taken at the lower step.
  public func ddimInvert(_ x0: Tensor, steps: [Int], predict: (Tensor, Int) throws -> Tensor) rethrows -> Tensor {
    precondition(steps.count >= 2 && zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 }, "ddimInvert: steps \(steps) must increase")
    var current = x0
    for (s, t) in zip(steps, steps.dropFirst()) {
      current = ddimMove(current, predictedNoise: try predict(current, s), from: s, to: t)
    }
    return current
  }
}
