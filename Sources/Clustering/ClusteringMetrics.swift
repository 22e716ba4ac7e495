// External clustering scores (comparing two labelings of the same n points) and the
// contingency table they are built on. Labels are arbitrary integers; only which points share a
// label matters, so every score is invariant under renaming the labels.
//
// Each score follows scikit-learn 1.5's definition, including its limit cases, so results can be
// checked against it to rounding error.

import Foundation

/// Counts n_ij of points with label `rowLabels[i]` in one labeling and `columnLabels[j]` in the other.
public struct ContingencyTable: Sendable, Equatable {
  /// The distinct labels of the first labeling, ascending; [r].
  public let rowLabels: [Int]
  /// The distinct labels of the second labeling, ascending; [c].
  public let columnLabels: [Int]
  /// counts[i][j]: points labelled rowLabels[i] and columnLabels[j]; r × c.
  public let counts: [[Int]]

  /// The table of two labelings of the same n points ([n] each).
  public init(_ first: [Int], _ second: [Int]) {
    precondition(first.count == second.count, "ContingencyTable: labelings of \(first.count) and \(second.count) points")
    rowLabels = Array(Set(first)).sorted()
    columnLabels = Array(Set(second)).sorted()
    let rowIndex = Dictionary(uniqueKeysWithValues: rowLabels.enumerated().map { ($1, $0) })
    let columnIndex = Dictionary(uniqueKeysWithValues: columnLabels.enumerated().map { ($1, $0) })
    var counts = [[Int]](repeating: [Int](repeating: 0, count: columnLabels.count), count: rowLabels.count)
    for (a, b) in zip(first, second) { counts[rowIndex[a]!][columnIndex[b]!] += 1 }
    self.counts = counts
  }

  /// Number of points n.
  public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
  /// Points per row label; [r].
  public var rowSums: [Int] { counts.map { $0.reduce(0, +) } }
  /// Points per column label; [c].
  public var columnSums: [Int] { columnLabels.indices.map { j in counts.reduce(0) { $0 + $1[j] } } }
}

/// Scores comparing two labelings of the same points (NMI, ARI, ACC).
public enum ClusteringMetrics {
  /// Shannon entropy (nats) of a labeling [n]: H = −Σ_k (n_k/n) log(n_k/n); 0 for n = 0.
  public static func entropy(_ labels: [Int]) -> Double {
    guard !labels.isEmpty else { return 0 }
    var counts: [Int: Int] = [:]
    for label in labels { counts[label, default: 0] += 1 }
    let n = Double(labels.count)
    return -counts.values.reduce(0.0) { sum, count in
      let p = Double(count) / n
      return sum + p * log(p)
    }
  }

  /// Mutual information (nats) of two labelings [n] each:
  /// I = Σ_ij (n_ij/n) log(n · n_ij / (a_i · b_j)), with a, b the row and column sums.
  public static func mutualInformation(_ first: [Int], _ second: [Int]) -> Double {
    let table = ContingencyTable(first, second)
    let n = Double(table.total)
    guard n > 0 else { return 0 }
    let a = table.rowSums, b = table.columnSums
    var information = 0.0
    for (i, row) in table.counts.enumerated() {
      for (j, count) in row.enumerated() where count > 0 {
        // n·n_ij and a_i·b_j are exact integers in Double, so a single-label side gives log(1) = 0.
        information += Double(count) / n * log(n * Double(count) / (Double(a[i]) * Double(b[j])))
      }
    }
    return Swift.max(information, 0)  // never negative; rounding may leave −1e-17
  }

  /// Normalised mutual information of two labelings [n] each, arithmetic normalisation:
  /// NMI = I / ((H(a) + H(b)) / 2) = 2I / (H(a) + H(b)).
  /// Limit cases as scikit-learn: both labelings a single cluster (or empty) → 1; I = 0 → 0.
  public static func normalizedMutualInformation(_ first: [Int], _ second: [Int]) -> Double {
    precondition(first.count == second.count, "normalizedMutualInformation: labelings of \(first.count) and \(second.count) points")
    let firstClusters = Set(first).count, secondClusters = Set(second).count
    // Neither labeling splits the data: both entropies are 0, a perfect (trivial) match.
    if firstClusters == secondClusters && firstClusters <= 1 { return 1 }
    let information = mutualInformation(first, second)
    if information == 0 { return 0 }
    // I ≤ min(H(a), H(b)) ≤ mean, so the ratio lies in [0, 1] (clamped against rounding).
    return Swift.min(1, information / ((entropy(first) + entropy(second)) / 2))
  }

  /// Adjusted Rand index (Hubert and Arabie 1985) of two labelings [n] each; 1 for identical
  /// partitions, about 0 for independent ones, possibly negative.
  public static func adjustedRandIndex(_ first: [Int], _ second: [Int]) -> Double {
    precondition(first.count == second.count, "adjustedRandIndex: labelings of \(first.count) and \(second.count) points")
    let table = ContingencyTable(first, second)
    // Ordered pairs (i ≠ j) classified by "same cluster in first?" × "same in second?":
    //   same-same  tp = Σ n_ij² − n
    //   diff-same  fp = Σ_j b_j² − Σ n_ij²   (together in second only)
    //   same-diff  fn = Σ_i a_i² − Σ n_ij²   (together in first only)
    //   diff-diff  tn = n² − tp − fp − fn − n
    // The chance-corrected Rand index (RI − E[RI]) / (max RI − E[RI]) under the permutation model
    // simplifies to ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)).
    let n = table.total
    let sumSquares = table.counts.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
    let rowSquares = table.rowSums.reduce(0) { $0 + $1 * $1 }
    let columnSquares = table.columnSums.reduce(0) { $0 + $1 * $1 }
    let tp = Double(sumSquares - n)
    let fp = Double(columnSquares - sumSquares)
    let fn = Double(rowSquares - sumSquares)
    let tn = Double(n) * Double(n) - tp - fp - fn - Double(n)
    // No pair is split by one labeling and joined by the other: identical partitions
    // (this also covers both labelings being one cluster or all singletons, where the formula is 0/0).
    if fn == 0 && fp == 0 { return 1 }
    return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
  }

  /// Clustering accuracy of `predicted` against `truth` ([n] each): the fraction of points whose
  /// predicted cluster maps to their true class under the best one-to-one mapping of clusters
  /// to classes (Hungarian method on the contingency table). Unmapped clusters count as wrong.
  public static func accuracy(truth: [Int], predicted: [Int]) -> Double {
    precondition(truth.count == predicted.count, "accuracy: labelings of \(truth.count) and \(predicted.count) points")
    guard !truth.isEmpty else { return 1 }
    let table = ContingencyTable(predicted, truth)
    let matched = Hungarian.maximumWeightAssignment(table.counts.map { $0.map(Double.init) }).totalCost
    return matched / Double(truth.count)
  }
}
