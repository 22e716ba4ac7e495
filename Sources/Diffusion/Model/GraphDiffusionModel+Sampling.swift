// Loading a trained model and sampling from it with classifier-free guidance.

import DiffusionCore
import Foundation
import NN

extension GraphDiffusionModel {
  /// Loads the model saved in a checkpoint directory (config.json + model.safetensors).
  /// Returns the model and the SHA-256 of its weights file (its identity in every output).
  public static func load(from directory: URL) throws -> (model: GraphDiffusionModel, checksum: String) {
    var rng = RandomGenerator(seed: 0)
    var model = GraphDiffusionModel(try configuration(in: directory), using: &rng)
    let loaded = try Checkpoint.load(into: &model, from: directory)
    return (model, loaded.modelChecksum)
  }

  /// The configuration saved in a checkpoint directory's config.json, without its weights.
  public static func configuration(in directory: URL) throws -> GraphDiffusionConfiguration {
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
      configuration = try JSONDecoder().decode(
        GraphDiffusionConfiguration.self, from: JSONSerialization.data(withJSONObject: modelConfig))
    } catch {
      throw CheckpointError.invalid("\(configURL.path): the model configuration is not a graph diffusion model: \(error)")
    }
    return configuration
  }

  /// A denoiser that applies classifier-free guidance itself: for a conditioned call it runs
  /// the conditional and the null-conditioned prediction as one batch of 2·bs graphs and returns
  /// ℓ_null + s·(ℓ_cond − ℓ_null). Pass it to the samplers with guidanceScale 1 (they then call it
  /// once per step). Unconditioned calls (nil) return the null-conditioned prediction.
  public func guidedDenoiser(scale: Float) -> GraphDenoiser<[Float]> {
    { noisy, step, target in
      var none: RandomGenerator? = nil
      let bs = noisy.batchSize
      guard let target, self.configuration.condition.width > 0 else {
        return self.predict(noisy: noisy, steps: Array(repeating: step, count: bs), condition: nil, rng: &none)
      }
      let cond = self.configuration.condition.encodeBatch(Array(repeating: target, count: bs))
      if scale == 1 {
        return self.predict(noisy: noisy, steps: Array(repeating: step, count: bs), condition: cond, rng: &none)
      }
      let null = self.network.nullCondition.reshaped([1, -1]).broadcast(to: cond.shape)
      let doubled = GraphState.concatenated([noisy, noisy])
      let both = self.predict(
        noisy: doubled, steps: Array(repeating: step, count: 2 * bs), condition: Tensor.concat([cond, null], axis: 0), rng: &none)
      let x = both.nodeLogits.split(sizes: [bs, bs], axis: 0), e = both.edgeLogits.split(sizes: [bs, bs], axis: 0)
      return GraphPrediction.guided(
        conditional: GraphPrediction(nodeLogits: x[0], edgeLogits: e[0]),
        unconditional: GraphPrediction(nodeLogits: x[1], edgeLogits: e[1]), scale: scale)
    }
  }
}
