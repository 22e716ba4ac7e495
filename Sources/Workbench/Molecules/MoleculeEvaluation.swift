// `cfx eval molecules`: the Table 2 protocol of Bechtoldt and Bender, "Graph Diffusion Counterfactual Explanation", on MOSES. Inputs: test molecules
// outside the logP window [1.7, 3.8], half below and half above, drawn with a seed. For each:
// `samples` GDCE counterfactuals at every τ, `samples` FreeGress samples (same atom count) and
// the retrieval baseline (nearest in-window reference molecule). Metrics per column:
//   validity    valid / generated
//   accuracy    in window / valid (a row that is the input itself is valid but never in window)
//   tanimoto    mean Tanimoto (Morgan r2, 2048 bits) to the input over valid counterfactuals,
//               rows that reproduce the input left out (they are no counterfactuals)
//   uniqueness  distinct canonical SMILES / valid
//   novelty     valid ones whose canonical SMILES is not in the reference (training) set / valid
//   best-of-K   fraction of inputs with ≥ 1 valid in-window counterfactual; the mean Tanimoto
//               of the most similar such one; the fraction of those not in the reference set.
// Outputs: counterfactuals.csv (every row), summary.json, and a notebook (+ HTML page) with the
// table and example grids, by default OUT/notebooks-export/molecules.ipynb. Long runs resume:
// finished (input, setting) pairs are kept in OUT/journal.jsonl as they complete.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Molecules
import Rendering
import Tensor

/// Options of `cfx eval molecules`.
public struct MoleculeEvaluationRequest: Sendable {
  /// Molecule model directory.
  public var modelDirectory: URL
  /// Test molecules (`cfx data molecules` test.jsonl, or a molecule file).
  public var testFile: URL
  /// Reference (training) molecules for retrieval and novelty.
  public var referenceFile: URL
  /// Use at most this many reference molecules (nil: all).
  public var referenceLimit: Int?
  /// Inputs below and above the window (each).
  public var inputsPerSide: Int
  /// Noise steps τ, counterfactuals per input and setting, guidance scale, and the seed of the
  /// input draw and of sampling.
  public var sampling: SamplingSettings
  /// The protocol's sampling: τ 10, 50 and 100, 10 counterfactuals per input and setting, scale 2.
  public static let defaultSampling = SamplingSettings(taus: [10, 50, 100], samples: 10, guidanceScale: 2)
  /// Valence-constrained sampling.
  public var constrained: Bool
  /// Property steering strengths λ: GDCE runs once per value (0: off;
  /// MoleculeCounterfactualSettings.steering). The baselines are never steered.
  public var steerings: [Double] = [0]
  /// Compute only the drawn inputs with these indices (nil: all): a shard of a long run. The
  /// summary then covers the shard only; shards are merged by running the full evaluation with
  /// `mergeFrom` naming their output directories (their journals' pairs are reused).
  public var inputRange: Range<Int>? = nil
  /// Output directories of earlier runs with the same identity (shards) whose journals are
  /// merged into this run's before it starts.
  public var mergeFrom: [URL] = []
  /// Discard the journal of an earlier run in the output directory instead of resuming it.
  public var restart = false
  /// τ values of the steered GDCE columns (nil: `taus`).
  public var steeredTaus: [Int]? = nil
  /// Steering particles per counterfactual for the steered GDCE columns (1: none extra).
  public var particles: Int = 1
  /// Proximity weight μ of the steered GDCE columns (MoleculeCounterfactualSettings.proximity).
  public var proximity: Double = 0
  /// Minimal-edit refinement in the steered GDCE columns (MinimalEdits.swift).
  public var refine: Bool = false
  /// Run the FreeGress and retrieval baselines.
  public var baselines: Bool
  /// Evaluation budgets B per input: for each, a GDCE column (the steered setting, or the first
  /// τ unsteered, with K = min(samples, B − 1) answers and the particles only when K·particles
  /// ≤ B − 1) and a mutation-baseline column (`--method mutate`, K answers), both scoring at
  /// most B molecules per input (the input included).
  public var budgets: [Int] = []
  /// The realism guard in the GDCE columns (MoleculeCounterfactualSettings.realismGuard).
  public var realismGuard = true
  /// Further GDCE rounds, τ adapted, while a budget column's budget lasts (MoleculeCounterfactualSettings.budgetRounds).
  public var budgetRounds = true
  /// Budget rounds keep the input's atom count (MoleculeCounterfactualSettings.keepAtomCount).
  public var keepAtomCount = false
  /// Output directory (rank 0's).
  public var outputDirectory: URL
  /// The processes sharing the (input, setting) pairs (`mpirun -n N cfx eval molecules`):
  /// each rank computes its share, rank 0 journals, reports and writes every output. Every
  /// rank reads the model, the test and the reference files.
  public var group: any ProcessGroup = SingleProcess()
  /// Notebook path (nil: OUT/notebooks-export/molecules.ipynb).
  public var notebook: URL?
  /// No progress bar.
  public var quiet: Bool

