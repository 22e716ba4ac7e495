// The job behind `cfx explain` for molecules: read SMILES (arguments, a molecule file or
// standard input; bad records are skipped and reported), generate counterfactuals with GDCE,
// FreeGress or retrieval, rank them, print a table and, with an output directory, write
// counterfactuals.csv, counterfactuals.json, counterfactuals.sdf and one SVG grid per input.

import Basics
import Chemistry
import Foundation
import Molecules
import Rendering
import Tensor

/// A request of `cfx explain` on molecules.
public struct ExplainMoleculesRequest: Sendable {
  /// Model directory (nil: only `--method nearest` can run).
  public var modelDirectory: URL?
  /// SMILES given inline, as (source description, SMILES[ name]).
  public var smiles: [(source: String, text: String)]
  /// Molecule files (.smi, .sdf, …) to read as well, in order.
  public var inputFiles: [String]
  /// The target range.
  public var target: PropertyTarget
  /// Method, τ values, samples, scale, seed, constraint.
  public var settings: MoleculeCounterfactualSettings
  /// Reference molecules for `nearest` (`cfx data molecules` JSON lines or a molecule file).
  public var referenceFile: URL?
  /// Use at most this many reference molecules.
  public var referenceLimit: Int?
  /// Output directory (nil: terminal only).
  public var outputDirectory: URL?
  /// Rows shown per input on the terminal.
  public var show: Int
  /// No progress bar.
  public var quiet: Bool

  /// Discard the journal of an earlier run in the output directory instead of resuming it.
  public var restart = false
  /// How inputs are standardised before they are explained (salts stripped, charges
  /// neutralised, isotopes dropped; every change reported per input). `.none`: taken as given.
  public var standardization: StandardizationOptions = .standard
  /// Flip each input to the other side of this value (a classifier's decision threshold): an
  /// input above it gets the target ≤ it, one at or below it the target ≥ it; `target` then
  /// only names the property. Nil: every input has `target`.
  public var flipAt: Double? = nil
  /// The user's model whose output the target is on (nil: the target's built-in property).
  /// The target's property must then be `.oracle`.
  public var oracle: ExternalOracle.Configuration? = nil
  /// The settings used instead of `settings` when more than half of the inputs are larger than
  /// the model's largest training molecule (MoleculeCounterfactualSettings.mostlyOversized); nil:
  /// `settings` whatever the sizes (the user chose the settings).
  public var oversizedSettings: MoleculeCounterfactualSettings? = nil
  /// The processes sharing the inputs (`mpirun -n N cfx explain molecules`): each rank explains
  /// its share, rank 0 journals, reports and writes every output. Every rank reads the inputs
  /// and the model; only rank 0 needs the output directory.
  public var group: any ProcessGroup = SingleProcess()

  /// A request.
  public init(modelDirectory: URL?, smiles: [(source: String, text: String)], inputFiles: [String], target: PropertyTarget,
              settings: MoleculeCounterfactualSettings, referenceFile: URL?, referenceLimit: Int?, outputDirectory: URL?,
              show: Int, quiet: Bool) {
    (self.modelDirectory, self.smiles, self.inputFiles, self.target, self.settings) = (modelDirectory, smiles, inputFiles, target, settings)
    (self.referenceFile, self.referenceLimit, self.outputDirectory, self.show, self.quiet) = (referenceFile, referenceLimit, outputDirectory, show, quiet)
  }
}

extension ExplainMoleculesRequest {
  /// The target of an input whose property is `value`: `target`, or with `flipAt` the other
  /// side of the threshold (NaN: the target ≥ threshold).
  public func target(for value: Double) -> PropertyTarget {
    guard let t = flipAt else { return target }
    return value > t ? PropertyTarget(property: target.property, lower: nil, upper: t) : PropertyTarget(property: target.property, lower: t, upper: nil)
  }
}

/// The outcome of an explanation run.
public struct ExplainMoleculesOutcome: Sendable {
  /// All rows, ranked per input.
  public var rows: [MoleculeCounterfactualRow]
  /// The metrics over all inputs, one column per τ (as `cfx eval molecules` computes them; no
  /// novelty, there is no reference set).
  public var summary: [MoleculeEvaluationColumn]
  /// Skipped records with reasons.
  public var skipped: [String]
  /// Per input: already in the target or not, and samples that reproduced it (dropped).
  public var inputs: [ExplainMoleculesJob.InputStatus]
  /// The terminal report.
  public var text: String
}

