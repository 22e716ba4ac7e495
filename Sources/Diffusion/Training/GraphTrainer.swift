// Training a graph diffusion model: size-grouped batches, AdamW, periodic validation loss,
// checkpoints that resume exactly, a progress bar and a JSON-lines training log.
//
// Exact resume: the checkpoint stores the model, the optimiser moments and step, the random
// generator state and the position in the seeded data order. Training N steps at once and
// training k steps, stopping, then resuming for N − k steps give bit-identical weights.
//
// Data parallel (a ProcessGroup of R ranks, e.g. `mpirun -n R`): every rank holds the same
// model, optimiser and random generator, builds the same global batch of R × batchSize graphs
// and draws its noise (steps t, noisy graphs, dropped conditions) for the whole batch, then
// takes a contiguous share of it. A batch holds graphs of one node count, so the loss is a mean
// over graphs of equal weight: the global loss is Σ_r (b_r / b) · loss_r, and its gradient the
// sum over ranks of each rank's gradient scaled by b_r / b. Every rank applies the same summed
// gradient, so the weights stay identical (checked at every checkpoint), and R ranks at batch B
// train the model one process trains at batch R·B, up to the order of floating-point sums.
// Dropout masks are drawn per rank (no preset for molecules uses dropout). Rank 0 writes the
// checkpoints; every rank computes the same validation numbers.

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
  /// The processes training together; each takes a share of every batch.
  let group: any ProcessGroup
  let training: [GraphExample]
  let validation: [GraphExample]
  var rng: RandomGenerator
  /// The data order: batches of example indices (each batch from one node count), per epoch.
  var epoch = 0
  var batchPosition = 0
  var batches: [[Int]] = []
  var elapsedBefore = 0.0
  /// The flattened gradient summed over the ranks, kept between steps ([parameterCount]).
  var flatGradient: [Float] = []

  /// A trainer for `model` (freshly initialised, or loaded by `resume`). With a `group` of R
  /// ranks, each step trains on R × `options.batchSize` graphs, `options.batchSize` per rank.
  /// With `allowsLargerGraphs` (fine-tuning a trained model on larger graphs), graphs above the
  /// configuration's `maximumNodes` train too: the size features (n / maximumNodes) then exceed
  /// 1, as they do when the model denoises such a graph.
  public init(model: GraphDiffusionModel, training: [GraphExample], validation: [GraphExample], options: TrainingOptions,
              group: any ProcessGroup = SingleProcess(), allowsLargerGraphs: Bool = false) throws(TrainingError) {
    guard !training.isEmpty else { throw .data("no training graphs") }
    let maxNodes = training.map(\.graph.nodeCount).max()!
    guard allowsLargerGraphs || maxNodes <= model.configuration.maximumNodes else {
      throw .data("a training graph has \(maxNodes) nodes; the model is configured for at most \(model.configuration.maximumNodes)")
    }
    self.model = model
    self.training = training
    self.validation = validation
    self.options = options
    self.group = group
    optimizer = AdamW(learningRate: options.schedule.rate(at: 1), weightDecay: options.weightDecay, amsgrad: true)
    rng = RandomGenerator(seed: options.seed ^ 0x5EED_0F_DA7A)
    batches = Self.makeBatches(training, batchSize: options.batchSize * group.size, epoch: 0, seed: options.seed)
  }

  /// Graphs per optimiser step over all ranks.
  public var globalBatchSize: Int { options.batchSize * group.size }

  /// The contiguous share of a batch of `count` graphs that `rank` of `ranks` trains on.
  public static func share(of count: Int, rank: Int, ranks: Int) -> Range<Int> {
    (count * rank / ranks)..<(count * (rank + 1) / ranks)
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
      batches = Self.makeBatches(training, batchSize: globalBatchSize, epoch: epoch, seed: options.seed)
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
    for start in stride(from: 0, to: validation.count, by: globalBatchSize) {
      let part = Array(validation[start..<Swift.min(start + globalBatchSize, validation.count)])
      for size in Set(part.map(\.graph.nodeCount)).sorted() {
        let group = part.filter { $0.graph.nodeCount == size }
        total += value(group, state(of: group)) * Double(group.count)
        count += group.count
      }
    }
    return total / Double(Swift.max(count, 1))
  }

  /// Trains until `options.lastStep` (`steps`, or `stopAt`), writing checkpoints into `directory` (when given).
  public mutating func train(checkpointDirectory directory: URL?, progress: ProgressReporter?) throws(TrainingError) {
    let start = Date()
    var sums = (0.0, 0.0, 0.0), sumCount = 0
    while step < options.lastStep {
      let loss = try trainingStep(on: nextBatch())
      let lr = options.schedule.rate(at: step)
      sums.0 += loss.total; sums.1 += loss.nodes; sums.2 += loss.edges; sumCount += 1
      progress?.update(done: step, fields: [("loss", String(format: "%.4f", loss.total))])
      let validate = options.validateEvery > 0 && (step % options.validateEvery == 0 || step == options.lastStep)
      let save = step % options.checkpointEvery == 0 || step == options.lastStep
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
      if save {
        try requireIdenticalWeights()
        if let directory, group.isRoot {
          try saveCheckpoint(to: directory, elapsed: elapsedBefore + Date().timeIntervalSince(start))
        }
      }
    }
  }

  /// One optimiser step on `batch` (the global batch: this rank trains on its share), the one
  /// `train` takes per batch: the loss at random steps and noise, its gradient (summed over the
  /// ranks), clipping to `options.clipNorm`, the AdamW update at the schedule's rate. Returns the
  /// loss of the whole batch (total, nodes, edges) before the update.
  @discardableResult
  public mutating func trainingStep(on batch: [GraphExample]) throws(TrainingError) -> (total: Double, nodes: Double, edges: Double) {
    let clean = state(of: batch)
    var stepRNG = rng.split()
    // The noise of the whole batch, drawn identically on every rank, then this rank's share.
    let draw = model.trainingDraw(clean: clean, targets: batch.map(\.target), using: &stepRNG)
    var dropout: RandomGenerator? = stepRNG.split()
    for _ in 0..<group.rank { dropout = dropout!.split() }
    // This rank's share (the whole batch for one process), its loss and gradient.
    let share = Self.share(of: batch.count, rank: group.rank, ranks: group.size)
    var parts: [Double] = [0, 0, 0]
    var gradient: GraphDiffusionModel? = nil
    if !share.isEmpty {
      let whole = share.count == batch.count
      let (c, d) = whole ? (clean, draw) : (clean.selecting(graphs: Array(share)), draw.selecting(graphs: Array(share)))
      gradient = valueAndGrad(at: model) { m in
        let l = m.trainingLoss(clean: c, draw: d, dropout: &dropout)
        parts = [Double(l.total.scalar), Double(l.nodes.scalar), Double(l.edges.scalar)]
        return l.total
      }.gradient
    }
    var g: GraphDiffusionModel
    if group.size == 1, let gradient {
      g = gradient
    } else {
      // A share's mean loss weighs b_r / b of the batch's; an empty share contributes nothing.
      // The flat gradient goes through one buffer kept between steps, and back into the share's
      // gradient tensors in place: fresh megabyte arrays every step cost page faults.
      let weight = Double(share.count) / Double(batch.count)
      var flat = flatGradient
      flatGradient = []  // `flat` alone holds the buffer, so writing it copies nothing
      g = gradient ?? model
      if gradient != nil {
        g.copyFlattenedParameters(into: &flat, scale: Float(weight))
      } else {
        flat = [Float](repeating: 0, count: model.parameterCount)
      }
      parts = parts.map { $0 * weight }
      do {
        try group.sum(&flat)
        try group.sum(&parts)
      } catch { throw .distributed("step \(step + 1): \(error)") }
      g.setParameters(flattened: flat)
      flatGradient = flat
    }
    if let clip = options.clipNorm { clipGradientNorm(&g, maxNorm: clip) }
    step += 1
    optimizer.update(&model, gradients: g, learningRate: options.schedule.rate(at: step))
    return (parts[0], parts[1], parts[2])
  }

  /// Fails unless every rank holds the same weights (a fingerprint of every parameter's bytes).
  public func requireIdenticalWeights() throws(TrainingError) {
    guard group.size > 1 else { return }
    let bytes = model.flattenedParameters.withUnsafeBytes { Array($0) }
    do { try group.requireEqual(fnv1a64(bytes), "the model weights at step \(step)") } catch { throw .distributed("\(error)") }
  }

  /// Writes the checkpoint (model, optimiser, data position, RNG) and the training log.
  public mutating func saveCheckpoint(to directory: URL, elapsed: Double) throws(TrainingError) {
    let state: [String: String] = [
      "step": "\(step)", "epoch": "\(epoch)", "batch_position": "\(batchPosition)",
      "rng": rng.state.map { String($0) }.joined(separator: ","), "elapsed_seconds": "\(elapsed)",
      "seed": "\(options.seed)", "global_batch_size": "\(globalBatchSize)", "ranks": "\(group.size)",
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
    // The data order is cut into batches of the global size: the same size continues it exactly.
    if let saved = s["global_batch_size"].flatMap(Int.init), saved != globalBatchSize {
      throw .checkpoint("\(directory.path) was trained with \(saved) graphs per step (\(s["ranks"] ?? "1") rank(s)); this run takes \(globalBatchSize) (\(group.size) rank(s) × --batch-size \(options.batchSize)): resume with ranks × --batch-size = \(saved)")
    }
    optimizer = loaded.optimizer
    self.step = step
    self.epoch = epoch
    batchPosition = position
    batches = Self.makeBatches(training, batchSize: globalBatchSize, epoch: epoch, seed: options.seed)
    rng = RandomGenerator(state: words)
    elapsedBefore = Double(s["elapsed_seconds"] ?? "0") ?? 0
    modelChecksum = loaded.checksum
    log = loaded.log
    let earlier = s["arithmetic"].flatMap { try? JSONDecoder().decode([ArithmeticProvenance].self, from: Data($0.utf8)) } ?? []
    arithmetic = earlier.last == .current ? earlier : earlier + [.current]
    try requireIdenticalWeights()
  }
}
