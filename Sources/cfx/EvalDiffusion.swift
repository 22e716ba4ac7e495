// `cfx eval diffusion`: sample quality of an image diffusion model, judged by a classifier.

import ArgumentParser
import Foundation
import Workbench

struct EvalDiffusion: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diffusion",
    abstract: "FID proxy and class agreement of an image diffusion model's guided samples.",
    discussion: """
      Draws --samples-per-class guided DDIM samples of every class, embeds them and two disjoint \
      draws of as many training images with the classifier's pooled features, and reports the \
      Fréchet distance samples ↔ training beside training ↔ training (the floor at that sample \
      size), and how often the classifier recognises the requested class. Writes summary.json, \
      samples.png, the samples as IDX and every feature vector (features.csv) to --out; \
      interrupted runs continue from OUT/journal.jsonl. The distance is on cfx's classifier, an \
      FID proxy: never compare it with Inception FIDs.
      Example: cfx eval diffusion --model ~/.cache/cfx/diffusion-fashion --out results/diffusion
      """)

  @OptionGroup var imageSet: ImageSetOption
  @Option(help: "The diffusion model's checkpoint directory (from `cfx train diffusion`).")
  var model: String
  @Option(help: "The classifier's checkpoint directory (from `cfx train classifier`; the shipped one for the set if omitted).")
  var classifier: String?
  @Option(help: "Output directory.")
  var out: String
  @Option(help: "Samples of each class.")
  var samplesPerClass = 100
  @Option(help: "DDIM moves per sample.")
  var moves = 50
  @Option(help: "Guidance scale (1: the conditional model alone).")
  var scale: Float = 2
  @Option(help: "Random seed (sampling and the training draws).")
  var seed: UInt64 = 0
  @Flag(help: "No progress bar.")
  var quiet = false
  @OptionGroup var journal: JournalOptions

  func validate() throws {
    guard samplesPerClass >= 2, moves >= 1, scale.isFinite, scale >= 0 else { throw ValidationError("--samples-per-class ≥ 2, --moves ≥ 1 and a finite --scale ≥ 0") }
  }

  func run() throws {
    let classifierURL = try classifier.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageClassifier(forSet: imageSet.directory.lastPathComponent)
    var request = DiffusionEvaluationRequest(
      modelDirectory: URL(fileURLWithPath: model), classifierDirectory: classifierURL, dataDirectory: imageSet.directory,
      outputDirectory: URL(fileURLWithPath: out), samplesPerClass: samplesPerClass, moves: moves, scale: scale, seed: seed)
    (request.restart, request.quiet) = (journal.restart, quiet)
    print(try stoppable { try DiffusionEvaluationJob.run(request).text })
  }
}
