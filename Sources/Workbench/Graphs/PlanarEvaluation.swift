// `cfx eval planar`: the paper's Table 1 protocol. For every test graph, request |E| − 1 edges,
// draw K GDCE counterfactuals at each tau and K FreeGress samples under the same target, and
// report validity (connected and planar), accuracy among valid, mean GED, and the best-of-K view.
// Every generated graph is written to rows.csv so all numbers can be recomputed independently.
// Long runs resume: finished (input, setting) pairs are kept in OUT/journal.jsonl as they complete.

import Basics
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import Rendering
import Tensor

/// A request of `cfx eval planar`.
public struct PlanarEvaluationRequest: Sendable {
  /// Model directory.
  public var modelDirectory: URL
  /// Split directory from `cfx data planar` (nil: enumerate with the standard split and `splitSeed`).
  public var dataDirectory: URL?
  /// Seed of the split when enumerating.
  public var splitSeed: UInt64
  /// Output directory (rows.csv, summary.json).
  public var outputDirectory: URL
  /// Noise steps τ, samples per input and setting, guidance scale, sampling seed.
  public var sampling: SamplingSettings
  /// The protocol's sampling: τ from 1 to 200, 100 samples per input and setting, the planar
  /// model's guidance scale.
  public static let defaultSampling = SamplingSettings(
    taus: [1, 5, 10, 25, 50, 100, 200], samples: 100, guidanceScale: GraphCounterfactualEngine.recommended.guidanceScale)
  /// Evaluate only N evenly spaced test graphs (nil: all).
  public var limit: Int?
  /// Include the FreeGress baseline.
  public var freeGress: Bool
  /// Quiet progress.
  public var quiet: Bool
  /// Where to write the exported notebook and HTML page (nil: DIR/report.ipynb and report.html).
  public var notebook: URL?
  /// Discard the journal of an earlier run in the output directory instead of resuming it.
  public var restart = false

  /// A request.
  public init(modelDirectory: URL, dataDirectory: URL?, splitSeed: UInt64, outputDirectory: URL, sampling: SamplingSettings, limit: Int?, freeGress: Bool, quiet: Bool, notebook: URL? = nil) {
    self.notebook = notebook
    (self.modelDirectory, self.dataDirectory, self.splitSeed, self.outputDirectory) = (modelDirectory, dataDirectory, splitSeed, outputDirectory)
    (self.sampling, self.limit, self.freeGress, self.quiet) = (sampling, limit, freeGress, quiet)
  }
}

/// Metrics of one method/tau column.
public struct PlanarColumnSummary: Codable, Sendable, Equatable {
  /// "gdce" or "freegress".
  public var method: String
  /// Noise step (FreeGress: T).
  public var tau: Int
  /// Generated graphs.
  public var samples: Int
  /// Fraction connected and planar.
  public var validity: Double
  /// Fraction meeting the target among valid ones.
  public var accuracy: Double
  /// Mean GED to the input over valid graphs.
  public var meanGED: Double
  /// Mean GED over valid graphs that meet the target.
  public var meanGEDValidAccurate: Double
  /// Validity, accuracy and mean GED (valid) over non-tree inputs only (a tree has no
  /// connected graph with |E| − 1 edges, so its valid samples can never be accurate).
  public var nonTreeValidity: Double, nonTreeAccuracy: Double, nonTreeMeanGED: Double
  /// Inputs considered for best-of-K (non-trees: a tree has no connected graph with |E| − 1 edges).
  public var bestOfKInputs: Int
  /// Fraction of those with at least one valid, accurate sample.
  public var bestOfKSuccess: Double
  /// Mean GED of the closest valid, accurate sample over inputs that have one.
  public var bestOfKMeanGED: Double
}

/// The summary written to summary.json.
public struct PlanarEvaluationSummary: Codable, Sendable {
  /// Tool and model identity.
  public var tool: String, modelSha256: String, modelDirectory: String
  /// Protocol.
  public var taus: [Int], samplesPerSetting: Int, guidanceScale: Float, seed: UInt64, testGraphs: Int, treeInputs: Int
  /// The columns.
  public var columns: [PlanarColumnSummary]
  /// How each number is computed.
  public var definitions: [String: String]
  /// The BLAS library, its core type and the C kernels' code path that computed this (nil in
  /// files written before it was recorded).
  public var arithmetic: ArithmeticProvenance? = .current
}

