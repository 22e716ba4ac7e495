// Saliency maps of an image classifier (the baselines the region-level explanation pipelines are
// measured against) and the scores that need a ground-truth object mask.
//   Grad-CAM (Selvaraju et al. 2017): with A the last convolution map [K, h, w] and y_c the class
//     score, α_k = mean_{h,w} ∂y_c/∂A_k and the map is ReLU(Σ_k α_k A_k), upsampled bilinearly to
//     the image. For cfx's classifiers (global average pooling, then one linear layer)
//     ∂y_c/∂A_k = W_ck / (h·w) everywhere, so Grad-CAM is the class activation map
//     ReLU(Σ_k W_ck A_k) / (h·w) (Zhou et al. 2016, CAM); the test checks that identity.
//   Grad-CAM++ and Score-CAM: see their functions.
//   Occlusion (Zeiler and Fergus 2014): a square patch of the image's mean colour slides over
//     it; a pixel's saliency is the mean drop of the class probability over the patches
//     covering it.
//   RISE (Petsiuk, Das and Saenko 2018): N random binary grids (s × s cells, each kept with
//     probability p) upsampled bilinearly to cells of side ⌈H/s⌉ and shifted by a random offset
//     within one cell; the map is Σ_i P_c(x ⊙ M_i)·M_i / (N·p).
//   Deletion and insertion (the same paper): pixels in order of decreasing saliency are replaced
//     by the image's mean colour (deletion) or put back into an image of its mean colour
//     (insertion) in `steps` equal portions; the area under the class probability curve over the
//     fraction of pixels changed (trapezoids) is low for a good map in deletion, high in
//     insertion.
// Scores on a mask (1: object): the pointing game (the map's maximum falls on the object;
// ties: the first maximum in row-major order) and the fraction of the map's mass on the object.
// Maps are returned non-negative and scaled to maximum 1 (all zero stays zero).

import Foundation
import Tensor

/// Saliency maps and their scores.
public enum Saliency {
  /// The last convolution maps A [N, K, h, w] and the gradients ∂y_{c_n}/∂A of each image's class
  /// score (logit), both flattened.
  static func mapAndGradient(_ model: ImageClassifier, images: Tensor, classes: [Int]) -> (activations: [Float], gradient: [Float], k: Int, h: Int, w: Int) {
    let classCount = model.configuration.classNames.count
    let n = images.shape[0]
    let map = model.featureMap(images)
    let (k, h, w) = (map.shape[1], map.shape[2], map.shape[3])
    // ∂(Σ_n y_{n, c_n}) / ∂A: each image's score depends on its own map only.
    let selector = Tensor(shape: [n, classCount], scalars: (0..<(n * classCount)).map { classes[$0 / classCount] == $0 % classCount ? 1 : 0 })
    let gradient = grad(at: [map]) { a in
      let pooled = a[0].sum(axes: [2, 3]) * (1 / Float(h * w))
      return (model.head(pooled) * selector).sum()
    }[0].scalars
    return (map.scalars, gradient, k, h, w)
  }

  /// The map ReLU(Σ_k w_k A_k) of every image, upsampled to H × W and scaled, with the channel
  /// weights `weight(base, total)` computed from the image's channel at `base` (its h·w values
  /// in `activations` and `gradient`) and the channel's activation sum.
  static func weightedChannelMaps(_ model: ImageClassifier, images: Tensor, classes: [Int],
                                  weight: (_ gradient: ArraySlice<Float>, _ activationSum: Float) -> Float) -> [[Float]] {
    let (n, height, width) = (images.shape[0], images.shape[2], images.shape[3])
    let (activations, gradient, k, h, w) = mapAndGradient(model, images: images, classes: classes)
    return (0..<n).map { image in
      var cam = [Float](repeating: 0, count: h * w)
      for channel in 0..<k {
        let base = (image * k + channel) * h * w
        let wk = weight(gradient[base..<(base + h * w)], activations[base..<(base + h * w)].reduce(0, +))
        for p in 0..<(h * w) { cam[p] += wk * activations[base + p] }
      }
      return normalised(bilinear(cam.map { Swift.max($0, 0) }, from: (h, w), to: (height, width)))
    }
  }

