// `cfx bench train`: seconds per full training step (random steps and noise, extra features,
// forward, loss, backward, gradient clipping, AdamW with AMSGrad) of the graph diffusion models
// this machine trains, each on one fixed real batch, beside the sgemm peak of the same run.
//
// Every step runs through `GraphTrainer.trainingStep(on:)`, the code `cfx train` runs per batch,
// with `cfx train`'s recipe (learning rate 1e-3, clip norm 10, weight decay 1e-12). The
// configurations are the shipped models' own (molecules/models/*/config.json: diffusion process,
// extra and molecular features, condition), with the transformer of the preset's size. A batch
// holds graphs of one node count, as `cfx train`'s size-grouped batches do (so nothing is padded):
// molecules of the bundled MOSES subset (molecules/zinc-subset.smi) with the most common atom
// count unless asked otherwise, or connected planar graphs on 8 nodes.
//
// With an export directory, each preset also leaves a checkpoint of its initial weights and one
// fixed noisy batch with the loss and gradient norm cfx computes on it, so that another
// implementation (scripts/bench-train-pytorch.py) can check it computes the same function.

import Diffusion
import DiffusionCore
import Foundation
import Graphs
import Molecules
import NN
import Tensor

/// A model size and data set `cfx bench train` times.
public enum TrainingBenchmarkPreset: String, CaseIterable, Codable, Sendable {
  /// The molecule model at the tiny size (for tests: steps take milliseconds).
  case moleculesTiny = "molecules-tiny"
  /// The shipped molecule model's size (4 layers, dx 64).
  case moleculesSmall = "molecules-small"
  /// The medium molecule model (6 layers, dx 128).
  case moleculesMedium = "molecules-medium"
  /// The shipped planar model (4 layers, dx 64; 8 nodes, all extra features).
  case planar

  /// The presets timed when none are named.
  public static let defaults: [TrainingBenchmarkPreset] = [.moleculesSmall, .moleculesMedium, .planar]

  /// The transformer size.
  public var transformer: TransformerPreset {
    switch self {
    case .moleculesTiny: .tiny
    case .moleculesSmall, .planar: .small
    case .moleculesMedium: .medium
    }
  }

  /// The shipped model whose configuration (data, features, condition) the preset uses.
  public var shippedModel: String { self == .planar ? "planar" : "molecules" }
}

/// The timing of full training steps per preset, printable as JSON.
public struct TrainingBenchmark: Codable, Sendable, BenchmarkReport {
  /// One preset's timing.
  public struct PresetResult: Codable, Sendable {
    /// The preset's name and the model's description.
    public var preset: String, description: String
    /// Trainable parameters.
    public var parameters: Int
    /// Graphs per batch and nodes per graph (every graph of the batch has this many).
    public var batchSize: Int, nodes: Int
    /// The transformer: layers, widths of the node, edge and global streams, heads.
    public var layers: Int, dx: Int, de: Int, dy: Int, heads: Int
    /// Structural extra features ("cycles", "all"), plus "+ molecular" for molecule models.
    public var extraFeatures: String
    /// Steps timed (after two warm-up steps).
    public var steps: Int
    /// Median wall seconds of one training step, and its inverse.
    public var medianSecondsPerStep: Double, stepsPerSecond: Double
    /// Matmul FLOPs of one step (forward + backward of the whole network; see `matmulFlopsPerStep`).
    public var matmulFlopsPerStep: Double
    /// matmulFlopsPerStep / medianSecondsPerStep in GFLOP/s.
    public var gflops: Double
    /// gflops / the run's sgemm peak (nil when the peak was not measured).
    public var fractionOfPeak: Double?
    /// The training loss of the first and the last timed step (the loss falls on a fixed batch).
    public var firstLoss: Double, lastLoss: Double
  }

  /// The presets, in the order asked.
  public var presets: [PresetResult]
  /// The best sgemm rate of this run (GFLOP/s; `TensorBenchmark.sgemmPeak`), nil when not measured.
  public var sgemmPeakGflops: Double?
  /// The BLAS library, its core type and the C kernels' code path that were timed.
  public var arithmetic: ArithmeticProvenance
  /// Cores the Tensor kernels split work across.
  public var cores: Int
  /// Seed of initialisation, batch choice, noise and dropout.
  public var seed: UInt64
  /// Load average when the run ended (other processes share the cores and slow every step).
  public var loadAverage: String
  /// What is and is not counted.
  public var notes: [String]

