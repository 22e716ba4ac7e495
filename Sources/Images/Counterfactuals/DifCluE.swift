// Several counterfactuals per class (DifCluE: "Generating Diffusion Cluster Explanations";
// Preechakul et al.'s diffusion autoencoder as the latent): a class the classifier predicts
// often has several modes, so one counterfactual direction explains only one reason. In the
// semantic latent z_sem of a diffusion autoencoder, standardised per dimension over a reference
// set (ẑ = (z − μ) / σ):
//   1. the reference images the classifier assigns to the target class are clustered by k-means
//      (k-means++, restarts, seeded) into K modes; K is given, or proposed as the K in 2…K_max
//      with the largest silhouette, or by the gap statistic (K in 1…K_max: it can find one mode);
//   2. a multinomial logistic regression on ẑ predicts the mode. As DifCluE writes it
//      (difclue-between-modes) it is fitted on the positives alone and its rows w_k, as unit
//      vectors, are the directions: moving along u_k raises mode k's logit against the other
//      modes', which also drags in whatever tells the modes apart without making an image
//      positive. By default (difclue) the images outside the target are one more class, 0, and
//      u_k = (w_k − w_0) / ‖w_k − w_0‖ leads from the rest into mode k;
//   3. an input x (one the classifier does not assign to the target) is encoded to (x_T, z)
//      by the encoder and DDIM inversion; for each mode, ẑ' = ẑ + α·√d·u_k is decoded from the
//      same x_T for α on an increasing grid, and the first α at which the classifier predicts
//      the target class is that mode's counterfactual (α is in units of √d, the length of a
//      typical standardised code, so strengths compare across code widths).
// Baselines through the same sweep: one direction (the normal of a binary logistic
// regression, target class against the rest), K random unit directions, and K DISSECT-style
// directions learned with an overseer (DissectDirections.swift).

import Clustering
import Foundation
import NN
import Tensor

/// Per-dimension standardisation of semantic codes.
public struct CodeStandardization: Codable, Sendable, Equatable {
  /// μ and σ per dimension (σ floored at 1e-6).
  public var mean: [Float], scale: [Float]

  /// The standardisation of codes [n, d].
  public init(fitting codes: Tensor) {
    precondition(codes.rank == 2 && codes.shape[0] >= 2, "CodeStandardization: codes \(codes.shape)")
    let (n, d) = (codes.shape[0], codes.shape[1]), v = codes.scalars
    let means = (0..<d).map { j in Float((0..<n).reduce(0.0) { $0 + Double(v[$1 * d + j]) } / Double(n)) }
    mean = means
    scale = (0..<d).map { j in
      let m = Double(means[j])
      let variance = (0..<n).reduce(0.0) { $0 + (Double(v[$1 * d + j]) - m) * (Double(v[$1 * d + j]) - m) } / Double(n)
      return Float(Swift.max(variance.squareRoot(), 1e-6))
    }
  }

  /// ẑ = (z − μ) / σ. Shapes: [n, d] → [n, d].
  public func normalize(_ codes: Tensor) -> Tensor {
    (codes - Tensor(shape: [1, mean.count], scalars: mean)) * Tensor(shape: [1, scale.count], scalars: scale.map { 1 / $0 })
  }

  /// z = μ + σ ẑ. Shapes: [n, d] → [n, d].
  public func denormalize(_ normalized: Tensor) -> Tensor {
    normalized * Tensor(shape: [1, scale.count], scalars: scale) + Tensor(shape: [1, mean.count], scalars: mean)
  }
}

/// Where the counterfactual directions come from.
public enum DirectionMethod: String, Codable, Sendable, CaseIterable {
  /// One direction per mode of the target class, from the rest into the mode (a regression
  /// over the modes and the rest).
  case difclue
  /// One direction per mode as DifCluE writes it: the rows of a regression over the modes only.
  case difclueBetweenModes = "difclue-between-modes"
  /// One direction: the normal of a binary logistic regression, target class against the rest.
  case single
  /// K random unit directions (seeded).
  case random
  /// K directions learned with an overseer that must tell them apart (DISSECT-style).
  case dissect
}