  /// Grad-CAM maps of `classes` (one per image) for images [N, C, H, W]: N maps of H·W values.
  public static func gradCAM(_ model: ImageClassifier, images: Tensor, classes: [Int]) -> [[Float]] {
    precondition(images.rank == 4 && classes.count == images.shape[0], "Saliency.gradCAM: images \(images.shape) for \(classes.count) classes")
    // α_k: the mean gradient over the map.
    return weightedChannelMaps(model, images: images, classes: classes) { g, _ in g.reduce(0, +) / Float(g.count) }
  }

  /// Grad-CAM++ maps (Chattopadhay et al. 2018) of `classes` for images [N, C, H, W]: with
  /// g = ∂y_c/∂A_k (the exponential-score form, where higher derivatives are powers of g),
  /// α_kij = g² / (2g² + g³·Σ_ab A_kab), w_k = Σ_ij α_kij·ReLU(g_kij) and the map
  /// ReLU(Σ_k w_k A_k), upsampled and scaled as Grad-CAM's (pytorch-grad-cam's formulation).
  public static func gradCAMPlusPlus(_ model: ImageClassifier, images: Tensor, classes: [Int]) -> [[Float]] {
    precondition(images.rank == 4 && classes.count == images.shape[0], "Saliency.gradCAMPlusPlus: images \(images.shape) for \(classes.count) classes")
    return weightedChannelMaps(model, images: images, classes: classes) { gradient, total in
      // ReLU(g) = 0 for g ≤ 0; for g > 0 and A ≥ 0 (after ReLU) the denominator is positive.
      gradient.reduce(Float(0)) { weight, g in g > 0 ? weight + g * g / (2 * g * g + total * g * g * g) * g : weight }
    }
  }

