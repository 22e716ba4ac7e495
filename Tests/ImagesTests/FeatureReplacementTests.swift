import Foundation
@testable import Images
import NN
import Tensor
import TestSupport
import Testing

/// Feature-replacement counterfactuals: the saliency partition equals the classifier's own
/// probability drop under the reversed Gaussian kernel; edits are exact on the map; greedy's
/// choice is the best pair; the search flips a planted error at the planted cell.
@Suite struct FeatureReplacementTests {
  func classifier() -> ImageClassifier {
    var rng = RandomGenerator(seed: 11)
    return ImageClassifier(ImageClassifierConfiguration(channels: 1, height: 16, width: 16, classNames: ["a", "b", "c"], baseChannels: 4, stages: 2), using: &rng)
  }

  /// The class probabilities of a map through the classifier's own head (tensor path).
  func probabilities(_ model: ImageClassifier, _ grid: FeatureGrid) -> [Float] {
    let map = Tensor(shape: [1, grid.channels, grid.height, grid.width], scalars: grid.values)
    return model.head(map.sum(axes: [2, 3]) * (1 / Float(grid.cells))).softmax(axis: 1).scalars
  }

  @Test func partitionScoresAreTheProbabilityDropUnderTheReversedKernel() {
    let model = classifier()
    let grid = FeatureGrid.grids(of: model.featureMap(testTensor([1, 1, 16, 16], seed: 2, in: 0...1)))[0]
    let head = PooledLinearHead(model)
    for targetClass in 0..<3 {
      let scores = FeatureReplacement.partitionScores(grid, head: head, targetClass: targetClass, sigma: 0.8)
      #expect(scores.count == grid.cells)
      let p = probabilities(model, grid)[targetClass]
      for centre in [0, 5, grid.cells - 1] {
        var suppressed = grid
        for cell in 0..<grid.cells {
          let (dy, dx) = (Float(cell / grid.width - centre / grid.width), Float(cell % grid.width - centre % grid.width))
          let keep = 1 - exp(-(dy * dy + dx * dx) / (2 * 0.8 * 0.8))
          for k in 0..<grid.channels { suppressed.values[k * grid.cells + cell] *= keep }
        }
        #expect(abs(scores[centre] - (p - probabilities(model, suppressed)[targetClass])) < 1e-5, "class \(targetClass), cell \(centre)")
      }
    }
  }

  @Test func editsAreExactAndGreedyPicksTheBestPair() {
    let model = classifier()
    let head = PooledLinearHead(model)
    let grids = FeatureGrid.grids(of: model.featureMap(testTensor([4, 1, 16, 16], seed: 4, in: 0...1)))
    let (query, references) = (grids[0], Array(grids[1...]))
    let original = argmax(probabilities(model, query))
    let target = (original + 1) % 3
    for strategy: FeatureReplacement.Strategy in [.greedy, .saliencyPartition(sigma: 0.8, topM: 5, filter: .contribution), .saliencyPartition(sigma: 0.8, topM: 5, filter: .similarity), .similarityWeighted(lambda: 0.4, temperature: 0.1, keepFraction: 0.2)] {
      let result = FeatureReplacement.search(query: query, references: references, head: head, trueClass: target, strategy: strategy, maxSteps: 6)
      // Replaying the edits on the query gives the final map; each edit's probabilities are the
      // classifier's on the map after it.
      var replay = query
      for edit in result.edits {
        replay.setCell(edit.cell, to: references[edit.reference].cell(edit.referenceCell))
        #expect(zip(edit.probabilities, probabilities(model, replay)).allSatisfy { abs($0 - $1) < 1e-5 })
      }
      #expect(replay == result.final)
      #expect(Set(result.edits.map(\.cell)).count == result.edits.count, "\(strategy.name): a cell replaced twice")
      #expect(result.succeeded == (argmax(probabilities(model, result.final)) == target))
      #expect(result.succeeded || result.edits.count == 6 && !result.failure.isEmpty)
      #expect(result.originalClass == original)
    }
    // Greedy's first edit maximises p(target) over every (cell, reference cell) pair.
    let greedy = FeatureReplacement.search(query: query, references: references, head: head, trueClass: target, strategy: .greedy, maxSteps: 1)
    var best: Float = -1
    for r in references.indices {
      for source in 0..<query.cells {
        for cell in 0..<query.cells {
          var edited = query
          edited.setCell(cell, to: references[r].cell(source))
          best = max(best, probabilities(model, edited)[target])
        }
      }
    }
    #expect(abs(greedy.edits[0].probabilities[target] - best) < 1e-5)
  }

