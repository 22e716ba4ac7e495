// `cfx data`: generate, fetch and convert data sets.

import ArgumentParser
import Molecules

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Generate, fetch and convert data sets into cfx's formats.",
    subcommands: [DataPlanar.self, DataMolecules.self, DataImages.self])
}
