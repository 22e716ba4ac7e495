// Loading a trained model and sampling from it with classifier-free guidance.

import DiffusionCore
import Foundation
import NN
import Tensor

extension GraphDiffusionModel {
  /// Loads the model saved in a checkpoint directory (config.json + model.safetensors), reading
  /// domain features of the given types (a model with features of another domain is refused).
  /// Returns the model and the SHA-256 of its weights file (its identity in every output).
  public static func load(from directory: URL, domainFeatures: [any GraphDomainFeatures.Type] = []) throws -> (model: GraphDiffusionModel, checksum: String) {
    var rng = RandomGenerator(seed: 0)
    var model = GraphDiffusionModel(try configuration(in: directory, domainFeatures: domainFeatures), using: &rng)
    let loaded = try Checkpoint.load(into: &model, from: directory)
    return (model, loaded.modelChecksum)
  }

  /// The configuration saved in a checkpoint directory's config.json, without its weights;
  /// domain features as in `load(from:domainFeatures:)`.
  public static func configuration(in directory: URL, domainFeatures: [any GraphDomainFeatures.Type] = []) throws -> GraphDiffusionConfiguration {
    let configURL = directory.appendingPathComponent("config.json")
    let data: Data
    do { data = try Data(contentsOf: configURL) } catch {
      throw CheckpointError.io("\(configURL.path) is missing: \(directory.path) is not a cfx model directory (train one with `cfx train planar`)")
    }
    guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any], let modelConfig = document["model"] else {
      throw CheckpointError.invalid("\(configURL.path) has no 'model' configuration")
    }
    let configuration: GraphDiffusionConfiguration
    do {
      let decoder = JSONDecoder()
      decoder.userInfo[GraphDomainFeatureTypes.userInfoKey] = GraphDomainFeatureTypes(domainFeatures)
      configuration = try decoder.decode(GraphDiffusionConfiguration.self, from: JSONSerialization.data(withJSONObject: modelConfig))
    } catch DecodingError.dataCorrupted(let context) {
      throw CheckpointError.invalid("\(configURL.path): \(context.debugDescription)")
    } catch {
      throw CheckpointError.invalid("\(configURL.path): the model configuration is not a graph diffusion model: \(error)")
    }
    return configuration
  }

  /// The guided prediction ℓ_null + s·(ℓ_cond − ℓ_null) for the target `target` (shared by the
  /// batch) at `scale`, in one network call: the conditional and the null-conditioned prediction
  /// run as one batch of 2·bs graphs. No target, a model without a condition, or s = 1 need one
  /// prediction of bs graphs. Shapes: noisy bs graphs → logits [bs, n, a], [bs, n, n, b].
  public func guidedPrediction(noisy: GraphState, step: Int, target: [Float]?, scale: Float) -> GraphPrediction {
    var none: RandomGenerator? = nil
    let bs = noisy.batchSize
    guard let target, configuration.condition.width > 0 else {
      return predict(noisy: noisy, steps: Array(repeating: step, count: bs), condition: nil, rng: &none)
    }
    let cond = configuration.condition.encodeBatch(Array(repeating: target, count: bs))
    if scale == 1 {
      return predict(noisy: noisy, steps: Array(repeating: step, count: bs), condition: cond, rng: &none)
    }
    let null = network.nullCondition.reshaped([1, -1]).broadcast(to: cond.shape)
    let doubled = GraphState.concatenated([noisy, noisy])
    let both = predict(noisy: doubled, steps: Array(repeating: step, count: 2 * bs), condition: Tensor.concat([cond, null], axis: 0), rng: &none)
    let x = both.nodeLogits.split(sizes: [bs, bs], axis: 0), e = both.edgeLogits.split(sizes: [bs, bs], axis: 0)
    return GraphPrediction.guided(
      conditional: GraphPrediction(nodeLogits: x[0], edgeLogits: e[0]),
      unconditional: GraphPrediction(nodeLogits: x[1], edgeLogits: e[1]), scale: scale)
  }

  /// GDCE with this model (`DiscreteDiffusion.counterfactuals`), guided towards `target` at
  /// `guidanceScale` by `guidedPrediction`. Shapes: graph bs = 1 (or sampleCount: one draw from
  /// each) → sampleCount graphs.
  public func counterfactuals(
    of graph: GraphState, target: [Float]?, noiseStep: Int, sampleCount: Int, guidanceScale: Float, batchSize: Int? = nil,
    finalStep: FinalStepRule = .sample, constraint: (any ReverseStepConstraint)? = nil, steering: ParticleSteering<GraphState>? = nil,
    using rng: inout RandomGenerator
  ) -> GraphState {
    diffusion.counterfactuals(
      of: graph, noiseStep: noiseStep, sampleCount: sampleCount, batchSize: batchSize, finalStep: finalStep, constraint: constraint,
      steering: steering, prediction: { self.guidedPrediction(noisy: $0, step: $1, target: target, scale: guidanceScale) }, using: &rng)
  }

  /// FreeGress generation with this model (`DiscreteDiffusion.generated`), guided towards
  /// `target` (nil: unconditional) at `guidanceScale`. Shapes: → nodeCounts.count graphs.
  public func generated(
    nodeCounts: [Int], nodeCapacity: Int? = nil, target: [Float]?, guidanceScale: Float, batchSize: Int? = nil,
    finalStep: FinalStepRule = .sample, constraint: (any ReverseStepConstraint)? = nil, steering: ParticleSteering<GraphState>? = nil,
    using rng: inout RandomGenerator
  ) -> GraphState {
    diffusion.generated(
      nodeCounts: nodeCounts, nodeCapacity: nodeCapacity, batchSize: batchSize, finalStep: finalStep, constraint: constraint,
      steering: steering, prediction: { self.guidedPrediction(noisy: $0, step: $1, target: target, scale: guidanceScale) }, using: &rng)
  }
}
