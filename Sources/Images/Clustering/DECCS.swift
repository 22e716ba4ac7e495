// DECCS, deep clustering with consensus representations (Miklautz et al., ICDM 2022), on the
// constrained autoencoder. Each round r:
//   1. embed every image, z = encode(x);
//   2. on a seeded subsample S, cluster z with the ensemble E = {k-means, spectral, Ward, GMM};
//      agreement A_r = c·Σ_{i<j} NMI(π_i, π_j), weights w_i = mean NMI of member i with the
//      others (normalised to Σ w = 1);
//   3. stop when A_r ≤ A_best + tolerance (the representation stopped gaining agreement);
//   4. train one small classifier g_i (MLP z → K) per member on (z_S, π_i); label every image
//      with π_i(x) = argmax g_i(z(x)) and compute the member's cluster means μ_i,c;
//   5. update the encoder (and the g_i) over all images with
//        L = MSE(decode(z), x) + λ_cons Σ_i w_i CE(g_i(z), π_i(x))
//            + λ_pull Σ_i w_i ‖z − μ_i,π_i(x)‖² / d + λ_tag BCE(tag head(z), tags)
//      (λ_tag = 0: DECCS without tags).
// The clustering is the consensus of the best round: every member's classifier labels all images,
// each aligned to the heaviest member's ids (Hungarian on their subsample labels), and every
// image takes argmax_c Σ_i w_i p_i(c | z). Each round's weights are checkpointed and its record
// journaled, so an interrupted run continues at the next round.

import Basics
import Clustering
import Foundation
import NN
import Tensor

/// DECCS's settings.
public struct DECCSSettings: Codable, Sendable, Equatable {
  /// Clusters K; subsample size for the ensemble; at most this many rounds.
  public var clusterCount: Int, subsample: Int = 2000, maxRounds: Int = 8
  /// Encoder-update epochs per round over all images; minibatch; learning rate.
  public var epochsPerRound: Int = 1, batchSize: Int = 256, learningRate: Float = 1e-3
  /// λ_cons, λ_pull, λ_tag (0: no tags).
  public var consensusWeight: Float = 1, pullWeight: Float = 0.1, tagWeight: Float = 0
  /// Member classifiers' hidden width and training epochs on the subsample.
  public var classifierHidden: Int = 64, classifierEpochs: Int = 30
  /// Minimum agreement gain that counts as an improvement; the seed.
  public var tolerance: Double = 1e-3, seed: UInt64 = 0

  /// Settings for K clusters.
  public init(clusterCount: Int, seed: UInt64 = 0) {
    precondition(clusterCount >= 2, "DECCSSettings: \(clusterCount) clusters")
    (self.clusterCount, self.seed) = (clusterCount, seed)
  }
}

/// One DECCS round as reported and journaled.
public struct DECCSRound: Codable, Sendable, Equatable {
  /// Round (0: the pretrained embedding); ensemble agreement on this round's embedding.
  public var round: Int, agreement: Double
  /// Members, their pairwise NMI and weights.
  public var members: [String], pairwiseNMI: [[Double]], weights: [Double]
  /// Whether this round improved on the best agreement (false: DECCS stopped here).
  public var improved: Bool
  /// Mean losses of the encoder update that followed (nil when it stopped here).
  public var updateLoss: Double?, reconstruction: Double?, consensus: Double?, pull: Double?, tagLoss: Double?
  /// NMI of the k-means member against the true classes on the subsample (reported, never used).
  public var kMeansNMIToClasses: Double?
  /// Seconds this round took.
  public var seconds: Double
}

/// The autoencoder and the member classifiers, trained together in the encoder update.
struct DECCSModel: ParameterTree {
  var autoencoder: ConstrainedAutoencoder
  var classifiers: [MLP]

  mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("autoencoder", &autoencoder, body)
    try visitChild("classifiers", &classifiers, body)
  }
}

/// What DECCS returns.
public struct DECCSResult: Sendable {
  /// Consensus labels of every image; the rounds; the round whose embedding was kept.
  public var labels: [Int], rounds: [DECCSRound], bestRound: Int
  /// The autoencoder of the best round.
  public var autoencoder: ConstrainedAutoencoder
  /// The final ensemble's members on the subsample and the subsample's indices.
  public var members: [EnsembleMember], subsample: [Int]
}

