// The noise predictor of image diffusion: a U-Net (Ronneberger et al.; the DDPM variant of Ho et
// al.) of residual blocks whose group norms take an adaptive scale and shift from the step and
// condition embedding (FiLM), with stride-2 convolutions down and nearest upsampling up, skip
// connections concatenated on the way up.
//   embedding e = MLP(sinusoid(t)) + W_c · c            (c: the condition vector, or a learned
//                                                        null vector: classifier-free guidance)
//   block(x, e): h = conv₁(SiLU(GN₁(x)));  (γ, β) = W_e · SiLU(e);  h = GN₂(h)·(1 + γ) + β;
//                out = conv₂(SiLU(h)) + skip(x)          (skip: 1×1 conv when channels change)
//   attention(x): q, k, v = W_qkv · GN(x) per position;  A = softmax_keys(qᵀk / √C);
//                out = x + W_o · (v Aᵀ)                  (single head over the H·W positions)
// The last convolution starts at zero, so an untrained network predicts ε̂ = 0.

import Foundation
import NN
import Tensor

/// The shape of a U-Net.
public struct UNetConfiguration: Codable, Sendable, Equatable {
  /// Image channels; channels of the first level; per-level multipliers; group-norm groups.
  public var channels: Int, baseChannels: Int, multipliers: [Int], groups: Int
  /// Width of the sinusoidal step embedding, and of the condition vector (0: unconditional).
  public var embeddingWidth: Int, conditionWidth: Int
  /// A self-attention block at the lowest resolution (between the two middle blocks).
  public var attention: Bool

  /// A configuration.
  public init(channels: Int, baseChannels: Int = 32, multipliers: [Int] = [1, 2, 2], groups: Int = 8, embeddingWidth: Int = 64, conditionWidth: Int = 0,
              attention: Bool = false) {
    precondition(channels > 0 && baseChannels > 0 && !multipliers.isEmpty && multipliers.allSatisfy { $0 > 0 }, "UNetConfiguration: bad sizes")
    precondition(multipliers.allSatisfy { (baseChannels * $0) % groups == 0 }, "UNetConfiguration: \(groups) groups do not divide every level's channels")
    precondition(embeddingWidth > 0 && embeddingWidth % 2 == 0 && conditionWidth >= 0, "UNetConfiguration: embedding width \(embeddingWidth) must be even")
    (self.channels, self.baseChannels, self.multipliers, self.groups) = (channels, baseChannels, multipliers, groups)
    (self.embeddingWidth, self.conditionWidth, self.attention) = (embeddingWidth, conditionWidth, attention)
  }

  enum CodingKeys: String, CodingKey { case channels, baseChannels, multipliers, groups, embeddingWidth, conditionWidth, attention }

  /// Decodes a configuration; one written before attention existed has none.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(channels: try c.decode(Int.self, forKey: .channels), baseChannels: try c.decode(Int.self, forKey: .baseChannels),
              multipliers: try c.decode([Int].self, forKey: .multipliers), groups: try c.decode(Int.self, forKey: .groups),
              embeddingWidth: try c.decode(Int.self, forKey: .embeddingWidth), conditionWidth: try c.decode(Int.self, forKey: .conditionWidth),
              attention: try c.decodeIfPresent(Bool.self, forKey: .attention) ?? false)
  }
}

/// Single-head self-attention over the positions of a feature map, as a residual block (the
/// output projection starts at zero, so a new block is the identity).
public struct UNetAttentionBlock: ParameterTree, Sendable {
  /// The norm, the 1×1 projection to queries, keys and values (C → 3C), the output projection.
  public var norm: GroupNorm, qkv: Conv2d, output: Conv2d

  /// A block over `channels` channels.
  public init(channels: Int, groups: Int, using rng: inout RandomGenerator) {
    norm = GroupNorm(groups: groups, channels: channels)
    qkv = Conv2d(inChannels: channels, outChannels: 3 * channels, kernel: (1, 1), using: &rng)
    output = Conv2d(inChannels: channels, outChannels: channels, kernel: (1, 1), using: &rng)
    output.weight = Tensor.zeros(output.weight.shape)
    output.bias = Tensor.zeros([channels])
  }

  /// Shapes: [N, C, H, W] → [N, C, H, W].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let parts = qkv(norm(x)).reshaped([n, 3 * c, h * w]).split(sizes: [c, c, c], axis: 1)
    // scores[n, i, j] = q_i · k_j / √C: queries along rows, keys along the softmax axis.
    let attention = (Tensor.matmul(parts[0], parts[1], transposeA: true) * (1 / Float(c).squareRoot())).softmax()
    // mixed[n, :, i] = Σ_j A[n, i, j] v_j  =  (v Aᵀ)[n, :, i].
    let mixed = Tensor.matmul(parts[2], attention, transposeB: true)
    return x + output(mixed.reshaped([n, c, h, w]))
  }

  /// Visits the layers by name.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("norm", &norm, body)
    try visitChild("qkv", &qkv, body)
    try visitChild("output", &output, body)
  }
}