/// Runs the planar evaluation.
public enum PlanarEvaluationJob {
  /// Summarises rows per (method, tau) column.
  public static func summarize(_ rows: [GraphCounterfactualRow]) -> [PlanarColumnSummary] {
    var keys: [(String, Int)] = []
    for r in rows where !keys.contains(where: { $0 == (r.method, r.tau) }) { keys.append((r.method, r.tau)) }
    keys.sort { ($0.0 == "freegress" ? 1 : 0, $0.1) < ($1.0 == "freegress" ? 1 : 0, $1.1) }
    return keys.map { method, tau in
      let column = rows.filter { $0.method == method && $0.tau == tau }
      let valid = column.filter(\.valid)
      let accurate = valid.filter(\.targetMet)
      func mean(_ xs: [Int]) -> Double { xs.isEmpty ? .nan : Double(xs.reduce(0, +)) / Double(xs.count) }
      var byInput: [Int: [GraphCounterfactualRow]] = [:]
      for r in column { byInput[r.inputId, default: []].append(r) }
      var isTree: [String: Bool] = [:]
      for r in column where isTree[r.originalGraph6] == nil {
        isTree[r.originalGraph6] = (try? Graph6.decode(r.originalGraph6))?.isTree ?? false
      }
      let nonTree = column.filter { isTree[$0.originalGraph6] == false }
      let nonTreeValid = nonTree.filter(\.valid)
      var considered = 0, successes = 0
      var bestGEDs: [Int] = []
      for (_, rs) in byInput {
        guard let first = rs.first, let g = try? Graph6.decode(first.originalGraph6), !g.isTree else { continue }
        considered += 1
        if let best = rs.filter({ $0.valid && $0.targetMet }).map(\.graphEditDistance).min() {
          successes += 1
          bestGEDs.append(best)
        }
      }
      return PlanarColumnSummary(
        method: method, tau: tau, samples: column.count,
        validity: column.isEmpty ? .nan : Double(valid.count) / Double(column.count),
        accuracy: valid.isEmpty ? .nan : Double(accurate.count) / Double(valid.count),
        meanGED: mean(valid.map(\.graphEditDistance)), meanGEDValidAccurate: mean(accurate.map(\.graphEditDistance)),
        nonTreeValidity: nonTree.isEmpty ? .nan : Double(nonTreeValid.count) / Double(nonTree.count),
        nonTreeAccuracy: nonTreeValid.isEmpty ? .nan : Double(nonTreeValid.filter(\.targetMet).count) / Double(nonTreeValid.count),
        nonTreeMeanGED: mean(nonTreeValid.map(\.graphEditDistance)),
        bestOfKInputs: considered, bestOfKSuccess: considered == 0 ? .nan : Double(successes) / Double(considered),
        bestOfKMeanGED: mean(bestGEDs))
    }
  }

  /// The table as text (one column per setting, as in the paper).
  public static func table(_ columns: [PlanarColumnSummary]) -> String {
    let names = columns.map { $0.method == "freegress" ? "FreeGress" : "τ=\($0.tau)" }
    func row(_ label: String, _ f: (PlanarColumnSummary) -> Double) -> String {
      label.padding(toLength: 20, withPad: " ", startingAt: 0) + columns.map { String(format: "%10.3f", f($0)) }.joined()
    }
    return [
      "".padding(toLength: 20, withPad: " ", startingAt: 0) + names.map { $0.leftPadded(10) }.joined(),
      row("validity", \.validity), row("accuracy", \.accuracy), row("mean GED (valid)", \.meanGED),
      row("non-tree validity", \.nonTreeValidity), row("non-tree accuracy", \.nonTreeAccuracy), row("non-tree mean GED", \.nonTreeMeanGED),
      row("best-of-K success", \.bestOfKSuccess), row("best-of-K GED", \.bestOfKMeanGED),
    ].joined(separator: "\n")
  }

  /// What determines the evaluation's rows: a journal is reused only by a run with the same
  /// identity. The taus, --limit and FreeGress only choose which (input, setting) pairs run.
  static func identity(of request: PlanarEvaluationRequest, split: [Graph], modelChecksum: String) -> [String: String] {
    let graphs = split.map { Graph6.encode($0) }.joined(separator: "\n")
    return [
      "job": "cfx eval planar", "model": modelChecksum, "samples": "\(request.sampling.samples)", "scale": "\(request.sampling.guidanceScale)",
      "seed": "\(request.sampling.seed)", "test split": "\(split.count) graphs, SHA-256 \(SHA256.hex(Array(graphs.utf8)))",
      "arithmetic": ArithmeticProvenance.current.resultsIdentity,
    ]
  }

