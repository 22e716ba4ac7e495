// `cfx eval generation`: de novo quality of a molecule model (molecules drawn from noise).

import ArgumentParser
import Foundation
import Molecules
import Workbench

struct EvalGeneration: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generation",
    abstract: "De novo quality of a molecule model: validity, uniqueness, novelty, MOSES filters, alerts, SA and QED of molecules drawn from noise.",
    discussion: """
      Draws --samples molecules from pure noise under the model's condition (the FreeGress \
      setting: node counts from the training histogram, classifier-free guidance at --scale), \
      once with the valence constraint and once without it (the same node counts: what the \
      model alone produces), and judges as many random training molecules the same way. Writes \
      samples.csv (every molecule and every judgement), samples.smi (the valid generated ones) \
      and summary.json to --out; scripts/check-generation.py recomputes the table with RDKit. \
      Interrupted runs continue from OUT/journal.jsonl.
      Example: cfx eval generation --model molecules/models/molecules --samples 1000 --out results/generation
      """)

  @Option(help: "Model directory (default: the shipped molecule model).")
  var model: String?
  @Option(help: "Training molecules for novelty and the training column (default ~/.cache/cfx/data/molecules/train.jsonl).")
  var reference: String?
  @Option(help: "Use at most N training molecules.")
  var referenceLimit: Int?
  @Option(help: "Molecules per column.")
  var samples = 1000
  @Option(help: "Classifier-free guidance scale (1: the conditional model alone).")
  var scale: Float = MoleculeCounterfactualSettings.recommended.sampling.guidanceScale
  @Flag(help: "Sample under the learned null condition instead of the model's target.")
  var unconditional = false
  @Option(help: "Molecules sampled at once.")
  var batchSize = 100
  @Option(help: "Random seed (node counts, sampling, the training draw).")
  var seed: UInt64 = 0
  @Option(help: "Output directory.")
  var out: String
  @OptionGroup var journal: JournalOptions
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard samples > 0 else { throw ValidationError("--samples must be positive") }
    guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    guard scale.isFinite && scale > 0 else { throw ValidationError("--scale must be a positive number") }
    if let referenceLimit, referenceLimit < 1 { throw ValidationError("--reference-limit must be positive") }
  }

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("molecules")
    var request = MoleculeGenerationRequest(
      modelDirectory: modelURL, referenceFile: reference.map { URL(fileURLWithPath: $0) } ?? MoleculeTrainingRequest.defaultDataFile,
      outputDirectory: URL(fileURLWithPath: out), referenceLimit: referenceLimit, samples: samples, guidanceScale: scale, seed: seed,
      batchSize: batchSize)
    request.unconditional = unconditional
    request.restart = journal.restart
    request.quiet = quiet
    print(try stoppable { try MoleculeGenerationJob.run(request) }.text)
  }
}
