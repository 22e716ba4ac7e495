// The job behind `cfx train planar`.

import Basics
import Diffusion
import Foundation
import Graphs
import NN

/// Options of `cfx train planar`.
public struct PlanarTrainingRequest: Sendable {
  /// Split files from `cfx data planar` (nil: enumerate in memory with the standard split).
  public var dataDirectory: URL?
  /// Where checkpoints and the training log go.
  public var outputDirectory: URL
  /// Model size.
  public var size: PlanarModelSize
  /// Diffusion steps T.
  public var diffusionSteps: Int
  /// Extra features.
  public var extraFeatures: ExtraFeatureSet
  /// Training options (steps, batch, schedule, seed...).
  public var options: TrainingOptions
  /// Continue from the checkpoint in `outputDirectory`.
  public var resume: Bool
  /// No progress bar.
  public var quiet: Bool

  /// A request.
  public init(dataDirectory: URL?, outputDirectory: URL, size: PlanarModelSize, diffusionSteps: Int, extraFeatures: ExtraFeatureSet,
              options: TrainingOptions, resume: Bool, quiet: Bool) {
    (self.dataDirectory, self.outputDirectory, self.size, self.diffusionSteps) = (dataDirectory, outputDirectory, size, diffusionSteps)
    (self.extraFeatures, self.options, self.resume, self.quiet) = (extraFeatures, options, resume, quiet)
  }
}

/// Trains the planar edge-count model.
public enum PlanarTrainingJob {
  /// Runs the training and returns a summary for the terminal.
  public static func run(_ request: PlanarTrainingRequest) throws -> String {
    let split = try PlanarExperiment.split(directory: request.dataDirectory, seed: request.options.seed)
    let configuration = PlanarExperiment.configuration(
      training: split.train, size: request.size, diffusionSteps: request.diffusionSteps, extraFeatures: request.extraFeatures)
    var rng = RandomGenerator(seed: request.options.seed)
    let model = GraphDiffusionModel(configuration, using: &rng)
    var trainer = try GraphTrainer(
      model: model, training: PlanarExperiment.examples(split.train), validation: PlanarExperiment.examples(split.validation),
      options: request.options)
    let configURL = request.outputDirectory.appendingPathComponent("config.json")
    if request.resume {
      guard FileManager.default.fileExists(atPath: configURL.path) else {
        throw TrainingError.checkpoint("--resume: no checkpoint in \(request.outputDirectory.path) (config.json missing)")
      }
      try trainer.resume(from: request.outputDirectory)
    } else {
      try TrainingCheckpoint.refuseExisting(in: request.outputDirectory)
    }
    let progress = ProgressReporter(total: request.options.steps, label: "train", quiet: request.quiet, alreadyDone: trainer.step)
    progress.note("model: \(configuration.description), \(model.parameterCount) parameters, T = \(request.diffusionSteps), extra features \(request.extraFeatures.rawValue)")
    progress.note("data: \(split.train.count) train, \(split.validation.count) validation, \(split.test.count) test graphs; starting at step \(trainer.step)")
    try trainer.train(checkpointDirectory: request.outputDirectory, progress: progress)
    let last = trainer.log.last
    return """
      trained \(trainer.step) steps; train loss \(last.map { String(format: "%.4f", $0.trainLoss) } ?? "-"), \
      validation loss \(last?.validationLoss.map { String(format: "%.4f", $0) } ?? "-"), \
      validation NLL \(last?.validationNLL.map { String(format: "%.2f", $0) + " nats/graph" } ?? "-"); \
      \(String(format: "%.0f", last?.elapsedSeconds ?? 0)) s in total
      checkpoint: \(request.outputDirectory.path) (model SHA-256 \(trainer.modelChecksum ?? "-"))
      """
  }
}
