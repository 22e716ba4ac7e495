// The flags that make a user's model the target of `cfx explain molecules`: --oracle and its
// reading options, --oracles (a file of named oracles) and --budget.

import ArgumentParser
import Foundation
import Molecules

/// --oracle, --oracle-field, --oracle-timeout, --oracle-batch, --oracles and --budget.
struct OracleOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "A user's model as the property: a command (run by /bin/sh), or the name of an entry of an oracle file.",
    discussion: """
      cfx starts it once and sends batches of SMILES on its standard input, one per line, each \
      batch ended by an empty line; it must answer one line per SMILES, in order, then an empty \
      line. An answer is a number or a JSON object of numbers (pick one with --oracle-field). \
      Only valid molecules are sent. Example: scripts/oracles/logp_rdkit.py.
      """))
  var oracle: String?
  @Option(help: "With JSON-object answers: the field that is the property (e.g. p_active).")
  var oracleField: String?
  @Option(help: "Seconds to wait for one batch's answers (default 120).")
  var oracleTimeout: Double?
  @Option(help: "Most SMILES per batch (default 256).")
  var oracleBatch: Int?
  @Option(help: "A JSON file of named oracles ({\"name\": {\"command\": \"...\", \"field\": \"...\", \"timeout\": 60, \"batch_size\": 128}}; default ./cfx-oracles.json, then ~/.config/cfx/oracles.json).")
  var oracles: String?
  @Option(help: ArgumentHelp(
    "Most property evaluations per input molecule, or none (default \(MoleculeCounterfactualSettings.recommended.budget!) for unsteered gdce, none with --steer or another method).",
    discussion: "An evaluation is one distinct molecule scored (steering, answers, refinement and the input itself all count); once the budget is spent steering stops and unscored molecules get NaN. Every row reports what its input cost. GDCE spends the budget: it draws further rounds with fresh noise while budget is left (the last one may be scored in part), each at an adapted tau: a quarter smaller after a round that found a new answer in target (closer answers), a quarter larger after one that did not; it returns the best distinct answers of all rounds, and drawn_tau in counterfactuals.csv says where each was drawn (--no-budget-rounds: one round at --tau). Rounds cycle through five seeds: the whole input noised to tau; the input with one terminal atom removed; the input with one atom (and its bonds) redrawn by the model as another element, the rest kept; the input with one carbon added that the model redraws (it may become N, O, a halogen); one atom of a near miss (the closest molecule scored so far that moved towards the target) redrawn, so two edits can compose. Each draw of a round visits a site of its own, and a site visited again ends as an element not drawn there before. So an answer may have an atom fewer or more than the input (--keep-atom-count: every round noises the whole input)."))
  var budget: BudgetLimit?
  @Flag(inversion: .prefixedNo, help: "With --budget, GDCE draws further rounds at an adapted tau while budget is left, and keeps the best answers of all.")
  var budgetRounds = true
  @Flag(help: "With --budget, every GDCE round noises the whole input, so every answer keeps its atom count (by default rounds also remove a terminal atom, redraw one atom in the unchanged rest, add one, or redraw an atom of a near miss; see --budget).")
  var keepAtomCount = false

  func validate() throws {
    if case .evaluations(let n) = budget, n < 1 { throw ValidationError("--budget must be ≥ 1 (the input itself costs one evaluation), or none") }
    if let oracleTimeout, !(oracleTimeout > 0 && oracleTimeout.isFinite) { throw ValidationError("--oracle-timeout must be a positive number of seconds") }
    if let oracleBatch, oracleBatch < 1 { throw ValidationError("--oracle-batch must be ≥ 1") }
    if oracle == nil && (oracleField != nil || oracleTimeout != nil || oracleBatch != nil) {
      throw ValidationError("--oracle-field, --oracle-timeout and --oracle-batch set how the oracle is read: pass --oracle too")
    }
  }

  /// The oracle's configuration, flags over the file entry's values (nil without --oracle).
  func configuration() throws -> ExternalOracle.Configuration? {
    guard let oracle else { return nil }
    var c = try OracleFile.resolve(oracle, file: oracles.map { URL(fileURLWithPath: $0) })
    if let oracleField { c.field = oracleField }
    if let oracleTimeout { c.timeout = oracleTimeout }
    if let oracleBatch { c.batchSize = oracleBatch }
    return c
  }
}

/// A `--budget` value: a number of evaluations per input, or `none` (unlimited).
enum BudgetLimit: ExpressibleByArgument, Equatable {
  /// At most this many evaluations per input.
  case evaluations(Int)
  /// No cap.
  case unlimited

  /// Parses `N` or `none`.
  init?(argument: String) {
    if argument == "none" {
      self = .unlimited
    } else if let n = Int(argument) {
      self = .evaluations(n)
    } else {
      return nil
    }
  }

  /// The cap (nil: none).
  var limit: Int? {
    if case .evaluations(let n) = self { return n }
    return nil
  }
}