  /// A head that reads channel 0 as evidence for class 1 and channel 1 for class 0; the query
  /// carries a strong class-1 cell at (2, 3); references are class-0 maps. Every strategy flips
  /// the prediction, greedy and the saliency partition within 3 edits, the saliency partition by
  /// replacing the planted cell first, and ΔM_Inv peaks there.
  @Test func aPlantedErrorIsFoundAndExplained() {
    let head = PooledLinearHead(classes: 2, channels: 2, weight: [0, 1, 1, 0], bias: [0, 0])
    var query = FeatureGrid(channels: 2, height: 5, width: 5, values: [Float](repeating: 0, count: 50))
    for cell in 0..<25 { query.setCell(cell, to: [0, 0.2]) }
    query.setCell(13, to: [12, 0])
    var rng = RandomGenerator(seed: 1)
    let references = (0..<4).map { _ in
      FeatureGrid(channels: 2, height: 5, width: 5, values: (0..<50).map { $0 < 25 ? 0.1 * rng.nextUniform() : 0.5 + 0.5 * rng.nextUniform() })
    }
    #expect(argmax(head.logits(query.pooled)) == 1)
    for strategy: FeatureReplacement.Strategy in [.greedy, .saliencyPartition(sigma: 0.8, topM: 20, filter: .contribution), .saliencyPartition(sigma: 0.8, topM: 20, filter: .similarity), .similarityWeighted(lambda: 0.4, temperature: 0.1, keepFraction: 0.2)] {
      let result = FeatureReplacement.search(query: query, references: references, head: head, trueClass: 0, strategy: strategy)
      #expect(result.succeeded && result.failure.isEmpty, "\(strategy.name)")
      // The similarity-weighted search keeps only the most similar pairs, and the planted cell
      // resembles no reference cell: it flips the class by outvoting it, with more edits.
      if strategy != .similarityWeighted(lambda: 0.4, temperature: 0.1, keepFraction: 0.2) {
        #expect(result.edits.count <= 3, "\(strategy.name): \(result.edits.count) edits")
      }
      if case .saliencyPartition = strategy {
        #expect(result.edits.first?.cell == 13)
        #expect(argmax(result.invariantMap) == 13)
      }
    }
    // No edit, no difference: both maps vanish.
    let none = FeatureReplacement.dualMaps(original: query, final: query, head: head, originalClass: 1, trueClass: 0, sigma: 0.8)
    #expect(none.invariant.allSatisfy { $0 == 0 } && none.dominant.allSatisfy { $0 == 0 })
  }

  @Test func nearestCorrectKeepsOnlyCorrectImagesOfTheClass() {
    let pool: [[Float]] = [[0, 0], [1, 0], [5, 5], [0.5, 0], [2, 0]]
    let chosen = FeatureReplacement.nearestCorrect(to: [0, 0], pool: pool, labels: [1, 1, 1, 0, 1], predictions: [1, 1, 1, 0, 0],
                                                   trueClass: 1, count: 2, exclude: 0)
    #expect(chosen == [1, 2])
  }

  @Test func sourceCompositeCopiesTheReferenceBlocks() {
    let image = [Float](repeating: 0, count: 16), reference = (0..<16).map(Float.init)
    let edit = FeatureReplacement.Edit(cell: 0, reference: 0, referenceCell: 3, cosine: 1, probabilities: [1])
    let out = FeatureReplacement.sourceComposite(image: image, references: [reference], edits: [edit], channels: 1, height: 4, width: 4,
                                                 mapHeight: 2, mapWidth: 2)
    // Cell 0 is the top-left 2 × 2 block; reference cell 3 the bottom-right one (10, 11, 14, 15).
    #expect(out == [10, 11, 0, 0, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  }
}
