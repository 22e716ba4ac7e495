// `cfx eval planar`: the paper's Table 1 protocol.

import ArgumentParser
import DiffusionCore
import Foundation
import Workbench

struct EvalPlanar: ParsableCommand {
  /// The protocol's sampling.
  enum Defaults: SamplingDefaults {
    static var sampling: SamplingSettings { PlanarEvaluationRequest.defaultSampling }
    static var samplesMeaning: String { "samples per input and setting" }
  }

  static let configuration = CommandConfiguration(
    commandName: "planar",
    abstract: "Table 1: |E| − 1 counterfactuals of every planar test graph, GDCE at each tau and FreeGress.",
    discussion: """
      Writes rows.csv (one row per generated graph, with graph6 of input and output) and \
      summary.json to --out. Interrupted runs resume from OUT/journal.jsonl; a rerun with more taus or inputs reuses what it shares.
      Example: cfx eval planar --out results/planar --samples 100 --tau 10,50
      """)

  @Option(help: "Model directory (default: the shipped planar model).")
  var model: String?
  @Option(help: "Split directory from `cfx data planar` (default: enumerate with --split-seed).")
  var data: String?
  @Option(help: "Seed of the data split when enumerating (must match training).")
  var splitSeed: UInt64 = 0
  @Option(help: "Output directory.")
  var out: String
  @OptionGroup var sampling: SamplingOptions<Defaults>
  @Option(help: "Only N evenly spaced test graphs (for quick looks; the table needs all).")
  var limit: Int?
  @Flag(inversion: .prefixedNo, help: "Run the FreeGress baseline.")
  var freegress = true
  @Flag(help: "No progress bar.")
  var quiet = false
  @OptionGroup var journal: JournalOptions
  @Option(help: "Path of the exported notebook (an .html page is written beside it; default: OUT/report.ipynb).")
  var notebook: String?

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    var request = PlanarEvaluationRequest(
      modelDirectory: modelURL, dataDirectory: data.map { URL(fileURLWithPath: $0) }, splitSeed: splitSeed,
      outputDirectory: URL(fileURLWithPath: out), sampling: sampling.settings(), limit: limit,
      freeGress: freegress, quiet: quiet, notebook: notebook.map { URL(fileURLWithPath: $0) })
    request.restart = journal.restart
    print(try stoppable { try PlanarEvaluationJob.run(request).text })
  }
}
