// `cfx eval molecules`: Table 2 of Bechtoldt and Bender, "Graph Diffusion Counterfactual Explanation" (logP window counterfactuals on MOSES).

import ArgumentParser
import DiffusionCore
import Foundation
import Molecules
import Workbench

struct EvalMolecules: ParsableCommand, RunsOnRanks {
  /// The protocol's sampling.
  enum Defaults: SamplingDefaults {
    static var sampling: SamplingSettings { MoleculeEvaluationRequest.defaultSampling }
    static var samplesMeaning: String { "counterfactuals per input and setting" }
  }

  static let configuration = CommandConfiguration(
    commandName: "molecules",
    abstract: "Table 2: counterfactuals of test molecules outside logP [1.7, 3.8], GDCE at each tau, FreeGress and retrieval.",
    discussion: """
      Draws --inputs test molecules below and --inputs above the window (seeded), generates \
      --samples counterfactuals each at every tau plus the FreeGress and retrieval baselines, and \
      writes counterfactuals.csv, summary.json and a notebook (+ HTML) to --out \
      (notebooks-export/molecules.ipynb). Validity, accuracy, mean Tanimoto (Morgan r2, 2048 bits), \
      uniqueness, novelty and the best-of-K view. Interrupted runs resume from OUT/journal.jsonl.
      Example: cfx eval molecules --model ~/.cache/cfx/molecule-model --out results/molecules
      """)

  @Option(help: "Model directory (default: the shipped molecule model).")
  var model: String?
  @Option(help: "Test molecules (default ~/.cache/cfx/data/molecules/test.jsonl).")
  var test: String?
  @Option(help: "Reference (training) molecules for retrieval and novelty (default ~/.cache/cfx/data/molecules/train.jsonl).")
  var reference: String?
  @Option(help: "Use at most N reference molecules.")
  var referenceLimit: Int?
  @Option(help: "Inputs below and inputs above the window (each).")
  var inputs = 100
  @OptionGroup var sampling: SamplingOptions<Defaults>
  @Flag(inversion: .prefixedNo, help: "Valence-constrained sampling.")
  var constrained = true
  @Option(parsing: .upToNextOption, help: "Property steering strengths for the GDCE columns (0 = off; several give one set of columns each): SMC over the samples towards the window (see cfx explain --help). Baselines are never steered.")
  var steer: [Double] = [0]
  @Option(help: "Compute only inputs START..<END of the drawn ones (a shard of a long run, in an --out of its own; merge shards with --merge).")
  var inputRange: String?
  @Option(help: ArgumentHelp(
    "Output directory of an earlier run with the same model, seed, scale, samples, constraint and inputs (e.g. a shard); its finished pairs are reused (repeatable).",
    valueName: "dir"))
  var merge: [String] = []
  @OptionGroup var journal: JournalOptions
  @Option(parsing: .upToNextOption, help: "τ values of the steered columns (default: --tau).")
  var steeredTaus: [Int] = []
  @Option(help: "Steering particles per counterfactual in the steered columns (K·N run, the K best distinct returned: in the window first, then most similar).")
  var particles = 1
  @Option(help: "Proximity weight of steering in the steered columns: the potential gains proximity * Tanimoto to the input (see cfx explain --help).")
  var proximity: Double = 0
  @Flag(inversion: .prefixedNo, help: "Minimal-edit refinement in the steered and budget columns (edits the target does not need are undone; see cfx explain --help).")
  var refine = true
  @Flag(inversion: .prefixedNo, help: "Run the FreeGress and retrieval baselines.")
  var baselines = true
  @Option(parsing: .upToNextOption, help: ArgumentHelp(
    "Evaluation budgets per input (e.g. --budgets 10 100 1000): for each, a GDCE column and a mutation-baseline column that score at most B molecules per input.",
    discussion: "The GDCE column takes the steered setting (else the first τ) with min(samples, B - 1) answers, and its particles only when they fit; the mutation baseline scores up to B - 1 random graph edits of the input and keeps as many answers. The input itself costs one evaluation."))
  var budgets: [Int] = []
  @Flag(inversion: .prefixedNo, help: "In the budget columns, GDCE draws further rounds, τ adapted, while budget is left (see cfx explain --help).")
  var budgetRounds = true
  @Flag(help: "In the budget columns, GDCE's rounds keep the input's atom count (see cfx explain --help).")
  var keepAtomCount = false
  @Flag(inversion: .prefixedNo, help: "The realism guard in the GDCE columns (see cfx explain --help).")
  var realismGuard = true
  @Option(help: "Output directory.")
  var out: String
  @Option(help: "Notebook path (default OUT/notebooks-export/molecules.ipynb; an .html page is written beside it).")
  var notebook: String?
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    if budgets.contains(where: { $0 < 2 }) { throw ValidationError("--budgets must be ≥ 2 each (the input itself costs one evaluation)") }
    guard inputs > 0 else { throw ValidationError("--inputs must be positive") }
    guard proximity >= 0 && proximity.isFinite else { throw ValidationError("--proximity must be a finite number ≥ 0") }
    guard proximity == 0 || steer.contains(where: { $0 > 0 }) else { throw ValidationError("--proximity needs a steered column (--steer λ with λ > 0)") }
  }

  func run() throws {
    let dataDirectory = MoleculeTrainingRequest.defaultDataFile.deletingLastPathComponent()
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("molecules")
    var request = MoleculeEvaluationRequest(
      modelDirectory: modelURL, testFile: test.map { URL(fileURLWithPath: $0) } ?? dataDirectory.appendingPathComponent("test.jsonl"),
      referenceFile: reference.map { URL(fileURLWithPath: $0) } ?? MoleculeTrainingRequest.defaultDataFile, referenceLimit: referenceLimit,
      inputsPerSide: inputs, sampling: sampling.settings(), constrained: constrained, baselines: baselines,
      outputDirectory: URL(fileURLWithPath: out), notebook: notebook.map { URL(fileURLWithPath: $0) }, quiet: quiet)
    request.steerings = steer
    request.budgets = budgets
    request.budgetRounds = budgetRounds
    request.keepAtomCount = keepAtomCount
    request.realismGuard = realismGuard
    request.particles = particles
    request.proximity = proximity
    request.refine = refine
    request.steeredTaus = steeredTaus.isEmpty ? nil : steeredTaus
    request.mergeFrom = merge.map { URL(fileURLWithPath: $0) }
    request.restart = journal.restart
    if let inputRange {
      let parts = inputRange.split(separator: ":").compactMap { Int($0) }
      guard parts.count == 2, parts[0] >= 0, parts[0] < parts[1] else { throw ValidationError("--input-range \(inputRange): expected START:END with 0 ≤ START < END") }
      request.inputRange = parts[0]..<parts[1]
    }
    request.group = Ranks.group
    // Ranks other than 0 compute their share and print nothing.
    if let outcome = try stoppable({ try reportingOptionNames { try MoleculeEvaluationJob.run(request) } }) { print(outcome.text) }
  }
}
