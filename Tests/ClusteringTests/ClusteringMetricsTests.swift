import Foundation
import Testing
@testable import Clustering

@Suite struct ClusteringMetricsTests {
  @Test(arguments: Goldens.shared.labelings.map(\.name))
  func scoresMatchScikitLearn(_ name: String) {
    let golden = Goldens.shared.labelings.first { $0.name == name }!
    let nmi = ClusteringMetrics.normalizedMutualInformation(golden.first, golden.second)
    let ari = ClusteringMetrics.adjustedRandIndex(golden.first, golden.second)
    let accuracy = ClusteringMetrics.accuracy(truth: golden.first, predicted: golden.second)
    #expect(abs(nmi - golden.nmi) <= 1e-9, "\(name): NMI \(nmi) vs sklearn \(golden.nmi)")
    #expect(abs(ari - golden.ari) <= 1e-9, "\(name): ARI \(ari) vs sklearn \(golden.ari)")
    #expect(abs(accuracy - golden.accuracy) <= 1e-9, "\(name): ACC \(accuracy) vs \(golden.accuracy)")
  }

  @Test func scoresAreSymmetricAndIgnoreLabelNames() {
    let a = [0, 0, 1, 1, 2, 2, 2, 0, 1]
    let b = [5, 5, 5, 9, 9, 1, 1, 1, 9]
    let renamed = b.map { $0 * 3 - 100 }
    #expect(ClusteringMetrics.normalizedMutualInformation(a, b) == ClusteringMetrics.normalizedMutualInformation(b, a))
    #expect(abs(ClusteringMetrics.adjustedRandIndex(a, b) - ClusteringMetrics.adjustedRandIndex(b, a)) <= 1e-15)
    #expect(ClusteringMetrics.adjustedRandIndex(a, b) == ClusteringMetrics.adjustedRandIndex(a, renamed))
    #expect(ClusteringMetrics.normalizedMutualInformation(a, b) == ClusteringMetrics.normalizedMutualInformation(a, renamed))
  }

  @Test func contingencyTableCountsPairs() {
    let table = ContingencyTable([3, 3, 1, 1, 1], [0, 2, 2, 2, 0])
    #expect(table.rowLabels == [1, 3])
    #expect(table.columnLabels == [0, 2])
    #expect(table.counts == [[1, 2], [1, 1]])
    #expect(table.rowSums == [3, 2])
    #expect(table.columnSums == [2, 3])
    #expect(table.total == 5)
  }

  @Test func entropyAndMutualInformationOfSimpleCases() {
    #expect(abs(ClusteringMetrics.entropy([0, 1, 0, 1]) - log(2.0)) <= 1e-15)
    #expect(ClusteringMetrics.entropy([4, 4, 4]) == 0)
    #expect(abs(ClusteringMetrics.mutualInformation([0, 0, 1, 1], [1, 1, 0, 0]) - log(2.0)) <= 1e-15)
    #expect(ClusteringMetrics.mutualInformation([0, 0, 0, 0], [0, 1, 2, 3]) == 0)
  }

  @Test(arguments: Goldens.shared.silhouette.map(\.name))
  func silhouetteMatchesScikitLearn(_ name: String) {
    let golden = Goldens.shared.silhouette.first { $0.name == name }!
    let points = Goldens.shared.blobPoints
    let samples = Silhouette.samples(points, labels: golden.labels)
    let score = Silhouette.score(points, labels: golden.labels)
    #expect(abs(score - golden.score) <= 1e-9, "\(name): \(score) vs sklearn \(golden.score)")
    let worst = zip(samples, golden.samples).map { abs($0 - $1) }.max()!
    #expect(worst <= 1e-9, "\(name): largest per-point difference \(worst)")
    #expect(samples.allSatisfy { (-1...1).contains($0) })
    if name == "singleton cluster" { #expect(samples[0] == 0) }
  }
}
