// `cfx explain images`: why the set's classifier decides what it does on given images. Inputs are
// images of a set's split (by index, or its first N misclassified ones) or PNG files with their
// true class. Counterfactual methods (partition, greedy, similarity) replace cells of the last
// convolution map with cells of correctly classified validation images of the target class (the
// true class of a misclassified image, or --target) until the classifier predicts it; saliency
// methods (SaliencyMethod) map the predicted class. Writes explanations.json (every number and
// map), edits.csv, maps.csv and a picture per input (PNG and SVG).

import Basics
import Foundation
import Images
import NN
import Tensor

/// What `cfx explain images` is asked to do.
public struct ImageExplainRequest: Sendable {
  /// Inputs: indices into `split`, the first `misclassified` misclassified images of `split`, PNG files with their class.
  public enum Inputs: Sendable {
    case indices([Int]), misclassified(Int), files([(path: String, label: String)])
    /// The first N images of the split the classifier does not assign to the target class.
    case outsideTarget(Int)
  }
  /// The set (from `cfx data images`), the classifier checkpoint, the output directory.
  public var dataDirectory: URL, classifierDirectory: URL, outputDirectory: URL
  /// The split the indices refer to; the inputs; the methods (counterfactual and saliency names).
  public var split = "test", inputs: Inputs, methods: [String]
  /// The class counterfactuals aim at, by name or index (nil: each input's true class).
  public var target: String?
  /// Counterfactual settings.
  public var counterfactual = FeatureReplacement.Settings()
  /// Saliency settings.
  public var saliency = SaliencyMethod.Settings()
  /// No progress bar.
  public var quiet = false
  /// The counterfactual methods there are.
  public static let counterfactualMethods = FeatureReplacement.Settings.methods
  /// Every method.
  public static var allMethods: [String] { counterfactualMethods + SaliencyMethod.allCases.map(\.rawValue) }

  /// A request.
  public init(dataDirectory: URL, classifierDirectory: URL, outputDirectory: URL, inputs: Inputs, methods: [String]) {
    precondition(!methods.isEmpty && methods.allSatisfy { Self.allMethods.contains($0) }, "ImageExplainRequest: methods \(methods)")
    (self.dataDirectory, self.classifierDirectory, self.outputDirectory, self.inputs, self.methods) = (dataDirectory, classifierDirectory, outputDirectory, inputs, methods)
  }
}

/// One edit as written: the map cell, the reference image (index in the validation split) and
/// its cell, the features' cosine, and the classifier's probabilities after the edit.
public struct ImageEditRecord: Codable, Sendable {
  public var step: Int, row: Int, column: Int, referenceIndex: Int, referenceRow: Int, referenceColumn: Int
  public var cosine: Float, probabilities: [Float], predicted: Int
}

/// What one method says about one input.
public struct ImageMethodOutcome: Codable, Sendable {
  /// The method; "counterfactual" or "saliency"; seconds it took.
  public var method: String, kind: String, seconds: Double
  /// Saliency: the class the map explains and the map (H·W, scaled to maximum 1); coalition
  /// methods: each pixel's coalition.
  public var explainedClass: Int?, map: [Float]?, coalitions: [Int]?
  /// Counterfactual: the target class, whether it is reached, why not, the edits, the validation
  /// images used as references, ΔM_Inv and ΔM_Dom (H·W each, scaled to maximum 1).
  public var targetClass: Int?, succeeded: Bool?, failure: String?, edits: [ImageEditRecord]?, references: [Int]?
  public var invariantMap: [Float]?, dominantMap: [Float]?
}

/// One input's explanation.
public struct ImageExplanation: Codable, Sendable {
  /// Where it came from ("test:17" or a file), its true class, the prediction and probabilities.
  public var source: String, trueClass: Int, predictedClass: Int, probabilities: [Float]
  /// "misclassified", "correct", or why no counterfactual was searched.
  public var status: String
  /// The picture's file name; one outcome per method.
  public var picture: String, outcomes: [ImageMethodOutcome]
}

/// explanations.json.
public struct ImageExplanationReport: Codable, Sendable {
  /// The set, its manifest's SHA-256, the classifier's weights' SHA-256, class names.
  public var set: String, manifestSHA256: String, classifierSHA256: String, classNames: [String]
  /// The settings every number depends on.
  public var referencePool: String, counterfactual: FeatureReplacement.Settings
  public var saliency: SaliencyMethod.Settings
  /// The inputs; the arithmetic; what the fields mean.
  public var explanations: [ImageExplanation], arithmetic: ArithmeticProvenance, definitions: [String: String]
}

