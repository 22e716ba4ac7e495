import Foundation
import Testing
import Tensor
@testable import Clustering

@Suite struct TagExplanationsTests {
  /// Random Q with entries on a coarse grid (so ties occur) in [0, 1].
  static func randomQ(clusters: Int, tags: Int, seed: UInt64) -> [[Double]] {
    var rng = RandomGenerator(seed: seed)
    return (0..<clusters).map { _ in (0..<tags).map { _ in Double(rng.nextInt(below: 11)) / 10 } }
  }

  @Test(arguments: Array(UInt64(1)...40))
  func branchAndBoundMatchesBruteForce(_ seed: UInt64) {
    let clusters = 2 + Int(seed % 3), tags = clusters == 4 ? 5 : 6
    let q = Self.randomQ(clusters: clusters, tags: tags, seed: seed)
    var rng = RandomGenerator(seed: seed &+ 1000)
    let alpha = 0.5 + Double(rng.nextInt(below: 12)) / 10, beta = 0.6 + Double(rng.nextInt(below: 15)) / 10
    let exact = TagExplanations.bruteForce(q, alpha: alpha, beta: beta)
    do {
      let solved = try TagExplanations.solve(q, alpha: alpha, beta: beta)
      guard let exact else { Issue.record("solved an infeasible instance: \(q), α \(alpha), β \(beta)"); return }
      #expect(solved.tagCount == exact.tagCount, "Q \(q), α \(alpha), β \(beta)")
      #expect(Swift.abs(solved.coveredMass - exact.coveredMass) < 1e-9)
      // The answer satisfies both constraint families and counts what it reports.
      for (i, chosen) in solved.tags.enumerated() {
        var covered = 0.0
        for j in chosen { covered += q[i][j] }
        #expect(covered >= alpha - 1e-9)
      }
      for j in 0..<tags {
        var load = 0.0
        for (i, chosen) in solved.tags.enumerated() where chosen.contains(j) { load += q[i][j] }
        #expect(load <= beta + 1e-9)
      }
      #expect(solved.tags.map(\.count).reduce(0, +) == solved.tagCount)
    } catch {
      #expect(exact == nil, "reported \(error) for a feasible instance")
      #expect(error == .infeasible(alpha: alpha, beta: beta))
    }
  }

  @Test func attributeConjunctionsGetTheirDistinctTags() throws {
    // Two clusters sharing tag 0 fully; each has one tag of its own; β = 1.5 forbids sharing.
    let q: [[Double]] = [[1, 1, 0, 0.5], [1, 0, 1, 0.5]]
    let solved = try TagExplanations.solve(q, alpha: 1, beta: 1.5)
    #expect(solved.tagCount == 2)
    #expect(Set(solved.tags.flatMap { $0 }).count == 2, "no tag explains both: \(solved.tags)")
    #expect(throws: TagExplanationError.infeasible(alpha: 3, beta: 1.5)) { try TagExplanations.solve(q, alpha: 3, beta: 1.5) }
  }

  @Test func frequenciesCoverageAndInverseTagFrequency() {
    let labels = [0, 0, 1, 1, 1]
    let tags: [[Bool]] = [[true, false], [true, true], [false, true], [false, true], [true, false]]
    let q = TagExplanations.frequencies(labels: labels, tags: tags, clusters: 2)
    let expectedQ: [[Double]] = [[1, 0.5], [1.0 / 3, 2.0 / 3]]
    #expect(q == expectedQ)
    let covered = TagExplanations.coverage(labels: labels, tags: tags, explanation: [[0], [1]]), expectedCoverage: [Double] = [1, 2.0 / 3]
    #expect(covered == expectedCoverage)
    // Disjoint explanations score log K; one tag shared by both scores 0.
    #expect(Swift.abs(TagExplanations.inverseTagFrequency([[0], [1]]) - Foundation.log(2.0)) < 1e-12)
    #expect(TagExplanations.inverseTagFrequency([[0], [0]]) == 0)
  }

