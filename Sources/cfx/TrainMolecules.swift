// `cfx train molecules`: the logP-conditioned molecule model.

import ArgumentParser
import Diffusion
import Foundation
import NN
import Workbench

extension MoleculeModelSize: ExpressibleByArgument {}
extension MoleculeConditionKind: ExpressibleByArgument {}

struct TrainMolecules: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "molecules",
    abstract: "Train the molecule model conditioned on logP (window indicator or value).",
    discussion: """
      Trains a discrete diffusion model on MOSES/ZINC molecules (atom classes, Kekulé bonds) with \
      molecular extra features (real valences, molecular weight), conditioned on the paper's \
      indicator "logP in [1.7, 3.8]" (--condition window) or on logP itself (--condition \
      continuous). Checkpoints and training-log.jsonl go to --out; experiment.json records the \
      condition and the SHA-256 of the training data. --resume continues exactly.
      Example: cfx train molecules --out ~/.cache/cfx/molecule-model --steps 50000 --seed 0
      """)

  @Option(help: "Training molecules: train.jsonl from `cfx data molecules` (default ~/.cache/cfx/data/molecules/train.jsonl) or a .smi/.sdf file.")
  var data: String?
  @Option(help: "Use at most N molecules (validation included).")
  var limit: Int?
  @Option(help: "Molecules held out from the end of the data for the validation loss.")
  var validation = 2000
  @Option(help: "Checkpoint directory.")
  var out: String
  @Option(help: "Model size: \(MoleculeModelSize.allCases.map(\.rawValue).joined(separator: ", ")).")
  var size: MoleculeModelSize = .small
  @Option(help: "Condition: window (logP in [1.7, 3.8]) or continuous (logP value).")
  var condition: MoleculeConditionKind = .window
  @Option(help: "Diffusion steps T.")
  var diffusionSteps = 500
  @Option(help: "Structural extra features (the molecular ones are always added): \(ExtraFeatureSet.allCases.map(\.rawValue).joined(separator: ", ")).")
  var extraFeatures: ExtraFeatureSet = .cycles
  @Option(help: "Optimiser steps.")
  var steps = 50000
  @Option(help: "Molecules per batch.")
  var batchSize = 64
  @Option(help: "Peak learning rate (linear warm-up over --warmup steps, cosine decay to 10% at the end).")
  var learningRate: Float = 1e-3
  @Option(help: "Warm-up steps.")
  var warmup = 500
  @Option(help: "Validate every N steps.")
  var validateEvery = 1000
  @Option(help: "Checkpoint every N steps.")
  var checkpointEvery = 500
  @Option(help: "Random seed (initialisation, data order, noise).")
  var seed: UInt64 = 0
  @Flag(help: "Continue the checkpoint in --out.")
  var resume = false
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard steps > 0, batchSize > 0, diffusionSteps > 0, checkpointEvery > 0, validation >= 0 else {
      throw ValidationError("--steps, --batch-size, --diffusion-steps and --checkpoint-every must be positive, --validation non-negative")
    }
  }

  func run() throws {
    let options = TrainingOptions(
      steps: steps, batchSize: batchSize,
      schedule: .warmupCosine(peak: learningRate, floor: learningRate / 10, warmup: warmup, total: steps),
      clipNorm: 10, validateEvery: validateEvery, checkpointEvery: checkpointEvery, seed: seed)
    let request = MoleculeTrainingRequest(
      dataFile: data.map { URL(fileURLWithPath: $0) } ?? MoleculeTrainingRequest.defaultDataFile, limit: limit,
      validationCount: validation, outputDirectory: URL(fileURLWithPath: out), size: size, conditionKind: condition,
      diffusionSteps: diffusionSteps, extraFeatures: extraFeatures, options: options, resume: resume, quiet: quiet)
    print(try MoleculeTrainingJob.run(request).text)
  }
}