  /// A request.
  public init(modelDirectory: URL, testFile: URL, referenceFile: URL, referenceLimit: Int?, inputsPerSide: Int,
              sampling: SamplingSettings, constrained: Bool, baselines: Bool, outputDirectory: URL, notebook: URL?, quiet: Bool) {
    (self.modelDirectory, self.testFile, self.referenceFile, self.referenceLimit) = (modelDirectory, testFile, referenceFile, referenceLimit)
    (self.inputsPerSide, self.sampling) = (inputsPerSide, sampling)
    (self.constrained, self.baselines, self.outputDirectory, self.notebook, self.quiet) = (constrained, baselines, outputDirectory, notebook, quiet)
  }
}

/// One column of the table (a method at one τ).
public struct MoleculeEvaluationColumn: Codable, Sendable, Equatable {
  /// Method.
  public var method: String
  /// τ (FreeGress: T, retrieval: 0).
  public var tau: Int
  /// Property steering strength λ (0: off).
  public var steering: Double = 0
  /// The evaluation budget per input (nil: none) and the mean evaluations an input cost.
  public var budget: Int? = nil, meanEvaluations: Double? = nil
  /// Realism: the fraction of successes (and of the best ones) without an unstable group
  /// (StabilityAlerts), passing the MOSES filters, and the mean SA and QED of the successes
  /// (nil: rows without realism).
  public var alertFree: Double? = nil, bestAlertFree: Double? = nil, meanSA: Double? = nil
  public var filterPass: Double? = nil, bestFilterPass: Double? = nil, meanQED: Double? = nil
  /// Best-of-K among realistic successes only (no unstable group, MOSES filters passed): the
  /// fraction of inputs with one, and the mean Tanimoto of each such input's closest one (nil:
  /// rows without realism). A method whose closest answers are unrealistic is judged here by
  /// the answers a chemist would keep.
  public var realisticBestSuccess: Double? = nil, realisticBestMeanTanimoto: Double? = nil
  /// Counterfactuals generated (the answers returned).
  public var generated: Int
  /// Answers the realism guard left out as harder to make than their input, summed over inputs
  /// (MoleculeCounterfactual.leavingOutHarder; nil: no row counts them).
  public var harderLeftOut: Int? = nil
  /// See the file comment.
  public var validity: Double, accuracy: Double, meanTanimoto: Double, uniqueness: Double, novelty: Double
  /// Best-of-K: success fraction, mean Tanimoto of the best hits, fraction of best hits that are novel.
  public var bestOfKSuccess: Double, bestOfKMeanTanimoto: Double, bestOfKNovelty: Double
}

/// The JSON summary.
public struct MoleculeEvaluationSummary: Codable, Sendable {
  /// Inputs below and above the window.
  public var inputsBelow: Int, inputsAbove: Int
  /// Samples per input and setting, scale, seed, constraint.
  public var samples: Int, guidanceScale: Float, seed: UInt64, constrained: Bool
  /// Property steering strengths λ of the GDCE columns (0: off).
  public var steerings: [Double]
  /// Steering particles per counterfactual of the steered GDCE columns.
  public var particles: Int = 1
  /// Proximity weight μ of the steered GDCE columns (0: none).
  public var proximity: Double = 0
  /// Minimal-edit refinement in the steered GDCE columns.
  public var refine: Bool = false
  /// Evaluation budgets of the budget columns (empty: none).
  public var budgets: [Int] = []
  /// Reference molecules used for retrieval and novelty.
  public var referenceCount: Int
  /// The fingerprint of every similarity.
  public var fingerprint: String
  /// Model SHA-256.
  public var modelSha256: String
  /// The columns.
  public var columns: [MoleculeEvaluationColumn]
  /// The BLAS library, its core type and the C kernels' code path that computed this (nil in
  /// files written before it was recorded).
  public var arithmetic: ArithmeticProvenance? = .current
}

