// `cfx eval generation`: how good a molecule model's molecules are when it draws them from pure
// noise under its condition (the FreeGress setting, no input molecule). Two columns of the same
// draws, with and without the valence constraint, beside a random draw of as many training
// molecules (what the data itself scores). Per column: validity and why molecules fail it
// (several fragments, an over-valent atom), uniqueness, novelty against the training set, the
// condition met, MOSES medicinal-chemistry filter pass, cfx's unstable-group alerts, SA and QED.
// Every molecule is written to samples.csv with everything the numbers come from, so that
// scripts/check-generation.py recomputes the table with RDKit; sampling is journalled batch by
// batch (OUT/journal.jsonl), so an interrupted run continues.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Molecules

/// What `cfx eval generation` is asked to do.
public struct MoleculeGenerationRequest: Sendable {
  /// The molecule model, the training molecules (novelty and the data column), the output directory.
  public var modelDirectory: URL, referenceFile: URL, outputDirectory: URL
  /// Use at most this many training molecules (nil: all).
  public var referenceLimit: Int?
  /// Molecules per column, guidance scale, seed, molecules sampled at once.
  public var samples: Int, guidanceScale: Float, seed: UInt64, batchSize: Int
  /// Sample under the null condition instead of the model's target.
  public var unconditional = false
  /// Discard the journal of an earlier run; no progress bar.
  public var restart = false, quiet = false

  /// A request.
  public init(modelDirectory: URL, referenceFile: URL, outputDirectory: URL, referenceLimit: Int? = nil, samples: Int = 1000,
              guidanceScale: Float = MoleculeCounterfactualSettings.recommended.sampling.guidanceScale, seed: UInt64 = 0, batchSize: Int = 100) {
    precondition(samples >= 1 && batchSize >= 1, "MoleculeGenerationRequest: samples \(samples) and batch size \(batchSize) must be positive")
    (self.modelDirectory, self.referenceFile, self.outputDirectory, self.referenceLimit) = (modelDirectory, referenceFile, outputDirectory, referenceLimit)
    (self.samples, self.guidanceScale, self.seed, self.batchSize) = (samples, guidanceScale, seed, batchSize)
  }
}

/// One molecule of a column (a row of samples.csv).
public struct GeneratedMoleculeRow: Codable, Sendable, Equatable {
  /// "constrained", "unconstrained" or "training".
  public var column: String
  /// Position in its column.
  public var index: Int
  /// Heavy-atom slots the sample was drawn with (training: its heavy atoms).
  public var nodes: Int
  /// Canonical SMILES (Open Babel; "" when it cannot be written). Fragments are joined by ".".
  public var smiles: String
  /// cfx's validity (RDKit-equivalent sanitisation, one fragment).
  public var valid: Bool
  /// "ok" or every broken rule.
  public var validity: String
  /// Whether validity failed on several fragments / on an atom's valence.
  public var fragmented: Bool, overValent: Bool
  /// Crippen logP and whether the condition's target holds (valid molecules only).
  public var logp: Double?, inTarget: Bool?
  /// Failed MOSES filters and fired stability alerts ("" when none; valid molecules only).
  public var mosesFilters: String?, alerts: String?
  /// Ertl–Schuffenhauer SA score and QED (valid molecules only).
  public var sa: Double?, qed: Double?
  /// First valid occurrence of its SMILES in the column; not among the training molecules
  /// (nil for the training column). Filled in when the column is complete.
  public var unique: Bool?, novel: Bool?
}

/// The numbers of one column. Fractions "of valid" count valid molecules only.
public struct MoleculeGenerationColumn: Codable, Sendable {
  /// Column name and molecule count.
  public var name: String, samples: Int
  /// Valid / all; several fragments / all; an over-valent atom / all.
  public var validity: Double, fragmented: Double, overValent: Double
  /// Distinct valid SMILES / valid; distinct valid SMILES not in the training set / distinct valid (nil: training column).
  public var uniqueness: Double, novelty: Double?
  /// Of valid: the condition's target met, MOSES filters passed, no stability alert, both
  /// (realistic), mean SA, mean QED, mean logP.
  public var inTarget: Double, filterPass: Double, alertFree: Double, realistic: Double, meanSA: Double, meanQED: Double, meanLogP: Double
  /// Valid and passing the MOSES filters / all molecules.
  public var validAndFilterPass: Double
}

