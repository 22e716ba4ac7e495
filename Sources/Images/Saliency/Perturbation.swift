// Saliency by learned perturbation masks: each image's mask is optimised through the classifier
// (Adam, projected to [0, 1] after every step), several images at once (their losses are
// independent sums). A perturbed image mixes the image x with a substrate b (a Gaussian-blurred
// copy as in the papers, or the image's mean colour, or zeros):
//   x̃ = m ⊙ x + (1 − m) ⊙ b   (m = 1 keeps a pixel; equivalently p = 1 − m perturbs it).
//   Blur mask (Fong and Vedaldi 2017, "Interpretable Explanations of Black Boxes by Meaningful
//     Perturbation", the deletion game): minimise λ₁·mean(1 − m) + λ₂·mean(|∇m|^β) + P_c(x̃) from
//     m = 1; the mask lives at half the image's resolution, bilinearly upsampled; saliency 1 − m.
//   Extremal perturbation (Fong, Patrick and Vedaldi 2019, the preservation game at area a):
//     minimise −log P_c(x̃) + λ_a·‖sort(m) − r_a‖² / n, r_a the sorted target with a·n ones;
//     the ranking term's gradient equals that of ‖m − r_a[rank(m)]‖², which is what is computed
//     (the ranks held for the step); λ_a grows geometrically from 1 to `areaWeight`; the mask lives
//     at a quarter of the resolution, upsampled; saliency m.
//   Coalitions (Hu et al. 2024, "Perturbation on Feature Coalition"): pixels are grouped into
//     coalitions by a clustering network (Kim and Kanezaki 2018, "Unsupervised Image Segmentation
//     by Backpropagation": two 3 × 3 convolutions with ReLU and per-image normalisation, a 1 × 1
//     convolution to `maxCoalitions` responses, normalised; trained on the cross-entropy to its
//     own argmax plus μ times the mean absolute difference of neighbouring responses, until at
//     most `minCoalitions` labels remain) on the classifier's convolution maps upsampled to the
//     image (the paper's version) or on the pixels (its authors' code's version). The perturbation
//     p = 1 − m then minimises µ·(−log P_c(x̃)) + λ·Σ(1 − p) + ν·Σ(p − A p)² (sums over pixels), A averaging
//     each pixel's neighbours with Gaussian weights (σ = `consistencySigma` pixels, radius 3σ)
//     inside its own coalition, so the perturbation is uniform within a coalition; saliency 1 − p.

import Foundation
import NN
import Tensor

/// Perturbation-mask saliency methods.
public enum Perturbation {
  /// Where the coalitions' clustering network looks.
  public enum CoalitionSource: String, Codable, Sendable, CaseIterable {
    /// The classifier's convolution maps, upsampled to the image (the paper's version).
    case features
    /// The pixels (the authors' public code's version).
    case pixels
  }

  /// The settings of the three methods.
  public struct Settings: Codable, Sendable, Equatable {
    /// Optimiser steps, Adam's learning rate, σ of the blurred copy in pixels.
    public var iterations = 300, learningRate: Float = 0.1, blurSigma: Float = 3
    /// What perturbed pixels move to: the blurred copy (as the papers), the image's mean colour or zeros.
    public var substrate = Saliency.Substrate.blur
    /// Blur mask: weights of the area and total-variation terms, the TV exponent β.
    public var areaL1: Float = 0.05, totalVariation: Float = 0.2, tvBeta: Float = 3
    /// Extremal perturbation: the preserved area a and the final weight of the area term.
    public var area: Float = 0.2, areaWeight: Float = 100
    /// Coalitions: source, fewest and most coalitions, clustering steps and continuity weight μ,
    /// hidden channels of the clustering network.
    public var coalitionSource = CoalitionSource.features, minCoalitions = 4, maxCoalitions = 32, clusteringIterations = 200
    public var continuity: Float = 5, clusteringChannels = 32
    /// Coalitions: weights λ (mask), µ (confidence), ν (consistency), σ of the consistency weights.
    public var maskWeight: Float = 1, confidenceWeight: Float = 100, consistencyWeight: Float = 1, consistencySigma: Float = 1
    /// Seed of the clustering networks' initialisation.
    public var seed: UInt64 = 0
    /// The defaults.
    public init() {}
  }

