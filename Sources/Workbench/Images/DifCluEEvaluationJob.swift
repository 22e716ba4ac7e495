// `cfx eval difclue`: several counterfactuals per class, scored where the true modes are known.
// Every direction method (DifCluE and its baselines) is fitted on the training split and
// explains the same held-out inputs: the first N test images (validation images when choosing
// settings) the classifier does not assign to the target. An attribute oracle (a classifier of the true modes) names the mode each
// counterfactual shows. Per method: validity (flip rate), proximity (pixel and latent L2),
// mode alignment (CounterfactualMetrics), k-means NMI/ACC against the true modes of the
// training positives, distinctness and realism (post-hoc classifiers, held-out halves), and a
// Fréchet distance in the oracle's pooled features (an "FID proxy": never comparable with
// Inception FID), importance and substitutability (CounterfactualMetrics). Writes summary.json,
// summary.csv, counterfactuals.METHOD.csv (every counterfactual with the oracle's verdict),
// trajectories.METHOD.csv (every strength decoded and the target probability there),
// modes.METHOD.csv (every training positive's mode and true mode), METHOD.png/.svg (the first eight inputs) and report.ipynb/.html; finished
// methods are journalled.

import Basics
import Clustering
import Foundation
import Images
import NN
import Rendering
import Tensor

/// What `cfx eval difclue` is asked to do.
public struct DifCluEEvaluationRequest: Sendable {
  /// The set, the classifier explained, the diffusion autoencoder, the attribute oracle, the output.
  public var dataDirectory: URL, classifierDirectory: URL, diffusionDirectory: URL, oracleDirectory: URL, outputDirectory: URL
  /// The class explained, and the oracle's classes that are its true modes.
  public var target: String, attributes: [String]
  /// How the training positives' true modes are read: a factor (its value v is the oracle
  /// class "NAME=v") or nil (the set's class names).
  public var trueModeFactor: String?
  /// Inputs N, methods, modes K (nil: as many as attributes), strengths, DDIM moves, seed.
  public var inputs = 200, methods: [DirectionMethod] = DirectionMethod.allCases, modes: Int?
  public var strengths: [Float] = DifCluESettings(targetClass: 0).strengths, moves = 20, seed: UInt64 = 0
  /// Inputs per decoding batch; no progress bar; start afresh; extra report paths.
  public var batch = 16, quiet = false, restart = false, notebooks: [String] = []
  /// Optimiser steps of the DISSECT-style directions.
  public var dissectSteps = 300
  /// Epochs of the plain convolutional autoencoder baseline (0: no such row); it is trained on
  /// the training split with a code as wide as the diffusion autoencoder's, and kept in
  /// OUT/autoencoder for reruns.
  public var autoencoderEpochs = 0
  /// Where difclue clusters the target class; bisection rounds after the grid.
  public var clusterSpace: ClusterSpace = .latent, refinements = 2
  /// The target probability a counterfactual must reach (0: the arg-max alone).
  public var confidence: Float = 0.9
  /// Whether a counterfactual must also land in its mode (DifCluESettings.modeCheck).
  public var modeCheck = false
  /// The split the inputs and the real images come from (test, or validation for choosing settings).
  public var split = "test"

  /// A request.
  public init(dataDirectory: URL, classifierDirectory: URL, diffusionDirectory: URL, oracleDirectory: URL, outputDirectory: URL, target: String, attributes: [String]) {
    (self.dataDirectory, self.classifierDirectory, self.diffusionDirectory, self.oracleDirectory, self.outputDirectory) =
      (dataDirectory, classifierDirectory, diffusionDirectory, oracleDirectory, outputDirectory)
    (self.target, self.attributes) = (target, attributes)
  }
}

