// What one explanation run is asked to do: method, τ values, samples, guidance scale, seed,
// valence constraint, property steering and refinement, with the recommended defaults.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import NN

/// Settings of one explanation run.
public struct MoleculeCounterfactualSettings: Sendable {
  /// Method.
  public var method: MoleculeCounterfactualMethod
  /// Noise steps τ (GDCE; FreeGress samples from T, retrieval does not sample), counterfactuals
  /// per input and τ, guidance scale, seed.
  public var sampling: SamplingSettings
  /// Valence-constrained sampling.
  public var constrained: Bool
  /// Property steering strength λ ≥ 0 (0: off). The K samples of a run are SMC particles with
  /// potential log φ = −λ · (distance of the property of the predicted clean molecule from the
  /// target, in property units), resampled when their weights degenerate (Diffusion's
  /// ParticleSteering.swift). Samples of one run can then share a history.
  public var steering: Double
  /// Steering particles per returned counterfactual (≥ 1; > 1 needs steering): K·particles are
  /// run and the K best distinct molecules returned (`MoleculeCounterfactualEngine.bestDistinct`).
  public var particles: Int
  /// Proximity weight μ ≥ 0 of steering (0: off; > 0 needs steering): the potential gains
  /// + μ · Tanimoto(predicted molecule, input), so among molecules that meet the target the
  /// particles closer to the input are preferred (a counterfactual should change little).
  public var proximity: Double
  /// Minimal-edit refinement (GDCE): every generated counterfactual that is valid and in target
  /// has the edits it does not need undone (MinimalEdits.swift).
  public var refine: Bool
  /// Most property (oracle) evaluations per input (nil: unlimited; PropertyScoring.swift).
  public var budget: Int? = nil
  /// With a budget, GDCE draws further rounds (fresh noise) while budget is left, each at the τ
  /// a staircase moves to (`MoleculeCounterfactualEngine.nextRoundTau`: smaller after a round
  /// that found a new answer in target, larger after one that did not), and returns the best distinct
  /// answers of all rounds (`MoleculeCounterfactualEngine.bestDistinct`): a budget is spent on
  /// closer answers instead of being left. Off: one round at τ, as without a budget.
  public var budgetRounds = true
  /// Whether this run draws rounds: GDCE with a budget and `budgetRounds` on.
  public var spendsBudgetInRounds: Bool { method == .gdce && budget != nil && budgetRounds }
  /// Budget rounds noise the whole input only: every answer keeps the input's atom count. Off
  /// (the default), rounds cycle through the whole input, the input with one terminal atom
  /// removed, one atom redrawn in the unchanged rest, one atom added, and one atom of a near
  /// miss redrawn (RoundSeeds.swift).
  public var keepAtomCount = false
  /// Whether some rounds of this run draw from a seed other than the whole input.
  public var drawsResizedRounds: Bool { spendsBudgetInRounds && !keepAtomCount }
  /// How this run's rounds are drawn, as journal keys record it: "" (one round), ", adaptive
  /// rounds" (the whole input only), ", adaptive rounds, ±1 atom, one site per draw, near
  /// misses" (every seed kind of RoundSeeds.swift).
  public var roundsKey: String { spendsBudgetInRounds ? ", adaptive rounds" + (drawsResizedRounds ? ", ±1 atom, one site per draw, near misses" : "") : "" }
  /// The realism guard (Realism.swift: no unstable group, MOSES filters passed): steering lowers
  /// the potential of predicted molecules in target that are not realistic by
  /// `realismPenalty`, refinement never makes a molecule less realistic, and unrealistic
  /// answers rank below every realistic molecule (near misses of the target included), and of
  /// the answers chosen among more molecules than are returned (budget rounds, particles,
  /// mutation) those much harder to make than the input are left out unless one leads
  /// (`chosen`). Off: realism is only reported.
  public var realismGuard = true
  /// What an unrealistic molecule in target costs in the steering potential (log φ units; at
  /// λ = 10, 3 is what 0.3 property units outside the target cost). Measured on 20 Table 2
  /// inputs: 3 keeps in-target accuracy at 0.87 where 10 drops it to 0.84, with the same realism.
  public var realismPenalty = 3.0
  /// Under the realism guard, the SA units an answer may be harder to make than its input
  /// before it ranks after the others and is left out of chosen answers (0.2 by default,
  /// MoleculeCounterfactualRow.accessibilityMargin).
  public var accessibilityMargin = MoleculeCounterfactualRow.accessibilityMargin