/// How DifCluE proposes the number of modes when none is given.
public enum ModeProposal: String, Codable, Sendable, CaseIterable {
  /// The K in 2…K_max with the largest mean silhouette.
  case silhouette
  /// The gap statistic's K in 1…K_max (GapStatistic).
  case gap
}

/// Where DifCluE clusters the target class into modes.
public enum ClusterSpace: String, Codable, Sendable, CaseIterable {
  case latent, classifier
}

/// The choices of a DifCluE run.
public struct DifCluESettings: Codable, Sendable, Equatable {
  /// The class explained (counterfactuals are pushed into it).
  public var targetClass: Int
  /// Modes K; nil proposes K in 2…maxModes by silhouette.
  public var modes: Int?
  public var maxModes: Int
  /// k-means restarts.
  public var restarts: Int
  /// The strengths α (in units of √d) tried, increasing.
  public var strengths: [Float]
  /// DDIM moves for inversion and decoding.
  public var moves: Int
  /// Where the directions come from.
  public var method: DirectionMethod
  /// L2 weight λ of the logistic regressions.
  public var l2: Float
  /// Seed of k-means and random directions.
  public var seed: UInt64
  /// Optimiser steps of the DISSECT-style directions.
  public var dissectSteps = 300
  /// Bisection rounds after the grid (each halves the interval a flip lies in).
  public var refinements = 2
  /// A counterfactual counts as reached when the classifier's most probable class is the
  /// target and its probability is at least this (0: the arg-max alone).
  public var confidence: Float = 0.9
  /// Propose K (and record every K's score) even when `modes` is given.
  public var proposeModes = false
  /// How K is proposed.
  public var modeProposal: ModeProposal = .silhouette
  /// When K is proposed: also record the K every criterion proposes with each of this many
  /// seeds (seed, seed + 1, …), to measure how stable and how right the proposal is.
  public var repeatedProposals = 0
  /// Where the positives are clustered into modes: the standardised latent (DifCluE), or the
  /// explained classifier's own pooled features, standardised (its reasons, then expressed in
  /// the latent by the regression).
  public var clusterSpace: ClusterSpace = .latent
  /// A counterfactual along mode k must also land in mode k: its own code (the decoded image
  /// encoded again) is given mode k by the mode regression (the largest logit among the modes).
  /// A sweep that flips the classifier but never reaches its mode keeps its first flip, marked.
  public var modeCheck = false

  /// Settings; strengths default to 0.25, 0.50, …, 4.00.
  public init(targetClass: Int, modes: Int? = nil, maxModes: Int = 6, restarts: Int = 10, strengths: [Float] = (1...16).map { Float($0) * 0.25 },
              moves: Int = 20, method: DirectionMethod = .difclue, l2: Float = 1e-3, seed: UInt64 = 0) {
    precondition(modes.map { $0 >= 1 } ?? true && maxModes >= 2 && restarts >= 1 && moves >= 1, "DifCluESettings: bad counts")
    precondition(!strengths.isEmpty && zip(strengths, strengths.dropFirst()).allSatisfy { $0 < $1 } && strengths[0] > 0, "DifCluESettings: strengths must increase from above 0")
    (self.targetClass, self.modes, self.maxModes, self.restarts, self.strengths) = (targetClass, modes, maxModes, restarts, strengths)
    (self.moves, self.method, self.l2, self.seed) = (moves, method, l2, seed)
  }
}

