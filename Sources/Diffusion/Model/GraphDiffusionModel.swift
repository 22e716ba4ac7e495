// A conditional discrete graph diffusion model: the diffusion process, the graph transformer
// denoiser, the extra features it sees, and how conditions are encoded. This is what `cfx train`
// trains, what checkpoints store, and what `cfx sample` / `cfx explain` sample from.

import DiffusionCore
import Foundation

/// How a target is turned into the condition vector the network sees.
public enum ConditionEncoding: Codable, Sendable, Equatable {
  /// No condition (unconditional model).
  case none
  /// A class index 0..<count, one-hot encoded (e.g. the edge count of a planar graph, or
  /// "logP in window").
  case classes(count: Int)
  /// Real values, standardised as (value − mean) / scale per component (e.g. logP).
  case continuous(mean: [Float], scale: [Float])

  /// Width of the condition vector.
  public var width: Int {
    switch self {
    case .none: return 0
    case .classes(let count): return count
    case .continuous(let mean, _): return mean.count
    }
  }

  /// The condition vector for one target: a class index (as a one-element array) or raw values.
  public func encode(_ target: [Float]) -> [Float] {
    switch self {
    case .none:
      return []
    case .classes(let count):
      precondition(target.count == 1, "ConditionEncoding.classes: expected one class index, got \(target)")
      let index = Int(target[0].rounded())
      precondition(index >= 0 && index < count, "ConditionEncoding.classes: class \(index) outside 0..<\(count)")
      var v = [Float](repeating: 0, count: count)
      v[index] = 1
      return v
    case .continuous(let mean, let scale):
      precondition(target.count == mean.count, "ConditionEncoding.continuous: expected \(mean.count) values, got \(target)")
      return (0..<mean.count).map { (target[$0] - mean[$0]) / scale[$0] }
    }
  }

  /// Condition vectors for a batch of targets. Shapes: bs targets → [bs, width].
  public func encodeBatch(_ targets: [[Float]]) -> Tensor {
    Tensor(shape: [targets.count, width], scalars: targets.flatMap(encode))
  }
}

/// Everything that defines a model apart from its weights (stored as the checkpoint config).
public struct GraphDiffusionConfiguration: Sendable {
  /// The noise process (schedule and marginal transitions).
  public var diffusion: DiscreteDiffusion
  /// The denoiser's sizes.
  public var transformer: GraphTransformerConfiguration
  /// Extra structural features.
  public var extraFeatures: ExtraFeatureSet
  /// Largest graph the model is trained for (normalises n/n_max).
  public var maximumNodes: Int
  /// Condition encoding.
  public var condition: ConditionEncoding
  /// Probability of training with the null condition (classifier-free guidance).
  public var unconditionalProbability: Double
  /// Weight of the edge loss (DiGress λ_E).
  public var edgeLossWeight: Float
  /// Node-count histogram of the training data (for sampling from noise).
  public var nodeCountHistogram: [Int]
  /// Free-form description of the data and conditioning (e.g. "planar n=8, condition = |E|").
  public var description: String
  /// Input features of the model's domain (molecules: valences and weight; DomainFeatures.swift),
  /// or nil for abstract graphs.
  public var domainFeatures: (any GraphDomainFeatures)?

  /// A configuration; traps when the transformer's widths do not match the condition and the
  /// extra and domain features.
  public init(diffusion: DiscreteDiffusion, transformer: GraphTransformerConfiguration, extraFeatures: ExtraFeatureSet,
              maximumNodes: Int, condition: ConditionEncoding, unconditionalProbability: Double = defaultUnconditionalProbability,
              edgeLossWeight: Float = defaultEdgeLossWeight, nodeCountHistogram: [Int], description: String,
              domainFeatures: (any GraphDomainFeatures)? = nil) {
    if let problem = Self.inconsistency(transformer: transformer, extraFeatures: extraFeatures, condition: condition, domainFeatures: domainFeatures) {
      preconditionFailure("GraphDiffusionConfiguration: \(problem)")
    }
    self.domainFeatures = domainFeatures
    (self.diffusion, self.transformer, self.extraFeatures, self.maximumNodes) = (diffusion, transformer, extraFeatures, maximumNodes)
    (self.condition, self.unconditionalProbability, self.edgeLossWeight) = (condition, unconditionalProbability, edgeLossWeight)
    (self.nodeCountHistogram, self.description) = (nodeCountHistogram, description)
  }