/// Runs counterfactual explanations of molecules.
public enum ExplainMoleculesJob {
  /// Runs the request. Throws only when nothing can be done (no model, no usable input).
  /// Returns nil on the ranks other than 0, which compute their share and write nothing.
  public static func run(_ request: ExplainMoleculesRequest) throws -> ExplainMoleculesOutcome? {
    var request = request
    var (entries, skipped) = MoleculeData.parse(request.smiles, standardization: request.standardization)
    for file in request.inputFiles {
      let loaded = try MoleculeData.loadFile(file, standardization: request.standardization)
      entries += loaded.entries
      skipped += loaded.skipped
    }
    guard !entries.isEmpty else {
      throw MoleculeDataError(message: "no usable input molecule" + (skipped.isEmpty ? "" : ":\n  " + skipped.joined(separator: "\n  ")))
    }
    var engine: MoleculeCounterfactualEngine
    if let directory = request.modelDirectory {
      engine = try MoleculeCounterfactualEngine.load(from: directory)
    } else {
      guard !request.settings.method.samples else {
        throw MoleculeDataError(message: "--method \(request.settings.method.rawValue) needs a molecule model: pass --model DIR (train one with `cfx train molecules`)")
      }
      engine = MoleculeCounterfactualEngine(model: nil, modelChecksum: "", info: nil)
    }
    // A run mostly of molecules larger than the model's training molecules gets its oversized
    // settings (unless the user chose the settings): a larger budget, or steering.
    var oversizedNote: String? = nil
    if let oversized = request.oversizedSettings, let model = engine.model {
      let sizes = entries.map { $0.graph.nodeClasses.count }, maximum = model.configuration.maximumNodes
      let larger = sizes.filter { $0 > maximum }.count
      if MoleculeCounterfactualSettings.mostlyOversized(sizes, modelMaximum: maximum) {
        request.settings = oversized
        oversizedNote = "\(larger) of \(entries.count) inputs have more heavy atoms than the model's largest training molecule (\(maximum)): "
          + (oversized.steering > 0
            ? "steered GDCE (tau \(oversized.sampling.taus.map(String.init).joined(separator: ",")), --steer \(oversized.steering), \(oversized.particles) particles per answer)"
            : "\(oversized.budget.map { "budget rounds of \($0) evaluations per input" } ?? "unlimited evaluations"), since the model's draws change more of such inputs; --budget N chooses another budget")
      } else if larger > 0 {
        oversizedNote = "\(larger) of \(entries.count) inputs have more heavy atoms than the model's largest training molecule (\(maximum)): its answers for them may stray; --budget \(MoleculeCounterfactualSettings.oversizedBudget) searches longer for close ones"
      }
    }
    if request.settings.method == .nearest {
      let file = request.referenceFile ?? MoleculeTrainingRequest.defaultDataFile
      engine.reference = MoleculeReferenceSet(try MoleculeTrainingJob.load(file, limit: request.referenceLimit).entries)
    }
    guard (request.oracle != nil) == (request.target.property == .oracle) else {
      throw MoleculeDataError(message: request.oracle == nil
        ? "a target on `oracle` needs the oracle: pass --oracle 'COMMAND' (or the name of an entry of an oracle file)"
        : "an oracle is given, but the target is on \(request.target.property.rawValue): targets with --oracle are on the oracle's output")
    }
    // The oracle is started once and closed at the end, also when a run stops early.
    let oracle = try request.oracle.map { configuration throws(OracleError) in try ExternalOracle(configuration) }
    defer { oracle?.close() }
    let source: PropertySource = oracle.map { .oracle($0) } ?? .builtin(request.target.property)
    let progress = ProgressReporter(total: entries.count, label: "explain", quiet: request.quiet)
    var rows: [MoleculeCounterfactualRow] = []
    var report: [String] = skipped.map { "skipped: \($0)" } + (oversizedNote.map { [$0] } ?? [])
    let s = request.settings
    // Which condition the model gets: its own target, or none (steering alone aims).
    let unconditioned = s.method != .nearest && engine.info.map { (try? MoleculeCounterfactualEngine.condition(info: $0, target: request.target, settings: s)) == .some(nil) } == true
    let conditioning = unconditioned
      ? " (the model was not conditioned on this target: it runs unconditionally and \(s.steering > 0 ? "steering" : "the budgeted search") aims)" : ""
    let sampling = s.method == .nearest
      ? "retrieval from \(engine.reference?.entries.count ?? 0) reference molecules"
      : s.method == .mutate
      ? "random graph edits (1-3 per mutant), \(request.settings.budget.map { "up to \($0 - 1)" } ?? "\(MutationSearch.defaultPool)") distinct valid mutants scored, the \(s.sampling.samples) best by the answers' ranking kept, seed \(s.sampling.seed)"
      : "tau \(s.method == .freegress ? "T" : s.sampling.taus.map(String.init).joined(separator: ",")), \(s.sampling.samples) samples, scale \(s.sampling.guidanceScale), seed \(s.sampling.seed), valence constraint \(s.constrained ? "on" : "off"), "
        + "steering \(s.steering > 0 ? "λ = \(s.steering), \(s.particles) particle(s) per sample" + (s.proximity > 0 ? ", proximity μ = \(s.proximity)" : "") : "off")\(conditioning)"
        + (s.method == .gdce && s.refine ? ", minimal-edit refinement" : "")
    report.append("""
      method \(s.method.rawValue), target \(request.flipAt.map { "flip \(request.target.property.rawValue) across \($0) (an input above gets <= \($0), one at or below >= \($0))" } ?? request.target.description)\(oracle.map { $0.configuration.name == $0.configuration.command ? " (oracle `\($0.configuration.command)`)" : " (oracle '\($0.configuration.name)': `\($0.configuration.command)`)" } ?? ""), \(sampling); \
      evaluations per input: \(request.settings.budget.map { "at most \($0)" + (s.spendsBudgetInRounds ? ", further rounds at an adapted τ while it lasts" + (s.drawsResizedRounds ? " (from the input, and from it with one atom removed, added or redrawn)" : "") : "") } ?? "unlimited"); \
      similarity: Tanimoto on \(FingerprintKind.morganBits.rawValue) (Morgan radius 2, 2048 bits); \
      model SHA-256 \(engine.modelChecksum.isEmpty ? "-" : engine.modelChecksum)
      """)
    // With an output directory every finished input goes to the journal at once; a rerun with
    // the same identity reuses it (Basics/RunJournal.swift). Rank 0 keeps the journal and tells
    // the other ranks which inputs are left.
    let group = request.group
    let journal = try group.isRoot ? request.outputDirectory.map {
      try RunJournal(directory: $0, identity: identity(of: request, entries: entries, modelChecksum: engine.modelChecksum), restart: request.restart)
    } : nil
    guard let (records, resumed) = try ShardedWork.runJournaled(
      units: Array(entries.indices), group: group, journal: journal, key: { "input-\($0)" }, progress: progress,
      compute: { id in
        let entry = entries[id]
        // A row that reproduces the input is no counterfactual: dropped here, counted.
        let scorer = PropertyScorer(source, budget: s.budget)
        let generated: [MoleculeCounterfactual]
        do {
          // A flip needs the input's side first (one more evaluation, counted in the total).
          let target = try request.flipAt == nil ? request.target : request.target(for: scorer.value(EvaluatedMolecule(entry.graph).scored) ?? .nan)
          generated = MoleculeCounterfactual.ranked(
            try engine.counterfactuals(of: entry, inputId: id, target: target, settings: s, scorer: scorer), target: target, realism: s.realismGuard,
            margin: s.accessibilityMargin)
        } catch let error as OracleError {
          // Inputs already finished are in the journal; a rerun resumes after the oracle is fixed.
          throw MoleculeDataError(message: "\(error) (input \(id), \(entry.name): \(entry.smiles))" + (request.outputDirectory.map { "; the inputs finished before are kept in \($0.appendingPathComponent(RunJournal.fileName).path) and a rerun with the same options resumes there" } ?? ""))
        }
        let ranked = generated.filter { !$0.row.isIdentity }
        var record = InputRecord(rows: ranked.map(\.row))
        record.identityRows = generated.count - ranked.count
        record.evaluations = scorer.totalEvaluations
        record.propertyBefore = try scorer.value(EvaluatedMolecule(entry.graph).scored)
        record.unscored = scorer.unscored
        if request.outputDirectory != nil {
          do {
            (record.grid, record.drawings) = try checkedGrid(input: entry, counterfactuals: ranked, propertyName: request.oracle?.name ?? request.target.property.rawValue)
          } catch { record.gridError = "\(error)" }
        }
        return record
      },
      delivered: { _, done in try RunInterrupted.check(kept: done, total: entries.count, journal: journal?.url) })
    else { return nil }
    var grids: [(Int, String)] = []
    var statuses: [InputStatus] = []
    for (id, entry) in entries.enumerated() {
      let done = records[id]!
      rows += done.rows
      let before = done.propertyBefore ?? done.rows.first?.propertyBefore ?? .nan
      let inputTarget = request.target(for: before)
      let status = InputStatus(
        inputId: id, inputName: entry.name, smiles: entry.smiles, propertyBefore: before,
        status: inputTarget.contains(before) ? "already in target" : "needs a counterfactual", identityRowsDropped: done.identityRows ?? 0,
        evaluations: done.evaluations, unscored: done.unscored, drawings: done.drawings,
        harderLeftOut: MoleculeCounterfactualRow.harderLeftOut(of: done.rows))
      statuses.append(status)
      report.append(table(for: entry, rows: done.rows, show: request.show, status: status, target: inputTarget))
      if let svg = done.grid { grids.append((id, svg)) }
      if let problem = done.gridError { report.append("  (no picture for input \(id): \(problem))") }
    }
    let drawings = statuses.flatMap { $0.drawings ?? [] }
    if !drawings.isEmpty {
      let adding = drawings.filter(\.check.addsCrossings).count
      let (aligned, alone) = (drawings.filter { $0.check.layout == "aligned" }.count, drawings.filter { $0.check.layout == "alone" }.count)
      let common = drawings.filter { $0.matching.hasPrefix("mcs") }.count
      report.append("diff drawings: \(adding) of \(drawings.count) add crossings to a clean layout of their counterfactual (\(aligned) in the counterfactual's own aligned layout, \(alone) drawn alone there because the removed bonds would cross it, the rest pinned to the input's; \(common) matched by maximum common substructure)")
    }
    if let journal, resumed > 0 { report.append("resumed \(resumed) of \(entries.count) inputs from \(journal.url.path)") }
    // Inputs already in the target need no counterfactual: their rows (variants) are listed but
    // never counted, and they are not among the inputs success is measured over.
    let alreadyIn = statuses.filter { $0.status == "already in target" }.count
    let needing = entries.count - alreadyIn
    let summary = Self.summary(rows.filter { $0.inputInTarget != true }, taus: s.sampling.taus, inputs: needing, steering: s.method == .nearest ? 0 : s.steering)
    if alreadyIn > 0 {
      report.append("\(alreadyIn) of \(entries.count) input(s) already in target (\(request.target)): no counterfactual needed; their variants are listed but not counted in the summary")
    }
    let dropped = statuses.reduce(0) { $0 + $1.identityRowsDropped }
    if dropped > 0 { report.append("\(dropped) sample(s) reproduced their input and were dropped (a counterfactual must differ from its input)") }
    let leftOut = statuses.reduce(0) { $0 + ($1.harderLeftOut ?? 0) }
    if leftOut > 0 {
      report.append("\(leftOut) answer(s) left out as more than \(s.accessibilityMargin) SA units harder to make than their input (the realism guard; a larger --sa-margin returns them)")
    }
    if needing > 1 { report.append("over the \(needing) inputs that need a counterfactual:\n" + MoleculeEvaluationJob.tableText(summary)) }
    let evaluations = statuses.compactMap(\.evaluations)
    if evaluations.count > 1 {
      report.append("property evaluations: \(evaluations.reduce(0, +)) in all, \(String(format: "%.1f", Double(evaluations.reduce(0, +)) / Double(evaluations.count))) per input, at most \(evaluations.max()!)")
    }
    if let directory = request.outputDirectory {
      try write(rows: rows, summary: summary, inputs: statuses, skipped: skipped, grids: grids, request: request, modelChecksum: engine.modelChecksum, to: directory)
      report.append("wrote \(directory.path)/counterfactuals.{csv,json,sdf} and \(grids.count) SVG grid(s)")
    }
    if !skipped.isEmpty { report.append("\(skipped.count) record(s) skipped (see above)") }
    return ExplainMoleculesOutcome(rows: rows, summary: summary, skipped: skipped, inputs: statuses, text: report.joined(separator: "\n"))
  }

