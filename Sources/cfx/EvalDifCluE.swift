// `cfx eval difclue`: several counterfactuals per class, scored against known modes, with the
// baselines in the same table.

import ArgumentParser
import Foundation
import Images
import Workbench

struct EvalDifCluE: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "difclue",
    abstract: "Score several-counterfactuals-per-class (DifCluE) and its baselines where the true modes are known.",
    discussion: """
      Every direction method (difclue: one per k-means mode of the target class in the diffusion \
      autoencoder's latent; single: target against the rest; random) is fitted on the training \
      split and explains the first --inputs test images the classifier does not assign to \
      --target. An attribute oracle (a classifier of the true modes, e.g. `cfx train classifier \
      --labels factor:mode`) names the mode each counterfactual shows. Scores: validity, mode \
      alignment (ours: defined in summary.json), k-means NMI/ACC against the true modes, \
      distinctness, realism and substitutability (post-hoc MLPs), importance (Spearman of \
      strength against the target probability along each sweep), a Fréchet distance in the \
      oracle's features, strength and distances. Writes summary.json, summary.csv, \
      counterfactuals.METHOD.csv, trajectories.METHOD.csv, modes.METHOD.csv, METHOD.png/.svg, report.ipynb and report.html; finished methods are kept in \
      OUT/journal.jsonl. On shapes-modes the target (positive), the oracle (the shipped \
      shapes-modes-mode-oracle), its mode classes (mode=1 mode=2) and the factor naming the \
      training images' modes (mode) are the defaults.
      Examples:
        cfx eval difclue --set shapes-modes --out results/difclue-shapes
        cfx eval difclue --set fashion-mnist --classifier MERGED --diffusion DIFFAE --oracle images/models/fashion-mnist-classifier \\
          --target 'Sandal+Sneaker+Ankle boot' --attributes Sandal Sneaker 'Ankle boot' --out results/difclue-footwear
      """)

  @OptionGroup var imageSet: ImageSetOption
  @Option(help: "The classifier explained (default: the shipped one for the set).")
  var classifier: String?
  @Option(help: "The diffusion autoencoder (default: the shipped one for the set).")
  var diffusion: String?
  @Option(help: "The attribute oracle: a classifier whose classes include the true modes (default on shapes-modes: the shipped mode oracle).")
  var oracle: String?
  @Option(help: "The class explained (default on shapes-modes: positive).")
  var target: String?
  @Option(parsing: .upToNextOption, help: "The oracle's classes that are the target's true modes (default on shapes-modes: mode=1 mode=2).")
  var attributes: [String] = []
  @Option(help: "The factor whose value v names a training image's true mode as the oracle class NAME=v (default on shapes-modes: mode; otherwise the set's class names).")
  var trueModeFactor: String?
  @Option(help: "Images explained (the first N of --split outside the target).")
  var inputs = 200
  @Option(help: "Where the inputs and the real images come from: test, or validation (to choose settings without looking at the test split).")
  var split = "test"
  @Option(parsing: .upToNextOption, help: "Direction methods (default all): \(DirectionMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
  var directions: [String] = DirectionMethod.allCases.map(\.rawValue)
  @Option(help: "Epochs of the plain convolutional autoencoder baseline (difclue in its latent, decoded directly; 0: no such row); kept in OUT/autoencoder.")
  var autoencoderEpochs = 0
  @Option(help: "Modes K of difclue and directions of random (default: as many as --attributes).")
  var modes: Int?
  @OptionGroup var sweep: DifCluESweepOptions
  @Option(help: "Inputs decoded together.")
  var batch = 16
  @Option(help: "Seed of k-means, random directions and the post-hoc classifiers.")
  var seed: UInt64 = 0
  @Option(help: "Output directory.")
  var out: String
  @Option(help: "Also write the report here (.ipynb or .html; repeatable).")
  var notebook: [String] = []
  @Flag(help: "No progress bar.")
  var quiet = false
  @OptionGroup var journal: JournalOptions

  func validate() throws {
    guard inputs >= 1, batch >= 1, modes.map({ $0 >= 1 }) ?? true else { throw ValidationError("--inputs, --batch and --modes must be positive") }
    guard ["test", "validation"].contains(split) else { throw ValidationError("--split takes test or validation (the directions are fitted on train)") }
    guard !directions.isEmpty, directions.allSatisfy({ DirectionMethod(rawValue: $0) != nil }) else {
      throw ValidationError("--directions takes \(DirectionMethod.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    let set = imageSet.directory.lastPathComponent
    let shapes = set == "shapes-modes"
    guard let target = target ?? (shapes ? "positive" : nil) else { throw ValidationError("--target CLASS is needed on \(set)") }
    let attributes = !attributes.isEmpty ? attributes : shapes ? ["mode=1", "mode=2"] : []
    guard !attributes.isEmpty else { throw ValidationError("--attributes (the oracle's classes that are the true modes) is needed on \(set)") }
    let oracleURL = try oracle.map { URL(fileURLWithPath: $0) } ?? (shapes ? ShippedModels.directory("shapes-modes-mode-oracle", in: "images/models", flag: "--oracle") : nil)
    guard let oracleURL else { throw ValidationError("--oracle DIR is needed on \(set)") }
    var request = DifCluEEvaluationRequest(
      dataDirectory: imageSet.directory,
      classifierDirectory: try classifier.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageClassifier(forSet: set),
      diffusionDirectory: try diffusion.map { URL(fileURLWithPath: $0) } ?? ShippedModels.imageDiffusionAutoencoder(forSet: set),
      oracleDirectory: oracleURL, outputDirectory: URL(fileURLWithPath: out), target: target, attributes: attributes)
    request.trueModeFactor = trueModeFactor ?? (shapes ? "mode" : nil)
    (request.inputs, request.methods, request.modes, request.moves, request.seed) = (inputs, directions.map { DirectionMethod(rawValue: $0)! }, modes, sweep.moves, seed)
    (request.strengths, request.clusterSpace, request.refinements, request.confidence) = (sweep.strengths, sweep.clusterSpace, sweep.refinements, sweep.confidence)
    (request.modeCheck, request.split) = (sweep.modeCheck, split)
    (request.batch, request.quiet, request.restart, request.notebooks, request.autoencoderEpochs) = (batch, quiet, journal.restart, notebook, autoencoderEpochs)
    print(try stoppable { try DifCluEEvaluationJob.run(request).text })
  }
}
