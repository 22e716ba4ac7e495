// `cfx bench`: benchmarks that print machine-readable JSON.

import ArgumentParser
import Workbench

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run benchmarks and print JSON results.",
    subcommands: [BenchTensor.self, BenchChemistry.self, BenchExplain.self, BenchImages.self, BenchDifCluE.self, BenchTrain.self])
}
