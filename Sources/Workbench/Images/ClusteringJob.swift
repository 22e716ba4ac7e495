// `cfx cluster`: clusters an image set (all splits together, or a seeded subset) with one method,
// scores the clustering against the classes (NMI, ARI, ACC; silhouette in the clustered space),
// explains every cluster by the fewest semantic tags that cover it (Deep Descriptive Clustering's
// integer program) and scores the explanations (tag coverage, inverse tag frequency, and on sets
// with generating tags the precision and recall of the chosen tags). Methods:
//   kmeans-pixels   k-means (10 restarts) on the pixels
//   kmeans-pca      k-means on the first 50 principal components
//   ae-kmeans       k-means on a plain autoencoder's embedding
//   cae-kmeans      k-means on the constrained autoencoder's embedding (tag head, λ_tag)
//   deccs           DECCS from the constrained autoencoder, λ_tag kept in the update
//   deccs-no-tags   DECCS from the plain autoencoder
//   oracle-tags     k-means on the plain embedding (standardised) with the true tags appended (×3)
// Writes assignments.csv, result.json, clusters.png and clusters.svg.

import Basics
import Clustering
import Foundation
import Images
import NN
import Tensor

/// A clustering method of `cfx cluster`.
public enum ClusteringMethod: String, CaseIterable, Codable, Sendable {
  case kmeansPixels = "kmeans-pixels", kmeansPCA = "kmeans-pca", aeKMeans = "ae-kmeans", caeKMeans = "cae-kmeans"
  case deccs, deccsNoTags = "deccs-no-tags", oracleTags = "oracle-tags"

  /// The autoencoder it starts from: nil, false (plain) or true (with the tag head).
  var autoencoderWithTags: Bool? {
    switch self {
    case .kmeansPixels, .kmeansPCA: nil
    case .aeKMeans, .deccsNoTags, .oracleTags: false
    case .caeKMeans, .deccs: true
    }
  }

  /// Whether the method reads the tags (training or clustering).
  var needsTags: Bool { autoencoderWithTags == true || self == .oracleTags }
}

/// What `cfx cluster` is asked to do.
public struct ClusteringRequest: Sendable {
  /// The set's directory (from `cfx data images`), the output directory, the method.
  public var dataDirectory: URL, outputDirectory: URL, method: ClusteringMethod
  /// The attribute table (per-class CSV) for sets without per-image tags; nil: attribute shapes
  /// use their factors, other sets have no tags.
  public var attributeTable: URL?
  /// Clusters (nil: the number of classes); images used (nil: all splits); seed.
  public var clusterCount: Int? = nil, limit: Int? = nil, seed: UInt64 = 0
  /// Autoencoder: variant, embedding size, epochs, λ_tag, minibatch, learning rate.
  public var autoencoderKind: AutoencoderKind = .dense, latent = 10, epochs = 30, tagWeight: Float = 0.5, batchSize = 256, learningRate: Float = 1e-3
  /// Hidden widths (dense) or channels (convolutional); nil: the variant's default.
  public var hidden: [Int]? = nil
  /// DECCS: most rounds, subsample, update epochs per round.
  public var rounds = 8, subsample = 2000, epochsPerRound = 1
  /// The explanation program's coverage α and per-tag bound β.
  public var alpha = 0.9, beta = 1.2
  /// Where pretrained autoencoders are kept and reused (nil: OUT/autoencoders).
  public var autoencoderCache: URL? = nil
  /// Discard a DECCS journal; no progress bars.
  public var restart = false, quiet = false

  /// A request.
  public init(dataDirectory: URL, outputDirectory: URL, method: ClusteringMethod) {
    (self.dataDirectory, self.outputDirectory, self.method) = (dataDirectory, outputDirectory, method)
  }
}

/// A cluster's explanation.
public struct ClusterExplanation: Codable, Sendable {
  /// Cluster, members, the chosen tags, each tag's frequency in the cluster, tag coverage.
  public var cluster: Int, size: Int, tags: [String], frequencies: [Double], coverage: Double
  /// The class most members belong to, and (sets with defining tags) the matched class's tags.
  public var majorityClass: String, matchedClass: String?, matchedClassTags: [String]?
}

