// The rows every molecule explanation writes: one per counterfactual, with everything needed to
// check it independently (validity, property before and after, Tanimoto on Morgan r2 2048-bit
// fingerprints, atoms and bonds changed), and the one ranking users and evaluations share.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import NN

/// The counterfactual methods of `cfx explain` for molecules.
public enum MoleculeCounterfactualMethod: String, CaseIterable, Codable, Sendable {
  /// Noise to τ, denoise under the target (GDCE, Bechtoldt and Bender).
  case gdce
  /// Sample from noise under the target (no link to the input but its atom count).
  case freegress
  /// The most similar in-target molecule of the reference (training) set.
  case nearest
  /// Random graph edits of the input (1–3 per mutant), scored by the property, the best kept:
  /// the model-free baseline at an equal evaluation budget (MutationSearch.swift).
  case mutate

  /// Whether the method samples from the molecule model (and so takes τ, guidance, steering).
  public var samples: Bool { self == .gdce || self == .freegress }
}

/// One counterfactual with everything needed to check it independently.
public struct MoleculeCounterfactualRow: Codable, Sendable, Equatable {
  /// Index of the input (0-based, input order).
  public var inputId: Int
  /// Input name (or its record).
  public var inputName: String
  /// Method.
  public var method: MoleculeCounterfactualMethod
  /// Noise step τ (FreeGress: T; nearest: 0).
  public var tau: Int
  /// Guidance scale.
  public var guidanceScale: Float
  /// Seed.
  public var seed: UInt64
  /// Whether the valence constraint was used.
  public var constrained: Bool
  /// Strength λ of property steering (0: none; see MoleculeCounterfactualSettings.steering).
  public var steering: Double
  /// Steering particles run per returned counterfactual (1: as many as returned).
  public var particles: Int
  /// Proximity weight μ of steering (0: none; see MoleculeCounterfactualSettings.proximity).
  public var proximity: Double
  /// Whether minimal-edit refinement ran (MinimalEdits.swift; GDCE only).
  public var refined: Bool
  /// Input, canonical SMILES.
  public var originalSMILES: String
  /// Counterfactual, canonical SMILES ("" when Open Babel cannot write it).
  public var counterfactualSMILES: String
  /// Passed the validity check.
  public var valid: Bool
  /// The validity report ("ok" or the broken rules).
  public var validity: String
  /// Target, e.g. "logp in [1.7, 3.8]".
  public var target: String
  /// Property of the input and of the counterfactual.
  public var propertyBefore: Double, propertyAfter: Double
  /// The counterfactual's property lies in the target.
  public var inTarget: Bool
  /// Tanimoto similarity to the input.
  public var tanimoto: Double
  /// The fingerprint of `tanimoto`.
  public var fingerprint: String
  /// Atoms changed, removed or added / atom pairs whose bond changed, appeared or went (GDCE
  /// only, counted across its slot matching: MoleculeCounterfactualEngine.changes).
  public var atomsChanged: Int?, bondsChanged: Int?
  /// SHA-256 of the model weights ("" for retrieval without a model).
  public var modelChecksum: String
  /// Whether the input's own property already lies in the target (nil in rows written before
  /// this was recorded). Such an input needs no counterfactual: its rows are variants that keep
  /// it in the target, reported with status `variant` and never counted as successes.
  public var inputInTarget: Bool?
  /// The input's SMILES as given, before standardisation (nil when inputs were not standardised).
  public var inputSMILES: String?
  /// What standardisation changed or dropped in the input ("; "-joined; "" when nothing).
  public var standardization: String?
  /// Property (or oracle) evaluations the whole explanation of this input cost: distinct
  /// molecules scored, by canonical SMILES (PropertyScoring.swift); nil in rows written before
  /// this was counted.
  public var evaluations: Int?
  /// The cap on `evaluations` the run had (nil: none).
  public var budget: Int?
  /// Ertl–Schuffenhauer synthetic accessibility of the counterfactual (1 easy … 10 hard; nil:
  /// invalid, or rows written before it was recorded).
  public var sa: Double?
  /// Unstable or implausible groups of the counterfactual (StabilityAlerts names, "; "-joined;
  /// "" none; nil: invalid, or not recorded).
  public var alerts: String?

  /// The guards (`--keep`) the counterfactual misses ("; "-joined descriptions; nil: none missed,
  /// none asked, or invalid).
  public var keepFailed: String?

  /// QED drug-likeness of the counterfactual (nil: invalid, or not recorded).
  public var qed: Double?
  /// MOSES medicinal-chemistry filters the counterfactual fails ("; "-joined; "" passes; nil:
  /// invalid, or not recorded).
  public var mosesFilters: String?

