// The saliency methods by name, with their settings, so that every command that draws or scores
// maps runs them the same way.

import Tensor

/// A saliency method and its settings.
public enum SaliencyMethod: String, Codable, Sendable, CaseIterable {
  case gradcam, gradcamPlusPlus = "gradcam++", scorecam, occlusion, rise

  /// Settings of the methods that have them.
  public struct Settings: Codable, Sendable, Equatable {
    /// Occlusion patch side and stride in pixels.
    public var occlusionPatch = 8, occlusionStride = 4
    /// RISE masks, grid side and seed.
    public var riseMasks = 256, riseGrid = 7, seed: UInt64 = 0
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
    }
  }

  /// The maps of `classes` for images [N, C, H, W]: N maps of H·W values, non-negative, scaled to
  /// maximum 1.
  public func maps(_ model: ImageClassifier, images: Tensor, classes: [Int], settings: Settings = Settings()) -> [[Float]] {
    switch self {
    case .gradcam: Saliency.gradCAM(model, images: images, classes: classes)
    case .gradcamPlusPlus: Saliency.gradCAMPlusPlus(model, images: images, classes: classes)
    case .scorecam: Saliency.scoreCAM(model, images: images, classes: classes)
    case .occlusion: Saliency.occlusion(model, images: images, classes: classes, patch: settings.occlusionPatch, stride: settings.occlusionStride)
    case .rise: Saliency.rise(model, images: images, classes: classes, masks: settings.riseMasks, grid: settings.riseGrid, seed: settings.seed)
    }
  }
}
