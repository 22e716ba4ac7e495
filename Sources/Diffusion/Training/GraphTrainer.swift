// Training a graph diffusion model: size-grouped batches, AdamW, periodic validation loss,
// checkpoints that resume exactly, a progress bar and a JSON-lines training log.
//
// Exact resume: the checkpoint stores the model, the optimiser moments and step, the random
// generator state and the position in the seeded data order. Training N steps at once and
// training k steps, stopping, then resuming for N − k steps give bit-identical weights.

import Basics
import Foundation
import Graphs
import NN
import Tensor

/// One training example: a graph and its target (class index or values, per the model's
/// condition encoding; empty for unconditional models).
public struct GraphExample: Sendable {
  /// The clean graph.
  public var graph: Graph
  /// The condition target.
  public var target: [Float]

  /// An example.
  public init(graph: Graph, target: [Float]) {
    self.graph = graph
    self.target = target
  }
}

/// One line of the training log.
public struct TrainingLogEntry: Codable, Sendable {
  /// Optimiser step.
  public var step: Int
  /// Mean training loss since the previous entry (total, nodes, edges).
  public var trainLoss: Double, trainNodeLoss: Double, trainEdgeLoss: Double
  /// Validation loss at this step, when measured.
  public var validationLoss: Double?
  /// Validation NLL at this step, when measured: the variational bound on −log p(G) in nats per
  /// graph (one-sample estimate with a fixed seed; VariationalBound.swift).
  public var validationNLL: Double?
  /// Learning rate at this step.
  public var learningRate: Float
  /// Wall-clock seconds of training so far (summed over resumed runs).
  public var elapsedSeconds: Double
}

/// Trains a `GraphDiffusionModel`.
public struct GraphTrainer {
  /// The model being trained.
  public private(set) var model: GraphDiffusionModel
  /// The optimiser.
  public private(set) var optimizer: AdamW
  /// Steps done.
  public private(set) var step = 0
  /// The training log so far (this run and resumed ones).
  public private(set) var log: [TrainingLogEntry] = []
  /// SHA-256 of the last checkpoint's model file.
  public private(set) var modelChecksum: String?
  /// Every arithmetic (BLAS core, kernel code path) the training ran on, oldest first: a run
  /// resumed on other kernels adds one, and is then reproducible only as that sequence.
  public private(set) var arithmetic: [ArithmeticProvenance] = [.current]

  let options: TrainingOptions
  let training: [GraphExample]
  let validation: [GraphExample]
  var rng: RandomGenerator
  /// The data order: batches of example indices (each batch from one node count), per epoch.
  var epoch = 0
  var batchPosition = 0
  var batches: [[Int]] = []
  var elapsedBefore = 0.0

  /// A trainer for `model` (freshly initialised, or loaded by `resume`).
  public init(model: GraphDiffusionModel, training: [GraphExample], validation: [GraphExample], options: TrainingOptions) throws(TrainingError) {
    guard !training.isEmpty else { throw .data("no training graphs") }
    let maxNodes = training.map(\.graph.nodeCount).max()!
    guard maxNodes <= model.configuration.maximumNodes else {
      throw .data("a training graph has \(maxNodes) nodes; the model is configured for at most \(model.configuration.maximumNodes)")
    }
    self.model = model
    self.training = training
    self.validation = validation
    self.options = options
    optimizer = AdamW(learningRate: options.schedule.rate(at: 1), weightDecay: options.weightDecay, amsgrad: true)
    rng = RandomGenerator(seed: options.seed ^ 0x5EED_0F_DA7A)
    batches = Self.makeBatches(training, batchSize: options.batchSize, epoch: 0, seed: options.seed)
  }