/// Runs DECCS.
public enum DECCS {
  /// The embedding of every image as a point matrix. Shapes: → n × latent.
  public static func points(_ model: ConstrainedAutoencoder, _ data: ImageDataSet) -> PointMatrix {
    PointMatrix(model.embed(data).map { $0.map(Double.init) })
  }

  /// The subsample of round `round`: sorted indices.
  static func subsample(count: Int, size: Int, seed: UInt64, round: Int) -> [Int] {
    var rng = RandomGenerator(seed: seed &+ 0xDECC5 &+ UInt64(round) &* 0x9E37_79B9_7F4A_7C15)
    return Array(rng.permutation(count).prefix(Swift.min(size, count))).sorted()
  }

  /// The ensemble of round `round` on its subsample.
  static func ensemble(_ all: PointMatrix, subsample: [Int], settings: DECCSSettings, round: Int) -> (members: [EnsembleMember], nmi: [[Double]]) {
    let sub = PointMatrix(subsample.map { all.row($0) })
    let members = ClusteringEnsemble.cluster(sub, clusterCount: settings.clusterCount, seed: settings.seed &+ UInt64(round) &* 7919)
    return (members, ClusteringEnsemble.pairwiseNMI(members))
  }

  /// One classifier per member, trained on the subsample's embedding and the member's labels.
  static func trainClassifiers(_ all: PointMatrix, subsample: [Int], members: [EnsembleMember], settings: DECCSSettings, round: Int) -> [MLP] {
    let d = all.columns, k = settings.clusterCount
    var rng = RandomGenerator(seed: settings.seed &+ 0xC1A55 &+ UInt64(round))
    let x = Tensor(shape: [subsample.count, d], scalars: subsample.flatMap { all.row($0).map(Float.init) })
    return members.map { member in
      var g = MLP(widths: [d, settings.classifierHidden, k], using: &rng)
      var optimizer = AdamW(learningRate: 1e-2, weightDecay: 0)
      for epoch in 0..<settings.classifierEpochs {
        var order = RandomGenerator(seed: settings.seed &+ UInt64(round * 1000 + epoch))
        let perm = order.permutation(subsample.count)
        for start in stride(from: 0, to: perm.count, by: 256) {
          let rows = Array(perm[start..<Swift.min(start + 256, perm.count)])
          let xb = x.selectingRows(rows), yb = rows.map { member.labels[$0] }
          let (_, gradient) = valueAndGrad(at: g) { m in Tensor.crossEntropy(logits: m(xb), classIndices: yb) }
          optimizer.update(&g, gradients: gradient)
        }
      }
      return g
    }
  }

  /// Class probabilities of every point under each classifier. Shapes: → [members][n][K].
  static func probabilities(_ classifiers: [MLP], _ all: PointMatrix) -> [[[Float]]] {
    let x = Tensor(shape: [all.rows, all.columns], scalars: all.values.map(Float.init))
    return classifiers.map { g in
      let p = g(x).softmax(axis: 1)
      let k = p.shape[1], values = p.scalars
      return (0..<all.rows).map { Array(values[$0 * k..<($0 + 1) * k]) }
    }
  }

  /// The consensus of the members' classifiers over every point: each aligned to the heaviest
  /// member, then argmax of the weighted probabilities.
  static func consensus(_ probabilities: [[[Float]]], members: [EnsembleMember], weights: [Double], clusterCount k: Int) -> [Int] {
    let reference = weights.indices.max { weights[$0] < weights[$1] }!
    let maps = members.map { ClusteringEnsemble.alignment(of: $0.labels, to: members[reference].labels, clusterCount: k) }
    let n = probabilities[0].count
    return (0..<n).map { row in
      var score = [Double](repeating: 0, count: k)
      for (i, p) in probabilities.enumerated() { for c in 0..<k { score[maps[i][c]] += weights[i] * Double(p[row][c]) } }
      return score.indices.max { score[$0] < score[$1] }!
    }
  }