  /// Answers of this input the realism guard left out because they are more than the SA
  /// margin harder to make than the input (`MoleculeCounterfactual.leavingOutHarder`; nil: no
  /// answers were chosen, as in a plain round, the guard was off, or the row predates the count).
  public var harderLeftOut: Int?

  /// The answers the realism guard left out of `rows` (one input's rows; each τ chose its own
  /// answers and counts its own; nil when no row counts them).
  public static func harderLeftOut(of rows: [MoleculeCounterfactualRow]) -> Int? {
    let counts = Dictionary(grouping: rows, by: \.tau).values.compactMap { $0.first?.harderLeftOut }
    return counts.isEmpty ? nil : counts.reduce(0, +)
  }

  /// The noise step this answer was drawn at when a budgeted search moved τ between rounds
  /// (MoleculeCounterfactualEngine.nextRoundTau; nil: drawn at `tau`).
  public var drawnTau: Int?

  /// Ertl–Schuffenhauer synthetic accessibility of the input (nil: rows written before it was
  /// recorded), beside `sa` so a reader sees how much harder an answer is to make.
  public var saBefore: Double?

  /// How many SA units an answer may be harder to make than its input under the realism guard
  /// (the default of `MoleculeCounterfactualSettings.accessibilityMargin`): a chemist reads the
  /// explanation as "this molecule, changed a little", and an answer that is harder to make than
  /// the input is a less useful one. Beyond the margin an answer ranks after the others
  /// (`rankingKey`) and is left out of the answers unless it leads
  /// (`MoleculeCounterfactual.leavingOutHarder`). On the SA scale (1 easy … 10 hard) one more
  /// stereocentre or one uncommon fragment costs about 0.5; 0.2 is the tolerance within which
  /// the project counts answers as easy to make as their input.
  public static let accessibilityMargin = 0.2

  /// Whether the answer is more than `margin` SA units harder to make than its input.
  public func isHarderToMake(margin: Double = accessibilityMargin) -> Bool {
    guard let sa, let saBefore else { return false }
    return sa > saBefore + margin
  }

  /// The noise step the answer was actually drawn at: `drawnTau` when a search moved it, else `tau`.
  public var drawnAt: Int { drawnTau ?? tau }

  /// Whether the row carries an unstable group or fails a MOSES filter (Realism.swift).
  public var isUnrealistic: Bool { !(alerts ?? "").isEmpty || !(mosesFilters ?? "").isEmpty }

  /// Whether the "counterfactual" is the input itself (same canonical SMILES): never returned,
  /// never a success, never in a similarity mean.
  public var isIdentity: Bool { !counterfactualSMILES.isEmpty && counterfactualSMILES == originalSMILES }

  /// What the row is: `identity` (the input itself, dropped from every output), `variant` (the
  /// input already met the target) or `counterfactual`.
  public var status: String { isIdentity ? "identity" : inputInTarget == true ? "variant" : "counterfactual" }

  /// Whether the row is a valid molecule other than the input that meets the target and every
  /// guard.
  public var meetsTarget: Bool { valid && inTarget && (keepFailed ?? "").isEmpty && !isIdentity }

  /// Whether the row counts as a success: it meets the target, and the input did not already.
  public var isSuccess: Bool { meetsTarget && inputInTarget != true }

  /// A row with every field given.
  public init(
    inputId: Int, inputName: String, method: MoleculeCounterfactualMethod, tau: Int, guidanceScale: Float, seed: UInt64, constrained: Bool,
    steering: Double = 0, particles: Int = 1, proximity: Double = 0, refined: Bool = false, originalSMILES: String, counterfactualSMILES: String, valid: Bool, validity: String, target: String, propertyBefore: Double,
    propertyAfter: Double, inTarget: Bool, tanimoto: Double, fingerprint: String, atomsChanged: Int?, bondsChanged: Int?, modelChecksum: String,
    inputInTarget: Bool? = nil, inputSMILES: String? = nil, standardization: String? = nil, evaluations: Int? = nil, budget: Int? = nil
  ) {
    (self.evaluations, self.budget) = (evaluations, budget)
    (self.inputInTarget, self.inputSMILES, self.standardization) = (inputInTarget, inputSMILES, standardization)
    (self.inputId, self.inputName, self.method, self.tau, self.guidanceScale, self.seed) = (inputId, inputName, method, tau, guidanceScale, seed)
    (self.particles, self.proximity, self.refined) = (particles, proximity, refined)
    (self.constrained, self.steering, self.originalSMILES, self.counterfactualSMILES, self.valid) = (constrained, steering, originalSMILES, counterfactualSMILES, valid)
    (self.validity, self.target, self.propertyBefore, self.propertyAfter, self.inTarget) = (validity, target, propertyBefore, propertyAfter, inTarget)
    (self.tanimoto, self.fingerprint, self.atomsChanged, self.bondsChanged, self.modelChecksum) = (tanimoto, fingerprint, atomsChanged, bondsChanged, modelChecksum)
  }

