// `cfx eval clustering`: every clustering method of `cfx cluster` on one set under one protocol
// (same images, K = the number of classes, same seed, same autoencoder settings), one table:
// NMI, ARI, ACC, silhouette, the explanations' tag coverage, ITF and tag precision/recall, DECCS's
// agreement, seconds. Each method's full output goes to OUT/METHOD/; the pretrained autoencoders
// are shared in OUT/autoencoders; every finished method's result is kept in OUT/journal.jsonl
// (Basics/RunJournal.swift), so a rerun computes only what is missing. Writes summary.json,
// table.csv, report.ipynb and report.html.

import Basics
import Foundation
import Images
import Rendering
import Tensor

/// What `cfx eval clustering` is asked to do.
public struct ClusteringEvaluationRequest: Sendable {
  /// The settings every method shares (its method and output directory are replaced per method).
  public var template: ClusteringRequest
  /// The methods, in table order.
  public var methods: [ClusteringMethod]
  /// Reports to write besides OUT/report.{ipynb,html}.
  public var notebooks: [String] = []

  /// A request.
  public init(template: ClusteringRequest, methods: [ClusteringMethod] = ClusteringMethod.allCases) {
    precondition(!methods.isEmpty, "ClusteringEvaluationRequest: no methods")
    (self.template, self.methods) = (template, methods)
  }
}

/// summary.json of `cfx eval clustering`.
public struct ClusteringEvaluation: Codable, Sendable {
  /// Set, manifest SHA-256, images, clusters, seed.
  public var set: String, manifestSHA256: String, images: Int, clusterCount: Int, seed: UInt64
  /// Scores by method, in table order; the autoencoders' SHA-256 by method.
  public var methods: [String], scores: [String: ClusteringScores], autoencoderSHA256: [String: String]
  /// Whether the tags helped: NMI of cae-kmeans minus ae-kmeans, deccs minus deccs-no-tags.
  public var tagGainAutoencoder: Double?, tagGainDECCS: Double?
  /// The shared settings; what the numbers mean; the protocol note.
  public var settings: [String: String], definitions: [String: String], note: String
  /// Arithmetic.
  public var arithmetic: ArithmeticProvenance
}