  /// Runs DECCS from the (pretrained) `autoencoder` on `data` with per-image `tags` (used when
  /// settings.tagWeight > 0). With `directory`, every round's weights go to
  /// directory/round-R (the weights that produced round R's embedding) and its record to the
  /// journal, and a rerun continues after the last journaled round. `truth` (the classes) only
  /// feeds the per-round report.
  public static func run(_ autoencoder: ConstrainedAutoencoder, data: ImageDataSet, tags: [[Float]]?, settings: DECCSSettings,
                         directory: URL?, journal: RunJournal?, truth: [Int]? = nil, quiet: Bool = false,
                         report: ((DECCSRound) -> Void)? = nil) throws -> DECCSResult {
    precondition(settings.tagWeight == 0 || tags != nil, "DECCS.run: λ_tag \(settings.tagWeight) without tags")
    var model = autoencoder
    var rounds: [DECCSRound] = []
    var bestRound = 0, bestAgreement = -Double.infinity
    var start = 0
    var bestModel: ConstrainedAutoencoder? = nil
    // Resume: the journal's rounds; the weights that entered the round after the last one.
    if let journal, let directory {
      while let earlier = journal.record("round-\(start)", as: DECCSRound.self) {
        rounds.append(earlier)
        if earlier.improved { (bestRound, bestAgreement) = (earlier.round, earlier.agreement) }
        start += 1
      }
      if let last = rounds.last {
        if !last.improved || start >= settings.maxRounds {
          return try finish(bestRound: bestRound, rounds: rounds, data: data, settings: settings, directory: directory)
        }
        model = try ConstrainedAutoencoder.load(from: directory.appendingPathComponent("round-\(start)")).model
      }
    }
    if let directory, start == 0 { try save(model, settings: settings, round: 0, in: directory) }
    for round in start..<settings.maxRounds {
      let began = Date()
      let all = points(model, data)
      let sample = subsample(count: data.count, size: settings.subsample, seed: settings.seed, round: round)
      let (members, nmi) = ensemble(all, subsample: sample, settings: settings, round: round)
      let agreement = ClusteringEnsemble.agreement(nmi), weights = ClusteringEnsemble.weights(nmi)
      let improved = round == 0 || agreement > bestAgreement + settings.tolerance
      var record = DECCSRound(round: round, agreement: agreement, members: members.map(\.name), pairwiseNMI: nmi, weights: weights, improved: improved,
                              kMeansNMIToClasses: truth.map { t in ClusteringMetrics.normalizedMutualInformation(sample.map { t[$0] }, members[0].labels) },
                              seconds: 0)
      if improved { (bestRound, bestAgreement, bestModel) = (round, agreement, model) }
      let last = round + 1 == settings.maxRounds
      if improved && !last {
        // Encoder update of this round.
        let classifiers = trainClassifiers(all, subsample: sample, members: members, settings: settings, round: round)
        let p = probabilities(classifiers, all)
        let pseudo = p.map { rows in rows.map { r in r.indices.max { r[$0] < r[$1] }! } }
        let d = all.columns, k = settings.clusterCount
        var means = [[[Float]]](repeating: [[Float]](repeating: [Float](repeating: 0, count: d), count: k), count: members.count)
        for i in members.indices {
          var counts = [Float](repeating: 0, count: k)
          for (row, c) in pseudo[i].enumerated() {
            counts[c] += 1
            for e in 0..<d { means[i][c][e] += Float(all[row, e]) }
          }
          for c in 0..<k where counts[c] > 0 { means[i][c] = means[i][c].map { $0 / counts[c] } }
        }
        var joint = DECCSModel(autoencoder: model, classifiers: classifiers)
        var optimizer = AdamW(learningRate: settings.learningRate, weightDecay: 0)
        let tagCount = model.configuration.tagCount
        var sums = (total: 0.0, mse: 0.0, ce: 0.0, pull: 0.0, bce: 0.0, batches: 0)
        let batches = (data.count + settings.batchSize - 1) / settings.batchSize
        let progress = ProgressReporter(total: settings.epochsPerRound * batches, label: "DECCS round \(round + 1)", quiet: quiet)
        for epoch in 0..<settings.epochsPerRound {
          var rng = RandomGenerator(seed: settings.seed &+ UInt64(round * 100 + epoch) &* 0x9E37_79B9_7F4A_7C15)
          let order = rng.permutation(data.count)
          for (b, s) in stride(from: 0, to: order.count, by: settings.batchSize).enumerated() {
            let rows = Array(order[s..<Swift.min(s + settings.batchSize, order.count)])
            let images = data.batch(rows)
            let tagBatch = settings.tagWeight > 0 ? tags.map { t in Tensor(shape: [rows.count, tagCount], scalars: rows.flatMap { t[$0] }) } : nil
            let targetMeans = members.indices.map { i in Tensor(shape: [rows.count, d], scalars: rows.flatMap { means[i][pseudo[i][$0]] }) }
            var parts = (mse: Float(0), ce: Float(0), pull: Float(0), bce: Float(0))
            let (loss, gradient) = valueAndGrad(at: joint) { m in
              let l = m.autoencoder.loss(images, tags: tagBatch, tagWeight: settings.tagWeight)
              var ce = Tensor(0), pull = Tensor(0)
              for i in members.indices {
                let w = Float(weights[i])
                ce = ce + Tensor.crossEntropy(logits: m.classifiers[i](l.z), classIndices: rows.map { pseudo[i][$0] }) * w
                pull = pull + (l.z - targetMeans[i]).squared().mean() * w
              }
              parts = (l.mse.scalar, ce.scalar, pull.scalar, l.bce?.scalar ?? 0)
              return l.total + ce * settings.consensusWeight + pull * settings.pullWeight
            }
            optimizer.update(&joint, gradients: gradient)
            sums = (sums.total + Double(loss.scalar), sums.mse + Double(parts.mse), sums.ce + Double(parts.ce), sums.pull + Double(parts.pull),
                    sums.bce + Double(parts.bce), sums.batches + 1)
            progress.update(done: epoch * batches + b + 1, fields: [("loss", String(format: "%.4f", loss.scalar))])
          }
        }
        model = joint.autoencoder
        let n = Double(Swift.max(sums.batches, 1))
        (record.updateLoss, record.reconstruction, record.consensus, record.pull) = (sums.total / n, sums.mse / n, sums.ce / n, sums.pull / n)
        record.tagLoss = settings.tagWeight > 0 ? sums.bce / n : nil
      }
      record.seconds = Date().timeIntervalSince(began)
      rounds.append(record)
      report?(record)
      if let directory, improved && !last { try save(model, settings: settings, round: round + 1, in: directory) }
      try journal?.append("round-\(round)", record)
      if !improved || last { break }
      try RunInterrupted.check(kept: round + 1, total: settings.maxRounds, units: "DECCS rounds", journal: journal?.url)
    }
    if let bestModel { return try finish(bestRound: bestRound, rounds: rounds, data: data, settings: settings, model: bestModel) }
    guard let directory else { preconditionFailure("DECCS.run: no round was kept") }
    return try finish(bestRound: bestRound, rounds: rounds, data: data, settings: settings, directory: directory)
  }