/// A residual block with FiLM from the embedding.
public struct UNetResidualBlock: ParameterTree, Sendable {
  /// The first norm and 3×3 convolution, the FiLM projection of the embedding (to 2·out: scale
  /// and shift), the second norm and convolution.
  public var norm1: GroupNorm, conv1: Conv2d, film: Linear, norm2: GroupNorm, conv2: Conv2d
  /// The 1×1 convolution of the residual path when the channel count changes.
  public var skip: Conv2d?

  /// A block `inChannels` → `outChannels` reading an embedding of `embedding` features.
  public init(inChannels: Int, outChannels: Int, embedding: Int, groups: Int, using rng: inout RandomGenerator) {
    norm1 = GroupNorm(groups: Swift.min(groups, inChannels), channels: inChannels)
    conv1 = Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: (3, 3), padding: (1, 1), using: &rng)
    film = Linear(inputs: embedding, outputs: 2 * outChannels, using: &rng)
    norm2 = GroupNorm(groups: groups, channels: outChannels)
    conv2 = Conv2d(inChannels: outChannels, outChannels: outChannels, kernel: (3, 3), padding: (1, 1), using: &rng)
    skip = inChannels == outChannels ? nil : Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: (1, 1), using: &rng)
  }

  /// Shapes: x [N, in, H, W], embedding [N, E] → [N, out, H, W].
  public func callAsFunction(_ x: Tensor, _ embedding: Tensor) -> Tensor {
    let out = conv1.weight.shape[0]
    var h = conv1(norm1.normalizedSiLU(x))
    // FiLM: silu(norm2(h) · (1 + scale) + shift), scale and shift [N, out] from the embedding.
    let parts = film(embedding.silu()).split(sizes: [out, out], axis: 1)
    h = conv2(norm2.normalizedSiLU(h, scale: parts[0], shift: parts[1]))
    return h + (skip.map { $0(x) } ?? x)
  }

  /// Visits the layers by name.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("norm1", &norm1, body)
    try visitChild("conv1", &conv1, body)
    try visitChild("film", &film, body)
    try visitChild("norm2", &norm2, body)
    try visitChild("conv2", &conv2, body)
    if var s = skip {
      try visitChild("skip", &s, body)
      skip = s
    }
  }
}

/// The U-Net noise predictor ε̂(x_t, t, c).
public struct UNet: ParameterTree, Sendable {
  /// Its shape.
  public let configuration: UNetConfiguration
  /// The step embedding's MLP (E → 4E → 4E).
  public var timeMLP: [Linear]
  /// The condition's projection onto the embedding (conditional models).
  public var conditionProjection: Linear?
  /// The learned null condition (classifier-free guidance), [conditionWidth].
  public var nullCondition: Tensor?
  /// The input convolution (channels → base).
  public var input: Conv2d
  /// One residual block per level on the way down, and the stride-2 convolutions between levels.
  public var down: [UNetResidualBlock], downsample: [Conv2d]
  /// The two residual blocks at the lowest resolution, and the attention block between them.
  public var middle: [UNetResidualBlock]
  public var middleAttention: UNetAttentionBlock?
  /// One residual block per level on the way up (skip concatenated), and the convolutions after
  /// each nearest upsampling.
  public var up: [UNetResidualBlock], upsample: [Conv2d]
  /// The output norm and the zero-initialised output convolution (base → channels).
  public var outputNorm: GroupNorm, output: Conv2d

