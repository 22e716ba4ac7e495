// `cfx data`: commands that generate data sets.

import ArgumentParser

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Generate or fetch data sets.",
    subcommands: [DataPlanar.self])
}
