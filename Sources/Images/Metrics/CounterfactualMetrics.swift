// Scores of directional counterfactuals (DISSECT's metrics, Ghandeharioun et al., and ours).
//   mode alignment (ours; DifCluE gives no formula): an attribute oracle names the ground-truth
//     mode attribute each counterfactual shows (or none). C[j][a] counts direction j's
//     counterfactuals showing attribute a. Directions are matched one-to-one to attributes by
//     the Hungarian algorithm on C (maximum total). Attribute a scores C[j(a)][a] / n_j(a), the
//     share of its matched direction's counterfactuals that show it; an attribute no direction
//     is matched to scores 0. Mode alignment is the mean over attributes: 1 only when every
//     true mode has its own direction and every counterfactual along it shows that mode.
//   post-hoc accuracy (realism, distinctness): a one-hidden-layer MLP trained on one part of a
//     labelled set of feature vectors and scored on the rest. Realism: real vs counterfactual
//     images (lower is better: 0.5 is indistinguishable); distinctness: which direction made a
//     counterfactual, from the pair (x, x') (higher is better).
//   importance (after DISSECT, which correlates the classifier probability it requests with the
//     one it obtains): a direction sweep requests a strength α, not a probability, so ours
//     correlates α with the target probability obtained: Spearman's ρ per sweep (input ×
//     direction, every strength decoded, α = 0 the reconstruction), averaged over the sweeps
//     where it is defined, and Pearson's r pooled over every probe. ρ = 1: moving further along
//     a direction never lowers the target's probability.
//   substitutability (DISSECT): an MLP trained on counterfactuals and the inputs they came from
//     (labelled with the class the classifier gives them) is scored on real held-out images,
//     against the same MLP trained on as many real images with the same labels; the ratio of
//     the accuracies (1: counterfactuals teach the classifier's decision as well as real data).

import Basics
import Clustering
import NN
import Tensor

/// Scores of directional counterfactuals.
public enum CounterfactualMetrics {
  /// Mode alignment and what it was computed from.
  public struct ModeAlignment: Codable, Sendable, Equatable {
    /// The mean over attributes, each attribute's score, the direction matched to it (nil:
    /// none), and the counts C[direction][attribute].
    public var accuracy: Double, perAttribute: [Double], matchedDirection: [Int?], counts: [[Int]]
  }

  /// Mode alignment of counterfactuals made along `directionOf[i]` whose oracle attribute is
  /// `attributeOf[i]` (nil: none of the mode attributes).
  public static func modeAlignment(directionOf: [Int], attributeOf: [Int?], directions: Int, attributes: Int) -> ModeAlignment {
    precondition(directionOf.count == attributeOf.count && directions >= 1 && attributes >= 1, "modeAlignment: \(directionOf.count) directions of, \(attributeOf.count) attributes of")
    var counts = Array(repeating: Array(repeating: 0, count: attributes), count: directions)
    var totals = Array(repeating: 0, count: directions)
    for (j, a) in zip(directionOf, attributeOf) {
      precondition(j >= 0 && j < directions && (a.map { $0 >= 0 && $0 < attributes } ?? true), "modeAlignment: direction \(j) or attribute \(a.map(String.init) ?? "nil") out of range")
      totals[j] += 1
      if let a { counts[j][a] += 1 }
    }
    let assignment = Hungarian.maximumWeightAssignment(counts.map { $0.map(Double.init) })
    var matched = [Int?](repeating: nil, count: attributes)
    for (row, column) in assignment.pairs where row < directions && column < attributes { matched[column] = row }
    let scores = (0..<attributes).map { a -> Double in
      guard let j = matched[a], totals[j] > 0 else { return 0 }
      return Double(counts[j][a]) / Double(totals[j])
    }
    return ModeAlignment(accuracy: scores.reduce(0, +) / Double(attributes), perAttribute: scores, matchedDirection: matched, counts: counts)
  }

  /// Importance and what it was computed from.
  public struct Importance: Codable, Sendable, Equatable {
    /// Mean Spearman ρ over the sweeps where it is defined, how many those were, and Pearson's
    /// r of strength and probability pooled over every probe.
    public var spearman: Double?
    public var sweeps: Int
    public var pearson: Double?
  }

  /// Importance of direction sweeps: each sweep is its (strength, target probability) probes.
  public static func importance(_ sweeps: [[StrengthProbe]]) -> Importance {
    let rhos = sweeps.compactMap { s in Correlation.spearman(s.map { Double($0.strength) }, s.map { Double($0.probability) }) }
    let all = sweeps.flatMap { $0 }
    return Importance(spearman: rhos.isEmpty ? nil : rhos.reduce(0, +) / Double(rhos.count), sweeps: rhos.count,
                      pearson: Correlation.pearson(all.map { Double($0.strength) }, all.map { Double($0.probability) }))
  }

