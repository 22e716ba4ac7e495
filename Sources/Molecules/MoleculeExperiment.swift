// The molecule experiment (Bechtoldt and Bender, "Graph Diffusion Counterfactual Explanation", Table 2): a diffusion model over MOSES/ZINC molecules
// conditioned on logP, trained by `cfx train molecules`, used by `cfx explain` on SMILES and
// evaluated by `cfx eval molecules`. A molecule model directory holds the usual checkpoint files
// plus `experiment.json` (`MoleculeExperimentInfo`): the domain, what the condition means and
// the training data's checksum.

import Basics
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import NN
import Tensor

/// Model sizes for the molecule experiment.
public enum MoleculeModelSize: String, CaseIterable, Sendable, Codable {
  /// For tests: trains in seconds.
  case tiny
  /// 4 layers, dx 64: the size for this machine's CPU budget.
  case small
  /// 6 layers, dx 128.
  case medium

  /// Transformer sizes for the molecule vocabulary.
  func transformer(extraNodes: Int, extraGlobals: Int, conditionWidth: Int, nodeClasses: Int, edgeClasses: Int) -> GraphTransformerConfiguration {
    let preset: TransformerPreset = switch self {
    case .tiny: .tiny
    case .small: .small
    case .medium: .medium
    }
    return preset.configuration(
      nodeClasses: nodeClasses, edgeClasses: edgeClasses, extraNodes: extraNodes, extraGlobals: extraGlobals, conditionWidth: conditionWidth)
  }
}

/// What a molecule model's condition means and what it was trained on (`experiment.json`).
public struct MoleculeExperimentInfo: Codable, Sendable, Equatable {
  /// Always "molecules" (the domain of the model directory).
  public var domain: String
  /// Binary window indicator or continuous value.
  public var conditionKind: MoleculeConditionKind
  /// The conditioned property.
  public var property: TargetProperty
  /// The window of a `.window` model (class 1 = inside).
  public var window: PropertyTarget
  /// The training data file.
  public var trainingData: String
  /// SHA-256 of the training data file.
  public var trainingDataSHA256: String
  /// Molecules used for training and validation.
  public var trainingCount: Int, validationCount: Int
  /// Model size.
  public var size: MoleculeModelSize
  /// The trained model this one started from (nil: fresh initialisation).
  public var warmStart: MoleculeWarmStart?
  /// Every arithmetic (BLAS core, kernel code path) the training ran on, oldest first (nil in
  /// files written before it was recorded).
  public var arithmetic: [ArithmeticProvenance]?

  /// The file name inside a model directory.
  public static let fileName = "experiment.json"

  /// A description with every field given.
  public init(domain: String, conditionKind: MoleculeConditionKind, property: TargetProperty, window: PropertyTarget, trainingData: String,
              trainingDataSHA256: String, trainingCount: Int, validationCount: Int, size: MoleculeModelSize,
              warmStart: MoleculeWarmStart? = nil) {
    (self.domain, self.conditionKind, self.property, self.window, self.trainingData) = (domain, conditionKind, property, window, trainingData)
    (self.trainingDataSHA256, self.trainingCount, self.validationCount, self.size) = (trainingDataSHA256, trainingCount, validationCount, size)
    self.warmStart = warmStart
  }

  /// Reads `experiment.json` of a model directory; nil when absent (not a molecule model).
  public static func load(from directory: URL) throws(MoleculeDataError) -> MoleculeExperimentInfo? {
    let url = directory.appendingPathComponent(fileName)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do { return try JSONDecoder().decode(MoleculeExperimentInfo.self, from: Data(contentsOf: url)) } catch {
      throw MoleculeDataError(message: "\(url.path): not a molecule experiment description (\(error)); retrain with `cfx train molecules`")
    }
  }

  /// Writes `experiment.json` atomically.
  public func save(to directory: URL) throws(MoleculeDataError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try AtomicFile.write(encoder.encode(self) + Data([0x0A]), to: directory.appendingPathComponent(Self.fileName))
    } catch {
      throw MoleculeDataError(message: "\(directory.path): cannot write \(Self.fileName) (\(error))")
    }
  }

  /// The condition vector target that asks the model for `target` (see the rule in the body).
  public func conditionTarget(for target: PropertyTarget) throws(MoleculeCounterfactualError) -> [Float] {
    guard target.property == property else {
      throw .otherProperty(model: property, asked: target.property)
    }
    switch conditionKind {
    case .window:
      guard target == window else { throw .otherWindow(model: window, asked: target) }
      return [1]
    case .continuous:
      // Two-sided: the midpoint. One-sided: half a unit inside the bound (logP units), so the
      // requested value is not on the edge of the range.
      switch (target.lower, target.upper) {
      case let (l?, u?): return [Float((l + u) / 2)]
      case let (l?, nil): return [Float(l + 0.5)]
      case let (nil, u?): return [Float(u - 0.5)]
      default: preconditionFailure("PropertyTarget without bounds")
      }
    }
  }
}

