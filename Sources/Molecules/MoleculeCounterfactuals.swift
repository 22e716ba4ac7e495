// Counterfactuals of molecules with a molecule model: GDCE (noise the input to τ, denoise under
// the target), FreeGress (sample from noise under the target, same atom count) and retrieval
// (the most similar in-target molecule of a reference set). GDCE keeps atom slots, so the change
// is counted slot by slot; the other methods have no correspondence and leave it empty.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import NN

/// Generates molecule counterfactuals with a loaded molecule model.
public struct MoleculeCounterfactualEngine: Sendable {
  /// The model (nil: retrieval only).
  public let model: GraphDiffusionModel?
  /// SHA-256 of the weights.
  public let modelChecksum: String
  /// What the model's condition means.
  public let info: MoleculeExperimentInfo?
  /// Reference molecules for `nearest`.
  public var reference: MoleculeReferenceSet?

  /// An engine on a loaded model (or none, for retrieval).
  public init(model: GraphDiffusionModel?, modelChecksum: String, info: MoleculeExperimentInfo?, reference: MoleculeReferenceSet? = nil) {
    (self.model, self.modelChecksum, self.info, self.reference) = (model, modelChecksum, info, reference)
  }

  /// Loads a molecule model directory (config.json, model.safetensors, experiment.json).
  public static func load(from directory: URL) throws -> MoleculeCounterfactualEngine {
    guard let info = try MoleculeExperimentInfo.load(from: directory) else {
      throw MoleculeDataError(message: "\(directory.path) has no \(MoleculeExperimentInfo.fileName): not a molecule model (train one with `cfx train molecules`)")
    }
    let (model, checksum) = try GraphDiffusionModel.load(from: directory, domainFeatures: [MolecularVocabulary.self])
    guard model.configuration.domainFeatures is MolecularVocabulary else {
      throw MoleculeDataError(message: "\(directory.path): the model configuration has no molecular vocabulary; retrain with `cfx train molecules`")
    }
    return MoleculeCounterfactualEngine(model: model, modelChecksum: checksum, info: info)
  }

