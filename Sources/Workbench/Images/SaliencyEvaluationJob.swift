// `cfx eval saliency`: saliency maps and misclassification counterfactuals of a set's classifier,
// scored on the set's test images by every protocol that applies, one table per set:
//   - every image (the default on sets with object masks, maps of the true class) or only the
//     misclassified ones (the default otherwise, maps of the predicted class; counterfactual
//     methods need these: their ΔM_Inv map explains the predicted class, ΔM_Dom the true one);
//   - deletion and insertion areas (the class probability as the most salient pixels go to the
//     deletion substrate, or come back into the insertion substrate; zeros and a blurred copy by
//     default, as RISE's protocol);
//   - Average Drop 100/N·Σ max(0, Y − O)/Y and Increase in Confidence 100/N·Σ [Y < O], Y the class
//     probability on the image and O on the image multiplied by the map (Grad-CAM++'s variant) or
//     keeping only its most salient half of the pixels, the rest zero (Score-CAM's variant);
//   - with object masks: the pointing game and the map's mass on the object;
//   - with part masks (toy birds), on misclassified images whose true and predicted classes differ
//     in exactly one part: the map's mass on that part (the part-hit rate), beside the part's area;
//   - counterfactual methods: edits (over successes), failure rate; every method: seconds per image.
// Writes summary.json, summary.csv (the table), scores.csv (every image), every map
// (maps-METHOD.csv; counterfactuals also maps-METHOD-dominant.csv) and overlay grids; finished
// batches are kept in OUT/journal.jsonl (resume, Ctrl-C, --restart).

import Basics
import Foundation
import Images
import NN
import Rendering
import Tensor

/// What `cfx eval saliency` is asked to do.
public struct SaliencyEvaluationRequest: Sendable {
  /// Which test images: all, only the misclassified ones, or correctly classified images with
  /// one part removed (painted with the background's colour) whose prediction that removal
  /// turned wrong — misclassifications whose cause is known (sets with part masks: toy birds).
  public enum Selection: String, Codable, Sendable { case all, misclassified, partRemoved = "part-removed" }
  /// Which class the maps explain.
  public enum ExplainedClass: String, Codable, Sendable { case `true`, predicted }
  /// The set (from `cfx data images`), the classifier checkpoint, the output directory.
  public var dataDirectory: URL, classifierDirectory: URL, outputDirectory: URL
  /// Methods (saliency and counterfactual names), test images used (nil: all selected).
  public var methods: [String], limit: Int?
  /// Images and class (nil: all and true on sets with object masks, misclassified and predicted otherwise).
  public var selection: Selection?, explainedClass: ExplainedClass?
  /// Settings of the methods.
  public var saliency = SaliencyMethod.Settings(), counterfactual = FeatureReplacement.Settings()
  /// Deletion/insertion protocol: substrates, blur σ in pixels, portions.
  public var deletionSubstrate = Saliency.Substrate.zero, insertionSubstrate = Saliency.Substrate.blur, blurSigma: Float = 2, steps = 16
  /// Discard the journal of an earlier run; no progress bar.
  public var restart = false, quiet = false
  /// Also write the table and pictures as a notebook (.ipynb) and an HTML page beside it.
  public var notebook: URL?
  /// The saliency methods, the quick ones (the default), and every method.
  public static let saliencyMethods = SaliencyMethod.allCases.map(\.rawValue)
  public static let quickMethods = SaliencyMethod.quick.map(\.rawValue)
  public static var allMethods: [String] { saliencyMethods + FeatureReplacement.Settings.methods }

  /// A request.
  public init(dataDirectory: URL, classifierDirectory: URL, outputDirectory: URL, methods: [String] = quickMethods, limit: Int? = nil) {
    precondition(methods.allSatisfy { Self.allMethods.contains($0) } && !methods.isEmpty, "SaliencyEvaluationRequest: methods \(methods)")
    (self.dataDirectory, self.classifierDirectory, self.outputDirectory, self.methods, self.limit) = (dataDirectory, classifierDirectory, outputDirectory, methods, limit)
  }
}