  /// What the journal keeps of one finished input: its ranked rows and its picture.
  struct InputRecord: Codable {
    var rows: [MoleculeCounterfactualRow]
    var grid: String? = nil
    var gridError: String? = nil
    /// How each answer in `grid` was drawn.
    var drawings: [DrawnAnswer]? = nil
    /// Samples that reproduced the input and were dropped.
    var identityRows: Int? = nil
    /// Property evaluations the input cost, and molecules the budget left unscored.
    var evaluations: Int? = nil, unscored: Int? = nil
    /// The input's own property value.
    var propertyBefore: Double? = nil
  }

  /// What became of one input: whether it needed a counterfactual, and how many samples
  /// reproduced it (dropped).
  public struct InputStatus: Codable, Sendable {
    /// Index of the input (0-based, input order).
    public var inputId: Int
    /// Input name.
    public var inputName: String
    /// Input SMILES.
    public var smiles: String
    /// The input's own property value.
    public var propertyBefore: Double
    /// "already in target" or "needs a counterfactual".
    public var status: String
    /// Samples equal to the input, dropped from every output.
    public var identityRowsDropped: Int
    /// Property (oracle) evaluations this input cost (PropertyScoring.swift).
    public var evaluations: Int?
    /// Molecules left unscored because the budget was spent (their rows carry NaN).
    public var unscored: Int?
    /// How each answer in the input's picture was drawn, in picture order (nil: no picture).
    public var drawings: [DrawnAnswer]? = nil
    /// Answers the realism guard left out as harder to make than the input (nil: not counted).
    public var harderLeftOut: Int? = nil
  }

