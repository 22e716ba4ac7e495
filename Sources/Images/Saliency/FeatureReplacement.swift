// Counterfactual explanations of a misclassification by replacing cells of the classifier's last
// convolution map with cells of correctly classified reference images, until the prediction is
// the true class. cfx's classifiers average the map and apply one linear layer, so a replacement
// is exact and cheap: with A the map [K, h, w], pooled a = mean_cells A and logits W·a + b,
// putting the vector v in cell q changes the logits by W·(v − A_q) / (h·w).
//
// Three strategies share one loop (each query cell is replaced at most once, each reference cell
// used at most once; the loop stops when the true class is predicted, or fails after `maxSteps`
// edits or when no pair is left):
//   saliency partition (the misclassification paper's method): the saliency partition scores
//     each cell by the drop of the currently predicted (wrong) class's probability when a
//     reversed Gaussian kernel 1 − G, G(u) = exp(−|u − q|² / 2σ²) in map units, suppresses the
//     map around it (s_q = p − p̃_q, an approximation of the cell's Shapley value); the cell with
//     the largest s is replaced by the reference cell that maximises cos(A_q, v) + log p(true),
//     among `topM` reference cells: those contributing most to the true class (their own scores
//     s̃ on their maps, the paper's S̃_U) or those most cosine-similar to A_q.
//   greedy (Goyal et al. 2019, "Counterfactual Visual Explanations"): the (query cell, reference
//     cell) pair that maximises log p(true), over all pairs.
//   similarity-weighted (Vandenhende et al. 2022, "Making Heads or Tails"): log p(true) +
//     λ·log softmax_v(cos(A_q, v) / τ) over the pairs whose cosine is in the top `keepFraction`
//     of all pairs (λ 0.4, τ 0.1, top 20% as in that paper).
// The dual region maps (the misclassification paper's contrastive explanation) compare the
// original map h⁰ with the final one h*: ΔM_Inv = s⁰ · Σ_k ReLU(h⁰_k − h*_k), what kept the wrong
// class (s⁰: saliency partition of the original prediction on h⁰), and ΔM_Dom =
// s* · Σ_k ReLU(h*_k − h⁰_k), what brought the right one (s*: saliency partition of the true class
// on h*); s is clamped at 0.

import Foundation
import Tensor

/// One image's last convolution map: `channels` × `height` × `width` values, channel-major.
public struct FeatureGrid: Sendable, Equatable {
  /// Channels K and the map's rows h and columns w.
  public let channels: Int, height: Int, width: Int
  /// The values [K, h, w], row-major.
  public var values: [Float]

  /// A grid of `channels × height × width` values.
  public init(channels: Int, height: Int, width: Int, values: [Float]) {
    precondition(channels > 0 && height > 0 && width > 0 && values.count == channels * height * width,
                 "FeatureGrid: \(values.count) values for [\(channels), \(height), \(width)]")
    (self.channels, self.height, self.width, self.values) = (channels, height, width, values)
  }

  /// Cells (h·w).
  public var cells: Int { height * width }

  /// The K-vector of cell `index` (row-major).
  public func cell(_ index: Int) -> [Float] { (0..<channels).map { values[$0 * cells + index] } }

  /// Puts the K-vector `vector` into cell `index`.
  public mutating func setCell(_ index: Int, to vector: [Float]) {
    precondition(vector.count == channels, "FeatureGrid.setCell: \(vector.count) values for \(channels) channels")
    for k in 0..<channels { values[k * cells + index] = vector[k] }
  }

  /// The mean over cells (the globally average-pooled features), K values.
  public var pooled: [Float] {
    (0..<channels).map { k in values[(k * cells)..<((k + 1) * cells)].reduce(0, +) / Float(cells) }
  }

  /// The grids of every image of a map batch [N, K, h, w].
  public static func grids(of map: Tensor) -> [FeatureGrid] {
    precondition(map.rank == 4, "FeatureGrid.grids: map \(map.shape) is not [N, K, h, w]")
    let (k, h, w) = (map.shape[1], map.shape[2], map.shape[3]), size = k * h * w, values = map.scalars
    return (0..<map.shape[0]).map { FeatureGrid(channels: k, height: h, width: w, values: Array(values[($0 * size)..<(($0 + 1) * size)])) }
  }
}

