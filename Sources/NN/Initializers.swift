// Parameter initialisers (PyTorch's defaults, so models behave like their reference code).

/// How to initialise a weight tensor of shape [fanOut, fanIn, ...].
public enum Initializer: Sendable, Equatable {
  /// U(−b, b) with b = 1/sqrt(fanIn): PyTorch's default for Linear and Conv
  /// (kaiming_uniform with a = √5 gives gain √(2/(1+5)) and bound gain·√(3/fanIn) = 1/√fanIn).
  case pytorchDefault
  /// Glorot/Xavier uniform: U(−b, b), b = gain·sqrt(6/(fanIn + fanOut)).
  case xavierUniform(gain: Float)
  /// Kaiming/He normal for ReLU: N(0, 2/fanIn).
  case kaimingNormal
  /// N(0, std²).
  case normal(std: Float)
  /// All zeros.
  case zeros
  /// All ones.
  case ones

  /// A tensor of `shape` initialised by this rule; fanIn = product of all but the first extent.
  public func make(_ shape: [Int], using rng: inout RandomGenerator) -> Tensor {
    let fanOut = shape.first ?? 1
    let fanIn = Swift.max(1, shape.dropFirst().reduce(1, *))
    switch self {
    case .pytorchDefault:
      let b = 1 / Float(fanIn).squareRoot()
      return Tensor.uniform(shape, low: -b, high: b, using: &rng)
    case .xavierUniform(let gain):
      let b = gain * (6 / Float(fanIn + fanOut)).squareRoot()
      return Tensor.uniform(shape, low: -b, high: b, using: &rng)
    case .kaimingNormal:
      return Tensor.normal(shape, std: (2 / Float(fanIn)).squareRoot(), using: &rng)
    case .normal(let std):
      return Tensor.normal(shape, std: std, using: &rng)
    case .zeros:
      return Tensor.zeros(shape)
    case .ones:
      return Tensor.ones(shape)
    }
  }
}