/// Scores of one clustering.
public struct ClusteringScores: Codable, Sendable {
  /// Against the classes.
  public var nmi: Double, ari: Double, accuracy: Double
  /// Silhouette in the clustered space on a seeded subsample of at most 2,000 points.
  public var silhouette: Double
  /// Mean tag coverage and inverse tag frequency of the explanations (nil: no tags or no answer).
  public var tagCoverage: Double?, inverseTagFrequency: Double?
  /// Micro-averaged precision and recall of the chosen tags against the defining tags of each
  /// cluster's matched class (Hungarian on the contingency table).
  public var tagPrecision: Double?, tagRecall: Double?
  /// The same program on the true classes instead of the clusters: precision and recall of its
  /// tags against each class's defining tags (how well the explanations can do at best).
  public var classTagPrecision: Double?, classTagRecall: Double?
  /// DECCS: the final ensemble agreement and the rounds run.
  public var agreement: Double?, rounds: Int?
  /// Wall-clock seconds of this run (a reused autoencoder or journaled DECCS rounds cost nothing
  /// here); the autoencoder's training seconds when it was trained; the DECCS rounds' seconds.
  public var seconds: Double, autoencoderSeconds: Double?, deccsSeconds: Double?
}

/// result.json of `cfx cluster`.
public struct ClusteringResult: Codable, Sendable {
  /// Set, its manifest's SHA-256, images clustered, method, clusters, seed.
  public var set: String, manifestSHA256: String, images: Int, method: String, clusterCount: Int, seed: UInt64
  /// The autoencoder's configuration, SHA-256, training log and λ_tag (methods that use one).
  public var autoencoder: ConstrainedAutoencoderConfiguration?, autoencoderSHA256: String?, autoencoderLog: [AutoencoderEpoch]?, tagWeight: Float?
  /// The attribute table used (path and SHA-256, or "factors") and its tags.
  public var tagSource: String?, tagNames: [String]?
  /// The scores, the explanations (nil with a reason when none), α and β, and the β the
  /// explanations needed (β relaxed by ×1.5 steps while the program had no answer).
  public var scores: ClusteringScores, explanations: [ClusterExplanation]?, explanationNote: String?, alpha: Double, beta: Double
  public var betaUsed: Double?
  /// DECCS's rounds and settings.
  public var deccsRounds: [DECCSRound]?, deccsSettings: DECCSSettings?
  /// Arithmetic; definitions of the numbers.
  public var arithmetic: ArithmeticProvenance, definitions: [String: String]
}

/// Runs `cfx cluster`.
public enum ClusteringJob {
  /// Every split of the set in `directory` (train, validation, test, in that order) as one set,
  /// with each image's (split, index).
  static func allImages(_ manifest: ImageSetManifest, in directory: URL) throws -> (data: ImageDataSet, origin: [(String, Int)]) {
    var samples: [UInt8] = [], labels: [Int] = [], factors: [[Int]] = [], origin: [(String, Int)] = []
    for split in ["train", "validation", "test"] where manifest.splits[split] != nil {
      let part = try manifest.read(split: split, from: directory)
      samples += part.samples
      labels += part.labels
      factors += part.factors
      origin += (0..<part.count).map { (split, $0) }
    }
    let data = ImageDataSet(classNames: manifest.classNames, channels: manifest.channels, height: manifest.height, width: manifest.width, samples: samples,
                            labels: labels, factorNames: manifest.factorNames, factors: factors.count == labels.count ? factors : [])
    return (data, origin)
  }

  /// The images a request clusters: all, or a seeded subset of `limit` (in index order).
  static func chosen(count: Int, limit: Int?, seed: UInt64) -> [Int] {
    guard let limit, limit < count else { return Array(0..<count) }
    var rng = RandomGenerator(seed: seed &+ 0x5EB5E7)
    return Array(rng.permutation(count).prefix(limit)).sorted()
  }

