// `cfx eval saliency`: saliency baselines scored against exact object masks.

import ArgumentParser
import Foundation
import Workbench

struct EvalSaliency: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "saliency",
    abstract: "Score Grad-CAM, Grad-CAM++, Score-CAM, occlusion and RISE maps of the set's classifier against exact object masks and by deletion/insertion.",
    discussion: """
      For every test image of a set with masks (animals-on-texture), the maps of its true class; \
      the pointing game (the map's maximum on the object) beside the mean object area (a random \
      point's score), the fraction of the map's mass on the object, and the deletion and insertion \
      areas (the class probability as the most salient pixels are removed or put back). Writes summary.json, every \
      map (maps-METHOD.csv) and overlay grids to --out; interrupted runs continue from OUT/journal.jsonl.
      Example: cfx eval saliency --set animals-on-texture --out results/saliency
      """)

  @OptionGroup var imageSet: ImageSetOption
  @Option(help: "The classifier's checkpoint directory (default: the shipped one for the set).")
  var classifier: String?
  @Option(help: "Output directory.")
  var out: String
  @Option(parsing: .upToNextOption, help: "Methods: gradcam, gradcam++, scorecam, occlusion, rise (default all).")
  var method: [String] = SaliencyEvaluationRequest.allMethods
  @Option(help: "Score only the first N test images.")
  var limit: Int?
  @Option(help: "Occlusion patch side in pixels.")
  var patch = 8
  @Option(help: "Occlusion stride in pixels.")
  var stride = 4
  @Option(help: "RISE: random masks per image.")
  var riseMasks = 256
  @Option(help: "Random seed (RISE's masks).")
  var seed: UInt64 = 0
  @Flag(help: "No progress bar.")
  var quiet = false
  @OptionGroup var journal: JournalOptions

  func validate() throws {
    guard !method.isEmpty, method.allSatisfy({ SaliencyEvaluationRequest.allMethods.contains($0) }) else { throw ValidationError("--method takes \(SaliencyEvaluationRequest.allMethods.joined(separator: ", "))") }
    guard patch > 0, stride > 0, riseMasks > 0, limit.map({ $0 > 0 }) ?? true else { throw ValidationError("--patch, --stride, --rise-masks and --limit must be positive") }
  }

  func run() throws {
    let classifierURL = try classifier.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageClassifier(forSet: imageSet.directory.lastPathComponent)
    var request = SaliencyEvaluationRequest(dataDirectory: imageSet.directory, classifierDirectory: classifierURL, outputDirectory: URL(fileURLWithPath: out),
                                            methods: method, limit: limit, patch: patch, stride: stride)
    (request.riseMasks, request.seed, request.restart, request.quiet) = (riseMasks, seed, journal.restart, quiet)
    print(try stoppable { try SaliencyEvaluationJob.run(request).text })
  }
}
