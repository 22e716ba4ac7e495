// `cfx demo`: the main job on the bundled default. It grows with the project; today it checks
// the native libraries, explains bundled planar graphs and molecules with the shipped models.

import ArgumentParser
import Foundation
import Workbench

struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the main job on the bundled default (what cfx can do so far).")

  @Option(help: "Random seed for everything stochastic.")
  var seed: UInt64 = 0

  @Option(help: "Directory for the demo's CSV, JSON and SVG results.")
  var out = "out/demo"

  func run() throws {
    let outcome = DemoJob.run(seed: seed, outputDirectory: URL(fileURLWithPath: out))
    print(outcome.text)
    if !outcome.succeeded { throw ExitCode(1) }
  }
}