/// The whole evaluation, as summary.json holds it.
public struct MoleculeGenerationEvaluation: Codable, Sendable {
  /// SHA-256 of the weights, the model's description, the target the condition asked for ("" unconditional).
  public var modelSHA256: String, model: String, target: String
  /// The target's bounds (nil: open on that side), for "in target" of every column.
  public var targetLower: Double?, targetUpper: Double?
  /// Molecules per column, guidance scale, seed, training molecules used for novelty.
  public var samples: Int, guidanceScale: Float, seed: UInt64, referenceCount: Int
  /// The reference file and its SHA-256.
  public var referenceFile: String, referenceSHA256: String
  /// constrained, unconstrained, training.
  public var columns: [MoleculeGenerationColumn]
  /// The arithmetic the samples were drawn with.
  public var arithmetic: ArithmeticProvenance
  /// What every number means.
  public var definitions: [String: String]
}

/// Evaluates what a molecule model generates from noise.
public enum MoleculeGenerationJob {
  /// The two generated columns, in order.
  static let generatedColumns = ["constrained", "unconstrained"]

  /// The row of one molecule graph (unique and novel left nil).
  static func row(_ graph: MolecularGraph, column: String, index: Int, target: PropertyTarget) -> GeneratedMoleculeRow {
    let evaluated = EvaluatedMolecule(graph)
    let rules = Set(evaluated.validity.problems.map(\.rule))
    var row = GeneratedMoleculeRow(
      column: column, index: index, nodes: graph.nodeClasses.count, smiles: evaluated.smiles, valid: evaluated.validity.isValid,
      validity: evaluated.validity.summary, fragmented: rules.contains(.fragments), overValent: rules.contains(.valence))
    if evaluated.validity.isValid {
      let realism = RealismReport(evaluated.molecule)
      (row.logp, row.inTarget) = (TargetProperty.logp.value(of: evaluated.molecule), target.contains(target.property.value(of: evaluated.molecule)))
      (row.mosesFilters, row.alerts) = (realism.filterFailures.joined(separator: "; "), realism.alerts.joined(separator: "; "))
      (row.sa, row.qed) = (SyntheticAccessibility.score(evaluated.molecule), QED.value(evaluated.molecule))
    }
    return row
  }

  /// Marks each valid row's SMILES as the first of its column or a repeat, and novel when
  /// `novel` says so (nil: not computed). Shapes: rows of one column → the same rows.
  static func markUniqueAndNovel(_ rows: [GeneratedMoleculeRow], novel: ((String) -> Bool)?) -> [GeneratedMoleculeRow] {
    var seen = Set<String>()
    return rows.map { row in
      var row = row
      guard row.valid else { return row }
      row.unique = seen.insert(row.smiles).inserted
      row.novel = novel.map { $0(row.smiles) }
      return row
    }
  }

