// `cfx train molecules`: the logP-conditioned molecule model.

import ArgumentParser
import Diffusion
import Foundation
import Molecules
import NN
import Workbench

extension MoleculeModelSize: ExpressibleByArgument {}
extension MoleculeConditionKind: ExpressibleByArgument {}

struct TrainMolecules: ParsableCommand, RunsOnRanks {
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
      Data parallel over N processes (one per core or machine; --batch-size is per process, so \
      N × --batch-size molecules make one step, and rank 0 writes the checkpoints): \
      mpirun -n 2 cfx train molecules --batch-size 32 --out DIR --steps 50000
      A continuous model warm-started from the shipped window model: cfx train molecules \
      --condition continuous --init-from molecules/models/molecules --out ~/.cache/cfx/logp-model --steps 15000
      The shipped window model fine-tuned on a file that mixes larger molecules into MOSES ones \
      (its configuration and weights kept; every molecule in the file trains, also those larger \
      than its largest): cfx train molecules --fine-tune-from molecules/models/molecules --data \
      mix.smi --validation 500 --out ~/.cache/cfx/drug-model --steps 10000 --learning-rate 3e-4 --warmup 200
      """)

  @Option(help: "Training molecules: train.jsonl from `cfx data molecules` (default ~/.cache/cfx/data/molecules/train.jsonl) or a .smi/.sdf file.")
  var data: String?
  @Option(help: "Use at most N molecules (validation included).")
  var limit: Int?
  @Option(help: "Molecules held out from the end of the data for the validation loss.")
  var validation = 2000
  @Option(help: "Model size: \(MoleculeModelSize.allCases.map(\.rawValue).joined(separator: ", ")).")
  var size: MoleculeModelSize = .small
  @Option(help: "Condition: window (logP in [1.7, 3.8]) or continuous (logP value).")
  var condition: MoleculeConditionKind = .window
  @Option(help: "Diffusion steps T.")
  var diffusionSteps = 500
  @Option(help: "Structural extra features (the molecular ones are always added): \(ExtraFeatureSet.allCases.map(\.rawValue).joined(separator: ", ")).")
  var extraFeatures: ExtraFeatureSet = .cycles
  @Option(help: "Warm start from a trained molecule model directory (e.g. molecules/models/molecules): every parameter of the same shape is copied, the condition inputs start fresh. Same --size, --diffusion-steps, --extra-features and data required.")
  var initFrom: String?
  @Option(help: ArgumentHelp(
    "Fine-tune a trained molecule model directory on --data: its whole configuration (diffusion process and marginals, size, condition, T, extra features; the options for them are ignored) and every weight are kept, and the data's molecules may be larger than its largest (e.g. drug-sized molecules for molecules/models/molecules). Give it again with --resume.",
    valueName: "dir"))
  var fineTuneFrom: String?
  @OptionGroup var training: TrainingArguments<GraphTrainingDefaults>

  func validate() throws {
    guard diffusionSteps > 0, validation >= 0 else {
      throw ValidationError("--diffusion-steps must be positive and --validation non-negative")
    }
  }

  func run() throws {
    let request = MoleculeTrainingRequest(
      dataFile: data.map { URL(fileURLWithPath: $0) } ?? MoleculeTrainingRequest.defaultDataFile, limit: limit,
      validationCount: validation, outputDirectory: training.outputDirectory, size: size, conditionKind: condition,
      diffusionSteps: diffusionSteps, extraFeatures: extraFeatures, options: training.options, resume: training.resume,
      quiet: training.quiet, initialWeights: initFrom.map { URL(fileURLWithPath: $0) }, fineTuneSource: fineTuneFrom.map { URL(fileURLWithPath: $0) },
      group: Ranks.group)
    let outcome = try MoleculeTrainingJob.run(request)
    if Ranks.group.isRoot { print(outcome.text) }
  }
}
