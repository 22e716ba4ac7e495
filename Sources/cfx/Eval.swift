// `cfx eval`: reproduce the paper's tables.

import ArgumentParser
import Foundation
import Molecules
import Workbench

struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate by a fixed protocol: the paper's tables (planar graphs, molecules) and image diffusion samples.",
    subcommands: [EvalPlanar.self, EvalMolecules.self, EvalGeneration.self, EvalDiffusion.self, EvalSaliency.self, EvalClustering.self, EvalDifCluE.self])
}
