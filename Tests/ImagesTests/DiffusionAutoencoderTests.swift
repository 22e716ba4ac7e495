import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// The diffusion autoencoder: the encoder is trained through the ε-loss, training resumes
/// bit-exactly, a checkpoint loads into the same codes, and inversion followed by decoding is
/// the identity when the noise prediction does not depend on the image.
@Suite(.serialized) struct DiffusionAutoencoderTests {
  let data = ShapesModes.generate(count: 48, seed: 7)

  func configuration() -> ImageDiffusionConfiguration {
    ImageDiffusionConfiguration(
      unet: UNetConfiguration(channels: 3, baseChannels: 8, multipliers: [1, 2], groups: 4, embeddingWidth: 16, conditionWidth: 6),
      stepCount: 20, height: 32, width: 32, classNames: ShapesModes.classNames, unconditionalProbability: 0,
      encoder: SemanticEncoderConfiguration(channels: 3, baseChannels: 8, latentWidth: 6, groups: 4, height: 32, width: 32))
  }

  func trainer(steps: Int, rate: Float = 1e-3) throws -> DiffusionTrainer {
    let options = TrainingOptions(steps: steps, batchSize: 8, schedule: .constant(rate), validateEvery: 0, checkpointEvery: 2, seed: 4)
    return try DiffusionTrainer(configuration: configuration(), training: data.subset(Array(0..<40)), validation: data.subset(Array(40..<48)), options: options)
  }

  @Test func encoderCodesHaveTheirShapeAndFollowTheImage() {
    var rng = RandomGenerator(seed: 1)
    let encoder = SemanticEncoder(SemanticEncoderConfiguration(channels: 1, baseChannels: 8, latentWidth: 5, groups: 4, height: 28, width: 28), using: &rng)
    let images = Tensor.uniform([3, 1, 28, 28], using: &rng)
    let codes = encoder(images)
    #expect(codes.shape == [3, 5])
    // Each image's code depends on that image only (no mixing across the batch).
    let alone = encoder(images.sliced([1..<2, 0..<1, 0..<28, 0..<28]))
    #expect(zip(alone.scalars, codes.sliced([1..<2, 0..<5]).scalars).allSatisfy { abs($0 - $1) < 1e-5 })
  }

  @Test func trainingMovesTheEncoderAndResumesBitExactly() throws {
    let fresh = try trainer(steps: 0).model
    var straight = try trainer(steps: 6)
    try straight.train(checkpointDirectory: nil, progress: nil)
    let before = Dictionary(uniqueKeysWithValues: fresh.namedParameters.filter { $0.0.hasPrefix("encoder.") })
    let after = straight.model.namedParameters.filter { $0.0.hasPrefix("encoder.") }
    #expect(!after.isEmpty)
    #expect(after.contains { name, value in !value.isBitwiseEqual(to: before[name]!) }, "the ε-loss reached no encoder weight")

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-diffae-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var first = try trainer(steps: 3)
    try first.train(checkpointDirectory: directory, progress: nil)
    var resumed = try trainer(steps: 6)
    try resumed.resume(from: directory)
    try resumed.train(checkpointDirectory: directory, progress: nil)
    for ((name, a), (_, b)) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
      #expect(a.isBitwiseEqual(to: b), "\(name) differs after resuming")
    }
    // The checkpoint loads into a model with the same codes.
    let (loaded, _) = try ImageDiffusionModel.load(from: directory)
    #expect(loaded.isAutoencoder && loaded.configuration == configuration())
    let images = data.batch([0, 1, 2])
    #expect(loaded.semanticCodes(images).isBitwiseEqual(to: resumed.trainedModel.semanticCodes(images)))
  }

  @Test func inversionThenDecodingIsTheIdentityForAnImageBlindPredictor() {
    // A fresh U-Net predicts ε̂ = 0 (zero output convolution), whatever x: DDIM then moves along
    // x_t = √ᾱ_t · x_0 both ways, so decoding the inverted code returns the image exactly (up to
    // rounding).
    var rng = RandomGenerator(seed: 2)
    let c = configuration()
    let model = ImageDiffusionModel(configuration: c, denoiser: ImageDenoiser(c, using: &rng))
    let images = data.batch([3, 4])
    let codes = model.semanticCodes(images)
    let xT = model.stochasticCodes(images, semanticCodes: codes, moves: 10)
    let back = model.decode(stochasticCodes: xT, semanticCodes: codes, moves: 10)
    #expect(zip(back.scalars, images.scalars).allSatisfy { abs($0 - $1) < 1e-3 })
  }

  @Test func aTinyAutoencoderLearns() throws {
    var t = try trainer(steps: 40, rate: 3e-3)
    let start = t.validationLoss()
    try t.train(checkpointDirectory: nil, progress: nil)
    let end = t.validationLoss()
    #expect(end < 0.7 * start, "validation ε-loss \(start) → \(end) after 40 steps")
  }
}
