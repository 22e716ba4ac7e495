// `cfx eval saliency`: saliency baselines scored against exact object masks, on a set that has
// them (animals-on-texture): for every test image, the Grad-CAM, occlusion and RISE maps of its
// true class from the set's classifier, the pointing game (the map's maximum on the object), the
// fraction of the map's mass on the object, and the deletion and insertion areas; beside them the
// mean object area, which is the pointing game of a uniformly random point. Writes summary.json, every map (maps-METHOD.csv)
// and an overlay grid per method.

import Basics
import Foundation
import Images
import NN
import Tensor

/// What `cfx eval saliency` is asked to do.
public struct SaliencyEvaluationRequest: Sendable {
  /// The set (from `cfx data images`, with masks), the classifier checkpoint, the output directory.
  public var dataDirectory: URL, classifierDirectory: URL, outputDirectory: URL
  /// Methods (SaliencyMethod's names), test images used (nil: all), occlusion patch and
  /// stride, RISE masks and seed.
  public var methods: [String], limit: Int?, patch: Int, stride: Int
  public var riseMasks = 256, seed: UInt64 = 0
  /// Discard the journal of an earlier run; no progress bar.
  public var restart = false, quiet = false
  /// The methods there are.
  public static let allMethods = SaliencyMethod.allCases.map(\.rawValue)

  /// A request.
  public init(dataDirectory: URL, classifierDirectory: URL, outputDirectory: URL, methods: [String] = allMethods,
              limit: Int? = nil, patch: Int = 8, stride: Int = 4) {
    precondition(methods.allSatisfy { Self.allMethods.contains($0) } && !methods.isEmpty, "SaliencyEvaluationRequest: methods \(methods)")
    (self.dataDirectory, self.classifierDirectory, self.outputDirectory) = (dataDirectory, classifierDirectory, outputDirectory)
    (self.methods, self.limit, self.patch, self.stride) = (methods, limit, patch, stride)
  }
}

/// The scores of one method.
public struct SaliencyScores: Codable, Sendable {
  /// Fraction of images whose map's maximum lies on the object; mean fraction of map mass on it;
  /// mean deletion and insertion areas (lower and higher are better).
  public var pointingGame: Double, energyOnMask: Double, deletionAUC: Double, insertionAUC: Double
}

/// summary.json of `cfx eval saliency`.
public struct SaliencyEvaluation: Codable, Sendable {
  /// The set, its manifest's SHA-256, the classifier's weights' SHA-256, images scored.
  public var set: String, manifestSHA256: String, classifierSHA256: String, images: Int
  /// Mean fraction of pixels on the object (the pointing game of a random point).
  public var meanObjectArea: Double
  /// Scores by method; occlusion's patch and stride; RISE's masks and seed.
  public var methods: [String: SaliencyScores], occlusionPatch: Int, occlusionStride: Int, riseMasks: Int, seed: UInt64
  /// The classifier's accuracy on these images (maps explain the true class either way).
  public var classifierAccuracy: Double
  /// The arithmetic; what the numbers mean.
  public var arithmetic: ArithmeticProvenance, definitions: [String: String]
}

/// Scores saliency maps against object masks.
public enum SaliencyEvaluationJob {
  /// One batch of one method as the journal keeps it: the maps and each image's scores.
  struct ScoredBatch: Codable {
    var maps: [[Float]]
    var hits: [Bool], energy: [Double], deletion: [Double], insertion: [Double]
  }

  /// The maps of `method` for test images `images` and their scores against the masks.
  static func score(_ method: String, images: [Int], of test: ImageDataSet, masks: [UInt8], classifier: ImageClassifier,
                    request: SaliencyEvaluationRequest) -> ScoredBatch {
    let batch = test.batch(images), classes = images.map { test.labels[$0] }
    var settings = SaliencyMethod.Settings()
    (settings.occlusionPatch, settings.occlusionStride, settings.riseMasks, settings.seed) = (request.patch, request.stride, request.riseMasks, request.seed)
    let maps = SaliencyMethod(rawValue: method)!.maps(classifier, images: batch, classes: classes, settings: settings)
    let plane = test.height * test.width, size = test.channels * plane, k = test.classNames.count
    var scored = ScoredBatch(maps: maps, hits: [], energy: [], deletion: [], insertion: [])
    let pixels = batch.scalars
    for (slot, index) in images.enumerated() {
      let mask = masks[(index * plane)..<((index + 1) * plane)]
      scored.hits.append(Saliency.pointingGameHit(maps[slot], mask: mask))
      scored.energy.append(Saliency.energyOnMask(maps[slot], mask: mask))
      let areas = Saliency.deletionInsertion(image: Array(pixels[(slot * size)..<((slot + 1) * size)]), channels: test.channels, height: test.height,
                                             width: test.width, map: maps[slot]) { curve in
        let p = classifier(curve).softmax(axis: 1).scalars
        return (0..<curve.shape[0]).map { p[$0 * k + classes[slot]] }
      }
      scored.deletion.append(areas.deletion)
      scored.insertion.append(areas.insertion)
    }
    return scored
  }

