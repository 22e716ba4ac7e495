// `cfx eval diffusion`: how good a trained class-conditional image diffusion model's samples are,
// judged by a trained classifier of the same set: guided DDIM samples per class, the FID proxy
// (Fréchet distance in the classifier's pooled features) between the samples and N training
// images beside the same distance between two disjoint draws of N training images (the floor at
// that sample size), and how often the classifier recognises the class each sample was asked for.
// Everything is written out: the samples (IDX and a PNG grid), the features of every image the
// distances used (features.csv), and summary.json with the checksums and settings. Sampling is
// journalled batch by batch (OUT/journal.jsonl), so an interrupted run continues.

import Basics
import Foundation
import Images
import NN
import Tensor

/// What `cfx eval diffusion` is asked to do.
public struct DiffusionEvaluationRequest: Sendable {
  /// The diffusion checkpoint, the classifier checkpoint, the set (from `cfx data images`), the output directory.
  public var modelDirectory: URL, classifierDirectory: URL, dataDirectory: URL, outputDirectory: URL
  /// Samples per class, DDIM moves, guidance scale, seed, images sampled at once.
  public var samplesPerClass: Int, moves: Int, scale: Float, seed: UInt64, batchSize: Int
  /// Discard the journal of an earlier run; no progress bar.
  public var restart = false, quiet = false

  /// A request.
  public init(modelDirectory: URL, classifierDirectory: URL, dataDirectory: URL, outputDirectory: URL, samplesPerClass: Int = 100,
              moves: Int = 50, scale: Float = 2, seed: UInt64 = 0, batchSize: Int = 50) {
    precondition(samplesPerClass >= 1 && moves >= 1 && batchSize >= 1, "DiffusionEvaluationRequest: counts must be positive")
    (self.modelDirectory, self.classifierDirectory, self.dataDirectory, self.outputDirectory) = (modelDirectory, classifierDirectory, dataDirectory, outputDirectory)
    (self.samplesPerClass, self.moves, self.scale, self.seed, self.batchSize) = (samplesPerClass, moves, scale, seed, batchSize)
  }
}

/// The numbers of `cfx eval diffusion`, as summary.json holds them.
public struct DiffusionEvaluation: Codable, Sendable {
  /// The set and the SHA-256 of its manifest, the diffusion model's and the classifier's weights.
  public var set: String, manifestSHA256: String, modelSHA256: String, classifierSHA256: String
  /// Samples per class, DDIM moves, guidance scale, seed.
  public var samplesPerClass: Int, moves: Int, scale: Float, seed: UInt64
  /// d² between the samples and training draw B; between training draws A and B (the floor).
  public var fidProxy: Double, fidProxyTrainingSplitHalf: Double
  /// Fraction of samples the classifier assigns to the class they were sampled for, per class too.
  public var classifierAgreement: Double, classifierAgreementPerClass: [Double]
  /// Class names, the feature width, the arithmetic.
  public var classNames: [String], featureWidth: Int, arithmetic: ArithmeticProvenance
  /// What the numbers mean and how to recompute them.
  public var definitions: [String: String]
}

/// Evaluates image diffusion models.
public enum DiffusionEvaluationJob {
  /// One sampled batch as the journal keeps it: the requested classes and the 8-bit images.
  struct SampledBatch: Codable {
    var classes: [Int]
    var samples: [UInt8]
  }