  /// Batches of indices for one epoch: examples grouped by node count, each group shuffled and
  /// cut into batches, then the batches shuffled (all from a seed derived from seed and epoch).
  static func makeBatches(_ data: [GraphExample], batchSize: Int, epoch: Int, seed: UInt64) -> [[Int]] {
    var rng = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
    var groups: [Int: [Int]] = [:]
    for (i, e) in data.enumerated() { groups[e.graph.nodeCount, default: []].append(i) }
    var batches: [[Int]] = []
    for size in groups.keys.sorted() {
      let members = groups[size]!
      let order = rng.permutation(members.count).map { members[$0] }
      for start in stride(from: 0, to: order.count, by: batchSize) {
        batches.append(Array(order[start..<Swift.min(start + batchSize, order.count)]))
      }
    }
    return rng.permutation(batches.count).map { batches[$0] }
  }

  func state(of examples: [GraphExample]) -> GraphState {
    let c = model.configuration
    return GraphState(
      graphs: examples.map(\.graph), nodeClassCount: c.transformer.nodeClasses, edgeClassCount: c.transformer.edgeClasses)
  }

  mutating func nextBatch() -> [GraphExample] {
    if batchPosition >= batches.count {
      epoch += 1
      batchPosition = 0
      batches = Self.makeBatches(training, batchSize: options.batchSize, epoch: epoch, seed: options.seed)
    }
    defer { batchPosition += 1 }
    return batches[batchPosition].map { training[$0] }
  }

  /// Mean loss over the validation set with a fixed noise seed (comparable across steps).
  public func validationLoss() -> Double {
    var vrng = RandomGenerator(seed: options.seed ^ 0x0A11_DA7E)
    return meanOverValidation { group, state in
      Double(model.trainingLoss(clean: state, targets: group.map(\.target), using: &vrng).total.scalar)
    }
  }

  /// Mean variational bound on −log p(G) over the validation set, nats per graph, with a fixed
  /// noise seed (comparable across steps): the model's NLL, which the denoising loss is not.
  public func validationNLL() -> Double {
    var vrng = RandomGenerator(seed: options.seed ^ 0x0B0D_0A11)
    return meanOverValidation { group, state in
      let totals = model.variationalBound(clean: state, targets: group.map(\.target), using: &vrng).total
      return totals.reduce(0, +) / Double(totals.count)
    }
  }

  /// The mean of a per-group mean over the validation set, weighted by group size; groups are
  /// graphs of one node count within a batch, so each state is unpadded.
  func meanOverValidation(_ value: ([GraphExample], GraphState) -> Double) -> Double {
    guard !validation.isEmpty else { return .nan }
    var total = 0.0
    var count = 0
    for start in stride(from: 0, to: validation.count, by: options.batchSize) {
      let part = Array(validation[start..<Swift.min(start + options.batchSize, validation.count)])
      for size in Set(part.map(\.graph.nodeCount)).sorted() {
        let group = part.filter { $0.graph.nodeCount == size }
        total += value(group, state(of: group)) * Double(group.count)
        count += group.count
      }
    }
    return total / Double(Swift.max(count, 1))
  }

  /// Trains until `options.steps`, writing checkpoints into `directory` (when given).
  public mutating func train(checkpointDirectory directory: URL?, progress: ProgressReporter?) throws(TrainingError) {
    let start = Date()
    var sums = (0.0, 0.0, 0.0), sumCount = 0
    while step < options.steps {
      let loss = trainingStep(on: nextBatch())
      let lr = options.schedule.rate(at: step)
      sums.0 += loss.total; sums.1 += loss.nodes; sums.2 += loss.edges; sumCount += 1
      progress?.update(done: step, fields: [("loss", String(format: "%.4f", loss.total))])
      let validate = options.validateEvery > 0 && (step % options.validateEvery == 0 || step == options.steps)
      let save = step % options.checkpointEvery == 0 || step == options.steps
      if validate || save {
        let vloss = validate ? validationLoss() : nil
        let nll = validate ? validationNLL() : nil
        log.append(TrainingLogEntry(
          step: step, trainLoss: sums.0 / Double(sumCount), trainNodeLoss: sums.1 / Double(sumCount),
          trainEdgeLoss: sums.2 / Double(sumCount), validationLoss: vloss, validationNLL: nll, learningRate: lr,
          elapsedSeconds: elapsedBefore + Date().timeIntervalSince(start)))
        sums = (0, 0, 0)
        sumCount = 0
        if let vloss, let nll {
          progress?.note("step \(step): train loss \(String(format: "%.4f", log.last!.trainLoss)), validation loss \(String(format: "%.4f", vloss)), validation NLL \(String(format: "%.2f", nll)) nats/graph")
        }
      }
      if save, let directory {
        try saveCheckpoint(to: directory, elapsed: elapsedBefore + Date().timeIntervalSince(start))
      }
    }
  }