  /// Counterfactuals of one input (all τ, in generation order), the property scored by
  /// `scorer` (nil: the target's built-in property within `settings.budget`), one scorer run
  /// per τ (the budget holds for each). Every row reports the evaluations its run cost; rows the
  /// budget left unscored carry NaN. Throws when an oracle fails.
  public func counterfactuals(
    of input: MoleculeEntry, inputId: Int, target: PropertyTarget, settings: MoleculeCounterfactualSettings, scorer: PropertyScorer? = nil
  ) throws -> [MoleculeCounterfactual] {
    let scorer = scorer ?? PropertyScorer(.builtin(target.property), budget: settings.budget)
    let original = EvaluatedMolecule(input.graph, name: input.name)
    scorer.beginRun()
    guard let before = try scorer.value(original.scored) else {
      throw MoleculeDataError(message: "\(input.name): the input could not be scored (\(original.validity.isValid ? "no evaluation left in the budget" : "an oracle is sent valid molecules only: \(original.validity.summary)"))")
    }
    let inputAccessibility = original.validity.isValid ? SyntheticAccessibility.score(original.molecule) : nil
    func row(_ graph: MolecularGraph, tau: Int, changes: (Int, Int)?) throws -> MoleculeCounterfactual {
      let result = EvaluatedMolecule(graph)
      let after = try scorer.value(result.scored) ?? .nan
      var counterfactual = MoleculeCounterfactual(row: MoleculeCounterfactualRow(
        inputId: inputId, inputName: input.name, method: settings.method, tau: tau, guidanceScale: settings.sampling.guidanceScale, seed: settings.sampling.seed,
        constrained: settings.constrained, steering: settings.method.samples ? settings.steering : 0,
        particles: settings.method.samples ? settings.particles : 1, proximity: settings.method.samples ? settings.proximity : 0,
        refined: settings.method == .gdce && settings.refine, originalSMILES: original.smiles, counterfactualSMILES: result.smiles,
        valid: result.validity.isValid, validity: result.validity.summary, target: target.description, propertyBefore: before,
        propertyAfter: after, inTarget: target.contains(after), tanimoto: result.fingerprint.tanimoto(original.fingerprint),
        fingerprint: FingerprintKind.morganBits.rawValue, atomsChanged: changes?.0, bondsChanged: changes?.1, modelChecksum: modelChecksum,
        inputInTarget: target.contains(before), inputSMILES: input.inputSMILES,
        standardization: input.inputSMILES == nil ? nil : input.standardization.joined(separator: "; ")), graph: graph)
      if result.validity.isValid {
        counterfactual.row.sa = SyntheticAccessibility.score(result.molecule)
        counterfactual.row.saBefore = inputAccessibility
        let realism = RealismReport(result.molecule)
        counterfactual.row.alerts = realism.alerts.joined(separator: "; ")
        counterfactual.row.mosesFilters = realism.filterFailures.joined(separator: "; ")
        counterfactual.row.qed = QED.value(result.molecule)
        let missed = settings.keeps.filter { !$0.contains($0.property.value(of: result.molecule)) }.map(\.description)
        if !missed.isEmpty { counterfactual.row.keepFailed = missed.joined(separator: "; ") }
      }
      return counterfactual
    }
    /// Every row of the input carries its final evaluation count.
    func counted(_ rows: [MoleculeCounterfactual]) -> [MoleculeCounterfactual] {
      rows.map { var r = $0; r.row.evaluations = scorer.evaluations; r.row.budget = scorer.budget; return r }
    }
    switch settings.method {
    case .nearest:
      guard let reference else { throw MoleculeCounterfactualError.noReferenceSet }
      let isInput = { (i: Int) in EvaluatedMolecule(reference.entries[i].graph).smiles == original.smiles }
      guard let hit = try reference.nearest(to: original.fingerprint, target: target, scorer: scorer, isInput: isInput) else { return [] }
      return counted([try row(reference.entries[hit.index].graph, tau: 0, changes: nil)])
    case .mutate:
      let mutants = try MutationSearch.scoredMutants(
        of: input.graph, inputFingerprint: original.fingerprint, target: target, scorer: scorer, seed: settings.sampling.seed ^ (UInt64(inputId) &* 0x9E37_79B9_7F4A_7C15))
      // Every scored mutant is a candidate answer; the shared ranking chooses, as for GDCE (with
      // the realism guard, realistic near misses before unrealistic hits).
      let plain = MoleculeData.graph(input.graph)
      let candidates = try mutants.map { graph, _ in
        // Edits that add or remove atoms have no slot correspondence: no change counts then.
        try row(graph, tau: 0, changes: graph.nodeClasses.count == plain.nodeCount ? Self.changes(from: plain, to: MoleculeData.graph(graph)) : nil)
      }
      return counted(settings.chosen(Array(MoleculeCounterfactual.ranked(
        candidates, target: target, realism: settings.realismGuard, margin: settings.accessibilityMargin).prefix(settings.sampling.samples))))
    case .gdce, .freegress: break
    }
    guard let model, let info, let vocabulary = model.configuration.domainFeatures as? MolecularVocabulary else {
      throw MoleculeCounterfactualError.noModel(method: settings.method)
    }
    let condition = try Self.condition(info: info, target: target, settings: settings)
    let constraint: (any ReverseStepConstraint)? = settings.constrained ? Self.valenceConstraint(for: vocabulary) : nil
    guard settings.particles == 1 || settings.steering > 0 else {
      throw MoleculeCounterfactualError.particlesNeedSteering(particles: settings.particles)
    }
    guard settings.proximity == 0 || settings.steering > 0 else {
      throw MoleculeCounterfactualError.proximityNeedsSteering(proximity: settings.proximity)
    }
    let runs = settings.sampling.samples * settings.particles
    let failure = SteeringFailure()
    // Steering keeps back one evaluation per run, what scoring the drawn molecules needs.
    let steering = settings.steering > 0
      ? Self.propertySteering(
        target: target, strength: settings.steering, scorer: scorer, reserve: runs, failure: failure, proximity: settings.proximity, to: original.fingerprint,
        realismPenalty: settings.realismGuard ? settings.realismPenalty : 0, keeps: settings.keeps) : nil
    let diffusion = model.diffusion
    let inputGraph = MoleculeData.graph(input.graph)
    var rows: [MoleculeCounterfactual] = []
    let taus = settings.method == .freegress ? [diffusion.stepCount] : settings.sampling.taus
    for (k, tau) in taus.enumerated() {
      if k > 0 {
        scorer.beginRun()
        _ = try scorer.value(original.scored)
      }
      // One stream per (seed, input, τ, round): a τ's rows do not depend on the other τ values
      // asked for, and inputs of a batch do not share their noise. Round 0 is the only round
      // without a budget; later rounds draw at the τ the search has moved to (`nextRoundTau`).
      if settings.method == .gdce && !(1...diffusion.stepCount).contains(tau) {
        throw MoleculeCounterfactualError.tauOutsideModel(tau: tau, stepCount: diffusion.stepCount)
      }
      var candidates: [MoleculeCounterfactual] = []
      var trialCandidates: [MoleculeCounterfactual] = [], trialSMILES = Set<String>()
      var round = 0, stepsDrawn = 0, roundTau = tau, answersFound = Set<String>()
      let streamSeed = settings.sampling.seed ^ (UInt64(inputId) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(tau) &* 0xBF58_476D_1CE4_E5B9)
      // Budget rounds may draw from the input with one atom removed or added, or redraw one
      // atom only, each draw at a site of its own, visiting the sites in an order of their own
      // (RoundSeeds.swift).
      var orderRNG = RandomGenerator(seed: streamSeed ^ 0xA076_1D64_78BD_642F)
      var seeds = settings.drawsResizedRounds ? RoundSeeds(of: input.graph, drawsPerRound: runs, using: &orderRNG) : nil
      repeat {
        // A later round draws no more molecules than the budget left can score.
        let firstOfRound = candidates.count, roundRuns = round == 0 ? runs : min(runs, scorer.remaining ?? runs)
        var rng = RandomGenerator(seed: streamSeed ^ (UInt64(round) &* 0x94D0_49BB_1331_11EB))
        let drawSeeds = seeds?.seeds(
          forRound: round, draws: roundRuns, scored: [candidates, trialCandidates].joined(), target: target, realism: settings.realismGuard, using: &rng)
        let samples = Self.sampled(
          model: model, method: settings.method, from: inputGraph, seeds: drawSeeds, noiseStep: roundTau,
          count: roundRuns, condition: condition, guidanceScale: settings.sampling.guidanceScale, constraint: constraint, steering: steering, using: &rng)
        if let error = failure.error { throw error }
        // The drawn molecules are scored in one batch first; refinement then spends what is left.
        let drawn = samples.graphs().map { MoleculeData.molecularGraph($0) }
        if let drawSeeds { seeds?.record(drawn, from: drawSeeds) }
        _ = try scorer.values(drawn.map { ScoredMolecule($0) })
        /// A GDCE candidate row of `molecular` (slot-aligned with `seed`, or the input when nil).
        func candidate(_ molecular: MolecularGraph, seed: RoundSeed?) throws -> MoleculeCounterfactual {
          let changes: (Int, Int)? = settings.method == .gdce ? Self.changes(from: inputGraph, to: MoleculeData.graph(molecular), matching: seed?.matching) : nil
          var candidate = try row(molecular, tau: tau, changes: changes)
          if settings.method == .gdce { candidate.inputMatching = seed?.matching ?? Array(input.graph.nodeClasses.indices) }
          if settings.spendsBudgetInRounds { candidate.row.drawnTau = roundTau }
          return candidate
        }
        for (draw, var molecular) in drawn.enumerated() {
          let seed = drawSeeds?[draw]
          if settings.method == .gdce && settings.refine {
            // An answer drawn from a seed is refined towards the seed, which may itself be the
            // answer when it is not the input (one atom from it).
            let outcome = try MinimalEdits.refined(
              molecular, input: seed?.graph ?? input.graph, inputFingerprint: original.fingerprint, target: target, scorer: scorer,
              realism: settings.realismGuard, keeps: settings.keeps, original: input.graph)
            molecular = outcome.graph
            // In a budgeted search every molecule refinement scored was paid for: each one
            // becomes a candidate answer (ranked after the search, `bestDistinct`), so a search
            // whose draws repeat still chooses among every distinct molecule it scored. With the
            // realism guard, only realistic ones: a trial is a half-refined draw, not a
            // proposal of the model, and an unrealistic one would only push a realistic repeat
            // out of the answers. They do not steer the τ staircase, which follows the draws.
            if settings.spendsBudgetInRounds {
              for trial in outcome.scoredTrials where trialSMILES.insert(trial.smiles).inserted {
                let row = try candidate(trial.graph, seed: seed)
                if !settings.realismGuard || !row.row.isUnrealistic { trialCandidates.append(row) }
              }
            }
          }
          candidates.append(try candidate(molecular, seed: seed))
        }
        stepsDrawn += settings.method == .freegress ? diffusion.stepCount : roundTau
        // A round that only finds answers found before counts as one that found none: τ grows
        // until the draws are new again (at small τ GDCE mostly repeats itself).
        var reached = false
        for candidate in candidates[firstOfRound...] where candidate.row.meetsTarget {
          if answersFound.insert(candidate.row.counterfactualSMILES).inserted { reached = true }
        }
        roundTau = Self.nextRoundTau(after: roundTau, reached: reached, stepCount: diffusion.stepCount)
        round += 1
      } while Self.anotherRound(settings: settings, remaining: scorer.remaining, round: round, stepsDrawn: stepsDrawn, stepCount: diffusion.stepCount)
      // A budgeted search (the only kind with rounds) ranks everything it scored, also when
      // its first round spent the whole budget; otherwise each draw is one answer, in generation
      // order, unless particles compete for it.
      rows += counted(
        settings.particles > 1 || settings.spendsBudgetInRounds
          ? settings.chosen(Self.bestDistinct(
            candidates + trialCandidates, count: settings.sampling.samples, target: target, realism: settings.realismGuard,
            margin: settings.accessibilityMargin)) : candidates)
    }
    return rows
  }