  /// Bilinear upsampling as a matrix U [h·w, H·W] (x_up = x · U), the coefficients of
  /// Saliency.bilinear.
  static func upsamplingMatrix(from source: (Int, Int), to target: (Int, Int)) -> Tensor {
    let cells = source.0 * source.1, pixels = target.0 * target.1
    var values = [Float](repeating: 0, count: cells * pixels)
    for cell in 0..<cells {
      var unit = [Float](repeating: 0, count: cells)
      unit[cell] = 1
      let up = Saliency.bilinear(unit, from: source, to: target)
      for p in 0..<pixels { values[cell * pixels + p] = up[p] }
    }
    return Tensor(shape: [cells, pixels], scalars: values)
  }

  /// The substrates of images [N, C, H, W].
  static func substrates(_ images: Tensor, settings: Settings) -> Tensor {
    let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let size = c * h * w, values = images.scalars
    let out = (0..<n).flatMap {
      Saliency.substrate(settings.substrate, image: Array(values[($0 * size)..<(($0 + 1) * size)]), channels: c, height: h, width: w, blurSigma: settings.blurSigma)
    }
    return Tensor(shape: images.shape, scalars: out)
  }

  /// Σ over images of log P_c(x̃) for perturbed images [N, C, H, W] and one class per image.
  static func logProbability(_ model: ImageClassifier, _ perturbed: Tensor, classes: [Int]) -> Tensor {
    let k = model.configuration.classNames.count
    let selector = Tensor(shape: [classes.count, k], scalars: (0..<(classes.count * k)).map { classes[$0 / k] == $0 % k ? 1 : 0 })
    return (model(perturbed).logSoftmax() * selector).sum()
  }

  /// x̃ = m ⊙ x + (1 − m) ⊙ b for masks [N, H·W] (broadcast over channels).
  static func mix(_ mask: Tensor, images: Tensor, blurred: Tensor) -> Tensor {
    let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
    let m = mask.reshaped([n, 1, h, w])
    return m * images + (1 - m) * blurred
  }

  /// Projects values onto [0, 1].
  static func project(_ t: inout Tensor) {
    t = Tensor(shape: t.shape, scalars: t.scalars.map { Swift.min(1, Swift.max(0, $0)) })
  }

  /// Blur-mask saliency maps (1 − m, scaled to maximum 1) of `classes` for images [N, C, H, W].
  public static func blurMask(_ model: ImageClassifier, images: Tensor, classes: [Int], settings: Settings = Settings()) -> [[Float]] {
    precondition(images.rank == 4 && classes.count == images.shape[0], "Perturbation.blurMask: images \(images.shape) for \(classes.count) classes")
    let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
    let (mh, mw) = (Swift.max(h / 2, 1), Swift.max(w / 2, 1))
    let up = upsamplingMatrix(from: (mh, mw), to: (h, w)), background = substrates(images, settings: settings)
    var mask = Tensor.ones([n, mh * mw])
    var optimiser = AdamW(learningRate: settings.learningRate, weightDecay: 0)
    for _ in 0..<settings.iterations {
      let gradient = grad(at: mask) { m in
        let full = Tensor.matmul(m, up)
        // Total variation on the low-resolution mask: |m(y+1, x) − m(y, x)|^β and the same across.
        let grid = m.reshaped([n, mh, mw])
        let down = grid.narrowed(axis: 1, start: 1, length: mh - 1) - grid.narrowed(axis: 1, start: 0, length: mh - 1)
        let across = grid.narrowed(axis: 2, start: 1, length: mw - 1) - grid.narrowed(axis: 2, start: 0, length: mw - 1)
        let tv = Tensor.pow(down.abs() + 1e-8, Tensor(settings.tvBeta)).mean() + Tensor.pow(across.abs() + 1e-8, Tensor(settings.tvBeta)).mean()
        let probability = logProbability(model, mix(full, images: images, blurred: background), classes: classes).exp()
        // The per-image loss summed over images: each image's mask sees only its own terms.
        return (settings.areaL1 * (1 - m).mean() + settings.totalVariation * tv) * Float(n) + probability
      }
      optimiser.update(&mask, gradients: gradient)
      project(&mask)
    }
    let full = Tensor.matmul(mask, up).scalars
    return (0..<n).map { Saliency.normalised(full[($0 * h * w)..<(($0 + 1) * h * w)].map { 1 - $0 }) }
  }