  /// Runs the evaluation; returns its numbers and a report.
  public static func run(_ request: SaliencyEvaluationRequest) throws -> (evaluation: SaliencyEvaluation, text: String) {
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: request.dataDirectory)
    var test = try manifest.read(split: "test", from: request.dataDirectory)
    guard let masks = test.masks else { throw TrainingError.data("\(manifest.set) has no object masks; saliency is scored on sets that do (animals-on-texture)") }
    if let limit = request.limit, limit < test.count { test = test.subset(Array(0..<Swift.max(limit, 1))) }
    let (classifier, checksum) = try ImageClassifier.load(from: request.classifierDirectory)
    guard classifier.configuration.classNames == manifest.classNames,
      (classifier.configuration.channels, classifier.configuration.height, classifier.configuration.width) == (manifest.channels, manifest.height, manifest.width)
    else { throw TrainingError.data("the classifier in \(request.classifierDirectory.path) is not one of \(manifest.set)'s images and classes") }
    let plane = test.height * test.width
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let meanArea = (0..<test.count).map { i in Double(masks[(i * plane)..<((i + 1) * plane)].filter { $0 > 127 }.count) / Double(plane) }.reduce(0, +) / Double(test.count)
    let predicted = classifier.predictions(test).classes
    // Every finished batch of 50 images of a method goes to OUT/journal.jsonl with its maps and
    // per-image scores; a rerun with the same identity continues (Basics/RunJournal.swift).
    let journal = try RunJournal(directory: out, identity: [
      "job": "cfx eval saliency", "set": SHA256.hex([UInt8](manifestBytes)), "classifier": checksum, "images": "\(test.count)",
      "occlusion": "patch \(request.patch), stride \(request.stride)", "rise": "\(request.riseMasks) masks, seed \(request.seed)",
      "arithmetic": ArithmeticProvenance.current.resultsIdentity,
    ], restart: request.restart)
    let starts = Array(stride(from: 0, to: test.count, by: 50))
    let progress = ProgressReporter(total: request.methods.count * starts.count, label: "saliency", quiet: request.quiet)
    var scores: [String: SaliencyScores] = [:]
    for (m, method) in request.methods.enumerated() {
      var maps: [[Float]] = [], perImage: [ScoredBatch] = []
      for (b, start) in starts.enumerated() {
        let key = "\(method)/\(start)"
        let scored: ScoredBatch
        if let earlier = journal.record(key, as: ScoredBatch.self) {
          scored = earlier
          progress.skip()
        } else {
          scored = score(method, images: Array(start..<Swift.min(start + 50, test.count)), of: test, masks: masks, classifier: classifier, request: request)
          try journal.append(key, scored)
        }
        maps += scored.maps
        perImage.append(scored)
        progress.update(done: m * starts.count + b + 1)
        try RunInterrupted.check(kept: m * starts.count + b + 1, total: request.methods.count * starts.count, units: "batches", journal: journal.url)
      }
      let count = Double(maps.count)
      func mean(_ values: (ScoredBatch) -> [Double]) -> Double { perImage.flatMap(values).reduce(0, +) / count }
      scores[method] = SaliencyScores(pointingGame: mean { $0.hits.map { $0 ? 1 : 0 } }, energyOnMask: mean(\.energy),
                                      deletionAUC: mean(\.deletion), insertionAUC: mean(\.insertion))
      var csv = "index,label," + (0..<plane).map { "p\($0)" }.joined(separator: ",") + "\n"
      // Shortest round-trip decimals: the file holds the exact maps (occlusion maps have ties).
      for (i, map) in maps.enumerated() { csv += "\(i),\(test.labels[i])," + map.map { "\($0)" }.joined(separator: ",") + "\n" }
      try AtomicFile.write(Data(csv.utf8), to: out.appendingPathComponent("maps-\(method).csv"))
      let shown = Array(0..<Swift.min(8, test.count))
      let tiles = shown.flatMap { [test.image($0), HeatMap.overlay(maps[$0], on: test.image($0), alpha: 0.6)] }
      try PNG.write(ImageGrid.tile(tiles, columns: 2, scale: 3), to: out.appendingPathComponent("overlays-\(method).png").path)
    }
    let evaluation = SaliencyEvaluation(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), classifierSHA256: checksum, images: test.count, meanObjectArea: meanArea,
      methods: scores, occlusionPatch: request.patch, occlusionStride: request.stride, riseMasks: request.riseMasks, seed: request.seed,
      classifierAccuracy: Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(test.count), arithmetic: .current,
      definitions: [
        "pointingGame": "fraction of test images whose saliency maximum (first in row-major order) lies on a pixel with mask > 127; a uniformly random point scores meanObjectArea",
        "energyOnMask": "mean over images of Σ map·mask/255 / Σ map (maps are non-negative)",
        "class": "every map explains the image's true class",
        "deletionAUC": "mean over images of the area under the true class's probability as pixels are replaced by the image's mean colour in 16 portions, most salient first (lower is better)",
        "insertionAUC": "the same as pixels are put back into an image of its mean colour, most salient first (higher is better)",
        "maps": "maps-METHOD.csv: index in the test split, label, then the map row-major, scaled to maximum 1",
      ].merging(request.methods.map { ($0, SaliencyMethod(rawValue: $0)!.definition) }) { a, _ in a })
    try AtomicFile.writeJSON(evaluation, to: out.appendingPathComponent("summary.json"))
    let lines = request.methods.map { m in
      String(format: "  %-10@ pointing game %.3f, energy on the object %.3f, deletion AUC %.3f, insertion AUC %.3f", m, scores[m]!.pointingGame,
             scores[m]!.energyOnMask, scores[m]!.deletionAUC, scores[m]!.insertionAUC)
    }
    let text = (["\(manifest.set): \(test.count) test images, object area \(String(format: "%.3f", meanArea)) of the image on average (the random pointing game), classifier accuracy \(String(format: "%.3f", evaluation.classifierAccuracy))"]
      + lines + ["wrote \(out.path)/summary.json, maps-*.csv, overlays-*.png"]).joined(separator: "\n")
    return (evaluation, text)
  }
}
