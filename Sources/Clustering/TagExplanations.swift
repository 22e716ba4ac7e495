// Cluster explanations by semantic tags, after Zhang and Davidson, "Deep Descriptive Clustering"
// (IJCAI 2021): with Q the cluster × tag matrix of tag frequencies (Q_ij = fraction of cluster i's
// members carrying tag j), choose binary W minimising the number of tags used,
//   min Σ_ij W_ij   s.t.   Σ_j W_ij Q_ij ≥ α  for every cluster i   (each explanation covers it)
//                          Σ_i W_ij Q_ij ≤ β  for every tag j       (no tag explains many clusters)
// solved exactly by depth-first branch and bound: clusters in order, for each the tags in
// descending Q_ij; a branch is cut when its tags so far plus a lower bound on the tags every
// unfinished cluster still needs (fewest of its largest Q's reaching its residual, loads ignored)
// cannot beat the best solution. Ties in the count go to the larger total covered mass Σ W_ij Q_ij.
// Explanations are scored by tag coverage (TC) and inverse tag frequency (ITF), as that paper
// defines them (see `coverage` and `inverseTagFrequency`).

import Foundation

/// A solved explanation problem.
public struct TagExplanation: Sendable, Equatable {
  /// Chosen tag indices per cluster (ascending).
  public var tags: [[Int]]
  /// Tags used in all (the objective) and Σ_ij W_ij Q_ij.
  public var tagCount: Int, coveredMass: Double
  /// Branch-and-bound nodes visited.
  public var nodes: Int
}

/// Why an explanation problem has no answer.
public enum TagExplanationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No W satisfies both constraint families.
  case infeasible(alpha: Double, beta: Double)
  /// The search passed its node limit before proving optimality.
  case nodeLimit(Int)

  public var description: String {
    switch self {
    case .infeasible(let a, let b): "no tag choice covers every cluster with Σ Q ≥ \(a) while no tag's Σ over clusters exceeds \(b); lower α or raise β"
    case .nodeLimit(let n): "the branch and bound passed \(n) nodes without proving optimality; lower the number of tags or clusters"
    }
  }
}

/// The DDC covering integer program and its scores.
public enum TagExplanations {
  /// Q: the fraction of each cluster's members carrying each tag. Shapes: labels [n] in
  /// 0..<clusters, tags [n][T] → [clusters][T] (an empty cluster gets a row of zeros).
  public static func frequencies(labels: [Int], tags: [[Bool]], clusters: Int) -> [[Double]] {
    precondition(labels.count == tags.count && labels.allSatisfy { $0 >= 0 && $0 < clusters },
                 "TagExplanations.frequencies: \(labels.count) labels in 0..<\(clusters) for \(tags.count) tag rows")
    let t = tags.first?.count ?? 0
    var counts = [[Double]](repeating: [Double](repeating: 0, count: t), count: clusters), sizes = [Double](repeating: 0, count: clusters)
    for (label, row) in zip(labels, tags) {
      sizes[label] += 1
      for (j, on) in row.enumerated() where on { counts[label][j] += 1 }
    }
    return counts.enumerated().map { i, row in row.map { sizes[i] > 0 ? $0 / sizes[i] : 0 } }
  }

  /// The optimal W for `q` ([clusters][tags], entries in [0, 1]), exactly; throws when no W is
  /// feasible or after `nodeLimit` search nodes.
  public static func solve(_ q: [[Double]], alpha: Double, beta: Double, nodeLimit: Int = 20_000_000) throws(TagExplanationError) -> TagExplanation {
    let k = q.count, t = q.first?.count ?? 0
    precondition(q.allSatisfy { $0.count == t }, "TagExplanations.solve: ragged Q (\(q.map(\.count)))")
    precondition(alpha > 0 && beta > 0, "TagExplanations.solve: α \(alpha) and β \(beta) must be positive")
    let eps = 1e-12
    // When no tag's column sum exceeds β, the per-tag constraints cannot bind and the clusters
    // separate: each is solved alone (the same optimum, found without the joint search).
    if k > 1 && (0..<t).allSatisfy({ j in q.map { $0[j] }.reduce(0, +) <= beta + eps }) {
      var parts: [TagExplanation] = []
      for row in q { parts.append(try solve([row], alpha: alpha, beta: beta, nodeLimit: nodeLimit)) }
      return TagExplanation(tags: parts.map { $0.tags[0] }, tagCount: parts.map(\.tagCount).reduce(0, +),
                            coveredMass: parts.map(\.coveredMass).reduce(0, +), nodes: parts.map(\.nodes).reduce(0, +))
    }
    // Tags of each cluster, descending Q (ties by index), and the fewest tags reaching α alone.
    let order = q.map { row in row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 } }
    func fewest(_ i: Int, from start: Int, need: Double) -> Int? {
      if need <= eps { return 0 }
      var sum = 0.0
      for (count, p) in order[i][start...].enumerated() {
        sum += q[i][p]
        if sum >= need - eps { return count + 1 }
      }
      return nil
    }
    var alone: [Int] = []
    for i in 0..<k {
      guard let m = fewest(i, from: 0, need: alpha) else { throw .infeasible(alpha: alpha, beta: beta) }
      alone.append(m)
    }
    // suffix[i] = Σ_{i' ≥ i} alone[i'].
    var suffix = [Int](repeating: 0, count: k + 1)
    for i in stride(from: k - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + alone[i] }
    var load = [Double](repeating: 0, count: t)
    var chosen = [[Int]](repeating: [], count: k)
    var best: (count: Int, mass: Double, tags: [[Int]])? = nil
    var nodes = 0, overLimit = false
    var used = 0, mass = 0.0

