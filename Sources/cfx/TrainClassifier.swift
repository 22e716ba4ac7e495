// `cfx train classifier`: the CNN the image pipelines explain.

import ArgumentParser
import Foundation
import Images
import NN
import Workbench

struct TrainClassifier: ParsableCommand {
  /// The classifiers' recipe: AdamW with weight decay 1e-4, warm-up then cosine decay to 5%.
  enum Defaults: TrainingDefaults {
    static let examples = "images", steps: Int? = 5000, batchSize = 64, learningRate: Float = 2e-3, warmup = 200
    static let validateEvery = 500, checkpointEvery = 250, floorFraction: Float = 0.05, clipNorm: Float? = nil, weightDecay: Float = 1e-4
  }

  static let configuration = CommandConfiguration(
    commandName: "classifier",
    abstract: "Train the image classifier the image pipelines explain (conv stages → global average pooling → linear).",
    discussion: """
      Trains on the train split of a set from `cfx data images` (AdamW, cross-entropy, warm-up \
      then cosine decay), reports validation accuracy every --validate-every steps, checkpoints \
      into --out (resumable with --resume, bit-identically), then evaluates on the test split: \
      accuracy and confusion matrix on the terminal and in OUT/evaluation.json.
      Example: cfx train classifier --set fashion-mnist --steps 5000 --out ~/.cache/cfx/classifier-fashion
      An attribute oracle (which mode a Shapes-modes scene is in), and a classifier of merged classes:
        cfx train classifier --set shapes-modes --labels factor:mode --out ~/.cache/cfx/shapes-modes-oracle
        cfx train classifier --set fashion-mnist --labels 'merge:Trouser+Bag,Sandal+Sneaker+Ankle boot' --out ~/.cache/cfx/fashion-merged
      """)

  @OptionGroup var imageSet: ImageSetOption
  @OptionGroup var training: TrainingArguments<Defaults>
  @Option(help: "Channels of the first stage (doubling per stage).")
  var baseChannels = 32
  @Option(help: "Convolution stages (2×2 max-pooling between them).")
  var stages = 3
  @Option(help: "What to learn: classes (the set's), factor:NAME (a generated set's factor, e.g. factor:mode), or merge:A+B,C+D (groups of classes as one class each).")
  var labels = "classes"
  func validate() throws {
    guard baseChannels > 0, (1...5).contains(stages) else { throw ValidationError("--base-channels must be positive, --stages 1…5") }
  }

  func run() throws {
    var request = ClassifierTrainingRequest(
      dataDirectory: imageSet.directory, outputDirectory: training.outputDirectory, options: training.options, baseChannels: baseChannels, stages: stages,
      resume: training.resume, quiet: training.quiet)
    request.labels = try LabelRule(parsing: labels)
    print(try stoppable(resumeFlags: ["--resume"]) { try ClassifierTrainingJob.run(request).text })
  }
}
