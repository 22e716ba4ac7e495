// `cfx explain molecules` (the default of `cfx explain`): counterfactuals of molecules with GDCE
// and the molecule models, plus the FreeGress and retrieval baselines.

import ArgumentParser
import DiffusionCore
import Foundation
import Molecules
import Workbench

extension TargetProperty: ExpressibleByArgument {}
extension MoleculeCounterfactualMethod: ExpressibleByArgument {}

struct ExplainMolecules: ParsableCommand, RunsOnRanks {
  static let configuration = CommandConfiguration(
    commandName: "molecules",
    abstract: "Counterfactuals of molecules: the most similar valid molecules whose property meets the target.",
    discussion: """
      Inputs are SMILES, .smi/.sdf/.mol/.mol2 files (as arguments or with --input), or --input - \
      for SMILES lines on standard input; --target 1.7:3.8, >=2.5 or <=3. Unless --model is \
      given, the shipped window model (molecules/models/molecules) answers the drug-like window \
      1.7:3.8 and other properties, the continuous-logP model (molecules/models/molecules-logp) \
      any other logP target; closeness is Tanimoto on Morgan radius-2 2048-bit fingerprints. By \
      default GDCE spends 100 property evaluations per input in rounds: the first at tau 20, \
      each later one at a tau a staircase adapts, drawn from the input, the input with an atom \
      removed, added or redrawn (see --budget); scale 8, valence-constrained, refined to \
      minimal edits, realistic answers first. For logP targets other than the window it steers \
      by the exact property instead (tau 50, --steer 10, 3 particles per answer, no budget unless \
      given), which reaches far targets closer to the input. A run whose inputs are mostly \
      larger than the model's training molecules (27 heavy atoms for the shipped models) spends \
      1,000 evaluations per input, as the model's draws change more of such inputs; --budget \
      none --no-refine gives \
      plain GDCE. --method freegress samples from noise under the target; \
      --method nearest returns the most similar in-target molecule of the training data (cfx \
      data molecules); --method mutate scores random graph edits of the input (the model-free \
      baseline; its answers ranked like GDCE's). --oracle makes any model the property: a classifier or regressor that reads \
      SMILES lines and answers numbers (see --oracle); --budget caps its calls per input, and \
      every row reports the evaluations its input cost; with a budget, unsteered GDCE answers any \
      target (the unconditional model proposes, the property or oracle scores). Writes CSV, JSON, SDF and SVG grids to --out.
      Examples:
        cfx explain 'CCCCCCCCCCCCOc1ccccc1' --target 1.7:3.8 --out results/
        cfx explain molecules/examples/example.smi --property tpsa --target 60:90
        cfx explain --method nearest 'CCO' --target '>=2.5'
        cfx explain molecules/examples/example.smi --oracle 'python3 scripts/oracles/logp_rdkit.py' --target 1.7:3.8 --budget 1000
      """)

  /// The recommended molecule settings.
  enum Defaults: SamplingDefaults {
    static var sampling: SamplingSettings { MoleculeCounterfactualSettings.recommended.sampling }
  }

  @OptionGroup var io: ExplainInputOutputOptions
  @Option(help: "Model directory (default: molecules/models/molecules, or molecules/models/molecules-logp for logP targets other than 1.7:3.8).")
  var model: String?
  @Option(help: "The property of the target: \(TargetProperty.allCases.map(\.rawValue).joined(separator: ", ")).")
  var property: TargetProperty?
  @Option(help: "Target range LOW:HIGH, >=LOW or <=HIGH (default 1.7:3.8, the drug-like logP window); flip or flip:T moves each input to the other side of T (default 0.5: a classifier's probability).")
  var target: String?
  @Option(help: "gdce, freegress, nearest or mutate (random graph edits of the input scored by the property: the model-free baseline).")
  var method: MoleculeCounterfactualMethod?
  @Flag(inversion: .prefixedNo, help: "Valence-constrained sampling.")
  var constrained = true
  @Flag(inversion: .prefixedNo, help: "Standardise inputs: keep a salt's largest organic fragment, neutralise charges where a neutral form exists, drop isotope labels; every change (and dropped stereo) is reported per input and the SMILES as given is kept in every row.")
  var standardize = true
  @OptionGroup var steering: SteeringOptions
  @OptionGroup var oracle: OracleOptions
  @Option(help: ArgumentHelp(
    "A guard every answer must meet besides the target (repeatable): sa<=3.5, tpsa=20:90, logp>=1.",
    discussion: "Steering aims at the guards as at the target, refinement keeps them, and an answer that misses one is not counted as a success (its keep_failed column says which)."))
  var keep: [String] = []
  @Option(help: "Reference molecules for --method nearest (default ~/.cache/cfx/data/molecules/train.jsonl).")
  var reference: String?
  @Option(help: "Use at most N reference molecules.")
  var referenceLimit: Int?
  @OptionGroup var sampling: SamplingOptions<Defaults>
  /// Graph options, from when `cfx explain` guessed the domain: each names its replacement.
  @Option(help: .private) var targetEdges: Int?
  @Option(help: .private) var delta: Int?

