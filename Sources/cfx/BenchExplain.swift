// `cfx bench explain`: GDCE timing on one graph.

import ArgumentParser
import Foundation
import Workbench

struct BenchExplain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Time GDCE on one graph (default: 100 samples at tau 50); prints JSON.",
    discussion: "Model loading is excluded; each bundled demo graph is timed --repeats times and the best is kept.")

  @Option(help: "Model directory (default: the shipped planar model).")
  var model: String?
  @Option(help: "Samples per graph.")
  var samples = 100
  @Option(help: "Noise step tau.")
  var tau = 50
  @Option(help: "Guidance scale.")
  var scale: Float = 1.5
  @Option(help: "Repeats per graph.")
  var repeats = 3

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    print(try ExplainBenchmark.run(modelDirectory: modelURL, samples: samples, tau: tau, scale: scale, repeats: repeats).json)
  }
}