  /// One round's `count` molecules: FreeGress draws them from noise with `graph`'s atom count;
  /// GDCE noises `graph` (the input), or each draw's own seed, to `noiseStep` and denoises it,
  /// with the seed's kept atoms clamped when it redraws only some (ClampedConstraint; the kept
  /// atoms of a round's seeds are the same, the input's). Shapes: one graph, or `count` seeds of
  /// one size, in; `count` graphs out.
  static func sampled(
    model: GraphDiffusionModel, method: MoleculeCounterfactualMethod, from graph: Graph, seeds: [RoundSeed]?, noiseStep: Int, count: Int,
    condition: [Float]?, guidanceScale: Float, constraint: (any ReverseStepConstraint)?, steering: ParticleSteering<GraphState>?,
    using rng: inout RandomGenerator
  ) -> GraphState {
    if method == .freegress {
      return model.generated(
        nodeCounts: Array(repeating: graph.nodeCount, count: count), target: condition, guidanceScale: guidanceScale,
        constraint: constraint, steering: steering, using: &rng)
    }
    precondition(seeds == nil || seeds!.count == count, "sampled: \(seeds!.count) seeds for \(count) draws")
    let classes = (model.configuration.transformer.nodeClasses, model.configuration.transformer.edgeClasses)
    let state = GraphState(graphs: seeds?.map { MoleculeData.graph($0.graph) } ?? [graph], nodeClassCount: classes.0, edgeClassCount: classes.1)
    var roundConstraint = constraint
    if let seeds, seeds.allSatisfy({ $0.freeAtoms != nil }) {
      roundConstraint = ClampedConstraint(
        reference: state.selecting(graphs: [0]), freeNodesPerSample: seeds.map { $0.freeAtoms! }, excludedClasses: seeds.map(\.excludedClasses),
        inner: constraint)
    }
    return model.counterfactuals(
      of: state, target: condition, noiseStep: noiseStep, sampleCount: count, guidanceScale: guidanceScale,
      constraint: roundConstraint, steering: steering, using: &rng)
  }