  /// One optimiser step on `batch`, the one `train` takes per batch: the loss at random steps
  /// and noise, its gradient, clipping to `options.clipNorm`, the AdamW update at the
  /// schedule's rate. Returns the loss (total, nodes, edges) before the update.
  @discardableResult
  public mutating func trainingStep(on batch: [GraphExample]) -> (total: Double, nodes: Double, edges: Double) {
    let clean = state(of: batch)
    let targets = batch.map(\.target)
    var stepRNG = rng.split()
    var parts = (0.0, 0.0)
    let (loss, gradient) = valueAndGrad(at: model) { m in
      let l = m.trainingLoss(clean: clean, targets: targets, using: &stepRNG)
      parts = (Double(l.nodes.scalar), Double(l.edges.scalar))
      return l.total
    }
    var g = gradient
    if let clip = options.clipNorm { clipGradientNorm(&g, maxNorm: clip) }
    step += 1
    optimizer.update(&model, gradients: g, learningRate: options.schedule.rate(at: step))
    return (Double(loss.scalar), parts.0, parts.1)
  }

  /// Writes the checkpoint (model, optimiser, data position, RNG) and the training log.
  public mutating func saveCheckpoint(to directory: URL, elapsed: Double) throws(TrainingError) {
    let state: [String: String] = [
      "step": "\(step)", "epoch": "\(epoch)", "batch_position": "\(batchPosition)",
      "rng": rng.state.map { String($0) }.joined(separator: ","), "elapsed_seconds": "\(elapsed)",
      "seed": "\(options.seed)",
      "arithmetic": String(decoding: (try? JSONEncoder().encode(arithmetic)) ?? Data("[]".utf8), as: UTF8.self),
    ]
    modelChecksum = try TrainingCheckpoint.save(model: model, configuration: model.configuration, optimizer: optimizer, state: state, log: log, to: directory)
  }

  /// Restores model, optimiser, data position, RNG and log from `directory`. The options must
  /// use the same seed; the data must be the same (the order is rebuilt from the seed).
  public mutating func resume(from directory: URL) throws(TrainingError) {
    let loaded = try TrainingCheckpoint.load(into: &model, from: directory, seed: options.seed, log: TrainingLogEntry.self)
    let s = loaded.state
    guard let stepText = s["step"], let step = Int(stepText), let e = s["epoch"], let epoch = Int(e),
      let p = s["batch_position"], let position = Int(p), let r = s["rng"]
    else { throw .checkpoint("\(directory.path) has no resumable training state (saved without the optimiser?)") }
    let words = r.split(separator: ",").compactMap { UInt64($0) }
    guard words.count == 4 else { throw .checkpoint("\(directory.path): bad RNG state in the checkpoint") }
    optimizer = loaded.optimizer
    self.step = step
    self.epoch = epoch
    batchPosition = position
    batches = Self.makeBatches(training, batchSize: options.batchSize, epoch: epoch, seed: options.seed)
    rng = RandomGenerator(state: words)
    elapsedBefore = Double(s["elapsed_seconds"] ?? "0") ?? 0
    modelChecksum = loaded.checksum
    log = loaded.log
    let earlier = s["arithmetic"].flatMap { try? JSONDecoder().decode([ArithmeticProvenance].self, from: Data($0.utf8)) } ?? []
    arithmetic = earlier.last == .current ? earlier : earlier + [.current]
  }
}
