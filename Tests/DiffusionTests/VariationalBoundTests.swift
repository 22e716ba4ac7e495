@testable import Diffusion
import DiffusionCore
import Foundation
import TestSupport
import Testing

@Suite struct VariationalBoundTests {
  let process = DiscreteDiffusion(
    schedule: CosineNoiseSchedule(stepCount: 20), nodeTransition: .marginal(frequencies: [0.7, 0.3]),
    edgeTransition: .marginal(frequencies: [0.6, 0.3, 0.1]))

  @Test func priorKLVanishesAtTheLimit() {
    let kl = process.priorKL(clean: DiffusionFixtures.smallBatch())
    #expect(kl.count == 2 && kl.allSatisfy { $0 >= 0 && $0 < 1e-5 })
  }

  /// A denoiser that knows the clean graph makes every step's KL zero.
  @Test func oracleHasZeroDiffusionTerm() throws {
    let graph = DiffusionFixtures.smallBatch().selecting(graphs: [0])
    var rng = RandomGenerator(seed: 3)
    let bound = try process.variationalBound(
      clean: graph.replicated(count: 8), condition: 1, guidanceScale: 3, nodeCounts: NodeCountDistribution(observedCounts: [4, 4, 3, 5]),
      denoiser: oracleDenoiser(for: graph), using: &rng)
    #expect(bound.diffusion.allSatisfy { abs($0) < 1e-4 }, "\(bound.diffusion)")
    #expect(bound.nodeCount.allSatisfy { abs($0 - log(2.0)) < 1e-12 })
    #expect(Set(bound.steps).count > 1)
  }

  /// At t = 1 the step KL is −log p̂(G): the reconstruction term.
  @Test func stepOneKLIsTheReconstructionTerm() {
    let clean = DiffusionFixtures.smallBatch().selecting(graphs: [1])
    let prediction = GraphPrediction(nodeLogits: testTensor([1, 5, 2], seed: 8), edgeLogits: testTensor([1, 5, 5, 3], seed: 9).symmetrizedEdges())
    var rng = RandomGenerator(seed: 1)
    let noisy = process.noised(clean, step: 1, using: &rng)
    let kl = process.stepKL(noisy: noisy, clean: clean, predictedClean: prediction.probabilities(), steps: [1])
    let p = prediction.probabilities()
    var expected = 0.0
    let nodes = clean.nodeClasses(ofGraph: 0), edges = clean.edgeClasses(ofGraph: 0)
    for i in 0..<3 {
      expected -= log(Double(p.nodes[0, i, nodes[i]]))
      for j in (i + 1)..<3 { expected -= log(Double(p.edges[0, i, j, edges[i][j]])) }
    }
    // The 1e-7 floor shifts the value by O(1e-6).
    #expect(abs(kl[0] - expected) < 1e-4, "\(kl[0]) vs \(expected)")
  }

  /// With the exact denoiser of independent data the bound is tight: its mean over many draws is
  /// the true −log p(G) = −Σ log π(class) (up to the prior's ᾱ_T and sampling error).
  @Test func boundIsTightForTheExactModel() throws {
    let graph = DiffusionFixtures.smallBatch().selecting(graphs: [1])  // nodes 1, 0, 1; edges 1, 1, 2
    let trials = 1500
    // Two exact models of two different data distributions; each bound must match its own −log p(G).
    let models: [([Float], [Float])] = [([0.2, 0.8], [0.3, 0.1, 0.6]), ([0.5, 0.5], [0.8, 0.1, 0.1])]
    for (index, (nodePrior, edgePrior)) in models.enumerated() {
      let truth = -Double(log(nodePrior[1]) * 2 + log(nodePrior[0]) + log(edgePrior[1]) * 2 + log(edgePrior[2]))
      var rng = RandomGenerator(seed: 12 + UInt64(index))
      let bound = try process.variationalBound(
        clean: graph.replicated(count: trials), condition: nil, guidanceScale: 1, nodeCounts: nil,
        denoiser: independentDataDenoiser(process: process, nodePrior: nodePrior, edgePrior: edgePrior), using: &rng)
      let values = bound.total
      let mean = values.reduce(0, +) / Double(trials)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(trials - 1)
      let standardError = (variance / Double(trials)).squareRoot()
      #expect(abs(mean - truth) < 5 * standardError + 1e-3, "model \(index): mean \(mean) ± \(standardError), truth \(truth)")
    }
  }

  /// The same tightness with the sum over t done exactly (each E_{G_t} by averaging 400 draws):
  /// low variance, so the tolerance is tight and tells the two models apart by far.
  @Test func summedStepKLsGiveTheExactNLL() {
    let graph = DiffusionFixtures.smallBatch().selecting(graphs: [1])
    let trials = 400
    let models: [([Float], [Float])] = [([0.2, 0.8], [0.3, 0.1, 0.6]), ([0.5, 0.5], [0.8, 0.1, 0.1])]
    for (index, (nodePrior, edgePrior)) in models.enumerated() {
      let truth = -Double(log(nodePrior[1]) * 2 + log(nodePrior[0]) + log(edgePrior[1]) * 2 + log(edgePrior[2]))
      let denoiser = independentDataDenoiser(process: process, nodePrior: nodePrior, edgePrior: edgePrior)
      var rng = RandomGenerator(seed: 40 + UInt64(index))
      var total = process.priorKL(clean: graph)[0]
      var varianceOfTotal = 0.0
      let clean = graph.replicated(count: trials)
      for t in 1...process.stepCount {
        let noisy = process.noised(clean, step: t, using: &rng)
        let prediction = try! denoiser(noisy, t, nil)
        let kl = process.stepKL(noisy: noisy, clean: clean, predictedClean: prediction.probabilities(), steps: Array(repeating: t, count: trials))
        let mean = kl.reduce(0, +) / Double(trials)
        total += mean
        varianceOfTotal += kl.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(trials - 1) / Double(trials)
      }
      let standardError = varianceOfTotal.squareRoot()
      #expect(standardError < 0.2)  // 5σ < 1, well below the 1.8 nats between the two truths
      #expect(abs(total - truth) < 5 * standardError + 1e-3, "model \(index): \(total) ± \(standardError), truth \(truth)")
    }
  }
}
