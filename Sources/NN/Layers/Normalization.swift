// Normalisation and embedding layers.

/// Layer normalisation over the last axis with learned scale and shift.
public struct LayerNorm: ParameterTree, Sendable {
  /// Scale, shape [features] (initialised to 1).
  public var gamma: Tensor
  /// Shift, shape [features] (initialised to 0).
  public var beta: Tensor
  /// Added to the variance for stability.
  public var eps: Float

  /// A layer norm over `features` channels.
  public init(features: Int, eps: Float = 1e-5) {
    gamma = Tensor.ones([features])
    beta = Tensor.zeros([features])
    self.eps = eps
  }

  /// Shapes: [..., features] → [..., features].
  public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNormalized(gamma: gamma, beta: beta, eps: eps) }

  /// Names `weight` (gamma) and `bias` (beta), as PyTorch does.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("weight", &gamma)
    try body("bias", &beta)
  }
}

/// Group normalisation of NCHW images with learned per-channel scale and shift (PyTorch's
/// nn.GroupNorm).
public struct GroupNorm: ParameterTree, Sendable {
  /// Scale and shift, shape [channels] (initialised to 1 and 0).
  public var gamma: Tensor, beta: Tensor
  /// Groups (dividing the channels) and the variance's stabiliser.
  public var groups: Int, eps: Float

  /// A group norm of `channels` channels in `groups` groups.
  public init(groups: Int, channels: Int, eps: Float = 1e-5) {
    precondition(groups > 0 && channels % groups == 0, "GroupNorm: \(channels) channels do not split into \(groups) groups")
    (gamma, beta, self.groups, self.eps) = (Tensor.ones([channels]), Tensor.zeros([channels]), groups, eps)
  }

  /// Shapes: [N, channels, H, W] → [N, channels, H, W].
  public func callAsFunction(_ x: Tensor) -> Tensor { x.groupNormalized(groups: groups, gamma: gamma, beta: beta, eps: eps) }

  /// silu(self(x) · (1 + scale) + shift) (without scale and shift: silu(self(x))) as one fused op.
  /// Shapes: x [N, channels, H, W], scale, shift [N, channels] → [N, channels, H, W].
  public func normalizedSiLU(_ x: Tensor, scale: Tensor? = nil, shift: Tensor? = nil) -> Tensor {
    x.groupNormalizedSiLU(groups: groups, gamma: gamma, beta: beta, scale: scale, shift: shift, eps: eps)
  }

  /// Names `weight` (gamma) and `bias` (beta), as PyTorch does.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("weight", &gamma)
    try body("bias", &beta)
  }
}

/// A lookup table of learned vectors, one per class index.
public struct Embedding: ParameterTree, Sendable {
  /// The table, shape [count, dimension].
  public var table: Tensor

  /// `count` vectors of `dimension` features, N(0, 1) like PyTorch's nn.Embedding.
  public init(count: Int, dimension: Int, using rng: inout RandomGenerator) {
    table = Tensor.normal([count, dimension], using: &rng)
  }

  /// Rows for `indices`. Shapes: indices of count k → [k, dimension].
  /// Computed as one-hot · table, so the gradient reaches exactly the rows used (vocabularies in
  /// cfx are small: atom types, bond types, conditions).
  public func callAsFunction(_ indices: [Int]) -> Tensor {
    let count = table.shape[0]
    var oneHot = [Float](repeating: 0, count: indices.count * count)
    for (r, i) in indices.enumerated() {
      precondition(i >= 0 && i < count, "Embedding: index \(i) out of range 0..<\(count)")
      oneHot[r * count + i] = 1
    }
    return Tensor.matmul(Tensor(shape: [indices.count, count], scalars: oneHot), table)
  }

  /// Named `weight`, as PyTorch does.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("weight", &table)
  }
}