  /// The pretrained autoencoder (with or without the tag head) for this data and settings:
  /// reused from the cache when its recorded identity matches, else trained and saved there.
  static func pretrained(withTags: Bool, data: ImageDataSet, tags: [[Float]]?, identity: [String: String], request: ClusteringRequest)
    throws -> (model: ConstrainedAutoencoder, checksum: String, log: [AutoencoderEpoch], seconds: Double?)
  {
    let cache = (request.autoencoderCache ?? request.outputDirectory.appendingPathComponent("autoencoders")).appendingPathComponent(withTags ? "tags" : "plain")
    let configuration = ConstrainedAutoencoderConfiguration(channels: data.channels, height: data.height, width: data.width, kind: request.autoencoderKind,
                                                            hidden: request.hidden, latent: request.latent, tagCount: withTags ? tags![0].count : 0)
    var full = identity
    full["autoencoder"] = "\(configuration)"
    full["training"] = "epochs \(request.epochs), batch \(request.batchSize), lr \(request.learningRate), λ_tag \(withTags ? request.tagWeight : 0), seed \(request.seed)"
    let identityURL = cache.appendingPathComponent("identity.json"), logURL = cache.appendingPathComponent("log.json")
    let secondsURL = cache.appendingPathComponent("seconds.json")
    if let stored = try? JSONDecoder().decode([String: String].self, from: Data(contentsOf: identityURL)), stored == full,
      let log = try? JSONDecoder().decode([AutoencoderEpoch].self, from: Data(contentsOf: logURL)),
      let loaded = try? ConstrainedAutoencoder.load(from: cache)
    {
      let seconds = try? JSONDecoder().decode(Double.self, from: Data(contentsOf: secondsURL))
      return (loaded.model, loaded.checksum, log, seconds)
    }
    let began = Date()
    var rng = RandomGenerator(seed: request.seed &+ (withTags ? 1 : 0))
    var model = ConstrainedAutoencoder(configuration, using: &rng)
    let progress = ProgressReporter(total: request.epochs, label: withTags ? "constrained autoencoder" : "autoencoder", quiet: request.quiet)
    let log = AutoencoderTraining.train(&model, data: data, tags: withTags ? tags : nil, tagWeight: request.tagWeight, epochs: request.epochs,
                                        batchSize: request.batchSize, learningRate: request.learningRate, seed: request.seed &+ 17) { entry in
      var fields = [("mse", String(format: "%.4f", entry.mse))]
      if let accuracy = entry.tagAccuracy { fields.append(("tags", String(format: "%.3f", accuracy))) }
      progress.update(done: entry.epoch, fields: fields)
    }
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    let checksum = try Checkpoint.save(model: model, configuration: configuration, trainingState: ["seed": "\(request.seed)"], to: cache)
    let seconds = Date().timeIntervalSince(began)
    try AtomicFile.writeJSON(log, to: logURL)
    try AtomicFile.writeJSON(seconds, to: secondsURL)
    try AtomicFile.writeJSON(full, to: identityURL)
    return (model, checksum, log, seconds)
  }

  /// Pixels as points. Shapes: → n × (C·H·W).
  static func pixels(_ data: ImageDataSet) -> PointMatrix {
    PointMatrix(rows: data.count, columns: data.channels * data.height * data.width, values: data.samples.map { Double($0) / 255 })
  }

