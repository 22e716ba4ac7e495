// Counterfactuals of molecules with a molecule model: GDCE (noise the input to τ, denoise under
// the target), FreeGress (sample from noise under the target, same atom count) and retrieval
// (the most similar in-target molecule of a reference set), each row with the facts every
// evaluation reports: validity, property before/after, in target, Tanimoto on Morgan r2 2048-bit
// fingerprints, atoms and bonds changed (GDCE keeps atom slots, so the change is counted slot by
// slot; the other methods have no correspondence and leave it empty).

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
  /// Atom slots whose class changed / pairs whose bond class changed (GDCE only).
  public var atomsChanged: Int?, bondsChanged: Int?
  /// SHA-256 of the model weights ("" for retrieval without a model).
  public var modelChecksum: String

  /// A row with every field given.
  public init(
    inputId: Int, inputName: String, method: MoleculeCounterfactualMethod, tau: Int, guidanceScale: Float, seed: UInt64, constrained: Bool,
    steering: Double = 0, particles: Int = 1, proximity: Double = 0, refined: Bool = false, originalSMILES: String, counterfactualSMILES: String, valid: Bool, validity: String, target: String, propertyBefore: Double,
    propertyAfter: Double, inTarget: Bool, tanimoto: Double, fingerprint: String, atomsChanged: Int?, bondsChanged: Int?, modelChecksum: String
  ) {
    (self.inputId, self.inputName, self.method, self.tau, self.guidanceScale, self.seed) = (inputId, inputName, method, tau, guidanceScale, seed)
    (self.particles, self.proximity, self.refined) = (particles, proximity, refined)
    (self.constrained, self.steering, self.originalSMILES, self.counterfactualSMILES, self.valid) = (constrained, steering, originalSMILES, counterfactualSMILES, valid)
    (self.validity, self.target, self.propertyBefore, self.propertyAfter, self.inTarget) = (validity, target, propertyBefore, propertyAfter, inTarget)
    (self.tanimoto, self.fingerprint, self.atomsChanged, self.bondsChanged, self.modelChecksum) = (tanimoto, fingerprint, atomsChanged, bondsChanged, modelChecksum)
  }

  /// CSV header, in field order.
  public static let csvHeader =
    "input_id,input_name,original_smiles,counterfactual_smiles,tau,method,guidance_scale,seed,constrained,steering,particles,proximity,refined,valid,validity,target,property_before,property_after,in_target,tanimoto,fingerprint,atoms_changed,bonds_changed,model_sha256"

  /// One CSV line (quoted where needed; numbers in full precision, so a row read back is the
  /// row written).
  public var csvLine: String {
    let q = CSV.escape
    func f(_ v: Double) -> String { "\(v)" }
    return [
      "\(inputId)", q(inputName), q(originalSMILES), q(counterfactualSMILES), "\(tau)", method.rawValue, "\(guidanceScale)", "\(seed)",
      "\(constrained)", f(steering), "\(particles)", f(proximity), "\(refined)", "\(valid)", q(validity), q(target), f(propertyBefore), f(propertyAfter), "\(inTarget)", f(tanimoto), fingerprint,
      atomsChanged.map(String.init) ?? "", bondsChanged.map(String.init) ?? "", modelChecksum,
    ].joined(separator: ",")
  }

  /// A row read back from `csvLine` (nil when the line is not such a row).
  public init?(csvLine line: Substring) {
    guard let f = CSV.fields(of: line), f.count == 24, let inputId = Int(f[0]), let tau = Int(f[4]),
      let method = MoleculeCounterfactualMethod(rawValue: f[5]), let scale = Float(f[6]), let seed = UInt64(f[7]),
      let constrained = Bool(f[8]), let steering = Double(f[9]), let particles = Int(f[10]), let proximity = Double(f[11]),
      let refined = Bool(f[12]), let valid = Bool(f[13]), let before = Double(f[16]), let after = Double(f[17]), let inTarget = Bool(f[18]),
      let tanimoto = Double(f[19])
    else { return nil }
    self.init(
      inputId: inputId, inputName: f[1], method: method, tau: tau, guidanceScale: scale, seed: seed, constrained: constrained,
      steering: steering, particles: particles, proximity: proximity, refined: refined, originalSMILES: f[2], counterfactualSMILES: f[3],
      valid: valid, validity: f[14], target: f[15], propertyBefore: before, propertyAfter: after, inTarget: inTarget, tanimoto: tanimoto,
      fingerprint: f[20], atomsChanged: Int(f[21]), bondsChanged: Int(f[22]), modelChecksum: f[23])
  }

  /// The key every ranking of counterfactuals sorts by (smaller first): valid and in target
  /// first, the most similar to the input among those; then the other valid ones, the closest to
  /// the target first; invalid last. Ties keep generation order (callers add the index).
  func rankingKey(target: PropertyTarget) -> (group: Int, score: Double) {
    valid && inTarget ? (0, -tanimoto) : (valid ? 1 : 2, valid ? target.distance(to: propertyAfter) : 0)
  }
}