  /// Substitutability and its parts.
  public struct Substitutability: Codable, Sendable, Equatable {
    /// Real-test accuracy of the MLP trained on counterfactuals, of the one trained on real
    /// images, their ratio, and the training rows each had.
    public var syntheticAccuracy: Double, realAccuracy: Double, ratio: Double, trainingRows: Int
  }

  /// Substitutability: an MLP trained on `synthetic` rows against one trained on `real` rows
  /// (as many), both scored on `test`; rows are feature vectors of one width.
  public static func substitutability(synthetic: [[Float]], syntheticLabels: [Int], real: [[Float]], realLabels: [Int],
                                      test: [[Float]], testLabels: [Int], classes: Int, seed: UInt64) -> Substitutability {
    precondition(synthetic.count == syntheticLabels.count && real.count == realLabels.count && test.count == testLabels.count,
                 "substitutability: \(synthetic.count)/\(syntheticLabels.count) synthetic, \(real.count)/\(realLabels.count) real, \(test.count)/\(testLabels.count) test rows/labels")
    precondition(!synthetic.isEmpty && synthetic.count == real.count && !test.isEmpty, "substitutability: \(synthetic.count) synthetic and \(real.count) real training rows, \(test.count) test rows")
    func accuracy(_ rows: [[Float]], _ labels: [Int]) -> Double {
      posthocAccuracy(features: rows + test, labels: labels + testLabels, classes: classes,
                      train: Array(repeating: true, count: rows.count) + Array(repeating: false, count: test.count), seed: seed)
    }
    let s = accuracy(synthetic, syntheticLabels), r = accuracy(real, realLabels)
    return Substitutability(syntheticAccuracy: s, realAccuracy: r, ratio: r > 0 ? s / r : 0, trainingRows: synthetic.count)
  }

  /// Held-out accuracy of a one-hidden-layer MLP (ReLU, `hidden` units; AdamW, full batch,
  /// `steps` steps) trained on the rows where `train` is true and scored on the others.
  public static func posthocAccuracy(features: [[Float]], labels: [Int], classes: Int, train: [Bool], hidden: Int = 64, steps: Int = 300, seed: UInt64) -> Double {
    precondition(features.count == labels.count && labels.count == train.count && !features.isEmpty, "posthocAccuracy: \(features.count) rows, \(labels.count) labels, \(train.count) flags")
    let d = features[0].count
    precondition(features.allSatisfy { $0.count == d }, "posthocAccuracy: rows differ in width")
    let trainRows = train.indices.filter { train[$0] }, testRows = train.indices.filter { !train[$0] }
    precondition(!trainRows.isEmpty && !testRows.isEmpty, "posthocAccuracy: both parts need rows")
    // Standardise each feature on the training rows (the MLP's step size then fits every scale).
    var mean = [Float](repeating: 0, count: d), scale = [Float](repeating: 0, count: d)
    for r in trainRows { for j in 0..<d { mean[j] += features[r][j] } }
    mean = mean.map { $0 / Float(trainRows.count) }
    for r in trainRows { for j in 0..<d { scale[j] += (features[r][j] - mean[j]) * (features[r][j] - mean[j]) } }
    scale = scale.map { Swift.max(($0 / Float(trainRows.count)).squareRoot(), 1e-6) }
    func matrix(_ rows: [Int]) -> Tensor {
      Tensor(shape: [rows.count, d], scalars: rows.flatMap { r in (0..<d).map { (features[r][$0] - mean[$0]) / scale[$0] } })
    }
    let x = matrix(trainRows), y = trainRows.map { labels[$0] }
    var rng = RandomGenerator(seed: seed)
    var model = MLP(widths: [d, hidden, classes], using: &rng)
    var optimizer = AdamW(learningRate: 1e-3, weightDecay: 1e-4)
    for _ in 0..<steps {
      let (_, gradient) = valueAndGrad(at: model) { m in Tensor.crossEntropy(logits: m(x), classIndices: y) }
      optimizer.update(&model, gradients: gradient)
    }
    let logits = model(matrix(testRows)), values = logits.scalars
    let hits = testRows.indices.filter { i in
      let row = Array(values[i * classes..<(i + 1) * classes])
      return row.indices.max { row[$0] < row[$1] }! == labels[testRows[i]]
    }.count
    return Double(hits) / Double(testRows.count)
  }
}
