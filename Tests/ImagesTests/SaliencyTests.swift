import Foundation
@testable import Images
import NN
import Tensor
import TestSupport
import Testing

/// Saliency maps: Grad-CAM of a global-average-pooling classifier is its class activation map;
/// occlusion maps are per image, non-negative and scaled to 1; the mask scores count what they say.
@Suite struct SaliencyTests {
  func classifier() -> ImageClassifier {
    var rng = RandomGenerator(seed: 3)
    return ImageClassifier(ImageClassifierConfiguration(channels: 3, height: 16, width: 16, classNames: ["a", "b", "c"], baseChannels: 4, stages: 2), using: &rng)
  }

  @Test func gradCAMIsTheClassActivationMap() {
    let model = classifier()
    let images = testTensor([2, 3, 16, 16], seed: 5, in: 0...1)
    let classes = [2, 0]
    let maps = Saliency.gradCAM(model, images: images, classes: classes)
    let features = model.featureMap(images)
    let (k, h, w) = (features.shape[1], features.shape[2], features.shape[3])
    let a = features.scalars, weights = model.head.weight.scalars
    for (image, c) in classes.enumerated() {
      // CAM: ReLU(Σ_k W_ck A_k), the same resampling and scaling.
      var cam = [Float](repeating: 0, count: h * w)
      for channel in 0..<k { for p in 0..<(h * w) { cam[p] += weights[c * k + channel] * a[(image * k + channel) * h * w + p] } }
      let expected = Saliency.normalised(Saliency.bilinear(cam.map { max($0, 0) }, from: (h, w), to: (16, 16)))
      #expect(maps[image].count == 256)
      #expect(zip(maps[image], expected).allSatisfy { abs($0 - $1) < 1e-4 }, "image \(image)")
    }
  }

  @Test func occlusionMapsArePerImageAndScaled() {
    let model = classifier()
    let images = testTensor([2, 3, 16, 16], seed: 7, in: 0...1)
    let both = Saliency.occlusion(model, images: images, classes: [1, 2], patch: 4, stride: 4)
    let second = Saliency.occlusion(model, images: Tensor(shape: [1, 3, 16, 16], scalars: Array(images.scalars[768...])), classes: [2], patch: 4, stride: 4)
    #expect(both.count == 2 && both[1] == second[0])
    for map in both { #expect(map.allSatisfy { $0 >= 0 && $0 <= 1 } && (map.max() == 1 || map.allSatisfy { $0 == 0 })) }
  }

  @Test func maskScoresCountWhatTheySay() {
    let mask: [UInt8] = [0, 255, 255, 0, 0, 128, 0, 0, 0]
    #expect(Saliency.pointingGameHit([0, 0.2, 0.9, 0, 0, 0, 0, 0, 0.9], mask: mask[...]))
    #expect(!Saliency.pointingGameHit([0.5, 0.2, 0.2, 0, 0, 0, 0, 0, 0], mask: mask[...]))
    #expect(abs(Saliency.energyOnMask([1, 1, 1, 1, 0, 1, 0, 0, 0], mask: mask[...]) - (2 + 128.0 / 255) / 5) < 1e-12)
    #expect(Saliency.energyOnMask([Float](repeating: 0, count: 9), mask: mask[...]) == 0)
    #expect(Saliency.bilinear([1, 1, 1, 1], from: (2, 2), to: (5, 7)).allSatisfy { abs($0 - 1) < 1e-6 })
  }
}
