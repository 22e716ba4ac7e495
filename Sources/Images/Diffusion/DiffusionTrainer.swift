// Training image diffusion: the ε-loss of a class-conditional U-Net with conditioning dropout
// (classifier-free guidance: a fraction of the batch sees the learned null condition), AdamW,
// a seeded data order and noise stream, checkpoints that resume exactly (weights, optimiser,
// data position and the random generator's state), and DDIM sampling with guidance.
// Images are mapped to [−1, 1] (x = 2·v − 1).

import Basics
import DiffusionCore
import Foundation
import NN
import Tensor

/// One line of an image diffusion model's training log.
public struct DiffusionLogEntry: Codable, Sendable {
  /// Optimiser step, epochs done, mean training ε-loss since the previous entry, validation
  /// ε-loss (fixed noise) when measured, learning rate, seconds so far.
  public var step: Int, epochs: Double, trainLoss: Double, validationLoss: Double?, learningRate: Float, elapsedSeconds: Double
}

/// What a trained image diffusion model is: the U-Net, the process, the classes it is
/// conditioned on, or, for a diffusion autoencoder, the semantic encoder whose code it is
/// conditioned on instead.
public struct ImageDiffusionConfiguration: Codable, Sendable, Equatable {
  /// The U-Net's shape (its condition width is the number of classes, or the code's width).
  public var unet: UNetConfiguration
  /// Diffusion steps T, image size, class names (of the training set), conditioning dropout
  /// probability (class-conditional models only).
  public var stepCount: Int, height: Int, width: Int, classNames: [String], unconditionalProbability: Double
  /// The semantic encoder of a diffusion autoencoder; nil for a class-conditional model.
  public var encoder: SemanticEncoderConfiguration?

  /// A class-conditional model, or with `encoder` a diffusion autoencoder.
  public init(unet: UNetConfiguration, stepCount: Int, height: Int, width: Int, classNames: [String], unconditionalProbability: Double,
              encoder: SemanticEncoderConfiguration? = nil) {
    if let encoder {
      precondition(unet.conditionWidth == encoder.latentWidth && (encoder.height, encoder.width, encoder.channels) == (height, width, unet.channels),
                   "ImageDiffusionConfiguration: condition width \(unet.conditionWidth) for a \(encoder.latentWidth)-wide code of \(encoder.channels)×\(encoder.height)×\(encoder.width) images (model \(unet.channels)×\(height)×\(width))")
    } else {
      precondition(unet.conditionWidth == classNames.count, "ImageDiffusionConfiguration: condition width \(unet.conditionWidth) for \(classNames.count) classes")
    }
    (self.unet, self.stepCount, self.height, self.width, self.classNames, self.unconditionalProbability) = (unet, stepCount, height, width, classNames, unconditionalProbability)
    self.encoder = encoder
  }
}

/// Trains a class-conditional image diffusion model or a diffusion autoencoder.
public struct DiffusionTrainer: ResumableTrainer {
  /// The U-Net (and encoder) being trained.
  public private(set) var model: ImageDenoiser
  /// The optimiser.
  public private(set) var optimizer: AdamW
  /// Steps done.
  public private(set) var step = 0
  /// The log so far (this run and resumed ones).
  public private(set) var log: [DiffusionLogEntry] = []
  /// SHA-256 of the last checkpoint's weights.
  public private(set) var modelChecksum: String?
  /// What the model is.
  public let configuration: ImageDiffusionConfiguration
  /// The noise process.
  public let process: GaussianDiffusion

  let options: TrainingOptions
  let training: ImageDataSet, validation: ImageDataSet
  var rng: RandomGenerator
  var epoch = 0, position = 0
  var order: [Int]
  var elapsedBefore = 0.0

  /// A trainer of a fresh model for `training`.
  public init(configuration: ImageDiffusionConfiguration, training: ImageDataSet, validation: ImageDataSet, options: TrainingOptions) throws(TrainingError) {
    guard training.count >= options.batchSize, (training.height, training.width) == (configuration.height, configuration.width),
      training.channels == configuration.unet.channels, training.classNames == configuration.classNames
    else { throw .data("the images do not fit the model (size, channels or classes), or there are fewer than a batch") }
    var initialisation = RandomGenerator(seed: options.seed)
    model = ImageDenoiser(configuration, using: &initialisation)
    (self.configuration, self.training, self.validation, self.options) = (configuration, training, validation, options)
    process = GaussianDiffusion(stepCount: configuration.stepCount)
    optimizer = AdamW(learningRate: options.schedule.rate(at: 1), weightDecay: options.weightDecay)
    rng = RandomGenerator(seed: options.seed ^ 0xD1FF_0510)
    order = Self.order(count: training.count, epoch: 0, seed: options.seed)
  }