/// Explains images.
public enum ImageExplainJob {
  /// Runs the request; returns the report and a terminal summary.
  public static func run(_ request: ImageExplainRequest) throws -> (report: ImageExplanationReport, text: String) {
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: request.dataDirectory)
    let (classifier, checksum) = try ImageClassifier.load(from: request.classifierDirectory)
    let configuration = classifier.configuration
    guard configuration.classNames == manifest.classNames, (configuration.channels, configuration.height, configuration.width) == (manifest.channels, manifest.height, manifest.width)
    else { throw TrainingError.data("the classifier in \(request.classifierDirectory.path) is not one of \(manifest.set)'s images and classes") }
    let requestedTarget = try request.target.map { try classIndex($0, "--target", classNames: manifest.classNames, set: manifest.set) }
    let inputs = try resolveInputs(request.inputs, split: request.split, manifest: manifest, dataDirectory: request.dataDirectory, classifier: classifier, target: requestedTarget)

    let counterfactualMethods = request.methods.filter { ImageExplainRequest.counterfactualMethods.contains($0) }
    let explainer = counterfactualMethods.isEmpty ? nil
      : MisclassificationExplainer(classifier: classifier, pool: try manifest.read(split: "validation", from: request.dataDirectory))
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let progress = ProgressReporter(total: inputs.count, label: "explain", quiet: request.quiet)
    var explanations: [ImageExplanation] = []
    var editsCSV = "input,source,method,step,row,column,reference_index,reference_row,reference_column,cosine,predicted,p_target,p_original\n"
    var mapsCSV = "input,source,method,map,class," + (0..<(manifest.height * manifest.width)).map { "p\($0)" }.joined(separator: ",") + "\n"

