// `cfx explain graphs`: counterfactuals of graphs (graph6) with the planar model.

import ArgumentParser
import Diffusion
import DiffusionCore
import Foundation
import Workbench

struct ExplainGraphs: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graphs",
    abstract: "Counterfactuals of graphs (graph6): the closest connected planar graphs with the target edge count.",
    discussion: """
      Inputs are graph6 strings, files of graph6 lines (as arguments or with --input), or \
      --input - for standard input; the target is an edge count (default: one edge fewer); \
      closeness is the exact graph edit distance. Writes counterfactuals.csv and \
      counterfactuals.json to --out.
      Examples:
        cfx explain graphs 'G?`DF{'
        cfx explain graphs --input test.g6 --tau 10,50 --samples 100 --out results/
      """)

  /// The planar model's defaults.
  enum Defaults: SamplingDefaults {
    static var sampling: SamplingSettings { GraphCounterfactualEngine.recommended }
  }

  @OptionGroup var io: ExplainInputOutputOptions
  @Option(help: "Model directory (default: the shipped model, molecules/models/planar).")
  var model: String?
  @Option(help: "Target edge count (default: the input's edge count plus --delta).")
  var targetEdges: Int?
  @Option(help: "Target relative to the input's edge count.")
  var delta = -1
  @OptionGroup var sampling: SamplingOptions<Defaults>

  func run() throws {
    var inputs = io.inlineInputs
    for file in io.files + (io.readsStandardInput ? ["-"] : []) { inputs += try ExplainInputOutputOptions.lines(of: file) }
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    var request = ExplainGraphsRequest(
      modelDirectory: modelURL, inputs: inputs, targetEdges: targetEdges, edgeDelta: delta, sampling: sampling.settings(),
      outputDirectory: io.outputDirectory, show: io.show)
    (request.quiet, request.restart) = (io.quiet, io.journal.restart)
    print(try stoppable { try ExplainGraphsJob.run(request) })
  }
}
