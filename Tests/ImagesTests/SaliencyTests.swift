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

  /// SciPy's values, computed once:
  ///   python3 -c 'import numpy as np; from scipy.ndimage import gaussian_filter;
  ///     img = np.array([[((x*7+y*3)%11)/10 for x in range(6)] for y in range(5)]);
  ///     print(gaussian_filter(img, sigma=1.3, mode="nearest", truncate=3.0).round(7).flatten().tolist())'
  @Test func gaussianBlurMatchesSciPy() {
    let image: [Float] = (0..<30).map { (p: Int) -> Float in
      let (x, y) = (p % 6, p / 6)
      return Float((x * 7 + y * 3) % 11) / 10
    }
    let scipy: [Float] = [0.3158472, 0.4523004, 0.5502504, 0.5803232, 0.5304101, 0.4334421, 0.4201856, 0.4990183, 0.5449778, 0.5472705, 0.5150291,
                          0.4668771, 0.5006888, 0.5182213, 0.5170539, 0.497321, 0.4695236, 0.4432861, 0.4964592, 0.4946303, 0.4709159, 0.4417217,
                          0.4139243, 0.3813087, 0.4157642, 0.4468849, 0.4272449, 0.3975292, 0.3811272, 0.3491442]
    let blurred = Saliency.gaussianBlur(image + image, channels: 2, height: 5, width: 6, sigma: 1.3)
    #expect(zip(blurred, scipy + scipy).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(Saliency.substrate(.zero, image: image, channels: 1, height: 5, width: 6).allSatisfy { $0 == 0 })
    let mean = image.reduce(0, +) / 30
    #expect(Saliency.substrate(.mean, image: image, channels: 1, height: 5, width: 6).allSatisfy { abs($0 - mean) < 1e-6 })
  }

  /// For a global-average-pooling classifier g = W_ck / (h·w) everywhere, so Grad-CAM++'s channel
  /// weight is h·w · ReLU(g) / (2g² + g³·S_k) · g² = h·w · ReLU(g) / (2 + g·S_k), S_k = Σ A_k.
  @Test func gradCAMPlusPlusHasItsClosedFormOnPooledClassifiers() {
    let model = classifier()
    let images = testTensor([2, 3, 16, 16], seed: 15, in: 0...1)
    let classes = [1, 2]
    let maps = Saliency.gradCAMPlusPlus(model, images: images, classes: classes)
    let features = model.featureMap(images)
    let (k, h, w) = (features.shape[1], features.shape[2], features.shape[3])
    let a = features.scalars, weights = model.head.weight.scalars
    for (image, c) in classes.enumerated() {
      var cam = [Float](repeating: 0, count: h * w)
      for channel in 0..<k {
        let g = weights[c * k + channel] / Float(h * w)
        let total = (0..<(h * w)).reduce(Float(0)) { $0 + a[(image * k + channel) * h * w + $1] }
        let weight = g > 0 ? Float(h * w) * g / (2 + g * total) : 0
        for p in 0..<(h * w) { cam[p] += weight * a[(image * k + channel) * h * w + p] }
      }
      let expected = Saliency.normalised(Saliency.bilinear(cam.map { max($0, 0) }, from: (h, w), to: (16, 16)))
      #expect(zip(maps[image], expected).allSatisfy { abs($0 - $1) < 1e-3 }, "image \(image)")
    }
  }

  /// Score-CAM against a direct computation: one masked image at a time through the classifier.
  @Test func scoreCAMWeighsChannelsByTheMaskedImagesScores() {
    let model = classifier()
    let images = testTensor([2, 3, 16, 16], seed: 17, in: 0...1)
    let classes = [0, 2]
    let maps = Saliency.scoreCAM(model, images: images, classes: classes)
    let second = Saliency.scoreCAM(model, images: Tensor(shape: [1, 3, 16, 16], scalars: Array(images.scalars[768...])), classes: [2])
    #expect(maps[1] == second[0])
    let features = model.featureMap(images)
    let (k, h, w) = (features.shape[1], features.shape[2], features.shape[3])
    let a = features.scalars, x = images.scalars
    let image = 0
    var scores: [Float] = []
    for channel in 0..<k {
      let up = Saliency.bilinear(Array(a[((image * k + channel) * h * w)..<((image * k + channel + 1) * h * w)]), from: (h, w), to: (16, 16))
      let (low, high) = (up.min()!, up.max()!)
      let mask = up.map { high > low ? ($0 - low) / (high - low) : 0 }
      let masked = (0..<768).map { x[$0] * mask[$0 % 256] }
      scores.append(model(Tensor(shape: [1, 3, 16, 16], scalars: masked)).softmax(axis: 1).scalars[classes[image]])
    }
    let exps = scores.map { exp($0) }, total = exps.reduce(0, +)
    var cam = [Float](repeating: 0, count: h * w)
    for channel in 0..<k { for p in 0..<(h * w) { cam[p] += exps[channel] / total * a[(image * k + channel) * h * w + p] } }
    let expected = Saliency.normalised(Saliency.bilinear(cam.map { max($0, 0) }, from: (h, w), to: (16, 16)))
    #expect(zip(maps[0], expected).allSatisfy { abs($0 - $1) < 1e-4 })
    for map in maps { #expect(map.allSatisfy { $0 >= 0 && $0 <= 1 } && map.max() == 1) }
  }
}