/// The scores of one method (means over the images scored; nil where the protocol does not apply).
public struct SaliencyScores: Codable, Sendable {
  /// Images scored.
  public var images: Int
  /// Deletion and insertion areas (lower and higher are better).
  public var deletionAUC: Double, insertionAUC: Double
  /// Average Drop and Increase in Confidence, in percent: map-multiplied (Grad-CAM++) and top-half (Score-CAM).
  public var averageDrop: Double, increaseInConfidence: Double, averageDropTopHalf: Double, increaseInConfidenceTopHalf: Double
  /// Object masks: pointing game and mass on the object.
  public var pointingGame: Double?, energyOnMask: Double?
  /// Part masks: images with one differing part, and the mass on it (ΔM_Dom's too for counterfactuals).
  public var partImages: Int?, partHit: Double?, partHitDominant: Double?
  /// Counterfactuals: mean edits of the successful searches, fraction failed.
  public var meanEdits: Double?, failureRate: Double?
  /// Seconds per image (this machine, including the scoring's forward passes).
  public var secondsPerImage: Double
}

/// summary.json of `cfx eval saliency`.
public struct SaliencyEvaluation: Codable, Sendable {
  /// The set, its manifest's SHA-256, the classifier's weights' SHA-256, images scored and which.
  public var set: String, manifestSHA256: String, classifierSHA256: String, images: Int, selection: String, explainedClass: String
  /// Mean fraction of pixels on the object (the pointing game of a random point), with masks.
  public var meanObjectArea: Double?
  /// Mean area of the differing part (the part-hit rate of a uniform map), with part masks.
  public var meanDifferingPartArea: Double?
  /// Scores by method.
  public var methods: [String: SaliencyScores]
  /// The methods' settings and the deletion/insertion protocol.
  public var saliency: SaliencyMethod.Settings, counterfactual: FeatureReplacement.Settings
  public var deletionSubstrate: String, insertionSubstrate: String, blurSigma: Float, steps: Int
  /// The classifier's accuracy on the test images considered (before selection).
  public var classifierAccuracy: Double
  /// The arithmetic; what the numbers mean.
  public var arithmetic: ArithmeticProvenance, definitions: [String: String]
}

