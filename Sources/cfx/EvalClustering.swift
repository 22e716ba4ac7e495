// `cfx eval clustering`: every clustering baseline on one set, one table.

import ArgumentParser
import Foundation
import Workbench

struct EvalClustering: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clustering",
    abstract: "Run every clustering method of `cfx cluster` on one set under one protocol and tabulate scores and explanations.",
    discussion: """
      Same images, K, seed and autoencoder settings for every method; one table of NMI, ARI, \
      ACC, silhouette, tag coverage, inverse tag frequency, tag precision/recall and DECCS's \
      agreement, and whether tags helped (constrained vs plain autoencoder, DECCS with vs \
      without tags). Writes summary.json, table.csv, report.ipynb and report.html, and each \
      method's own output under OUT/METHOD/; finished methods are kept in OUT/journal.jsonl and \
      a rerun computes only what is missing.
      Example: cfx eval clustering --set attribute-shapes --out results/clustering-shapes
      """)

  @OptionGroup var options: ClusteringOptions
  @Option(parsing: .upToNextOption, help: "Methods (default all): \(ClusteringMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
  var method: [ClusteringMethod] = ClusteringMethod.allCases
  @Option(help: "Output directory.")
  var out: String
  @Option(help: "Also write the report here (.ipynb or .html; repeatable).")
  var notebook: [String] = []
  @OptionGroup var journal: JournalOptions

  func run() throws {
    var request = ClusteringEvaluationRequest(template: options.request(method: method[0], out: out, restart: journal.restart), methods: method)
    request.notebooks = notebook
    print(try stoppable { try ClusteringEvaluationJob.run(request).text })
  }
}
