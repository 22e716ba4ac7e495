// `cfx explain images --method difclue`: several counterfactuals per class. The directions are
// fitted on the training split (modes of the target class in a diffusion autoencoder's latent);
// each input gets one counterfactual per mode. Writes counterfactuals.json (settings, checksums,
// the modes and directions, every counterfactual with the classifier's probabilities and the
// codes decoded), counterfactuals.csv (one row per input and mode), each counterfactual as a PNG,
// one picture per input (input, reconstruction, one column per mode over a row of difference
// maps; PNG and SVG) and modes.png/.svg (reference images of each mode).

import Basics
import Foundation
import Images
import NN
import Tensor

/// What `cfx explain images --method difclue` is asked to do.
public struct DifCluERequest: Sendable {
  /// The set, the classifier explained, the diffusion autoencoder, the output directory.
  public var dataDirectory: URL, classifierDirectory: URL, diffusionDirectory: URL, outputDirectory: URL
  /// Which images, from which split, and the class they are pushed into.
  public var inputs: ImageExplainRequest.Inputs, split = "test", target: String
  /// Modes K (nil: proposed by silhouette), the strengths tried, DDIM moves, seed.
  public var modes: Int?, strengths: [Float] = DifCluESettings(targetClass: 0).strengths, moves = 20, seed: UInt64 = 0
  /// Where directions come from (difclue; the baselines single and random), and where the
  /// target class is clustered.
  public var method: DirectionMethod = .difclue, clusterSpace: ClusterSpace = .latent
  /// Bisection rounds after the grid; the target probability a counterfactual must reach (0: arg-max).
  public var refinements = 2, confidence: Float = 0.9
  /// Whether a counterfactual must also land in its mode (DifCluESettings.modeCheck).
  public var modeCheck = false
  /// How K is proposed when `modes` is nil.
  public var modeProposal: ModeProposal = .silhouette
  /// No progress bar.
  public var quiet = false

  /// A request.
  public init(dataDirectory: URL, classifierDirectory: URL, diffusionDirectory: URL, outputDirectory: URL, inputs: ImageExplainRequest.Inputs, target: String) {
    (self.dataDirectory, self.classifierDirectory, self.diffusionDirectory, self.outputDirectory) = (dataDirectory, classifierDirectory, diffusionDirectory, outputDirectory)
    (self.inputs, self.target) = (inputs, target)
  }
}

/// One counterfactual as written.
public struct DifCluERecord: Codable, Sendable {
  /// The mode (direction), the strength α (units of √d), whether the classifier now predicts the target.
  public var mode: Int, strength: Float, flipped: Bool
  /// With the mode check: whether the counterfactual's own code is in its mode (nil: unchecked).
  public var modeReached: Bool?
  /// The class predicted after, and the probabilities for the reconstruction (α = 0) and after.
  public var predictedAfter: Int, probabilitiesReconstructed: [Float], probabilitiesAfter: [Float]
  /// L2 distances from the input: pixels in [0, 1], and in the standardised latent.
  public var pixelDistance: Double, latentDistance: Double
  /// The standardised code decoded, and the PNG of the counterfactual.
  public var counterfactualCode: [Float], file: String
  /// Every strength the sweep decoded along this mode and the target probability there.
  public var trajectory: [StrengthProbe]
}

/// One input's explanation.
public struct DifCluEExplanation: Codable, Sendable {
  /// Where it came from, its true and predicted class and probabilities, its standardised code.
  public var source: String, trueClass: Int, predictedClass: Int, probabilities: [Float], code: [Float]
  /// One counterfactual per mode, the picture's file stem, and the seconds taken.
  public var counterfactuals: [DifCluERecord], picture: String, seconds: Double
}