/// The classifier's last layer on the pooled map: logits = W·a + b, W [classes, K].
public struct PooledLinearHead: Sendable {
  /// Classes and feature channels.
  public let classes: Int, channels: Int
  /// W [classes, K], row-major, and b [classes].
  public let weight: [Float], bias: [Float]

  /// The head of an image classifier.
  public init(_ model: ImageClassifier) {
    let w = model.head.weight
    (classes, channels, weight) = (w.shape[0], w.shape[1], w.scalars)
    bias = model.head.bias?.scalars ?? [Float](repeating: 0, count: w.shape[0])
  }

  /// A head with the given W [classes, K] and b [classes].
  public init(classes: Int, channels: Int, weight: [Float], bias: [Float]) {
    precondition(weight.count == classes * channels && bias.count == classes, "PooledLinearHead: W \(weight.count) and b \(bias.count) for \(classes) × \(channels)")
    (self.classes, self.channels, self.weight, self.bias) = (classes, channels, weight, bias)
  }

  /// W·v (no bias), `classes` values, for a K-vector.
  public func project(_ vector: [Float]) -> [Float] {
    precondition(vector.count == channels, "PooledLinearHead.project: \(vector.count) values for \(channels) channels")
    return (0..<classes).map { c in
      var total: Float = 0
      for k in 0..<channels { total += weight[c * channels + k] * vector[k] }
      return total
    }
  }

  /// The logits of pooled features a [K].
  public func logits(_ pooled: [Float]) -> [Float] { zip(project(pooled), bias).map { $0 + $1 } }
}

/// log softmax of logits (max-shifted).
func logSoftmax(_ logits: [Float]) -> [Float] {
  let top = logits.max() ?? 0
  let total = logits.reduce(Float(0)) { $0 + exp($1 - top) }
  return logits.map { $0 - top - log(total) }
}

/// The index of the largest value (the first on ties).
func argmax(_ values: [Float]) -> Int {
  var best = 0
  for index in values.indices where values[index] > values[best] { best = index }
  return best
}