  /// What determines a run's results: a journal is reused only by a run with the same identity.
  static func identity(of request: ExplainMoleculesRequest, entries: [MoleculeEntry], modelChecksum: String) -> [String: String] {
    let s = request.settings
    let inputs = entries.map { "\($0.name)\t\($0.smiles)" }.joined(separator: "\n")
    let budget: String = s.budget.map { "\($0)\(s.roundsKey)" } ?? "unlimited"
    var identity: [String: String] = [
      "job": "cfx explain molecules", "model": modelChecksum.isEmpty ? "none" : modelChecksum, "method": s.method.rawValue,
      "target": request.flipAt.map { "flip \(request.target.property.rawValue) at \($0)" } ?? request.target.description, "taus": s.sampling.taus.map(String.init).joined(separator: ","), "samples": "\(s.sampling.samples)",
      "scale": "\(s.sampling.guidanceScale)", "seed": "\(s.sampling.seed)", "constrained": "\(s.constrained)", "steering": "\(s.steering)",
      "particles": "\(s.particles)", "proximity": "\(s.proximity)", "refine": "\(s.refine)",
      "inputs": "\(entries.count) molecules, SHA-256 \(SHA256.hex(Array(inputs.utf8)))", "arithmetic": ArithmeticProvenance.current.resultsIdentity,
      "standardization": "\(request.standardization)",
      "budget": budget,
      "realism guard": s.realismGuard ? "on, penalty \(s.realismPenalty), SA margin \(s.accessibilityMargin), harder answers left out" : "off",
      "keeps": s.keeps.map(\.description).joined(separator: "; "),
    ]
    if let oracle = request.oracle {
      identity["oracle"] = "\(oracle.name): \(oracle.command)" + (oracle.field.map { " field \($0)" } ?? "")
    }
    if s.method == .nearest {
      identity["reference"] = (request.referenceFile?.path ?? MoleculeTrainingRequest.defaultDataFile.path) + (request.referenceLimit.map { " (first \($0))" } ?? "")
    }
    return identity
  }

