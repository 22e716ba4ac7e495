// `cfx eval`: reproduce the paper's tables.

import ArgumentParser
import Foundation
import Molecules
import Workbench

struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate counterfactual generation against the paper's protocol.",
    subcommands: [EvalPlanar.self, EvalMolecules.self])
}
