// `cfx explain images`: why an image classifier decides what it does — counterfactuals of
// misclassified images by feature replacement, and saliency maps.

import ArgumentParser
import Foundation
import Images
import Workbench

struct ExplainImages: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "images",
    abstract: "Explain an image classifier: counterfactuals of misclassifications (feature replacement), several counterfactuals per class (difclue) and saliency maps.",
    discussion: """
      Inputs are images of a set's split (--index, or the first --misclassified N), or PNG files \
      given as arguments with their true class (--label, a class name or index; one per file, or one \
      for all). Counterfactual methods replace cells of the classifier's last convolution map with \
      cells of correctly classified validation images of the true class (or --target) until the \
      prediction changes, and draw what kept the wrong class (ΔM_Inv) and what brings the right one \
      (ΔM_Dom): partition (the saliency-partition method), greedy (Goyal et al. 2019), similarity \
      (Vandenhende et al. 2022). Saliency methods map the predicted class: gradcam, gradcam++, \
      scorecam, occlusion, rise, and the learned perturbations mask (Fong and Vedaldi), extremal \
      (at --area) and coalitions (coalition-guided, on the classifier's features; coalitions-pixels \
      on pixels; coalitions-no-consistency and coalitions-single are its ablations). Writes explanations.json, edits.csv, maps.csv and one picture per \
      input (PNG and SVG) to --out.
      difclue (alone) gives several counterfactuals per class: the training images the classifier \
      assigns to --target are clustered into modes in a diffusion autoencoder's latent (--modes K, \
      or proposed by silhouette), a logistic regression on the modes gives one direction each, and \
      every input is moved along each direction with increasing strength until the classifier \
      predicts --target (--seed also seeds its k-means). Writes counterfactuals.json/.csv, one PNG per counterfactual, a picture per \
      input (input, reconstruction, one column per mode, difference maps) and modes.png/.svg.
      Examples:
        cfx explain images --set fashion-mnist --misclassified 5 --out results/why
        cfx explain images --set fashion-mnist --index 0 --target Sandal --method partition gradcam --out results/sandal
        cfx explain images boot.png --label 'Ankle boot' --out results/boot
        cfx explain images --set shapes-modes --method difclue --target positive --outside-target 8 --out results/modes
      """)

  @OptionGroup var imageSet: ImageSetOption
  @Argument(help: "PNG files to explain (the set's size and channels).")
  var files: [String] = []
  @Option(parsing: .upToNextOption, help: "True class of each file (name or index), or one for all.")
  var label: [String] = []
  @Option(help: "Split that --index and --misclassified refer to.")
  var split = "test"
  @Option(parsing: .upToNextOption, help: "Indices of images in --split.")
  var index: [Int] = []
  @Option(help: "Explain the first N misclassified images of --split.")
  var misclassified: Int?
  @Option(help: "Explain the first N images of --split the classifier does not assign to --target.")
  var outsideTarget: Int?
  @Option(help: "The classifier's checkpoint directory (default: the shipped one for the set).")
  var classifier: String?
  @Option(parsing: .upToNextOption, help: ArgumentHelp("Methods.", discussion: "Counterfactual: partition, greedy, similarity; several per class: difclue; saliency: \(SaliencyMethod.allCases.map(\.rawValue).joined(separator: ", "))."))
  var method: [String] = ["partition", "gradcam"]
  @Option(help: "Counterfactual target class (name or index; default: each input's true class).")
  var target: String?
  @OptionGroup(title: "Counterfactual methods") var counterfactual: CounterfactualOptions
  @OptionGroup(title: "Several counterfactuals per class (difclue)") var difclue: DifCluEOptions
  @OptionGroup(title: "Saliency methods") var saliency: SaliencyOptions
  @Option(help: "Output directory.")
  var out: String
  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    let given = [!files.isEmpty, !index.isEmpty, misclassified != nil, outsideTarget != nil].filter { $0 }.count
    guard given == 1 else { throw ValidationError("give exactly one of: PNG files (with --label), --index I…, --misclassified N, --outside-target N") }
    if method.contains("difclue") {
      guard method == ["difclue"] else { throw ValidationError("--method difclue runs alone (its outputs differ from the other methods')") }
      guard target != nil else { throw ValidationError("difclue needs --target CLASS: the class whose modes explain it") }
    }
    guard outsideTarget.map({ $0 > 0 && target != nil }) ?? true else { throw ValidationError("--outside-target N needs a positive N and --target CLASS") }
    if !files.isEmpty {
      guard label.count == 1 || label.count == files.count else { throw ValidationError("--label: give one class per file (\(files.count)) or one for all") }
    }
    guard !method.isEmpty, method.allSatisfy({ ImageExplainRequest.allMethods.contains($0) || $0 == "difclue" }) else {
      throw ValidationError("--method takes \((ImageExplainRequest.allMethods + ["difclue"]).joined(separator: ", "))")
    }
    guard misclassified.map({ $0 > 0 }) ?? true else { throw ValidationError("--misclassified must be positive") }
  }

  func run() throws {
    let classifierURL = try classifier.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageClassifier(forSet: imageSet.directory.lastPathComponent)
    let inputs: ImageExplainRequest.Inputs =
      !files.isEmpty ? .files(files.enumerated().map { (path: $0.element, label: label.count == 1 ? label[0] : label[$0.offset]) })
      : misclassified.map { .misclassified($0) } ?? outsideTarget.map { .outsideTarget($0) } ?? .indices(index)
    if method == ["difclue"] {
      let diffusionURL = try difclue.diffusion.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageDiffusionAutoencoder(forSet: imageSet.directory.lastPathComponent)
      var request = DifCluERequest(dataDirectory: imageSet.directory, classifierDirectory: classifierURL, diffusionDirectory: diffusionURL,
                                   outputDirectory: URL(fileURLWithPath: out), inputs: inputs, target: target!)
      (request.split, request.quiet) = (split, quiet)
      try difclue.apply(to: &request, seed: saliency.seed)
      print(try stoppable { try DifCluEJob.run(request).text })
      return
    }
    var request = ImageExplainRequest(dataDirectory: imageSet.directory, classifierDirectory: classifierURL, outputDirectory: URL(fileURLWithPath: out),
                                      inputs: inputs, methods: method)
    (request.split, request.target, request.quiet) = (split, target, quiet)
    (request.counterfactual, request.saliency) = (counterfactual.settings, saliency.settings)
    print(try stoppable { try ImageExplainJob.run(request).text })
  }
}
