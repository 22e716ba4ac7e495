// Training an image classifier: AdamW on cross-entropy, minibatches in a seeded order per
// epoch, periodic validation accuracy, checkpoints that resume exactly (model, optimiser moments
// and step, position in the data order), a progress bar and a JSON-lines log. Training N steps
// at once, or k steps then resuming for N − k, gives bit-identical weights.

import Basics
import Foundation
import NN
import Tensor

/// One line of a classifier's training log.
public struct ClassifierLogEntry: Codable, Sendable {
  /// Optimiser step and epochs done (fractional).
  public var step: Int, epochs: Double
  /// Mean training loss and accuracy since the previous entry.
  public var trainLoss: Double, trainAccuracy: Double
  /// Validation accuracy at this step, when measured.
  public var validationAccuracy: Double?
  /// Learning rate at this step.
  public var learningRate: Float
  /// Wall-clock seconds of training so far (summed over resumed runs).
  public var elapsedSeconds: Double
}

/// Trains an `ImageClassifier`.
public struct ClassifierTrainer: ResumableTrainer {
  /// The model being trained.
  public private(set) var model: ImageClassifier
  /// The optimiser.
  public private(set) var optimizer: AdamW
  /// Steps done.
  public private(set) var step = 0
  /// The log so far (this run and resumed ones).
  public private(set) var log: [ClassifierLogEntry] = []
  /// SHA-256 of the last checkpoint's weights.
  public private(set) var modelChecksum: String?

  let options: TrainingOptions
  let training: ImageDataSet
  let validation: ImageDataSet
  var epoch = 0, position = 0
  var order: [Int]
  var elapsedBefore = 0.0

  /// A trainer for `model` on `training`, validated on `validation`.
  public init(model: ImageClassifier, training: ImageDataSet, validation: ImageDataSet, options: TrainingOptions) throws(TrainingError) {
    let c = model.configuration
    guard training.count >= options.batchSize else { throw .data("\(training.count) training images for batches of \(options.batchSize)") }
    guard (training.channels, training.height, training.width) == (c.channels, c.height, c.width), training.classNames == c.classNames else {
      throw .data("the images (\(training.channels)×\(training.height)×\(training.width), \(training.classNames.count) classes) do not fit the model (\(c.channels)×\(c.height)×\(c.width), \(c.classNames.count) classes)")
    }
    (self.model, self.training, self.validation, self.options) = (model, training, validation, options)
    optimizer = AdamW(learningRate: options.schedule.rate(at: 1), weightDecay: options.weightDecay)
    order = Self.order(count: training.count, epoch: 0, seed: options.seed)
  }

  /// The data order of one epoch: a permutation seeded by (seed, epoch).
  static func order(count: Int, epoch: Int, seed: UInt64) -> [Int] {
    var rng = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
    return rng.permutation(count)
  }

  /// Accuracy on the validation set.
  public func validationAccuracy() -> Double {
    ClassificationReport(predicted: model.predictions(validation).classes, labels: validation.labels, classes: model.configuration.classNames.count).accuracy
  }

  /// Trains until `options.lastStep` (`steps`, or `stopAt`), checkpointing into `directory` (when given); stops after the
  /// step in progress when a signal asks (the checkpoint is then written first).
  public mutating func train(checkpointDirectory directory: URL?, progress: ProgressReporter?) throws {
    let start = Date()
    var sums = (loss: 0.0, correct: 0, seen: 0, steps: 0)
    while step < options.lastStep {
      if position + options.batchSize > order.count {
        epoch += 1
        position = 0
        order = Self.order(count: training.count, epoch: epoch, seed: options.seed)
      }
      let indices = Array(order[position..<(position + options.batchSize)])
      position += options.batchSize
      let images = training.batch(indices), labels = indices.map { training.labels[$0] }
      var logits: Tensor? = nil
      let (loss, rawGradient) = valueAndGrad(at: model) { m in
        let l = m(images)
        logits = l
        return Tensor.crossEntropy(logits: l, classIndices: labels)
      }
      var gradient = rawGradient
      if let clip = options.clipNorm { clipGradientNorm(&gradient, maxNorm: clip) }
      step += 1
      let rate = options.schedule.rate(at: step)
      optimizer.update(&model, gradients: gradient, learningRate: rate)
      let k = model.configuration.classNames.count, values = logits!.scalars
      for (row, label) in labels.enumerated() {
        let scores = values[row * k..<(row + 1) * k]
        if scores.indices.max(by: { scores[$0] < scores[$1] })! - row * k == label { sums.correct += 1 }
      }
      sums = (sums.loss + Double(loss.scalar), sums.correct, sums.seen + labels.count, sums.steps + 1)
      progress?.update(done: step, fields: [("loss", String(format: "%.4f", loss.scalar))])
      let validate = options.validateEvery > 0 && (step % options.validateEvery == 0 || step == options.lastStep)
      let stopping = Interruption.requested != nil
      let save = step % options.checkpointEvery == 0 || step == options.lastStep || stopping
      if validate || save {
        let accuracy = validate ? validationAccuracy() : nil
        log.append(ClassifierLogEntry(
          step: step, epochs: Double(epoch) + Double(position) / Double(training.count), trainLoss: sums.loss / Double(Swift.max(sums.steps, 1)),
          trainAccuracy: Double(sums.correct) / Double(Swift.max(sums.seen, 1)), validationAccuracy: accuracy, learningRate: rate,
          elapsedSeconds: elapsedBefore + Date().timeIntervalSince(start)))
        sums = (0, 0, 0, 0)
        if let accuracy { progress?.note("step \(step): train loss \(String(format: "%.4f", log.last!.trainLoss)), accuracy \(String(format: "%.3f", log.last!.trainAccuracy)); validation accuracy \(String(format: "%.4f", accuracy))") }
      }
      if save, let directory { try saveCheckpoint(to: directory, elapsed: elapsedBefore + Date().timeIntervalSince(start)) }
      if stopping { try RunInterrupted.check(kept: step, total: options.steps, units: "steps", journal: directory) }
    }
  }

  /// Writes the checkpoint (model, optimiser, data position) and the log.
  public mutating func saveCheckpoint(to directory: URL, elapsed: Double) throws(TrainingError) {
    let state = ["step": "\(step)", "epoch": "\(epoch)", "position": "\(position)", "seed": "\(options.seed)", "elapsed_seconds": "\(elapsed)"]
    modelChecksum = try TrainingCheckpoint.save(model: model, configuration: model.configuration, optimizer: optimizer, state: state, log: log, to: directory)
  }

  /// Restores model, optimiser, data position and log from `directory` (same seed and data).
  public mutating func resume(from directory: URL) throws(TrainingError) {
    let loaded = try TrainingCheckpoint.load(into: &model, from: directory, seed: options.seed, log: ClassifierLogEntry.self)
    let s = loaded.state
    guard let step = s["step"].flatMap(Int.init), let epoch = s["epoch"].flatMap(Int.init), let position = s["position"].flatMap(Int.init) else {
      throw .checkpoint("\(directory.path) has no classifier training state")
    }
    (optimizer, self.step, self.epoch, self.position, log, modelChecksum) = (loaded.optimizer, step, epoch, position, loaded.log, loaded.checksum)
    order = Self.order(count: training.count, epoch: epoch, seed: options.seed)
    elapsedBefore = Double(s["elapsed_seconds"] ?? "0") ?? 0
  }
}
