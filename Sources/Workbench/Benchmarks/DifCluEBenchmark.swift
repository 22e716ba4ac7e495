// `cfx bench difclue`: seconds to explain one image with every mode (DDIM inversion, the
// reconstruction, the strength sweep for each direction), with the shipped models, beside the
// sgemm peak of the same run. The directions are fitted once first (timed separately).

import Foundation
import Images
import NN
import Tensor

/// The DifCluE timing.
public struct DifCluEBenchmark: Codable, Sendable, BenchmarkReport {
  /// The set, the directions (modes), the DDIM moves and the strengths on the grid.
  public var set: String, modes: Int, moves: Int, strengths: Int
  /// Seconds to fit the directions on the training split, seconds per image (each explained
  /// alone), their median, and how many of the image's counterfactuals flipped.
  public var fitSeconds: Double, secondsPerImage: [Double], medianSeconds: Double, flipped: [Int]
  /// The arithmetic, the sgemm peak of this run (GFLOP/s) and the load average.
  public var arithmetic: ArithmeticProvenance, sgemmPeakGflops: Double, loadAverage: String

  /// Times `images` test images outside the target, one at a time.
  public static func run(dataDirectory: URL, classifierDirectory: URL, diffusionDirectory: URL, target: String, images: Int, settings template: DifCluESettings) throws -> DifCluEBenchmark {
    let peak = TensorBenchmark.sgemmPeak(seconds: 0.5)
    let (manifest, _) = try ImageSetManifest.load(from: dataDirectory)
    let (classifier, _) = try ImageClassifier.load(from: classifierDirectory)
    let (model, _) = try ImageDiffusionModel.load(from: diffusionDirectory)
    guard model.isAutoencoder else { throw TrainingError.data("\(diffusionDirectory.path) is not a diffusion autoencoder") }
    var settings = template
    settings.targetClass = try ImageExplainJob.classIndex(target, "--target", classNames: classifier.configuration.classNames, set: "the classifier")
    let start = Date()
    let explainer = try DifCluE.fit(model: model, classifier: classifier, reference: manifest.read(split: "train", from: dataDirectory), settings: settings)
    let fitSeconds = Date().timeIntervalSince(start)
    let test = try manifest.read(split: "test", from: dataDirectory)
    let predicted = classifier.predictions(test).classes
    let chosen = Array(predicted.indices.filter { predicted[$0] != settings.targetClass }.prefix(images))
    var seconds: [Double] = [], flipped: [Int] = []
    for index in chosen {
      let t = Date()
      let result = explainer.explain(test.batch([index]))[0]
      seconds.append(Date().timeIntervalSince(t))
      flipped.append(result.filter(\.flipped).count)
    }
    return DifCluEBenchmark(set: manifest.set, modes: explainer.directions.modeCount, moves: settings.moves, strengths: settings.strengths.count, fitSeconds: fitSeconds,
                            secondsPerImage: seconds, medianSeconds: median(seconds), flipped: flipped, arithmetic: .current, sgemmPeakGflops: peak,
                            loadAverage: ExplainBenchmark.loadAverage())
  }

}