  /// The valence constraint for a model of `vocabulary`. It enforces today's valence table (the
  /// one validity checks), even for a model trained when the table allowed more (P 7); the
  /// model's own features keep its vocabulary.
  public static func valenceConstraint(for vocabulary: MolecularVocabulary) -> ValenceConstraint {
    var constraintVocabulary = vocabulary
    if vocabulary.nodeClassNames == MoleculeData.vocabulary.nodeClassNames {
      constraintVocabulary.maximumValences = MoleculeData.vocabulary.maximumValences
    }
    return ValenceConstraint(vocabulary: constraintVocabulary)
  }

  /// Whether a budgeted GDCE run draws another round: rounds are on, some budget is left (a
  /// later round draws only as many molecules as it can score), fewer than
  /// `maximumRounds` rounds were drawn and their denoising steps (the sum of their τ) are fewer
  /// than `maximumStepsPerT` · T. A round that cost nothing (every molecule invalid or scored
  /// before, as often at small τ) does not end the search: the next one draws at a larger τ.
  static func anotherRound(settings: MoleculeCounterfactualSettings, remaining: Int?, round: Int, stepsDrawn: Int, stepCount: Int) -> Bool {
    guard settings.spendsBudgetInRounds, let remaining else { return false }
    return remaining > 0 && round < maximumRounds && stepsDrawn < maximumStepsPerT * stepCount
  }