/// The modes of the target class and the directions found in the reference set.
public struct ModeDirections: Codable, Sendable, Equatable {
  /// The standardisation of the reference codes.
  public var standardization: CodeStandardization
  /// Unit directions in the standardised latent, one per mode (or one, or K random).
  public var directions: [[Float]]
  /// Reference images in the target class (by the classifier), and their mode (k-means label;
  /// empty for the baselines that do not cluster).
  public var positives: [Int], modeOfPositive: [Int]
  /// The score of each K tried when K was proposed (K → mean silhouette, or Gap(K) with the gap
  /// statistic), the K they propose, and the K used.
  public var silhouettes: [Int: Double], proposedModes: Int?, modeCount: Int
  /// Accuracy of the mode regression on the positives it was fitted on (difclue only).
  public var regressionAccuracy: Double?
  /// With `settings.repeatedProposals`: the K each criterion (ModeProposal's raw value)
  /// proposes with seed, seed + 1, ….
  public var repeatedProposals: [String: [Int]]?
  /// The mode regression's rows for the modes: weights [K][d] and biases [K] on standardised
  /// codes (difclue and difclue-between-modes with K ≥ 2; nil otherwise).
  public var modeWeights: [[Float]]?, modeBiases: [Float]?

  /// The mode the regression gives standardised codes [n, d] (the largest logit among the modes).
  public func mode(ofNormalized codes: Tensor) -> [Int]? {
    guard let weights = modeWeights, let biases = modeBiases else { return nil }
    let rows = SoftmaxRegression(weight: Tensor(shape: [weights.count, codes.shape[1]], scalars: weights.flatMap { $0 }), bias: Tensor(shape: [biases.count], scalars: biases))
    return rows.predict(codes)
  }
}

/// One counterfactual: an input moved along one direction until the classifier predicts the
/// target class (or the largest strength, unflipped).
public struct DirectionalCounterfactual: Sendable {
  /// The direction (mode) index, the strength α (units of √d) and whether the target was reached.
  public var direction: Int, strength: Float, flipped: Bool
  /// With the mode check: whether the counterfactual's own code is in its direction's mode
  /// (nil: not checked).
  public var modeReached: Bool?
  /// The classifier's probabilities for the input, for its reconstruction (α = 0, same x_T),
  /// and for the counterfactual.
  public var probabilitiesBefore: [Float], probabilitiesReconstructed: [Float], probabilitiesAfter: [Float]
  /// The counterfactual and the reconstruction, in [0, 1].
  public var image: Image, reconstruction: Image
  /// L2 distance from the input in pixels (values in [0, 1]) and in the standardised latent.
  public var pixelDistance: Double, latentDistance: Double
  /// The standardised codes of the input and the counterfactual (what was decoded).
  public var code: [Float], counterfactualCode: [Float]
  /// Every strength the sweep decoded along this direction (α = 0 is the reconstruction) with
  /// the classifier's target probability there, by increasing strength.
  public var trajectory: [StrengthProbe] = []
}

/// The classifier's target probability at one strength of a sweep.
public struct StrengthProbe: Codable, Sendable, Equatable {
  /// α in units of √d, and the target probability of the image decoded there.
  public var strength: Float, probability: Float

  /// A probe.
  public init(strength: Float, probability: Float) { (self.strength, self.probability) = (strength, probability) }
}

/// A fitted DifCluE explainer: a diffusion autoencoder, the classifier explained and the
/// directions in the autoencoder's latent.
public struct DifCluE: Sendable {
  /// The diffusion autoencoder, the classifier, the settings and the directions.
  public let codec: LatentCodec, classifier: ImageClassifier, settings: DifCluESettings, directions: ModeDirections

  /// Semantic codes of a set, in batches. Shapes: → [n, d].
  public static func codes(_ codec: LatentCodec, _ data: ImageDataSet, batchSize: Int = 256) -> Tensor {
    let parts = stride(from: 0, to: data.count, by: batchSize).map { start in
      codec.codes(data.batch(Array(start..<Swift.min(start + batchSize, data.count))))
    }
    return Tensor.concat(parts, axis: 0)
  }

  /// Fits the directions on `reference` (e.g. the training split); throws when the classifier
  /// assigns too few reference images to the target (or too few to the rest, for dissect).
  public static func fit(model: ImageDiffusionModel, classifier: ImageClassifier, reference: ImageDataSet, settings: DifCluESettings) throws(TrainingError) -> DifCluE {
    precondition(model.isAutoencoder, "DifCluE: the diffusion model has no semantic encoder")
    return try fit(codec: .diffusion(model), classifier: classifier, reference: reference, settings: settings)
  }

