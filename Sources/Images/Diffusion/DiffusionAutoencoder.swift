// A diffusion autoencoder (Preechakul et al., "Diffusion Autoencoders: Toward a Meaningful and
// Decodable Representation"): a semantic encoder maps an image to a small code z_sem, and the
// U-Net denoiser is conditioned on (t, z_sem) instead of a class. The code carries what the image
// is; the rest (fine detail) lives in the stochastic code x_T, which DDIM inversion recovers
// deterministically given z_sem, and decoding (x_T, z_sem') by DDIM redraws the image with z_sem'
// in place of z_sem. Training is the plain ε-loss with the code computed from the clean image:
//   L = E ‖ε̂(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t, Enc(x_0)) − ε‖²
// so the encoder learns whatever helps the denoiser most.
// Encoder: a 3 × 3 convolution, then four GroupNorm–SiLU–stride-2 3 × 3 convolutions (widths
// b, 2b, 4b, 4b: 32 → 2 and 28 → 2 pixels), the 2 × 2 × 4b map flattened into a linear layer
// to the code (flattening keeps where things are; position is part of what an image is here).

import Foundation
import NN
import Tensor

/// The shape of a semantic encoder.
public struct SemanticEncoderConfiguration: Codable, Sendable, Equatable {
  /// Image channels, channels of the first convolution, the code's width, group-norm groups.
  public var channels: Int, baseChannels: Int, latentWidth: Int, groups: Int
  /// Image side the flattening was sized for (both sides reach 2 after four halvings).
  public var height: Int, width: Int

  /// A configuration.
  public init(channels: Int, baseChannels: Int = 32, latentWidth: Int = 32, groups: Int = 8, height: Int, width: Int) {
    precondition(channels > 0 && baseChannels > 0 && latentWidth > 0 && baseChannels % groups == 0, "SemanticEncoderConfiguration: bad sizes")
    (self.channels, self.baseChannels, self.latentWidth, self.groups, self.height, self.width) = (channels, baseChannels, latentWidth, groups, height, width)
  }

  /// Channels after each stride-2 convolution.
  var widths: [Int] { [1, 2, 4, 4].map { $0 * baseChannels } }

  /// Side of the map after four stride-2 convolutions (kernel 3, padding 1): ⌈s/2⌉ four times.
  static func reduced(_ side: Int) -> Int { (0..<4).reduce(side) { s, _ in (s + 1) / 2 } }
}

/// Enc(x) → z_sem.
public struct SemanticEncoder: ParameterTree, Sendable {
  /// Its shape.
  public let configuration: SemanticEncoderConfiguration
  /// The input convolution, the norms before each stride-2 convolution, the convolutions, the
  /// final norm and the projection to the code.
  public var input: Conv2d, norms: [GroupNorm], convolutions: [Conv2d], outputNorm: GroupNorm, projection: Linear

  /// A freshly initialised encoder.
  public init(_ c: SemanticEncoderConfiguration, using rng: inout RandomGenerator) {
    configuration = c
    input = Conv2d(inChannels: c.channels, outChannels: c.baseChannels, kernel: (3, 3), padding: (1, 1), using: &rng)
    var channels = c.baseChannels
    (norms, convolutions) = ([], [])
    for width in c.widths {
      norms.append(GroupNorm(groups: c.groups, channels: channels))
      convolutions.append(Conv2d(inChannels: channels, outChannels: width, kernel: (3, 3), stride: (2, 2), padding: (1, 1), using: &rng))
      channels = width
    }
    outputNorm = GroupNorm(groups: c.groups, channels: channels)
    let flat = channels * SemanticEncoderConfiguration.reduced(c.height) * SemanticEncoderConfiguration.reduced(c.width)
    projection = Linear(inputs: flat, outputs: c.latentWidth, using: &rng)
  }

  /// Shapes: images [N, channels, height, width] in [−1, 1] → codes [N, latentWidth].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let c = configuration
    precondition(x.rank == 4 && x.shape[1] == c.channels && x.shape[2] == c.height && x.shape[3] == c.width,
                 "SemanticEncoder: input \(x.shape) for \(c.channels) × \(c.height) × \(c.width)")
    var h = input(x)
    for (norm, convolution) in zip(norms, convolutions) { h = convolution(norm.normalizedSiLU(h)) }
    h = outputNorm.normalizedSiLU(h)
    return projection(h.reshaped([x.shape[0], -1]))
  }

  /// Visits the layers by name.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("input", &input, body)
    for i in norms.indices { try visitChild("norm\(i)", &norms[i], body) }
    for i in convolutions.indices { try visitChild("conv\(i)", &convolutions[i], body) }
    try visitChild("outputNorm", &outputNorm, body)
    try visitChild("projection", &projection, body)
  }
}

