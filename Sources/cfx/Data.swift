// `cfx data`: fetch and convert data sets.

import ArgumentParser

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Fetch and convert data sets into cfx's formats.",
    subcommands: [DataMolecules.self])
}
