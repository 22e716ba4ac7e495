// The latent a counterfactual direction lives in: a diffusion autoencoder's semantic code (with
// the image's own stochastic code x_T, recovered by DDIM inversion, carried along when decoding)
// or a plain autoencoder's code (decoded directly; what diffusion buys in realism is the
// difference between the two).

import Tensor

/// An encoder–decoder pair DifCluE can move codes in.
public enum LatentCodec: Sendable {
  /// A diffusion autoencoder, decoded by DDIM from the image's own x_T.
  case diffusion(ImageDiffusionModel)
  /// A plain (constrained) autoencoder.
  case autoencoder(ConstrainedAutoencoder)

  /// The code's width d.
  public var width: Int {
    switch self {
    case .diffusion(let model): model.configuration.encoder?.latentWidth ?? 0
    case .autoencoder(let ae): ae.configuration.latent
    }
  }

  /// Codes of images [n, C, H, W] in [0, 1]. Shapes: → [n, d].
  public func codes(_ images: Tensor) -> Tensor {
    switch self {
    case .diffusion(let model): model.semanticCodes(images)
    case .autoencoder(let ae): ae.encode(images)
    }
  }

  /// What decoding needs besides the code: x_T [n, C, H, W] for a diffusion autoencoder, nil for
  /// a plain one.
  public func context(_ images: Tensor, codes: Tensor, moves: Int) -> Tensor? {
    switch self {
    case .diffusion(let model): model.stochasticCodes(images, semanticCodes: codes, moves: moves)
    case .autoencoder: nil
    }
  }

  /// Images in [0, 1] [n, C, H, W] from codes [n, d] (and the context of each row).
  public func decode(_ codes: Tensor, context: Tensor?, moves: Int) -> Tensor {
    switch self {
    case .diffusion(let model):
      guard let context else { preconditionFailure("LatentCodec.decode: a diffusion autoencoder decodes from x_T") }
      return model.decode(stochasticCodes: context, semanticCodes: codes, moves: moves)
    case .autoencoder(let ae): return ae.decode(codes)
    }
  }
}