  /// The evaluation metrics of `rows` (from `inputs` molecules), one column per τ: the
  /// requested `taus` in the order given, then any other τ of the rows (FreeGress's T,
  /// retrieval's 0) in ascending order. Never the order of the rows, which are ranked.
  public static func summary(_ rows: [MoleculeCounterfactualRow], taus requested: [Int], inputs: Int, steering: Double) -> [MoleculeEvaluationColumn] {
    let present = Set(rows.map(\.tau))
    var taus: [Int] = []
    for tau in requested where present.contains(tau) && !taus.contains(tau) { taus.append(tau) }
    taus += present.subtracting(taus).sorted()
    return taus.map { tau in
      let part = rows.filter { $0.tau == tau }
      var c = MoleculeEvaluationJob.column(method: part[0].method.rawValue, tau: tau, rows: part, inputs: inputs, novel: nil)
      c.steering = steering
      return c
    }
  }

  /// The terminal table of one input's ranked counterfactuals (unique SMILES, best first).
  static func table(for input: MoleculeEntry, rows: [MoleculeCounterfactualRow], show: Int, status: InputStatus, target: PropertyTarget) -> String {
    let before = status.propertyBefore
    var lines = ["\(input.name): \(rows.first?.originalSMILES ?? input.smiles)  (\(target.property.rawValue) \(String(format: "%.2f", before)))"]
    if !input.standardization.isEmpty {
      lines.append("  as given: \(input.inputSMILES ?? "")")
      for note in input.standardization { lines.append("  standardised: \(note)") }
    }
    let valid = rows.filter(\.valid).count, hits = rows.filter { $0.valid && $0.inTarget && ($0.keepFailed ?? "").isEmpty }.count
    // What never became a row: samples equal to the input, answers the realism guard left out.
    var removed = status.identityRowsDropped > 0 ? "; \(status.identityRowsDropped) reproduced the input (dropped)" : ""
    if let leftOut = status.harderLeftOut, leftOut > 0 { removed += "; \(leftOut) more left out as harder to make than the input (--sa-margin)" }
    if status.status == "already in target" {
      lines.append("  already in target: \(target.property.rawValue) \(String(format: "%.2f", before)) meets \(target); no counterfactual is needed")
      lines.append("  \(rows.count) variant\(rows.count == 1 ? "" : "s"): \(valid) valid, \(hits) valid and still in target\(removed); the nearest that stay in target:")
    } else {
      lines.append("  \(rows.count) counterfactual\(rows.count == 1 ? "" : "s"): \(valid) valid, \(hits) valid and in target\(removed)")
    }
    if let evaluations = status.evaluations {
      let unscored = (status.unscored ?? 0) > 0 ? "; the budget left \(status.unscored!) molecule(s) unscored" : ""
      lines.append("  \(evaluations) property evaluation(s)\(unscored)")
    }
    lines.append("  rank  valid  after   target  tanimoto  atoms  bonds  tau    SA  alerts   QED  MOSES  smiles")
    var seen = Set<String>()
    var rank = 0
    for row in rows where rank < show && seen.insert(row.counterfactualSMILES).inserted {
      rank += 1
      lines.append(String(
        format: "  %4d  %-5@  %6.2f  %-6@  %8.3f  %5@  %5@  %3d  %4@  %6@  %4@  %5@  %@", rank, row.valid ? "yes" : "no", row.propertyAfter,
        !row.inTarget ? "no" : (row.keepFailed ?? "").isEmpty ? "yes" : "guard", row.tanimoto, row.atomsChanged.map(String.init) ?? "-",
        row.bondsChanged.map(String.init) ?? "-", row.drawnAt, row.sa.map { String(format: "%.1f", $0) } ?? "-", row.alerts.map { $0.isEmpty ? "0" : "\($0.split(separator: ";").count)" } ?? "-",
        row.qed.map { String(format: "%.2f", $0) } ?? "-", row.mosesFilters.map { $0.isEmpty ? "pass" : "fail" } ?? "-",
        row.counterfactualSMILES.isEmpty ? "(unwritable)" : row.counterfactualSMILES))
      if let alerts = row.alerts, !alerts.isEmpty { lines.append("        alerts: \(alerts)") }
      if let filters = row.mosesFilters, !filters.isEmpty { lines.append("        fails MOSES filters: \(filters)") }
      if let missed = row.keepFailed, !missed.isEmpty { lines.append("        misses the guard: \(missed)") }
    }
    return lines.joined(separator: "\n")
  }