  /// A freshly initialised U-Net.
  public init(_ c: UNetConfiguration, using rng: inout RandomGenerator) {
    configuration = c
    let e = 4 * c.embeddingWidth
    timeMLP = [Linear(inputs: c.embeddingWidth, outputs: e, using: &rng), Linear(inputs: e, outputs: e, using: &rng)]
    conditionProjection = c.conditionWidth > 0 ? Linear(inputs: c.conditionWidth, outputs: e, using: &rng) : nil
    nullCondition = c.conditionWidth > 0 ? Tensor.zeros([c.conditionWidth]) : nil
    input = Conv2d(inChannels: c.channels, outChannels: c.baseChannels, kernel: (3, 3), padding: (1, 1), using: &rng)
    var channels = c.baseChannels
    var skips: [Int] = []
    (down, downsample) = ([], [])
    for (level, m) in c.multipliers.enumerated() {
      down.append(UNetResidualBlock(inChannels: channels, outChannels: c.baseChannels * m, embedding: e, groups: c.groups, using: &rng))
      channels = c.baseChannels * m
      skips.append(channels)
      if level + 1 < c.multipliers.count {
        downsample.append(Conv2d(inChannels: channels, outChannels: channels, kernel: (3, 3), stride: (2, 2), padding: (1, 1), using: &rng))
      }
    }
    middle = [UNetResidualBlock(inChannels: channels, outChannels: channels, embedding: e, groups: c.groups, using: &rng),
              UNetResidualBlock(inChannels: channels, outChannels: channels, embedding: e, groups: c.groups, using: &rng)]
    middleAttention = c.attention ? UNetAttentionBlock(channels: channels, groups: c.groups, using: &rng) : nil
    (up, upsample) = ([], [])
    for (level, m) in c.multipliers.enumerated().reversed() {
      up.append(UNetResidualBlock(inChannels: channels + skips[level], outChannels: c.baseChannels * m, embedding: e, groups: c.groups, using: &rng))
      channels = c.baseChannels * m
      if level > 0 { upsample.append(Conv2d(inChannels: channels, outChannels: channels, kernel: (3, 3), padding: (1, 1), using: &rng)) }
    }
    outputNorm = GroupNorm(groups: c.groups, channels: channels)
    output = Conv2d(inChannels: channels, outChannels: c.channels, kernel: (3, 3), padding: (1, 1), using: &rng)
    output.weight = Tensor.zeros(output.weight.shape)
    output.bias = Tensor.zeros([c.channels])
  }

  /// The step and condition embedding. Shapes: steps N values, condition [N, conditionWidth]
  /// or nil (the null condition) → [N, 4·embeddingWidth].
  public func embedding(steps: [Int], condition: Tensor?) -> Tensor {
    var e = timeMLP[1](timeMLP[0](Tensor.sinusoidalEmbedding(of: steps.map(Float.init), dimension: configuration.embeddingWidth)).silu())
    if let projection = conditionProjection, let null = nullCondition {
      let c = condition ?? null.reshaped([1, -1]).broadcast(to: [steps.count, configuration.conditionWidth])
      e = e + projection(c)
    }
    return e
  }

  /// ε̂. Shapes: x [N, channels, H, W] (H, W divisible by 2^(levels − 1)), steps N values,
  /// condition [N, conditionWidth] or nil → [N, channels, H, W].
  public func callAsFunction(_ x: Tensor, steps: [Int], condition: Tensor? = nil) -> Tensor {
    precondition(x.rank == 4 && x.shape[1] == configuration.channels && steps.count == x.shape[0], "UNet: input \(x.shape) with \(steps.count) steps")
    let scale = 1 << (configuration.multipliers.count - 1)
    precondition(x.shape[2] % scale == 0 && x.shape[3] % scale == 0, "UNet: \(x.shape[2]) × \(x.shape[3]) must be divisible by \(scale)")
    let e = embedding(steps: steps, condition: condition)
    var h = input(x)
    var skips: [Tensor] = []
    for (level, block) in down.enumerated() {
      h = block(h, e)
      skips.append(h)
      if level < downsample.count { h = downsample[level](h) }
    }
    h = middle[0](h, e)
    if let middleAttention { h = middleAttention(h) }
    h = middle[1](h, e)
    for (index, block) in up.enumerated() {
      h = block(Tensor.concat([h, skips.removeLast()], axis: 1), e)
      if index < upsample.count { h = upsample[index](h.upsampledNearest(factor: 2)) }
    }
    return output(outputNorm.normalizedSiLU(h))
  }

  /// Visits every layer by name.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    for i in timeMLP.indices { try visitChild("time\(i)", &timeMLP[i], body) }
    if var p = conditionProjection { try visitChild("condition", &p, body); conditionProjection = p }
    if var null = nullCondition { try body("nullCondition", &null); nullCondition = null }
    try visitChild("input", &input, body)
    for i in down.indices { try visitChild("down\(i)", &down[i], body) }
    for i in downsample.indices { try visitChild("downsample\(i)", &downsample[i], body) }
    for i in middle.indices { try visitChild("middle\(i)", &middle[i], body) }
    if var a = middleAttention { try visitChild("middleAttention", &a, body); middleAttention = a }
    for i in up.indices { try visitChild("up\(i)", &up[i], body) }
    for i in upsample.indices { try visitChild("upsample\(i)", &upsample[i], body) }
    try visitChild("outputNorm", &outputNorm, body)
    try visitChild("output", &output, body)
  }
}