  func validate() throws {
    if targetEdges != nil || delta != nil {
      throw ValidationError("--target-edges and --delta are graph options: graphs are explained by `cfx explain graphs GRAPH6… \(targetEdges.map { "--target-edges \($0)" } ?? "--delta \(delta!)")`")
    }
    if let graphFile = io.files.first(where: { URL(fileURLWithPath: $0).pathExtension.lowercased() == "g6" }) {
      throw ValidationError("\(graphFile) is a graph6 file: graphs are explained by `cfx explain graphs \(graphFile)`")
    }
    if let model, FileManager.default.fileExists(atPath: URL(fileURLWithPath: model).appendingPathComponent("config.json").path),
       !FileManager.default.fileExists(atPath: URL(fileURLWithPath: model).appendingPathComponent(MoleculeExperimentInfo.fileName).path) {
      throw ValidationError("--model \(model) is a graph model: graphs are explained by `cfx explain graphs --model \(model) …`")
    }
    if property.map({ $0 != .logp }) == true && target == nil { throw ValidationError("--property \(property!.rawValue) needs --target (e.g. --target 250:350)") }
    if oracle.oracle != nil {
      if let property, property != .oracle { throw ValidationError("--oracle makes the oracle's output the property: drop --property \(property.rawValue)") }
      if target == nil { throw ValidationError("--oracle needs --target on its output (e.g. --target '<=0.5' to make a classifier's probability fall below one half)") }
    } else if property == .oracle {
      throw ValidationError("--property oracle needs --oracle 'COMMAND'")
    }
    try steering.checkNeedsSteering(for: chosenMethod)
  }

  /// The method, GDCE unless asked otherwise.
  var chosenMethod: MoleculeCounterfactualMethod { method ?? .gdce }

  func run() throws {
    let property = oracle.oracle != nil ? TargetProperty.oracle : self.property
    // "flip" or "flip:T": each input to the other side of T (default 0.5, a probability's).
    let flip: Double? = try target.flatMap { text in
      guard text.hasPrefix("flip") else { return nil }
      let rest = text.dropFirst(4)
      if rest.isEmpty { return 0.5 }
      guard rest.hasPrefix(":"), let t = Double(rest.dropFirst()), t.isFinite else {
        throw ValidationError("--target \(text): write flip (threshold 0.5) or flip:T, e.g. flip:0.3")
      }
      return t
    }
    let goal = try flip.map { PropertyTarget(property: property ?? .logp, lower: $0, upper: nil) } ?? target.map { try PropertyTarget.parse($0, property: property ?? .logp) }
      ?? PropertyTarget(property: property ?? .logp, lower: PropertyTarget.drugLikeLogP.lower, upper: PropertyTarget.drugLikeLogP.upper)
    var smiles = io.inlineInputs
    if io.readsStandardInput { smiles += try ExplainInputOutputOptions.lines(of: "-") }
    var modelURL: URL? = model.map { URL(fileURLWithPath: $0) }
    if modelURL == nil && chosenMethod.samples { modelURL = try ShippedModels.moleculeModel(for: goal) }
    // Far logP targets are steered by default, every other target searched in budget rounds.
    let recommended = MoleculeCounterfactualSettings.recommended(for: goal)
    var request = ExplainMoleculesRequest(
      modelDirectory: modelURL, smiles: smiles, inputFiles: io.files, target: goal,
      settings: steering.settings(
        method: chosenMethod, sampling: sampling.settings(defaults: recommended.sampling), constrained: constrained, recommended: recommended),
      referenceFile: reference.map { URL(fileURLWithPath: $0) }, referenceLimit: referenceLimit,
      outputDirectory: io.outputDirectory, show: io.show, quiet: io.quiet)
    request.restart = io.journal.restart
    request.standardization = standardize ? .standard : .none
    request.oracle = try oracle.configuration()
    if let budget = oracle.budget { request.settings.budget = budget.limit }
    request.settings.budgetRounds = oracle.budgetRounds
    request.settings.keepAtomCount = oracle.keepAtomCount
    request.settings.keeps = try keep.map { try PropertyTarget.parseGuard($0) }
    request.flipAt = flip
    // Inputs mostly larger than the model's training molecules get a larger budget, unless the
    // user chose how to search (τ, steering, particles, a budget, an oracle, another method).
    if chosenMethod == .gdce && recommended.steering == 0 && sampling.givenTaus.isEmpty && steering.steer == nil && steering.particles == nil
      && oracle.budget == nil && oracle.oracle == nil && oracle.budgetRounds && !oracle.keepAtomCount {
      var oversized = request.settings
      oversized.budget = MoleculeCounterfactualSettings.oversizedBudget
      request.oversizedSettings = oversized
    }
    request.group = Ranks.group
    // Ranks other than 0 compute their share and print nothing.
    if let outcome = try stoppable({ try reportingOptionNames { try ExplainMoleculesJob.run(request) } }) { print(outcome.text) }
  }
}
