// `cfx train classifier`: trains the CNN that the image pipelines explain on one image set from
// `cfx data images`, resumably, then evaluates it on the test split and writes evaluation.json
// (accuracy, confusion matrix, the set's manifest checksum) and test-predictions.csv beside the
// checkpoint.

import Basics
import Foundation
import Images
import NN
import Tensor

/// What `cfx train classifier` is asked to do.
public struct ClassifierTrainingRequest: Sendable {
  /// The set's directory (from `cfx data images`).
  public var dataDirectory: URL
  /// Checkpoint directory.
  public var outputDirectory: URL
  /// Training options.
  public var options: TrainingOptions
  /// Channels of the first stage, stages, convolutions per stage.
  public var baseChannels: Int, stages: Int, convsPerStage: Int
  /// Continue the checkpoint in `outputDirectory`.
  public var resume: Bool
  /// No progress bar.
  public var quiet: Bool
  /// Which labels to learn (the set's classes by default).
  public var labels: LabelRule = .classes

  /// A request.
  public init(dataDirectory: URL, outputDirectory: URL, options: TrainingOptions, baseChannels: Int = 32, stages: Int = 3,
              convsPerStage: Int = 2, resume: Bool = false, quiet: Bool = false) {
    (self.dataDirectory, self.outputDirectory, self.options, self.resume, self.quiet) = (dataDirectory, outputDirectory, options, resume, quiet)
    (self.baseChannels, self.stages, self.convsPerStage) = (baseChannels, stages, convsPerStage)
  }
}

/// The evaluation written beside a trained classifier.
public struct ClassifierEvaluation: Codable, Sendable {
  /// The set, its manifest's SHA-256, the model's weights' SHA-256.
  public var set: String, manifestSHA256: String, modelSHA256: String
  /// Class names, steps trained, and the test split's report.
  public var classNames: [String], steps: Int, test: ClassificationReport
  /// The labels learnt (`classes`, `factor:NAME`, `merge:…`); absent in files that predate it.
  public var labels: String?
  /// The arithmetic of the run.
  public var arithmetic: ArithmeticProvenance
}

/// Trains and evaluates image classifiers.
public enum ClassifierTrainingJob {
  /// Trains (or resumes), evaluates on the test split, writes evaluation.json; returns it and a report.
  public static func run(_ request: ClassifierTrainingRequest) throws -> (evaluation: ClassifierEvaluation, text: String) {
    let (manifest, manifestData) = try ImageSetManifest.load(from: request.dataDirectory)
    let training = try request.labels.apply(to: manifest.read(split: "train", from: request.dataDirectory))
    let validation = try request.labels.apply(to: manifest.read(split: "validation", from: request.dataDirectory))
    let test = try request.labels.apply(to: manifest.read(split: "test", from: request.dataDirectory))
    let classNames = training.classNames
    guard validation.classNames == classNames, test.classNames == classNames else {
      throw TrainingError.data("labels \(request.labels): the splits give different classes (train \(classNames), validation \(validation.classNames), test \(test.classNames))")
    }
    let configuration = ImageClassifierConfiguration(
      channels: manifest.channels, height: manifest.height, width: manifest.width, classNames: classNames,
      baseChannels: request.baseChannels, stages: request.stages, convsPerStage: request.convsPerStage)
    var rng = RandomGenerator(seed: request.options.seed)
    var trainer = try ClassifierTrainer(model: ImageClassifier(configuration, using: &rng), training: training, validation: validation, options: request.options)
    let out = request.outputDirectory
    try trainer.prepare(in: out, resume: request.resume)
    let progress = ProgressReporter(total: request.options.steps, label: "train", quiet: request.quiet, alreadyDone: trainer.step)
    progress.note("classifier: \(manifest.set), \(training.count) train / \(validation.count) validation images, \(trainer.model.parameterCount) parameters; starting at step \(trainer.step)")
    try trainer.train(checkpointDirectory: out, progress: progress)
    let (predicted, probabilities) = trainer.model.predictions(test)
    // Every test prediction, so accuracy and confusion can be recomputed from the file.
    let header = (["index", "label", "predicted"] + classNames.indices.map { "p\($0)" }).joined(separator: ",")
    let rows = test.labels.indices.map { i in
      (["\(i)", "\(test.labels[i])", "\(predicted[i])"] + probabilities[i].map { String(format: "%.6f", $0) }).joined(separator: ",")
    }
    try AtomicFile.write(Data(([header] + rows).joined(separator: "\n").utf8 + [0x0A]), to: out.appendingPathComponent("test-predictions.csv"))
    let report = ClassificationReport(predicted: predicted, labels: test.labels, classes: classNames.count)
    let evaluation = ClassifierEvaluation(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestData)), modelSHA256: trainer.modelChecksum ?? "-",
      classNames: classNames, steps: trainer.step, test: report, labels: request.labels.description, arithmetic: .current)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(try encoder.encode(evaluation) + Data([0x0A]), to: out.appendingPathComponent("evaluation.json"))
    var lines = ["trained \(trainer.step) steps on \(manifest.set); test accuracy \(String(format: "%.4f", report.accuracy)) on \(report.count) images",
                 "confusion (rows: true class, columns: predicted):"]
    for (i, row) in report.confusion.enumerated() {
      lines.append("  " + classNames[i].padding(toLength: 12, withPad: " ", startingAt: 0) + row.map { String(format: "%5d", $0) }.joined())
    }
    lines.append("checkpoint and evaluation.json: \(out.path) (model SHA-256 \(trainer.modelChecksum ?? "-"))")
    return (evaluation, lines.joined(separator: "\n"))
  }
}