  /// Why the transformer's input widths do not fit the condition, extra and domain features,
  /// or nil when they do.
  static func inconsistency(transformer: GraphTransformerConfiguration, extraFeatures: ExtraFeatureSet, condition: ConditionEncoding,
                            domainFeatures: (any GraphDomainFeatures)?) -> String? {
    if transformer.conditionWidth != condition.width {
      return "transformer condition width \(transformer.conditionWidth) ≠ encoding width \(condition.width)"
    }
    let widths = extraWidths(extraFeatures, domainFeatures: domainFeatures)
    if transformer.extraNodeFeatures != widths.nodes || transformer.extraGlobalFeatures != widths.globals {
      return "transformer extra widths \(transformer.extraNodeFeatures)/\(transformer.extraGlobalFeatures) do not match \(extraFeatures)"
        + (domainFeatures.map { " + \(type(of: $0).configurationKey)" } ?? "") + " (+1 for t/T): \(widths.nodes)/\(widths.globals)"
    }
    if let domainFeatures, domainFeatures.nodeClassCount != transformer.nodeClasses || domainFeatures.edgeClassCount != transformer.edgeClasses {
      return "\(type(of: domainFeatures).configurationKey) features for \(domainFeatures.nodeClassCount)/\(domainFeatures.edgeClassCount) classes ≠ transformer \(transformer.nodeClasses)/\(transformer.edgeClasses)"
    }
    return nil
  }

  /// The transformer's extra input widths: per node, and per graph including t/T.
  public static func extraWidths(_ extraFeatures: ExtraFeatureSet, domainFeatures: (any GraphDomainFeatures)?) -> (nodes: Int, globals: Int) {
    (extraFeatures.nodeWidth + (domainFeatures?.nodeWidth ?? 0), extraFeatures.globalWidth + (domainFeatures?.globalWidth ?? 0) + 1)
  }
}

/// A conditional graph diffusion model: configuration plus trainable denoiser.
/// One draw of a training step's randomness: steps t [bs], the noisy graphs, and the encoded
/// condition targets [bs, c] with the graphs whose condition is dropped (nil / empty without a
/// condition).
public struct TrainingDraw {
  /// Steps t per graph, the noisy graphs, the encoded targets and the dropped-condition mask.
  public var steps: [Int], noisy: GraphState, targets: Tensor?, dropped: [Bool]

  /// The draw of the graphs at `indices` (in that order).
  public func selecting(graphs indices: [Int]) -> TrainingDraw {
    TrainingDraw(
      steps: indices.map { steps[$0] }, noisy: noisy.selecting(graphs: indices), targets: targets?.selectingRows(indices),
      dropped: dropped.isEmpty ? [] : indices.map { dropped[$0] })
  }
}

public struct GraphDiffusionModel: ParameterTree, Sendable {
  /// The configuration.
  public let configuration: GraphDiffusionConfiguration
  /// The denoiser.
  public var network: GraphTransformer

  /// A freshly initialised model.
  public init(_ configuration: GraphDiffusionConfiguration, using rng: inout RandomGenerator) {
    self.configuration = configuration
    network = GraphTransformer(configuration.transformer, using: &rng)
  }

  /// The diffusion process.
  public var diffusion: DiscreteDiffusion { configuration.diffusion }

