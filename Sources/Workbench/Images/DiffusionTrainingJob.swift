// `cfx train diffusion`: a class-conditional image diffusion model on a set from `cfx data
// images`, trained resumably; at the end a grid of guided DDIM samples per class (samples.png and
// samples.svg) beside the checkpoint.

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
    let configuration = ImageDiffusionConfiguration(
      unet: UNetConfiguration(channels: manifest.channels, baseChannels: request.baseChannels, multipliers: [1, 2, 2], groups: 8,
                              embeddingWidth: 64, conditionWidth: manifest.classNames.count, attention: request.attention),
      stepCount: request.stepCount, height: manifest.height, width: manifest.width, classNames: manifest.classNames, unconditionalProbability: 0.1)
    var trainer = try DiffusionTrainer(configuration: configuration, training: training, validation: validation, options: request.options)
    let out = request.outputDirectory
    try trainer.prepare(in: out, resume: request.resume)
    let progress = ProgressReporter(total: request.options.steps, label: "train", quiet: request.quiet, alreadyDone: trainer.step)
    progress.note("image diffusion: \(manifest.set), \(training.count) images, U-Net \(trainer.model.parameterCount) parameters, T = \(request.stepCount); starting at step \(trainer.step)")
    try trainer.train(checkpointDirectory: out, progress: progress)
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
}