  /// CSV header, in field order.
  public static let csvHeader =
    "input_id,input_name,original_smiles,counterfactual_smiles,tau,method,guidance_scale,seed,constrained,steering,particles,proximity,refined,valid,validity,target,property_before,property_after,in_target,tanimoto,fingerprint,atoms_changed,bonds_changed,model_sha256,input_in_target,input_smiles_as_given,standardization,status,evaluations,budget,sa,alerts,keep_failed,qed,moses_filters,drawn_tau,sa_before,harder_left_out"

  /// One CSV line (quoted where needed; numbers in full precision, so a row read back is the
  /// row written).
  public var csvLine: String {
    let q = CSV.escape
    func f(_ v: Double) -> String { "\(v)" }
    let counted: String = evaluations.map { String($0) } ?? "", cap: String = budget.map { String($0) } ?? ""
    let accessibility: String = sa.map { "\($0)" } ?? "", groups: String = alerts.map(q) ?? ""
    let fields: [String] = [
      "\(inputId)", q(inputName), q(originalSMILES), q(counterfactualSMILES), "\(tau)", method.rawValue, "\(guidanceScale)", "\(seed)",
      "\(constrained)", f(steering), "\(particles)", f(proximity), "\(refined)", "\(valid)", q(validity), q(target), f(propertyBefore), f(propertyAfter), "\(inTarget)", f(tanimoto), fingerprint,
      atomsChanged.map(String.init) ?? "", bondsChanged.map(String.init) ?? "", modelChecksum, inputInTarget.map { "\($0)" } ?? "",
      q(inputSMILES ?? ""), q(standardization ?? ""), status, counted, cap, accessibility, groups, keepFailed.map(q) ?? "", qed.map { "\($0)" } ?? "", mosesFilters.map(q) ?? "",
      drawnTau.map(String.init) ?? "", saBefore.map { "\($0)" } ?? "", harderLeftOut.map(String.init) ?? "",
    ]
    return fields.joined(separator: ",")
  }

  /// A row read back from `csvLine` (nil when the line is not such a row, or its status column
  /// disagrees with its fields). Lines written before the last columns existed (without `evaluations`
  /// … `harder_left_out`, without `drawn_tau` … , without `sa_before` …, or without
  /// `harder_left_out`) are read too.
  public init?(csvLine line: Substring) {
    guard let f = CSV.fields(of: line), [28, 35, 36, 37, 38].contains(f.count), let inputId = Int(f[0]), let tau = Int(f[4]),
      let method = MoleculeCounterfactualMethod(rawValue: f[5]), let scale = Float(f[6]), let seed = UInt64(f[7]),
      let constrained = Bool(f[8]), let steering = Double(f[9]), let particles = Int(f[10]), let proximity = Double(f[11]),
      let refined = Bool(f[12]), let valid = Bool(f[13]), let before = Double(f[16]), let after = Double(f[17]), let inTarget = Bool(f[18]),
      let tanimoto = Double(f[19])
    else { return nil }
    self.init(
      inputId: inputId, inputName: f[1], method: method, tau: tau, guidanceScale: scale, seed: seed, constrained: constrained,
      steering: steering, particles: particles, proximity: proximity, refined: refined, originalSMILES: f[2], counterfactualSMILES: f[3],
      valid: valid, validity: f[14], target: f[15], propertyBefore: before, propertyAfter: after, inTarget: inTarget, tanimoto: tanimoto,
      fingerprint: f[20], atomsChanged: Int(f[21]), bondsChanged: Int(f[22]), modelChecksum: f[23],
      inputInTarget: Bool(f[24]), inputSMILES: f[25].isEmpty ? nil : f[25], standardization: f[26].isEmpty ? nil : f[26],
      evaluations: f.count >= 35 ? Int(f[28]) : nil, budget: f.count >= 35 ? Int(f[29]) : nil)
    if f.count >= 35 {
      (sa, alerts, keepFailed) = (Double(f[30]), f[30].isEmpty ? nil : f[31], f[32].isEmpty ? nil : f[32])
      (qed, mosesFilters) = (Double(f[33]), f[33].isEmpty ? nil : f[34])
    }
    if f.count >= 36 { drawnTau = Int(f[35]) }
    if f.count >= 37 { saBefore = Double(f[36]) }
    if f.count >= 38 { harderLeftOut = Int(f[37]) }
    guard status == f[27] else { return nil }
  }