/// Scores saliency maps and counterfactual region maps.
public enum SaliencyEvaluationJob {
  /// Method names padded with spaces to the longest one's width, so the report's rows line up
  /// and no name is cut short.
  static func alignedNames(_ names: [String]) -> [String] {
    let width = names.map(\.count).max() ?? 0
    return names.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) }
  }

  /// One image's scores under one method.
  struct ImageScore: Codable {
    var index: Int, explainedClass: Int
    var deletion: Double, insertion: Double
    /// Y, O (map-multiplied), O (top half).
    var original: Double, maskedByMap: Double, maskedByTopHalf: Double
    var hit: Bool?, energy: Double?
    var part: Int?, partMass: Double?, partMassDominant: Double?
    var edits: Int?, succeeded: Bool?
    var seconds: Double
  }

  /// One batch of one method as the journal keeps it.
  struct ScoredBatch: Codable {
    var maps: [[Float]], dominantMaps: [[Float]]?, scores: [ImageScore]
  }

  /// Everything the scoring of a batch needs.
  struct Context {
    var test: ImageDataSet, classifier: ImageClassifier, predicted: [Int], explainer: MisclassificationExplainer?
    var request: SaliencyEvaluationRequest, explainTrueClass: Bool, differingParts: [Int: Int]
  }

  /// The probabilities of `classIndex` for a batch of images [B, C, H, W].
  static func classProbabilities(_ classifier: ImageClassifier, _ batch: Tensor, _ classIndex: Int) -> [Float] {
    let k = classifier.configuration.classNames.count
    let p = classifier(batch).softmax(axis: 1).scalars
    return (0..<batch.shape[0]).map { p[$0 * k + classIndex] }
  }

  /// The maps and scores of `method` for test images `images`.
  static func score(_ method: String, images: [Int], context: Context) -> ScoredBatch {
    let test = context.test, request = context.request
    let plane = test.height * test.width, size = test.channels * plane
    let classes = images.map { context.explainTrueClass ? test.labels[$0] : context.predicted[$0] }
    var maps: [[Float]] = [], dominant: [[Float]]? = nil, seconds: [Double] = [], edits: [Int?] = [], succeeded: [Bool?] = []
    let batch = test.batch(images)
    if let saliency = SaliencyMethod(rawValue: method) {
      let start = Date()
      maps = saliency.maps(context.classifier, images: batch, classes: classes, settings: request.saliency)
      seconds = [Double](repeating: Date().timeIntervalSince(start) / Double(images.count), count: images.count)
      (edits, succeeded) = ([Int?](repeating: nil, count: images.count), [Bool?](repeating: nil, count: images.count))
    } else {
      dominant = []
      for index in images {
        let start = Date()
        let explanation = context.explainer!.explain(test.batch([index]), trueClass: test.labels[index], settings: request.counterfactual, method: method)
        seconds.append(Date().timeIntervalSince(start))
        // ΔM_Inv explains the predicted (wrong) class, ΔM_Dom the true one.
        let (inv, dom) = explanation.map { ($0.invariantMap, $0.dominantMap) } ?? ([Float](repeating: 0, count: plane), [Float](repeating: 0, count: plane))
        maps.append(context.explainTrueClass ? dom : inv)
        dominant!.append(dom)
        edits.append(explanation?.result.edits.count)
        succeeded.append(explanation?.result.succeeded ?? false)
      }
    }
    let pixels = batch.scalars
    var scores: [ImageScore] = []
    for (slot, index) in images.enumerated() {
      let image = Array(pixels[(slot * size)..<((slot + 1) * size)]), map = maps[slot], c = classes[slot]
      let start = Date()
      let areas = Saliency.deletionInsertion(image: image, channels: test.channels, height: test.height, width: test.width, map: map, steps: request.steps,
                                             deletionSubstrate: request.deletionSubstrate, insertionSubstrate: request.insertionSubstrate,
                                             blurSigma: request.blurSigma) { classProbabilities(context.classifier, $0, c) }
      // Y, O = f(x ⊙ map), and f(x ⊙ 1[top half of the map]) (ties in row-major order).
      let order = map.indices.sorted { map[$0] > map[$1] || (map[$0] == map[$1] && $0 < $1) }
      var topHalf = [Float](repeating: 0, count: plane)
      for p in order.prefix(plane / 2) { topHalf[p] = 1 }
      let variants = image + (0..<size).map { image[$0] * map[$0 % plane] } + (0..<size).map { image[$0] * topHalf[$0 % plane] }
      let p = classProbabilities(context.classifier, Tensor(shape: [3, test.channels, test.height, test.width], scalars: variants), c)
      var score = ImageScore(index: index, explainedClass: c, deletion: areas.deletion, insertion: areas.insertion, original: Double(p[0]),
                             maskedByMap: Double(p[1]), maskedByTopHalf: Double(p[2]), edits: edits[slot], succeeded: succeeded[slot],
                             seconds: seconds[slot] + Date().timeIntervalSince(start))
      if let masks = test.masks {
        let mask = masks[(index * plane)..<((index + 1) * plane)]
        (score.hit, score.energy) = (Saliency.pointingGameHit(map, mask: mask), Saliency.energyOnMask(map, mask: mask))
      }
      if let parts = test.parts, let part = context.differingParts[index] {
        let mask = parts[(index * plane)..<((index + 1) * plane)].map { $0 == UInt8(part) ? UInt8(255) : 0 }[...]
        score.part = part
        score.partMass = Saliency.energyOnMask(map, mask: mask)
        if let dominant { score.partMassDominant = Saliency.energyOnMask(dominant[slot], mask: mask) }
      }
      scores.append(score)
    }
    return ScoredBatch(maps: maps, dominantMaps: dominant, scores: scores)
  }

  /// Correctly classified test images with one part (not the background, not the body) painted
  /// with the background's colour (per channel the lower median of the background pixels), kept
  /// where the classifier's prediction changes: the images, the test index each came from, the
  /// part removed and the new prediction, at most `limit` of them, in test order.
  static func partRemovedImages(_ test: ImageDataSet, predicted: [Int], classifier: ImageClassifier, limit: Int?)
    -> (images: ImageDataSet, sources: [Int], parts: [Int], predicted: [Int]) {
    let parts = test.parts!, plane = test.height * test.width, c = test.channels, size = plane * c
    let removable = test.partNames.indices.filter { $0 != 0 && test.partNames[$0] != "body" }
    var samples: [UInt8] = [], labels: [Int] = [], masks: [UInt8] = [], partMaps: [UInt8] = [], sources: [Int] = [], removedParts: [Int] = []
    for i in 0..<test.count where predicted[i] == test.labels[i] {
      let image = Array(test.samples[(i * size)..<((i + 1) * size)]), partMap = Array(parts[(i * plane)..<((i + 1) * plane)])
      let background = (0..<c).map { channel -> UInt8 in
        let values = (0..<plane).filter { partMap[$0] == 0 }.map { image[$0 * c + channel] }.sorted()
        return values.isEmpty ? 0 : values[(values.count - 1) / 2]
      }
      for part in removable where partMap.contains(UInt8(part)) {
        var corrupted = image
        for p in 0..<plane where partMap[p] == UInt8(part) { for channel in 0..<c { corrupted[p * c + channel] = background[channel] } }
        samples += corrupted
        labels.append(test.labels[i])
        masks += test.masks.map { Array($0[(i * plane)..<((i + 1) * plane)]) } ?? []
        partMaps += partMap
        sources.append(i)
        removedParts.append(part)
      }
    }
    let all = ImageDataSet(classNames: test.classNames, channels: c, height: test.height, width: test.width, samples: samples, labels: labels,
                           masks: test.masks == nil ? nil : masks, parts: partMaps, partNames: test.partNames)
    let newPredictions = all.count == 0 ? [] : classifier.predictions(all).classes
    var kept = (0..<all.count).filter { newPredictions[$0] != all.labels[$0] }
    if let limit, limit < kept.count { kept = Array(kept.prefix(limit)) }
    return (all.subset(kept), kept.map { sources[$0] }, kept.map { removedParts[$0] }, kept.map { newPredictions[$0] })
  }

  /// The means of a method's image scores.
  static func summarise(_ scores: [ImageScore], counterfactual: Bool) -> SaliencyScores {
    let n = Double(scores.count)
    func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    let drop = scores.map { 100 * Swift.max(0, $0.original - $0.maskedByMap) / Swift.max($0.original, 1e-12) }
    let dropTop = scores.map { 100 * Swift.max(0, $0.original - $0.maskedByTopHalf) / Swift.max($0.original, 1e-12) }
    let parts = scores.filter { $0.partMass != nil }
    let successes = scores.filter { $0.succeeded == true }
    return SaliencyScores(
      images: scores.count, deletionAUC: mean(scores.map(\.deletion)) ?? .nan, insertionAUC: mean(scores.map(\.insertion)) ?? .nan,
      averageDrop: mean(drop) ?? .nan, increaseInConfidence: 100 * scores.filter { $0.original < $0.maskedByMap }.count.double / n,
      averageDropTopHalf: mean(dropTop) ?? .nan, increaseInConfidenceTopHalf: 100 * scores.filter { $0.original < $0.maskedByTopHalf }.count.double / n,
      pointingGame: mean(scores.compactMap { $0.hit.map { $0 ? 1 : 0 } }), energyOnMask: mean(scores.compactMap(\.energy)),
      partImages: parts.isEmpty ? nil : parts.count, partHit: mean(parts.compactMap(\.partMass)), partHitDominant: mean(parts.compactMap(\.partMassDominant)),
      meanEdits: counterfactual ? mean(successes.compactMap { $0.edits.map(Double.init) }) : nil,
      failureRate: counterfactual ? Double(scores.count - successes.count) / n : nil,
      secondsPerImage: mean(scores.map(\.seconds)) ?? .nan)
  }

  /// Runs the evaluation; returns its numbers and a report.
  public static func run(_ request: SaliencyEvaluationRequest) throws -> (evaluation: SaliencyEvaluation, text: String) {
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: request.dataDirectory)
    var test = try manifest.read(split: "test", from: request.dataDirectory)
    let (classifier, checksum) = try ImageClassifier.load(from: request.classifierDirectory)
    guard classifier.configuration.classNames == manifest.classNames,
      (classifier.configuration.channels, classifier.configuration.height, classifier.configuration.width) == (manifest.channels, manifest.height, manifest.width)
    else { throw TrainingError.data("the classifier in \(request.classifierDirectory.path) is not one of \(manifest.set)'s images and classes") }
    let selection = request.selection ?? (test.masks != nil ? .all : .misclassified)
    let explainTrueClass = (request.explainedClass ?? (selection == .all ? .true : .predicted)) == .true
    let counterfactualMethods = request.methods.filter { FeatureReplacement.Settings.methods.contains($0) }
    if !counterfactualMethods.isEmpty && selection == .all {
      throw TrainingError.data("counterfactual methods (\(counterfactualMethods.joined(separator: ", "))) explain misclassifications: add --images misclassified (or part-removed)")
    }
    var predicted = classifier.predictions(test).classes
    let accuracy = Double(zip(predicted, test.labels).filter { $0 == $1 }.count) / Double(test.count)
    var chosen: [Int]
    var differingParts: [Int: Int] = [:]
    if selection == .partRemoved {
      guard test.parts != nil else { throw TrainingError.data("--images part-removed needs a set with part masks (toy-birds); \(manifest.set) has none") }
      let removed = partRemovedImages(test, predicted: predicted, classifier: classifier, limit: request.limit)
      guard removed.images.count > 0 else { throw TrainingError.data("removing one part of a correctly classified \(manifest.set) test image never changes the classifier's prediction: nothing to explain") }
      (chosen, test, predicted) = (removed.sources, removed.images, removed.predicted)
      for (i, part) in removed.parts.enumerated() { differingParts[i] = part }
    } else {
      chosen = selection == .all ? Array(0..<test.count) : (0..<test.count).filter { predicted[$0] != test.labels[$0] }
      if let limit = request.limit, limit < chosen.count { chosen = Array(chosen.prefix(limit)) }
      guard !chosen.isEmpty else { throw TrainingError.data("the classifier misclassifies none of \(manifest.set)'s \(test.count) test images: nothing to explain") }
      test = test.subset(chosen)
      predicted = chosen.map { predicted[$0] }
      // Toy birds: the one part in which the true and the predicted class differ.
      if manifest.set == ImageSetName.toyBirds.rawValue && test.parts != nil && selection == .misclassified {
        for i in 0..<test.count { if let part = ToyBirds.differingPart(test.labels[i], predicted[i]) { differingParts[i] = part } }
      }
    }
    let plane = test.height * test.width
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let meanArea = test.masks.map { masks in (0..<test.count).map { i in Double(masks[(i * plane)..<((i + 1) * plane)].filter { $0 > 127 }.count) / Double(plane) }.reduce(0, +) / Double(test.count) }
    let partArea = differingParts.isEmpty ? nil : differingParts.map { i, part in
      Double(test.parts![(i * plane)..<((i + 1) * plane)].filter { $0 == UInt8(part) }.count) / Double(plane) }.reduce(0, +) / Double(differingParts.count)
    let explainer = counterfactualMethods.isEmpty ? nil : MisclassificationExplainer(classifier: classifier, pool: try manifest.read(split: "validation", from: request.dataDirectory))
    let context = Context(test: test, classifier: classifier, predicted: predicted, explainer: explainer, request: request,
                          explainTrueClass: explainTrueClass, differingParts: differingParts)

    let journal = try RunJournal(directory: out, identity: [
      "job": "cfx eval saliency", "set": SHA256.hex([UInt8](manifestBytes)), "classifier": checksum, "images": "\(selection.rawValue): \(test.count)",
      "class": explainTrueClass ? "true" : "predicted", "saliency": "\(request.saliency)", "counterfactual": "\(request.counterfactual)",
      "protocol": "deletion \(request.deletionSubstrate.rawValue), insertion \(request.insertionSubstrate.rawValue), blur σ \(request.blurSigma), \(request.steps) portions; AD/IC both variants",
      "arithmetic": ArithmeticProvenance.current.resultsIdentity,
    ], restart: request.restart)
    let batchSize = counterfactualMethods.isEmpty ? 50 : 10
    let starts = Array(stride(from: 0, to: test.count, by: batchSize))
    let progress = ProgressReporter(total: request.methods.count * starts.count, label: "saliency", quiet: request.quiet)
    var results: [String: SaliencyScores] = [:]
    var shownMaps: [String: [[Float]]] = [:]
    var scoresCSV = "method,index,label,predicted,class,deletion,insertion,y,o_map,o_top_half,pointing_hit,energy_on_mask,part,part_mass,part_mass_dominant,edits,succeeded,seconds\n"
    for (m, method) in request.methods.enumerated() {
      var maps: [[Float]] = [], dominant: [[Float]] = [], scores: [ImageScore] = []
      for (b, start) in starts.enumerated() {
        let key = "\(method)/\(start)"
        let scored: ScoredBatch
        if let earlier = journal.record(key, as: ScoredBatch.self) {
          scored = earlier
          progress.skip()
        } else {
          scored = score(method, images: Array(start..<Swift.min(start + batchSize, test.count)), context: context)
          try journal.append(key, scored)
        }
        maps += scored.maps
        dominant += scored.dominantMaps ?? []
        scores += scored.scores
        progress.update(done: m * starts.count + b + 1)
        try RunInterrupted.check(kept: m * starts.count + b + 1, total: request.methods.count * starts.count, units: "batches", journal: journal.url)
      }
      let isCounterfactual = SaliencyMethod(rawValue: method) == nil
      results[method] = summarise(scores, counterfactual: isCounterfactual)
      func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
      for s in scores {
        scoresCSV += "\(method),\(chosen[s.index]),\(test.labels[s.index]),\(predicted[s.index]),\(s.explainedClass),\(s.deletion),\(s.insertion),\(s.original),\(s.maskedByMap),\(s.maskedByTopHalf),"
          + "\(opt(s.hit)),\(opt(s.energy)),\(opt(s.part)),\(opt(s.partMass)),\(opt(s.partMassDominant)),\(opt(s.edits)),\(opt(s.succeeded)),\(s.seconds)\n"
      }
      // Shortest round-trip decimals: the files hold the exact maps.
      func mapFile(_ maps: [[Float]], classes: (Int) -> Int) -> Data {
        var csv = "index,label,class," + (0..<plane).map { "p\($0)" }.joined(separator: ",") + "\n"
        for (i, map) in maps.enumerated() { csv += "\(chosen[i]),\(test.labels[i]),\(classes(i))," + map.map { "\($0)" }.joined(separator: ",") + "\n" }
        return Data(csv.utf8)
      }
      try AtomicFile.write(mapFile(maps) { scores[$0].explainedClass }, to: out.appendingPathComponent("maps-\(method).csv"))
      if isCounterfactual { try AtomicFile.write(mapFile(dominant) { test.labels[$0] }, to: out.appendingPathComponent("maps-\(method)-dominant.csv")) }
      shownMaps[method] = Array(maps.prefix(6))
      let shown = Array(0..<Swift.min(8, test.count))
      let tiles = shown.flatMap { [test.image($0), HeatMap.overlay(maps[$0], on: test.image($0), alpha: 0.6)] + (isCounterfactual ? [HeatMap.overlay(dominant[$0], on: test.image($0), alpha: 0.6)] : []) }
      try PNG.write(ImageGrid.tile(tiles, columns: isCounterfactual ? 3 : 2, scale: 3), to: out.appendingPathComponent("overlays-\(method).png").path)
    }
    let evaluation = SaliencyEvaluation(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), classifierSHA256: checksum, images: test.count, selection: selection.rawValue,
      explainedClass: explainTrueClass ? "true" : "predicted", meanObjectArea: meanArea, meanDifferingPartArea: partArea, methods: results,
      saliency: request.saliency, counterfactual: request.counterfactual, deletionSubstrate: request.deletionSubstrate.rawValue,
      insertionSubstrate: request.insertionSubstrate.rawValue, blurSigma: request.blurSigma, steps: request.steps, classifierAccuracy: accuracy, arithmetic: .current,
      definitions: [
        "class": "maps explain each image's \(explainTrueClass ? "true" : "predicted") class; counterfactual methods are scored by ΔM_\(explainTrueClass ? "Dom" : "Inv")",
        "deletionAUC": "mean over images of the area under the explained class's softmax probability as pixels go to the deletion substrate in `steps` equal portions, most salient first (ties row-major); trapezoids over the fraction changed; lower is better",
        "insertionAUC": "the same as pixels come back into the insertion substrate, most salient first; higher is better",
        "substrates": "zero: black; blur: Gaussian blur of the image (σ = blurSigma pixels, edges extended, as SciPy's gaussian_filter mode nearest, truncate 3); mean: the image's mean colour",
        "averageDrop": "100/N·Σ max(0, Y − O)/Y, Y the explained class's probability on the image, O on the image multiplied by the map (values in [0, 1]) — Grad-CAM++'s definition; lower is better",
        "increaseInConfidence": "100/N·Σ [Y < O] with the same O; higher is better",
        "averageDropTopHalf": "as averageDrop with O on the image keeping the map's most salient half of the pixels (ties row-major), the rest zero — the Score-CAM paper's variant",
        "increaseInConfidenceTopHalf": "as increaseInConfidence with the top-half O",
        "pointingGame": "fraction of images whose map maximum (first in row-major order) lies on a pixel with object mask > 127; a uniformly random point scores meanObjectArea",
        "energyOnMask": "mean over images of Σ map·mask/255 / Σ map",
        "partHit": "toy birds: on misclassified images whose true and predicted classes differ in one part, or on part-removed images (the part removed), the mean fraction of the map's mass on that part's pixels (partHitDominant: ΔM_Dom's); a uniform map scores meanDifferingPartArea",
        "part-removed": "correctly classified test images with one part (not background or body) painted with the lower median of the background pixels per channel, kept where the prediction changed; index in maps and scores is the source test image, part the part removed",
        "meanEdits": "mean number of replaced cells over the successful counterfactual searches",
        "failureRate": "fraction of images whose search did not reach the true class within maxSteps edits",
        "secondsPerImage": "wall-clock seconds per image for the map (saliency methods: the batch's time shared) plus its scoring, on this machine",
        "maps": "maps-METHOD.csv: index in the test split, label, explained class, then the map row-major, scaled to maximum 1; maps-METHOD-dominant.csv: ΔM_Dom of counterfactual methods",
        "scores.csv": "every image's numbers under every method",
      ].merging(request.methods.compactMap { SaliencyMethod(rawValue: $0).map { ($0.rawValue, $0.definition) } }) { a, _ in a })
    try AtomicFile.writeJSON(evaluation, to: out.appendingPathComponent("summary.json"))
    try AtomicFile.write(Data(scoresCSV.utf8), to: out.appendingPathComponent("scores.csv"))
    func f(_ v: Double?, _ format: String = "%.3f") -> String { v.map { String(format: format, $0) } ?? "" }
    var table = "method,images,deletion_auc,insertion_auc,average_drop,increase_in_confidence,average_drop_top_half,increase_in_confidence_top_half,pointing_game,energy_on_mask,part_images,part_hit,part_hit_dominant,mean_edits,failure_rate,seconds_per_image\n"
    for method in request.methods {
      let s = results[method]!
      table += [method, "\(s.images)", f(s.deletionAUC, "%.4f"), f(s.insertionAUC, "%.4f"), f(s.averageDrop, "%.2f"), f(s.increaseInConfidence, "%.2f"),
                f(s.averageDropTopHalf, "%.2f"), f(s.increaseInConfidenceTopHalf, "%.2f"), f(s.pointingGame, "%.4f"), f(s.energyOnMask, "%.4f"),
                s.partImages.map { "\($0)" } ?? "", f(s.partHit, "%.4f"), f(s.partHitDominant, "%.4f"), f(s.meanEdits, "%.2f"), f(s.failureRate, "%.4f"),
                f(s.secondsPerImage, "%.4f")].joined(separator: ",") + "\n"
    }
    try AtomicFile.write(Data(table.utf8), to: out.appendingPathComponent("summary.csv"))
    let names = Self.alignedNames(request.methods)
    let lines = zip(request.methods, names).map { m, name -> String in
      let s = results[m]!
      var parts = ["deletion \(f(s.deletionAUC))", "insertion \(f(s.insertionAUC))", "AD \(f(s.averageDrop, "%.1f"))", "IC \(f(s.increaseInConfidence, "%.1f"))"]
      if let pg = s.pointingGame { parts.append("pointing game \(f(pg))") }
      if let e = s.energyOnMask { parts.append("on the object \(f(e))") }
      if let h = s.partHit { parts.append("on the part \(f(h))" + (s.partHitDominant.map { " (ΔM_Dom \(f($0)))" } ?? "")) }
      if let fr = s.failureRate { parts.append("edits \(f(s.meanEdits, "%.1f")), failed \(f(fr))") }
      parts.append("\(f(s.secondsPerImage, "%.2f")) s/image")
      return "  \(name) " + parts.joined(separator: ", ")
    }
    var header = "\(manifest.set): \(test.count) \(selection == .all ? "" : selection == .misclassified ? "misclassified " : "part-removed, misclassified ")test images (classifier accuracy \(f(accuracy))), maps of the \(explainTrueClass ? "true" : "predicted") class"
    if let meanArea { header += "; object area \(f(meanArea)) (a random point's pointing game)" }
    if let partArea { header += "; \(differingParts.count) with one differing part, its area \(f(partArea))" }
    if let notebook = request.notebook {
      try writeReport(evaluation, table: table, header: header, test: test, chosen: chosen, predicted: predicted, maps: shownMaps, methods: request.methods, to: notebook)
    }
    return (evaluation, ([header] + lines + ["wrote \(out.path)/summary.json, summary.csv, scores.csv, maps-*.csv, overlays-*.png"]).joined(separator: "\n"))
  }
}