  /// The answers chosen from ranked `answers` (lead first): under the realism guard without
  /// those harder to make than the margin allows, the lead kept
  /// (MoleculeCounterfactual.leavingOutHarder); unchanged without it.
  func chosen(_ answers: [MoleculeCounterfactual]) -> [MoleculeCounterfactual] {
    realismGuard ? MoleculeCounterfactual.leavingOutHarder(answers, margin: accessibilityMargin) : answers
  }
  /// Guards every answer must meet besides the target (built-in properties, e.g. sa ≤ 3.5):
  /// steering aims at them as at the target, refinement keeps them, and an answer that misses
  /// one is no success.
  public var keeps: [PropertyTarget] = []

  /// What `cfx explain` uses for molecules when not told otherwise: GDCE from τ 20, 10 answers,
  /// scale 8, valence-constrained, unsteered, refined, with 100 property evaluations per input
  /// spent in budget rounds (the τ staircase and the four seed kinds of RoundSeeds.swift). On the
  /// Table 2 protocol it gives closer answers, more of them in target and more realistic ones
  /// than steering (λ 10, 3 particles per answer, τ 50) at about a fifteenth of the property
  /// evaluations (molecules/README.md).
  public static let recommended: MoleculeCounterfactualSettings = {
    var settings = MoleculeCounterfactualSettings(
      method: .gdce, sampling: SamplingSettings(taus: [20], samples: 10, guidanceScale: 8), constrained: true, refine: true)
    settings.budget = 100
    return settings
  }()

  /// Steering particles per answer when steering is asked for without `--particles`: the K best
  /// distinct of 3K particles (the best-of-10 column of the steering evaluation).
  public static let steeredParticles = 3

  /// What `cfx explain` uses for logP targets other than the drug-like window: GDCE at τ 50, 10
  /// answers, scale 8, steering λ = 10 with 3 particles per answer, refined, no budget. Such a
  /// target can lie several logP units from the input; steering moves every particle towards it
  /// at each step, where unsteered rounds reach it only from a large τ, far from the input (15
  /// inputs needing logP ≤ 1, continuous-logP model: best-of-10 Tanimoto 0.62 steered, about 980
  /// evaluations per input; 0.51 in budget rounds of 100 before near-miss rounds; molecules/README.md).
  public static let recommendedSteered = MoleculeCounterfactualSettings(
    method: .gdce, sampling: SamplingSettings(taus: [50], samples: 10, guidanceScale: 8), constrained: true,
    steering: 10, particles: steeredParticles, refine: true)

  /// The recommended settings for `target`: `recommendedSteered` for a logP target other than
  /// the drug-like window, `recommended` for every other target (the window, other properties,
  /// a user's oracle).
  public static func recommended(for target: PropertyTarget) -> MoleculeCounterfactualSettings {
    target.isOtherLogPTarget ? recommendedSteered : recommended
  }

  /// The evaluations per input `cfx explain` spends in budget rounds (`recommended` otherwise)
  /// when most inputs are larger than the model's largest training molecule (`mostlyOversized`).
  /// Beyond its training sizes a draw of the model changes more of the input, so fewer draws
  /// land close to it in target and the search needs more of them; steering
  /// (`recommendedSteered`) keeps closer but lands fewer answers in target, more of them
  /// unstable. On 30 approved drugs of
  /// 28–50 heavy atoms outside the logP window (molecules/README.md): in target 0.90 of the
  /// answers, best-of-10 1.00 at Tanimoto 0.70, alert rate 0.10 (inputs 0.13), 1,000 evaluations
  /// per input; steered 0.68, 1.00 at 0.73, 0.24, about 1,370.
  public static let oversizedBudget = 1000

  /// Whether a run of `sizes` (heavy atoms per input) is mostly beyond a model trained on
  /// molecules of at most `modelMaximum` atoms: more than half of the inputs are larger; `cfx
  /// explain` then spends `oversizedBudget` unless told otherwise.
  public static func mostlyOversized(_ sizes: [Int], modelMaximum: Int) -> Bool {
    2 * sizes.filter { $0 > modelMaximum }.count > sizes.count
  }

  /// Settings.
  public init(method: MoleculeCounterfactualMethod, sampling: SamplingSettings, constrained: Bool,
              steering: Double = 0, particles: Int = 1, proximity: Double = 0, refine: Bool = false) {
    precondition(steering >= 0 && steering.isFinite, "MoleculeCounterfactualSettings: steering \(steering) must be finite and ≥ 0")
    precondition(particles >= 1, "MoleculeCounterfactualSettings: particles \(particles) must be ≥ 1")
    precondition(proximity >= 0 && proximity.isFinite, "MoleculeCounterfactualSettings: proximity \(proximity) must be finite and ≥ 0")
    (self.method, self.sampling, self.constrained) = (method, sampling, constrained)
    (self.steering, self.particles, self.proximity, self.refine) = (steering, particles, proximity, refine)
  }
}
