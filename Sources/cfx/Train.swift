// `cfx train`: train diffusion models.

import ArgumentParser
import Diffusion
import Foundation
import NN
import Workbench

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train graph diffusion models (checkpoints resume exactly).",
    subcommands: [TrainPlanar.self, TrainMolecules.self, TrainExport.self])
}

/// Optimiser, schedule, checkpointing and seed options shared by every `cfx train` command.
struct TrainingArguments: ParsableArguments {
  @Option(help: "Checkpoint directory.")
  var out: String
  @Option(help: "Optimiser steps.")
  var steps: Int
  @Option(help: "Graphs per batch.")
  var batchSize = 64
  @Option(help: "Peak learning rate (linear warm-up over --warmup steps, cosine decay to 10% at the end).")
  var learningRate: Float = 1e-3
  @Option(help: "Warm-up steps.")
  var warmup = 500
  @Option(help: "Validate every N steps.")
  var validateEvery = 1000
  @Option(help: "Checkpoint every N steps.")
  var checkpointEvery = 500
  @Option(help: "Random seed (initialisation, data order, noise, dropout, split).")
  var seed: UInt64 = 0
  @Flag(help: "Continue the checkpoint in --out.")
  var resume = false
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard steps > 0, batchSize > 0, checkpointEvery > 0, warmup >= 0 else {
      throw ValidationError("--steps, --batch-size and --checkpoint-every must be positive")
    }
  }

  /// The trainer options: AdamW (amsgrad), warm-up then cosine decay to 10%, clip norm 10.
  var options: TrainingOptions {
    TrainingOptions(
      steps: steps, batchSize: batchSize,
      schedule: .warmupCosine(peak: learningRate, floor: learningRate / 10, warmup: warmup, total: steps),
      clipNorm: 10, validateEvery: validateEvery, checkpointEvery: checkpointEvery, seed: seed)
  }

  /// The checkpoint directory as a URL.
  var outputDirectory: URL { URL(fileURLWithPath: out) }
}

extension PlanarModelSize: ExpressibleByArgument {}
extension ExtraFeatureSet: ExpressibleByArgument {}

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
  @OptionGroup var training: TrainingArguments

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

struct TrainExport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Copy a checkpoint's model (weights + config, no optimizer state) for shipping.",
    discussion: """
      The weights file is copied byte for byte, so the model SHA-256 stays the same; the training \
      log is copied too and --note key=value pairs are recorded in config.json.
      Example: cfx train export --from ~/.cache/cfx/planar-small --to molecules/models/planar --note command="cfx train planar ..."
      """)

  @Option(help: "Checkpoint directory.")
  var from: String
  @Option(help: "Destination directory.")
  var to: String
  @Option(help: "key=value notes to record (repeat).")
  var note: [String] = []

  func run() throws {
    var notes: [String: String] = [:]
    for n in note {
      guard let eq = n.firstIndex(of: "=") else { throw ValidationError("--note \(n): expected key=value") }
      notes[String(n[..<eq])] = String(n[n.index(after: eq)...])
    }
    let sum = try Checkpoint.exportForInference(from: URL(fileURLWithPath: from), to: URL(fileURLWithPath: to), notes: notes)
    let log = URL(fileURLWithPath: from).appendingPathComponent("training-log.jsonl")
    if let data = try? Data(contentsOf: log) {
      try AtomicFile.write(data, to: URL(fileURLWithPath: to).appendingPathComponent("training-log.jsonl"))
    }
    print("exported \(from) → \(to) (model SHA-256 \(sum))")
  }
}
