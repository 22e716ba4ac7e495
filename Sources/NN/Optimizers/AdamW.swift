// AdamW (Loshchilov & Hutter, decoupled weight decay) with the AMSGrad option, PyTorch semantics.

/// AdamW optimiser state and hyper-parameters. Moments are kept per parameter path, so the
/// optimiser state can be saved beside a checkpoint and restored exactly.
public struct AdamW: Sendable {
  /// Learning rate (may be overridden per step by a schedule).
  public var learningRate: Float
  /// Exponential decay of the first moment.
  public var beta1: Float
  /// Exponential decay of the second moment.
  public var beta2: Float
  /// Added to the denominator for stability.
  public var eps: Float
  /// Decoupled weight decay coefficient.
  public var weightDecay: Float
  /// Whether to use the running maximum of the second moment (AMSGrad).
  public var amsgrad: Bool
  /// Number of steps taken so far.
  public private(set) var step: Int = 0
  /// First moments by parameter path.
  public private(set) var firstMoments: [String: Tensor] = [:]
  /// Second moments by parameter path.
  public private(set) var secondMoments: [String: Tensor] = [:]
  /// Running maxima of the second moments (AMSGrad) by parameter path.
  public private(set) var maxSecondMoments: [String: Tensor] = [:]

  /// An optimiser with PyTorch's AdamW defaults unless given.
  public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8,
              weightDecay: Float = 1e-2, amsgrad: Bool = false) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    self.weightDecay = weightDecay
    self.amsgrad = amsgrad
  }

  /// Applies one update to `parameters` from `gradients` (a tree of the same structure).
  /// `learningRate` overrides the stored rate for this step (e.g. from a schedule).
  public mutating func update<P: ParameterTree>(_ parameters: inout P, gradients: P, learningRate lr: Float? = nil) {
    step += 1
    let grads = gradients.namedParameters
    var i = 0
    let rate = lr ?? learningRate
    parameters.forEachParameter { name, p in
      precondition(i < grads.count && grads[i].0 == name, "AdamW: gradient tree does not match parameters at \(name)")
      let g = grads[i].1
      i += 1
      var m = firstMoments[name] ?? Tensor.zeros(p.shape)
      var v = secondMoments[name] ?? Tensor.zeros(p.shape)
      var vmax: Tensor? = amsgrad ? (maxSecondMoments[name] ?? Tensor.zeros(p.shape)) : nil
      // Drop the dictionary's references first so the buffers are unique and updated in place.
      firstMoments[name] = nil
      secondMoments[name] = nil
      maxSecondMoments[name] = nil
      Tensor.adamWStep(
        parameter: &p, gradient: g, firstMoment: &m, secondMoment: &v, maxSecondMoment: &vmax,
        learningRate: rate, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, step: step)
      firstMoments[name] = m
      secondMoments[name] = v
      if let vmax { maxSecondMoments[name] = vmax }
    }
  }

  /// The state as named tensors (for checkpoints): `m.<path>`, `v.<path>`, `vmax.<path>`.
  public var stateTensors: [String: Tensor] {
    var out: [String: Tensor] = [:]
    for (k, t) in firstMoments { out["m." + k] = t }
    for (k, t) in secondMoments { out["v." + k] = t }
    for (k, t) in maxSecondMoments { out["vmax." + k] = t }
    return out
  }

  /// Hyper-parameters and step as strings (for checkpoint metadata).
  public var stateMetadata: [String: String] {
    [
      "optimizer": "AdamW", "step": "\(step)", "lr": "\(learningRate)", "beta1": "\(beta1)",
      "beta2": "\(beta2)", "eps": "\(eps)", "weight_decay": "\(weightDecay)", "amsgrad": "\(amsgrad)",
    ]
  }

  /// Restores an optimiser saved with `stateTensors` and `stateMetadata`.
  public init(stateTensors: [String: Tensor], metadata: [String: String]) throws(CheckpointError) {
    func number(_ key: String) throws(CheckpointError) -> Float {
      guard let s = metadata[key], let v = Float(s) else { throw .invalid("optimizer state lacks '\(key)'") }
      return v
    }
    guard metadata["optimizer"] == "AdamW", let s = metadata["step"], let step = Int(s) else {
      throw .invalid("optimizer state is not an AdamW state (metadata: \(metadata.keys.sorted()))")
    }
    self.init(learningRate: try number("lr"), beta1: try number("beta1"), beta2: try number("beta2"),
              eps: try number("eps"), weightDecay: try number("weight_decay"), amsgrad: metadata["amsgrad"] == "true")
    self.step = step
    for (k, t) in stateTensors {
      if k.hasPrefix("m.") { firstMoments[String(k.dropFirst(2))] = t }
      else if k.hasPrefix("v.") { secondMoments[String(k.dropFirst(2))] = t }
      else if k.hasPrefix("vmax.") { maxSecondMoments[String(k.dropFirst(5))] = t }
      else { throw .invalid("unknown optimizer tensor '\(k)'") }
    }
  }
}

/// Scales `gradients` so their global L2 norm is at most `maxNorm`; returns the norm before
/// clipping (PyTorch's clip_grad_norm_).
@discardableResult
public func clipGradientNorm<P: ParameterTree>(_ gradients: inout P, maxNorm: Float) -> Float {
  var sumSquares = 0.0
  for (_, g) in gradients.namedParameters { sumSquares += Double(g.squared().sum().scalar) }
  let norm = Float(sumSquares.squareRoot())
  if norm > maxNorm && norm > 0 {
    let scale = maxNorm / (norm + 1e-6)
    gradients.forEachParameter { _, g in g = g * scale }
  }
  return norm
}

/// A learning rate as a function of the step (1-based).
public enum LearningRateSchedule: Sendable, Codable, Equatable {
  /// The same rate at every step.
  case constant(Float)
  /// Linear warm-up from 0 to `peak` over `warmup` steps, then constant.
  case warmup(peak: Float, warmup: Int)
  /// Linear warm-up, then cosine decay from `peak` to `floor` at `total` steps.
  case warmupCosine(peak: Float, floor: Float, warmup: Int, total: Int)
  /// Multiply by `factor` every `every` steps.
  case stepDecay(initial: Float, factor: Float, every: Int)

  /// The rate at `step` (1-based).
  public func rate(at step: Int) -> Float {
    switch self {
    case .constant(let r): return r
    case .warmup(let peak, let warmup):
      return warmup > 0 && step < warmup ? peak * Float(step) / Float(warmup) : peak
    case .warmupCosine(let peak, let floor, let warmup, let total):
      if warmup > 0 && step < warmup { return peak * Float(step) / Float(warmup) }
      let span = Swift.max(1, total - warmup)
      let progress = Swift.min(1, Double(step - warmup) / Double(span))
      // cos goes 1 → −1 over progress 0 → 1; (1 + cos)/2 goes 1 → 0.
      let c = (1 + cosine(Double.pi * progress)) / 2
      return floor + (peak - floor) * Float(c)
    case .stepDecay(let initial, let factor, let every):
      var r = initial
      for _ in 0..<(every > 0 ? (step - 1) / every : 0) { r *= factor }
      return r
    }
  }
}

/// cos(x) for x in [0, π] by Taylor series with range halving (portable; no libm dependency).
private func cosine(_ x: Double) -> Double {
  // cos(x) = 1 − 2 sin²(x/2); sin by its series on [0, π/2], which converges quickly.
  let h = x / 2
  var term = h, sum = h
  for k in 1...12 {
    term *= -h * h / Double((2 * k) * (2 * k + 1))
    sum += term
  }
  return 1 - 2 * sum * sum
}
