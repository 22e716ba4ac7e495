import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// DifCluE's fitting and sweep keep their contracts on tiny untrained models: unit directions,
/// one counterfactual per input and direction, the smallest strength that flips (or the largest
/// tried), and codes moved exactly α·√d along the direction.
@Suite(.serialized) struct DifCluETests {
  let data = ShapesModes.generate(count: 48, seed: 11)

  /// A tiny autoencoder and a classifier whose head bias splits the set in half.
  func models() -> (ImageDiffusionModel, ImageClassifier) {
    var rng = RandomGenerator(seed: 3)
    let c = ImageDiffusionConfiguration(
      unet: UNetConfiguration(channels: 3, baseChannels: 8, multipliers: [1, 2], groups: 4, embeddingWidth: 16, conditionWidth: 6),
      stepCount: 20, height: 32, width: 32, classNames: ShapesModes.classNames, unconditionalProbability: 0,
      encoder: SemanticEncoderConfiguration(channels: 3, baseChannels: 8, latentWidth: 6, groups: 4, height: 32, width: 32))
    var denoiser = ImageDenoiser(c, using: &rng)
    // A non-zero output layer, so decoding depends on the code.
    denoiser.unet.output.weight = Tensor.normal(denoiser.unet.output.weight.shape, using: &rng) * 0.05
    var classifier = ImageClassifier(ImageClassifierConfiguration(channels: 3, height: 32, width: 32, classNames: ShapesModes.classNames, baseChannels: 4, stages: 2), using: &rng)
    let logits = classifier(data.batch(Array(0..<data.count))).scalars
    let margins = (0..<data.count).map { logits[2 * $0 + 1] - logits[2 * $0] }.sorted()
    var bias = classifier.head.bias!.scalars
    bias[1] -= (margins[data.count / 2 - 1] + margins[data.count / 2]) / 2
    classifier.head.bias = Tensor(shape: [2], scalars: bias)
    return (ImageDiffusionModel(configuration: c, denoiser: denoiser), classifier)
  }

  @Test func standardisationRoundTripsAndCentres() {
    var rng = RandomGenerator(seed: 4)
    let codes = Tensor.normal([50, 3], using: &rng) * 3 + 1
    let s = CodeStandardization(fitting: codes)
    let z = s.normalize(codes)
    for j in 0..<3 {
      let column = (0..<50).map { z.scalars[$0 * 3 + j] }
      #expect(abs(column.reduce(0, +) / 50) < 1e-4)
      #expect(abs(column.map { $0 * $0 }.reduce(0, +) / 50 - 1) < 1e-3)
    }
    #expect(zip(s.denormalize(z).scalars, codes.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
  }

