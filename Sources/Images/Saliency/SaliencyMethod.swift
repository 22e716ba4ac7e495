// The saliency methods by name, with their settings, so that every command that draws or scores
// maps runs them the same way.

import Tensor

/// A saliency method and its settings.
public enum SaliencyMethod: String, Codable, Sendable, CaseIterable {
  case gradcam, gradcamPlusPlus = "gradcam++", scorecam, occlusion, rise
  /// Learned perturbation masks (Perturbation.swift).
  case mask, extremal, coalitions
  /// Coalitions from pixels (the authors' code), and the two ablations: no consistency loss, one coalition.
  case coalitionsPixels = "coalitions-pixels", coalitionsNoConsistency = "coalitions-no-consistency", coalitionsSingle = "coalitions-single"

  /// The methods that compute a map in well under a second per image (no optimisation per image).
  public static let quick: [SaliencyMethod] = [.gradcam, .gradcamPlusPlus, .scorecam, .occlusion, .rise]

  /// Settings of the methods that have them.
  public struct Settings: Codable, Sendable, Equatable {
    /// Occlusion patch side and stride in pixels.
    public var occlusionPatch = 8, occlusionStride = 4
    /// RISE masks, grid side and seed (also the clustering networks' seed).
    public var riseMasks = 256, riseGrid = 7, seed: UInt64 = 0
    /// The perturbation methods' settings.
    public var perturbation = Perturbation.Settings()
    /// The defaults.
    public init() {}
  }

  /// What the method computes, for manifests.
  public var definition: String {
    switch self {
    case .gradcam: "Grad-CAM on the last convolution map, bilinearly upsampled (for these classifiers equal to the class activation map)"
    case .gradcamPlusPlus: "Grad-CAM++ (exponential-score form, as pytorch-grad-cam) on the last convolution map"
    case .scorecam: "Score-CAM: channels of the last convolution map, upsampled and min-max scaled, mask the image; weights softmax over channels of the masked images' class probabilities"
    case .occlusion: "mean drop of the class probability over the patches (image-mean colour) covering a pixel, clamped at 0"
    case .rise: "RISE: probability-weighted mean of random grid masks (kept with probability 0.5, bilinearly upsampled, randomly shifted)"
    case .mask: "blur-mask perturbation (Fong and Vedaldi 2017): the smallest smooth deletion towards a blurred copy that removes the class; map 1 − m"
    case .extremal: "extremal perturbation (Fong, Patrick and Vedaldi 2019): the smooth mask of fixed area whose preserved pixels keep the class best; map m"
    case .coalitions: "coalition-guided perturbation (Hu et al. 2024): coalitions by a clustering network on the classifier's convolution maps (the paper's version), perturbation with confidence, mask and consistency losses; map 1 − p"
    case .coalitionsPixels: "coalition-guided perturbation with the clustering network on pixels (the authors' public code's version)"
    case .coalitionsNoConsistency: "ablation: coalition-guided perturbation without the consistency loss (ν = 0)"
    case .coalitionsSingle: "ablation: coalition-guided perturbation with all pixels in one coalition"
    }
  }

  /// The maps of `classes` for images [N, C, H, W]: N maps of H·W values, non-negative, scaled to
  /// maximum 1.
  public func maps(_ model: ImageClassifier, images: Tensor, classes: [Int], settings: Settings = Settings()) -> [[Float]] {
    mapsAndCoalitions(model, images: images, classes: classes, settings: settings).maps
  }

  /// The maps, and for the coalition methods each image's coalition labels (H·W values).
  public func mapsAndCoalitions(_ model: ImageClassifier, images: Tensor, classes: [Int], settings: Settings = Settings()) -> (maps: [[Float]], coalitions: [[Int]]?) {
    var perturbation = settings.perturbation
    perturbation.seed = settings.seed
    switch self {
    case .gradcam: return (Saliency.gradCAM(model, images: images, classes: classes), nil)
    case .gradcamPlusPlus: return (Saliency.gradCAMPlusPlus(model, images: images, classes: classes), nil)
    case .scorecam: return (Saliency.scoreCAM(model, images: images, classes: classes), nil)
    case .occlusion: return (Saliency.occlusion(model, images: images, classes: classes, patch: settings.occlusionPatch, stride: settings.occlusionStride), nil)
    case .rise: return (Saliency.rise(model, images: images, classes: classes, masks: settings.riseMasks, grid: settings.riseGrid, seed: settings.seed), nil)
    case .mask: return (Perturbation.blurMask(model, images: images, classes: classes, settings: perturbation), nil)
    case .extremal: return (Perturbation.extremal(model, images: images, classes: classes, settings: perturbation), nil)
    case .coalitions:
      let (maps, coalitions) = Perturbation.coalitionSaliency(model, images: images, classes: classes, settings: perturbation)
      return (maps, coalitions)
    case .coalitionsPixels:
      perturbation.coalitionSource = .pixels
      let (maps, coalitions) = Perturbation.coalitionSaliency(model, images: images, classes: classes, settings: perturbation)
      return (maps, coalitions)
    case .coalitionsNoConsistency:
      perturbation.consistencyWeight = 0
      let (maps, coalitions) = Perturbation.coalitionSaliency(model, images: images, classes: classes, settings: perturbation)
      return (maps, coalitions)
    case .coalitionsSingle:
      let (maps, coalitions) = Perturbation.coalitionSaliency(model, images: images, classes: classes, settings: perturbation, singleCoalition: true)
      return (maps, coalitions)
    }
  }
}
