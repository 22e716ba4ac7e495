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

  @Test func riseMapsArePerImageSeededAndScaled() {
    let model = classifier()
    let images = testTensor([2, 3, 16, 16], seed: 9, in: 0...1)
    let both = Saliency.rise(model, images: images, classes: [0, 1], masks: 40, grid: 4, seed: 3)
    let second = Saliency.rise(model, images: Tensor(shape: [1, 3, 16, 16], scalars: Array(images.scalars[768...])), classes: [1], masks: 40, grid: 4, seed: 3)
    #expect(both[1] == second[0] && both[0] == Saliency.rise(model, images: images, classes: [0, 1], masks: 40, grid: 4, seed: 3)[0])
    #expect(both[0] != Saliency.rise(model, images: images, classes: [0, 1], masks: 40, grid: 4, seed: 4)[0])
    for map in both { #expect(map.count == 256 && map.allSatisfy { $0 >= 0 && $0 <= 1 } && map.max() == 1) }
  }

  /// A score that reads only the left half: a map on the left half deletes it first (low
  /// deletion area) and inserts it first (high insertion area); worked out by hand.
  @Test func deletionAndInsertionAreasFollowTheMap() {
    let image: [Float] = (0..<16).map { $0 % 4 < 2 ? 1 : 0 }
    let score: (Tensor) -> [Float] = { batch in
      let values = batch.scalars
      return (0..<batch.shape[0]).map { (b: Int) -> Float in
        var sum: Float = 0
        for p in 0..<16 where p % 4 < 2 { sum += values[b * 16 + p] }
        return sum / 8
      }
    }
    let left = Saliency.deletionInsertion(image: image, channels: 1, height: 4, width: 4, map: image, steps: 2, score: score)
    let right = Saliency.deletionInsertion(image: image, channels: 1, height: 4, width: 4, map: image.map { 1 - $0 }, steps: 2, score: score)
    #expect(abs(left.deletion - 0.625) < 1e-6 && abs(left.insertion - 0.875) < 1e-6)
    #expect(abs(right.deletion - 0.875) < 1e-6 && abs(right.insertion - 0.625) < 1e-6)
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
