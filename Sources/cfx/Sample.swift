// `cfx sample`: generate graphs from pure noise under a condition (the FreeGress baseline).

import ArgumentParser
import Diffusion
import Foundation
import Workbench

struct Sample: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Generate graphs from noise under a target (FreeGress baseline).",
    discussion: """
      Example: cfx sample --target-edges 12 --count 50 --out samples/
      Without --target-edges the learned null condition is used (unconditional generation).
      """)

  @Option(help: "Model directory (default: the shipped planar model).")
  var model: String?
  @Option(help: "Target edge count (omit for unconditional sampling).")
  var targetEdges: Int?
  @Option(help: "Number of graphs.")
  var count = 20
  @Option(help: "Nodes per graph (default: drawn from the training data's node counts).")
  var nodes: Int?
  @Option(help: "Guidance scale.")
  var scale: Float = GraphCounterfactualEngine.recommended.scale
  @Option(help: "Random seed.")
  var seed: UInt64 = 0
  @Option(help: "Directory for samples.g6 and samples.csv.")
  var out: String?

  func validate() throws {
    guard count > 0 else { throw ValidationError("--count must be positive") }
  }

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    let request = SampleGraphsRequest(
      modelDirectory: modelURL, targetEdges: targetEdges, count: count, nodes: nodes, scale: scale, seed: seed,
      outputDirectory: out.map { URL(fileURLWithPath: $0) })
    print(try SampleGraphsJob.run(request).text)
  }
}