/// A generated counterfactual: its row and its graph (atom slots as generated: for GDCE the
/// input's slots, so slot i of both is the same atom).
public struct MoleculeCounterfactual: Sendable {
  /// The reported facts.
  public var row: MoleculeCounterfactualRow
  /// The generated graph.
  public var graph: MolecularGraph

  /// Users' ranking by `MoleculeCounterfactualRow.rankingKey`, then generation order.
  public static func ranked(_ items: [MoleculeCounterfactual], target: PropertyTarget) -> [MoleculeCounterfactual] {
    rankedIndices(items, target: target).map { items[$0] }
  }

  /// Indices of `items` in ranking order (stable).
  static func rankedIndices(_ items: [MoleculeCounterfactual], target: PropertyTarget) -> [Int] {
    let keys = items.map { $0.row.rankingKey(target: target) }
    return items.indices.sorted { a, b in
      keys[a].group != keys[b].group ? keys[a].group < keys[b].group : keys[a].score != keys[b].score ? keys[a].score < keys[b].score : a < b
    }
  }
}

/// Facts about one molecule graph: decoded molecule, validity, SMILES, property, fingerprint.
public struct EvaluatedMolecule: Sendable {
  /// The graph.
  public var graph: MolecularGraph
  /// The decoded molecule (hydrogens implicit from valence).
  public var molecule: Molecule
  /// Validity report.
  public var validity: ValidityReport
  /// Canonical SMILES ("" when it cannot be written).
  public var smiles: String
  /// Morgan r2 2048-bit fingerprint.
  public var fingerprint: Fingerprint

  /// Evaluates a graph.
  public init(_ graph: MolecularGraph, name: String = "") {
    self.graph = graph
    molecule = MoleculeData.encoding.decode(graph, name: name)
    validity = molecule.validity
    smiles = (try? OpenBabel.canonicalSMILES(of: molecule)) ?? ""
    fingerprint = Morgan.bits(molecule)
  }

  /// The property value.
  public func value(_ property: TargetProperty) -> Double { property.value(of: molecule) }
}

/// A reference set for retrieval and novelty: molecules with fingerprints and canonical SMILES.
public struct MoleculeReferenceSet: Sendable {
  /// The molecules.
  public var entries: [MoleculeEntry]
  /// Their Morgan r2 2048-bit fingerprints.
  public var fingerprints: [Fingerprint]
  /// Canonical SMILES of all, for novelty (empty unless asked for: Open Babel writes them one at
  /// a time under its lock, minutes for the whole training set).
  public var canonicalSMILES: Set<String>