    func better(_ count: Int, _ m: Double) -> Bool {
      guard let best else { return true }
      return count < best.count || (count == best.count && m > best.mass + 1e-12)
    }
    // Cluster i, considering its tags order[i][position...], coverage so far `covered`.
    func search(_ i: Int, _ position: Int, _ covered: Double) {
      if overLimit { return }
      nodes += 1
      if nodes > nodeLimit { overLimit = true; return }
      if i == k {
        if better(used, mass) { best = (used, mass, chosen.map { $0.sorted() }) }
        return
      }
      if covered >= alpha - eps {
        search(i + 1, 0, 0)
        return
      }
      guard let still = fewest(i, from: position, need: alpha - covered) else { return }
      if let best, used + still + suffix[i + 1] > best.count { return }
      for p in position..<t {
        let j = order[i][p], value = q[i][j]
        if value <= eps { break }
        guard load[j] + value <= beta + eps else { continue }
        // Bound again for this choice: one tag now plus what the rest needs after it.
        if let best, used + 1 + (fewest(i, from: p + 1, need: alpha - covered - value) ?? (t + 1)) + suffix[i + 1] > best.count { continue }
        load[j] += value
        chosen[i].append(j)
        used += 1
        mass += value
        search(i, p + 1, covered + value)
        mass -= value
        used -= 1
        chosen[i].removeLast()
        load[j] -= value
        if overLimit { return }
      }
    }
    search(0, 0, 0)
    if overLimit { throw .nodeLimit(nodeLimit) }
    guard let best else { throw .infeasible(alpha: alpha, beta: beta) }
    return TagExplanation(tags: best.tags, tagCount: best.count, coveredMass: best.mass, nodes: nodes)
  }

  /// Every feasible W by enumeration (tests only: 2^(clusters·tags) candidates), the optimum as
  /// `solve` defines it, or nil when none is feasible.
  public static func bruteForce(_ q: [[Double]], alpha: Double, beta: Double) -> (tagCount: Int, coveredMass: Double)? {
    let k = q.count, t = q.first?.count ?? 0, bits = k * t
    precondition(bits <= 24, "TagExplanations.bruteForce: \(k) × \(t) is too large to enumerate")
    var best: (Int, Double)? = nil
    for mask in 0..<(1 << bits) {
      var ok = true, m = 0.0
      for i in 0..<k where ok {
        var c = 0.0
        for j in 0..<t where mask & (1 << (i * t + j)) != 0 { c += q[i][j] }
        if c < alpha - 1e-12 { ok = false }
        m += c
      }
      for j in 0..<t where ok {
        var l = 0.0
        for i in 0..<k where mask & (1 << (i * t + j)) != 0 { l += q[i][j] }
        if l > beta + 1e-12 { ok = false }
      }
      guard ok else { continue }
      let count = mask.nonzeroBitCount
      if best == nil || count < best!.0 || (count == best!.0 && m > best!.1 + 1e-12) { best = (count, m) }
    }
    return best.map { (tagCount: $0.0, coveredMass: $0.1) }
  }

  /// Tag coverage per cluster: the fraction of its members carrying at least one of its
  /// explanation's tags (a cluster with no members or no tags scores 0). Shapes: labels [n],
  /// tags [n][T], explanation [clusters][chosen] → [clusters].
  public static func coverage(labels: [Int], tags: [[Bool]], explanation: [[Int]]) -> [Double] {
    precondition(labels.count == tags.count, "TagExplanations.coverage: \(labels.count) labels for \(tags.count) tag rows")
    var covered = [Double](repeating: 0, count: explanation.count), sizes = [Double](repeating: 0, count: explanation.count)
    for (label, row) in zip(labels, tags) {
      sizes[label] += 1
      if explanation[label].contains(where: { row[$0] }) { covered[label] += 1 }
    }
    return zip(covered, sizes).map { $1 > 0 ? $0 / $1 : 0 }
  }

  /// Inverse tag frequency: (1/K) Σ_i (1/|D_i|) Σ_{t ∈ D_i} log(K / n_t), n_t the number of
  /// explanations holding t; log K when no tag is shared, 0 when every tag explains every cluster
  /// (clusters without tags count 0).
  public static func inverseTagFrequency(_ explanation: [[Int]]) -> Double {
    let k = Double(explanation.count)
    guard k > 0 else { return 0 }
    var uses: [Int: Int] = [:]
    for d in explanation { for tag in Set(d) { uses[tag, default: 0] += 1 } }
    let total = explanation.map { d in d.isEmpty ? 0 : d.map { Foundation.log(k / Double(uses[$0]!)) }.reduce(0, +) / Double(d.count) }.reduce(0, +)
    return total / k
  }
}
