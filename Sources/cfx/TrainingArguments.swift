// Options shared by every `cfx train` command, declared once; each command supplies its
// defaults and its recipe (how the flags become trainer options).

import ArgumentParser
import Diffusion
import Foundation
import NN
import Workbench

/// A training command's defaults and recipe.
protocol TrainingDefaults {
  /// What a batch holds ("graphs", "images").
  static var examples: String { get }
  /// Default steps (nil: --steps is required).
  static var steps: Int? { get }
  /// Default batch size, peak learning rate, warm-up, validation and checkpoint cadence.
  static var batchSize: Int { get }
  static var learningRate: Float { get }
  static var warmup: Int { get }
  static var validateEvery: Int { get }
  static var checkpointEvery: Int { get }
  /// The schedule's end as a fraction of the peak, the gradient-norm clip and weight decay.
  static var floorFraction: Float { get }
  static var clipNorm: Float? { get }
  static var weightDecay: Float { get }
}

/// The graph diffusion models' recipe: AdamW, warm-up then cosine decay to 10%, clip norm 10.
enum GraphTrainingDefaults: TrainingDefaults {
  static let examples = "graphs", steps: Int? = nil, batchSize = 64, learningRate: Float = 1e-3, warmup = 500
  static let validateEvery = 1000, checkpointEvery = 500, floorFraction: Float = 0.1, clipNorm: Float? = 10, weightDecay: Float = 1e-12
}

/// Optimiser, schedule, checkpointing and seed options shared by every `cfx train` command.
struct TrainingArguments<Defaults: TrainingDefaults>: ParsableArguments {
  @Option(help: "Checkpoint directory.")
  var out: String
  @Option(help: "Optimiser steps\(Defaults.steps.map { " (default \($0))" } ?? "").")
  var steps: Int?
  @Option(help: "\(Defaults.examples.prefix(1).uppercased() + Defaults.examples.dropFirst()) per batch (default \(Defaults.batchSize)).")
  var batchSize: Int?
  @Option(help: "Peak learning rate (linear warm-up over --warmup steps, cosine decay to \(Int(Defaults.floorFraction * 100))% at the end; default \(Defaults.learningRate)).")
  var learningRate: Float?
  @Option(help: "Warm-up steps (default \(Defaults.warmup)).")
  var warmup: Int?
  @Option(help: "Validate every N steps (default \(Defaults.validateEvery)).")
  var validateEvery: Int?
  @Option(help: "Checkpoint every N steps (default \(Defaults.checkpointEvery)).")
  var checkpointEvery: Int?
  @Option(help: "Stop after step N (checkpoint written); --resume with the same --steps continues: trains in pieces, the schedule spans --steps.")
  var stopAt: Int?
  @Option(help: "Random seed (initialisation, data order, noise, dropout, split).")
  var seed: UInt64 = 0
  @Flag(help: "Continue the checkpoint in --out.")
  var resume = false
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard steps != nil || Defaults.steps != nil else { throw ValidationError("give --steps N") }
    guard (steps ?? 1) > 0, (batchSize ?? 1) > 0, (checkpointEvery ?? 1) > 0, (warmup ?? 0) >= 0, (validateEvery ?? 0) >= 0 else {
      throw ValidationError("--steps, --batch-size and --checkpoint-every must be positive")
    }
    if let stopAt, stopAt < 1 || stopAt > (steps ?? Defaults.steps!) {
      throw ValidationError("--stop-at \(stopAt) must lie within 1…--steps (\(steps ?? Defaults.steps!))")
    }
  }

  /// The trainer options by the command's recipe.
  var options: TrainingOptions {
    let total = steps ?? Defaults.steps!, peak = learningRate ?? Defaults.learningRate
    return TrainingOptions(
      steps: total, batchSize: batchSize ?? Defaults.batchSize,
      schedule: .warmupCosine(peak: peak, floor: peak * Defaults.floorFraction, warmup: warmup ?? Defaults.warmup, total: total),
      weightDecay: Defaults.weightDecay, clipNorm: Defaults.clipNorm, validateEvery: validateEvery ?? Defaults.validateEvery,
      checkpointEvery: checkpointEvery ?? Defaults.checkpointEvery, seed: seed, stopAt: stopAt)
  }

  /// The checkpoint directory as a URL.
  var outputDirectory: URL { URL(fileURLWithPath: out) }
}
