// The job behind `cfx train molecules`: MOSES training molecules (or any molecule file) → a
// logP-conditioned diffusion model with molecular extra features, trained with GraphTrainer
// (size-grouped batches, AdamW, checkpoints with exact resume) plus `experiment.json` recording
// the condition and the training data's SHA-256.

import Basics
import Diffusion
import Foundation
import Graphs
import Molecules
import NN

/// Options of `cfx train molecules`.
public struct MoleculeTrainingRequest: Sendable {
  /// Training molecules: `cfx data molecules`' train.jsonl, or a .smi/.sdf file.
  public var dataFile: URL
  /// Use at most this many molecules (nil: all), validation included.
  public var limit: Int?
  /// Molecules held out from the end of the data for the validation loss.
  public var validationCount: Int
  /// Where checkpoints and the training log go.
  public var outputDirectory: URL
  /// Model size.
  public var size: MoleculeModelSize
  /// Window indicator or continuous logP.
  public var conditionKind: MoleculeConditionKind
  /// Diffusion steps T.
  public var diffusionSteps: Int
  /// Structural extra features (the molecular ones are always added).
  public var extraFeatures: ExtraFeatureSet
  /// Training options.
  public var options: TrainingOptions
  /// Continue from the checkpoint in `outputDirectory`.
  public var resume: Bool
  /// No progress bar.
  public var quiet: Bool
  /// Warm start: a trained molecule model whose parameters of the same path and shape initialise
  /// this one (everything but the condition inputs when only the condition differs). nil: fresh.
  public var initialWeights: URL?
  /// Fine-tuning: a trained molecule model that is trained further on `dataFile` with its whole
  /// configuration (diffusion process and marginals, network and its size normalisation, extra
  /// features, condition) and every weight kept; `size`, `conditionKind`, `diffusionSteps` and
  /// `extraFeatures` are the source's. Its training molecules may be larger than the source's
  /// largest (GraphTrainer's `allowsLargerGraphs`). Also given on `resume`. nil: no fine-tuning.
  public var fineTuneSource: URL?
  /// The processes training together (data parallel: `options.batchSize` graphs per rank and
  /// step); rank 0 writes the checkpoints and reports. Every rank reads the data file and, on
  /// --resume, the checkpoint: both must be visible to every rank under the same path.
  public var group: any ProcessGroup

  /// A request.
  public init(dataFile: URL, limit: Int?, validationCount: Int, outputDirectory: URL, size: MoleculeModelSize,
              conditionKind: MoleculeConditionKind, diffusionSteps: Int, extraFeatures: ExtraFeatureSet,
              options: TrainingOptions, resume: Bool, quiet: Bool, initialWeights: URL? = nil, fineTuneSource: URL? = nil,
              group: any ProcessGroup = SingleProcess()) {
    (self.dataFile, self.limit, self.validationCount, self.outputDirectory) = (dataFile, limit, validationCount, outputDirectory)
    (self.size, self.conditionKind, self.diffusionSteps, self.extraFeatures) = (size, conditionKind, diffusionSteps, extraFeatures)
    (self.options, self.resume, self.quiet, self.initialWeights, self.group) = (options, resume, quiet, initialWeights, group)
    self.fineTuneSource = fineTuneSource
  }

  /// The default training file written by `cfx data molecules`.
  public static var defaultDataFile: URL {
    FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/cfx/data/molecules/train.jsonl")
  }
}

/// The outcome of a training run.
public struct MoleculeTrainingOutcome: Sendable {
  /// Optimiser steps done in total.
  public var steps: Int
  /// The training log.
  public var log: [TrainingLogEntry]
  /// Steps per second of this run.
  public var stepsPerSecond: Double
  /// Parameters of the model.
  public var parameterCount: Int
  /// A summary for the terminal.
  public var text: String
}