  /// A preset's model configuration and its fixed batch.
  public struct Workload: Sendable {
    /// The preset.
    public var preset: TrainingBenchmarkPreset
    /// The model configuration.
    public var configuration: GraphDiffusionConfiguration
    /// The batch: graphs with their condition targets.
    public var examples: [GraphExample]
    /// Nodes of every graph in the batch.
    public var nodes: Int
  }

  /// The workload of `preset`: the shipped model's configuration with the preset's transformer
  /// size, and `batchSize` graphs of one node count chosen with `seed` (molecules: `nodes`
  /// atoms, default the most common count of the bundled subset; planar: 8 nodes).
  public static func workload(
    _ preset: TrainingBenchmarkPreset, batchSize: Int, nodes: Int? = nil, seed: UInt64, molecules: [MoleculeEntry]? = nil
  ) throws -> Workload {
    precondition(batchSize >= 1, "TrainingBenchmark: batch size \(batchSize) must be positive")
    let shipped = try ShippedModels.directory(preset.shippedModel)
    var configuration = try GraphDiffusionModel.configuration(in: shipped, domainFeatures: [MolecularVocabulary.self])
    let t = configuration.transformer
    configuration.transformer = preset.transformer.configuration(
      nodeClasses: t.nodeClasses, edgeClasses: t.edgeClasses, extraNodes: t.extraNodeFeatures, extraGlobals: t.extraGlobalFeatures,
      conditionWidth: t.conditionWidth)
    configuration.description = "\(preset.rawValue): " + configuration.description.replacingOccurrences(of: "model size small", with: "model size \(preset.transformer.layers) layers, dx \(preset.transformer.layer.dx)")
    var rng = RandomGenerator(seed: seed ^ 0xBA7C_4)
    if preset == .planar {
      let graphs = GraphEnumeration.planarGraphs(nodeCount: configuration.maximumNodes, connectedOnly: true)
      let chosen = rng.permutation(graphs.count).prefix(batchSize).map { graphs[$0] }
      return Workload(preset: preset, configuration: configuration, examples: PlanarExperiment.examples(chosen), nodes: configuration.maximumNodes)
    }
    let entries = try molecules ?? loadMolecules()
    var byCount: [Int: [MoleculeEntry]] = [:]
    for e in entries { byCount[e.graph.nodeClasses.count, default: []].append(e) }
    let common = byCount.max { a, b in a.value.count < b.value.count || (a.value.count == b.value.count && a.key > b.key) }?.key ?? 0
    let count = nodes ?? common
    guard let group = byCount[count], count <= configuration.maximumNodes else {
      throw TrainingError.data("the bundled molecules have no molecule of \(count) heavy atoms that the model (at most \(configuration.maximumNodes)) takes; counts present: \(byCount.keys.sorted().map(String.init).joined(separator: ", "))")
    }
    let chosen = rng.permutation(group.count).prefix(batchSize).map { group[$0] }
    return Workload(preset: preset, configuration: configuration, examples: MoleculeData.examples(chosen, kind: .window), nodes: count)
  }

  /// The bundled MOSES subset (molecules/zinc-subset.smi).
  public static func loadMolecules() throws -> [MoleculeEntry] {
    try MoleculeData.loadFile(ShippedModels.moleculesDirectory().appendingPathComponent("zinc-subset.smi").path).entries
  }

  /// `cfx train`'s graph recipe for a trainer that only takes fixed-batch steps.
  static func options(batchSize: Int, seed: UInt64) -> TrainingOptions {
    TrainingOptions(
      steps: Int.max, batchSize: batchSize, schedule: .constant(1e-3), weightDecay: 1e-12, clipNorm: 10,
      validateEvery: 0, checkpointEvery: Int.max, seed: seed)
  }

  /// Matmul FLOPs of one training step of `c` on `batch` graphs of `nodes` nodes: 3 × the
  /// forward products (the backward pass computes, for every product, one of the same size for
  /// the input gradient and one for the weight gradient).
  public static func matmulFlopsPerStep(_ c: GraphTransformerConfiguration, batch: Int, nodes: Int) -> Double {
    3 * forwardMatmulFlops(c, batch: batch, nodes: nodes)
  }