/// One method's scores.
public struct DifCluEMethodScores: Codable, Sendable {
  /// The method, its directions, the counterfactuals made (inputs × directions).
  public var method: String, directions: Int, counterfactuals: Int
  /// Flip rate; mean strength, pixel L2 and latent L2 of the flipped ones.
  public var validity: Double, meanStrength: Double?, pixelL2: Double?, latentL2: Double?
  /// Mode alignment (ours) with its parts.
  public var modeAlignment: CounterfactualMetrics.ModeAlignment
  /// k-means modes of the training positives against their true modes (difclue only).
  public var modeNMI: Double?, modeACC: Double?
  /// Held-out accuracy of the post-hoc classifiers: which direction (distinctness, K ≥ 2) and
  /// real vs counterfactual (realism; lower is better).
  public var distinctness: Double?, realism: Double?
  /// Fréchet distance of the flipped counterfactuals to real target-class test images, in the
  /// oracle's pooled features.
  public var frechetProxy: Double?
  /// Silhouettes of K = 2…6 and the K they propose (difclue; the true K is the number of
  /// attributes); mean seconds per input.
  public var silhouettes: [Int: Double], proposedModes: Int?, secondsPerInput: Double
  /// The share of inputs whose reconstruction (α = 0) the classifier already assigns to the target.
  public var reconstructionFlips: Double
  /// The K the silhouette proposes with each of `proposalTrials` seeds (difclue; how often it
  /// equals the true K is the share of the attributes' count among them).
  public var modeProposals: [Int]?
  /// The K the gap statistic proposes with the same ten seeds (difclue).
  public var gapProposals: [Int]?
  /// Strength against target probability along the sweeps (DISSECT's importance, ours for sweeps).
  public var importance: CounterfactualMetrics.Importance?
  /// Real-test accuracy of an MLP trained on the counterfactuals and their inputs, relative to real training data.
  public var substitutability: CounterfactualMetrics.Substitutability?
}

/// summary.json.
public struct DifCluEEvaluation: Codable, Sendable {
  /// The set and every model's SHA-256.
  public var set: String, manifestSHA256: String, classifierSHA256: String, diffusionSHA256: String, oracleSHA256: String
  /// The target, the attributes, the inputs, the settings.
  public var target: String, attributes: [String], inputs: Int, modes: Int?, strengths: [Float], moves: Int, seed: UInt64
  /// Where difclue clustered the target class, and the target probability a counterfactual had to reach.
  public var clusterSpace: ClusterSpace, confidence: Float
  /// Whether counterfactuals had to land in their mode; the split of the inputs.
  public var modeCheck: Bool, split: String
  /// Scores by method.
  public var scores: [String: DifCluEMethodScores]
  /// What the numbers are and how they were made.
  public var definitions: [String: String], note: String, arithmetic: ArithmeticProvenance
}

/// Runs the DifCluE evaluation.
public enum DifCluEEvaluationJob {
  /// What each score means.
  public static let definitions: [String: String] = DifCluEJob.definitions.merging([
    "validity": "share of counterfactuals (inputs × directions) the classifier assigns to the target",
    "modeAlignment": "ours (DifCluE gives no formula): the oracle names the mode each counterfactual shows; directions are matched one-to-one to true modes by the Hungarian algorithm on the counts; each true mode scores the share of its matched direction's counterfactuals that show it (0 when unmatched); the mean over true modes",
    "modeNMI/modeACC": "k-means modes of the training images the classifier assigns to the target against their true modes",
    "distinctness": "held-out accuracy of an MLP (64 hidden units) predicting the direction from concat(x, x') pixels; inputs split in halves",
    "realism": "held-out accuracy of an MLP telling flipped counterfactuals from real test images the classifier assigns to the target (as many of each); 0.5 is indistinguishable, lower is better",
    "frechetProxy": "Fréchet distance between flipped counterfactuals and real target-class test images in the oracle CNN's pooled features; not Inception FID",
    "modeProposals": "the K in 2…6 with the largest silhouette, proposed once per seed (seed, seed + 1, …, seed + 9: k-means restarts and the 2,000-point subsample differ) on the training positives in difclue's cluster space; the true K is the number of attributes",
    "gapProposals": "the gap statistic's K in 1…6 (10 uniform references in the principal-axis box) with the same ten seeds and points",
    "importance": "after DISSECT (which requests probabilities; a sweep requests strengths): Spearman's ρ between the strength α and the classifier's target probability over every strength a sweep decoded (α = 0 the reconstruction), averaged over the input × direction sweeps where it is defined; also Pearson's r pooled over every probe (trajectories.METHOD.csv)",
    "substitutability": "DISSECT's: an MLP (64 hidden units, pixels) learns target vs rest from the inputs (rest) and their flipped counterfactuals (target); the same MLP learns it from as many training images (same split of rest and target, seeded); both are scored on up to 200 + 200 test images that are not inputs, labelled by the classifier; the ratio of the two accuracies",
    "reconstructionFlips": "share of inputs whose reconstruction at α = 0 the classifier already assigns to the target (the autoencoder alone flips them)",
  ]) { a, _ in a }