  static func order(count: Int, epoch: Int, seed: UInt64) -> [Int] {
    var r = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
    return r.permutation(count)
  }

  /// One-hot class vectors [N, classes].
  func oneHot(_ labels: [Int]) -> Tensor { ImageDiffusionModel.oneHot(labels, classes: configuration.classNames.count) }

  /// The ε-loss of `model` on images with labels, steps, noise and a dropout mask (true: null).
  static func loss(_ model: ImageDenoiser, x0: Tensor, labels: Tensor, dropped: [Bool], steps: [Int], noise: Tensor, process: GaussianDiffusion) -> Tensor {
    model.loss(x0: x0, labels: labels, dropped: dropped, steps: steps, noise: noise, process: process)
  }

  /// The ε-loss on the first 256 validation images with fixed steps and noise.
  public func validationLoss() -> Double {
    var fixed = RandomGenerator(seed: options.seed ^ 0x0A11_DA7E)
    let indices = Array(0..<Swift.min(256, validation.count))
    var total = 0.0
    for start in stride(from: 0, to: indices.count, by: 64) {
      let part = Array(indices[start..<Swift.min(start + 64, indices.count)])
      let x0 = validation.batch(part) * 2 - 1, noise = Tensor.normal(x0.shape, using: &fixed)
      let steps = part.map { _ in 1 + fixed.nextInt(below: configuration.stepCount) }
      total += Double(Self.loss(model, x0: x0, labels: oneHot(part.map { validation.labels[$0] }), dropped: part.map { _ in false },
                                steps: steps, noise: noise, process: process).scalar) * Double(part.count)
    }
    return total / Double(indices.count)
  }

  /// Trains until `options.lastStep` (`steps`, or `stopAt`), checkpointing into `directory`; stops after the step in
  /// progress (checkpoint written) when a signal asks.
  public mutating func train(checkpointDirectory directory: URL?, progress: ProgressReporter?) throws {
    let start = Date()
    var sum = 0.0, count = 0
    while step < options.lastStep {
      if position + options.batchSize > order.count {
        (epoch, position) = (epoch + 1, 0)
        order = Self.order(count: training.count, epoch: epoch, seed: options.seed)
      }
      let indices = Array(order[position..<(position + options.batchSize)])
      position += options.batchSize
      let x0 = training.batch(indices) * 2 - 1
      let labels = oneHot(indices.map { training.labels[$0] })
      let dropped = sampleUnconditionalMask(count: indices.count, probability: configuration.unconditionalProbability, using: &rng)
      let steps = indices.map { _ in 1 + rng.nextInt(below: configuration.stepCount) }
      let noise = Tensor.normal(x0.shape, using: &rng)
      let process = self.process
      let (loss, gradient) = valueAndGrad(at: model) { Self.loss($0, x0: x0, labels: labels, dropped: dropped, steps: steps, noise: noise, process: process) }
      step += 1
      let rate = options.schedule.rate(at: step)
      var g = gradient
      if let clip = options.clipNorm { _ = clipGradientNorm(&g, maxNorm: clip) }
      optimizer.update(&model, gradients: g, learningRate: rate)
      (sum, count) = (sum + Double(loss.scalar), count + 1)
      progress?.update(done: step, fields: [("loss", String(format: "%.4f", loss.scalar))])
      let validate = options.validateEvery > 0 && (step % options.validateEvery == 0 || step == options.lastStep)
      let stopping = Interruption.requested != nil
      if validate || step % options.checkpointEvery == 0 || step == options.lastStep || stopping {
        let v = validate ? validationLoss() : nil
        log.append(DiffusionLogEntry(step: step, epochs: Double(epoch) + Double(position) / Double(training.count), trainLoss: sum / Double(Swift.max(count, 1)),
                                     validationLoss: v, learningRate: rate, elapsedSeconds: elapsedBefore + Date().timeIntervalSince(start)))
        (sum, count) = (0, 0)
        if let v { progress?.note("step \(step): train ε-loss \(String(format: "%.4f", log.last!.trainLoss)), validation \(String(format: "%.4f", v))") }
        if let directory { try saveCheckpoint(to: directory, elapsed: elapsedBefore + Date().timeIntervalSince(start)) }
      }
      if stopping { try RunInterrupted.check(kept: step, total: options.steps, units: "steps", journal: directory) }
    }
  }