  /// Runs the request; returns the result and a report.
  public static func run(_ request: ClusteringRequest) throws -> (result: ClusteringResult, text: String) {
    let (manifest, manifestBytes) = try ImageSetManifest.load(from: request.dataDirectory)
    let (everything, allOrigin) = try allImages(manifest, in: request.dataDirectory)
    let indices = chosen(count: everything.count, limit: request.limit, seed: request.seed)
    let data = indices.count == everything.count ? everything : everything.subset(indices)
    let origin = indices.map { allOrigin[$0] }
    let k = request.clusterCount ?? manifest.classNames.count
    guard k >= 2 && k <= data.count else { throw TrainingError.data("\(k) clusters for \(data.count) images") }
    // Tags: per-image factors (attribute shapes), a per-class table, or none.
    var table: AttributeTable? = nil, tagSource: String? = nil
    if let url = request.attributeTable {
      table = try AttributeTable.read(from: url, classNames: manifest.classNames)
      tagSource = "\(url.lastPathComponent) (SHA-256 \(SHA256.hex(ofFile: url.path) ?? "?"))"
    } else if manifest.factorNames.starts(with: AttributeShapes.attributes.map(\.name)) {
      table = .attributeShapes
      tagSource = "the set's factors (generating attributes)"
    }
    let boolTags = try table.map { try $0.tags(of: data) }
    let tags = boolTags?.map { $0.map { Float($0 ? 1 : 0) } }
    if request.method.needsTags && tags == nil {
      throw TrainingError.data("\(request.method.rawValue) needs semantic tags; \(manifest.set) has no attribute table (give --attributes FILE) and no generating attributes")
    }
    let out = request.outputDirectory
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let identity = ["set": SHA256.hex([UInt8](manifestBytes)), "images": "\(data.count) of \(everything.count), seed \(request.seed)",
                    "tags": tagSource ?? "none", "arithmetic": ArithmeticProvenance.current.resultsIdentity]
    let began = Date()
    var autoencoder: (model: ConstrainedAutoencoder, checksum: String, log: [AutoencoderEpoch], seconds: Double?)? = nil
    if let withTags = request.method.autoencoderWithTags {
      autoencoder = try pretrained(withTags: withTags, data: data, tags: tags, identity: identity, request: request)
    }
    var space: PointMatrix
    var labels: [Int]
    var deccs: DECCSResult? = nil, deccsSettings: DECCSSettings? = nil
    switch request.method {
    case .kmeansPixels:
      space = pixels(data)
      labels = KMeans(clusterCount: k).fit(space, seed: request.seed).labels
    case .kmeansPCA:
      let raw = pixels(data)
      space = try PCA.fit(raw, components: Swift.min(50, raw.columns)).transform(raw)
      labels = KMeans(clusterCount: k).fit(space, seed: request.seed).labels
    case .aeKMeans, .caeKMeans:
      space = DECCS.points(autoencoder!.model, data)
      labels = KMeans(clusterCount: k).fit(space, seed: request.seed).labels
    case .oracleTags:
      let z = DECCS.points(autoencoder!.model, data), d = z.columns, t = tags![0].count
      // Standardise every embedding dimension, then append the tags × 3: points that differ in
      // a tag are ≥ 3 apart in it, more than a unit-variance dimension typically spreads.
      var mean = [Double](repeating: 0, count: d), variance = [Double](repeating: 0, count: d)
      let n = Double(z.rows)
      for i in 0..<z.rows { for j in 0..<d { mean[j] += z[i, j] / n } }
      for i in 0..<z.rows {
        for j in 0..<d {
          let deviation: Double = z[i, j] - mean[j]
          variance[j] += deviation * deviation / n
        }
      }
      var values: [Double] = []
      values.reserveCapacity(z.rows * (d + t))
      for i in 0..<z.rows {
        for j in 0..<d { values.append((z[i, j] - mean[j]) / Swift.max(variance[j].squareRoot(), 1e-12)) }
        values += tags![i].map { 3 * Double($0) }
      }
      space = PointMatrix(rows: z.rows, columns: d + t, values: values)
      labels = KMeans(clusterCount: k).fit(space, seed: request.seed).labels
    case .deccs, .deccsNoTags:
      var settings = DECCSSettings(clusterCount: k, seed: request.seed)
      (settings.subsample, settings.maxRounds, settings.epochsPerRound, settings.batchSize, settings.learningRate) =
        (request.subsample, request.rounds, request.epochsPerRound, request.batchSize, request.learningRate)
      settings.tagWeight = request.method == .deccs ? request.tagWeight : 0
      let directory = out.appendingPathComponent("deccs")
      var journalIdentity = identity
      journalIdentity["job"] = "cfx cluster \(request.method.rawValue)"
      journalIdentity["autoencoder"] = autoencoder!.checksum
      journalIdentity["deccs"] = String(decoding: try JSONEncoder.sorted.encode(settings), as: UTF8.self)
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let journal = try RunJournal(directory: directory, identity: journalIdentity, restart: request.restart)
      let result = try DECCS.run(autoencoder!.model, data: data, tags: tags, settings: settings, directory: directory, journal: journal,
                                 truth: data.labels, quiet: request.quiet) { round in
        if !request.quiet {
          let nmi = round.kMeansNMIToClasses.map { String(format: ", k-means NMI to the classes %.3f", $0) } ?? ""
          FileHandle.standardError.write(Data("DECCS round \(round.round): agreement \(String(format: "%.4f", round.agreement))\(round.improved ? "" : " (no gain: stop)")\(nmi)\n".utf8))
        }
      }
      space = DECCS.points(result.autoencoder, data)
      labels = result.labels
      (deccs, deccsSettings) = (result, settings)
    }
    let seconds = Date().timeIntervalSince(began)
    // Scores.
    var scores = ClusteringScores(
      nmi: ClusteringMetrics.normalizedMutualInformation(data.labels, labels), ari: ClusteringMetrics.adjustedRandIndex(data.labels, labels),
      accuracy: ClusteringMetrics.accuracy(truth: data.labels, predicted: labels), silhouette: 0, seconds: seconds, autoencoderSeconds: nil, deccsSeconds: nil)
    let silhouetteSample = chosen(count: data.count, limit: 2000, seed: request.seed &+ 5)
    scores.silhouette = Silhouette.score(PointMatrix(silhouetteSample.map { space.row($0) }), labels: silhouetteSample.map { labels[$0] })
    if let deccs {
      (scores.agreement, scores.rounds) = (deccs.rounds[deccs.bestRound].agreement, deccs.rounds.count)
      scores.deccsSeconds = deccs.rounds.map(\.seconds).reduce(0, +)
    }
    scores.autoencoderSeconds = autoencoder?.seconds ?? nil
    // Explanations.
    var explanations: [ClusterExplanation]? = nil, note: String? = nil, betaUsed: Double? = nil
    let majority = (0..<k).map { c -> String in
      var counts = [Int](repeating: 0, count: manifest.classNames.count)
      for (l, y) in zip(labels, data.labels) where l == c { counts[y] += 1 }
      return counts.allSatisfy { $0 == 0 } ? "(empty)" : manifest.classNames[counts.indices.max { counts[$0] < counts[$1] }!]
    }
    if let table, let boolTags {
      let q = TagExplanations.frequencies(labels: labels, tags: boolTags, clusters: k)
      // Empty clusters (a consensus may leave some) need no explanation: the program runs on the others.
      let sizes = (0..<k).map { c in labels.filter { $0 == c }.count }, used = (0..<k).filter { sizes[$0] > 0 }
      do {
        // An infeasible β (clusters that share their tags) is relaxed by steps of ×1.5 up to K,
        // and the β used is reported.
        var beta = request.beta, answer: TagExplanation? = nil
        while answer == nil {
          do { answer = try TagExplanations.solve(used.map { q[$0] }, alpha: request.alpha, beta: beta) } catch TagExplanationError.infeasible where beta < Double(k) {
            beta = Swift.min(beta * 1.5, Double(k))
          }
        }
        var solved = answer!
        var all = [[Int]](repeating: [], count: k)
        for (slot, c) in used.enumerated() { all[c] = solved.tags[slot] }
        solved.tags = all
        betaUsed = beta
        let coverage = TagExplanations.coverage(labels: labels, tags: boolTags, explanation: solved.tags)
        // Match clusters to classes (Hungarian) to score the chosen tags against the classes' defining tags.
        let contingency = (0..<k).map { c in (0..<manifest.classNames.count).map { y in Double(zip(labels, data.labels).filter { $0 == c && $1 == y }.count) } }
        let matched = Hungarian.maximumWeightAssignment(contingency).columnForRow
        let defining = table.definingTags
        var (hits, chosenCount, definingCount) = (0, 0, 0)
        explanations = (0..<k).map { c in
          let matchedClass = matched[c]
          if let y = matchedClass, y < defining.count {
            let truth = Set(defining[y].indices.filter { defining[y][$0] })
            hits += solved.tags[c].filter { truth.contains($0) }.count
            chosenCount += solved.tags[c].count
            definingCount += truth.count
          }
          return ClusterExplanation(
            cluster: c, size: sizes[c], tags: solved.tags[c].map { table.tagNames[$0] }, frequencies: solved.tags[c].map { q[c][$0] },
            coverage: coverage[c], majorityClass: majority[c], matchedClass: matchedClass.map { manifest.classNames[$0] },
            matchedClassTags: matchedClass.map { y in defining[y].indices.filter { defining[y][$0] }.map { table.tagNames[$0] } })
        }
        scores.tagCoverage = used.map { coverage[$0] }.reduce(0, +) / Double(used.count)
        scores.inverseTagFrequency = TagExplanations.inverseTagFrequency(used.map { solved.tags[$0] })
        scores.tagPrecision = chosenCount > 0 ? Double(hits) / Double(chosenCount) : nil
        scores.tagRecall = definingCount > 0 ? Double(hits) / Double(definingCount) : nil
      } catch {
        note = "\(error)"
      }
      // The program on the true classes: what its tags can recover when the clusters are right.
      let classes = manifest.classNames.count, defining = table.definingTags
      if let solved = try? TagExplanations.solve(TagExplanations.frequencies(labels: data.labels, tags: boolTags, clusters: classes), alpha: request.alpha, beta: request.beta) {
        var (hits, chosenCount, definingCount) = (0, 0, 0)
        for y in 0..<Swift.min(classes, defining.count) {
          hits += solved.tags[y].filter { defining[y][$0] }.count
          chosenCount += solved.tags[y].count
          definingCount += defining[y].filter { $0 }.count
        }
        scores.classTagPrecision = chosenCount > 0 ? Double(hits) / Double(chosenCount) : nil
        scores.classTagRecall = definingCount > 0 ? Double(hits) / Double(definingCount) : nil
      }
    } else {
      note = "\(manifest.set) has no semantic tags (no attribute table, no generating attributes)"
    }
    // Files.
    var csv = "index,split,split_index,class,cluster\n"
    for (i, (split, splitIndex)) in origin.enumerated() { csv += "\(i),\(split),\(splitIndex),\(data.labels[i]),\(labels[i])\n" }
    try AtomicFile.write(Data(csv.utf8), to: out.appendingPathComponent("assignments.csv"))
    try writeGrid(data, labels: labels, clusters: k, explanations: explanations, majority: majority, title: "\(manifest.set): \(request.method.rawValue), \(k) clusters", to: out)
    let result = ClusteringResult(
      set: manifest.set, manifestSHA256: SHA256.hex([UInt8](manifestBytes)), images: data.count, method: request.method.rawValue, clusterCount: k, seed: request.seed,
      autoencoder: autoencoder?.model.configuration, autoencoderSHA256: autoencoder?.checksum, autoencoderLog: autoencoder?.log,
      tagWeight: request.method.autoencoderWithTags == true ? request.tagWeight : nil, tagSource: tagSource, tagNames: table?.tagNames,
      scores: scores, explanations: explanations, explanationNote: note, alpha: request.alpha, beta: request.beta, betaUsed: betaUsed,
      deccsRounds: deccs?.rounds, deccsSettings: deccsSettings, arithmetic: .current, definitions: definitions)
    try AtomicFile.writeJSON(result, to: out.appendingPathComponent("result.json"))
    return (result, report(result, out: out))
  }

