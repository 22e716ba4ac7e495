// `cfx train`: train diffusion models.

import ArgumentParser
import Diffusion
import Foundation
import Molecules
import NN
import Workbench

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train graph diffusion models (checkpoints resume exactly).",
    subcommands: [TrainPlanar.self, TrainMolecules.self, TrainClassifier.self, TrainDiffusion.self, TrainExport.self])
}

extension PlanarModelSize: ExpressibleByArgument {}
extension ExtraFeatureSet: ExpressibleByArgument {}