  /// The numbers of one column from its marked rows.
  public static func column(_ name: String, rows: [GeneratedMoleculeRow]) -> MoleculeGenerationColumn {
    let valid = rows.filter(\.valid)
    func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? .nan : Double(a) / Double(b) }
    func mean(_ values: [Double]) -> Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
    let distinct = valid.filter { $0.unique == true }
    let passes = valid.filter { $0.mosesFilters == "" }.count
    return MoleculeGenerationColumn(
      name: name, samples: rows.count, validity: ratio(valid.count, rows.count), fragmented: ratio(rows.filter(\.fragmented).count, rows.count),
      overValent: ratio(rows.filter(\.overValent).count, rows.count), uniqueness: ratio(distinct.count, valid.count),
      novelty: distinct.contains { $0.novel != nil } ? ratio(distinct.filter { $0.novel == true }.count, distinct.count) : nil,
      inTarget: ratio(valid.filter { $0.inTarget == true }.count, valid.count), filterPass: ratio(passes, valid.count),
      alertFree: ratio(valid.filter { $0.alerts == "" }.count, valid.count),
      realistic: ratio(valid.filter { $0.alerts == "" && $0.mosesFilters == "" }.count, valid.count),
      meanSA: mean(valid.compactMap(\.sa)), meanQED: mean(valid.compactMap(\.qed)), meanLogP: mean(valid.compactMap(\.logp)),
      validAndFilterPass: ratio(passes, rows.count))
  }

  /// Runs (or continues) the evaluation; returns its numbers and a report.
  public static func run(_ request: MoleculeGenerationRequest) throws -> (evaluation: MoleculeGenerationEvaluation, text: String) {
    let engine = try MoleculeCounterfactualEngine.load(from: request.modelDirectory)
    guard let model = engine.model, let info = engine.info, let vocabulary = model.configuration.domainFeatures as? MolecularVocabulary else {
      throw MoleculeDataError(message: "\(request.modelDirectory.path): not a molecule model")
    }
    let target = info.window
    let condition: [Float]? = request.unconditional ? nil : try info.conditionTarget(for: target)
    let referenceSHA = try MoleculeData.checksum(ofFile: request.referenceFile.path)
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let journal = try RunJournal(directory: out, identity: [
      "job": "cfx eval generation", "model": engine.modelChecksum, "samples": "\(request.samples)", "scale": "\(request.guidanceScale)",
      "seed": "\(request.seed)", "batch": "\(request.batchSize)", "condition": condition.map { "\($0)" } ?? "null",
      "arithmetic": ArithmeticProvenance.current.resultsIdentity,
    ], restart: request.restart)
    // Both columns draw the same node counts; batch b of column c is sampled from the generator
    // seeded with (seed, c, b), so a batch does not depend on the others.
    var countStream = RandomGenerator(seed: request.seed ^ 0xC0DE_C0DE)
    let nodeCounts = (0..<request.samples).map { _ in model.nodeCountDistribution.sample(using: &countStream) }
    let batches = stride(from: 0, to: request.samples, by: request.batchSize).map { $0..<Swift.min($0 + request.batchSize, request.samples) }
    let progress = ProgressReporter(total: 2 * batches.count, label: "sample", quiet: request.quiet)
    var generated: [String: [GeneratedMoleculeRow]] = [:]
    for (c, column) in generatedColumns.enumerated() {
      let constraint: (any ReverseStepConstraint)? = column == "constrained" ? MoleculeCounterfactualEngine.valenceConstraint(for: vocabulary) : nil
      var rows: [GeneratedMoleculeRow] = []
      for (b, range) in batches.enumerated() {
        let key = "\(column)-\(b)"
        if let done = journal.record(key, as: [GeneratedMoleculeRow].self), done.map(\.nodes) == Array(nodeCounts[range]) {
          rows += done
          progress.skip()
        } else {
          var rng = RandomGenerator(seed: request.seed ^ (UInt64(c + 1) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(b) &* 0xBF58_476D_1CE4_E5B9))
          let state = model.generated(
            nodeCounts: Array(nodeCounts[range]), nodeCapacity: model.configuration.maximumNodes, target: condition,
            guidanceScale: request.guidanceScale, constraint: constraint, using: &rng)
          let batch = state.graphs().enumerated().map { k, graph in
            row(MoleculeData.molecularGraph(graph), column: column, index: range.lowerBound + k, target: target)
          }
          try journal.append(key, batch)
          rows += batch
        }
        progress.update(done: c * batches.count + b + 1)
        try RunInterrupted.check(kept: c * batches.count + b + 1, total: 2 * batches.count, units: "batches", journal: journal.url)
      }
      generated[column] = rows
    }
    progress.note("reading the training molecules for novelty")
    let reference = try MoleculeTrainingJob.load(request.referenceFile, limit: request.referenceLimit).entries
    progress.note("\(reference.count) training molecules read; writing their canonical SMILES")
    let known = MoleculeReferenceSet.canonicalSMILES(of: reference)
    var draw = RandomGenerator(seed: request.seed ^ 0x7EA1_DA7A)
    let drawn = draw.permutation(reference.count).prefix(request.samples)
    let training = drawn.enumerated().map { k, i in row(reference[i].graph, column: "training", index: k, target: target) }
    var rows: [GeneratedMoleculeRow] = []
    var columns: [MoleculeGenerationColumn] = []
    for column in generatedColumns {
      let marked = markUniqueAndNovel(generated[column] ?? [], novel: { !known.contains($0) })
      rows += marked
      columns.append(Self.column(column, rows: marked))
    }
    let markedTraining = markUniqueAndNovel(training, novel: nil)
    rows += markedTraining
    columns.append(Self.column("training", rows: markedTraining))
    let evaluation = MoleculeGenerationEvaluation(
      modelSHA256: engine.modelChecksum, model: request.modelDirectory.path, target: condition == nil ? "" : target.description,
      targetLower: target.lower, targetUpper: target.upper,
      samples: request.samples, guidanceScale: request.guidanceScale, seed: request.seed, referenceCount: reference.count,
      referenceFile: request.referenceFile.path, referenceSHA256: referenceSHA, columns: columns, arithmetic: .current,
      definitions: definitions)
    try write(evaluation, rows: rows, to: out)
    return (evaluation, report(evaluation, out: out))
  }

  /// What each number means (summary.json's `definitions`).
  static let definitions: [String: String] = [
    "columns": "constrained: sampled from noise with the valence constraint; unconstrained: the same node counts without it (the model alone); training: as many training molecules drawn at random (what the data scores)",
    "validity": "valid molecules / all: cfx's validity (RDKit-equivalent sanitisation, one fragment); fragmented and overValent count the molecules failing on several fragments and on an atom's valence",
    "uniqueness": "distinct canonical SMILES among the valid / valid",
    "novelty": "distinct valid SMILES not among the training molecules' canonical SMILES / distinct valid (MOSES's definition)",
    "inTarget": "valid molecules inside the target the condition asked for / valid (unconditional runs report the window of the model's condition)",
    "filterPass": "valid molecules passing the MOSES medicinal-chemistry filters (MCF, PAINS, allowed atoms, no charge, no ring of 8 or more) / valid; validAndFilterPass divides by all molecules",
    "alertFree": "valid molecules firing none of cfx's unstable-group alerts / valid; realistic: no alert and the filters passed",
    "meanSA": "mean Ertl–Schuffenhauer SA score of the valid molecules (1 easy … 10 hard); meanQED: mean QED; meanLogP: mean Crippen logP",
    "files": "samples.csv has every molecule with the columns these numbers come from; scripts/check-generation.py recomputes them with RDKit",
  ]

  /// Writes samples.csv, samples.smi (valid generated molecules) and summary.json atomically.
  static func write(_ evaluation: MoleculeGenerationEvaluation, rows: [GeneratedMoleculeRow], to out: URL) throws {
    func number(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
    func flag(_ x: Bool?) -> String { x.map { $0 ? "1" : "0" } ?? "" }
    let header = "column,index,nodes,smiles,valid,validity,fragmented,over_valent,logp,in_target,moses_filters,alerts,sa,qed,unique,novel,guidance_scale,seed,model_sha256"
    let lines = rows.map { r in
      [r.column, "\(r.index)", "\(r.nodes)", CSV.escape(r.smiles), flag(r.valid), CSV.escape(r.validity), flag(r.fragmented), flag(r.overValent),
       number(r.logp), flag(r.inTarget), CSV.escape(r.mosesFilters ?? ""), CSV.escape(r.alerts ?? ""), number(r.sa), number(r.qed),
       flag(r.unique), flag(r.novel), "\(evaluation.guidanceScale)", "\(evaluation.seed)", evaluation.modelSHA256].joined(separator: ",")
    }
    try AtomicFile.write(Data(([header] + lines).joined(separator: "\n").utf8 + [0x0A]), to: out.appendingPathComponent("samples.csv"))
    let smi = rows.filter { $0.valid && $0.column != "training" }.map { "\($0.smiles) \($0.column)-\($0.index)" }
    try AtomicFile.write(Data((smi.joined(separator: "\n") + "\n").utf8), to: out.appendingPathComponent("samples.smi"))
    try AtomicFile.writeJSON(evaluation, to: out.appendingPathComponent("summary.json"))
  }

  /// The terminal table: one line per number, one column per column.
  static func report(_ e: MoleculeGenerationEvaluation, out: URL) -> String {
    func cell(_ x: Double?) -> String { x.map { $0.isNaN ? "—" : String(format: "%.3f", $0) } ?? "—" }
    let metrics: [(String, (MoleculeGenerationColumn) -> Double?)] = [
      ("validity", { $0.validity }), ("  several fragments", { $0.fragmented }), ("  over-valent atom", { $0.overValent }),
      ("uniqueness (of valid)", { $0.uniqueness }), ("novelty (of distinct valid)", { $0.novelty }), ("in target (of valid)", { $0.inTarget }),
      ("MOSES filters pass (of valid)", { $0.filterPass }), ("valid and filters pass (of all)", { $0.validAndFilterPass }),
      ("no stability alert (of valid)", { $0.alertFree }), ("realistic (of valid)", { $0.realistic }),
      ("mean SA", { $0.meanSA }), ("mean QED", { $0.meanQED }), ("mean logP", { $0.meanLogP }),
    ]
    let width = metrics.map(\.0.count).max()!
    var lines = [
      "generation from noise: \(e.samples) molecules per column, scale \(e.guidanceScale), seed \(e.seed), target \(e.target.isEmpty ? "none (null condition)" : e.target)",
      "model \(e.modelSHA256.prefix(12))…; novelty against \(e.referenceCount) training molecules",
      "",
      "".padding(toLength: width, withPad: " ", startingAt: 0) + e.columns.map { "  " + $0.name.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined(),
    ]
    for (name, value) in metrics {
      lines.append(name.padding(toLength: width, withPad: " ", startingAt: 0) + e.columns.map { "  " + cell(value($0)).padding(toLength: 13, withPad: " ", startingAt: 0) }.joined())
    }
    lines.append("")
    lines.append("wrote \(out.path)/samples.csv, samples.smi and summary.json (recompute with scripts/check-generation.py)")
    return lines.joined(separator: "\n")
  }
}