  /// Fits the directions in any codec's latent.
  public static func fit(codec: LatentCodec, classifier: ImageClassifier, reference: ImageDataSet, settings: DifCluESettings) throws(TrainingError) -> DifCluE {
    precondition(settings.targetClass >= 0 && settings.targetClass < classifier.configuration.classNames.count, "DifCluE: target class \(settings.targetClass)")
    let codes = Self.codes(codec, reference)
    let standardization = CodeStandardization(fitting: codes)
    let normalized = standardization.normalize(codes)
    let predicted = classifier.predictions(reference).classes
    let positives = predicted.indices.filter { predicted[$0] == settings.targetClass }
    let needed = Swift.max(4, (settings.modes ?? settings.maxModes) + 1)
    guard positives.count >= needed else {
      throw .data("the classifier assigns \(positives.count) of \(reference.count) reference images to class \(settings.targetClass); DifCluE needs at least \(needed)")
    }
    let d = codes.shape[1]
    var directions: [[Float]] = [], modeOfPositive: [Int] = [], silhouettes: [Int: Double] = [:], accuracy: Double?, proposed: Int?
    var modeWeights: [[Float]]?, modeBiases: [Float]?, repeated: [String: [Int]]?
    switch settings.method {
    case .difclue, .difclueBetweenModes:
      let space = Self.clusteringSpace(normalizedCodes: normalized.selectingRows(positives), classifier: classifier, images: reference.subset(positives), in: settings.clusterSpace)
      let points = PointMatrix(space)
      if settings.modes == nil || settings.proposeModes {
        (proposed, silhouettes) = Self.proposeModeCount(space, settings: settings)
        if settings.repeatedProposals > 0 {
          repeated = Dictionary(uniqueKeysWithValues: ModeProposal.allCases.map { criterion in
            (criterion.rawValue, (0..<settings.repeatedProposals).map { trial -> Int in
              if trial == 0 && criterion == settings.modeProposal { return proposed! }
              var s = settings
              (s.seed, s.modeProposal) = (settings.seed &+ UInt64(trial), criterion)
              return Self.proposeModeCount(space, settings: s).modes
            })
          })
        }
      }
      let k = settings.modes ?? proposed!
      if k == 1 {
        modeOfPositive = Array(repeating: 0, count: positives.count)
        directions = [Self.unit(Self.binaryNormal(normalized, positives: Set(positives), l2: settings.l2))]
      } else {
        modeOfPositive = KMeans(clusterCount: k, restarts: settings.restarts).fit(points, seed: settings.seed).labels
        if settings.method == .difclueBetweenModes {
          let x = normalized.selectingRows(positives)
          let regression = SoftmaxRegression.fit(x, labels: modeOfPositive, classes: k, l2: settings.l2)
          accuracy = Double(zip(regression.predict(x), modeOfPositive).filter { $0 == $1 }.count) / Double(positives.count)
          let w = regression.weight.scalars
          directions = (0..<k).map { Self.unit(Array(w[$0 * d..<($0 + 1) * d])) }
          (modeWeights, modeBiases) = ((0..<k).map { Array(w[$0 * d..<($0 + 1) * d]) }, regression.bias.scalars)
        } else {
          // Modes and the rest: class 0 is every reference image outside the target, class
          // m + 1 is mode m; direction m is w_{m+1} − w_0, from the rest into mode m.
          let rest = predicted.indices.filter { predicted[$0] != settings.targetClass }
          let rows = rest + positives, labels = Array(repeating: 0, count: rest.count) + modeOfPositive.map { $0 + 1 }
          let x = normalized.selectingRows(rows)
          let regression = SoftmaxRegression.fit(x, labels: labels, classes: k + 1, l2: settings.l2)
          accuracy = Double(zip(regression.predict(x), labels).filter { $0 == $1 }.count) / Double(rows.count)
          let w = regression.weight.scalars
          directions = (1...k).map { m in Self.unit((0..<d).map { w[m * d + $0] - w[$0] }) }
          (modeWeights, modeBiases) = ((1...k).map { Array(w[$0 * d..<($0 + 1) * d]) }, Array(regression.bias.scalars[1...k]))
        }
      }
    case .single:
      directions = [Self.unit(Self.binaryNormal(normalized, positives: Set(positives), l2: settings.l2))]
    case .random:
      var r = RandomGenerator(seed: settings.seed ^ 0x7A4D)
      directions = (0..<(settings.modes ?? 2)).map { _ in Self.unit(Tensor.normal([d], using: &r).scalars) }
    case .dissect:
      // At most 512 training images outside the target class, in a seeded order.
      let outside = predicted.indices.filter { predicted[$0] != settings.targetClass }
      var r = RandomGenerator(seed: settings.seed ^ 0xD1CE)
      let chosen = r.permutation(outside.count).prefix(512).map { outside[$0] }
      guard !chosen.isEmpty else { throw .data("the classifier assigns every reference image to class \(settings.targetClass): nothing to learn DISSECT-style directions from") }
      guard case .diffusion(let model) = codec else { throw .data("DISSECT-style directions are learned through a diffusion autoencoder's decoder") }
      directions = Self.dissectDirections(model: model, classifier: classifier, negatives: reference.batch(chosen), standardization: standardization,
                                          count: settings.modes ?? 2, settings: settings, steps: settings.dissectSteps)
    }
    let found = ModeDirections(standardization: standardization, directions: directions, positives: positives, modeOfPositive: modeOfPositive,
                               silhouettes: silhouettes, proposedModes: proposed, modeCount: directions.count, regressionAccuracy: accuracy,
                               repeatedProposals: repeated, modeWeights: modeWeights, modeBiases: modeBiases)
    return DifCluE(codec: codec, classifier: classifier, settings: settings, directions: found)
  }