  /// An SVG grid: the input, then up to 8 unique ranked counterfactuals as diffs.
  public static func grid(input: MoleculeEntry, counterfactuals: [MoleculeCounterfactual], propertyName: String = "logP", limit: Int = 8) throws -> String {
    try checkedGrid(input: input, counterfactuals: counterfactuals, propertyName: propertyName, limit: limit).svg
  }

  /// `grid` and how each answer was drawn (grid order). GDCE's diffs match atoms by slot
  /// (`MoleculeCounterfactual.inputMatching`: an atom added or removed shows as such); other
  /// methods' answers are matched to the input by their maximum common substructure
  /// (`DiffMatching`), and drawn with every atom unmatched when it has fewer than 2 atoms.
  public static func checkedGrid(
    input: MoleculeEntry, counterfactuals: [MoleculeCounterfactual], propertyName: String = "logP", limit: Int = 8
  ) throws -> (svg: String, drawings: [DrawnAnswer]) {
    let original = EvaluatedMolecule(input.graph, name: input.name)
    let inputDrawing = DrawingGraph(original.molecule)
    let n = input.graph.nodeClasses.count
    var entries: [CounterfactualEntry] = []
    var sources: [(smiles: String, matching: String)] = []
    var seen = Set<String>()
    for item in counterfactuals where entries.count < limit && seen.insert(item.row.counterfactualSMILES).inserted {
      let row = item.row
      let drawing = DrawingGraph(MoleculeData.encoding.decode(item.graph))
      var matching: [Int?] = Array(repeating: nil, count: n)
      var source = "none"
      if let slots = item.inputMatching {
        (matching, source) = (slots, "slots")
      } else if let common = DiffMatching.commonSubstructure(inputDrawing, drawing) {
        (matching, source) = (common.matching, common.substructure.isProvenOptimal ? "mcs" : "mcs (search capped)")
      }
      sources.append((row.counterfactualSMILES, source))
      entries.append(CounterfactualEntry(
        graph: drawing,
        matching: matching,
        // No `similarity`: the grid would re-sort by it; the ranking here puts in-target first.
        property: PropertyChange(name: propertyName, before: row.propertyBefore, after: row.propertyAfter), isValid: row.valid,
        note: "#\(entries.count + 1) · Tanimoto \(String(format: "%.2f", row.tanimoto))\(row.inTarget ? " · in target" : "") · \(row.method.rawValue) τ \(row.drawnAt)"
          + (row.sa.map { " · SA \(String(format: "%.1f", $0))" } ?? "") + (row.qed.map { " · QED \(String(format: "%.2f", $0))" } ?? "")
          + ((row.alerts ?? "").isEmpty ? "" : " · alerts: \(row.alerts!)") + ((row.mosesFilters ?? "").isEmpty ? "" : " · fails \(row.mosesFilters!)")
          + "\n\(row.counterfactualSMILES)"))
    }
    let (svg, checks) = try Drawing.checkedCounterfactualGridSVG(
      input: inputDrawing, inputCaption: ["input", original.smiles], counterfactuals: entries,
      layout: GridLayout(columns: 3, title: input.name))
    return (svg, zip(sources, checks).map { DrawnAnswer(smiles: $0.smiles, matching: $0.matching, check: $1) })
  }