  /// What the numbers of result.json mean.
  static let definitions: [String: String] = [
    "nmi": "normalised mutual information 2I(π, ℓ)/(H(π) + H(ℓ)) of clusters π and classes ℓ (natural logarithms)",
    "ari": "adjusted Rand index of clusters and classes",
    "accuracy": "fraction of images in the class their cluster maps to under the best one-to-one map (Hungarian on the contingency table)",
    "silhouette": "mean silhouette (Euclidean) in the clustered space (pixels, PCA-50, embedding, or embedding + tags) of a seeded subsample of at most 2,000 images",
    "explanations": "per cluster the fewest tags with Σ_j W_ij Q_ij ≥ α while Σ_i W_ij Q_ij ≤ β for every tag (Q: fraction of each cluster's members carrying each tag), solved exactly by branch and bound (Deep Descriptive Clustering's program)",
    "tagCoverage": "mean over non-empty clusters of the fraction of members carrying at least one of the cluster's chosen tags",
    "inverseTagFrequency": "(1/K) Σ_i (1/|D_i|) Σ_{t ∈ D_i} log(K / n_t), n_t the number of clusters whose explanation holds t (log K: no tag shared)",
    "tagPrecision": "chosen tags that are defining tags of the cluster's matched class (Hungarian), over all chosen tags; tagRecall: those over all defining tags of the matched classes (attribute shapes: the class's generating attributes; other sets: the class's row of the attribute table)",
    "classTagPrecision": "classTagPrecision, classTagRecall: the same program solved on the true classes instead of the clusters, its tags against each class's defining tags",
    "agreement": "DECCS ensemble agreement c·Σ_{i<j} NMI(π_i, π_j), c = 2/(|E|² − |E|), of the kept round on its subsample",
    "tags": "attribute shapes: each image's generating attributes; Fashion-MNIST and animals: the class's row of images/attributes/SET.csv, so tags carry class information (the constrained autoencoder and the oracle see it)",
  ]