  /// Runs (or continues) the evaluation; returns its numbers and a report.
  public static func run(_ request: DiffusionEvaluationRequest) throws -> (evaluation: DiffusionEvaluation, text: String) {
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: request.dataDirectory)
    let (model, modelChecksum) = try ImageDiffusionModel.load(from: request.modelDirectory)
    let (classifier, classifierChecksum) = try ImageClassifier.load(from: request.classifierDirectory)
    let c = model.configuration
    guard c.classNames == manifest.classNames, classifier.configuration.classNames == manifest.classNames,
      (c.height, c.width, c.unet.channels) == (manifest.height, manifest.width, manifest.channels),
      (classifier.configuration.height, classifier.configuration.width, classifier.configuration.channels) == (manifest.height, manifest.width, manifest.channels)
    else {
      throw TrainingError.data("the diffusion model (\(c.classNames.count) classes, \(c.unet.channels)×\(c.height)×\(c.width)), the classifier and the set \(manifest.set) do not describe the same images and classes")
    }
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let journal = try RunJournal(directory: out, identity: [
      "job": "cfx eval diffusion", "model": modelChecksum, "classifier": classifierChecksum, "set": SHA256.hex([UInt8](manifestBytes)),
      "samples per class": "\(request.samplesPerClass)", "moves": "\(request.moves)", "scale": "\(request.scale)", "seed": "\(request.seed)",
      "batch": "\(request.batchSize)", "arithmetic": ArithmeticProvenance.current.resultsIdentity,
    ], restart: request.restart)
    // Classes in blocks (every class's samples together), cut into batches; batch b is sampled
    // from the generator seeded with seed + b.
    let classes = manifest.classNames.indices.flatMap { Array(repeating: $0, count: request.samplesPerClass) }
    let batches = stride(from: 0, to: classes.count, by: request.batchSize).map { Array(classes[$0..<Swift.min($0 + request.batchSize, classes.count)]) }
    let progress = ProgressReporter(total: batches.count, label: "sample", quiet: request.quiet)
    var samples: [UInt8] = []
    for (index, batch) in batches.enumerated() {
      let key = "batch-\(index)"
      if let done = journal.record(key, as: SampledBatch.self), done.classes == batch {
        samples += done.samples
        progress.skip()
      } else {
        let images = model.samples(classes: batch, moves: request.moves, scale: request.scale, seed: request.seed &+ UInt64(index))
        let bytes = images.flatMap(\.interleaved)
        try journal.append(key, SampledBatch(classes: batch, samples: bytes))
        samples += bytes
      }
      progress.update(done: index + 1)
      try RunInterrupted.check(kept: index + 1, total: batches.count, units: "batches", journal: journal.url)
    }
    let sampled = ImageDataSet(classNames: manifest.classNames, channels: manifest.channels, height: manifest.height, width: manifest.width,
                               samples: samples, labels: classes)
    // Two disjoint draws of N training images (N = the number of samples).
    let training = try manifest.read(split: "train", from: request.dataDirectory)
    guard training.count >= 2 * classes.count else {
      throw TrainingError.data("\(manifest.set) has \(training.count) training images; the split-half reference needs \(2 * classes.count) (lower --samples-per-class)")
    }
    var draw = RandomGenerator(seed: request.seed ^ 0x5EED_F1D)
    let order = draw.permutation(training.count)
    let (drawA, drawB) = (training.subset(Array(order[0..<classes.count])), training.subset(Array(order[classes.count..<(2 * classes.count)])))
    let (featuresS, featuresA, featuresB) = (classifier.features(sampled), classifier.features(drawA), classifier.features(drawB))
    let fid = try FrechetDistance.distance(featuresS, featuresB), floor = try FrechetDistance.distance(featuresA, featuresB)
    let predicted = classifier.predictions(sampled).classes
    let perClass = manifest.classNames.indices.map { k in
      Double(classes.indices.filter { classes[$0] == k && predicted[$0] == k }.count) / Double(request.samplesPerClass)
    }
    let evaluation = DiffusionEvaluation(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), modelSHA256: modelChecksum, classifierSHA256: classifierChecksum,
      samplesPerClass: request.samplesPerClass, moves: request.moves, scale: request.scale, seed: request.seed, fidProxy: fid,
      fidProxyTrainingSplitHalf: floor, classifierAgreement: Double(zip(predicted, classes).filter { $0 == $1 }.count) / Double(classes.count),
      classifierAgreementPerClass: perClass, classNames: manifest.classNames, featureWidth: featuresS.first?.count ?? 0, arithmetic: .current,
      definitions: [
        "fidProxy": "squared Fréchet distance between Gaussians fitted (mean, covariance with n − 1) to the classifier's globally pooled last-convolution features of the samples and of training draw B; an FID proxy on cfx's own classifier, not comparable with Inception FIDs",
        "fidProxyTrainingSplitHalf": "the same distance between two disjoint random draws (A and B) of as many training images as there are samples: the value real images reach at this sample size",
        "classifierAgreement": "fraction of samples the classifier assigns to the class they were sampled for",
        "files": "samples-images.idx / samples-labels.idx (requested classes) hold the samples; features.csv the features behind both distances (source sample/trainA/trainB, index in that source, class (requested for samples), the classifier's prediction, then the features)",
      ])
    try write(evaluation, sampled: sampled, features: [
      ("sample", featuresS, classes, predicted), ("trainA", featuresA, drawA.labels, classifier.predictions(drawA).classes),
      ("trainB", featuresB, drawB.labels, classifier.predictions(drawB).classes),
    ], to: out)
    let text = """
      \(manifest.set): \(classes.count) guided DDIM samples (\(request.samplesPerClass) per class, \(request.moves) moves, scale \(request.scale), seed \(request.seed))
      FID proxy (classifier features, d²): samples vs training \(String(format: "%.3f", fid)); training vs training (split-half floor) \(String(format: "%.3f", floor))
      classifier agrees with the requested class on \(String(format: "%.1f", 100 * evaluation.classifierAgreement)) % of samples
      wrote \(out.path)/summary.json, samples.png, samples-images.idx, samples-labels.idx, features.csv
      """
    return (evaluation, text)
  }

  /// Writes summary.json, the samples (IDX and a grid of the first ten per class) and features.csv.
  static func write(_ evaluation: DiffusionEvaluation, sampled: ImageDataSet, features: [(String, [[Float]], [Int], [Int])], to out: URL) throws {
    _ = try sampled.write(split: "samples", to: out)
    let perClass = evaluation.samplesPerClass
    let shown = evaluation.classNames.indices.flatMap { k in (0..<Swift.min(10, perClass)).map { k * perClass + $0 } }
    try PNG.write(ImageGrid.tile(shown.map(sampled.image), columns: Swift.min(10, perClass), scale: 2), to: out.appendingPathComponent("samples.png").path)
    var csv = "source,index,class,predicted," + (0..<evaluation.featureWidth).map { "f\($0)" }.joined(separator: ",") + "\n"
    for (source, rows, labels, predicted) in features {
      for (index, row) in rows.enumerated() {
        csv += "\(source),\(index),\(labels[index]),\(predicted[index])," + row.map { "\($0)" }.joined(separator: ",") + "\n"
      }
    }
    try AtomicFile.write(Data(csv.utf8), to: out.appendingPathComponent("features.csv"))
    try AtomicFile.writeJSON(evaluation, to: out.appendingPathComponent("summary.json"))
  }
}