  /// Most rounds of one budgeted run, and most denoising steps in units of T: each round costs
  /// the model's sampling time, so a budget the rounds cannot spend (molecules at small τ repeat
  /// and cost nothing) ends in bounded time: 20 T is the denoising of 20 batches drawn from noise.
  static let maximumRounds = 1_000, maximumStepsPerT = 20

  /// The τ of the next budget round: a staircase on the smallest τ that still finds new answers
  /// in target. Answers lose similarity to the input as τ grows (more of it is noised away), so
  /// after a round with a new answer in target τ shrinks by a quarter (closer answers), after
  /// one without it grows by a quarter (answers reach farther), staying in 1…T. The 1-down/1-up
  /// rule settles where about half the rounds find one (Levitt, "Transformed up-down methods in
  /// psychoacoustics", 1971), so the search keeps finding answers while drawing them as close as
  /// the model can.
  static func nextRoundTau(after tau: Int, reached: Bool, stepCount: Int) -> Int {
    let next = reached ? Int((Double(tau) * 0.75).rounded(.down)) : max(tau + 1, Int((Double(tau) * 1.25).rounded(.up)))
    return min(stepCount, max(1, next))
  }

  /// The `count` best of `candidates` (the K·N steering particles) in ranking order
  /// (`MoleculeCounterfactualRow.rankingKey`), distinct molecules first. When fewer
  /// than `count` distinct molecules (canonical SMILES) exist, the best repeats fill the rest, so
  /// a run always returns `count` rows. Shapes: candidates ≥ count → count, in that order.
  static func bestDistinct(
    _ candidates: [MoleculeCounterfactual], count: Int, target: PropertyTarget, realism: Bool = true,
    margin: Double = MoleculeCounterfactualRow.accessibilityMargin
  ) -> [MoleculeCounterfactual] {
    precondition(candidates.count >= count, "bestDistinct: \(candidates.count) candidates for \(count) answers")
    let order = MoleculeCounterfactual.rankedIndices(candidates, target: target, realism: realism, margin: margin)
    var seen = Set<String>(), first: [Int] = [], repeats: [Int] = []
    for i in order {
      let smiles = candidates[i].row.counterfactualSMILES
      if smiles.isEmpty || seen.insert(smiles).inserted { first.append(i) } else { repeats.append(i) }
    }
    return (first + repeats).prefix(count).map { candidates[$0] }
  }

