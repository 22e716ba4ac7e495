// Options shared by every `cfx train` command.

import ArgumentParser
import Diffusion
import Foundation
import NN
import Workbench

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