  /// Extremal-perturbation saliency maps (m, scaled to maximum 1) of `classes` for images
  /// [N, C, H, W] at preserved area `settings.area`.
  public static func extremal(_ model: ImageClassifier, images: Tensor, classes: [Int], settings: Settings = Settings()) -> [[Float]] {
    precondition(images.rank == 4 && classes.count == images.shape[0] && settings.area > 0 && settings.area < 1,
                 "Perturbation.extremal: images \(images.shape) for \(classes.count) classes, area \(settings.area)")
    let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
    let (mh, mw) = (Swift.max(h / 4, 1), Swift.max(w / 4, 1))
    let up = upsamplingMatrix(from: (mh, mw), to: (h, w)), background = substrates(images, settings: settings)
    let pixels = h * w, kept = Int((settings.area * Float(pixels)).rounded())
    var mask = Tensor(shape: [n, mh * mw], scalars: [Float](repeating: 0.5, count: n * mh * mw))
    var optimiser = AdamW(learningRate: settings.learningRate, weightDecay: 0)
    for step in 0..<settings.iterations {
      let weight = Float(pow(Double(settings.areaWeight), Double(step) / Double(Swift.max(settings.iterations - 1, 1))))
      // r_a at each pixel's rank: the `kept` largest values of the upsampled mask aim at 1, the rest at 0.
      let current = Tensor.matmul(mask, up).scalars
      var target = [Float](repeating: 0, count: n * pixels)
      for image in 0..<n {
        let values = current[(image * pixels)..<((image + 1) * pixels)]
        let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        for p in order.prefix(kept) { target[p] = 1 }
      }
      let targetTensor = Tensor(shape: [n, pixels], scalars: target)
      let gradient = grad(at: mask) { m in
        let full = Tensor.matmul(m, up)
        let area = (full - targetTensor).squared().mean() * Float(n)
        return weight * area - logProbability(model, mix(full, images: images, blurred: background), classes: classes)
      }
      optimiser.update(&mask, gradients: gradient)
      project(&mask)
    }
    let full = Tensor.matmul(mask, up).scalars
    return (0..<n).map { Saliency.normalised(Array(full[($0 * pixels)..<(($0 + 1) * pixels)])) }
  }

  /// The clustering network of one image.
  struct ClusteringNetwork: ParameterTree {
    var first: Conv2d, firstNorm: GroupNorm, second: Conv2d, secondNorm: GroupNorm, out: Conv2d, outNorm: GroupNorm

    init(inputs: Int, hidden: Int, outputs: Int, using rng: inout RandomGenerator) {
      first = Conv2d(inChannels: inputs, outChannels: hidden, kernel: (3, 3), padding: (1, 1), using: &rng)
      second = Conv2d(inChannels: hidden, outChannels: hidden, kernel: (3, 3), padding: (1, 1), using: &rng)
      out = Conv2d(inChannels: hidden, outChannels: outputs, kernel: (1, 1), using: &rng)
      // One channel per group: each channel normalised over the image's pixels, as batch
      // normalisation of a batch of one image.
      (firstNorm, secondNorm, outNorm) = (GroupNorm(groups: hidden, channels: hidden), GroupNorm(groups: hidden, channels: hidden), GroupNorm(groups: outputs, channels: outputs))
    }

    /// Responses [1, outputs, H, W] of features [1, D, H, W].
    func callAsFunction(_ x: Tensor) -> Tensor {
      outNorm(out(secondNorm(second.relu(firstNorm(first.relu(x))))))
    }

    mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
      try visitChild("first", &first, body)
      try visitChild("firstNorm", &firstNorm, body)
      try visitChild("second", &second, body)
      try visitChild("secondNorm", &secondNorm, body)
      try visitChild("out", &out, body)
      try visitChild("outNorm", &outNorm, body)
    }
  }

  /// The clustering network's input for one image [1, C, H, W]: its pixels or the classifier's
  /// convolution maps upsampled to H × W, each channel standardised over the pixels.
  static func coalitionFeatures(_ model: ImageClassifier, image: Tensor, source: CoalitionSource) -> Tensor {
    let (h, w) = (image.shape[2], image.shape[3])
    var channels: [[Float]] = []
    switch source {
    case .pixels:
      let values = image.scalars
      channels = (0..<image.shape[1]).map { Array(values[($0 * h * w)..<(($0 + 1) * h * w)]) }
    case .features:
      for map in model.convolutionMaps(image) {
        let (k, mh, mw) = (map.shape[1], map.shape[2], map.shape[3]), values = map.scalars
        for c in 0..<k {
          let plane = Array(values[(c * mh * mw)..<((c + 1) * mh * mw)])
          channels.append((mh, mw) == (h, w) ? plane : Saliency.bilinear(plane, from: (mh, mw), to: (h, w)))
        }
      }
    }
    let standardised = channels.flatMap { plane -> [Float] in
      let mean = plane.reduce(0, +) / Float(plane.count)
      let sd = (plane.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(plane.count)).squareRoot()
      return plane.map { sd > 0 ? ($0 - mean) / sd : 0 }
    }
    return Tensor(shape: [1, channels.count, h, w], scalars: standardised)
  }

  /// Coalition labels (H·W values, 0 ..< count) of one image [1, C, H, W] by the clustering network.
  public static func coalitions(_ model: ImageClassifier, image: Tensor, settings: Settings = Settings()) -> (labels: [Int], count: Int) {
    precondition(image.rank == 4 && image.shape[0] == 1 && settings.minCoalitions >= 1 && settings.maxCoalitions >= settings.minCoalitions,
                 "Perturbation.coalitions: image \(image.shape), coalitions \(settings.minCoalitions)…\(settings.maxCoalitions)")
    let (h, w) = (image.shape[2], image.shape[3])
    let features = coalitionFeatures(model, image: image, source: settings.coalitionSource)
    var rng = RandomGenerator(seed: settings.seed)
    var network = ClusteringNetwork(inputs: features.shape[1], hidden: settings.clusteringChannels, outputs: settings.maxCoalitions, using: &rng)
    var optimiser = AdamW(learningRate: settings.learningRate, weightDecay: 0)
    func labels(_ responses: Tensor) -> [Int] {
      let values = responses.scalars, l = settings.maxCoalitions
      return (0..<(h * w)).map { p in (0..<l).max { values[$0 * h * w + p] < values[$1 * h * w + p] }! }
    }
    var current = labels(network(features))
    for _ in 0..<settings.clusteringIterations where Set(current).count > settings.minCoalitions {
      let targets = current
      let gradient = grad(at: network) { net in
        let r = net(features)
        // Cross-entropy of every pixel's responses to its own argmax (feature similarity) plus
        // μ · mean |neighbour differences| (spatial continuity).
        let perPixel = r.reshaped([settings.maxCoalitions, h * w]).transposed()
        let down = r.narrowed(axis: 2, start: 1, length: h - 1) - r.narrowed(axis: 2, start: 0, length: h - 1)
        let across = r.narrowed(axis: 3, start: 1, length: w - 1) - r.narrowed(axis: 3, start: 0, length: w - 1)
        return Tensor.crossEntropy(logits: perPixel, classIndices: targets) + settings.continuity * (down.abs().mean() + across.abs().mean())
      }
      optimiser.update(&network, gradients: gradient)
      current = labels(network(features))
    }
    // Relabel 0 ..< count in order of first appearance.
    var names: [Int: Int] = [:]
    let relabelled = current.map { label -> Int in
      if let name = names[label] { return name }
      names[label] = names.count
      return names.count - 1
    }
    return (relabelled, names.count)
  }

  /// The consistency operator A [H·W, H·W] of one image's coalitions, transposed for a row
  /// vector (p·Aᵀ): each pixel's Gaussian-weighted mean over the pixels of its coalition within
  /// radius ⌈3σ⌉.
  static func consistencyOperator(labels: [Int], height: Int, width: Int, sigma: Float) -> Tensor {
    let pixels = height * width, radius = Int((3 * sigma).rounded(.up))
    var values = [Float](repeating: 0, count: pixels * pixels)
    for p in 0..<pixels {
      let (y, x) = (p / width, p % width)
      var total: Float = 0
      for dy in -radius...radius {
        for dx in -radius...radius {
          let (yy, xx) = (y + dy, x + dx)
          guard yy >= 0 && yy < height && xx >= 0 && xx < width, labels[yy * width + xx] == labels[p] else { continue }
          let weight = exp(-Float(dy * dy + dx * dx) / (2 * sigma * sigma))
          values[(yy * width + xx) * pixels + p] = weight
          total += weight
        }
      }
      for q in 0..<pixels where values[q * pixels + p] != 0 { values[q * pixels + p] /= total }
    }
    return Tensor(shape: [pixels, pixels], scalars: values)
  }

  /// Coalition-guided perturbation maps (1 − p, scaled to maximum 1) of `classes` for images
  /// [N, C, H, W], given each image's coalition labels (H·W values).
  public static func coalitionPerturbation(_ model: ImageClassifier, images: Tensor, classes: [Int], coalitions: [[Int]],
                                           settings: Settings = Settings()) -> [[Float]] {
    let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
    precondition(images.rank == 4 && classes.count == n && coalitions.count == n && coalitions.allSatisfy { $0.count == h * w },
                 "Perturbation.coalitionPerturbation: images \(images.shape), \(classes.count) classes, \(coalitions.count) labelings")
    let pixels = h * w
    let operators = Tensor.concat(coalitions.map { consistencyOperator(labels: $0, height: h, width: w, sigma: settings.consistencySigma).reshaped([1, pixels, pixels]) }, axis: 0)
    let background = substrates(images, settings: settings)
    var perturbation = Tensor(shape: [n, pixels], scalars: [Float](repeating: 0.5, count: n * pixels))
    var optimiser = AdamW(learningRate: settings.learningRate, weightDecay: 0)
    for _ in 0..<settings.iterations {
      let gradient = grad(at: perturbation) { p in
        let smoothed = Tensor.matmul(p.reshaped([n, 1, pixels]), operators).reshaped([n, pixels])
        // Sums over pixels, as the L1 norm of Fong and Vedaldi's mask term: the mask and
        // consistency terms pull each pixel with weight O(λ), O(ν), against µ·∂(−log P)/∂p_i.
        let consistency = (p - smoothed).squared().sum()
        let confidence = -logProbability(model, mix(1 - p, images: images, blurred: background), classes: classes)
        return settings.confidenceWeight * confidence + settings.maskWeight * (1 - p).sum() + settings.consistencyWeight * consistency
      }
      optimiser.update(&perturbation, gradients: gradient)
      project(&perturbation)
    }
    let values = perturbation.scalars
    return (0..<n).map { Saliency.normalised(values[($0 * pixels)..<(($0 + 1) * pixels)].map { 1 - $0 }) }
  }

  /// Coalition saliency maps of `classes` for images [N, C, H, W] and each image's coalition
  /// labels (H·W values): coalitions per image, then the perturbation; with `singleCoalition`
  /// every pixel is in one coalition (the ablation).
  public static func coalitionSaliency(_ model: ImageClassifier, images: Tensor, classes: [Int], settings: Settings = Settings(),
                                       singleCoalition: Bool = false) -> (maps: [[Float]], coalitions: [[Int]]) {
    let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let values = images.scalars, size = c * h * w
    let labelings = (0..<n).map { i in
      singleCoalition ? [Int](repeating: 0, count: h * w)
        : coalitions(model, image: Tensor(shape: [1, c, h, w], scalars: Array(values[(i * size)..<((i + 1) * size)])), settings: settings).labels
    }
    return (coalitionPerturbation(model, images: images, classes: classes, coalitions: labelings, settings: settings), labelings)
  }
}