/// Cosine similarity of two vectors (0 if either is zero).
func cosine(_ a: [Float], _ b: [Float]) -> Float {
  var (dot, na, nb): (Float, Float, Float) = (0, 0, 0)
  for i in a.indices { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
  return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
}

/// The saliency partition and the feature-replacement counterfactuals.
public enum FeatureReplacement {
  /// How the next (query cell, reference cell) pair is chosen.
  public enum Strategy: Sendable, Equatable {
    /// The largest saliency-partition cell, replaced by the best under cos + log p(true) of `topM`
    /// reference cells chosen by `filter`; σ of the Gaussian kernel in map cells.
    case saliencyPartition(sigma: Float, topM: Int, filter: CandidateFilter)
    /// The pair that maximises log p(true) (Goyal et al. 2019).
    case greedy
    /// log p(true) + λ·log softmax(cos / τ) over the top `keepFraction` of pairs by cosine
    /// (Vandenhende et al. 2022).
    case similarityWeighted(lambda: Float, temperature: Float, keepFraction: Float)

    /// The name used in files and on the command line.
    public var name: String {
      switch self {
      case .saliencyPartition: "partition"
      case .greedy: "greedy"
      case .similarityWeighted: "similarity"
      }
    }
  }

  /// The settings of the three searches, by method name.
  public struct Settings: Codable, Sendable, Equatable {
    /// References per input, the saliency partition's top-m filter and σ (map cells), the edit limit.
    public var references = 20, topM = 50, sigma: Float = 0.8, maxSteps = 100
    /// What the top-m filter ranks by.
    public var filter = CandidateFilter.contribution
    /// The similarity-weighted search's λ, τ and kept fraction of pairs.
    public var lambda: Float = 0.4, temperature: Float = 0.1, keepFraction: Float = 0.2
    /// The method names.
    public static let methods = ["partition", "greedy", "similarity"]
    /// The defaults.
    public init() {}

    /// The strategy of method `name` (one of `methods`).
    public func strategy(_ name: String) -> Strategy {
      switch name {
      case "partition": return .saliencyPartition(sigma: sigma, topM: topM, filter: filter)
      case "greedy": return .greedy
      case "similarity": return .similarityWeighted(lambda: lambda, temperature: temperature, keepFraction: keepFraction)
      default: preconditionFailure("FeatureReplacement.Settings.strategy: no method \(name); methods are \(Self.methods)")
      }
    }
  }

  /// Which reference cells the saliency partition's top-m filter keeps.
  public enum CandidateFilter: String, Codable, Sendable, CaseIterable {
    /// The m reference cells contributing most to the true class (their own saliency partition
    /// scores s̃ on their reference's map), once per search.
    case contribution
    /// The m reference cells most cosine-similar to the chosen cell, at every step.
    case similarity
  }

  /// One replacement.
  public struct Edit: Codable, Sendable, Equatable {
    /// The replaced cell (row-major index into the map), the reference image (index into the
    /// references given) and its cell whose features were put there.
    public var cell: Int, reference: Int, referenceCell: Int
    /// Cosine similarity of the replaced and the new features; class probabilities after it.
    public var cosine: Float, probabilities: [Float]
  }

  /// The outcome of one search.
  public struct Result: Sendable {
    /// The strategy's name; the true and the originally predicted class.
    public var strategy: String, trueClass: Int, originalClass: Int
    /// Whether the true class is predicted after the edits; the edits in order.
    public var succeeded: Bool, edits: [Edit]
    /// Class probabilities before any edit.
    public var originalProbabilities: [Float]
    /// The edited map.
    public var final: FeatureGrid
    /// ΔM_Inv and ΔM_Dom at map resolution (h·w values each, non-negative, not scaled).
    public var invariantMap: [Float], dominantMap: [Float]
    /// Why the search stopped without success ("" when it succeeded).
    public var failure: String
  }

  /// Saliency-partition scores (h·w values) of `targetClass` on `grid`: s_q = p − p̃_q, where
  /// p̃_q is the class probability after multiplying the map by 1 − G_q.
  public static func partitionScores(_ grid: FeatureGrid, head: PooledLinearHead, targetClass: Int, sigma: Float) -> [Float] {
    precondition(grid.channels == head.channels && targetClass >= 0 && targetClass < head.classes && sigma > 0,
                 "FeatureReplacement.partitionScores: map of \(grid.channels) channels, head \(head.classes) × \(head.channels), class \(targetClass), σ \(sigma)")
    let cells = grid.cells
    let p = exp(logSoftmax(head.logits(grid.pooled))[targetClass])
    return (0..<cells).map { centre in
      let (cy, cx) = (Float(centre / grid.width), Float(centre % grid.width))
      // Suppressed pooled features: mean over cells of (1 − G_q(cell))·A_cell.
      var pooled = [Float](repeating: 0, count: grid.channels)
      for cell in 0..<cells {
        let (dy, dx) = (Float(cell / grid.width) - cy, Float(cell % grid.width) - cx)
        let keep = 1 - exp(-(dy * dy + dx * dx) / (2 * sigma * sigma))
        for k in 0..<grid.channels { pooled[k] += keep * grid.values[k * cells + cell] }
      }
      let suppressed = exp(logSoftmax(head.logits(pooled.map { $0 / Float(cells) }))[targetClass])
      return p - suppressed
    }
  }

  /// Searches edits of `query` (a misclassified image's map, true class `trueClass`) from the
  /// maps of `references` (correctly classified images of the true class) until the head
  /// predicts the true class, at most `maxSteps` edits.
  public static func search(query: FeatureGrid, references: [FeatureGrid], head: PooledLinearHead, trueClass: Int,
                            strategy: Strategy, maxSteps: Int = 100, dualMapSigma: Float = 0.8) -> Result {
    precondition(!references.isEmpty && references.allSatisfy { $0.channels == query.channels && $0.cells == query.cells }
                 && query.channels == head.channels && trueClass >= 0 && trueClass < head.classes && maxSteps >= 0,
                 "FeatureReplacement.search: query [\(query.channels), \(query.height), \(query.width)], \(references.count) references, head \(head.classes) × \(head.channels), class \(trueClass)")
    let cells = query.cells, scale = 1 / Float(cells)
    // Candidates: every cell of every reference, with W·v precomputed.
    let candidates: [(reference: Int, cell: Int, vector: [Float])] = references.enumerated().flatMap { r, grid in
      (0..<cells).map { (reference: r, cell: $0, vector: grid.cell($0)) }
    }
    let projected = candidates.map { head.project($0.vector) }
    var grid = query
    var logits = head.logits(grid.pooled)
    let originalProbabilities = logSoftmax(logits).map { exp($0) }
    let originalClass = argmax(logits)
    var editedCells = Set<Int>(), usedCandidates = Set<Int>()
    var edits: [Edit] = []
    var failure = ""
    // The reference cells' saliency-partition scores for the true class (the contribution filter), computed once.
    var contributions: [Float]?

    while argmax(logits) != trueClass {
      guard edits.count < maxSteps else { failure = "no flip after \(maxSteps) edits"; break }
      let open = (0..<cells).filter { !editedCells.contains($0) }
      let free = candidates.indices.filter { !usedCandidates.contains($0) }
      guard !open.isEmpty && !free.isEmpty else { failure = "every cell replaced without a flip"; break }
      let queryVectors = Dictionary(uniqueKeysWithValues: open.map { ($0, grid.cell($0)) })
      let queryProjected = queryVectors.mapValues { head.project($0) }
      // log p(true) after putting candidate j in cell q.
      func truthScore(_ q: Int, _ j: Int) -> Float {
        let a = queryProjected[q]!, v = projected[j]
        return logSoftmax((0..<head.classes).map { logits[$0] + (v[$0] - a[$0]) * scale })[trueClass]
      }
      var best: (q: Int, j: Int, score: Float)?
      func consider(_ q: Int, _ j: Int, _ score: Float) {
        if best == nil || score > best!.score { best = (q, j, score) }
      }
      switch strategy {
      case .saliencyPartition(let sigma, let topM, let filter):
        let scores = partitionScores(grid, head: head, targetClass: argmax(logits), sigma: sigma)
        let q = open.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }!
        let ranked: [(j: Int, key: Float)]
        switch filter {
        case .similarity: ranked = free.map { (j: $0, key: cosine(queryVectors[q]!, candidates[$0].vector)) }
        case .contribution:
          if contributions == nil {
            contributions = references.flatMap { partitionScores($0, head: head, targetClass: trueClass, sigma: sigma) }
          }
          ranked = free.map { (j: $0, key: contributions![$0]) }
        }
        let kept = ranked.sorted { $0.key > $1.key || ($0.key == $1.key && $0.j < $1.j) }.prefix(Swift.max(topM, 1))
        for (j, _) in kept { consider(q, j, cosine(queryVectors[q]!, candidates[j].vector) + truthScore(q, j)) }
      case .greedy:
        for q in open { for j in free { consider(q, j, truthScore(q, j)) } }
      case .similarityWeighted(let lambda, let temperature, let keepFraction):
        var pairs: [(q: Int, j: Int, cosine: Float)] = []
        pairs.reserveCapacity(open.count * free.count)
        var logNormaliser: [Int: Float] = [:]
        for q in open {
          let row = free.map { cosine(queryVectors[q]!, candidates[$0].vector) }
          let top = row.max()!
          logNormaliser[q] = top / temperature + log(row.reduce(Float(0)) { $0 + exp(($1 - top) / temperature) })
          for (slot, j) in free.enumerated() { pairs.append((q, j, row[slot])) }
        }
        let keep = Swift.max(1, Int((Float(pairs.count) * keepFraction).rounded(.up)))
        let kept = pairs.sorted { $0.cosine > $1.cosine || ($0.cosine == $1.cosine && ($0.q, $0.j) < ($1.q, $1.j)) }.prefix(keep)
        for pair in kept { consider(pair.q, pair.j, truthScore(pair.q, pair.j) + lambda * (pair.cosine / temperature - logNormaliser[pair.q]!)) }
      }
      let (q, j, _) = best!
      let similarity = cosine(queryVectors[q]!, candidates[j].vector)
      for c in 0..<head.classes { logits[c] += (projected[j][c] - queryProjected[q]![c]) * scale }
      grid.setCell(q, to: candidates[j].vector)
      editedCells.insert(q)
      usedCandidates.insert(j)
      // The logits from the edited map itself, so that rounding does not accumulate.
      logits = head.logits(grid.pooled)
      edits.append(Edit(cell: q, reference: candidates[j].reference, referenceCell: candidates[j].cell, cosine: similarity,
                        probabilities: logSoftmax(logits).map { exp($0) }))
    }
    let succeeded = argmax(logits) == trueClass
    let (invariant, dominant) = dualMaps(original: query, final: grid, head: head, originalClass: originalClass, trueClass: trueClass, sigma: dualMapSigma)
    return Result(strategy: strategy.name, trueClass: trueClass, originalClass: originalClass, succeeded: succeeded, edits: edits,
                  originalProbabilities: originalProbabilities, final: grid, invariantMap: invariant, dominantMap: dominant,
                  failure: succeeded ? "" : failure)
  }

  /// ΔM_Inv = s⁰·Σ_k ReLU(h⁰_k − h*_k) and ΔM_Dom = s*·Σ_k ReLU(h*_k − h⁰_k), h·w values each.
  public static func dualMaps(original: FeatureGrid, final: FeatureGrid, head: PooledLinearHead, originalClass: Int, trueClass: Int,
                              sigma: Float) -> (invariant: [Float], dominant: [Float]) {
    precondition(original.channels == final.channels && original.cells == final.cells, "FeatureReplacement.dualMaps: maps of different shapes")
    let before = partitionScores(original, head: head, targetClass: originalClass, sigma: sigma).map { Swift.max($0, 0) }
    let after = partitionScores(final, head: head, targetClass: trueClass, sigma: sigma).map { Swift.max($0, 0) }
    let cells = original.cells
    var lost = [Float](repeating: 0, count: cells), gained = [Float](repeating: 0, count: cells)
    for k in 0..<original.channels {
      for cell in 0..<cells {
        let d = original.values[k * cells + cell] - final.values[k * cells + cell]
        if d > 0 { lost[cell] += d } else { gained[cell] -= d }
      }
    }
    return ((0..<cells).map { before[$0] * lost[$0] }, (0..<cells).map { after[$0] * gained[$0] })
  }

  /// The indices of the `count` images of `pool` nearest to `features` (Euclidean, pooled
  /// features) among those labelled and predicted `trueClass`, nearest first; `exclude` is left out.
  public static func nearestCorrect(to features: [Float], pool: [[Float]], labels: [Int], predictions: [Int], trueClass: Int,
                                    count: Int, exclude: Int? = nil) -> [Int] {
    precondition(pool.count == labels.count && labels.count == predictions.count && count > 0, "FeatureReplacement.nearestCorrect: \(pool.count) features, \(labels.count) labels, \(predictions.count) predictions")
    let eligible = pool.indices.filter { labels[$0] == trueClass && predictions[$0] == trueClass && $0 != exclude }
    let distances = eligible.map { i in (i, zip(pool[i], features).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }) }
    return distances.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(count).map(\.0)
  }

  /// The "feature sources" picture: image [C, H, W] (planar values) with the pixel block of every
  /// edited cell copied from the block of its reference cell in `references` (images of the same
  /// shape, indexed as the edits' `reference`); the map's cell (i, j) covers rows
  /// ⌊i·H/h⌋ ..< ⌊(i+1)·H/h⌋ and the columns likewise.
  public static func sourceComposite(image: [Float], references: [[Float]], edits: [Edit], channels: Int, height: Int, width: Int,
                                     mapHeight: Int, mapWidth: Int) -> [Float] {
    let plane = height * width
    precondition(image.count == channels * plane && references.allSatisfy { $0.count == image.count } && mapHeight > 0 && mapWidth > 0,
                 "FeatureReplacement.sourceComposite: image \(image.count) values for [\(channels), \(height), \(width)]")
    func block(_ cell: Int) -> (rows: Range<Int>, columns: Range<Int>) {
      let (i, j) = (cell / mapWidth, cell % mapWidth)
      return ((i * height / mapHeight)..<((i + 1) * height / mapHeight), (j * width / mapWidth)..<((j + 1) * width / mapWidth))
    }
    var out = image
    for edit in edits {
      precondition(references.indices.contains(edit.reference) && edit.cell < mapHeight * mapWidth && edit.referenceCell < mapHeight * mapWidth,
                   "FeatureReplacement.sourceComposite: edit \(edit.cell) ← \(edit.reference):\(edit.referenceCell) outside \(references.count) references of \(mapHeight)×\(mapWidth) cells")
      let (target, source) = (block(edit.cell), block(edit.referenceCell))
      for c in 0..<channels {
        for (ty, sy) in zip(target.rows, source.rows) {
          for (tx, sx) in zip(target.columns, source.columns) { out[c * plane + ty * width + tx] = references[edit.reference][c * plane + sy * width + sx] }
        }
      }
    }
    return out
  }
}