  /// Parameters are the network's.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("model", &network, body)
  }

  /// Clean-graph logits for noisy graphs at per-graph steps, with per-graph condition vectors
  /// [bs, c] (nil = the null condition for every graph). `rng` nil = evaluation mode.
  public func predict(noisy: GraphState, steps: [Int], condition: Tensor?, rng: inout RandomGenerator?) -> GraphPrediction {
    let bs = noisy.batchSize
    precondition(steps.count == bs, "predict: \(steps.count) steps for \(bs) graphs")
    var extras = configuration.extraFeatures.compute(edges: noisy.edges, nodeMask: noisy.nodeMask, maximumNodes: configuration.maximumNodes)
    if let domain = configuration.domainFeatures?.features(nodes: noisy.nodes, edges: noisy.edges, nodeMask: noisy.nodeMask) {
      extras.nodes = extras.nodes.map { Tensor.concat([$0, domain.nodes], axis: 2) } ?? domain.nodes
      extras.globals = Tensor.concat([extras.globals, domain.globals], axis: 1)
    }
    let time = Tensor(shape: [bs, 1], scalars: steps.map { diffusion.schedule.normalizedTime(ofStep: $0) })
    var cond: Tensor? = nil
    if configuration.condition.width > 0 {
      cond = condition ?? network.nullCondition.reshaped([1, -1]).broadcast(to: [bs, configuration.condition.width])
    }
    let input = DenoiserInput(
      nodes: noisy.nodes, edges: noisy.edges, extraNodes: extras.nodes,
      globals: Tensor.concat([extras.globals, time], axis: 1), condition: cond, nodeMask: noisy.nodeMask)
    let (x, e) = network(input, rng: &rng)
    return GraphPrediction(nodeLogits: x, edgeLogits: e)
  }

  /// The training loss on a batch of clean graphs with their targets: random steps t ∈ 1…T,
  /// noising, conditioning dropout with the learned null token, cross-entropy to the clean graph.
  public func trainingLoss(clean: GraphState, targets: [[Float]], using rng: inout RandomGenerator) -> DenoisingLoss {
    let draw = trainingDraw(clean: clean, targets: targets, using: &rng)
    var dropoutRNG: RandomGenerator? = rng.split()
    return trainingLoss(clean: clean, draw: draw, dropout: &dropoutRNG)
  }

  /// The random part of a training step on `clean` [bs graphs]: steps t ∈ 1…T, the noisy
  /// graphs, and (conditional models) the encoded targets [bs, c] with the graphs whose
  /// condition is dropped for the null token.
  public func trainingDraw(clean: GraphState, targets: [[Float]], using rng: inout RandomGenerator) -> TrainingDraw {
    let bs = clean.batchSize
    let steps = diffusion.sampleTrainingSteps(count: bs, using: &rng)
    let noisy = diffusion.noised(clean, steps: steps, using: &rng)
    guard configuration.condition.width > 0 else { return TrainingDraw(steps: steps, noisy: noisy, targets: nil, dropped: []) }
    precondition(targets.count == bs, "trainingDraw: \(targets.count) targets for \(bs) graphs")
    let dropped = sampleUnconditionalMask(count: bs, probability: configuration.unconditionalProbability, using: &rng)
    return TrainingDraw(steps: steps, noisy: noisy, targets: configuration.condition.encodeBatch(targets), dropped: dropped)
  }

  /// The loss of one training draw against the clean graphs; `dropout` nil = evaluation mode.
  public func trainingLoss(clean: GraphState, draw: TrainingDraw, dropout: inout RandomGenerator?) -> DenoisingLoss {
    let condition = draw.targets.map { network.conditionWithNull($0, dropped: draw.dropped) }
    let prediction = predict(noisy: draw.noisy, steps: draw.steps, condition: condition, rng: &dropout)
    return denoisingLoss(prediction: prediction, clean: clean, edgeWeight: configuration.edgeLossWeight)
  }

  /// The denoiser for sampling: the condition is one target shared by the batch (nil = null).
  public func denoiser() -> GraphDenoiser<[Float]> {
    { noisy, step, target in
      var none: RandomGenerator? = nil
      let cond = target.map { t in self.configuration.condition.encodeBatch(Array(repeating: t, count: noisy.batchSize)) }
      return self.predict(noisy: noisy, steps: Array(repeating: step, count: noisy.batchSize), condition: cond, rng: &none)
    }
  }

  /// The node-count distribution of the training data.
  public var nodeCountDistribution: NodeCountDistribution {
    var observed: [Int] = []
    for (count, k) in configuration.nodeCountHistogram.enumerated() { observed += Array(repeating: count, count: k) }
    return NodeCountDistribution(observedCounts: observed)
  }
}
