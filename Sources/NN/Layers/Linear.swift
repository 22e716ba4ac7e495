// Dense layers.

/// Activation functions for layers and MLPs.
public enum Activation: String, Sendable, Codable, CaseIterable {
  /// Identity.
  case none
  /// max(x, 0).
  case relu
  /// GELU (tanh approximation).
  case gelu
  /// x·sigmoid(x).
  case silu
  /// tanh.
  case tanh
  /// 1/(1+e^−x).
  case sigmoid

  /// Applies the activation elementwise.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    switch self {
    case .none: return x
    case .relu: return x.relu()
    case .gelu: return x.gelu()
    case .silu: return x.silu()
    case .tanh: return x.tanh()
    case .sigmoid: return x.sigmoid()
    }
  }
}

/// y = x Wᵀ + b. Weight stored [out, in] as in PyTorch, so checkpoints map one-to-one.
public struct Linear: ParameterTree, Sendable {
  /// Weight, shape [outputs, inputs].
  public var weight: Tensor
  /// Bias, shape [outputs], or nil.
  public var bias: Tensor?

  /// A layer with `inputs` → `outputs` features, initialised like PyTorch's nn.Linear.
  public init(inputs: Int, outputs: Int, bias: Bool = true, initializer: Initializer = .pytorchDefault,
              using rng: inout RandomGenerator) {
    weight = initializer.make([outputs, inputs], using: &rng)
    if bias {
      let b = 1 / Float(Swift.max(inputs, 1)).squareRoot()
      self.bias = Tensor.uniform([outputs], low: -b, high: b, using: &rng)
    } else {
      self.bias = nil
    }
  }

  /// A layer with the given parameters (weight [out, in], bias [out]).
  public init(weight: Tensor, bias: Tensor?) {
    precondition(weight.rank == 2, "Linear: weight must be [out, in], got \(weight.shape)")
    precondition(bias == nil || bias!.shape == [weight.shape[0]], "Linear: bias \(bias!.shape) vs weight \(weight.shape)")
    self.weight = weight
    self.bias = bias
  }

  /// Input features.
  public var inputs: Int { weight.shape[1] }
  /// Output features.
  public var outputs: Int { weight.shape[0] }

  /// Shapes: [..., inputs] → [..., outputs].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    precondition(x.shape.last == inputs, "Linear(\(inputs)→\(outputs)): input shape \(x.shape)")
    return Tensor.linear(x, weight: weight, bias: bias)
  }

  /// Visits `weight` then `bias`.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("weight", &weight)
    if var b = bias {
      try body("bias", &b)
      bias = b
    }
  }
}

/// A multilayer perceptron: Linear, activation, ..., Linear (optionally activated at the end).
public struct MLP: ParameterTree, Sendable {
  /// The layers in order.
  public var layers: [Linear]
  /// Activation between layers.
  public var activation: Activation
  /// Whether the activation is also applied after the last layer.
  public var activateOutput: Bool

  /// An MLP with feature widths `widths` (e.g. [in, hidden, out]).
  public init(widths: [Int], activation: Activation = .relu, activateOutput: Bool = false,
              using rng: inout RandomGenerator) {
    precondition(widths.count >= 2, "MLP: needs at least input and output widths, got \(widths)")
    layers = (0..<(widths.count - 1)).map { Linear(inputs: widths[$0], outputs: widths[$0 + 1], using: &rng) }
    self.activation = activation
    self.activateOutput = activateOutput
  }

  /// Shapes: [..., widths.first] → [..., widths.last].
  /// A ReLU layer runs as `Tensor.linearReLU` (bias and ReLU applied as the product is stored),
  /// another activated layer as one product plus a fused bias + activation pass: the values of
  /// `activation(layer(h))` with fewer passes over large inputs.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var h = x
    for (i, layer) in layers.enumerated() {
      let activated = i < layers.count - 1 || activateOutput
      precondition(h.shape.last == layer.inputs, "MLP layer \(i) (\(layer.inputs)→\(layer.outputs)): input shape \(h.shape)")
      switch activated ? activation : .none {
      case .none: h = layer(h)
      case .relu: h = Tensor.linearReLU(h, weight: layer.weight, bias: layer.bias)
      default:
        let rows = Tensor.matmul(h.reshaped([-1, layer.inputs]), layer.weight, transposeB: true)
        h = rows.biasActivation(layer.bias, activation.fused).reshaped(Array(h.shape.dropLast()) + [layer.outputs])
      }
    }
    return h
  }

  /// Layers are named `layers.0.weight`, ...
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("layers", &layers, body)
  }
}

extension Activation {
  /// The same function as a fused bias + activation kernel choice.
  public var fused: Tensor.Activation {
    switch self {
    case .none: .identity
    case .relu: .relu
    case .gelu: .gelu
    case .silu: .silu
    case .tanh: .tanh
    case .sigmoid: .sigmoid
    }
  }
}