  /// Matmul FLOPs of one forward pass of the whole network (2 per multiply-add).
  /// With node rows R_x = bs·n, edge rows R_e = bs·n², graphs B = bs, classes a / b, extra widths
  /// f_x / f_y, condition width c and hidden widths h_x, h_e, h_y, the multiply-adds are
  ///   input X:  R_x·(a + f_x)·h_x + B·c·h_x + R_x·h_x·d_x   (the condition part is one row per graph)
  ///   input E:  R_e·b·h_e + B·c·h_e + R_e·h_e·d_e
  ///   input y:  B·(f_y + c)·h_y + B·h_y·d_y
  ///   layers:   L × GraphTransformerLayer.forwardMatmulFlops / 2
  ///   output:   R_x·(d_x·h_x + h_x·a) + R_e·(d_e·h_e + h_e·b).
  /// The per-channel attention (scores, softmax, weighted values), the noising products X·Q̄ and
  /// the extra features are not matrix products of the network and are not counted.
  public static func forwardMatmulFlops(_ c: GraphTransformerConfiguration, batch: Int, nodes: Int) -> Double {
    let d = c.layer
    let rx = Double(batch * nodes), re = Double(batch * nodes * nodes), b = Double(batch)
    let (hx, he, hy) = (Double(c.hiddenX), Double(c.hiddenE), Double(c.hiddenY))
    let (dx, de, dy) = (Double(d.dx), Double(d.de), Double(d.dy))
    let cw = Double(c.conditionWidth)
    var macs = rx * Double(c.nodeClasses + c.extraNodeFeatures) * hx + b * cw * hx + rx * hx * dx
    macs += re * Double(c.edgeClasses) * he + b * cw * he + re * he * de
    macs += b * (Double(c.extraGlobalFeatures) + cw) * hy + b * hy * dy
    macs += rx * (dx * hx + hx * Double(c.nodeClasses)) + re * (de * he + he * Double(c.edgeClasses))
    return 2 * macs + Double(c.layers) * GraphTransformerLayer.forwardMatmulFlops(d, batch: batch, nodes: nodes)
  }

  /// Times full training steps of `workload` for about `seconds` (at least 3 steps after 2
  /// warm-up steps), from weights initialised with `seed`; `peak` (GFLOP/s) gives the fraction.
  public static func measure(_ workload: Workload, seconds: Double, seed: UInt64, peak: Double?) throws -> PresetResult {
    let c = workload.configuration
    var rng = RandomGenerator(seed: seed)
    let model = GraphDiffusionModel(c, using: &rng)
    let batch = workload.examples
    var trainer = try GraphTrainer(model: model, training: batch, validation: [], options: options(batchSize: batch.count, seed: seed))
    for _ in 0..<2 { try trainer.trainingStep(on: batch) }
    var times: [Double] = [], losses: [Double] = []
    let start = DispatchTime.now().uptimeNanoseconds
    while times.count < 3 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
      let t0 = DispatchTime.now().uptimeNanoseconds
      losses.append(try trainer.trainingStep(on: batch).total)
      times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    let stepSeconds = median(times)
    let flops = matmulFlopsPerStep(c.transformer, batch: batch.count, nodes: workload.nodes)
    let gflops = flops / stepSeconds / 1e9
    let d = c.transformer.layer
    return PresetResult(
      preset: workload.preset.rawValue, description: c.description, parameters: model.parameterCount, batchSize: batch.count,
      nodes: workload.nodes, layers: c.transformer.layers, dx: d.dx, de: d.de, dy: d.dy, heads: d.heads,
      extraFeatures: c.extraFeatures.rawValue + (c.domainFeatures.map { " + " + type(of: $0).configurationKey } ?? ""),
      steps: times.count, medianSecondsPerStep: stepSeconds, stepsPerSecond: 1 / stepSeconds, matmulFlopsPerStep: flops, gflops: gflops,
      fractionOfPeak: peak.flatMap { $0 > 0 ? gflops / $0 : nil }, firstLoss: losses[0], lastLoss: losses[losses.count - 1])
  }

  /// The loss cfx computes on an exported batch.
  public struct ReferenceLoss: Codable, Sendable {
    /// Total loss, node and edge cross-entropy, and the global gradient norm before clipping.
    public var loss: Double, nodeLoss: Double, edgeLoss: Double, gradientNorm: Double
  }

