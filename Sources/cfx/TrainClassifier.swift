// `cfx train classifier`: the CNN the image pipelines explain.

import ArgumentParser
import Foundation
import NN
import Workbench

struct TrainClassifier: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "classifier",
    abstract: "Train the image classifier the image pipelines explain (conv stages → global average pooling → linear).",
    discussion: """
      Trains on the train split of a set from `cfx data images` (AdamW, cross-entropy, warm-up \
      then cosine decay), reports validation accuracy every --validate-every steps, checkpoints \
      into --out (resumable with --resume, bit-identically), then evaluates on the test split: \
      accuracy and confusion matrix on the terminal and in OUT/evaluation.json.
      Example: cfx train classifier --set fashion-mnist --steps 5000 --out ~/.cache/cfx/classifier-fashion
      """)

  @Option(help: "The image set (a name from `cfx data images`, found in ~/.cache/cfx/data/images, or a set directory).")
  var set: String = "fashion-mnist"
  @Option(help: "Checkpoint directory.")
  var out: String
  @Option(help: "Optimiser steps.")
  var steps = 5000
  @Option(help: "Images per batch.")
  var batchSize = 64
  @Option(help: "Peak learning rate.")
  var learningRate: Float = 2e-3
  @Option(help: "Warm-up steps.")
  var warmup = 200
  @Option(help: "Channels of the first stage (doubling per stage).")
  var baseChannels = 32
  @Option(help: "Convolution stages (2×2 max-pooling between them).")
  var stages = 3
  @Option(help: "Validate every N steps (0: only at the end).")
  var validateEvery = 500
  @Option(help: "Checkpoint every N steps.")
  var checkpointEvery = 250
  @Option(help: "Random seed (initialisation and data order).")
  var seed: UInt64 = 0
  @Flag(help: "Continue the checkpoint in --out.")
  var resume = false
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard steps > 0, batchSize > 0, warmup >= 0, baseChannels > 0, (1...5).contains(stages), checkpointEvery > 0, validateEvery >= 0 else {
      throw ValidationError("--steps, --batch-size, --base-channels, --checkpoint-every must be positive, --stages 1…5")
    }
  }

  func run() throws {
    let named = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/cfx/data/images/\(set)")
    let data = set.contains("/") ? URL(fileURLWithPath: set) : named
    let options = TrainingOptions(
      steps: steps, batchSize: batchSize, schedule: .warmupCosine(peak: learningRate, floor: learningRate / 20, warmup: warmup, total: steps),
      weightDecay: 1e-4, validateEvery: validateEvery == 0 ? steps : validateEvery, checkpointEvery: checkpointEvery, seed: seed)
    let request = ClassifierTrainingRequest(
      dataDirectory: data, outputDirectory: URL(fileURLWithPath: out), options: options, baseChannels: baseChannels, stages: stages,
      resume: resume, quiet: quiet)
    print(try stoppable { try ClassifierTrainingJob.run(request).text })
  }
}