    for (n, input) in inputs.enumerated() {
      let batch = Tensor(shape: [1, manifest.channels, manifest.height, manifest.width], scalars: input.image.values)
      let probabilities = classifier(batch).softmax(axis: 1).scalars
      let predicted = argmaxIndex(probabilities)
      let target = requestedTarget ?? input.label
      var status = predicted == input.label ? "correct" : "misclassified"
      var outcomes: [ImageMethodOutcome] = []
      var tiles: [Image] = [input.image], captions: [[String]] = [["input", "true \(manifest.classNames[input.label])", "predicted \(manifest.classNames[predicted])", String(format: "p = %.3f", probabilities[predicted])]]
      for method in request.methods {
        let start = Date()
        if let saliency = SaliencyMethod(rawValue: method) {
          let (maps, coalitions) = saliency.mapsAndCoalitions(classifier, images: batch, classes: [predicted], settings: request.saliency)
          let map = maps[0]
          var outcome = ImageMethodOutcome(method: method, kind: "saliency", seconds: Date().timeIntervalSince(start), explainedClass: predicted, map: map)
          outcome.coalitions = coalitions?[0]
          outcomes.append(outcome)
          mapsCSV += "\(n),\(CSV.escape(input.source)),\(method),saliency,\(predicted)," + map.map { "\($0)" }.joined(separator: ",") + "\n"
          if let labels = coalitions?[0], Set(labels).count > 1 {
            tiles.append(HeatMap.overlay(labels.map { Float($0) / Float(Swift.max(labels.max()!, 1)) }, on: input.image, alpha: 0.7))
            captions.append(["\(method)", "\(Set(labels).count) coalitions"])
          }
          tiles.append(HeatMap.overlay(map, on: input.image, alpha: 0.6))
          captions.append([method, "class \(manifest.classNames[predicted])"])
          continue
        }
        guard predicted != target else {
          status = request.target == nil ? "correct: no misclassification to explain (give --target CLASS for a counterfactual towards another class)"
            : "already predicted as the target \(manifest.classNames[target])"
          outcomes.append(ImageMethodOutcome(method: method, kind: "counterfactual", seconds: 0, targetClass: target, succeeded: nil, failure: status))
          continue
        }
        guard let explanation = explainer!.explain(batch, trueClass: target, settings: request.counterfactual, method: method) else {
          outcomes.append(ImageMethodOutcome(method: method, kind: "counterfactual", seconds: 0, targetClass: target, succeeded: false,
                                             failure: "no correctly classified validation image of \(manifest.classNames[target])"))
          continue
        }
        let result = explanation.result
        let grid = result.final
        let edits = result.edits.enumerated().map { step, edit in
          ImageEditRecord(step: step + 1, row: edit.cell / grid.width, column: edit.cell % grid.width, referenceIndex: explanation.references[edit.reference],
                          referenceRow: edit.referenceCell / grid.width, referenceColumn: edit.referenceCell % grid.width, cosine: edit.cosine,
                          probabilities: edit.probabilities, predicted: argmaxIndex(edit.probabilities))
        }
        for e in edits {
          editsCSV += "\(n),\(CSV.escape(input.source)),\(method),\(e.step),\(e.row),\(e.column),\(e.referenceIndex),\(e.referenceRow),\(e.referenceColumn),\(e.cosine),\(e.predicted),\(e.probabilities[target]),\(e.probabilities[predicted])\n"
        }
        outcomes.append(ImageMethodOutcome(method: method, kind: "counterfactual", seconds: Date().timeIntervalSince(start), targetClass: target,
                                           succeeded: result.succeeded, failure: result.succeeded ? nil : result.failure, edits: edits,
                                           references: explanation.references, invariantMap: explanation.invariantMap, dominantMap: explanation.dominantMap))
        mapsCSV += "\(n),\(CSV.escape(input.source)),\(method),invariant,\(predicted)," + explanation.invariantMap.map { "\($0)" }.joined(separator: ",") + "\n"
        mapsCSV += "\(n),\(CSV.escape(input.source)),\(method),dominant,\(target)," + explanation.dominantMap.map { "\($0)" }.joined(separator: ",") + "\n"
        let composite = FeatureReplacement.sourceComposite(
          image: input.image.values, references: explanation.references.map { explainer!.pool.image($0).values }, edits: result.edits,
          channels: manifest.channels, height: manifest.height, width: manifest.width, mapHeight: grid.height, mapWidth: grid.width)
        let after = result.edits.last?.probabilities ?? result.originalProbabilities
        tiles += [Image(channels: manifest.channels, height: manifest.height, width: manifest.width, values: composite),
                  HeatMap.overlay(explanation.invariantMap, on: input.image, alpha: 0.6), HeatMap.overlay(explanation.dominantMap, on: input.image, alpha: 0.6)]
        captions += [["\(method): \(edits.count) edits", result.succeeded ? "→ \(manifest.classNames[target])" : "failed", String(format: "p = %.3f", after[target])],
                     ["kept \(manifest.classNames[predicted])", "(ΔM_Inv)"], ["brings \(manifest.classNames[target])", "(ΔM_Dom)"]]
      }
      let picture = "input-\(n)"
      try PNG.write(ImageGrid.tile(tiles, columns: tiles.count, scale: 4), to: out.appendingPathComponent("\(picture).png").path)
      try AtomicFile.write(Data(try ImageGrid.svg(tiles, captions: captions, columns: tiles.count, scale: 4, title: input.source).utf8),
                           to: out.appendingPathComponent("\(picture).svg"))
      explanations.append(ImageExplanation(source: input.source, trueClass: input.label, predictedClass: predicted, probabilities: probabilities,
                                           status: status, picture: picture, outcomes: outcomes))
      progress.update(done: n + 1)
    }
    try AtomicFile.write(Data(editsCSV.utf8), to: out.appendingPathComponent("edits.csv"))
    try AtomicFile.write(Data(mapsCSV.utf8), to: out.appendingPathComponent("maps.csv"))
    let report = ImageExplanationReport(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), classifierSHA256: checksum, classNames: manifest.classNames,
      referencePool: "validation split of \(manifest.set): the correctly classified images of the target class nearest in pooled features",
      counterfactual: request.counterfactual, saliency: request.saliency, explanations: explanations, arithmetic: .current,
      definitions: [
        "partition": "saliency-partition counterfactual: the cell whose suppression by a reversed Gaussian kernel (σ = sigma map cells) lowers the predicted class most is replaced by the reference cell maximising cosine + log p(target) among topM reference cells chosen by the filter (contribution: those contributing most to the target class; similarity: the most similar)",
        "greedy": "greedy replacement (Goyal et al. 2019): the (cell, reference cell) pair maximising log p(target)",
        "similarity": "similarity-weighted replacement (Vandenhende et al. 2022): log p(target) + lambda·log softmax(cosine / temperature) over the keepFraction most similar pairs",
        "invariantMap": "ΔM_Inv = s⁰·Σ_k ReLU(h⁰ − h*): what kept the wrong class (s⁰ the saliency partition of the original prediction), upsampled bilinearly, scaled to maximum 1",
        "dominantMap": "ΔM_Dom = s*·Σ_k ReLU(h* − h⁰): what brings the target class (s* its saliency partition after the edits), upsampled, scaled",
        "map": "saliency methods map the predicted class; values row-major, scaled to maximum 1",
        "edits.csv": "one row per edit; reference_index indexes the validation split; rows and columns are cells of the last convolution map",
      ].merging(SaliencyMethod.allCases.map { ($0.rawValue, $0.definition) }) { a, _ in a })
    try AtomicFile.writeJSON(report, to: out.appendingPathComponent("explanations.json"))
    var lines: [String] = []
    for e in explanations {
      lines.append("\(e.source): true \(manifest.classNames[e.trueClass]), predicted \(manifest.classNames[e.predictedClass]) (p = \(String(format: "%.3f", e.probabilities[e.predictedClass])))")
      for o in e.outcomes where o.kind == "counterfactual" {
        if let succeeded = o.succeeded, let edits = o.edits {
          lines.append("  \(o.method): \(succeeded ? "→ \(manifest.classNames[o.targetClass!]) after \(edits.count) edits" : "failed: \(o.failure ?? "")")")
        } else {
          lines.append("  \(o.method): \(o.failure ?? "")")
        }
      }
    }
    lines.append("wrote \(out.path)/explanations.json, edits.csv, maps.csv, input-*.png/svg")
    return (report, lines.joined(separator: "\n"))
  }

  /// A class by index or (case-insensitive) name; `what` names the flag in the error.
  static func classIndex(_ text: String, _ what: String, classNames: [String], set: String) throws -> Int {
    let classes = classNames.count
    if let index = Int(text), (0..<classes).contains(index) { return index }
    if let index = classNames.firstIndex(where: { $0.lowercased() == text.lowercased() }) { return index }
    throw TrainingError.data("\(what) '\(text)' is not a class of \(set): give an index 0…\(classes - 1) or one of \(classNames.map { "'\($0)'" }.joined(separator: ", "))")
  }

  /// The inputs as (source, image, true class): images of a split by index, the first
  /// misclassified ones, the first ones not assigned to a class, or PNG files with their class.
  static func resolveInputs(_ inputs: ImageExplainRequest.Inputs, split splitName: String, manifest: ImageSetManifest, dataDirectory: URL,
                            classifier: ImageClassifier, target: Int?) throws -> [(source: String, image: Image, label: Int)] {
    var resolved: [(source: String, image: Image, label: Int)] = []
    switch inputs {
    case .indices(let indices):
      let split = try manifest.read(split: splitName, from: dataDirectory)
      for index in indices {
        guard (0..<split.count).contains(index) else { throw TrainingError.data("--index \(index): the \(splitName) split of \(manifest.set) has images 0…\(split.count - 1)") }
        resolved.append(("\(splitName):\(index)", split.image(index), split.labels[index]))
      }
    case .misclassified(let count):
      let split = try manifest.read(split: splitName, from: dataDirectory)
      let predicted = classifier.predictions(split).classes
      for index in 0..<split.count where predicted[index] != split.labels[index] && resolved.count < count {
        resolved.append(("\(splitName):\(index)", split.image(index), split.labels[index]))
      }
      if resolved.isEmpty { throw TrainingError.data("the classifier misclassifies no image of the \(splitName) split of \(manifest.set)") }
    case .outsideTarget(let count):
      guard let target else { throw TrainingError.data("--outside-target needs --target CLASS") }
      let split = try manifest.read(split: splitName, from: dataDirectory)
      let predicted = classifier.predictions(split).classes
      for index in 0..<split.count where predicted[index] != target && resolved.count < count {
        resolved.append(("\(splitName):\(index)", split.image(index), split.labels[index]))
      }
      if resolved.isEmpty { throw TrainingError.data("the classifier assigns every image of the \(splitName) split of \(manifest.set) to \(manifest.classNames[target])") }
    case .files(let files):
      for (path, label) in files {
        let image = try PNG.read(path, channels: [manifest.channels])
        guard (image.height, image.width) == (manifest.height, manifest.width) else {
          throw ImageError.io(file: path, reason: "is \(image.width) × \(image.height) pixels; \(manifest.set)'s classifier takes \(manifest.width) × \(manifest.height)")
        }
        resolved.append((path, image, try classIndex(label, "\(path): --label", classNames: manifest.classNames, set: manifest.set)))
      }
    }
    return resolved
  }

  /// The index of the largest value (the first on ties).
  static func argmaxIndex(_ values: [Float]) -> Int {
    var best = 0
    for index in values.indices where values[index] > values[best] { best = index }
    return best
  }
}
