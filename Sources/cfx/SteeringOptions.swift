// The property-steering flags of molecule GDCE (--steer, --particles, --proximity, --refine),
// declared once for `cfx explain molecules` and `cfx bench explain`, with the recommended
// defaults of MoleculeCounterfactualSettings.

import ArgumentParser
import DiffusionCore
import Molecules

/// --steer, --particles, --proximity and --refine/--no-refine.
struct SteeringOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Property steering strength (0 = off; default 0, and \(MoleculeCounterfactualSettings.recommendedSteered.steering) for logP targets other than 1.7:3.8).",
    discussion: "The samples become particles, reweighted by exp(-steer * distance of the predicted molecule's property from the target) and resampled; also reaches targets the model was not conditioned on. Steering scores every particle at every step (about 1,500 evaluations per input at --steer 10 with 3 particles and tau 50), so with --steer the budget is unlimited unless --budget says otherwise; the default, unsteered GDCE in budget rounds (see --budget), answered the Table 2 protocol closer to the inputs with 100."))
  var steer: Double?
  @Option(help: "Steering particles per counterfactual (default \(MoleculeCounterfactualSettings.steeredParticles) when steering, else 1): K·N particles run and the K best distinct molecules returned (in target first, most similar to the input among those); N times the cost.")
  var particles: Int?
  @Option(help: ArgumentHelp(
    "Proximity weight of steering (needs --steer; 0 = off).",
    discussion: "Adds proximity * Tanimoto(predicted molecule, input) to the steering potential, so that among molecules that meet the target the particles closer to the input are kept (e.g. --proximity 5)."))
  var proximity: Double = 0
  @Flag(inversion: .prefixedNo, help: ArgumentHelp(
    "Minimal-edit refinement (gdce).",
    discussion: "Every valid in-target counterfactual has the edits it does not need undone, greedily, as long as it stays valid, in target and at least as similar to the input (Sources/Molecules/MinimalEdits.swift)."))
  var refine = true
  @Flag(inversion: .prefixedNo, help: ArgumentHelp(
    "The realism guard (gdce).",
    discussion: "Steering penalises predicted molecules with an unstable or implausible group (enol, acyclic enamine, vinyl halide, acyl halide, N-O single bond, ... 44 named alerts; cfx props lists them), refinement never adds one, and answers with one (or failing a MOSES filter) rank below every realistic molecule, realistic near misses of the target included; the closest realistic answer in target leads (when none is realistic, the closest one that does). Answers more than --sa-margin SA units harder to make than the input (sa and sa_before columns) rank after the others, and when cfx chooses the answers among more molecules than it returns (budget rounds, particles, --method mutate) they are left out unless they lead: fewer answers come back, and harder_left_out counts them. --no-realism-guard only reports realism (the sa and alerts columns)."))
  var realismGuard = true
  @Option(help: "What an unstable group costs in the steering potential under the realism guard (default \(MoleculeCounterfactualSettings.recommended.realismPenalty), in the units of steer × one property unit).")
  var realismPenalty: Double?
  @Option(help: ArgumentHelp(
    "SA units an answer may be harder to make than its input under the realism guard (default \(MoleculeCounterfactualRow.accessibilityMargin)).",
    discussion: "An answer whose synthetic accessibility score (sa column, 1 easy ... 10 hard) exceeds the input's (sa_before) by more than this ranks after the others and, where cfx chooses among more molecules than it returns, is left out unless it is the closest answer (harder_left_out counts them). A larger margin, e.g. 0.5, returns more answers that are harder to make."))
  var saMargin: Double?

  func validate() throws {
    guard (steer ?? 0) >= 0 && (steer ?? 0).isFinite else { throw ValidationError("--steer must be a finite number ≥ 0 (0 switches steering off)") }
    guard (particles ?? 1) >= 1 else { throw ValidationError("--particles must be ≥ 1") }
    guard proximity >= 0 && proximity.isFinite else { throw ValidationError("--proximity must be a finite number ≥ 0 (0 switches it off)") }
    guard (realismPenalty ?? 0) >= 0 && (realismPenalty ?? 0).isFinite else { throw ValidationError("--realism-penalty must be a finite number ≥ 0") }
    guard (saMargin ?? 0) >= 0 && (saMargin ?? 0).isFinite else { throw ValidationError("--sa-margin must be a finite number ≥ 0 (SA units, e.g. 0.5)") }
  }

  /// Steering strength for `method` as the option rules check it: as asked, else the default
  /// target's recommended one for GDCE (none) and none for the baselines, so particles and
  /// proximity always come with an explicit --steer.
  func steering(for method: MoleculeCounterfactualMethod) -> Double {
    steer ?? (method == .gdce ? MoleculeCounterfactualSettings.recommended.steering : 0)
  }

  /// Checks that particles and proximity, which act through steering, have steering to act
  /// through (retrieval takes neither and is not checked).
  func checkNeedsSteering(for method: MoleculeCounterfactualMethod) throws {
    guard method.samples && steering(for: method) == 0 else { return }
    if let particles, particles > 1 { throw ValidationError(MoleculeCounterfactualError.particlesNeedSteering(particles: particles).inOptionNames) }
    if proximity > 0 { throw ValidationError(MoleculeCounterfactualError.proximityNeedsSteering(proximity: proximity).inOptionNames) }
  }

  /// The settings of a run of `method` with `sampling`, steering as asked, what was not asked
  /// taken from `recommended` (MoleculeCounterfactualSettings.recommended(for:) of the target).
  func settings(
    method: MoleculeCounterfactualMethod, sampling: SamplingSettings, constrained: Bool,
    recommended: MoleculeCounterfactualSettings = .recommended
  ) -> MoleculeCounterfactualSettings {
    let strength = steer ?? (method == .gdce ? recommended.steering : 0)
    var settings = MoleculeCounterfactualSettings(
      method: method, sampling: sampling, constrained: constrained, steering: strength,
      particles: particles ?? (strength > 0 ? MoleculeCounterfactualSettings.steeredParticles : 1), proximity: proximity, refine: refine)
    // Unsteered GDCE spends the recommended budget in rounds; steering is unlimited by default.
    settings.budget = method == .gdce && strength == 0 ? MoleculeCounterfactualSettings.recommended.budget : nil
    settings.realismGuard = realismGuard
    if let realismPenalty { settings.realismPenalty = realismPenalty }
    if let saMargin { settings.accessibilityMargin = saMargin }
    return settings
  }
}
