// `cfx bench chemistry`: chemistry throughput as JSON.

import ArgumentParser
import Workbench

struct BenchChemistry: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chemistry",
    abstract: "Benchmark parse + graph + validity + logp + ECFP4 in molecules/s; prints JSON.",
    discussion: "Build with `swift build -c release` for meaningful numbers.")

  @Option(help: "SMILES file to run over.")
  var input = "molecules/zinc-subset.smi"

  @Option(help: "Passes per stage (the best is reported).")
  var passes = 3

  func run() throws {
    print(ChemistryBenchmark.json(try ChemistryBenchmark.run(path: input, passes: passes)))
  }
}
