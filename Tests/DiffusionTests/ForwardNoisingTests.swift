@testable import Diffusion
import DiffusionCore
import Foundation
import TestSupport
import Testing

/// Checks that every empirical frequency is within `sigmas` standard errors of its probability
/// (plus a tiny floor), for `trials` independent draws.
func frequenciesMatch(_ counts: [Double], _ probabilities: [Double], trials: Int, sigmas: Double = 5) -> Bool {
  zip(counts, probabilities).allSatisfy { count, p in
    let standardError = (p * (1 - p) / Double(trials)).squareRoot()
    return abs(count / Double(trials) - p) <= sigmas * standardError + 1e-9
  }
}

@Suite struct ForwardNoisingTests {
  let process = DiscreteDiffusion(
    schedule: CosineNoiseSchedule(stepCount: 100), nodeTransition: .marginal(frequencies: [0.7, 0.3]),
    edgeTransition: .marginal(frequencies: [0.6, 0.3, 0.1]))

  @Test func probabilitiesAreRowsOfTheCumulativeMatrix() {
    let clean = DiffusionFixtures.smallBatch()
    let probabilities = process.forwardProbabilities(of: clean, steps: [10, 60])
    for (graph, step) in [(0, 10), (1, 60)] {
      let qBarNodes = process.cumulativeTransition(at: step).nodes
      let qBarEdges = process.cumulativeTransition(at: step).edges
      let nodeClasses = clean.nodeClasses(ofGraph: graph), edgeClasses = clean.edgeClasses(ofGraph: graph)
      for i in nodeClasses.indices {
        for c in 0..<2 { #expect(abs(probabilities.nodes[graph, i, c] - qBarNodes[nodeClasses[i], c]) < 1e-6) }
        for j in nodeClasses.indices where j != i {
          for c in 0..<3 { #expect(abs(probabilities.edges[graph, i, j, c] - qBarEdges[edgeClasses[i][j], c]) < 1e-6) }
        }
      }
    }
    #expect((0..<2).allSatisfy { probabilities.nodes[1, 3, $0] == 0 })  // padding stays zero
  }

  @Test func noisedStatesAreCanonicalSymmetricAndKeepTheMask() {
    var rng = RandomGenerator(seed: 1)
    let clean = DiffusionFixtures.smallBatch(globals: Tensor(shape: [2, 1], scalars: [5, 6]))
    for step in [1, 30, 100] {
      let noisy = process.noised(clean, step: step, using: &rng)
      #expect(noisy.isCanonical())
      #expect(noisy.nodeMask.isBitwiseEqual(to: clean.nodeMask) && noisy.globals.scalars == [5, 6])
    }
    // Step 0 is the clean graph itself (Q̄_0 = I).
    let unchanged = process.noised(clean, steps: [0, 0], using: &rng)
    #expect(unchanged.nodes.isBitwiseEqual(to: clean.nodes) && unchanged.edges.isBitwiseEqual(to: clean.edges))
  }

  @Test func sameSeedSameSample() {
    var first = RandomGenerator(seed: 42), second = RandomGenerator(seed: 42)
    let a = process.noised(DiffusionFixtures.smallBatch(), step: 50, using: &first)
    let b = process.noised(DiffusionFixtures.smallBatch(), step: 50, using: &second)
    #expect(a.edges.isBitwiseEqual(to: b.edges) && a.nodes.isBitwiseEqual(to: b.nodes))
  }

  /// Empirical class frequencies of noised nodes and edges match X·Q̄_t and E·Q̄_t.
  @Test func empiricalFrequenciesMatchTheProbabilities() {
    let trials = 3000
    let clean = DiffusionFixtures.smallBatch().selecting(graphs: [0]).replicated(count: trials)
    var rng = RandomGenerator(seed: 7)
    for step in [15, 45] {
      let noisy = process.noised(clean, step: step, using: &rng)
      let probabilities = process.forwardProbabilities(of: clean.selecting(graphs: [0]), steps: [step])
      var nodeCounts = [[Double]](repeating: [0, 0], count: 4)
      var edgeCounts = [[Double]](repeating: [0, 0, 0], count: 16)
      let (allNodes, allEdges) = (noisy.allNodeClasses(), noisy.allEdgeClasses())
      for g in 0..<trials {
        for (i, c) in allNodes[g].enumerated() { nodeCounts[i][c] += 1 }
        for (i, row) in allEdges[g].enumerated() { for (j, c) in row.enumerated() { edgeCounts[i * 4 + j][c] += 1 } }
      }
      for i in 0..<4 {
        #expect(frequenciesMatch(nodeCounts[i], (0..<2).map { Double(probabilities.nodes[0, i, $0]) }, trials: trials), "node \(i), t = \(step)")
        for j in 0..<4 where j != i {
          #expect(frequenciesMatch(edgeCounts[i * 4 + j], (0..<3).map { Double(probabilities.edges[0, i, j, $0]) }, trials: trials), "edge \(i),\(j), t = \(step)")
        }
      }
      // The test can fail: the clean graph's own classes are far from these frequencies.
      #expect(!frequenciesMatch(edgeCounts[1], [0, 1, 0], trials: trials))
    }
  }

  @Test func limitSamplesFollowTheMarginals() {
    let trials = 400
    let mask = Tensor(shape: [trials, 6], scalars: (0..<(trials * 6)).map { $0 % 6 < 5 ? 1 : 0 })
    var rng = RandomGenerator(seed: 11)
    let prior = process.sampleLimit(nodeMask: mask, using: &rng)
    #expect(prior.isCanonical() && prior.nodeCounts.allSatisfy { $0 == 5 })
    var nodeCounts = [0.0, 0.0], edgeCounts = [0.0, 0.0, 0.0]
    let (allNodes, allEdges) = (prior.allNodeClasses(), prior.allEdgeClasses())
    for g in 0..<trials {
      for c in allNodes[g] { nodeCounts[c] += 1 }
      let e = allEdges[g]
      for i in 0..<5 { for j in (i + 1)..<5 { edgeCounts[e[i][j]] += 1 } }
    }
    #expect(frequenciesMatch(nodeCounts, [0.7, 0.3], trials: trials * 5))
    #expect(frequenciesMatch(edgeCounts, [0.6, 0.3, 0.1], trials: trials * 10))
  }

  @Test func trainingStepsCoverOneThroughT() {
    var rng = RandomGenerator(seed: 3)
    let steps = process.sampleTrainingSteps(count: 5000, using: &rng)
    #expect(steps.min() == 1 && steps.max() == 100)
  }
}