extension SaliencyEvaluationJob {
  /// The table, the protocol and the first six images' maps under every method, as a notebook
  /// and an HTML page (same name, .html).
  static func writeReport(_ evaluation: SaliencyEvaluation, table: String, header: String, test: ImageDataSet, chosen: [Int], predicted: [Int],
                          maps: [String: [[Float]]], methods: [String], to url: URL) throws {
    let rows = table.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    var blocks: [ReportBlock] = [
      .markdown("""
        Our own protocol on cfx's data, not comparable with the seed papers' ImageNet or CUB numbers. \(header).
        Deletion substrate: \(evaluation.deletionSubstrate); insertion substrate: \(evaluation.insertionSubstrate) (blur σ = \(evaluation.blurSigma) px); \(evaluation.steps) portions. \
        Average Drop and Increase in Confidence in percent; "top half" keeps the map's most salient half of the pixels. \
        Classifier weights SHA-256 \(evaluation.classifierSHA256.prefix(12))…, set manifest SHA-256 \(evaluation.manifestSHA256.prefix(12))…. \
        The definitions of every column are in summary.json; every image's numbers in scores.csv.
        """),
      .table(try ReportTable(columns: rows[0], rows: Array(rows.dropFirst()))),
    ]
    let shown = Array(0..<Swift.min(6, test.count))
    var tiles: [Image] = [], captions: [[String]] = []
    for i in shown {
      tiles.append(test.image(i))
      captions.append(["test \(chosen[i])", "true \(test.classNames[test.labels[i]].prefix(14))", "pred \(test.classNames[predicted[i]].prefix(14))"])
      for method in methods {
        tiles.append(HeatMap.overlay(maps[method]![i], on: test.image(i), alpha: 0.6))
        captions.append([method, "", ""])
      }
    }
    let svg = try ImageGrid.svg(tiles, captions: captions, columns: methods.count + 1, scale: 3, title: "\(evaluation.set): maps of the \(evaluation.explainedClass) class")
    blocks.append(.figure(svg: svg, caption: "The first \(shown.count) scored test images and every method's map (viridis over the image)."))
    let report = Report(title: "\(evaluation.set): saliency and misclassification counterfactuals", blocks: blocks)
    try ReportWriter.write(report, to: [url.path, url.deletingPathExtension().appendingPathExtension("html").path])
  }
}

extension Int {
  fileprivate var double: Double { Double(self) }
}