  /// The model condition for `target`: the model's own encoding, or nil (unconditional) for a
  /// target the model was not conditioned on when something else aims: steering (λ > 0), or a
  /// budgeted search (`settings.spendsBudgetInRounds`: the unconditional model proposes variants
  /// near the input, the property or oracle scores them and the τ staircase widens the search
  /// until they reach the target). Refused otherwise with a message saying how.
  public static func condition(info: MoleculeExperimentInfo, target: PropertyTarget, settings: MoleculeCounterfactualSettings) throws(MoleculeCounterfactualError) -> [Float]? {
    do { return try info.conditionTarget(for: target) } catch {
      guard settings.steering > 0 || settings.spendsBudgetInRounds else { throw error }
      return nil
    }
  }

  /// SMC steering towards `target`: log φ = −λ · distance of the property of each (predicted
  /// clean) molecule from the target range, scored by `scorer` on the decoded molecule, + μ ·
  /// its Tanimoto similarity to `input` (Morgan r2 2048 bits) when `proximity` μ > 0; each
  /// guard in `keeps` adds its own distance (in its property's units) to the target's. A molecule
  /// the scorer does not score (invalid, for an oracle) has log φ = −∞. A step whose new
  /// molecules would eat into the `reserve` evaluations is not scored at all: its potentials are
  /// all 0, so steering stops once the budget is spent. An oracle error is kept in `failure`
  /// (the sampler cannot throw) and the rest of the chain runs unsteered. With
  /// `realismPenalty` ρ > 0, a predicted molecule that meets the target but is not realistic
  /// (an unstable group or a failed MOSES filter; Realism.swift) loses ρ: the realism guard acts inside the chain,
  /// where the property alone would reward such edits.
  static func propertySteering(
    target: PropertyTarget, strength: Double, scorer: PropertyScorer, reserve: Int, failure: SteeringFailure,
    proximity: Double = 0, to input: Fingerprint? = nil, realismPenalty: Double = 0, keeps: [PropertyTarget] = []
  ) -> ParticleSteering<GraphState> {
    precondition(proximity == 0 || input != nil, "propertySteering: proximity \(proximity) needs the input's fingerprint")
    return ParticleSteering { state in
      let graphs = state.graphs()
      guard failure.error == nil else { return Array(repeating: 0, count: graphs.count) }
      let molecules = graphs.map { ScoredMolecule(MoleculeData.molecularGraph($0)) }
      let unscoredBefore = scorer.unscored
      let values: [Double?]
      do throws(OracleError) { values = try scorer.values(molecules, reserve: reserve, allOrNothing: true) } catch {
        failure.error = error
        return Array(repeating: 0, count: graphs.count)
      }
      if scorer.unscored > unscoredBefore { return Array(repeating: 0, count: graphs.count) }
      return zip(molecules, values).map { molecule, value in
        guard let value else { return -.infinity }
        // Guards are aimed at like the target: their distances add up.
        let distance = target.distance(to: value) + keeps.reduce(0) { $0 + $1.distance(to: $1.property.value(of: molecule.molecule)) }
        var aim = -strength * distance
        // Only particles that already meet the target pay for an alert: earlier, the predicted
        // molecule is still forming and the penalty would only add noise to the weights.
        if realismPenalty > 0 && distance == 0 && !RealismReport.isRealistic(molecule.molecule) { aim -= realismPenalty }
        guard proximity > 0, let input else { return aim }
        return aim + proximity * Morgan.bits(molecule.molecule).tanimoto(input)
      }
    }
  }

