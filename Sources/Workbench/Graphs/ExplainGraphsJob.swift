// The job behind `cfx explain` for graph models: read graph6 inputs (skipping and reporting bad
// records), run GDCE at each tau, rank, print a table, and write CSV/JSON.

import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import Rendering
import Tensor

/// A request of `cfx explain` on graphs.
public struct ExplainGraphsRequest: Sendable {
  /// Model directory.
  public var modelDirectory: URL
  /// Inputs as (source description, graph6 text) — e.g. ("argument 1", "G?bF`w").
  public var inputs: [(source: String, text: String)]
  /// Absolute target edge count, or nil to use `edgeDelta`.
  public var targetEdges: Int?
  /// Target relative to the input's edge count (default −1, the paper's |E| − 1).
  public var edgeDelta: Int
  /// Noise steps τ, samples per input and τ, guidance scale, seed.
  public var sampling: SamplingSettings
  /// Output directory for CSV/JSON (nil: terminal only).
  public var outputDirectory: URL?
  /// Rows shown per input on the terminal.
  public var show: Int
  /// No progress bar.
  public var quiet = false
  /// Discard the journal of an earlier run in the output directory instead of resuming it.
  public var restart = false

  /// A request.
  public init(modelDirectory: URL, inputs: [(source: String, text: String)], targetEdges: Int?, edgeDelta: Int,
              sampling: SamplingSettings, outputDirectory: URL?, show: Int) {
    (self.modelDirectory, self.inputs, self.targetEdges, self.edgeDelta) = (modelDirectory, inputs, targetEdges, edgeDelta)
    (self.sampling, self.outputDirectory, self.show) = (sampling, outputDirectory, show)
  }
}

/// Runs GDCE on graph inputs.
public enum ExplainGraphsJob {
  /// Parses graph6 records; bad ones are returned as messages (source, reason) and skipped.
  public static func parse(_ inputs: [(source: String, text: String)]) -> (graphs: [(String, Graph)], errors: [String]) {
    var graphs: [(String, Graph)] = []
    var errors: [String] = []
    for (source, text) in inputs {
      let trimmed = text.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed == Graph6.header { continue }
      do { graphs.append((source, try Graph6.decode(trimmed, source: source))) } catch {
        // A SMILES is no graph6, but the mistake is common enough to name its fix.
        let isSMILES = (try? MoleculeReader.parseSMILES(trimmed)) != nil
        errors.append(error.description + (isSMILES ? " (it reads as SMILES: molecules are explained by `cfx explain molecules`)" : ""))
      }
    }
    return (graphs, errors)
  }

  /// Runs the request; returns the terminal report. Throws only when nothing can be done
  /// (model missing, no valid input).
  public static func run(_ request: ExplainGraphsRequest) throws -> String {
    let engine = try GraphCounterfactualEngine(modelDirectory: request.modelDirectory)
    let c = engine.model.configuration
    let (graphs, errors) = parse(request.inputs)
    var report: [String] = errors.map { "skipped: \($0)" }
    guard !graphs.isEmpty else {
      throw ExplainError("no valid graph6 input; give graph6 strings as arguments, files of them, or --input - for stdin" + (errors.isEmpty ? "" : ":\n  " + errors.joined(separator: "\n  ")))
    }
    for t in request.sampling.taus where t < 1 || t > c.diffusion.stepCount {
      throw ExplainError("--tau \(t) is outside 1...\(c.diffusion.stepCount) (the model's T)")
    }
    var all: [GraphCounterfactualRow] = []
    var figures: [ReportBlock] = []
    let steps = graphs.count * request.sampling.taus.count
    let progress = ProgressReporter(total: steps, label: "explain", quiet: request.quiet || steps < 4)
    // With an output directory every finished input goes to the journal at once; a rerun with
    // the same identity reuses it (Basics/RunJournal.swift).
    let journal = try request.outputDirectory.map {
      try RunJournal(directory: $0, identity: identity(of: request, graphs: graphs.map(\.1), modelChecksum: engine.checksum), restart: request.restart)
    }
    var resumed = 0
    for (id, (source, graph)) in graphs.enumerated() {
      defer { progress.update(done: (id + 1) * request.sampling.taus.count) }
      guard graph.nodeCount <= c.maximumNodes else {
        report.append("skipped: \(source): \(graph.nodeCount) nodes, the model handles at most \(c.maximumNodes)")
        continue
      }
      let target = request.targetEdges ?? graph.edgeCount + request.edgeDelta
      guard case .classes(let classes) = c.condition, target >= 0, target < classes else {
        report.append("skipped: \(source): target edge count \(target) is outside what the model was trained on (0...\(c.condition.width - 1))")
        continue
      }
      let key = "input-\(id)"
      let done: InputRecord
      if let earlier = journal?.record(key, as: InputRecord.self) {
        done = earlier
        resumed += 1
        progress.skip(request.sampling.taus.count)
      } else {
        var rows: [GraphCounterfactualRow] = []
        for tau in request.sampling.taus {
          rows += try engine.counterfactuals(of: graph, inputId: id, targetEdges: target, tau: tau, samples: request.sampling.samples,
                                             scale: request.sampling.guidanceScale, seed: request.sampling.seed)
        }
        var record = InputRecord(rows: rows)
        if request.outputDirectory != nil {
          record.grid = try GraphPictures.counterfactualGrid(
            input: graph, rows: GraphCounterfactualRow.ranked(rows), title: "\(source): \(graph.edgeCount) → \(target) edges (GDCE, s = \(request.sampling.guidanceScale))")
        }
        try journal?.append(key, record)
        done = record
      }
      all += done.rows
      let ranked = GraphCounterfactualRow.ranked(done.rows)
      report.append(table(for: ranked, source: source, graph: graph, target: target, show: request.show))
      if let out = request.outputDirectory, let svg = done.grid {
        try AtomicFile.write(Data(svg.utf8), to: out.appendingPathComponent("counterfactuals-\(id).svg"))
        let top = ranked.prefix(10).enumerated().map { i, r in
          ["\(i + 1)", r.counterfactualGraph6, "\(r.counterfactualEdges)", r.valid ? "yes" : "no", r.targetMet ? "yes" : "no", "\(r.graphEditDistance)", "\(r.tau)"]
        }
        figures.append(.markdown("## \(source): `\(Graph6.encode(graph))`, \(graph.edgeCount) → \(target) edges"))
        figures.append(.table(try ReportTable(columns: ["rank", "graph6", "edges", "valid", "on target", "GED", "tau"], rows: top)))
        figures.append(.figure(svg: svg, caption: "Input and the closest counterfactuals (red dashed: removed, green: added)."))
      }
      try RunInterrupted.check(kept: id + 1, total: graphs.count, journal: journal?.url)
    }
    if let journal, resumed > 0 { report.append("resumed \(resumed) of \(graphs.count) inputs from \(journal.url.path)") }
    if let out = request.outputDirectory {
      try write(all, request: request, checksum: engine.checksum, to: out)
      let document = Report(title: "cfx explain: graph counterfactuals", blocks: [
        .markdown("GDCE with model `\(engine.checksum)`, tau \(request.sampling.taus.map(String.init).joined(separator: ", ")), \(request.sampling.samples) samples, guidance scale \(request.sampling.guidanceScale), seed \(request.sampling.seed). All samples are in `counterfactuals.csv`."),
      ] + figures)
      try AtomicFile.write(Data(NotebookExport.notebook(document).utf8), to: out.appendingPathComponent("report.ipynb"))
      try AtomicFile.write(Data(HTMLExport.page(document).utf8), to: out.appendingPathComponent("report.html"))
      report.append("wrote \(out.path)/counterfactuals.csv, counterfactuals.json (\(all.count) rows), counterfactuals-<input>.svg and report.ipynb/.html")
    }
    return report.joined(separator: "\n")
  }