/// counterfactuals.json.
public struct DifCluEReport: Codable, Sendable {
  /// The set, its manifest's, the classifier's and the diffusion autoencoder's SHA-256, the classes.
  public var set: String, manifestSHA256: String, classifierSHA256: String, diffusionSHA256: String, classNames: [String]
  /// The settings, the modes and directions found on the training split.
  public var settings: DifCluESettings, modes: ModeDirections
  /// Every input.
  public var explanations: [DifCluEExplanation]
  /// The arithmetic of the run and what each field means.
  public var arithmetic: ArithmeticProvenance, definitions: [String: String]
}

/// Runs DifCluE explanations.
public enum DifCluEJob {
  /// The definitions written with every run.
  public static let definitions = [
    "directions": "unit vectors in the standardised latent ẑ = (z − μ)/σ (μ, σ over the training split); difclue: w_k − w_0 of a multinomial logistic regression over the k-means modes of the training images the classifier assigns to the target (classes 1…K) and the other training images (class 0); difclue-between-modes: the rows w_k of a regression over the modes alone (as DifCluE writes it); single: the normal of target-vs-rest; random: Gaussian directions; dissect: learned with an overseer that tells them apart (DISSECT-style)",
    "strength": "α in units of √d: the counterfactual decodes ẑ + α·√d·u_k from the input's own x_T (DDIM inversion); the first α on the grid at which the classifier predicts the target, narrowed by bisection against the grid value below it (settings.refinements rounds)",
    "flipped": "the classifier's most probable class for the counterfactual is the target, with at least settings.confidence probability",
    "pixelDistance": "L2 distance between the counterfactual and the input, pixel values in [0, 1], all channels",
    "latentDistance": "α·√d, the L2 length of the move in the standardised latent",
    "probabilitiesReconstructed": "the classifier on the input decoded at α = 0 (what the autoencoder alone changes)",
    "modeReached": "with --mode-check: the counterfactual encoded again is given its own mode by the mode regression (the largest logit among the modes); false marks a sweep that flipped the classifier but never reached its mode (its first flip is kept)",
    "trajectory": "every strength α the sweep decoded along the mode (α = 0 the reconstruction) and the target probability there, by increasing α",
    "file": "the counterfactual as an 8-bit PNG (the probabilities were computed before quantisation)",
  ]

  /// Loads everything, fits the directions on the training split and explains the inputs.
  public static func run(_ request: DifCluERequest) throws -> (report: DifCluEReport, text: String) {
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: request.dataDirectory)
    let (classifier, classifierChecksum) = try ImageClassifier.load(from: request.classifierDirectory)
    let (model, diffusionChecksum) = try ImageDiffusionModel.load(from: request.diffusionDirectory)
    let c = classifier.configuration, m = model.configuration
    guard (c.channels, c.height, c.width) == (manifest.channels, manifest.height, manifest.width) else { throw TrainingError.data("the classifier in \(request.classifierDirectory.path) does not take \(manifest.set)'s images") }
    guard model.isAutoencoder else {
      throw TrainingError.data("\(request.diffusionDirectory.path) holds a class-conditional diffusion model; difclue needs a diffusion autoencoder (cfx train diffusion --autoencoder)")
    }
    guard (m.unet.channels, m.height, m.width) == (manifest.channels, manifest.height, manifest.width) else {
      throw TrainingError.data("the diffusion autoencoder in \(request.diffusionDirectory.path) takes \(m.unet.channels)×\(m.height)×\(m.width) images, \(manifest.set) has \(manifest.channels)×\(manifest.height)×\(manifest.width)")
    }
    // The classifier's classes may differ from the set's (a merged-class classifier).
    let classNames = c.classNames
    let target = try ImageExplainJob.classIndex(request.target, "--target", classNames: classNames, set: "the classifier")
    let inputs = try ImageExplainJob.resolveInputs(request.inputs, split: request.split, manifest: manifest, dataDirectory: request.dataDirectory,
                                                   classifier: classifier, target: target)
    let progress = ProgressReporter(total: inputs.count, label: "difclue", quiet: request.quiet)
    let reference = try manifest.read(split: "train", from: request.dataDirectory)
    progress.note("fitting \(request.method.rawValue) directions on \(reference.count) training images of \(manifest.set) (target \(classNames[target]))")
    var settings = DifCluESettings(targetClass: target, modes: request.modes, strengths: request.strengths, moves: request.moves, method: request.method, seed: request.seed)
    (settings.clusterSpace, settings.refinements, settings.confidence, settings.modeCheck) = (request.clusterSpace, request.refinements, request.confidence, request.modeCheck)
    settings.modeProposal = request.modeProposal
    let explainer = try DifCluE.fit(model: model, classifier: classifier, reference: reference, settings: settings)
    let k = explainer.directions.modeCount
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try writeModesPicture(explainer, reference: reference, to: out, title: "\(manifest.set): \(k) mode(s) of \(classNames[target]) (training images)")