/// Trains the logP-conditioned molecule model.
public enum MoleculeTrainingJob {
  /// Loads the molecules of `file` (JSON lines or a molecule file).
  public static func load(_ file: URL, limit: Int?) throws -> (entries: [MoleculeEntry], skipped: [String]) {
    if file.pathExtension == "jsonl" {
      return (try MoleculeData.loadJSONLines(file, limit: limit, namePrefix: file.deletingPathExtension().lastPathComponent), [])
    }
    return try MoleculeData.loadFile(file.path, limit: limit)
  }

  /// Runs the training.
  public static func run(_ request: MoleculeTrainingRequest) throws -> MoleculeTrainingOutcome {
    var request = request
    // Fine-tuning keeps the source's configuration: its size, condition, T and features.
    let sourceConfiguration = try request.fineTuneSource.map { source in
      guard request.initialWeights == nil else {
        throw TrainingError.checkpoint("--fine-tune-from keeps a model's whole configuration and weights, --init-from builds a new configuration from the data: pass one of them")
      }
      guard let sourceInfo = try MoleculeExperimentInfo.load(from: source) else {
        throw TrainingError.checkpoint("--fine-tune-from \(source.path): no experiment.json (not a molecule model of cfx train molecules)")
      }
      let configuration = try GraphDiffusionModel.configuration(in: source, domainFeatures: [MolecularVocabulary.self])
      (request.size, request.conditionKind) = (sourceInfo.size, sourceInfo.conditionKind)
      (request.diffusionSteps, request.extraFeatures) = (configuration.diffusion.stepCount, configuration.extraFeatures)
      return configuration
    }
    let (entries, skipped) = try load(request.dataFile, limit: request.limit)
    guard entries.count > request.validationCount + 1 else {
      throw TrainingError.data("\(request.dataFile.path): \(entries.count) usable molecules, need more than --validation \(request.validationCount)")
    }
    let training = Array(entries.dropLast(request.validationCount)), validation = Array(entries.suffix(request.validationCount))
    let checksum = try MoleculeData.checksum(ofFile: request.dataFile.path)
    let group = request.group
    do {
      try group.requireEqual(fnv1a64(Array("\(checksum) \(training.count) \(validation.count)".utf8)), "the training data (SHA-256 and counts of \(request.dataFile.path))")
    } catch { throw TrainingError.distributed("\(error)") }
    let configuration = sourceConfiguration ?? MoleculeExperiment.configuration(
      training: training, kind: request.conditionKind, size: request.size, diffusionSteps: request.diffusionSteps,
      extraFeatures: request.extraFeatures)
    var rng = RandomGenerator(seed: request.options.seed)
    var model = GraphDiffusionModel(configuration, using: &rng)
    var warmStart: MoleculeWarmStart? = nil
    if let source = request.initialWeights {
      guard !request.resume else {
        throw TrainingError.checkpoint("--init-from starts a new run; --resume continues one (its warm start is already in the checkpoint): pass one of them")
      }
      warmStart = try MoleculeWarmStart.apply(from: source, to: &model)
    } else if let source = request.fineTuneSource, !request.resume {
      // The source's own configuration: every parameter is copied.
      warmStart = try MoleculeWarmStart.apply(from: source, to: &model)
      warmStart!.keepsConfiguration = true
    }
    var trainer = try GraphTrainer(
      model: model, training: MoleculeData.examples(training, kind: request.conditionKind),
      validation: MoleculeData.examples(validation, kind: request.conditionKind), options: request.options, group: group,
      allowsLargerGraphs: request.fineTuneSource != nil)
    var info = MoleculeExperimentInfo(
      domain: "molecules", conditionKind: request.conditionKind, property: .logp, window: .drugLikeLogP,
      trainingData: request.dataFile.path, trainingDataSHA256: checksum, trainingCount: training.count,
      validationCount: validation.count, size: request.size, warmStart: warmStart)
    let configURL = request.outputDirectory.appendingPathComponent("config.json")
    if request.resume {
      guard FileManager.default.fileExists(atPath: configURL.path) else {
        throw TrainingError.checkpoint("--resume: no checkpoint in \(request.outputDirectory.path) (config.json missing)")
      }
      // A resumed run keeps the warm start recorded when it began.
      let previous = try MoleculeExperimentInfo.load(from: request.outputDirectory)
      // A fine-tuned run resumes with its source's configuration, and only such a run does.
      let fineTuned = previous?.warmStart?.keepsConfiguration == true
      if fineTuned != (request.fineTuneSource != nil) {
        throw TrainingError.checkpoint(fineTuned
          ? "--resume: \(request.outputDirectory.path) fine-tunes \(previous!.warmStart!.source); resume it with --fine-tune-from \(previous!.warmStart!.source)"
          : "--resume: \(request.outputDirectory.path) is not a fine-tuning run; resume it without --fine-tune-from")
      }
      info.warmStart = previous?.warmStart
      info.arithmetic = previous?.arithmetic
      if let previous, previous != info {
        throw TrainingError.checkpoint("--resume: \(request.outputDirectory.path) was trained on other data or settings (experiment.json: \(previous.trainingDataSHA256.prefix(12))…, \(previous.trainingCount) molecules, \(previous.conditionKind.rawValue)); use the same --data, --limit and --condition")
      }
      try trainer.resume(from: request.outputDirectory)
    } else if group.isRoot {
      try TrainingCheckpoint.refuseExisting(in: request.outputDirectory)
    }
    info.arithmetic = trainer.arithmetic
    if group.isRoot { try info.save(to: request.outputDirectory) }
    let progress = ProgressReporter(total: request.options.steps, label: "train", quiet: request.quiet || !group.isRoot, alreadyDone: trainer.step)
    if group.size > 1 {
      progress.note("data parallel: \(group.size) ranks × \(request.options.batchSize) molecules = \(trainer.globalBatchSize) per step")
    }
    progress.note("model: \(configuration.description), \(model.parameterCount) parameters, T = \(request.diffusionSteps), extra features \(request.extraFeatures.rawValue) + molecular")
    if let w = info.warmStart, w.keepsConfiguration == true {
      let largest = training.map { $0.graph.nodeClasses.count }.max() ?? 0
      progress.note("fine-tuning \(w.source) (SHA-256 \(w.sourceModelSHA256.prefix(16))…): its configuration kept and all \(w.copiedParameterCount) parameter tensors copied; training molecules of up to \(largest) heavy atoms (sizes normalised by its \(configuration.maximumNodes))")
    } else if let w = info.warmStart {
      progress.note("warm start from \(w.source) (SHA-256 \(w.sourceModelSHA256.prefix(16))…): \(w.copiedParameterCount) parameter tensors copied, fresh: \(w.freshParameters.joined(separator: ", "))")
    }
    progress.note("data: \(training.count) train, \(validation.count) validation molecules from \(request.dataFile.lastPathComponent) (SHA-256 \(checksum.prefix(16))…), \(skipped.count) skipped; starting at step \(trainer.step)")
    let startStep = trainer.step
    let start = Date()
    try trainer.train(checkpointDirectory: request.outputDirectory, progress: progress)
    let seconds = Date().timeIntervalSince(start)
    let rate = Double(trainer.step - startStep) / Swift.max(seconds, 1e-9)
    let last = trainer.log.last
    let text = """
      trained \(trainer.step) steps (\(String(format: "%.2f", rate)) steps/s at batch \(trainer.globalBatchSize)\(group.size > 1 ? " = \(group.size) ranks × \(request.options.batchSize)" : "")); \
      train loss \(last.map { String(format: "%.4f", $0.trainLoss) } ?? "-"), \
      validation loss \(last?.validationLoss.map { String(format: "%.4f", $0) } ?? "-"), \
      validation NLL \(last?.validationNLL.map { String(format: "%.2f", $0) + " nats/graph" } ?? "-")
      checkpoint: \(request.outputDirectory.path) (model SHA-256 \(trainer.modelChecksum ?? "-"))
      """
    return MoleculeTrainingOutcome(steps: trainer.step, log: trainer.log, stepsPerSecond: rate, parameterCount: model.parameterCount, text: text)
  }
}

