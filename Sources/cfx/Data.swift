// `cfx data`: commands that generate data sets.

import ArgumentParser

struct Data: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Generate data sets.",
    subcommands: [DataPlanar.self])
}