/// Runs the molecule evaluation.
public enum MoleculeEvaluationJob {
  /// `count` inputs below and `count` above the window, drawn with `seed` (input order: below, then above).
  public static func drawInputs(_ test: [MoleculeEntry], count: Int, seed: UInt64, window: PropertyTarget = .drugLikeLogP) -> [MoleculeEntry] {
    var rng = RandomGenerator(seed: seed)
    let below = test.filter { $0.logp < window.lower! }, above = test.filter { $0.logp > window.upper! }
    let pickBelow = rng.permutation(below.count).prefix(count).map { below[$0] }
    let pickAbove = rng.permutation(above.count).prefix(count).map { above[$0] }
    return pickBelow + pickAbove
  }

  /// The metrics of one column from its rows (`novel` tells whether a SMILES is outside the
  /// reference; nil: no reference, novelty not computed).
  public static func column(method: String, tau: Int, rows: [MoleculeCounterfactualRow], inputs: Int, novel: ((String) -> Bool)?) -> MoleculeEvaluationColumn {
    // Rows that reproduce the input, and rows of inputs already in the target, are no
    // counterfactuals: they count as generated and valid (the accuracy's denominator), but never
    // as successes nor in a similarity mean.
    let valid = rows.filter(\.valid)
    let counted = valid.filter { !$0.isIdentity && $0.inputInTarget != true }
    let hits = counted.filter(\.isSuccess)
    func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? .nan : Double(a) / Double(b) }
    // Per input, its closest hit; inputs in id order (a dictionary's order changes per process).
    func closest(_ hits: [MoleculeCounterfactualRow]) -> [MoleculeCounterfactualRow] {
      Dictionary(grouping: hits, by: \.inputId).sorted { $0.key < $1.key }.map { $0.value.max { $0.tanimoto < $1.tanimoto }! }
    }
    let best = closest(hits)
    // Means are summed in ascending order of the values, so that they do not depend on the
    // order of the rows (ranked rows of another run, rows read back when resuming).
    func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.sorted().reduce(0, +) / Double(xs.count) }
    var column = MoleculeEvaluationColumn(
      method: method, tau: tau, generated: rows.count, validity: ratio(valid.count, rows.count), accuracy: ratio(hits.count, valid.count),
      meanTanimoto: mean(counted.map(\.tanimoto)),
      uniqueness: ratio(Set(valid.map(\.counterfactualSMILES)).count, valid.count),
      novelty: novel.map { novel in ratio(valid.filter { novel($0.counterfactualSMILES) }.count, valid.count) } ?? .nan,
      bestOfKSuccess: ratio(best.count, inputs),
      bestOfKMeanTanimoto: mean(best.map(\.tanimoto)),
      bestOfKNovelty: novel.map { novel in ratio(best.filter { novel($0.counterfactualSMILES) }.count, best.count) } ?? .nan)
    let leftOut = Dictionary(grouping: rows, by: \.inputId).values.compactMap(MoleculeCounterfactualRow.harderLeftOut(of:))
    if !leftOut.isEmpty { column.harderLeftOut = leftOut.reduce(0, +) }
    if hits.contains(where: { $0.alerts != nil }) {
      column.alertFree = ratio(hits.filter { ($0.alerts ?? "").isEmpty }.count, hits.count)
      column.bestAlertFree = ratio(best.filter { ($0.alerts ?? "").isEmpty }.count, best.count)
      column.meanSA = mean(hits.compactMap(\.sa))
      column.filterPass = ratio(hits.filter { ($0.mosesFilters ?? "").isEmpty }.count, hits.count)
      column.bestFilterPass = ratio(best.filter { ($0.mosesFilters ?? "").isEmpty }.count, best.count)
      column.meanQED = mean(hits.compactMap(\.qed))
      let realisticBest = closest(hits.filter { $0.alerts != nil && !$0.isUnrealistic })
      column.realisticBestSuccess = ratio(realisticBest.count, inputs)
      column.realisticBestMeanTanimoto = mean(realisticBest.map(\.tanimoto))
    }
    return column
  }

  /// Runs the evaluation; returns the summary and a terminal report on rank 0, nil on the other
  /// ranks (they compute their share and write nothing).
  public static func run(_ request: MoleculeEvaluationRequest) throws -> (summary: MoleculeEvaluationSummary, text: String)? {
    var engine = try MoleculeCounterfactualEngine.load(from: request.modelDirectory)
    let quietNotes = ProgressReporter(total: 1, label: "", quiet: request.quiet)
    var clock = Date()
    func lap() -> String { defer { clock = Date() }; return String(format: "%.1f s", Date().timeIntervalSince(clock)) }
    let test = try MoleculeTrainingJob.load(request.testFile, limit: nil).entries
    let inputs = drawInputs(test, count: request.inputsPerSide, seed: request.sampling.seed)
    let below = inputs.filter { $0.logp < 1.7 }.count
    guard !inputs.isEmpty else { throw MoleculeDataError(message: "\(request.testFile.path): no test molecule outside [1.7, 3.8]") }
    quietNotes.note("test: \(test.count) molecules read, \(inputs.count) inputs drawn (\(lap()))")
    let referenceEntries = try MoleculeTrainingJob.load(request.referenceFile, limit: request.referenceLimit).entries
    quietNotes.note("reference: \(referenceEntries.count) molecules read (\(lap()))")
    let reference = MoleculeReferenceSet(referenceEntries, canonicalSMILES: true)
    quietNotes.note("reference: fingerprints and canonical SMILES computed (\(lap()))")
    engine.reference = reference
    // GDCE at every (λ, τ); the baselines as published (FreeGress unsteered).
    var settings: [MoleculeCounterfactualSettings] = request.steerings.flatMap { steering in
      (steering > 0 ? request.steeredTaus ?? request.sampling.taus : request.sampling.taus).map {
        var sampling = request.sampling
        sampling.taus = [$0]
        var setting = MoleculeCounterfactualSettings(
          method: .gdce, sampling: sampling, constrained: request.constrained,
          steering: steering, particles: steering > 0 ? request.particles : 1, proximity: steering > 0 ? request.proximity : 0,
          refine: steering > 0 && request.refine)
        setting.realismGuard = request.realismGuard
        return setting
      }
    }
    if request.baselines {
      settings.append(MoleculeCounterfactualSettings(
        method: .freegress, sampling: SamplingSettings(taus: [], samples: request.sampling.samples, guidanceScale: request.sampling.guidanceScale, seed: request.sampling.seed),
        constrained: request.constrained))
      settings.append(MoleculeCounterfactualSettings(
        method: .nearest, sampling: SamplingSettings(taus: [], samples: 1, guidanceScale: request.sampling.guidanceScale, seed: request.sampling.seed), constrained: false))
    }
    for budget in request.budgets {
      let steering = request.steerings.max() ?? 0
      var sampling = request.sampling
      sampling.taus = [(steering > 0 ? request.steeredTaus?.first : nil) ?? request.sampling.taus[0]]
      sampling.samples = Swift.max(1, Swift.min(request.sampling.samples, budget - 1))
      let particles = steering > 0 && sampling.samples * request.particles <= budget - 1 ? request.particles : 1
      var gdce = MoleculeCounterfactualSettings(
        method: .gdce, sampling: sampling, constrained: request.constrained, steering: steering, particles: particles,
        proximity: steering > 0 ? request.proximity : 0, refine: request.refine)
      gdce.budget = budget
      gdce.realismGuard = request.realismGuard
      gdce.budgetRounds = request.budgetRounds
      gdce.keepAtomCount = request.keepAtomCount
      var mutate = MoleculeCounterfactualSettings(method: .mutate, sampling: sampling, constrained: false)
      mutate.budget = budget
      settings += [gdce, mutate]
    }
    let out = request.outputDirectory
    let group = request.group
    if group.isRoot { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) }
    // Every finished (input, GDCE or FreeGress setting) pair goes to OUT/journal.jsonl at once.
    // The journal's identity is what every pair shares (model, seed, scale, samples, constraint,
    // the drawn inputs); the setting (method, τ, steering λ, particles, μ, refinement) is in the
    // key, so a later run with more columns in the same directory reuses the ones it shares.
    // Sampling streams are per (seed, input, τ), so a resumed run writes the rows a straight
    // run would. Retrieval is always recomputed (cheap, and it depends on the reference set).
    func key(_ inputId: Int, _ setting: MoleculeCounterfactualSettings) -> String {
      "\(inputId)/\(setting.method.rawValue)/\(tau(setting))/\(setting.steering)/\(setting.particles)/\(setting.proximity)/\(setting.method == .gdce && setting.refine)"
        + (setting.budget.map { "/budget \($0), \(setting.sampling.samples) samples" + setting.roundsKey } ?? "")
    }
    func tau(_ setting: MoleculeCounterfactualSettings) -> Int {
      switch setting.method {
      case .gdce: return setting.sampling.taus[0]
      case .freegress: return engine.model?.diffusion.stepCount ?? 0
      case .nearest, .mutate: return 0
      }
    }
    // Rank 0 keeps the journal (and merges shards into it); the other ranks learn which pairs
    // are left.
    let journal = try group.isRoot
      ? RunJournal(directory: out, identity: identity(of: request, inputs: inputs, modelChecksum: engine.modelChecksum), restart: request.restart) : nil
    if let journal {
      for shard in request.mergeFrom {
        let taken = try journal.absorb(journalIn: shard)
        quietNotes.note("merged \(taken) (input, setting) pairs from \(shard.path)")
      }
    }
    let perInput = settings.count
    let units = inputs.indices.filter { request.inputRange?.contains($0) ?? true }.flatMap { id in (0..<perInput).map { id * perInput + $0 } }
    let progress = ProgressReporter(total: units.count, label: "eval molecules", quiet: request.quiet || !group.isRoot)
    let reusable = journal?.keys.count ?? 0
    if reusable > 0 { progress.note("resuming: \(reusable) (input, setting) pairs in \(journal!.url.path)") }
    // Units are (input, setting) pairs, input by input, so an interrupted run has every column
    // over the same first inputs: unit u is input u / settings.count, setting u % settings.count.
    // Examples (the first setting of the first three inputs) are regenerated when resumed (the
    // same stream gives the same graphs). Retrieval (nearest) is never journaled.
    var examples: [Int: [MoleculeCounterfactual]] = [:]
    func wantsExamples(_ unit: Int) -> Bool { unit % perInput == 0 && unit / perInput < 3 }
    guard let (records, _) = try ShardedWork.runJournaled(
      units: units, group: group, journal: journal,
      key: { unit in settings[unit % perInput].method == .nearest ? nil : key(unit / perInput, settings[unit % perInput]) }, progress: progress,
      compute: { unit in
        let (id, setting) = (unit / perInput, settings[unit % perInput])
        let generated = try engine.counterfactuals(of: inputs[id], inputId: id, target: .drugLikeLogP, settings: setting)
        if wantsExamples(unit) { examples[id] = MoleculeCounterfactual.ranked(generated, target: .drugLikeLogP).filter { !$0.row.isIdentity } }
        return generated.map(\.row)
      },
      delivered: { unit, done in
        if unit % perInput == perInput - 1 {
          try RunInterrupted.check(kept: done, total: units.count, units: "(input, setting) pairs", journal: journal?.url)
        }
      })
    else { return nil }
    // Examples of units another rank computed, or the journal kept, are regenerated here.
    for unit in units where wantsExamples(unit) && examples[unit / perInput] == nil {
      let id = unit / perInput
      let generated = try engine.counterfactuals(of: inputs[id], inputId: id, target: .drugLikeLogP, settings: settings[0])
      examples[id] = MoleculeCounterfactual.ranked(generated, target: .drugLikeLogP).filter { !$0.row.isIdentity }
    }
    let rows = units.flatMap { records[$0]! }
    let novel: (String) -> Bool = { !reference.canonicalSMILES.contains($0) }
    var columns: [MoleculeEvaluationColumn] = []
    for setting in settings {
      let part = rows.filter { $0.method == setting.method && $0.tau == tau(setting) && $0.steering == setting.steering && $0.budget == setting.budget }
      var c = column(method: setting.method.rawValue, tau: tau(setting), rows: part, inputs: inputs.count, novel: novel)
      c.steering = setting.steering
      if let budget = setting.budget {
        // Every row of an input carries that input's count: one per input.
        let perInput = Dictionary(grouping: part, by: \.inputId).compactMapValues { $0.first?.evaluations }
        c.budget = budget
        c.meanEvaluations = perInput.isEmpty ? nil : Double(perInput.values.reduce(0, +)) / Double(perInput.count)
      }
      columns.append(c)
    }
    var summary = MoleculeEvaluationSummary(
      inputsBelow: below, inputsAbove: inputs.count - below, samples: request.sampling.samples, guidanceScale: request.sampling.guidanceScale, seed: request.sampling.seed,
      constrained: request.constrained, steerings: request.steerings, particles: request.particles, proximity: request.proximity, refine: request.refine && request.steerings.contains { $0 > 0 }, referenceCount: reference.entries.count, fingerprint: FingerprintKind.morganBits.rawValue,
      modelSha256: engine.modelChecksum, columns: columns)
    summary.budgets = request.budgets
    let notebookURL = request.notebook ?? out.appendingPathComponent("notebooks-export/molecules.ipynb")
    do {
      try FileManager.default.createDirectory(at: notebookURL.deletingLastPathComponent(), withIntermediateDirectories: true)
      let csv = ([MoleculeCounterfactualRow.csvHeader] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
      try AtomicFile.write(Data(csv.utf8), to: out.appendingPathComponent("counterfactuals.csv"))
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      try AtomicFile.write(try encoder.encode(summary), to: out.appendingPathComponent("summary.json"))
      try writeReport(summary: summary, inputs: inputs, examples: examples, to: notebookURL)
    } catch {
      throw MoleculeDataError(message: "\(out.path): cannot write the evaluation outputs (\(error))")
    }
    let text = """
      molecule evaluation: \(inputs.count) test molecules (\(below) below, \(inputs.count - below) above [1.7, 3.8]), \
      \(request.sampling.samples) samples per setting, s = \(request.sampling.guidanceScale), seed \(request.sampling.seed), constraint \(request.constrained ? "on" : "off"), \
      steering λ ∈ {\(request.steerings.map { "\($0)" }.joined(separator: ", "))} with \(request.particles) particle(s) per sample\(request.proximity > 0 ? " and proximity μ = \(request.proximity)" : "")\(summary.refine ? ", minimal-edit refinement" : ""), \
      \(reference.entries.count) reference molecules; model \(engine.modelChecksum)
      \(tableText(columns))
      wrote \(out.path)/counterfactuals.csv (\(rows.count) rows), summary.json, \(notebookURL.path) and its .html page
      """
    return (summary, text)
  }

  /// What every (input, setting) pair of a run shares: a journal is reused only by a run with
  /// the same identity.
  static func identity(of request: MoleculeEvaluationRequest, inputs: [MoleculeEntry], modelChecksum: String) -> [String: String] {
    let drawn = inputs.map { "\($0.name)\t\($0.smiles)" }.joined(separator: "\n")
    return [
      "job": "cfx eval molecules", "model": modelChecksum, "samples": "\(request.sampling.samples)", "scale": "\(request.sampling.guidanceScale)",
      "seed": "\(request.sampling.seed)", "constrained": "\(request.constrained)", "realism guard": request.realismGuard ? "on, SA margin \(MoleculeCounterfactualRow.accessibilityMargin), harder answers left out" : "off",
      "inputs": "\(inputs.count) molecules, SHA-256 \(SHA256.hex(Array(drawn.utf8)))", "arithmetic": ArithmeticProvenance.current.resultsIdentity,
    ]
  }

  /// Rows of the table: metric name, then one value per column.
  static func tableRows(_ columns: [MoleculeEvaluationColumn]) -> [[String]] {
    func f(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "–" }
    let metrics: [(String, (MoleculeEvaluationColumn) -> Double)] = [
      ("validity", \.validity), ("accuracy (in target, among valid)", \.accuracy), ("mean Tanimoto (valid)", \.meanTanimoto),
      ("uniqueness", \.uniqueness), ("novelty", \.novelty), ("best-of-K success", \.bestOfKSuccess),
      ("best-of-K mean Tanimoto", \.bestOfKMeanTanimoto), ("best-of-K novelty", \.bestOfKNovelty),
    ] + (columns.contains { $0.budget != nil } ? [("evaluations per input (mean)", { $0.meanEvaluations ?? .nan })] : [])
      + (columns.contains { $0.alertFree != nil }
        ? [("successes without alerts", { $0.alertFree ?? .nan }), ("best-of-K without alerts", { $0.bestAlertFree ?? .nan }),
           ("successes passing MOSES filters", { $0.filterPass ?? .nan }), ("best-of-K passing MOSES filters", { $0.bestFilterPass ?? .nan }),
           ("mean SA of successes", { $0.meanSA ?? .nan }), ("mean QED of successes", { $0.meanQED ?? .nan }),
           ("best-of-K success, realistic only", { $0.realisticBestSuccess ?? .nan }),
           ("best-of-K mean Tanimoto, realistic only", { $0.realisticBestMeanTanimoto ?? .nan })] : [])
    // Counts, where the realism guard left answers out: how many were returned and left out.
    let counts: [[String]] = columns.contains { $0.harderLeftOut != nil }
      ? [["answers returned"] + columns.map { "\($0.generated)" },
         ["left out as harder to make than the input"] + columns.map { $0.harderLeftOut.map(String.init) ?? "–" }] : []
    return metrics.map { name, value in [name] + columns.map { f(value($0)) } } + counts
  }

  /// Column titles.
  static func headers(_ columns: [MoleculeEvaluationColumn]) -> [String] {
    ["metric"] + columns.map {
      ($0.method == "gdce" ? "τ = \($0.tau)" + ($0.steering > 0 ? ", λ = \($0.steering)" : "") : $0.method == "freegress" ? "FreeGress" : $0.method == "mutate" ? "mutate" : "retrieval")
        + ($0.budget.map { ", B = \($0)" } ?? "")
    }
  }

  /// The table as aligned text.
  static func tableText(_ columns: [MoleculeEvaluationColumn]) -> String {
    let all = [headers(columns)] + tableRows(columns)
    let widths = (0..<all[0].count).map { c in all.map { $0[c].count }.max()! }
    return all.map { row in row.enumerated().map { c, s in c == 0 ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - s.count) + s }.joined(separator: "  ") }.joined(separator: "\n")
  }

  /// The notebook and HTML page: protocol, table, example grids (first τ).
  static func writeReport(summary: MoleculeEvaluationSummary, inputs: [MoleculeEntry], examples: [Int: [MoleculeCounterfactual]], to url: URL) throws {
    var blocks: [ReportBlock] = [
      .markdown("""
        Counterfactuals of MOSES test molecules outside the drug-like logP window [1.7, 3.8] (the Table 2 protocol of Bechtoldt and Bender, "Graph Diffusion Counterfactual Explanation"): \
        \(summary.inputsBelow) below and \(summary.inputsAbove) above, \(summary.samples) counterfactuals per input and setting, \
        guidance scale \(summary.guidanceScale), seed \(summary.seed), valence constraint \(summary.constrained ? "on" : "off"), \
        GDCE property steering λ ∈ {\(summary.steerings.map { "\($0)" }.joined(separator: ", "))} (0: off; otherwise SMC with \(summary.particles) particle(s) per returned sample\(summary.proximity > 0 ? " and proximity μ = \(summary.proximity) (potential + μ · Tanimoto to the input)" : "")\(summary.refine ? ", then minimal-edit refinement (edits the target does not need are undone)" : ""); \
        the baselines are never steered). \
        Similarity: Tanimoto on `\(summary.fingerprint)` (Morgan radius 2, 2048 bits). Novelty against \(summary.referenceCount) \
        reference (training) molecules. Model SHA-256 `\(summary.modelSha256)`. Every counterfactual is in `counterfactuals.csv`.
        """),
      .table(try ReportTable(columns: headers(summary.columns), rows: tableRows(summary.columns))),
    ]
    for id in examples.keys.sorted() {
      let svg = try ExplainMoleculesJob.grid(input: inputs[id], counterfactuals: examples[id]!, limit: 5)
      blocks.append(.figure(svg: svg, caption: "Test molecule \(id) (\(inputs[id].smiles), logP \(String(format: "%.2f", inputs[id].logp))): the five best GDCE counterfactuals at the first τ."))
    }
    let report = Report(title: "Molecules: counterfactuals into the logP window [1.7, 3.8]", blocks: blocks)
    try AtomicFile.write(Data(NotebookExport.notebook(report).utf8), to: url)
    try AtomicFile.write(Data(HTMLExport.page(report).utf8), to: url.deletingPathExtension().appendingPathExtension("html"))
  }
}