  /// Runs (or resumes) the evaluation and writes rows.csv and summary.json.
  public static func run(_ request: PlanarEvaluationRequest) throws -> (summary: PlanarEvaluationSummary, text: String) {
    let engine = try GraphCounterfactualEngine(modelDirectory: request.modelDirectory)
    let split = try PlanarExperiment.split(directory: request.dataDirectory, seed: request.splitSeed)
    // --limit N takes N evenly spaced test graphs (the split files are sorted by edge count, so
    // a prefix would hold only the sparsest graphs). Inputs keep their index in the full test
    // split as their id (and seed), so a limited run is a subset of the full run and a later
    // full run in the same directory reuses it.
    let selected: [Int]
    if let limit = request.limit, limit < split.test.count {
      selected = (0..<Swift.max(limit, 0)).map { $0 * split.test.count / Swift.max(limit, 1) }
    } else {
      selected = Array(split.test.indices)
    }
    let test = selected.map { split.test[$0] }
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    // Every finished (input, setting) pair goes to OUT/journal.jsonl at once, keyed by the
    // input's index in the full test split and the setting (a GDCE tau or FreeGress). The
    // journal's identity leaves out the taus, --limit and FreeGress, so a later run with more
    // taus or more inputs in the same directory reuses every pair it shares.
    let freeGressTau = engine.model.diffusion.stepCount
    func key(_ id: Int, _ method: String, _ tau: Int) -> String { "\(id)/\(method)/\(tau)" }
    let settings = request.sampling.taus.map { ("gdce", $0) } + (request.freeGress ? [("freegress", freeGressTau)] : [])
    let journal = try RunJournal(directory: out, identity: identity(of: request, split: split.test, modelChecksum: engine.checksum), restart: request.restart)
    let completed: [String: [GraphCounterfactualRow]] = Dictionary(uniqueKeysWithValues: selected.flatMap { id in
      settings.compactMap { method, tau in
        journal.record(key(id, method, tau), as: [GraphCounterfactualRow].self).map { (key(id, method, tau), $0) }
      }
    })
    var rows: [GraphCounterfactualRow] = []
    let done = Set(selected.filter { id in settings.allSatisfy { completed[key(id, $0.0, $0.1)] != nil } })
    let progress = ProgressReporter(total: test.count, label: "eval planar", quiet: request.quiet, alreadyDone: done.count)
    if !done.isEmpty { progress.note("resuming: \(done.count) of \(test.count) inputs already in \(journal.url.path)") }
    var freeGressPool: [String: [Graph]] = [:]
    for (position, (id, graph)) in zip(selected, test).enumerated() {
      let target = graph.edgeCount - 1
      for (method, tau) in settings {
        if let reused = completed[key(id, method, tau)] {
          rows += reused
          continue
        }
        let generated: [GraphCounterfactualRow]
        if method == "gdce" {
          generated = try engine.counterfactuals(of: graph, inputId: id, targetEdges: target, tau: tau, samples: request.sampling.samples,
                                                 scale: request.sampling.guidanceScale, seed: request.sampling.seed)
        } else {
          // FreeGress does not see the input: its samples depend only on (target, node count,
          // seed), so they are drawn once per target and compared with every input of that target.
          let poolKey = "\(target)/\(graph.nodeCount)"
          if freeGressPool[poolKey] == nil {
            freeGressPool[poolKey] = try engine.freeGressSamples(
              nodes: graph.nodeCount, targetEdges: target, samples: request.sampling.samples, scale: request.sampling.guidanceScale, seed: request.sampling.seed)
          }
          generated = try engine.freeGressRows(freeGressPool[poolKey]!, for: graph, inputId: id, targetEdges: target,
                                               scale: request.sampling.guidanceScale, seed: request.sampling.seed)
        }
        try journal.append(key(id, method, tau), generated)
        rows += generated
      }
      guard !done.contains(id) else { continue }
      progress.update(done: position + 1)
      try RunInterrupted.check(kept: position + 1, total: test.count, journal: journal.url)
    }
    rows.sort { ($0.inputId, $0.method, $0.tau) < ($1.inputId, $1.method, $1.tau) }
    let csv = ([GraphCounterfactualRow.csvHeader] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
    try AtomicFile.write(Data(csv.utf8), to: out.appendingPathComponent("rows.csv"))
    let columns = summarize(rows)
    let summary = PlanarEvaluationSummary(
      tool: "cfx eval planar", modelSha256: engine.checksum, modelDirectory: request.modelDirectory.path, taus: request.sampling.taus,
      samplesPerSetting: request.sampling.samples, guidanceScale: request.sampling.guidanceScale, seed: request.sampling.seed, testGraphs: test.count,
      treeInputs: test.filter(\.isTree).count, columns: columns,
      definitions: [
        "validity": "fraction of generated graphs that are connected and planar",
        "accuracy": "fraction of valid graphs whose edge count equals the target |E| - 1",
        "meanGED": "mean exact graph edit distance (unit costs, edge insertions/deletions) to the input over valid graphs",
        "freegress": "FreeGress samples do not depend on the input graph, only on the target: one seeded set of K samples is drawn per target edge count and compared with every input of that target",
        "nonTree": "validity, accuracy and mean GED restricted to inputs that are not trees",
        "bestOfK": "over non-tree inputs: fraction with at least one valid on-target sample, and the mean GED of the closest one",
      ])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    try AtomicFile.write(try encoder.encode(summary), to: out.appendingPathComponent("summary.json"))
    let notebookURL = request.notebook ?? out.appendingPathComponent("report.ipynb")
    try writeReport(summary: summary, rows: rows, test: test, selectedIDs: selected, request: request, to: notebookURL)
    let text = """
      planar evaluation: \(test.count) test graphs (\(summary.treeInputs) trees), \(request.sampling.samples) samples per setting, s = \(request.sampling.guidanceScale), seed \(request.sampling.seed)
      model \(engine.checksum)
      \(table(columns))
      wrote \(out.path)/rows.csv (\(rows.count) rows), summary.json, \(notebookURL.path) and its .html page
      """
    return (summary, text)
  }
}

extension PlanarEvaluationJob {
  /// The report as an nbformat-4 notebook and a self-contained HTML page beside it: protocol,
  /// the table, and example grids at the column with the best validity × accuracy.
  static func writeReport(summary: PlanarEvaluationSummary, rows: [GraphCounterfactualRow], test: [Graph], selectedIDs: [Int],
                          request: PlanarEvaluationRequest, to url: URL) throws {
    func f(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "–" }
    let columns = summary.columns
    let header = ["metric"] + columns.map { $0.method == "freegress" ? "FreeGress" : "τ = \($0.tau)" }
    let tableRows: [[String]] = [
      ["validity"] + columns.map { f($0.validity) }, ["accuracy (among valid)"] + columns.map { f($0.accuracy) },
      ["mean GED (valid)"] + columns.map { f($0.meanGED) }, ["mean GED (valid, on target)"] + columns.map { f($0.meanGEDValidAccurate) },
      ["non-tree inputs: validity"] + columns.map { f($0.nonTreeValidity) }, ["non-tree inputs: accuracy"] + columns.map { f($0.nonTreeAccuracy) },
      ["non-tree inputs: mean GED (valid)"] + columns.map { f($0.nonTreeMeanGED) },
      ["best-of-K success (non-trees)"] + columns.map { f($0.bestOfKSuccess) }, ["best-of-K mean GED"] + columns.map { f($0.bestOfKMeanGED) },
    ]
    var blocks: [ReportBlock] = [
      .markdown("""
        Counterfactuals of connected planar graphs on 8 nodes with target |E| − 1 (GDCE; the Table 1 protocol of Bechtoldt and Bender, "Graph Diffusion Counterfactual Explanation"). \
        \(summary.testGraphs) test graphs (\(summary.treeInputs) trees, which have no connected counterfactual with one edge fewer), \
        \(summary.samplesPerSetting) samples per input and setting, guidance scale \(summary.guidanceScale), seed \(summary.seed). \
        Model SHA-256 `\(summary.modelSha256)`. Every generated graph is in `rows.csv`; recompute with networkx \
        (connectivity, planarity, edge counts) and any exact GED.
        """),
      .table(try ReportTable(columns: header, rows: tableRows)),
    ]
    let gdce = columns.filter { $0.method == "gdce" }
    if let best = gdce.max(by: { ($0.validity * $0.accuracy, -$0.meanGED) < ($1.validity * $1.accuracy, -$1.meanGED) }) {
      let examples = zip(selectedIDs, test).filter { !$0.1.isTree }.prefix(3)
      for (id, graph) in examples {
        let ranked = GraphCounterfactualRow.ranked(rows.filter { $0.inputId == id && $0.method == "gdce" && $0.tau == best.tau })
        guard !ranked.isEmpty else { continue }
        let svg = try GraphPictures.counterfactualGrid(input: graph, rows: ranked, limit: 5, title: "test graph \(id), τ = \(best.tau)")
        blocks.append(.figure(svg: svg, caption: "Test graph \(id) (\(Graph6.encode(graph))): the five closest of \(ranked.count) GDCE samples at τ = \(best.tau)."))
      }
    }
    let report = Report(title: "Planar graphs: |E| − 1 counterfactuals", blocks: blocks)
    try AtomicFile.write(Data(NotebookExport.notebook(report).utf8), to: url)
    try AtomicFile.write(Data(HTMLExport.page(report).utf8), to: url.deletingPathExtension().appendingPathExtension("html"))
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