  /// Runs every method (journalled) and writes the summary and report.
  public static func run(_ request: DifCluEEvaluationRequest) throws -> (evaluation: DifCluEEvaluation, text: String) {
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: request.dataDirectory)
    let (classifier, classifierChecksum) = try ImageClassifier.load(from: request.classifierDirectory)
    let (oracle, oracleChecksum) = try ImageClassifier.load(from: request.oracleDirectory)
    let (model, diffusionChecksum) = try ImageDiffusionModel.load(from: request.diffusionDirectory)
    guard model.isAutoencoder else { throw TrainingError.data("\(request.diffusionDirectory.path) is not a diffusion autoencoder (cfx train diffusion --autoencoder)") }
    let classNames = classifier.configuration.classNames
    let target = try ImageExplainJob.classIndex(request.target, "--target", classNames: classNames, set: "the classifier")
    let attributeIndex = try request.attributes.map { try ImageExplainJob.classIndex($0, "--attributes", classNames: oracle.configuration.classNames, set: "the oracle") }
    let training = try manifest.read(split: "train", from: request.dataDirectory)
    guard request.split != "train" else { throw TrainingError.data("--split train: the directions are fitted on the training split; explain validation or test images") }
    let test = try manifest.read(split: request.split, from: request.dataDirectory)
    let testPredicted = classifier.predictions(test).classes
    let inputIndices = Array(testPredicted.indices.filter { testPredicted[$0] != target }.prefix(request.inputs))
    let realIndices = testPredicted.indices.filter { testPredicted[$0] == target }
    guard !inputIndices.isEmpty else {
      throw TrainingError.data("the classifier assigns every \(request.split) image of \(manifest.set) to \(classNames[target]): no input to explain")
    }
    // The true mode of each training image, as an index into the attributes (nil: none).
    let trueModeNames: [String]
    if let factor = request.trueModeFactor {
      guard let column = training.factorNames.firstIndex(of: factor) else { throw TrainingError.data("\(manifest.set) has no factor \(factor)") }
      trueModeNames = training.factors.map { "\(factor)=\($0[column])" }
    } else {
      trueModeNames = training.labels.map { manifest.classNames[$0] }
    }
    let trueMode = trueModeNames.map { name in request.attributes.firstIndex(of: name) }

    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    var identity: [String: String] = [:]
    (identity["job"], identity["set"], identity["classifier"], identity["diffusion"], identity["oracle"]) =
      ("cfx eval difclue", SHA256.hex([UInt8](manifestBytes)), classifierChecksum, diffusionChecksum, oracleChecksum)
    (identity["target"], identity["attributes"], identity["inputs"], identity["modes"]) = (request.target, request.attributes.joined(separator: "|"), "\(request.inputs)", request.modes.map(String.init) ?? "attributes")
    (identity["strengths"], identity["moves"], identity["seed"], identity["arithmetic"]) =
      (request.strengths.map { "\($0)" }.joined(separator: ","), "\(request.moves)", "\(request.seed)", ArithmeticProvenance.current.resultsIdentity)
    (identity["autoencoder epochs"], identity["refinements"]) = ("\(request.autoencoderEpochs)", "\(request.refinements)")
    identity["confidence"] = "\(request.confidence)"
    (identity["dissect steps"], identity["cluster space"]) = ("\(request.dissectSteps)", request.clusterSpace.rawValue)
    identity["scores"] = "importance, substitutability"
    (identity["mode check"], identity["split"]) = ("\(request.modeCheck)", request.split)
    let journal = try RunJournal(directory: out, identity: identity, restart: request.restart)
    var scores: [String: DifCluEMethodScores] = [:]
    var csvRows: [String] = []
    let inputs = test.subset(inputIndices)
    let realFeatures = oracle.features(test.subset(realIndices))
    // Substitutability's real test images: up to 200 the classifier assigns to the target and
    // 200 it does not, none of them an input.
    let inputSet = Set(inputIndices)
    let testNegatives = testPredicted.indices.filter { testPredicted[$0] != target && !inputSet.contains($0) }
    let substitutionTest = Array(realIndices.prefix(200)) + Array(testNegatives.prefix(200))
    let substitutionTestRows = substitutionTest.map { test.batch([$0]).scalars }
    let substitutionTestLabels = substitutionTest.map { testPredicted[$0] == target ? 1 : 0 }
    // Every direction method in the diffusion autoencoder's latent; with an autoencoder
    // baseline, difclue once more in the plain autoencoder's latent.
    var runs: [(name: String, method: DirectionMethod, codec: LatentCodec)] = request.methods.map { ($0.rawValue, $0, .diffusion(model)) }
    if request.autoencoderEpochs > 0 {
      runs.append(("autoencoder", .difclue, .autoencoder(try plainAutoencoder(training: training, width: model.configuration.encoder!.latentWidth, request: request))))
    }
    let names = runs.map(\.name)
    for (methodNumber, run) in runs.enumerated() {
      let (name, method, codec) = run
      if let earlier = journal.record(name, as: DifCluEMethodScores.self) {
        scores[name] = earlier
        continue
      }
      let progress = ProgressReporter(total: inputIndices.count, label: "[\(methodNumber + 1)/\(runs.count)] \(name)", quiet: request.quiet)
      let modes = request.modes ?? request.attributes.count
      var settings = DifCluESettings(targetClass: target, modes: method == .single ? nil : modes, strengths: request.strengths, moves: request.moves, method: method, seed: request.seed)
      (settings.dissectSteps, settings.clusterSpace, settings.refinements, settings.confidence) = (request.dissectSteps, request.clusterSpace, request.refinements, request.confidence)
      settings.modeCheck = request.modeCheck
      // How many modes each criterion proposes where the truth is the attributes', over ten seeds.
      (settings.proposeModes, settings.repeatedProposals) = (method == .difclue, method == .difclue ? 10 : 0)

      let explainer = try DifCluE.fit(codec: codec, classifier: classifier, reference: training, settings: settings)
      let k = explainer.directions.modeCount
      let start = Date()
      var results: [[DirectionalCounterfactual]] = []
      for batchStart in stride(from: 0, to: inputs.count, by: request.batch) {
        let indices = Array(batchStart..<Swift.min(batchStart + request.batch, inputs.count))
        results += explainer.explain(inputs.batch(indices))
        progress.update(done: results.count)
      }
      let seconds = Date().timeIntervalSince(start)
      let all = results.flatMap { $0 }
      let flipped = all.filter(\.flipped)
      // The oracle on every counterfactual: which true mode it shows.
      let images = all.map(\.image)
      var oracleClasses: [Int] = []
      for part in stride(from: 0, to: images.count, by: 256) {
        let logits = oracle(ImageBatch(Array(images[part..<Swift.min(part + 256, images.count)])).tensor)
        let width = logits.shape[1], values = logits.scalars
        oracleClasses += (0..<logits.shape[0]).map { row in (0..<width).max { values[row * width + $0] < values[row * width + $1] }! }
      }
      let shown: [Int?] = zip(all, oracleClasses).map { r, o in r.flipped ? attributeIndex.firstIndex(of: o) : nil }
      let alignment = CounterfactualMetrics.modeAlignment(directionOf: all.map(\.direction), attributeOf: shown, directions: k, attributes: request.attributes.count)
      // k-means modes against the true modes, on the positives that have one.
      var nmi: Double?, acc: Double?
      let d = explainer.directions
      if !d.modeOfPositive.isEmpty {
        // Every training positive's k-means mode and true mode, for recomputing NMI and ACC.
        let rows = zip(d.positives, d.modeOfPositive).map { "\($0),\($1),\(CSV.escape(trueModeNames[$0])),\(trueMode[$0].map(String.init) ?? "")" }
        try AtomicFile.write(Data(("train_index,mode,true_mode_name,true_mode\n" + rows.map { $0 + "\n" }.joined()).utf8), to: out.appendingPathComponent("modes.\(name).csv"))
      }
      if !d.modeOfPositive.isEmpty && k > 1 {
        let pairs = zip(d.positives, d.modeOfPositive).compactMap { p, m in trueMode[p].map { ($0, m) } }
        nmi = ClusteringMetrics.normalizedMutualInformation(pairs.map(\.0), pairs.map(\.1))
        acc = ClusteringMetrics.accuracy(truth: pairs.map(\.0), predicted: pairs.map(\.1))
      }
      // Post-hoc classifiers, inputs split into halves (even and odd positions; none with one input).
      let inputValues = (0..<inputs.count).map { inputs.batch([$0]).scalars }
      var distinctness: Double?
      if k >= 2 && inputs.count >= 2 {
        let rows = results.indices.flatMap { i in results[i].map { (i, $0) } }
        distinctness = CounterfactualMetrics.posthocAccuracy(features: rows.map { inputValues[$0.0] + $0.1.image.values }, labels: rows.map { $0.1.direction },
                                                             classes: k, train: rows.map { $0.0 % 2 == 0 }, seed: request.seed)
      }
      var realism: Double?, frechet: Double?
      // Realism and the Fréchet proxy need a few flipped counterfactuals and real target images.
      if Swift.min(flipped.count, realIndices.count) >= 4 {
        let count = Swift.min(flipped.count, realIndices.count)
        let fakes = flipped.prefix(count).map(\.image.values), reals = realIndices.prefix(count).map { test.batch([$0]).scalars }
        realism = CounterfactualMetrics.posthocAccuracy(features: reals + fakes, labels: Array(repeating: 0, count: count) + Array(repeating: 1, count: count), classes: 2,
                                                        train: (0..<(2 * count)).map { ($0 % count) % 2 == 0 }, seed: request.seed)
        let fakeFeatures = pooledFeatures(oracle, flipped.map(\.image))
        frechet = try? FrechetDistance.distance(fakeFeatures, realFeatures)
      }
      let importance = CounterfactualMetrics.importance(all.map(\.trajectory))
      var substitutability: CounterfactualMetrics.Substitutability?
      if flipped.count >= 4 && !substitutionTest.isEmpty {
        // Synthetic: every input (rest) and every flipped counterfactual (target); real: as many
        // training images of each kind, in a seeded order.
        let positives = d.positives, positiveSet = Set(d.positives)
        let negatives = (0..<training.count).filter { !positiveSet.contains($0) }
        var r = RandomGenerator(seed: request.seed ^ 0x5B57)
        let realRest = r.permutation(negatives.count).prefix(inputs.count).map { negatives[$0] }
        let realTarget = r.permutation(positives.count).prefix(flipped.count).map { positives[$0] }
        if realRest.count == inputs.count && realTarget.count == flipped.count {
          substitutability = CounterfactualMetrics.substitutability(
            synthetic: inputValues + flipped.map(\.image.values), syntheticLabels: Array(repeating: 0, count: inputs.count) + Array(repeating: 1, count: flipped.count),
            real: (realRest + realTarget).map { training.batch([$0]).scalars }, realLabels: Array(repeating: 0, count: realRest.count) + Array(repeating: 1, count: realTarget.count),
            test: substitutionTestRows, testLabels: substitutionTestLabels, classes: 2, seed: request.seed)
        }
      }
      func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
      var score = DifCluEMethodScores(
        method: name, directions: k, counterfactuals: all.count, validity: Double(flipped.count) / Double(all.count),
        meanStrength: mean(flipped.map { Double($0.strength) }), pixelL2: mean(flipped.map(\.pixelDistance)), latentL2: mean(flipped.map(\.latentDistance)),
        modeAlignment: alignment, modeNMI: nmi, modeACC: acc, distinctness: distinctness, realism: realism, frechetProxy: frechet,
        silhouettes: d.silhouettes, proposedModes: d.proposedModes, secondsPerInput: seconds / Double(inputs.count),
        reconstructionFlips: Double(results.filter { ImageExplainJob.argmaxIndex($0[0].probabilitiesReconstructed) == target }.count) / Double(results.count))
      (score.importance, score.substitutability, score.modeProposals, score.gapProposals) = (importance, substitutability, d.repeatedProposals?[ModeProposal.silhouette.rawValue], d.repeatedProposals?[ModeProposal.gap.rawValue])
      scores[name] = score
      var trajectoryRows: [String] = []
      for (i, row) in results.enumerated() {
        for r in row { for probe in r.trajectory { trajectoryRows.append("\(i),\(r.direction),\(probe.strength),\(probe.probability)") } }
      }
      try AtomicFile.write(Data(("input,direction,strength,p_target\n" + trajectoryRows.map { $0 + "\n" }.joined()).utf8),
                           to: out.appendingPathComponent("trajectories.\(name).csv"))
      for (i, row) in results.enumerated() {
        for r in row {
          let o = oracleClasses[i * k + r.direction]
          csvRows.append("\(name),\(i),\(inputIndices[i]),\(test.labels[inputIndices[i]]),\(r.direction),\(r.strength),\(r.flipped),\(r.probabilitiesAfter[target]),\(o),\(CSV.escape(oracle.configuration.classNames[o])),\(r.pixelDistance),\(r.latentDistance),\(r.modeReached.map { "\($0)" } ?? "")")
        }
      }
      try writeGrid(method: name, inputs: inputs, results: results, target: target, to: out)
      try journal.append(name, score)
      try AtomicFile.write(Data(("method,input,split_index,true_class,direction,strength,flipped,p_target,oracle_class,oracle_class_name,pixel_l2,latent_l2,mode_reached\n" + csvRows.map { $0 + "\n" }.joined()).utf8),
                           to: out.appendingPathComponent("counterfactuals.\(name).csv"))
      csvRows = []
      try RunInterrupted.check(kept: methodNumber + 1, total: runs.count, units: "methods", journal: journal.url)
    }
    let evaluation = DifCluEEvaluation(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), classifierSHA256: classifierChecksum, diffusionSHA256: diffusionChecksum, oracleSHA256: oracleChecksum,
      target: classNames[target], attributes: request.attributes, inputs: inputIndices.count, modes: request.modes, strengths: request.strengths, moves: request.moves,
      seed: request.seed, clusterSpace: request.clusterSpace, confidence: request.confidence, modeCheck: request.modeCheck, split: request.split, scores: scores, definitions: definitions,
      note: "our own protocol on data we can get (\(manifest.set)); not comparable with the DifCluE paper's CelebA numbers", arithmetic: .current)
    try AtomicFile.writeJSON(evaluation, to: out.appendingPathComponent("summary.json"))
    func f(_ v: Double?, _ digits: Int = 3) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "" }
    let header = ["method", "directions", "proposed_k", "true_k_by_silhouette", "true_k_by_gap", "validity", "mode_alignment", "mode_nmi", "mode_acc", "distinctness", "realism", "frechet_proxy",
                  "importance_rho", "importance_r", "substitutability", "strength", "pixel_l2", "latent_l2", "recon_flips", "s_per_input"]
    let rows = names.compactMap { scores[$0] }.map { s in
      [s.method, "\(s.directions)", s.proposedModes.map(String.init) ?? "",
       s.modeProposals.map { p in "\(p.filter { $0 == request.attributes.count }.count)/\(p.count)" } ?? "",
       s.gapProposals.map { p in "\(p.filter { $0 == request.attributes.count }.count)/\(p.count)" } ?? "", f(s.validity), f(s.modeAlignment.accuracy), f(s.modeNMI), f(s.modeACC), f(s.distinctness), f(s.realism), f(s.frechetProxy, 2),
       f(s.importance?.spearman), f(s.importance?.pearson), f(s.substitutability?.ratio), f(s.meanStrength, 2), f(s.pixelL2, 2), f(s.latentL2, 2), f(s.reconstructionFlips), f(s.secondsPerInput, 2)]
    }
    try AtomicFile.write(Data(([header] + rows).map { $0.map(CSV.escape).joined(separator: ",") }.joined(separator: "\n").appending("\n").utf8),
                         to: out.appendingPathComponent("summary.csv"))
    var blocks: [ReportBlock] = [
      .markdown("""
        **\(manifest.set)**: counterfactuals towards **\(classNames[target])** for the first \(inputIndices.count) \(request.split) images the classifier \
        does not assign to it; true modes \(request.attributes.joined(separator: ", ")) named by the attribute oracle. \(evaluation.note).
        """),
      .table(try ReportTable(columns: header, rows: rows)),
      .markdown(definitions.sorted { $0.key < $1.key }.map { "- **\($0.key)**: \($0.value)" }.joined(separator: "\n")),
    ]
    for name in names {
      if let svg = try? String(contentsOf: out.appendingPathComponent("\(name).svg"), encoding: .utf8) {
        blocks.append(.figure(svg: svg, caption: "\(name): the first eight inputs, their reconstructions and one counterfactual per direction"))
      }
    }
    try ReportWriter.write(Report(title: "DifCluE evaluation: \(manifest.set)", blocks: blocks),
                           to: [out.appendingPathComponent("report.ipynb").path, out.appendingPathComponent("report.html").path] + request.notebooks)
    let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max()! }
    let table = ([header] + rows).map { row in row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
    let text = (["\(manifest.set): \(inputIndices.count) inputs towards \(classNames[target]) (\(evaluation.note))"] + table
      + ["wrote \(out.path)/summary.json, summary.csv, counterfactuals.METHOD.csv, METHOD.png/svg, report.ipynb, report.html"]).joined(separator: "\n")
    return (evaluation, text)
  }

  /// The plain convolutional autoencoder of the baseline row: loaded from OUT/autoencoder when
  /// it was trained there with the same settings, else trained (seeded) and saved there.
  static func plainAutoencoder(training: ImageDataSet, width: Int, request: DifCluEEvaluationRequest) throws -> ConstrainedAutoencoder {
    let directory = request.outputDirectory.appendingPathComponent("autoencoder")
    let configuration = ConstrainedAutoencoderConfiguration(channels: training.channels, height: training.height, width: training.width, kind: .convolutional, latent: width)
    let identity = ["configuration": "\(configuration)", "epochs": "\(request.autoencoderEpochs)", "seed": "\(request.seed)", "images": "\(training.count)"]
    let identityURL = directory.appendingPathComponent("identity.json")
    if let stored = try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: identityURL)), stored == identity,
      let loaded = try? ConstrainedAutoencoder.load(from: directory)
    {
      return loaded.model
    }
    var rng = RandomGenerator(seed: request.seed &+ 0xAE)
    var model = ConstrainedAutoencoder(configuration, using: &rng)
    let progress = ProgressReporter(total: request.autoencoderEpochs, label: "plain autoencoder", quiet: request.quiet)
    let log = AutoencoderTraining.train(&model, data: training, tags: nil, tagWeight: 0, epochs: request.autoencoderEpochs, batchSize: 64, learningRate: 1e-3,
                                        seed: request.seed &+ 0xAE) { entry in progress.update(done: entry.epoch, fields: [("mse", String(format: "%.4f", entry.mse))]) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    _ = try Checkpoint.save(model: model, configuration: configuration, trainingState: ["seed": "\(request.seed)"], to: directory)
    try AtomicFile.writeJSON(log, to: directory.appendingPathComponent("log.json"))
    try AtomicFile.writeJSON(identity, to: identityURL)
    return model
  }

  /// The oracle's pooled features of images, in batches of 256. Shapes: → n rows.
  static func pooledFeatures(_ oracle: ImageClassifier, _ images: [Image]) -> [[Float]] {
    stride(from: 0, to: images.count, by: 256).flatMap { start in
      let f = oracle.features(ImageBatch(Array(images[start..<Swift.min(start + 256, images.count)])).tensor)
      let d = f.shape[1], values = f.scalars
      return (0..<f.shape[0]).map { Array(values[$0 * d..<($0 + 1) * d]) }
    }
  }

  /// The first eight inputs: input, reconstruction, one counterfactual per direction (a ✓ when flipped).
  static func writeGrid(method: String, inputs: ImageDataSet, results: [[DirectionalCounterfactual]], target: Int, to out: URL) throws {
    let rows = Array(results.prefix(8))
    guard let k = rows.first?.count else { return }
    var tiles: [Image] = [], captions: [[String]] = []
    for (i, row) in rows.enumerated() {
      tiles += [inputs.image(i), row[0].reconstruction] + row.map(\.image)
      captions += [["input \(i)"], ["reconstruction"]] + row.map { ["dir \($0.direction) α " + String(format: "%.2f", $0.strength) + ($0.flipped ? " ✓" : " ✗")] }
    }
    try PNG.write(ImageGrid.tile(tiles, columns: 2 + k, scale: 3), to: out.appendingPathComponent("\(method).png").path)
    try AtomicFile.write(Data(try ImageGrid.svg(tiles, captions: captions, columns: 2 + k, scale: 3, title: "\(method): counterfactuals per direction").utf8),
                         to: out.appendingPathComponent("\(method).svg"))
  }
}
