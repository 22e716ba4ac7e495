import Foundation
@testable import Images
import NN
import Tensor
import TestSupport
import Testing

/// Perturbation-mask saliency: the operators are what they claim; on a classifier that only
/// sees a bright patch, every perturbation method puts its map on the patch.
@Suite struct PerturbationTests {
  /// A one-convolution classifier: A = ReLU(x − 0.5) (the centre tap), class 0's logit
  /// 60·mean(A) − 2, class 1's 0. Only pixels brighter than 0.5 count.
  func patchClassifier() -> ImageClassifier {
    var rng = RandomGenerator(seed: 1)
    var model = ImageClassifier(ImageClassifierConfiguration(channels: 1, height: 16, width: 16, classNames: ["patch", "none"], baseChannels: 2, stages: 1, convsPerStage: 1), using: &rng)
    var weight = [Float](repeating: 0, count: 2 * 9)
    weight[4] = 1
    model.convolutions[0].weight = Tensor(shape: [2, 1, 3, 3], scalars: weight)
    model.convolutions[0].bias = Tensor(shape: [2], scalars: [-0.5, 0])
    model.head = Linear(weight: Tensor(shape: [2, 2], scalars: [60, 0, 0, 0]), bias: Tensor(shape: [2], scalars: [-2, 0]))
    return model
  }

  /// 16 × 16 images, black but for a 6 × 6 white patch at (row, column).
  func patchImage(_ row: Int, _ column: Int) -> [Float] {
    (0..<256).map { p in (row..<(row + 6)).contains(p / 16) && (column..<(column + 6)).contains(p % 16) ? 1 : 0 }
  }

  func massOnPatch(_ map: [Float], _ image: [Float]) -> Float {
    zip(map, image).reduce(0) { $0 + $1.0 * $1.1 } / map.reduce(0, +)
  }

  @Test func upsamplingMatrixIsBilinearResampling() {
    let low = (0..<12).map { Float($0 % 5) / 4 }
    let up = Tensor.matmul(Tensor(shape: [1, 12], scalars: low), Perturbation.upsamplingMatrix(from: (3, 4), to: (9, 8))).scalars
    #expect(zip(up, Saliency.bilinear(low, from: (3, 4), to: (9, 8))).allSatisfy { abs($0 - $1) < 1e-6 })
  }

  @Test func consistencyOperatorAveragesInsideCoalitionsOnly() {
    let labels = (0..<36).map { $0 % 6 < 3 ? 0 : 1 }
    let a = Perturbation.consistencyOperator(labels: labels, height: 6, width: 6, sigma: 1)
    let values = a.scalars
    for p in 0..<36 {
      // Column p holds pixel p's weights over the pixels q (p·Aᵀ layout): they sum to 1 and stay in p's coalition.
      let column = (0..<36).map { values[$0 * 36 + p] }
      #expect(abs(column.reduce(0, +) - 1) < 1e-5)
      #expect((0..<36).allSatisfy { column[$0] == 0 || labels[$0] == labels[p] })
    }
    // A perturbation constant on each coalition is left as it is.
    let p = labels.map { Float($0) * 0.7 + 0.1 }
    let smoothed = Tensor.matmul(Tensor(shape: [1, 36], scalars: p), a).scalars
    #expect(zip(smoothed, p).allSatisfy { abs($0 - $1) < 1e-5 })
  }

  @Test func coalitionsFollowTheImagesRegions() {
    let model = patchClassifier()
    let image = patchImage(5, 5)
    var settings = Perturbation.Settings()
    (settings.coalitionSource, settings.minCoalitions, settings.maxCoalitions) = (.pixels, 2, 8)
    let (labels, count) = Perturbation.coalitions(model, image: Tensor(shape: [1, 1, 16, 16], scalars: image), settings: settings)
    #expect(labels.count == 256 && count >= 1 && count <= 8 && Set(labels) == Set(0..<count))
    // Far inside the patch and far outside it, pixels share their region's majority label and the two differ.
    let inside = [6 * 16 + 6, 7 * 16 + 7, 8 * 16 + 8, 9 * 16 + 9], outside = [0, 15, 15 * 16, 255, 2 * 16 + 13]
    #expect(Set(inside.map { labels[$0] }).count == 1 && Set(outside.map { labels[$0] }).count == 1)
    #expect(labels[inside[0]] != labels[outside[0]])
  }

  @Test func everyPerturbationMethodFindsThePatch() {
    let model = patchClassifier()
    let images = patchImage(2, 3) + patchImage(8, 9)
    let batch = Tensor(shape: [2, 1, 16, 16], scalars: images)
    var settings = Perturbation.Settings()
    (settings.iterations, settings.blurSigma, settings.area, settings.minCoalitions) = (150, 6, 0.15, 2)
    let methods: [(String, [[Float]])] = [
      ("blur mask", Perturbation.blurMask(model, images: batch, classes: [0, 0], settings: settings)),
      ("extremal", Perturbation.extremal(model, images: batch, classes: [0, 0], settings: settings)),
      ("coalitions", Perturbation.coalitionSaliency(model, images: batch, classes: [0, 0], settings: settings).maps),
    ]
    for (name, maps) in methods {
      #expect(maps.count == 2)
      for (i, map) in maps.enumerated() {
        let image = Array(images[(i * 256)..<((i + 1) * 256)])
        #expect(map.count == 256 && map.allSatisfy { $0 >= 0 && $0 <= 1 } && map.max() == 1, "\(name)")
        // The patch is 36 / 256 = 0.14 of the image; the map's mass on it is far above that.
        #expect(massOnPatch(map, image) > 0.4, "\(name), image \(i): \(massOnPatch(map, image))")
      }
    }
    // Each image's mask is its own: the second image alone gets the same map.
    let alone = Perturbation.extremal(model, images: Tensor(shape: [1, 1, 16, 16], scalars: Array(images[256...])), classes: [0], settings: settings)
    #expect(zip(alone[0], methods[1].1[1]).allSatisfy { abs($0 - $1) < 1e-3 })
  }
}
