// `cfx data planar`: enumerate the connected planar graphs and write deterministic splits.

import ArgumentParser
import Foundation
import Workbench

struct DataPlanar: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "planar",
    abstract: "Enumerate all non-isomorphic connected planar graphs (5,974 on 8 nodes) and split them.",
    discussion: """
      Writes train.g6, validation.g6 and test.g6 (graph6, one graph per line; 80/10/10 split by \
      a seeded shuffle) and manifest.json (counts, seed, SHA-256 of each file) into --out.
      """)

  @Option(help: "Output directory (created if needed).")
  var out: String

  @Option(help: "Random seed of the train/validation/test split.")
  var seed: UInt64 = 0

  @Option(help: "Nodes per graph (1...9).")
  var nodes: Int = 8

  func validate() throws {
    guard (1...9).contains(nodes) else { throw ValidationError("--nodes must be in 1...9, got \(nodes)") }
  }

  func run() throws {
    let outcome = try PlanarDataJob.run(outputDirectory: URL(fileURLWithPath: out), seed: seed, nodeCount: nodes)
    print(outcome.text)
  }
}