  /// The points the positives are clustered in: their standardised codes [n, d] (latent), or
  /// the classifier's pooled features of `images`, standardised over them (classifier).
  static func clusteringSpace(normalizedCodes: Tensor, classifier: ImageClassifier, images: ImageDataSet, in space: ClusterSpace) -> Tensor {
    switch space {
    case .latent: return normalizedCodes
    case .classifier:
      let f = classifier.features(images)
      let features = Tensor(shape: [f.count, f[0].count], scalars: f.flatMap { $0 })
      return CodeStandardization(fitting: features).normalize(features)
    }
  }

  /// The K `settings.modeProposal` proposes for `points` [n, d], and every K's score; on at
  /// most 2,000 seeded points (the silhouette is quadratic in the count). Silhouette: the K in
  /// 2…maxModes with the largest mean silhouette (the smaller K on ties). Gap: GapStatistic's K
  /// in 1…maxModes.
  public static func proposeModeCount(_ points: Tensor, settings: DifCluESettings) -> (modes: Int, silhouettes: [Int: Double]) {
    var r = RandomGenerator(seed: settings.seed ^ 0x5111)
    let sample = Array(r.permutation(points.shape[0]).prefix(2000)).sorted()
    let subset = PointMatrix(points.selectingRows(sample))
    if settings.modeProposal == .gap {
      let gap = GapStatistic.choose(subset, maxClusters: Swift.max(2, Swift.min(settings.maxModes, sample.count - 1)), restarts: Swift.min(settings.restarts, 5), seed: settings.seed)
      return (gap.chosen, Dictionary(uniqueKeysWithValues: gap.gaps.enumerated().map { ($0.offset + 1, $0.element) }))
    }
    var silhouettes: [Int: Double] = [:]
    for candidate in 2...Swift.max(2, Swift.min(settings.maxModes, sample.count - 1)) {
      let labels = KMeans(clusterCount: candidate, restarts: settings.restarts).fit(subset, seed: settings.seed).labels
      silhouettes[candidate] = Silhouette.score(subset, labels: labels)
    }
    return (silhouettes.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key, silhouettes)
  }