  @Test func ensembleAgreementAndWeights() {
    let a = [0, 0, 1, 1, 2, 2], b = [1, 1, 0, 0, 2, 2], c = [0, 1, 0, 1, 0, 1]
    let members = [EnsembleMember(name: "a", labels: a), EnsembleMember(name: "b", labels: b), EnsembleMember(name: "c", labels: c)]
    let nmi = ClusteringEnsemble.pairwiseNMI(members)
    #expect(Swift.abs(nmi[0][1] - 1) < 1e-12)
    #expect(Swift.abs(ClusteringEnsemble.agreement(nmi) - (nmi[0][1] + nmi[0][2] + nmi[1][2]) / 3) < 1e-12)
    let w = ClusteringEnsemble.weights(nmi)
    let total: Double = w.reduce(0, +)
    #expect(Swift.abs(total - 1) < 1e-12)
    #expect(w[0] > w[2] && Swift.abs(w[0] - w[1]) < 1e-12)
    // b's ids map onto a's.
    #expect(ClusteringEnsemble.alignment(of: b, to: a, clusterCount: 3) == [1, 0, 2])
  }

  @Test func ensembleRecoversSeparatedBlobs() {
    var rng = RandomGenerator(seed: 3)
    let centres: [[Double]] = [[0, 0], [10, 0], [0, 10]]
    var values: [Double] = [], truth: [Int] = []
    for i in 0..<90 {
      let c = i % 3
      values += [centres[c][0] + Double(rng.nextNormal()), centres[c][1] + Double(rng.nextNormal())]
      truth.append(c)
    }
    let members = ClusteringEnsemble.cluster(PointMatrix(rows: 90, columns: 2, values: values), clusterCount: 3, seed: 1)
    #expect(members.map(\.name) == ClusteringEnsemble.memberNames)
    for m in members { #expect(ClusteringMetrics.adjustedRandIndex(m.labels, truth) == 1, "\(m.name)") }
    #expect(ClusteringEnsemble.agreement(ClusteringEnsemble.pairwiseNMI(members)) > 0.999)
  }
}

@Suite struct PCATests {
  @Test func recoversKnownAxesAndOrthonormalComponents() throws {
    // Variance 9 along (1, 1, 0)/√2, 1 along (1, −1, 0)/√2, 0.01 along z.
    var rng = RandomGenerator(seed: 11)
    var values: [Double] = []
    for _ in 0..<4000 {
      let a = 3 * Double(rng.nextNormal()), b = Double(rng.nextNormal()), c = 0.1 * Double(rng.nextNormal())
      values += [(a + b) / 2.0.squareRoot() + 5, (a - b) / 2.0.squareRoot() - 2, c]
    }
    let points = PointMatrix(rows: 4000, columns: 3, values: values)
    let pca = try PCA.fit(points, components: 2)
    #expect(Swift.abs(Swift.abs(pca.components[0][0] * pca.components[0][1]) - 0.5) < 0.01)
    #expect(pca.explainedVariance[0] > 8 && pca.explainedVariance[0] < 10 && pca.explainedVariance[1] > 0.8 && pca.explainedVariance[1] < 1.2)
    let dot = zip(pca.components[0], pca.components[1]).map { $0 * $1 }.reduce(0, +)
    #expect(Swift.abs(dot) < 1e-5)
    // Projections are centred and their variances are the explained variances.
    let projected = pca.transform(points)
    for c in 0..<2 {
      let column = (0..<4000).map { projected[$0, c] }
      let mean = column.reduce(0, +) / 4000, variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4000
      #expect(Swift.abs(mean) < 1e-3 && Swift.abs(variance - pca.explainedVariance[c]) < 1e-3 * pca.explainedVariance[c])
    }
  }
}

extension PCATests {
  @Test func fewerPointsThanFeaturesGivesTheSameVariances() throws {
    // 12 points in 20 dimensions: the Gram route; the same points padded with copies take the
    // covariance route and have the same principal variances up to the n/(n) scaling (copies
    // keep the covariance).
    var rng = RandomGenerator(seed: 12)
    let rows = (0..<12).map { _ in (0..<20).map { _ in Double(rng.nextNormal()) } }
    let few = try PCA.fit(PointMatrix(rows), components: 5)
    let many = try PCA.fit(PointMatrix(rows + rows), components: 5)
    for c in 0..<5 {
      #expect(Swift.abs(few.explainedVariance[c] - many.explainedVariance[c]) < 1e-4 * many.explainedVariance[0])
      let dot = zip(few.components[c], many.components[c]).map { $0 * $1 }.reduce(0, +)
      #expect(Swift.abs(Swift.abs(dot) - 1) < 1e-3, "component \(c): |cos| \(Swift.abs(dot))")
    }
  }
}