/// The trainable part of an image diffusion model: the U-Net, and for a diffusion autoencoder
/// its semantic encoder. The U-Net's parameters keep their own names (a class-conditional
/// model's checkpoint is the U-Net's); the encoder's are prefixed `encoder.`.
public struct ImageDenoiser: ParameterTree, Sendable {
  /// The noise predictor.
  public var unet: UNet
  /// The semantic encoder (diffusion autoencoders only).
  public var encoder: SemanticEncoder?

  /// A freshly initialised denoiser for `configuration`.
  public init(_ configuration: ImageDiffusionConfiguration, using rng: inout RandomGenerator) {
    unet = UNet(configuration.unet, using: &rng)
    encoder = configuration.encoder.map { SemanticEncoder($0, using: &rng) }
  }

  /// The ε-loss on clean images x0 [N, C, H, W] in [−1, 1] at per-image steps with noise ε. A
  /// class-conditional model reads one-hot `labels` [N, classes] and drops the condition where
  /// `dropped`; an autoencoder conditions on its own code of x0 and ignores both.
  func loss(x0: Tensor, labels: Tensor, dropped: [Bool], steps: [Int], noise: Tensor, process: GaussianDiffusion) -> Tensor {
    let condition: Tensor
    if let encoder {
      condition = encoder(x0)
    } else {
      let mask = Tensor(shape: [dropped.count, 1], scalars: dropped.map { $0 ? 1 : 0 })
      condition = labels * (1 - mask) + unet.nullCondition!.reshaped([1, -1]) * mask
    }
    return GaussianDiffusion.loss(predictedNoise: unet(process.noised(x0, steps: steps, noise: noise), steps: steps, condition: condition), noise: noise)
  }

  /// Visits the U-Net's parameters under their own names, then the encoder's.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try unet.forEachParameter(body)
    if var e = encoder {
      try visitChild("encoder", &e, body)
      encoder = e
    }
  }
}

extension ImageDiffusionModel {
  /// Whether the model is a diffusion autoencoder (it has a semantic encoder).
  public var isAutoencoder: Bool { denoiser.encoder != nil }

  /// The semantic codes z_sem [N, latentWidth] of images [N, C, H, W] in [0, 1].
  public func semanticCodes(_ images: Tensor) -> Tensor {
    guard let encoder = denoiser.encoder else { preconditionFailure("semanticCodes: the model is class-conditional, not a diffusion autoencoder") }
    return encoder(images * 2 - 1)
  }

  /// The stochastic codes x_T of images [N, C, H, W] in [0, 1] given their semantic codes
  /// [N, latentWidth]: DDIM inversion in `moves` moves from 0 up to T.
  public func stochasticCodes(_ images: Tensor, semanticCodes codes: Tensor, moves: Int) -> Tensor {
    precondition(codes.rank == 2 && codes.shape[0] == images.shape[0], "stochasticCodes: images \(images.shape), codes \(codes.shape)")
    let n = images.shape[0]
    return process.ddimInvert(images * 2 - 1, steps: process.strides(moves).reversed()) { x, t in
      denoiser.unet(x, steps: Array(repeating: t, count: n), condition: codes)
    }
  }

  /// Decodes stochastic codes x_T [N, C, H, W] under semantic codes [N, latentWidth] by DDIM in
  /// `moves` moves; images in [0, 1] as a tensor [N, C, H, W].
  public func decode(stochasticCodes xT: Tensor, semanticCodes codes: Tensor, moves: Int) -> Tensor {
    precondition(codes.rank == 2 && codes.shape[0] == xT.shape[0], "decode: x_T \(xT.shape), codes \(codes.shape)")
    let n = xT.shape[0]
    let out = process.ddimSample(from: xT, steps: process.strides(moves)) { x, t in
      denoiser.unet(x, steps: Array(repeating: t, count: n), condition: codes)
    }
    return ((out + 1) * 0.5).clamped(min: 0, max: 1)
  }
}