  /// Score-CAM maps (Wang et al. 2020) of `classes` for images [N, C, H, W]: every channel of the
  /// last convolution map, upsampled and scaled to [0, 1] (min–max; a constant channel is all
  /// zero), masks the image; s_k is the class probability (softmax) of the masked image, the
  /// channel weights softmax_k(s_k), the map ReLU(Σ_k w_k A_k), upsampled and scaled.
  public static func scoreCAM(_ model: ImageClassifier, images: Tensor, classes: [Int]) -> [[Float]] {
    precondition(images.rank == 4 && classes.count == images.shape[0], "Saliency.scoreCAM: images \(images.shape) for \(classes.count) classes")
    let (n, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let plane = height * width, classCount = model.configuration.classNames.count
    let map = model.featureMap(images)
    let (k, h, w) = (map.shape[1], map.shape[2], map.shape[3])
    let activations = map.scalars, values = images.scalars
    return (0..<n).map { image in
      let original = values[(image * channels * plane)..<((image + 1) * channels * plane)]
      let masks: [[Float]] = (0..<k).map { channel in
        let base = (image * k + channel) * h * w
        let up = bilinear(Array(activations[base..<(base + h * w)]), from: (h, w), to: (height, width))
        let (low, high) = (up.min()!, up.max()!)
        return high > low ? up.map { ($0 - low) / (high - low) } : [Float](repeating: 0, count: plane)
      }
      var scores: [Float] = []
      for start in Swift.stride(from: 0, to: k, by: 64) {
        let chunk = Array(start..<Swift.min(start + 64, k))
        var batch = [Float]()
        batch.reserveCapacity(chunk.count * channels * plane)
        for m in chunk { for c in 0..<channels { for p in 0..<plane { batch.append(original[original.startIndex + c * plane + p] * masks[m][p]) } } }
        let probabilities = model(Tensor(shape: [chunk.count, channels, height, width], scalars: batch)).softmax(axis: 1).scalars
        scores += chunk.indices.map { probabilities[$0 * classCount + classes[image]] }
      }
      let top = scores.max()!
      let exps = scores.map { exp($0 - top) }, total = exps.reduce(0, +)
      var cam = [Float](repeating: 0, count: h * w)
      for channel in 0..<k {
        let base = (image * k + channel) * h * w, weight = exps[channel] / total
        for p in 0..<(h * w) { cam[p] += weight * activations[base + p] }
      }
      return normalised(bilinear(cam.map { Swift.max($0, 0) }, from: (h, w), to: (height, width)))
    }
  }

  /// Occlusion maps of `classes` for images [N, C, H, W]: patches of side `patch` every `stride`
  /// pixels, filled with the image's mean colour.
  public static func occlusion(_ model: ImageClassifier, images: Tensor, classes: [Int], patch: Int = 8, stride: Int = 4) -> [[Float]] {
    precondition(images.rank == 4 && classes.count == images.shape[0] && patch > 0 && stride > 0, "Saliency.occlusion: images \(images.shape), patch \(patch), stride \(stride)")
    let (n, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let plane = height * width, size = channels * plane
    let values = images.scalars
    let starts: ([Int], [Int]) = (Array(Swift.stride(from: 0, through: Swift.max(height - patch, 0), by: stride)), Array(Swift.stride(from: 0, through: Swift.max(width - patch, 0), by: stride)))
    let windows = starts.0.flatMap { y in starts.1.map { x in (y, x) } }
    return (0..<n).map { image in
      let original = Array(values[(image * size)..<((image + 1) * size)])
      let means = (0..<channels).map { c in original[(c * plane)..<((c + 1) * plane)].reduce(0, +) / Float(plane) }
      var batch = [Float]()
      batch.reserveCapacity((windows.count + 1) * size)
      batch += original
      for (y0, x0) in windows {
        var occluded = original
        for c in 0..<channels {
          for y in y0..<Swift.min(y0 + patch, height) { for x in x0..<Swift.min(x0 + patch, width) { occluded[c * plane + y * width + x] = means[c] } }
        }
        batch += occluded
      }
      let probabilities = model(Tensor(shape: [windows.count + 1, channels, height, width], scalars: batch)).softmax(axis: 1).scalars
      let k = model.configuration.classNames.count
      let reference = probabilities[classes[image]]
      var drop = [Float](repeating: 0, count: plane), cover = [Float](repeating: 0, count: plane)
      for (index, (y0, x0)) in windows.enumerated() {
        let d = reference - probabilities[(index + 1) * k + classes[image]]
        for y in y0..<Swift.min(y0 + patch, height) {
          for x in x0..<Swift.min(x0 + patch, width) {
            drop[y * width + x] += d
            cover[y * width + x] += 1
          }
        }
      }
      return normalised((0..<plane).map { cover[$0] > 0 ? Swift.max(drop[$0] / cover[$0], 0) : 0 })
    }
  }

  /// RISE maps of `classes` for images [N, C, H, W] from `masks` random masks on an s × s grid,
  /// cells kept with probability `keep`, drawn from a generator seeded with `seed` (the same
  /// masks for every image).
  public static func rise(_ model: ImageClassifier, images: Tensor, classes: [Int], masks count: Int = 256, grid: Int = 7,
                          keep: Float = 0.5, seed: UInt64 = 0) -> [[Float]] {
    precondition(images.rank == 4 && classes.count == images.shape[0] && count > 0 && grid > 0 && keep > 0 && keep < 1,
                 "Saliency.rise: images \(images.shape), \(count) masks, grid \(grid), keep \(keep)")
    let (n, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let plane = height * width
    var rng = RandomGenerator(seed: seed)
    let (cellH, cellW) = ((height + grid - 1) / grid, (width + grid - 1) / grid)
    let masks: [[Float]] = (0..<count).map { _ in
      let cells = (0..<((grid + 1) * (grid + 1))).map { _ in rng.nextUniform() < keep ? Float(1) : 0 }
      let up = bilinear(cells, from: (grid + 1, grid + 1), to: ((grid + 1) * cellH, (grid + 1) * cellW))
      let (dy, dx) = (rng.nextInt(below: cellH), rng.nextInt(below: cellW))
      let stride = (grid + 1) * cellW
      return (0..<plane).map { (p: Int) -> Float in
        let (y, x) = (p / width + dy, p % width + dx)
        return up[y * stride + x]
      }
    }
    let values = images.scalars, k = model.configuration.classNames.count
    return (0..<n).map { image in
      let original = Array(values[(image * channels * plane)..<((image + 1) * channels * plane)])
      var map = [Float](repeating: 0, count: plane)
      for start in Swift.stride(from: 0, to: count, by: 64) {
        let chunk = Array(start..<Swift.min(start + 64, count))
        var batch = [Float]()
        batch.reserveCapacity(chunk.count * channels * plane)
        for m in chunk { for c in 0..<channels { for p in 0..<plane { batch.append(original[c * plane + p] * masks[m][p]) } } }
        let probabilities = model(Tensor(shape: [chunk.count, channels, height, width], scalars: batch)).softmax(axis: 1).scalars
        for (row, m) in chunk.enumerated() {
          let weight = probabilities[row * k + classes[image]]
          for p in 0..<plane { map[p] += weight * masks[m][p] }
        }
      }
      return normalised(map.map { $0 / (Float(count) * keep) })
    }
  }

  /// What removed pixels become in the deletion and insertion curves.
  public enum Substrate: String, Codable, Sendable, CaseIterable {
    /// The image's mean colour, per channel.
    case mean
    /// Zeros (black).
    case zero
    /// A Gaussian-blurred copy of the image (σ = `blurSigma` pixels).
    case blur
  }

  /// The substrate image of one image [C, H, W] (planar values).
  public static func substrate(_ kind: Substrate, image: [Float], channels: Int, height: Int, width: Int, blurSigma: Float = 2) -> [Float] {
    let plane = height * width
    switch kind {
    case .mean:
      return (0..<channels).flatMap { c in
        [Float](repeating: image[(c * plane)..<((c + 1) * plane)].reduce(0, +) / Float(plane), count: plane)
      }
    case .zero: return [Float](repeating: 0, count: image.count)
    case .blur: return gaussianBlur(image, channels: channels, height: height, width: width, sigma: blurSigma)
    }
  }

  /// Gaussian blur of an image [C, H, W] (planar values), separable, the kernel truncated at
  /// radius ⌊3σ + 0.5⌋ and normalised, edges extended by their nearest pixel (as SciPy's
  /// `gaussian_filter(mode="nearest", truncate=3)`).
  public static func gaussianBlur(_ image: [Float], channels: Int, height: Int, width: Int, sigma: Float) -> [Float] {
    let plane = height * width
    precondition(image.count == channels * plane && sigma > 0, "Saliency.gaussianBlur: \(image.count) values for [\(channels), \(height), \(width)], σ \(sigma)")
    let radius = Int(3 * sigma + 0.5)
    let raw = (-radius...radius).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
    let total = raw.reduce(0, +)
    let kernel = raw.map { $0 / total }
    var rows = [Float](repeating: 0, count: image.count), out = rows
    for c in 0..<channels {
      for y in 0..<height {
        for x in 0..<width {
          var v: Float = 0
          for (t, weight) in kernel.enumerated() { v += weight * image[c * plane + y * width + Swift.min(Swift.max(x + t - radius, 0), width - 1)] }
          rows[c * plane + y * width + x] = v
        }
      }
      for y in 0..<height {
        for x in 0..<width {
          var v: Float = 0
          for (t, weight) in kernel.enumerated() { v += weight * rows[c * plane + Swift.min(Swift.max(y + t - radius, 0), height - 1) * width + x] }
          out[c * plane + y * width + x] = v
        }
      }
    }
    return out
  }

  /// Deletion and insertion areas under the class-probability curve of one image [C, H, W]
  /// (values, planar) and its map: `score` gives the class probability of a batch of images
  /// [B, C, H, W]; pixels change in `steps` equal portions, most salient first (ties in
  /// row-major order). Deletion replaces them by the deletion substrate; insertion puts them
  /// back into the insertion substrate. The area is the trapezoid rule over the fraction of
  /// pixels changed, (Σ s − s₀/2 − s_n/2) / n for the n + 1 points of the curve.
  public static func deletionInsertion(image: [Float], channels: Int, height: Int, width: Int, map: [Float], steps: Int = 16,
                                       deletionSubstrate: Substrate = .mean, insertionSubstrate: Substrate = .mean, blurSigma: Float = 2,
                                       score: (Tensor) -> [Float]) -> (deletion: Double, insertion: Double) {
    let plane = height * width
    precondition(image.count == channels * plane && map.count == plane && steps > 0, "Saliency.deletionInsertion: sizes")
    let order = map.indices.sorted { map[$0] > map[$1] || (map[$0] == map[$1] && $0 < $1) }
    let removed = substrate(deletionSubstrate, image: image, channels: channels, height: height, width: width, blurSigma: blurSigma)
    let empty = substrate(insertionSubstrate, image: image, channels: channels, height: height, width: width, blurSigma: blurSigma)
    var deleted = [Float](), inserted = [Float]()
    for step in 0...steps {
      let changed = Set(order.prefix(step * plane / steps))
      for c in 0..<channels {
        for p in 0..<plane {
          let i = c * plane + p
          deleted.append(changed.contains(p) ? removed[i] : image[i])
          inserted.append(changed.contains(p) ? image[i] : empty[i])
        }
      }
    }
    let curves = score(Tensor(shape: [2 * (steps + 1), channels, height, width], scalars: deleted + inserted)).map(Double.init)
    func area(_ curve: ArraySlice<Double>) -> Double {
      let c = Array(curve)
      var total = 0.0
      for i in 0..<steps { total += (c[i] + c[i + 1]) / 2 }
      return total / Double(steps)
    }
    return (area(curves[0...steps]), area(curves[(steps + 1)...]))
  }

  /// Whether the map's maximum (the first in row-major order) lies on the mask (values > 127).
  public static func pointingGameHit(_ map: [Float], mask: ArraySlice<UInt8>) -> Bool {
    precondition(map.count == mask.count, "Saliency.pointingGameHit: \(map.count) values for a mask of \(mask.count)")
    guard let top = map.indices.max(by: { map[$0] < map[$1] || (map[$0] == map[$1] && $0 > $1) }) else { return false }
    return mask[mask.startIndex + top] > 127
  }

  /// The fraction of the map's mass on the mask, each pixel weighted by its mask coverage
  /// (mask / 255); 0 for an all-zero map.
  public static func energyOnMask(_ map: [Float], mask: ArraySlice<UInt8>) -> Double {
    precondition(map.count == mask.count, "Saliency.energyOnMask: \(map.count) values for a mask of \(mask.count)")
    let total = map.reduce(0.0) { $0 + Double($1) }
    guard total > 0 else { return 0 }
    return zip(map, mask).reduce(0.0) { $0 + Double($1.0) * Double($1.1) / 255 } / total
  }

  /// Scales a non-negative map to maximum 1.
  static func normalised(_ map: [Float]) -> [Float] {
    let top = map.max() ?? 0
    return top > 0 ? map.map { $0 / top } : map
  }

  /// Bilinear resampling of an h × w map to H × W, pixel centres aligned (as
  /// torch.nn.functional.interpolate with align_corners=False), edges clamped.
  static func bilinear(_ map: [Float], from source: (Int, Int), to target: (Int, Int)) -> [Float] {
    let (h, w) = source, (height, width) = target
    var out = [Float](repeating: 0, count: height * width)
    for y in 0..<height {
      let sy = Swift.min(Swift.max((Float(y) + 0.5) * Float(h) / Float(height) - 0.5, 0), Float(h - 1))
      let y0 = Int(sy), y1 = Swift.min(y0 + 1, h - 1), fy = sy - Float(y0)
      for x in 0..<width {
        let sx = Swift.min(Swift.max((Float(x) + 0.5) * Float(w) / Float(width) - 0.5, 0), Float(w - 1))
        let x0 = Int(sx), x1 = Swift.min(x0 + 1, w - 1), fx = sx - Float(x0)
        let top = (1 - fx) * map[y0 * w + x0] + fx * map[y0 * w + x1], bottom = (1 - fx) * map[y1 * w + x0] + fx * map[y1 * w + x1]
        out[y * width + x] = (1 - fy) * top + fy * bottom
      }
    }
    return out
  }
}