  /// Writes the checkpoint (weights, optimiser, data position, generator state) and the log.
  public mutating func saveCheckpoint(to directory: URL, elapsed: Double) throws(TrainingError) {
    let state = ["step": "\(step)", "epoch": "\(epoch)", "position": "\(position)", "seed": "\(options.seed)", "elapsed_seconds": "\(elapsed)",
                 "rng": rng.state.map(String.init).joined(separator: ",")]
    modelChecksum = try TrainingCheckpoint.save(model: model, configuration: configuration, optimizer: optimizer, state: state, log: log, to: directory)
  }

  /// Restores everything `saveCheckpoint` wrote (same seed and data).
  public mutating func resume(from directory: URL) throws(TrainingError) {
    let loaded = try TrainingCheckpoint.load(into: &model, from: directory, seed: options.seed, log: DiffusionLogEntry.self)
    let s = loaded.state
    guard let step = s["step"].flatMap(Int.init), let epoch = s["epoch"].flatMap(Int.init), let position = s["position"].flatMap(Int.init),
      let words = s["rng"]?.split(separator: ",").compactMap({ UInt64($0) }), words.count == 4
    else { throw .checkpoint("\(directory.path) has no image diffusion training state") }
    (optimizer, self.step, self.epoch, self.position, log, modelChecksum) = (loaded.optimizer, step, epoch, position, loaded.log, loaded.checksum)
    rng = RandomGenerator(state: words)
    order = Self.order(count: training.count, epoch: epoch, seed: options.seed)
    elapsedBefore = Double(s["elapsed_seconds"] ?? "0") ?? 0
  }

  /// The model trained so far.
  public var trainedModel: ImageDiffusionModel { ImageDiffusionModel(configuration: configuration, denoiser: model) }

  /// DDIM samples of `classes` (one image each) with guidance `scale`, in [0, 1].
  public func samples(classes: [Int], moves: Int, scale: Float, seed: UInt64) -> [Image] {
    trainedModel.samples(classes: classes, moves: moves, scale: scale, seed: seed)
  }
}

/// A trained image diffusion model (class-conditional, or a diffusion autoencoder): what it is,
/// its U-Net (and encoder) and its process.
public struct ImageDiffusionModel: Sendable {
  /// What the model is.
  public let configuration: ImageDiffusionConfiguration
  /// The noise predictor and the semantic encoder.
  public let denoiser: ImageDenoiser
  /// The noise process.
  public let process: GaussianDiffusion

  /// The noise predictor.
  public var unet: UNet { denoiser.unet }

  /// A model from its parts.
  public init(configuration: ImageDiffusionConfiguration, denoiser: ImageDenoiser) {
    (self.configuration, self.denoiser, process) = (configuration, denoiser, GaussianDiffusion(stepCount: configuration.stepCount))
  }

  /// The trained model in checkpoint `directory` and its weights' SHA-256.
  public static func load(from directory: URL) throws(CheckpointError) -> (model: ImageDiffusionModel, checksum: String) {
    let configuration = try Checkpoint.configuration(ImageDiffusionConfiguration.self, in: directory)
    var initialisation = RandomGenerator(seed: 0)
    var denoiser = ImageDenoiser(configuration, using: &initialisation)
    let loaded = try Checkpoint.load(into: &denoiser, from: directory)
    return (ImageDiffusionModel(configuration: configuration, denoiser: denoiser), loaded.modelChecksum)
  }

  /// One-hot class vectors [N, classes].
  static func oneHot(_ labels: [Int], classes k: Int) -> Tensor {
    var values = [Float](repeating: 0, count: labels.count * k)
    for (row, label) in labels.enumerated() { values[row * k + label] = 1 }
    return Tensor(shape: [labels.count, k], scalars: values)
  }

  /// DDIM samples of `classes` (one image each) with guidance `scale`, in [0, 1].
  public func samples(classes: [Int], moves: Int, scale: Float, seed: UInt64) -> [Image] {
    precondition(!isAutoencoder, "samples(classes:): a diffusion autoencoder draws from codes (decode), not from classes")
    var r = RandomGenerator(seed: seed)
    let c = configuration
    let x = Tensor.normal([classes.count, c.unet.channels, c.height, c.width], using: &r)
    let labels = Self.oneHot(classes, classes: c.classNames.count)
    let out = process.ddimSample(from: x, steps: process.strides(moves)) { xt, t in
      let steps = Array(repeating: t, count: classes.count)
      let conditional = unet(xt, steps: steps, condition: labels)
      return scale == 1 ? conditional : guided(conditional, unet(xt, steps: steps, condition: nil), scale: scale)
    }
    return (0..<classes.count).map { ImageBatch(tensor: (out + 1) * 0.5)[$0] }
  }
}