  /// The key every ranking of counterfactuals sorts by (smaller first). Without `realism`:
  /// valid and in target (every guard met) first, the most similar to the input first; then the
  /// other valid ones, the closest to the target first; invalid next; the input itself last.
  /// With `realism` (the realism guard), an answer that fails it ranks below every realistic
  /// one: realistic answers in target that are not much harder to make than the input
  /// (`isHarderToMake`), then the harder ones, then realistic molecules just outside the target
  /// (closest to it first: a chemist learns more from a near miss than from an acyl bromide that
  /// hits), then the unrealistic answers in target, the unrealistic misses, the invalid ones and
  /// the input. Ties keep generation order (callers add the index). `margin`: the SA units an
  /// answer may be harder to make than the input before it counts as harder.
  func rankingKey(target: PropertyTarget, realism: Bool = true, margin: Double = accessibilityMargin) -> (group: Int, score: Double) {
    if isIdentity { return (7, 0) }
    let hit = valid && inTarget && (keepFailed ?? "").isEmpty
    let miss = valid ? target.distance(to: propertyAfter) : 0
    guard realism else { return hit ? (0, -tanimoto) : (valid ? 4 : 6, miss) }
    switch (hit, valid && !isUnrealistic) {
    case (true, true): return (isHarderToMake(margin: margin) ? 1 : 0, -tanimoto)
    case (false, true): return (2, miss)
    case (true, false): return (3, -tanimoto)
    case (false, false): return (valid ? 4 : 6, miss)
    }
  }
}

/// A generated counterfactual: its row and its graph (atom slots as generated: for GDCE the
/// input's slots, so slot i of both is the same atom).
public struct MoleculeCounterfactual: Sendable {
  /// The reported facts.
  public var row: MoleculeCounterfactualRow
  /// The generated graph.
  public var graph: MolecularGraph
  /// The slot of `graph` each input atom became (GDCE; nil entry: the atom was removed; slots
  /// nothing maps to were added), nil when there is no correspondence (other methods).
  /// Shapes: input atom count entries.
  public var inputMatching: [Int?]? = nil

  /// Users' ranking by `MoleculeCounterfactualRow.rankingKey`, then generation order.
  public static func ranked(
    _ items: [MoleculeCounterfactual], target: PropertyTarget, realism: Bool = true,
    margin: Double = MoleculeCounterfactualRow.accessibilityMargin
  ) -> [MoleculeCounterfactual] {
    rankedIndices(items, target: target, realism: realism, margin: margin).map { items[$0] }
  }

  /// Indices of `items` in ranking order (stable). Under the realism guard the closest answer
  /// leads: the most similar realistic molecule that meets the target, also when it is harder to
  /// make than the margin allows (the smallest change that reaches the target is the
  /// explanation; the others are alternatives); when no realistic answer meets the target, the
  /// most similar unrealistic one that does (its flags say why it ranks low otherwise): a target
  /// reached only that way is still worth showing.
  static func rankedIndices(
    _ items: [MoleculeCounterfactual], target: PropertyTarget, realism: Bool = true,
    margin: Double = MoleculeCounterfactualRow.accessibilityMargin
  ) -> [Int] {
    var keys = items.map { $0.row.rankingKey(target: target, realism: realism, margin: margin) }
    let closest = { (groups: Set<Int>) in
      keys.indices.filter { groups.contains(keys[$0].group) }.min { keys[$0].score != keys[$1].score ? keys[$0].score < keys[$1].score : $0 < $1 }
    }
    if realism, let lead = closest([0, 1]) ?? closest([3]) { keys[lead].group = -1 }
    return items.indices.sorted { a, b in
      keys[a].group != keys[b].group ? keys[a].group < keys[b].group : keys[a].score != keys[b].score ? keys[a].score < keys[b].score : a < b
    }
  }

  /// `answers` (ranked, the lead first) without those more than `margin` SA units harder to make
  /// than the input, except the lead: under the realism guard an answer much harder to make
  /// than the input is no useful alternative, and the places it leaves stay empty (near misses
  /// and unrealistic molecules are not promoted into them). Every row kept carries the count
  /// left out (`harderLeftOut`). Shapes: k ranked answers in, at most k out, in the same order.
  static func leavingOutHarder(_ answers: [MoleculeCounterfactual], margin: Double) -> [MoleculeCounterfactual] {
    let kept = answers.enumerated().filter { i, answer in i == 0 || !answer.row.isHarderToMake(margin: margin) }.map(\.element)
    return kept.map { var answer = $0; answer.row.harderLeftOut = answers.count - kept.count; return answer }
  }
}