  /// Saves the weights that produce round `round`'s embedding.
  static func save(_ model: ConstrainedAutoencoder, settings: DECCSSettings, round: Int, in directory: URL) throws {
    _ = try Checkpoint.save(model: model, configuration: model.configuration, trainingState: ["round": "\(round)", "seed": "\(settings.seed)"],
                            to: directory.appendingPathComponent("round-\(round)"))
  }

  /// The consensus clustering of round `bestRound`'s checkpoint.
  static func finish(bestRound: Int, rounds: [DECCSRound], data: ImageDataSet, settings: DECCSSettings, directory: URL) throws -> DECCSResult {
    let model = try ConstrainedAutoencoder.load(from: directory.appendingPathComponent("round-\(bestRound)")).model
    return try finish(bestRound: bestRound, rounds: rounds, data: data, settings: settings, model: model)
  }

  /// The consensus clustering of `model`'s embedding, with round `bestRound`'s subsample and seeds.
  static func finish(bestRound: Int, rounds: [DECCSRound], data: ImageDataSet, settings: DECCSSettings, model: ConstrainedAutoencoder) throws -> DECCSResult {
    let all = points(model, data)
    let sample = subsample(count: data.count, size: settings.subsample, seed: settings.seed, round: bestRound)
    let (members, nmi) = ensemble(all, subsample: sample, settings: settings, round: bestRound)
    let weights = ClusteringEnsemble.weights(nmi)
    let classifiers = trainClassifiers(all, subsample: sample, members: members, settings: settings, round: bestRound)
    let labels = consensus(probabilities(classifiers, all), members: members, weights: weights, clusterCount: settings.clusterCount)
    return DECCSResult(labels: labels, rounds: rounds, bestRound: bestRound, autoencoder: model, members: members, subsample: sample)
  }
}
