import Images
import Tensor
import Testing

/// Mode alignment on hand-made counts, and the post-hoc classifier's accuracy at both ends.
struct CounterfactualMetricsTests {
  @Test func perfectAndSwappedDirectionsAlignFully() {
    // Direction 0 always shows attribute 1, direction 1 attribute 0: the matching swaps them.
    let directionOf = [0, 0, 0, 1, 1, 1]
    let attributeOf: [Int?] = [1, 1, 1, 0, 0, 0]
    let result = CounterfactualMetrics.modeAlignment(directionOf: directionOf, attributeOf: attributeOf, directions: 2, attributes: 2)
    #expect(result.accuracy == 1 && result.matchedDirection == [1, 0] && result.counts == [[0, 3], [3, 0]])
  }

  @Test func oneDirectionCoversOneModeAtMost() {
    // One direction for two modes: the unmatched mode scores 0, so at most 0.5.
    let result = CounterfactualMetrics.modeAlignment(directionOf: [0, 0, 0, 0], attributeOf: [0, 0, 0, 1], directions: 1, attributes: 2)
    #expect(result.perAttribute == [0.75, 0] && result.accuracy == 0.375)
  }

  @Test func unflippedAndWrongAttributesCountAgainst() {
    let result = CounterfactualMetrics.modeAlignment(directionOf: [0, 0, 1, 1, 2, 2], attributeOf: [0, nil, 1, 1, 1, nil], directions: 3, attributes: 2)
    #expect(result.matchedDirection == [0, 1] && result.perAttribute == [0.5, 1] && result.accuracy == 0.75)
  }

  @Test func posthocAccuracyIsHighOnSeparableDataAndNearChanceOnNoise() {
    var rng = RandomGenerator(seed: 9)
    let noise = Tensor.normal([200, 5], using: &rng).scalars
    let labels = (0..<200).map { $0 % 2 }
    let train = (0..<200).map { $0 < 100 }
    var separable: [[Float]] = []
    for i in 0..<200 {
      var row = Array(noise[(i * 5)..<(i * 5 + 5)])
      row[0] += Float(labels[i]) * 4
      separable.append(row)
    }
    #expect(CounterfactualMetrics.posthocAccuracy(features: separable, labels: labels, classes: 2, train: train, seed: 1) > 0.95)
    let random: [[Float]] = (0..<200).map { i in Array(noise[(i * 5)..<(i * 5 + 5)]) }
    let chance = CounterfactualMetrics.posthocAccuracy(features: random, labels: labels, classes: 2, train: train, steps: 100, seed: 1)
    #expect(chance > 0.3 && chance < 0.7)
  }

  @Test func importanceIsOneForRisingSweepsAndNegativeForFallingOnes() {
    let rising = (0..<5).map { StrengthProbe(strength: Float($0) * 0.5, probability: Float($0 * $0) / 16) }
    let falling = rising.map { StrengthProbe(strength: $0.strength, probability: 1 - $0.probability) }
    let flat = [StrengthProbe(strength: 0, probability: 0.3), StrengthProbe(strength: 1, probability: 0.3)]
    let up = CounterfactualMetrics.importance([rising, rising])
    #expect(up.spearman == 1 && up.sweeps == 2 && up.pearson! > 0.9)
    // A flat sweep has no ρ and is left out of the mean; a falling one pulls it to 0.
    let mixed = CounterfactualMetrics.importance([rising, falling, flat])
    #expect(mixed.sweeps == 2 && abs(mixed.spearman!) < 1e-12)
    #expect(CounterfactualMetrics.importance([flat]).spearman == nil)
  }

  @Test func substitutabilityIsNearOneForRealLikeDataAndLowForWrongLabels() {
    // Two Gaussian classes apart along the first feature.
    var rng = RandomGenerator(seed: 4)
    func sample(_ n: Int) -> (rows: [[Float]], labels: [Int]) {
      let noise = Tensor.normal([n, 4], using: &rng).scalars
      let labels = (0..<n).map { $0 % 2 }
      return ((0..<n).map { i in var row = Array(noise[(i * 4)..<(i * 4 + 4)]); row[0] += Float(labels[i]) * 4; return row }, labels)
    }
    let real = sample(100), synthetic = sample(100), test = sample(200)
    let same = CounterfactualMetrics.substitutability(synthetic: synthetic.rows, syntheticLabels: synthetic.labels, real: real.rows, realLabels: real.labels,
                                                      test: test.rows, testLabels: test.labels, classes: 2, seed: 1)
    #expect(same.realAccuracy > 0.95 && abs(same.ratio - 1) < 0.05 && same.trainingRows == 100)
    // Counterfactuals labelled the wrong way round teach the opposite decision.
    let swapped = CounterfactualMetrics.substitutability(synthetic: synthetic.rows, syntheticLabels: synthetic.labels.map { 1 - $0 }, real: real.rows, realLabels: real.labels,
                                                         test: test.rows, testLabels: test.labels, classes: 2, seed: 1)
    #expect(swapped.ratio < 0.1)
  }
}