  /// Atoms and bonds changed from `a` to `b`, atom i of `a` being slot `matching[i]` of `b`
  /// (nil entry: removed; default: the same slot, same atom count). An atom counts when removed,
  /// added (a slot of `b` nothing maps to) or of another class; an atom pair when its bond class
  /// differs, so a removed or added atom's bonds count too.
  static func changes(from a: Graph, to b: Graph, matching: [Int?]? = nil) -> (atoms: Int, bonds: Int) {
    precondition(matching != nil || a.nodeCount == b.nodeCount, "changes: \(a.nodeCount) vs \(b.nodeCount) atoms without a matching")
    let slot = matching ?? Array(0..<a.nodeCount)
    precondition(slot.count == a.nodeCount, "changes: matching of \(slot.count) atoms for \(a.nodeCount)")
    var atoms = 0, bonds = 0
    var matched = [Bool](repeating: false, count: b.nodeCount)
    for i in 0..<a.nodeCount {
      if let s = slot[i] { matched[s] = true }
      if slot[i].map({ a.nodeLabels[i] != b.nodeLabels[$0] }) ?? true { atoms += 1 }
      for j in (i + 1)..<Swift.max(i + 1, a.nodeCount) {
        let after = slot[i].flatMap { si in slot[j].map { b.edgeLabel(si, $0) } } ?? 0
        if a.edgeLabel(i, j) != after { bonds += 1 }
      }
    }
    // Atoms of b no atom of a maps to were added, with their bonds.
    for p in 0..<b.nodeCount where !matched[p] {
      atoms += 1
      for q in 0..<b.nodeCount where q != p && b.edgeLabel(p, q) != 0 && (matched[q] || q > p) { bonds += 1 }
    }
    return (atoms, bonds)
  }
}

/// The first oracle error met inside a steering potential (which cannot throw).
final class SteeringFailure: @unchecked Sendable {
  var error: OracleError?
}

/// Why the engine cannot run a request as given. The messages speak of the settings, not of
/// command-line flags; the command line reports them under its own option names.
public enum MoleculeCounterfactualError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Retrieval was asked for without a reference set.
  case noReferenceSet
  /// A generative method was asked for without a molecule model.
  case noModel(method: MoleculeCounterfactualMethod)
  /// More than one particle per answer without property steering.
  case particlesNeedSteering(particles: Int)
  /// A proximity weight without property steering.
  case proximityNeedsSteering(proximity: Double)
  /// A noise step outside the model's 1…T.
  case tauOutsideModel(tau: Int, stepCount: Int)
  /// An unsteered request for a target on another property than the model's condition.
  case otherProperty(model: TargetProperty, asked: TargetProperty)
  /// An unsteered request for a target other than the window a window model knows.
  case otherWindow(model: PropertyTarget, asked: PropertyTarget)

  /// What is wrong, in terms of the settings.
  public var description: String {
    switch self {
    case .noReferenceSet: "retrieval needs a reference set of molecules"
    case .noModel(let method): "\(method.rawValue) needs a molecule model"
    case .particlesNeedSteering(let particles): "\(particles) particles per answer need property steering (λ > 0): without weights there is nothing to choose by"
    case .proximityNeedsSteering(let proximity): "proximity \(proximity) needs property steering (λ > 0): proximity is a term of the steering potential"
    case .tauOutsideModel(let tau, let stepCount): "τ = \(tau) is outside 1...\(stepCount) (the model's T)"
    case .otherProperty(let model, let asked):
      "the model is conditioned on \(model.rawValue), not \(asked.rawValue); retrieval, property steering of the unconditional model (--steer) or a budgeted search (--budget N) answers other properties"
    case .otherWindow(let model, let asked):
      "this model only knows the window \(model) (class 1); asked for \(asked). A continuous-condition model, retrieval, property steering of the unconditional model (--steer) or a budgeted search (--budget N) answers it"
    }
  }
}