  /// What the journal keeps of one finished input: its rows in generation order and its picture.
  struct InputRecord: Codable {
    var rows: [GraphCounterfactualRow]
    var grid: String? = nil
  }

  /// What determines a run's results: a journal is reused only by a run with the same identity.
  static func identity(of request: ExplainGraphsRequest, graphs: [Graph], modelChecksum: String) -> [String: String] {
    let inputs = graphs.map { Graph6.encode($0) }.joined(separator: "\n")
    return [
      "job": "cfx explain graphs", "model": modelChecksum, "target": request.targetEdges.map { "\($0) edges" } ?? "edges \(request.edgeDelta >= 0 ? "+" : "")\(request.edgeDelta)",
      "taus": request.sampling.taus.map(String.init).joined(separator: ","), "samples": "\(request.sampling.samples)",
      "scale": "\(request.sampling.guidanceScale)", "seed": "\(request.sampling.seed)",
      "inputs": "\(graphs.count) graphs, SHA-256 \(SHA256.hex(Array(inputs.utf8)))", "arithmetic": ArithmeticProvenance.current.resultsIdentity,
    ]
  }

  static func table(for ranked: [GraphCounterfactualRow], source: String, graph: Graph, target: Int, show: Int) -> String {
    let good = ranked.filter { $0.valid && $0.targetMet }
    var lines = [
      "\(source): \(Graph6.encode(graph)) (\(graph.nodeCount) nodes, \(graph.edgeCount) edges) → target \(target) edges",
      "  \(ranked.count) samples: \(good.count) valid and on target; validity \(fraction(ranked.filter(\.valid).count, ranked.count)), best GED \(good.first.map { "\($0.graphEditDistance)" } ?? "-")",
      "  rank  counterfactual   edges  valid  target  GED  tau",
    ]
    for (i, r) in ranked.prefix(show).enumerated() {
      lines.append(String(format: "  %4d  %@  %5d  %5@  %6@  %3d  %3d", i + 1, r.counterfactualGraph6.padding(toLength: 15, withPad: " ", startingAt: 0),
                          r.counterfactualEdges, r.valid ? "yes" : "no", r.targetMet ? "yes" : "no", r.graphEditDistance, r.tau))
    }
    return lines.joined(separator: "\n")
  }

  static func fraction(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.2f", Double(a) / Double(b)) }

  /// Writes counterfactuals.csv (one row per sample) and counterfactuals.json (run record + rows).
  static func write(_ rows: [GraphCounterfactualRow], request: ExplainGraphsRequest, checksum: String, to directory: URL) throws {
    let csv = ([GraphCounterfactualRow.csvHeader] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
    try AtomicFile.write(Data(csv.utf8), to: directory.appendingPathComponent("counterfactuals.csv"))
    struct Record: Codable {
      var tool: String, modelDirectory: String, modelSha256: String, taus: [Int], samples: Int, guidanceScale: Float, seed: UInt64
      var arithmetic: ArithmeticProvenance
      var rows: [GraphCounterfactualRow]
    }
    let record = Record(tool: "cfx explain", modelDirectory: request.modelDirectory.path, modelSha256: checksum, taus: request.sampling.taus,
                        samples: request.sampling.samples, guidanceScale: request.sampling.guidanceScale, seed: request.sampling.seed, arithmetic: .current, rows: rows)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(try encoder.encode(record), to: directory.appendingPathComponent("counterfactuals.json"))
  }
}

/// A user-facing error of the explain/sample/eval jobs.
public struct ExplainError: Error, CustomStringConvertible {
  /// What went wrong and how to fix it.
  public var description: String
  /// An error with a message.
  public init(_ description: String) { self.description = description }
}
