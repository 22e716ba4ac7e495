// `cfx train diffusion`: a class-conditional image diffusion model, or with a semantic code width
// a diffusion autoencoder, on a set from `cfx data images`, trained resumably; at the end a grid
// beside the checkpoint: guided DDIM samples per class (samples.png/.svg), or for an autoencoder
// validation images, their reconstructions from (x_T, z_sem), and decodings of the same z_sem
// from fresh noise (reconstructions.png/.svg).

import Basics
import Foundation
import Images
import NN
import Tensor

/// What `cfx train diffusion` is asked to do.
public struct DiffusionTrainingRequest: Sendable {
  /// The set's directory (from `cfx data images`) and the checkpoint directory.
  public var dataDirectory: URL, outputDirectory: URL
  /// Training options.
  public var options: TrainingOptions
  /// U-Net base channels, diffusion steps T, resume, quiet.
  public var baseChannels: Int, stepCount: Int, resume: Bool, quiet: Bool
  /// Self-attention at the U-Net's lowest resolution.
  public var attention = true
  /// The semantic code's width: a diffusion autoencoder when set, class-conditional when nil.
  public var latentWidth: Int?

  /// A request.
  public init(dataDirectory: URL, outputDirectory: URL, options: TrainingOptions, baseChannels: Int, stepCount: Int, resume: Bool, quiet: Bool) {
    (self.dataDirectory, self.outputDirectory, self.options) = (dataDirectory, outputDirectory, options)
    (self.baseChannels, self.stepCount, self.resume, self.quiet) = (baseChannels, stepCount, resume, quiet)
  }
}

/// Trains image diffusion models.
public enum DiffusionTrainingJob {
  /// Trains (or resumes) and writes the sample grids; returns a report.
  public static func run(_ request: DiffusionTrainingRequest) throws -> String {
    let manifest = try ImageSetManifest.load(from: request.dataDirectory).manifest
    let training = try manifest.read(split: "train", from: request.dataDirectory)
    let validation = try manifest.read(split: "validation", from: request.dataDirectory)
    // Two downsamplings: sides must divide by 4 (28 and 32 do).
    let encoder = request.latentWidth.map {
      SemanticEncoderConfiguration(channels: manifest.channels, baseChannels: request.baseChannels, latentWidth: $0, groups: 8, height: manifest.height, width: manifest.width)
    }
    let configuration = ImageDiffusionConfiguration(
      unet: UNetConfiguration(channels: manifest.channels, baseChannels: request.baseChannels, multipliers: [1, 2, 2], groups: 8,
                              embeddingWidth: 64, conditionWidth: request.latentWidth ?? manifest.classNames.count, attention: request.attention),
      stepCount: request.stepCount, height: manifest.height, width: manifest.width, classNames: manifest.classNames,
      unconditionalProbability: encoder == nil ? 0.1 : 0, encoder: encoder)
    var trainer = try DiffusionTrainer(configuration: configuration, training: training, validation: validation, options: request.options)
    let out = request.outputDirectory
    try trainer.prepare(in: out, resume: request.resume)
    let progress = ProgressReporter(total: request.options.steps, label: "train", quiet: request.quiet, alreadyDone: trainer.step)
    progress.note("image diffusion\(encoder == nil ? "" : " autoencoder (\(request.latentWidth!)-wide code)"): \(manifest.set), \(training.count) images, U-Net \(trainer.model.parameterCount) parameters, T = \(request.stepCount); starting at step \(trainer.step)")
    try trainer.train(checkpointDirectory: out, progress: progress)
    if encoder != nil { return try writeReconstructions(trainer: trainer, validation: validation, set: manifest.set, to: out) }
    // Eight guided samples per class, one row per class.
    let perClass = 8
    let classes = manifest.classNames.indices.flatMap { Array(repeating: $0, count: perClass) }
    let moves = Swift.min(50, request.stepCount)
    let images = trainer.samples(classes: classes, moves: moves, scale: 2, seed: 0)
    try PNG.write(ImageGrid.tile(images, columns: perClass, scale: 2), to: out.appendingPathComponent("samples.png").path)
    let captions = classes.enumerated().map { $0.offset % perClass == 0 ? [manifest.classNames[$0.element]] : [""] }
    try AtomicFile.write(Data(try ImageGrid.svg(images, captions: captions, columns: perClass, scale: 2,
                                                title: "\(manifest.set): DDIM samples (\(moves) moves, guidance 2), model \((trainer.modelChecksum ?? "-").prefix(12))").utf8),
                         to: out.appendingPathComponent("samples.svg"))
    let last = trainer.log.last
    return "trained \(trainer.step) steps; train ε-loss \(last.map { String(format: "%.4f", $0.trainLoss) } ?? "-"), validation \(last?.validationLoss.map { String(format: "%.4f", $0) } ?? "-")\n"
      + "checkpoint, samples.png and samples.svg: \(out.path) (model SHA-256 \(trainer.modelChecksum ?? "-"))"
  }

  /// The autoencoder's picture: eight validation images (row 1), their reconstructions from the
  /// inverted x_T and z_sem (row 2), and the same z_sem decoded from fresh noise (row 3).
  static func writeReconstructions(trainer: DiffusionTrainer, validation: ImageDataSet, set: String, to out: URL) throws -> String {
    let model = trainer.trainedModel
    let moves = Swift.min(50, model.configuration.stepCount)
    let indices = Array(0..<Swift.min(8, validation.count))
    let images = validation.batch(indices)
    let codes = model.semanticCodes(images)
    let reconstructed = model.decode(stochasticCodes: model.stochasticCodes(images, semanticCodes: codes, moves: moves), semanticCodes: codes, moves: moves)
    var r = RandomGenerator(seed: 0)
    let redrawn = model.decode(stochasticCodes: Tensor.normal(images.shape, using: &r), semanticCodes: codes, moves: moves)
    let tiles = [images, reconstructed, redrawn].flatMap { t in indices.indices.map { ImageBatch(tensor: t)[$0] } }
    try PNG.write(ImageGrid.tile(tiles, columns: indices.count, scale: 2), to: out.appendingPathComponent("reconstructions.png").path)
    let captions = ["input", "reconstructed", "fresh x_T"].flatMap { label in indices.indices.map { $0 == 0 ? [label] : [""] } }
    try AtomicFile.write(Data(try ImageGrid.svg(tiles, captions: captions, columns: indices.count, scale: 2,
                                                title: "\(set): diffusion autoencoder (\(moves) DDIM moves), model \((trainer.modelChecksum ?? "-").prefix(12))").utf8),
                         to: out.appendingPathComponent("reconstructions.svg"))
    let error = ((reconstructed - images) * (reconstructed - images)).mean().scalar
    let last = trainer.log.last
    return "trained \(trainer.step) steps; train ε-loss \(last.map { String(format: "%.4f", $0.trainLoss) } ?? "-"), validation \(last?.validationLoss.map { String(format: "%.4f", $0) } ?? "-")\n"
      + "reconstruction MSE on \(indices.count) validation images (pixels in [0, 1]): \(String(format: "%.5f", error))\n"
      + "checkpoint, reconstructions.png and reconstructions.svg: \(out.path) (model SHA-256 \(trainer.modelChecksum ?? "-"))"
  }
}