/// The molecule experiment's model conventions.
public enum MoleculeExperiment {
  /// The model configuration for molecules like `training`.
  public static func configuration(
    training: [MoleculeEntry], kind: MoleculeConditionKind, size: MoleculeModelSize, diffusionSteps: Int,
    extraFeatures: ExtraFeatureSet = .cycles, window: PropertyTarget = .drugLikeLogP
  ) -> GraphDiffusionConfiguration {
    let vocabulary = MoleculeData.vocabulary
    let (a, b) = (vocabulary.nodeClassCount, vocabulary.edgeClassCount)
    let n = training.map(\.graph.nodeClasses.count).max() ?? 1
    // Marginals: node classes over atoms; edge classes over ordered pairs of distinct atoms
    // (each bond counts twice, absent pairs are class 0), as GraphState.classFrequencies.
    var nodeCounts = [Double](repeating: 0, count: a), edgeCounts = [Double](repeating: 0, count: b)
    var histogram = [Int](repeating: 0, count: n + 1)
    for e in training {
      let atoms = e.graph.nodeClasses.count
      histogram[atoms] += 1
      for c in e.graph.nodeClasses { nodeCounts[c] += 1 }
      for edge in e.graph.edges { edgeCounts[edge.bondClass] += 2 }
      edgeCounts[0] += Double(atoms * (atoms - 1) - 2 * e.graph.edges.count)
    }
    let nodeTotal = Swift.max(nodeCounts.reduce(0, +), 1), edgeTotal = Swift.max(edgeCounts.reduce(0, +), 1)
    let diffusion = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: diffusionSteps),
      nodeTransition: .marginal(frequencies: nodeCounts.map { $0 / nodeTotal }),
      edgeTransition: .marginal(frequencies: edgeCounts.map { $0 / edgeTotal }))
    let condition: ConditionEncoding
    switch kind {
    case .window:
      condition = .classes(count: 2)
    case .continuous:
      let values = training.map(\.logp)
      let mean = values.reduce(0, +) / Double(Swift.max(values.count, 1))
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(Swift.max(values.count, 1))
      condition = .continuous(mean: [Float(mean)], scale: [Float(Swift.max(variance.squareRoot(), 1e-3))])
    }
    let widths = GraphDiffusionConfiguration.extraWidths(extraFeatures, domainFeatures: vocabulary)
    let conditionText = kind == .window ? "condition = \(window) (one-hot, 2 classes)" : "condition = logp (standardised)"
    return GraphDiffusionConfiguration(
      diffusion: diffusion,
      transformer: size.transformer(extraNodes: widths.nodes, extraGlobals: widths.globals, conditionWidth: condition.width, nodeClasses: a, edgeClasses: b),
      extraFeatures: extraFeatures, maximumNodes: n, condition: condition, nodeCountHistogram: histogram,
      description: "molecules (\(a) atom classes, Kekulé bonds) up to \(n) heavy atoms; \(conditionText); model size \(size.rawValue)",
      domainFeatures: vocabulary)
  }
}

/// How a molecule model was warm-started (recorded in experiment.json).
public struct MoleculeWarmStart: Codable, Sendable, Equatable {
  /// The source model directory.
  public var source: String
  /// SHA-256 of the source model.safetensors.
  public var sourceModelSHA256: String
  /// The source's condition (e.g. "window").
  public var sourceCondition: String
  /// Number of parameter tensors copied from the source.
  public var copiedParameterCount: Int
  /// Parameter paths left freshly initialised (the ones whose shape depends on the condition).
  public var freshParameters: [String]
  /// Whether the model kept the source's whole configuration (fine-tuning: its diffusion process
  /// and marginals, sizes and condition, with every weight copied) instead of one built from its
  /// own training data (nil: not recorded, a warm start of that kind).
  public var keepsConfiguration: Bool?

  /// Initialises `model` from the trained molecule model in `source`. The source must describe
  /// the same diffusion process, extra features, chemistry and network sizes (only the
  /// condition may differ), so that the copied denoiser means the same thing.
  public static func apply(from source: URL, to model: inout GraphDiffusionModel) throws -> MoleculeWarmStart {
    let sourceConfiguration = try GraphDiffusionModel.configuration(in: source, domainFeatures: [MolecularVocabulary.self])
    let problems = compatibilityProblems(source: sourceConfiguration, target: model.configuration)
    guard problems.isEmpty else {
      throw TrainingError.checkpoint("warm start from \(source.path): \(problems.joined(separator: "; ")); it needs the same model size, diffusion steps, extra features and training data")
    }
    let report = try Checkpoint.warmStart(into: &model, from: source)
    let sourceInfo = try MoleculeExperimentInfo.load(from: source)
    return MoleculeWarmStart(
      source: source.relativePath, sourceModelSHA256: report.sourceChecksum,
      sourceCondition: sourceInfo?.conditionKind.rawValue ?? sourceConfiguration.description,
      copiedParameterCount: report.copied.count, freshParameters: report.fresh)
  }

  /// What differs between two configurations apart from the condition (empty: compatible).
  public static func compatibilityProblems(source: GraphDiffusionConfiguration, target: GraphDiffusionConfiguration) -> [String] {
    var problems: [String] = []
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    func same<T: Encodable>(_ a: T, _ b: T) -> Bool { (try? encoder.encode(a)) == (try? encoder.encode(b)) }
    if !same(source.diffusion, target.diffusion) { problems.append("another diffusion process (steps T or marginals)") }
    var sourceTransformer = source.transformer
    sourceTransformer.conditionWidth = target.transformer.conditionWidth
    if sourceTransformer != target.transformer { problems.append("other network sizes or input widths") }
    if source.extraFeatures != target.extraFeatures { problems.append("other extra features") }
    if source.maximumNodes != target.maximumNodes { problems.append("another largest molecule (\(source.maximumNodes) vs \(target.maximumNodes) atoms)") }
    // Atom classes and bond orders must match; the valence table may differ (P 7 was allowed
    // when the shipped window model was trained), the fine-tuning adapts to the feature.
    let (from, to) = (source.domainFeatures as? MolecularVocabulary, target.domainFeatures as? MolecularVocabulary)
    if from?.nodeClassNames != to?.nodeClassNames || from?.bondOrders != to?.bondOrders {
      problems.append("another atom vocabulary")
    }
    return problems
  }
}