  /// Decodes and fingerprints `entries` (fingerprints in parallel); with `canonicalSMILES`, also
  /// their canonical SMILES (through Open Babel's lock).
  public init(_ entries: [MoleculeEntry], canonicalSMILES withSMILES: Bool = false) {
    self.entries = entries
    let molecules = entries.map { MoleculeData.encoding.decode($0.graph) }
    // Fingerprints in parallel (Morgan is pure Swift): each worker fingerprints one contiguous
    // chunk and hands it over under a lock; chunks are joined in order.
    final class Chunks: @unchecked Sendable {
      let lock = NSLock()
      var parts: [Int: [Fingerprint]] = [:]
    }
    let chunks = Chunks()
    let workers = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    let size = (entries.count + workers - 1) / workers
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      let part = (Swift.min(entries.count, w * size)..<Swift.min(entries.count, (w + 1) * size)).map { Morgan.bits(molecules[$0]) }
      chunks.lock.withLock { chunks.parts[w] = part }
    }
    fingerprints = (0..<workers).flatMap { chunks.parts[$0] ?? [] }
    canonicalSMILES = withSMILES ? Set(molecules.compactMap { try? OpenBabel.canonicalSMILES(of: $0) }) : []
  }

  /// Index of the most similar entry whose logP lies in `target` (ties: first), or nil.
  public func nearest(to fingerprint: Fingerprint, target: PropertyTarget) -> (index: Int, tanimoto: Double)? {
    var best: (Int, Double)? = nil
    for (i, e) in entries.enumerated() {
      let value = target.property == .logp ? e.logp : target.property.value(of: MoleculeData.encoding.decode(e.graph))
      guard target.contains(value) else { continue }
      let t = fingerprints[i].tanimoto(fingerprint)
      if best == nil || t > best!.1 { best = (i, t) }
    }
    return best
  }
}

/// Settings of one explanation run.
public struct MoleculeCounterfactualSettings: Sendable {
  /// Method.
  public var method: MoleculeCounterfactualMethod
  /// Noise steps τ (GDCE).
  public var taus: [Int]
  /// Counterfactuals per input and τ.
  public var samples: Int
  /// Guidance scale.
  public var scale: Float
  /// Seed.
  public var seed: UInt64
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

  /// What `cfx explain` uses for molecule GDCE when not told otherwise: the evaluation column
  /// that meets every target at once, single-τ and best-of-10 (notebooks-export/molecules-eval).
  public static let recommended = (tau: 50, scale: Float(8), steering: 10.0, particles: 3, refine: true)