  /// clusters.png and clusters.svg: one row per cluster of up to 10 members (seeded choice), the
  /// first cell captioned with the cluster's size, majority class and chosen tags.
  static func writeGrid(_ data: ImageDataSet, labels: [Int], clusters k: Int, explanations: [ClusterExplanation]?, majority: [String], title: String, to out: URL) throws {
    var rng = RandomGenerator(seed: 0x6121D)
    let order = rng.permutation(data.count)
    var images: [Images.Image] = [], captions: [[String]] = []
    for c in 0..<k {
      let members = order.filter { labels[$0] == c }
      let shown = Array(members.prefix(10))
      for (slot, index) in shown.enumerated() {
        images.append(data.image(index))
        if slot == 0 {
          let tags = explanations.map { $0[c].tags.joined(separator: ", ") } ?? "–"
          captions.append(["cluster \(c) (\(members.count)): mostly \(majority[c])", "tags: \(tags.isEmpty ? "–" : tags)"])
        } else {
          captions.append(["", ""])
        }
      }
      for _ in shown.count..<10 {
        images.append(Images.Image(channels: data.channels, height: data.height, width: data.width, filledWith: 1))
        captions.append(shown.isEmpty && captions.count % 10 == 0 ? ["cluster \(c): empty", ""] : ["", ""])
      }
    }
    let scale = data.height <= 32 ? 3 : 1
    try PNG.write(ImageGrid.tile(images, columns: 10, scale: scale), to: out.appendingPathComponent("clusters.png").path)
    try AtomicFile.write(Data(try ImageGrid.svg(images, captions: captions, columns: 10, scale: scale, title: title).utf8), to: out.appendingPathComponent("clusters.svg"))
  }