  @Test func theSweepKeepsItsContract() throws {
    let (model, classifier) = models()
    var settings = DifCluESettings(targetClass: 1, modes: 2, strengths: [0.2, 0.5, 1, 2], moves: 4)
    settings.refinements = 0
    let explainer = try DifCluE.fit(model: model, classifier: classifier, reference: data, settings: settings)
    let d = explainer.directions
    #expect(d.directions.count == 2 && d.modeCount == 2)
    #expect(d.directions.allSatisfy { abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4 })
    #expect(d.positives.count == data.count / 2 && d.modeOfPositive.count == d.positives.count && Set(d.modeOfPositive) == [0, 1])
    let predicted = classifier.predictions(data).classes
    let inputs = Array(predicted.indices.filter { predicted[$0] == 0 }.prefix(3))
    let images = data.batch(inputs)
    let results = explainer.explain(images, chunk: 2)
    #expect(results.count == 3 && results.allSatisfy { $0.map(\.direction) == [0, 1] })
    let root = Float(6).squareRoot()
    for (i, row) in results.enumerated() {
      for r in row {
        #expect(settings.strengths.contains(r.strength))
        let argmax = r.probabilitiesAfter.indices.max { r.probabilitiesAfter[$0] < r.probabilitiesAfter[$1] }!
        #expect(r.flipped == (argmax == 1 && r.probabilitiesAfter[1] >= settings.confidence))
        if !r.flipped { #expect(r.strength == settings.strengths.last!) }
        #expect(abs(r.latentDistance - Double(r.strength * root)) < 1e-4)
        let moved = zip(r.counterfactualCode, r.code).map { $0 - $1 }
        #expect(zip(moved, d.directions[r.direction]).allSatisfy { abs($0 - r.strength * root * $1) < 1e-4 })
        let input = Array(images.scalars[(i * 3072)..<((i + 1) * 3072)])
        let distance = zip(r.image.values, input).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
        #expect(abs(distance - r.pixelDistance) < 1e-3)
        // The sweep's probes: the reconstruction at α = 0 first, increasing strengths, and the
        // reported counterfactual among them with its own probability.
        #expect(r.trajectory.first == StrengthProbe(strength: 0, probability: r.probabilitiesReconstructed[1]))
        #expect(zip(r.trajectory, r.trajectory.dropFirst()).allSatisfy { $0.strength < $1.strength })
        #expect(r.trajectory.contains(StrengthProbe(strength: r.strength, probability: r.probabilitiesAfter[1])))
        #expect(r.trajectory.dropFirst().allSatisfy { settings.strengths.contains($0.strength) })
      }
    }
    // The strength reported is the smallest that flips: decoding one step lower does not flip.
    for (i, row) in results.enumerated() {
      for r in row where r.flipped && r.strength != settings.strengths[0] {
        let lower = settings.strengths[settings.strengths.firstIndex(of: r.strength)! - 1]
        var lowerOnly = DifCluESettings(targetClass: 1, modes: 2, strengths: [lower], moves: 4)
        lowerOnly.refinements = 0
        let one = DifCluE(codec: .diffusion(model), classifier: classifier, settings: lowerOnly, directions: d)
        let again = one.explain(data.batch([inputs[i]]))[0][r.direction]
        #expect(!again.flipped)
      }
    }
  }

  @Test func bisectionNarrowsEachFlipWithinItsGridStep() throws {
    let (model, classifier) = models()
    var settings = DifCluESettings(targetClass: 1, modes: 2, strengths: [0.5, 1, 2, 4], moves: 4)
    settings.refinements = 0
    let grid = try DifCluE.fit(model: model, classifier: classifier, reference: data, settings: settings)
    settings.refinements = 3
    let refined = DifCluE(codec: grid.codec, classifier: classifier, settings: settings, directions: grid.directions)
    let predicted = classifier.predictions(data).classes
    let images = data.batch(Array(predicted.indices.filter { predicted[$0] == 0 }.prefix(4)))
    for (a, b) in zip(grid.explain(images).joined(), refined.explain(images).joined()) {
      #expect(a.flipped == b.flipped)
      if a.flipped {
        let lower = settings.strengths.last { $0 < a.strength } ?? 0
        #expect(b.flipped && b.strength <= a.strength && b.strength > lower, "refined \(b.strength) outside (\(lower), \(a.strength)]")
      } else {
        #expect(b.strength == a.strength)
      }
    }
    // With a confidence, a counterfactual counts only once the target is that probable.
    settings.confidence = 0.8
    let confident = DifCluE(codec: grid.codec, classifier: classifier, settings: settings, directions: grid.directions)
    for r in confident.explain(images).joined() {
      #expect(r.flipped == (r.probabilitiesAfter[1] >= 0.8 && r.probabilitiesAfter[1] >= r.probabilitiesAfter[0]))
    }
  }

  @Test func theModeCheckKeepsCounterfactualsInTheirMode() throws {
    let (model, classifier) = models()
    var settings = DifCluESettings(targetClass: 1, modes: 2, strengths: [0.5, 1, 2, 4], moves: 4)
    settings.confidence = 0
    let plain = try DifCluE.fit(model: model, classifier: classifier, reference: data, settings: settings)
    let d = plain.directions
    // The mode regression's rows give the fitted positives mostly their k-means mode.
    let positives = d.mode(ofNormalized: d.standardization.normalize(model.semanticCodes(data.batch(d.positives))))!
    #expect(d.modeWeights?.count == 2 && d.modeBiases?.count == 2 && positives.count == d.positives.count)
    #expect(zip(positives, d.modeOfPositive).filter { $0 == $1 }.count * 2 > positives.count)
    let predicted = classifier.predictions(data).classes
    let images = data.batch(Array(predicted.indices.filter { predicted[$0] == 0 }.prefix(4)))
    #expect(plain.explain(images).joined().allSatisfy { $0.modeReached == nil })
    settings.modeCheck = true
    let checked = DifCluE(codec: plain.codec, classifier: classifier, settings: settings, directions: d)
    for r in checked.explain(images).joined() {
      // Recorded honestly: the counterfactual encoded again is in its mode exactly when marked so.
      let mode = d.mode(ofNormalized: d.standardization.normalize(model.semanticCodes(ImageBatch([r.image]).tensor)))![0]
      #expect(r.modeReached == (mode == r.direction))
      // Unflipped sweeps end at the largest strength; flipped ones not in their mode are first flips.
      if !r.flipped { #expect(r.strength == settings.strengths.last!) }
    }
  }

  @Test func theGapStatisticProposesKIncludingOne() throws {
    let (model, classifier) = models()
    var settings = DifCluESettings(targetClass: 1, maxModes: 4, strengths: [1], moves: 2)
    settings.modeProposal = .gap
    let explainer = try DifCluE.fit(model: model, classifier: classifier, reference: data, settings: settings)
    let d = explainer.directions
    // One direction per proposed mode; the scores are Gap(K) for K = 1…4.
    #expect(d.proposedModes.map { (1...4).contains($0) } == true && d.modeCount == d.proposedModes && Set(d.silhouettes.keys) == [1, 2, 3, 4])
  }

  @Test func baselinesGiveOneOrKDirections() throws {
    let (model, classifier) = models()
    let single = try DifCluE.fit(model: model, classifier: classifier, reference: data, settings: DifCluESettings(targetClass: 1, moves: 2, method: .single))
    #expect(single.directions.directions.count == 1 && single.directions.modeOfPositive.isEmpty)
    let random = try DifCluE.fit(model: model, classifier: classifier, reference: data, settings: DifCluESettings(targetClass: 1, modes: 3, moves: 2, method: .random))
    #expect(random.directions.directions.count == 3)
    let automatic = try DifCluE.fit(model: model, classifier: classifier, reference: data, settings: DifCluESettings(targetClass: 1, maxModes: 4, moves: 2))
    #expect(Set(automatic.directions.silhouettes.keys) == [2, 3, 4])
    #expect(automatic.directions.modeCount == automatic.directions.silhouettes.max { $0.value < $1.value }!.key)
    #expect(automatic.directions.proposedModes == automatic.directions.modeCount)
  }

  @Test func dissectDirectionsAreUnitSeededAndMoved() {
    let (model, classifier) = models()
    let predicted = classifier.predictions(data).classes
    let negatives = data.batch(predicted.indices.filter { predicted[$0] == 0 })
    let standardization = CodeStandardization(fitting: model.semanticCodes(data.batch(Array(0..<data.count))))
    let settings = DifCluESettings(targetClass: 1, modes: 3, moves: 2, method: .dissect, seed: 5)
    let a = DifCluE.dissectDirections(model: model, classifier: classifier, negatives: negatives, standardization: standardization, count: 3, settings: settings, steps: 6, batch: 8)
    let b = DifCluE.dissectDirections(model: model, classifier: classifier, negatives: negatives, standardization: standardization, count: 3, settings: settings, steps: 6, batch: 8)
    let untrained = DifCluE.dissectDirections(model: model, classifier: classifier, negatives: negatives, standardization: standardization, count: 3, settings: settings, steps: 0, batch: 8)
    #expect(a.count == 3 && a.allSatisfy { $0.count == 6 && abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4 })
    #expect(a == b)
    #expect(a != untrained, "training moved no direction")
  }
}