  /// Writes `directory`/config.json + model.safetensors (a cfx checkpoint of the weights
  /// initialised with `seed`, as `measure` starts from) and `directory`/batch.safetensors: the
  /// clean batch (clean_nodes [bs, n, a], clean_edges [bs, n, n, b], node_mask [bs, n], targets
  /// [bs, k]), one draw of the training noise (steps [bs], noisy_nodes, noisy_edges, condition
  /// [bs, c] after the null-condition dropout) and, in its metadata, the loss and gradient norm
  /// of that draw in evaluation mode (no dropout). Returns the loss.
  @discardableResult
  public static func writeReference(_ workload: Workload, seed: UInt64, to directory: URL) throws -> ReferenceLoss {
    let c = workload.configuration
    var rng = RandomGenerator(seed: seed)
    let model = GraphDiffusionModel(c, using: &rng)
    let examples = workload.examples
    let clean = GraphState(graphs: examples.map(\.graph), nodeClassCount: c.transformer.nodeClasses, edgeClassCount: c.transformer.edgeClasses)
    var noise = RandomGenerator(seed: seed ^ 0x0EF_E4E_4CE)
    let draw = model.trainingDraw(clean: clean, targets: examples.map(\.target), using: &noise)
    var parts = (0.0, 0.0)
    let (loss, gradient) = valueAndGrad(at: model) { m in
      var none: RandomGenerator? = nil
      let l = m.trainingLoss(clean: clean, draw: draw, dropout: &none)
      parts = (Double(l.nodes.scalar), Double(l.edges.scalar))
      return l.total
    }
    var g = gradient
    let norm = clipGradientNorm(&g, maxNorm: .infinity)
    let reference = ReferenceLoss(loss: Double(loss.scalar), nodeLoss: parts.0, edgeLoss: parts.1, gradientNorm: Double(norm))
    try Checkpoint.save(model: model, configuration: c, to: directory)
    let targetWidth = examples.first?.target.count ?? 0
    var tensors: [String: Tensor] = [
      "clean_nodes": clean.nodes, "clean_edges": clean.edges, "node_mask": clean.nodeMask,
      "targets": Tensor(shape: [examples.count, targetWidth], scalars: examples.flatMap(\.target)),
      "steps": Tensor(shape: [draw.steps.count], scalars: draw.steps.map(Float.init)),
      "noisy_nodes": draw.noisy.nodes, "noisy_edges": draw.noisy.edges,
    ]
    if let encoded = draw.targets { tensors["condition"] = model.network.conditionWithNull(encoded, dropped: draw.dropped).detached }
    let metadata = [
      "preset": workload.preset.rawValue, "loss": "\(reference.loss)", "node_loss": "\(reference.nodeLoss)",
      "edge_loss": "\(reference.edgeLoss)", "gradient_norm": "\(reference.gradientNorm)", "parameter_count": "\(model.parameterCount)",
    ]
    try SafeTensorsFile(tensors: tensors, metadata: metadata).write(to: directory.appendingPathComponent("batch.safetensors"))
    return reference
  }

  /// Times every preset in `presets` for about `seconds` each, beside the sgemm peak measured
  /// once (`peakSeconds` per shape; nil: not measured). With `exportDirectory`, each preset's
  /// checkpoint and reference batch go to `exportDirectory`/PRESET first (`writeReference`).
  public static func run(
    presets: [TrainingBenchmarkPreset], batchSize: Int, nodes: Int? = nil, seconds: Double, seed: UInt64,
    peakSeconds: Double? = 0.5, exportDirectory: URL? = nil
  ) throws -> TrainingBenchmark {
    let peak = peakSeconds.map { TensorBenchmark.sgemmPeak(seconds: $0) }
    let molecules = presets.contains { $0 != .planar } ? try loadMolecules() : nil
    var results: [PresetResult] = []
    for preset in presets {
      let workload = try workload(preset, batchSize: batchSize, nodes: nodes, seed: seed, molecules: molecules)
      if let exportDirectory { try writeReference(workload, seed: seed, to: exportDirectory.appendingPathComponent(preset.rawValue)) }
      results.append(try measure(workload, seconds: seconds, seed: seed, peak: peak))
    }
    return TrainingBenchmark(
      presets: results, sgemmPeakGflops: peak, arithmetic: .current, cores: ProcessInfo.processInfo.activeProcessorCount, seed: seed,
      loadAverage: ExplainBenchmark.loadAverage(),
      notes: [
        "a step is GraphTrainer.trainingStep (cfx train's step): random t and noise, extra features, forward, loss, backward, "
          + "gradient-norm clip 10, AdamW (AMSGrad, lr 1e-3, weight decay 1e-12); one fixed batch of graphs with one node count",
        "matmulFlopsPerStep counts the network's matrix products only, forward × 3 (backward: input and weight gradients)",
      ])
  }

}
