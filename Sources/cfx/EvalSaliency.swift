// `cfx eval saliency`: saliency maps and misclassification counterfactuals scored by every
// protocol the set allows, one table per set.

import ArgumentParser
import Foundation
import Images
import Workbench

struct EvalSaliency: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "saliency",
    abstract: "Score saliency maps and misclassification counterfactuals of a set's classifier: deletion/insertion, Average Drop, masks, parts, edits.",
    discussion: """
      On a set with object masks (animals-on-texture, toy-birds) every test image is scored by \
      default with maps of its true class; on other sets (fashion-mnist) the misclassified test \
      images with maps of the predicted class (--images, --class change this). Counterfactual \
      methods (partition, greedy, similarity) need --images misclassified; their ΔM_Inv map \
      explains the predicted class and ΔM_Dom the true one. Every method gets the deletion and \
      insertion areas (substrates zeros and a blurred copy by default), Average Drop and Increase \
      in Confidence (map-multiplied and top-half variants); object masks add the pointing game \
      and the mass on the object; toy birds' part masks add the mass on the one part in which the \
      true and predicted classes differ (or on the part removed, with --images part-removed); \
      counterfactuals add edits and failure rate. Writes \
      summary.json, summary.csv (the table), scores.csv (every image), every map and overlay \
      grids to --out; interrupted runs continue from OUT/journal.jsonl.
      Examples:
        cfx eval saliency --set animals-on-texture --out results/saliency
        cfx eval saliency --set fashion-mnist --method partition greedy similarity gradcam rise --out results/why
      """)

  @OptionGroup var imageSet: ImageSetOption
  @Option(help: "The classifier's checkpoint directory (default: the shipped one for the set).")
  var classifier: String?
  @Option(help: "Output directory.")
  var out: String
  @Option(parsing: .upToNextOption, help: ArgumentHelp("Methods (default: the quick saliency methods gradcam, gradcam++, scorecam, occlusion, rise).", discussion: "Saliency: \(SaliencyEvaluationRequest.saliencyMethods.joined(separator: ", ")); counterfactual: partition, greedy, similarity."))
  var method: [String] = SaliencyEvaluationRequest.quickMethods
  @Option(help: "Test images: all, misclassified, or part-removed (correctly classified images with one part painted over whose prediction that turned wrong; sets with part masks) (default: all on sets with object masks, else misclassified).")
  var images: SaliencyEvaluationRequest.Selection?
  @Option(name: .customLong("class"), help: "Class the maps explain: true or predicted (default: true for all images, predicted for misclassified ones).")
  var explainedClass: SaliencyEvaluationRequest.ExplainedClass?
  @Option(help: "Score only the first N selected test images.")
  var limit: Int?
  @Option(help: "Deletion substrate: zero, blur or mean.")
  var deletionSubstrate: Saliency.Substrate = .zero
  @Option(help: "Insertion substrate: zero, blur or mean.")
  var insertionSubstrate: Saliency.Substrate = .blur
  @Option(help: "σ of the blurred substrate, in pixels.")
  var blurSigma: Float = 2
  @Option(help: "Deletion/insertion portions.")
  var steps = 16
  @OptionGroup(title: "Counterfactual methods") var counterfactual: CounterfactualOptions
  @OptionGroup(title: "Saliency methods") var saliency: SaliencyOptions
  @Option(help: "Also write the table and pictures as a notebook (.ipynb) and an HTML page beside it.")
  var notebook: String?
  @Flag(help: "No progress bar.")
  var quiet = false
  @OptionGroup var journal: JournalOptions

  func validate() throws {
    if let notebook, !notebook.hasSuffix(".ipynb") { throw ValidationError("--notebook takes a path ending in .ipynb (the HTML page is written beside it)") }
    guard !method.isEmpty, method.allSatisfy({ SaliencyEvaluationRequest.allMethods.contains($0) }) else {
      throw ValidationError("--method takes \(SaliencyEvaluationRequest.allMethods.joined(separator: ", "))")
    }
    guard limit.map({ $0 > 0 }) ?? true, blurSigma > 0, steps > 0 else { throw ValidationError("--limit, --blur-sigma and --steps must be positive") }
  }

  func run() throws {
    let classifierURL = try classifier.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageClassifier(forSet: imageSet.directory.lastPathComponent)
    var request = SaliencyEvaluationRequest(dataDirectory: imageSet.directory, classifierDirectory: classifierURL, outputDirectory: URL(fileURLWithPath: out),
                                            methods: method, limit: limit)
    (request.selection, request.explainedClass, request.saliency, request.counterfactual) = (images, explainedClass, saliency.settings, counterfactual.settings)
    (request.deletionSubstrate, request.insertionSubstrate, request.blurSigma, request.steps) = (deletionSubstrate, insertionSubstrate, blurSigma, steps)
    (request.restart, request.quiet, request.notebook) = (journal.restart, quiet, notebook.map { URL(fileURLWithPath: $0) })
    print(try stoppable { try SaliencyEvaluationJob.run(request).text })
  }
}

extension SaliencyEvaluationRequest.Selection: ExpressibleByArgument {}
extension SaliencyEvaluationRequest.ExplainedClass: ExpressibleByArgument {}
extension Saliency.Substrate: ExpressibleByArgument {}
