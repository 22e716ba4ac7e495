// `cfx bench difclue`: seconds to explain one image with every mode, with the shipped models.

import ArgumentParser
import Foundation
import Images
import Workbench

struct BenchDifCluE: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "difclue",
    abstract: "Time several-counterfactuals-per-class (difclue) on single images with the shipped models; prints JSON.",
    discussion: """
      Fits the directions on the training split once (timed apart), then explains --images test \
      images outside --target one at a time (inversion, reconstruction, the strength sweep for \
      every mode) and reports the seconds per image and their median, beside the sgemm peak of \
      the same run. Build with `swift build -c release`.
      Example: cfx bench difclue --set shapes-modes
      """)

  @OptionGroup var imageSet: ImageSetOption
  @Option(help: "The classifier (default: the shipped one for the set).")
  var classifier: String?
  @Option(help: "The diffusion autoencoder (default: the shipped one for the set).")
  var diffusion: String?
  @Option(help: "The class explained (default on shapes-modes: positive).")
  var target: String?
  @Option(help: "Modes K.")
  var modes = 2
  @Option(help: "Images timed.")
  var images = 5
  @OptionGroup var sweep: DifCluESweepOptions

  func run() throws {
    let set = imageSet.directory.lastPathComponent
    guard let target = target ?? (set == "shapes-modes" ? "positive" : nil) else { throw ValidationError("--target CLASS is needed on \(set)") }
    var settings = DifCluESettings(targetClass: 0, modes: modes, strengths: sweep.strengths, moves: sweep.moves)
    (settings.refinements, settings.clusterSpace, settings.confidence, settings.modeCheck) = (sweep.refinements, sweep.clusterSpace, sweep.confidence, sweep.modeCheck)
    let benchmark = try DifCluEBenchmark.run(
      dataDirectory: imageSet.directory,
      classifierDirectory: try classifier.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageClassifier(forSet: set),
      diffusionDirectory: try diffusion.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageDiffusionAutoencoder(forSet: set),
      target: target, images: images, settings: settings)
    print(benchmark.json)
  }
}