  /// The report printed after a run.
  static func report(_ r: ClusteringResult, out: URL) -> String {
    let s = r.scores
    var lines = [String(format: "%@, %d images, %@ with K = %d: NMI %.4f, ARI %.4f, ACC %.4f, silhouette %.3f (%.0f s)", r.set, r.images, r.method, r.clusterCount,
                        s.nmi, s.ari, s.accuracy, s.silhouette, s.seconds)]
    if let agreement = s.agreement { lines.append(String(format: "  DECCS: %d rounds, ensemble agreement %.4f", s.rounds ?? 0, agreement)) }
    if let tc = s.tagCoverage, let itf = s.inverseTagFrequency {
      var line = String(format: "  explanations (α %.2f, β %.2f): tag coverage %.3f, ITF %.3f", r.alpha, r.betaUsed ?? r.beta, tc, itf)
      if let used = r.betaUsed, used > r.beta { line += String(format: " (β relaxed from %.2f: no answer there)", r.beta) }
      if let p = s.tagPrecision, let rc = s.tagRecall { line += String(format: ", tag precision %.3f, recall %.3f against the matched classes' tags", p, rc) }
      if let p = s.classTagPrecision, let rc = s.classTagRecall { line += String(format: " (the program on the true classes: %.3f, %.3f)", p, rc) }
      lines.append(line)
      for e in r.explanations ?? [] { lines.append("    cluster \(e.cluster) (\(e.size), mostly \(e.majorityClass)): \(e.tags.joined(separator: ", "))") }
    } else if let note = r.explanationNote {
      lines.append("  no explanations: \(note)")
    }
    lines.append("wrote \(out.path)/assignments.csv, result.json, clusters.png, clusters.svg")
    return lines.joined(separator: "\n")
  }
}

extension JSONEncoder {
  /// An encoder with sorted keys (stable identities).
  static var sorted: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }
}