  /// w₁ − w₀ of a binary logistic regression, target class (1) against the rest (0).
  static func binaryNormal(_ normalized: Tensor, positives: Set<Int>, l2: Float) -> [Float] {
    let n = normalized.shape[0], d = normalized.shape[1]
    let regression = SoftmaxRegression.fit(normalized, labels: (0..<n).map { positives.contains($0) ? 1 : 0 }, classes: 2, l2: l2)
    let w = regression.weight.scalars
    return (0..<d).map { w[d + $0] - w[$0] }
  }

  /// v / ‖v‖.
  static func unit(_ v: [Float]) -> [Float] {
    let length = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    precondition(length > 0, "DifCluE: a zero direction")
    return v.map { $0 / length }
  }

  /// Softmax rows of the classifier for images [n, C, H, W].
  func probabilities(_ images: Tensor) -> [[Float]] {
    let p = classifier(images).softmax(axis: 1), k = p.shape[1], v = p.scalars
    return (0..<p.shape[0]).map { Array(v[$0 * k..<($0 + 1) * k]) }
  }

  /// Counterfactuals of images [n, C, H, W] in [0, 1]: for each image, one per direction.
  /// Strengths on the grid are tried in chunks of `chunk` for all pending (image, direction)
  /// pairs at once; then `settings.refinements` bisection rounds between the last grid strength
  /// that did not flip (or 0) and the first that did narrow each flip down.
  public func explain(_ images: Tensor, chunk: Int = 3) -> [[DirectionalCounterfactual]] {
    precondition(images.rank == 4 && images.shape[0] >= 1, "DifCluE.explain: images \(images.shape)")
    let n = images.shape[0], k = directions.directions.count, d = directions.standardization.mean.count
    let size = images.count / n, shape = Array(images.shape.dropFirst())
    let codes = codec.codes(images)
    let xT = codec.context(images, codes: codes, moves: settings.moves)
    let normalized = directions.standardization.normalize(codes).scalars
    let reconstructed = codec.decode(codes, context: xT, moves: settings.moves)
    let before = probabilities(images), afterReconstruction = probabilities(reconstructed)
    let inputValues = images.scalars, noiseValues = xT?.scalars ?? [], reconstructionValues = reconstructed.scalars
    let root = Float(d).squareRoot()
    let checkModes = settings.modeCheck && directions.modeWeights != nil && k >= 2

    /// Decodes every (image, direction, strength) job as one batch.
    func decode(_ jobs: [(image: Int, direction: Int, strength: Float)]) -> [DirectionalCounterfactual] {
      var shifted: [Float] = [], noise: [Float] = []
      for job in jobs {
        let u = directions.directions[job.direction]
        shifted += (0..<d).map { normalized[job.image * d + $0] + job.strength * root * u[$0] }
        if xT != nil { noise += noiseValues[job.image * size..<(job.image + 1) * size] }
      }
      let decoded = codec.decode(directions.standardization.denormalize(Tensor(shape: [jobs.count, d], scalars: shifted)),
                                 context: xT == nil ? nil : Tensor(shape: [jobs.count] + shape, scalars: noise), moves: settings.moves)
      let after = probabilities(decoded), decodedValues = decoded.scalars
      let reachedModes = checkModes ? directions.mode(ofNormalized: directions.standardization.normalize(codec.codes(decoded))) : nil
      return jobs.enumerated().map { index, job in
        let p = after[index]
        let pixels = Array(decodedValues[index * size..<(index + 1) * size])
        var squared = 0.0
        for q in 0..<size { squared += Double(pixels[q] - inputValues[job.image * size + q]) * Double(pixels[q] - inputValues[job.image * size + q]) }
        return DirectionalCounterfactual(
          direction: job.direction, strength: job.strength,
          flipped: p.indices.max { p[$0] < p[$1] }! == settings.targetClass && p[settings.targetClass] >= settings.confidence,
          modeReached: reachedModes.map { $0[index] == job.direction },
          probabilitiesBefore: before[job.image], probabilitiesReconstructed: afterReconstruction[job.image], probabilitiesAfter: p,
          image: Image(channels: shape[0], height: shape[1], width: shape[2], values: pixels),
          reconstruction: Image(channels: shape[0], height: shape[1], width: shape[2], values: Array(reconstructionValues[job.image * size..<(job.image + 1) * size])),
          pixelDistance: squared.squareRoot(), latentDistance: Double(job.strength * root),
          code: Array(normalized[job.image * d..<(job.image + 1) * d]), counterfactualCode: Array(shifted[index * d..<(index + 1) * d]))
      }
    }

    // Every decoded strength's target probability, per (image, direction); α = 0 is the reconstruction.
    var probes = (0..<n).map { i in Array(repeating: [StrengthProbe(strength: 0, probability: afterReconstruction[i][settings.targetClass])], count: k) }
    func decodeRecording(_ jobs: [(image: Int, direction: Int, strength: Float)]) -> [DirectionalCounterfactual] {
      let decoded = decode(jobs)
      for (job, r) in zip(jobs, decoded) { probes[job.image][job.direction].append(StrengthProbe(strength: job.strength, probability: r.probabilitiesAfter[settings.targetClass])) }
      return decoded
    }

    // The grid: the first strength that flips (into its mode, with the mode check), or the
    // largest tried. A sweep that flips but never reaches its mode falls back to its first flip
    // (and the strength below it), so its result is marked modeReached false.
    func accepted(_ r: DirectionalCounterfactual) -> Bool { r.flipped && (r.modeReached ?? true) }
    var result: [[DirectionalCounterfactual?]] = Array(repeating: Array(repeating: nil, count: k), count: n)
    var firstFlip: [[DirectionalCounterfactual?]] = result
    var below = Array(repeating: Array(repeating: Float(0), count: k), count: n), belowFlip = below
    var start = 0
    while start < settings.strengths.count {
      let strengths = Array(settings.strengths[start..<Swift.min(start + chunk, settings.strengths.count)])
      let last = start + strengths.count == settings.strengths.count
      start += strengths.count
      var jobs: [(image: Int, direction: Int, strength: Float)] = []
      for i in 0..<n { for j in 0..<k where result[i][j] == nil { for s in strengths { jobs.append((i, j, s)) } } }
      if jobs.isEmpty { break }
      for (job, r) in zip(jobs, decodeRecording(jobs)) where result[job.image][job.direction] == nil {
        let (i, j) = (job.image, job.direction)
        if firstFlip[i][j] == nil { if r.flipped { firstFlip[i][j] = r } else { belowFlip[i][j] = job.strength } }
        if accepted(r) {
          result[i][j] = r
        } else if last && job.strength == strengths.last! {
          // Never into its mode: the first flip; else unflipped.
          if let flip = firstFlip[i][j] { (result[i][j], below[i][j]) = (flip, belowFlip[i][j]) } else { result[i][j] = r }
        } else {
          below[i][j] = job.strength
        }
      }
    }
    // Bisection between the last strength not accepted and the first that was: into the mode
    // where the grid reached it, by the flip alone for a fallback.
    for _ in 0..<settings.refinements {
      var jobs: [(image: Int, direction: Int, strength: Float)] = []
      for i in 0..<n { for j in 0..<k where result[i][j]!.flipped { jobs.append((i, j, (below[i][j] + result[i][j]!.strength) / 2)) } }
      if jobs.isEmpty { break }
      for (job, r) in zip(jobs, decodeRecording(jobs)) {
        let (i, j) = (job.image, job.direction)
        if result[i][j]!.modeReached == true ? accepted(r) : r.flipped { result[i][j] = r } else { below[i][j] = job.strength }
      }
    }
    return (0..<n).map { i in
      (0..<k).map { j in
        var r = result[i][j]!
        r.trajectory = probes[i][j].sorted { $0.strength < $1.strength }
        return r
      }
    }
  }
}
