// `cfx bench train`: seconds per full training step of the graph diffusion models, as JSON.

import ArgumentParser
import Basics
import Foundation
import Workbench

struct BenchTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Time full training steps of the graph diffusion models (molecules, planar); prints JSON.",
    discussion: """
      A step is what `cfx train` does per batch: random diffusion steps and noise, extra features, \
      forward, loss, backward, gradient clipping and the AdamW (AMSGrad) update. Each preset is the \
      shipped model's configuration (molecules/models/molecules or molecules/models/planar: \
      diffusion process, extra and molecular features, condition) at the preset's transformer size, trained on one fixed \
      batch: --batch-size molecules of the bundled MOSES subset with one atom count (--nodes, default \
      the most common), or connected planar graphs on 8 nodes. Reported per preset: the median \
      seconds per step and steps/s, the matmul FLOPs per step and their fraction of the sgemm peak \
      measured in the same run, the parameter count, batch size and node count.
      Presets: molecules-small (4 layers, dx 64: the shipped molecule model), molecules-medium \
      (6 layers, dx 128), planar (the shipped planar model), molecules-tiny (for tests).
      --export DIR also writes DIR/PRESET/ with a checkpoint of the initial weights and one noisy \
      batch with cfx's loss on it, for scripts/bench-train-pytorch.py to check its port against \
      (scripts/bench-train-vs-pytorch.sh runs both and prints the ratios). Build with \
      `swift build -c release`; other processes on the machine slow every step (see loadAverage).
      Examples: cfx bench train; cfx bench train --presets molecules-small --batch-size 32 --seconds 20
      """)

  @Option(help: "Comma-separated presets: \(TrainingBenchmarkPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var presets = TrainingBenchmarkPreset.defaults.map(\.rawValue).joined(separator: ",")
  @Option(help: "Graphs per batch (cfx train's default is 64).")
  var batchSize = 64
  @Option(help: "Heavy atoms of every molecule in the batch (default: the most common count in molecules/zinc-subset.smi).")
  var nodes: Int?
  @Option(help: "Seconds of timed steps per preset (at least 3 steps, after 2 warm-up steps).")
  var seconds: Double = 10
  @Option(help: "Seed of initialisation, batch choice, noise and dropout.")
  var seed: UInt64 = 0
  @Option(help: ArgumentHelp("Also write the JSON to FILE (atomically).", valueName: "file"))
  var out: String?
  @Option(help: ArgumentHelp("Write each preset's checkpoint (initial weights) and reference batch to DIR/PRESET/.", valueName: "dir"))
  var export: String?

  /// The presets asked for, in order.
  var chosenPresets: [TrainingBenchmarkPreset] {
    get throws {
      try presets.split(separator: ",").map { name in
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard let preset = TrainingBenchmarkPreset(rawValue: trimmed) else {
          throw ValidationError("--presets: unknown preset '\(trimmed)'; choose from \(TrainingBenchmarkPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return preset
      }
    }
  }

  func validate() throws {
    guard try !chosenPresets.isEmpty else { throw ValidationError("--presets: name at least one preset") }
    guard batchSize > 0, seconds >= 0, (nodes ?? 1) > 0 else { throw ValidationError("--batch-size and --nodes must be positive, --seconds non-negative") }
  }

  func run() throws {
    let report = try TrainingBenchmark.run(
      presets: try chosenPresets, batchSize: batchSize, nodes: nodes, seconds: seconds, seed: seed,
      exportDirectory: export.map { URL(fileURLWithPath: $0) })
    if let out { try AtomicFile.writeJSON(report, to: URL(fileURLWithPath: out)) }
    print(report.json)
  }
}