    var explanations: [DifCluEExplanation] = []
    var csv = "input,source,true_class,predicted_before,p_target_before,p_target_reconstructed,mode,strength,flipped,predicted_after,p_target_after,pixel_l2,latent_l2,file,mode_reached\n"
    for (n, input) in inputs.enumerated() {
      let start = Date()
      let batch = Tensor(shape: [1, input.image.channels, input.image.height, input.image.width], scalars: input.image.values)
      let results = explainer.explain(batch)[0]
      let seconds = Date().timeIntervalSince(start)
      let before = results[0].probabilitiesBefore
      let predicted = ImageExplainJob.argmaxIndex(before)
      var records: [DifCluERecord] = []
      for r in results {
        let file = "input-\(n)-mode-\(r.direction).png"
        try PNG.write(r.image, to: out.appendingPathComponent(file).path)
        let after = ImageExplainJob.argmaxIndex(r.probabilitiesAfter)
        records.append(DifCluERecord(mode: r.direction, strength: r.strength, flipped: r.flipped, modeReached: r.modeReached, predictedAfter: after, probabilitiesReconstructed: r.probabilitiesReconstructed,
                                     probabilitiesAfter: r.probabilitiesAfter, pixelDistance: r.pixelDistance, latentDistance: r.latentDistance,
                                     counterfactualCode: r.counterfactualCode, file: file, trajectory: r.trajectory))
        csv += "\(n),\(CSV.escape(input.source)),\(input.label),\(predicted),\(before[target]),\(r.probabilitiesReconstructed[target]),\(r.direction),\(r.strength),\(r.flipped),\(after),\(r.probabilitiesAfter[target]),\(r.pixelDistance),\(r.latentDistance),\(file),\(r.modeReached.map { "\($0)" } ?? "")\n"
      }
      let picture = "input-\(n)"
      try writeInputPicture(input: input.image, results: results, target: target, classNames: classNames, predicted: predicted, to: out, stem: picture, title: input.source)
      explanations.append(DifCluEExplanation(source: input.source, trueClass: input.label, predictedClass: predicted, probabilities: before, code: results[0].code,
                                             counterfactuals: records, picture: picture, seconds: seconds))
      progress.update(done: n + 1)
    }
    try AtomicFile.write(Data(csv.utf8), to: out.appendingPathComponent("counterfactuals.csv"))
    let report = DifCluEReport(set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), classifierSHA256: classifierChecksum, diffusionSHA256: diffusionChecksum,
                               classNames: classNames, settings: settings, modes: explainer.directions, explanations: explanations, arithmetic: .current, definitions: definitions)
    try AtomicFile.writeJSON(report, to: out.appendingPathComponent("counterfactuals.json"))
    var lines = ["\(request.method.rawValue): \(k) direction(s) towards \(classNames[target])"
                 + (explainer.directions.silhouettes.isEmpty ? "" : " (K proposed by \(settings.modeProposal == .gap ? "the gap statistic" : "silhouette"): " + explainer.directions.silhouettes.sorted { $0.key < $1.key }.map { "K=\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: ", ") + ")")]
    for e in explanations {
      let parts = e.counterfactuals.map { r in
        "mode \(r.mode): " + (r.flipped ? String(format: "α %.2f → p %.3f", r.strength, r.probabilitiesAfter[target]) : "not flipped by α \(r.strength)")
      }
      lines.append("\(e.source): predicted \(classNames[e.predictedClass]) (p target \(String(format: "%.3f", e.probabilities[target]))); " + parts.joined(separator: "; ")
                   + String(format: " [%.1f s]", e.seconds))
    }
    lines.append("wrote \(out.path)/counterfactuals.json, counterfactuals.csv, input-*.png/svg, modes.png/svg")
    return (report, lines.joined(separator: "\n"))
  }

  /// Per input: row 1 the input, its reconstruction and one counterfactual per mode; row 2 the
  /// difference maps |x' − x| (summed over channels, scaled to the row's maximum).
  static func writeInputPicture(input: Image, results: [DirectionalCounterfactual], target: Int, classNames: [String], predicted: Int, to out: URL, stem: String, title: String) throws {
    let (h, w) = (input.height, input.width)
    func difference(_ a: Image) -> [Float] {
      (0..<(h * w)).map { p in (0..<input.channels).reduce(Float(0)) { $0 + abs(a.values[$1 * h * w + p] - input.values[$1 * h * w + p]) } }
    }
    let maps = [results[0].reconstruction].map(difference) + results.map { difference($0.image) }
    let top = Swift.max(maps.flatMap { $0 }.max() ?? 0, 1e-6)
    let blank = Image(channels: input.channels, height: h, width: w, filledWith: 1)
    let tiles = [input, results[0].reconstruction] + results.map(\.image) + [blank] + maps.map { HeatMap.image($0.map { $0 / top }, height: h, width: w) }
    let columns = 2 + results.count
    var captions: [[String]] = [["input", "predicted \(classNames[predicted])", String(format: "p(target) %.3f", results[0].probabilitiesBefore[target])],
                                ["reconstruction", String(format: "p(target) %.3f", results[0].probabilitiesReconstructed[target])]]
    captions += results.map { r in ["mode \(r.direction)", r.flipped ? String(format: "α %.2f ✓", r.strength) : String(format: "α %.2f ✗", r.strength),
                                    String(format: "p(target) %.3f", r.probabilitiesAfter[target])] }
    captions += [[""], ["|Δ| reconstruction"]] + results.map { ["|Δ| mode \($0.direction)", String(format: "L2 %.2f", $0.pixelDistance)] }
    try PNG.write(ImageGrid.tile(tiles, columns: columns, scale: 4), to: out.appendingPathComponent("\(stem).png").path)
    try AtomicFile.write(Data(try ImageGrid.svg(tiles, captions: captions, columns: columns, scale: 4, title: "\(title) → \(classNames[target])").utf8),
                         to: out.appendingPathComponent("\(stem).svg"))
  }

  /// One row per mode: up to eight training images of that mode (the first by index).
  static func writeModesPicture(_ explainer: DifCluE, reference: ImageDataSet, to out: URL, title: String) throws {
    let d = explainer.directions
    guard !d.modeOfPositive.isEmpty else { return }
    var tiles: [Image] = [], captions: [[String]] = []
    for mode in 0..<d.modeCount {
      let members = zip(d.positives, d.modeOfPositive).filter { $0.1 == mode }.map(\.0)
      for slot in 0..<8 {
        tiles.append(slot < members.count ? reference.image(members[slot]) : Image(channels: reference.channels, height: reference.height, width: reference.width, filledWith: 1))
        captions.append(slot == 0 ? ["mode \(mode)", "\(members.count) images"] : [""])
      }
    }
    try PNG.write(ImageGrid.tile(tiles, columns: 8, scale: 2), to: out.appendingPathComponent("modes.png").path)
    try AtomicFile.write(Data(try ImageGrid.svg(tiles, captions: captions, columns: 8, scale: 2, title: title).utf8), to: out.appendingPathComponent("modes.svg"))
  }
}