/// Runs the evaluation.
public enum ClusteringEvaluationJob {
  /// Runs every method (reusing journaled ones); returns the evaluation and a report.
  public static func run(_ request: ClusteringEvaluationRequest) throws -> (evaluation: ClusteringEvaluation, text: String) {
    let t = request.template, out = t.outputDirectory
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: t.dataDirectory)
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let settings: [String: String] = [
      "images": t.limit.map { "a seeded subset of \($0) of all splits" } ?? "all splits", "clusters": t.clusterCount.map(String.init) ?? "the number of classes",
      "autoencoder": "\(t.autoencoderKind.rawValue), latent \(t.latent), \(t.epochs) epochs, batch \(t.batchSize), learning rate \(t.learningRate), λ_tag \(t.tagWeight)",
      "deccs": "at most \(t.rounds) rounds, subsample \(t.subsample), \(t.epochsPerRound) update epochs per round",
      "explanations": "α \(t.alpha), β \(t.beta)", "tags": t.attributeTable.map { "\($0.lastPathComponent) (SHA-256 \(SHA256.hex(ofFile: $0.path) ?? "?"))" } ?? "the set's factors, if any",
      "seed": "\(t.seed)",
    ]
    var identity = settings
    (identity["job"], identity["set"], identity["arithmetic"]) = ("cfx eval clustering", SHA256.hex([UInt8](manifestBytes)), ArithmeticProvenance.current.resultsIdentity)
    let journal = try RunJournal(directory: out, identity: identity, restart: t.restart)
    var results: [String: ClusteringResult] = [:]
    for (index, method) in request.methods.enumerated() {
      if let earlier = journal.record(method.rawValue, as: ClusteringResult.self) {
        results[method.rawValue] = earlier
        continue
      }
      if !t.quiet { FileHandle.standardError.write(Data("[\(index + 1)/\(request.methods.count)] \(method.rawValue)\n".utf8)) }
      var one = t
      (one.method, one.outputDirectory, one.autoencoderCache) = (method, out.appendingPathComponent(method.rawValue), out.appendingPathComponent("autoencoders"))
      one.restart = false
      let (result, text) = try ClusteringJob.run(one)
      if !t.quiet { FileHandle.standardError.write(Data((text + "\n").utf8)) }
      results[method.rawValue] = result
      try journal.append(method.rawValue, result)
      try RunInterrupted.check(kept: index + 1, total: request.methods.count, units: "methods", journal: journal.url)
    }
    let first = results[request.methods[0].rawValue]!
    func gain(_ a: ClusteringMethod, _ b: ClusteringMethod) -> Double? {
      guard let x = results[a.rawValue]?.scores.nmi, let y = results[b.rawValue]?.scores.nmi else { return nil }
      return x - y
    }
    let evaluation = ClusteringEvaluation(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), images: first.images, clusterCount: first.clusterCount, seed: t.seed,
      methods: request.methods.map(\.rawValue), scores: results.mapValues(\.scores), autoencoderSHA256: results.compactMapValues(\.autoencoderSHA256),
      tagGainAutoencoder: gain(.caeKMeans, .aeKMeans), tagGainDECCS: gain(.deccs, .deccsNoTags), settings: settings, definitions: ClusteringJob.definitions,
      note: "our own protocol on data we can get; not comparable with numbers in papers, which use other splits, models and settings",
      arithmetic: .current)
    try AtomicFile.writeJSON(evaluation, to: out.appendingPathComponent("summary.json"))
    let rows = request.methods.map { m -> [String] in
      let s = results[m.rawValue]!.scores
      func f(_ v: Double?, _ digits: Int = 4) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "" }
      return [m.rawValue, f(s.nmi), f(s.ari), f(s.accuracy), f(s.silhouette, 3), f(results[m.rawValue]!.betaUsed, 2), f(s.tagCoverage, 3), f(s.inverseTagFrequency, 3), f(s.tagPrecision, 3),
              f(s.tagRecall, 3), f(s.classTagPrecision, 3), f(s.classTagRecall, 3), f(s.agreement), f(s.autoencoderSeconds, 0), f(s.deccsSeconds, 0), String(format: "%.0f", s.seconds)]
    }
    let header = ["method", "nmi", "ari", "acc", "silhouette", "beta_used", "tag_coverage", "itf", "tag_precision", "tag_recall", "class_tag_precision", "class_tag_recall", "agreement", "autoencoder_s", "deccs_s", "run_s"]
    try AtomicFile.write(Data(([header] + rows).map { $0.map(CSV.escape).joined(separator: ",") }.joined(separator: "\n").appending("\n").utf8),
                         to: out.appendingPathComponent("table.csv"))
    // The report: the table, the settings, and the grid of the method with the best NMI.
    let best = request.methods.max { results[$0.rawValue]!.scores.nmi < results[$1.rawValue]!.scores.nmi }!
    var blocks: [ReportBlock] = [
      .markdown("""
        **\(manifest.set)**, \(first.images) images, K = \(first.clusterCount), seed \(t.seed). \(evaluation.note). \
        Tags: \(first.tagSource ?? "none"). Did tags help (NMI with minus without)? autoencoder + k-means \
        \(evaluation.tagGainAutoencoder.map { String(format: "%+.4f", $0) } ?? "–"), DECCS \(evaluation.tagGainDECCS.map { String(format: "%+.4f", $0) } ?? "–").
        """),
      .table(try ReportTable(columns: header, rows: rows)),
      .markdown(settings.sorted { $0.key < $1.key }.map { "- \($0.key): \($0.value)" }.joined(separator: "\n")),
    ]
    if let svg = try? String(contentsOf: out.appendingPathComponent("\(best.rawValue)/clusters.svg"), encoding: .utf8) {
      blocks.append(.figure(svg: svg, caption: "\(best.rawValue) (best NMI): ten members per cluster and the tags chosen for it"))
    }
    let report = Report(title: "Clustering evaluation: \(manifest.set)", blocks: blocks)
    try ReportWriter.write(report, to: [out.appendingPathComponent("report.ipynb").path, out.appendingPathComponent("report.html").path] + request.notebooks)
    let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max()! }
    let table = ([header] + rows).map { row in row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
    let text = (["\(manifest.set): \(first.images) images, K = \(first.clusterCount) (\(evaluation.note))"] + table
      + ["wrote \(out.path)/summary.json, table.csv, report.ipynb, report.html, METHOD/"]).joined(separator: "\n")
    return (evaluation, text)
  }
}