  /// Settings.
  public init(method: MoleculeCounterfactualMethod, taus: [Int], samples: Int, scale: Float, seed: UInt64, constrained: Bool,
              steering: Double = 0, particles: Int = 1, proximity: Double = 0, refine: Bool = false) {
    precondition(steering >= 0 && steering.isFinite, "MoleculeCounterfactualSettings: steering \(steering) must be finite and ≥ 0")
    precondition(particles >= 1, "MoleculeCounterfactualSettings: particles \(particles) must be ≥ 1")
    precondition(proximity >= 0 && proximity.isFinite, "MoleculeCounterfactualSettings: proximity \(proximity) must be finite and ≥ 0")
    (self.method, self.taus, self.samples, self.scale, self.seed, self.constrained) = (method, taus, samples, scale, seed, constrained)
    (self.steering, self.particles, self.proximity, self.refine) = (steering, particles, proximity, refine)
  }
}

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
    let (model, checksum) = try GraphDiffusionModel.load(from: directory)
    guard model.configuration.molecular != nil else {
      throw MoleculeDataError(message: "\(directory.path): the model configuration has no molecular vocabulary; retrain with `cfx train molecules`")
    }
    return MoleculeCounterfactualEngine(model: model, modelChecksum: checksum, info: info)
  }

  /// Counterfactuals of one input (all τ, in generation order).
  public func counterfactuals(
    of input: MoleculeEntry, inputId: Int, target: PropertyTarget, settings: MoleculeCounterfactualSettings
  ) throws -> [MoleculeCounterfactual] {
    let original = EvaluatedMolecule(input.graph, name: input.name)
    let before = original.value(target.property)
    func row(_ graph: MolecularGraph, tau: Int, changes: (Int, Int)?) -> MoleculeCounterfactual {
      let result = EvaluatedMolecule(graph)
      let after = result.value(target.property)
      return MoleculeCounterfactual(row: MoleculeCounterfactualRow(
        inputId: inputId, inputName: input.name, method: settings.method, tau: tau, guidanceScale: settings.scale, seed: settings.seed,
        constrained: settings.constrained, steering: settings.method == .nearest ? 0 : settings.steering,
        particles: settings.method == .nearest ? 1 : settings.particles, proximity: settings.method == .nearest ? 0 : settings.proximity,
        refined: settings.method == .gdce && settings.refine, originalSMILES: original.smiles, counterfactualSMILES: result.smiles,
        valid: result.validity.isValid, validity: result.validity.summary, target: target.description, propertyBefore: before,
        propertyAfter: after, inTarget: target.contains(after), tanimoto: result.fingerprint.tanimoto(original.fingerprint),
        fingerprint: FingerprintKind.morganBits.rawValue, atomsChanged: changes?.0, bondsChanged: changes?.1, modelChecksum: modelChecksum), graph: graph)
    }
    if settings.method == .nearest {
      guard let reference else { throw MoleculeDataError(message: "--method nearest needs a reference set (--reference FILE, default the training data)") }
      guard let hit = reference.nearest(to: original.fingerprint, target: target) else { return [] }
      return [row(reference.entries[hit.index].graph, tau: 0, changes: nil)]
    }
    guard let model, let info, let vocabulary = model.configuration.molecular else {
      throw MoleculeDataError(message: "--method \(settings.method.rawValue) needs a molecule model (--model DIR)")
    }
    let condition = try Self.condition(info: info, target: target, steering: settings.steering)
    // The constraint enforces today's valence table (the one validity checks), even for a model
    // trained when the table allowed more (P 7); the model's own features keep its vocabulary.
    var constraintVocabulary = vocabulary
    if vocabulary.nodeClassNames == MoleculeData.vocabulary.nodeClassNames {
      constraintVocabulary.maximumValences = MoleculeData.vocabulary.maximumValences
    }
    let constraint: (any ReverseStepConstraint)? = settings.constrained ? ValenceConstraint(vocabulary: constraintVocabulary) : nil
    guard settings.particles == 1 || settings.steering > 0 else {
      throw MoleculeDataError(message: "--particles \(settings.particles) needs steering (--steer λ > 0): without weights there is nothing to choose by")
    }
    guard settings.proximity == 0 || settings.steering > 0 else {
      throw MoleculeDataError(message: "--proximity \(settings.proximity) needs steering (--steer λ > 0): proximity is a term of the steering potential")
    }
    let steering = settings.steering > 0
      ? Self.propertySteering(target: target, strength: settings.steering, proximity: settings.proximity, to: original.fingerprint) : nil
    let runs = settings.samples * settings.particles
    let diffusion = model.diffusion
    let classes = (model.configuration.transformer.nodeClasses, model.configuration.transformer.edgeClasses)
    let inputGraph = MoleculeData.graph(input.graph)
    var rows: [MoleculeCounterfactual] = []
    let taus = settings.method == .freegress ? [diffusion.stepCount] : settings.taus
    for tau in taus {
      // One stream per (seed, input, τ): a τ's rows do not depend on the other τ values asked
      // for, and inputs of a batch do not share their noise.
      var rng = RandomGenerator(seed: settings.seed ^ (UInt64(inputId) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(tau) &* 0xBF58_476D_1CE4_E5B9))
      let samples: GraphState
      if settings.method == .freegress {
        samples = model.generated(
          nodeCounts: Array(repeating: input.graph.nodeClasses.count, count: runs), target: condition,
          guidanceScale: settings.scale, constraint: constraint, steering: steering, using: &rng)
      } else {
        guard tau >= 1 && tau <= diffusion.stepCount else {
          throw MoleculeDataError(message: "--tau \(tau) is outside 1...\(diffusion.stepCount) (the model's T)")
        }
        let state = GraphState(graphs: [inputGraph], nodeClassCount: classes.0, edgeClassCount: classes.1)
        samples = model.counterfactuals(
          of: state, target: condition, noiseStep: tau, sampleCount: runs, guidanceScale: settings.scale, constraint: constraint,
          steering: steering, using: &rng)
      }
      var candidates: [MoleculeCounterfactual] = []
      for graph in samples.graphs() {
        var molecular = MoleculeData.molecularGraph(graph)
        if settings.method == .gdce && settings.refine {
          molecular = MinimalEdits.refined(molecular, input: input.graph, inputFingerprint: original.fingerprint, target: target).graph
        }
        let changes: (Int, Int)? = settings.method == .gdce ? Self.changes(from: inputGraph, to: MoleculeData.graph(molecular)) : nil
        candidates.append(row(molecular, tau: tau, changes: changes))
      }
      rows += settings.particles > 1 ? Self.bestDistinct(candidates, count: settings.samples, target: target) : candidates
    }
    return rows
  }

  /// The `count` best of `candidates` (the K·N steering particles) in ranking order
  /// (`MoleculeCounterfactualRow.rankingKey`), distinct molecules first. When fewer
  /// than `count` distinct molecules (canonical SMILES) exist, the best repeats fill the rest, so
  /// a run always returns `count` rows. Shapes: candidates ≥ count → count, in that order.
  static func bestDistinct(_ candidates: [MoleculeCounterfactual], count: Int, target: PropertyTarget) -> [MoleculeCounterfactual] {
    precondition(candidates.count >= count, "bestDistinct: \(candidates.count) candidates for \(count) answers")
    let order = MoleculeCounterfactual.rankedIndices(candidates, target: target)
    var seen = Set<String>(), first: [Int] = [], repeats: [Int] = []
    for i in order {
      let smiles = candidates[i].row.counterfactualSMILES
      if smiles.isEmpty || seen.insert(smiles).inserted { first.append(i) } else { repeats.append(i) }
    }
    return (first + repeats).prefix(count).map { candidates[$0] }
  }

  /// The model condition for `target`: the model's own encoding, or nil (unconditional) for a
  /// target the model was not conditioned on when steering (λ > 0) does the aiming; refused
  /// otherwise with a message saying how.
  public static func condition(info: MoleculeExperimentInfo, target: PropertyTarget, steering: Double) throws(MoleculeDataError) -> [Float]? {
    do { return try info.conditionTarget(for: target) } catch {
      guard steering > 0 else {
        throw MoleculeDataError(message: error.message + ", or steer the unconditional model towards it with --steer (e.g. --steer 4)")
      }
      return nil
    }
  }

  /// SMC steering towards `target`: log φ = −λ · distance of the property of each (predicted
  /// clean) molecule from the target range, computed exactly (Crippen logP, TPSA, …) on the
  /// decoded molecule, + μ · its Tanimoto similarity to `input` (Morgan r2 2048 bits) when
  /// `proximity` μ > 0.
  static func propertySteering(
    target: PropertyTarget, strength: Double, proximity: Double = 0, to input: Fingerprint? = nil
  ) -> ParticleSteering<GraphState> {
    precondition(proximity == 0 || input != nil, "propertySteering: proximity \(proximity) needs the input's fingerprint")
    return ParticleSteering { state in
      state.graphs().map { graph in
        let molecule = MoleculeData.encoding.decode(MoleculeData.molecularGraph(graph))
        let aim = -strength * target.distance(to: target.property.value(of: molecule))
        guard proximity > 0, let input else { return aim }
        return aim + proximity * Morgan.bits(molecule).tanimoto(input)
      }
    }
  }

  /// Atom slots with another class and atom pairs with another bond class (same slot order).
  static func changes(from a: Graph, to b: Graph) -> (atoms: Int, bonds: Int) {
    precondition(a.nodeCount == b.nodeCount, "changes: \(a.nodeCount) vs \(b.nodeCount) atoms")
    var atoms = 0, bonds = 0
    for i in 0..<a.nodeCount {
      if a.nodeLabels[i] != b.nodeLabels[i] { atoms += 1 }
      for j in (i + 1)..<Swift.max(i + 1, a.nodeCount) where a.edgeLabel(i, j) != b.edgeLabel(i, j) { bonds += 1 }
    }
    return (atoms, bonds)
  }
}
