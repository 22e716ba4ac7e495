// `cfx train planar`: train the edge-count-conditioned planar model.

import ArgumentParser
import Diffusion
import Foundation
import NN
import Workbench

struct TrainPlanar: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "planar",
    abstract: "Train the planar-graph model conditioned on the edge count.",
    discussion: """
      Trains a discrete diffusion model (graph transformer, classifier-free guidance) on the \
      connected planar graphs on 8 nodes, conditioned on the edge count. Checkpoints \
      (model.safetensors, optimizer.safetensors, config.json, training-log.jsonl) go to --out \
      every --checkpoint-every steps; --resume continues exactly where the checkpoint stopped.
      Example: cfx train planar --out ~/.cache/cfx/planar-model --steps 20000 --seed 0
      """)

  @Option(help: "Directory from `cfx data planar` (default: enumerate the graphs in memory, standard 80/10/10 split by --seed).")
  var data: String?
  @Option(help: "Model size: \(PlanarModelSize.allCases.map(\.rawValue).joined(separator: ", ")).")
  var size: PlanarModelSize = .small
  @Option(help: "Diffusion steps T.")
  var diffusionSteps = 1000
  @Option(help: "Extra features: \(ExtraFeatureSet.allCases.map(\.rawValue).joined(separator: ", ")).")
  var extraFeatures: ExtraFeatureSet = .all
  @OptionGroup var training: TrainingArguments<GraphTrainingDefaults>

  func validate() throws {
    guard diffusionSteps > 0 else { throw ValidationError("--diffusion-steps must be positive") }
  }

  func run() throws {
    let request = PlanarTrainingRequest(
      dataDirectory: data.map { URL(fileURLWithPath: $0) }, outputDirectory: training.outputDirectory, size: size,
      diffusionSteps: diffusionSteps, extraFeatures: extraFeatures, options: training.options, resume: training.resume,
      quiet: training.quiet)
    print(try PlanarTrainingJob.run(request))
  }

}