  /// How one answer of an input's picture was drawn: where its atom correspondence came from and
  /// whether its side of the picture has more crossings than a clean drawing of it alone.
  public struct DrawnAnswer: Codable, Sendable, Equatable {
    /// The answer's SMILES.
    public var smiles: String
    /// "slots" (GDCE's own correspondence), "mcs" (maximum common substructure, proven),
    /// "mcs (search capped)" (the best found within the search cap) or "none" (< 2 atoms common).
    public var matching: String
    /// Layout choice, anchors and crossings (drawn against clean).
    public var check: DiffDrawingCheck
  }

  /// Writes the CSV, JSON, SDF and SVG outputs atomically.
  static func write(rows: [MoleculeCounterfactualRow], summary: [MoleculeEvaluationColumn], inputs: [InputStatus], skipped: [String], grids: [(Int, String)], request: ExplainMoleculesRequest,
                    modelChecksum: String, to directory: URL) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let csv = ([MoleculeCounterfactualRow.csvHeader] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
      try AtomicFile.write(Data(csv.utf8), to: directory.appendingPathComponent("counterfactuals.csv"))
      struct Document: Encodable {
        var target: PropertyTarget
        var method: String, taus: [Int], samples: Int, scale: Float, seed: UInt64, constrained: Bool, steering: Double
        var particles: Int, proximity: Double, refine: Bool
        /// The oracle (nil: a built-in property), the budget per input, the evaluations spent.
        var oracle: ExternalOracle.Configuration?, budget: Int?, evaluations: Int
        /// Whether GDCE drew further rounds while the budget lasted, and whether some drew from
        /// the input with an atom removed or added.
        var budgetRounds: Bool, resizedRounds: Bool
        /// With a flip target: the threshold each input is moved across (rows carry their own target).
        var flipAt: Double?
        /// The realism guard, its SA margin, and the guards every answer must meet.
        var realismGuard: Bool, saMargin: Double, keeps: [PropertyTarget]
        var modelSha256: String
        var arithmetic: ArithmeticProvenance
        var fingerprint: String
        var skipped: [String]
        var inputs: [InputStatus]
        var summary: [MoleculeEvaluationColumn]
        var rows: [MoleculeCounterfactualRow]
      }
      let s = request.settings
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      let document = Document(
        target: request.target, method: s.method.rawValue, taus: s.sampling.taus, samples: s.sampling.samples, scale: s.sampling.guidanceScale, seed: s.sampling.seed,
        constrained: s.constrained, steering: s.steering, particles: s.particles, proximity: s.proximity, refine: s.method == .gdce && s.refine,
        oracle: request.oracle, budget: request.settings.budget, evaluations: inputs.reduce(0) { $0 + ($1.evaluations ?? 0) },
        budgetRounds: s.spendsBudgetInRounds, resizedRounds: s.drawsResizedRounds, flipAt: request.flipAt, realismGuard: s.realismGuard, saMargin: s.accessibilityMargin, keeps: s.keeps, modelSha256: modelChecksum, arithmetic: .current, fingerprint: FingerprintKind.morganBits.rawValue,
        skipped: skipped, inputs: inputs, summary: summary, rows: rows)
      try AtomicFile.write(encoder.encode(document) + Data([0x0A]), to: directory.appendingPathComponent("counterfactuals.json"))
      var sdf = ""
      for row in rows where !row.counterfactualSMILES.isEmpty {
        guard var molecule = try? MoleculeReader.parseSMILES(row.counterfactualSMILES, record: "counterfactual").molecule else { continue }
        molecule.name = "\(row.inputName) \(row.method.rawValue) tau=\(row.drawnAt)"
        for (key, value) in [
          ("input_id", "\(row.inputId)"), ("original_smiles", row.originalSMILES), ("counterfactual_smiles", row.counterfactualSMILES),
          ("method", row.method.rawValue), ("tau", "\(row.tau)"), ("valid", "\(row.valid)"), ("property_after", String(format: "%.4f", row.propertyAfter)),
          ("in_target", "\(row.inTarget)"), ("tanimoto", String(format: "%.4f", row.tanimoto)), ("fingerprint", row.fingerprint), ("status", row.status),
        ] + (row.drawnTau.map { [("drawn_tau", "\($0)")] } ?? []) { molecule.properties.append(MoleculeProperty(key: key, value: value)) }
        if let block = try? OpenBabel.write(molecule, format: "sdf") { sdf += block }
      }
      try AtomicFile.write(Data(sdf.utf8), to: directory.appendingPathComponent("counterfactuals.sdf"))
      for (id, svg) in grids {
        try AtomicFile.write(Data(svg.utf8), to: directory.appendingPathComponent("input-\(id).svg"))
      }
    } catch {
      throw MoleculeDataError(message: "\(directory.path): cannot write the outputs (\(error)); check --out")
    }
  }
}
