// `cfx sample`: generate graphs from pure noise under a condition (the FreeGress baseline).

import ArgumentParser
import Diffusion
import DiffusionCore
import Foundation
import Workbench

struct Sample: ParsableCommand {
  /// FreeGress from noise: no τ; 20 graphs at the planar model's guidance scale.
  enum Defaults: SamplingDefaults {
    static var sampling: SamplingSettings { SamplingSettings(taus: [], samples: 20, guidanceScale: GraphCounterfactualEngine.recommended.guidanceScale) }
    static var samplesMeaning: String { "graphs to generate" }
  }

  static let configuration = CommandConfiguration(
    abstract: "Generate graphs from noise under a target (FreeGress baseline).",
    discussion: """
      Example: cfx sample --target-edges 12 --samples 50 --out samples/
      Without --target-edges the learned null condition is used (unconditional generation).
      """)

  @Option(help: "Model directory (default: the shipped planar model).")
  var model: String?
  @Option(help: "Target edge count (omit for unconditional sampling).")
  var targetEdges: Int?
  /// The spelling of --samples before every command shared it.
  @Option(help: .private) var count: Int?
  @Option(help: "Nodes per graph (default: drawn from the training data's node counts).")
  var nodes: Int?
  @OptionGroup var sampling: SamplingOptions<Defaults>
  @Option(help: "Directory for samples.g6 and samples.csv.")
  var out: String?

  func validate() throws {
    if let count, count < 1 { throw ValidationError("--samples \(count): must be at least 1") }
    if count != nil && sampling.samples != nil { throw ValidationError("--count is the old spelling of --samples: give one of them") }
  }

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    var settings = sampling.settings()
    if let count { settings.samples = count }
    let request = SampleGraphsRequest(
      modelDirectory: modelURL, targetEdges: targetEdges, sampling: settings, nodes: nodes, outputDirectory: out.map { URL(fileURLWithPath: $0) })
    print(try SampleGraphsJob.run(request).text)
  }
}
