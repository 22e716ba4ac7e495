@testable import Diffusion
import DiffusionCore
import Foundation
import TestSupport
import Testing

/// A denoiser that always predicts `clean` (batch 1) exactly: logit 0 on the true class, −10⁴
/// elsewhere (softmax gives exact zeros), for every graph of the batch.
func oracleDenoiser(for clean: GraphState) -> GraphDenoiser<Int> {
  let nodeLogits = (clean.nodes - 1) * 1e4, edgeLogits = (clean.edges - 1) * 1e4
  return { noisy, _, _ in
    GraphPrediction(
      nodeLogits: nodeLogits.broadcast(to: noisy.nodes.shape), edgeLogits: edgeLogits.broadcast(to: noisy.edges.shape))
  }
}

/// The Bayes-optimal denoiser for data whose node and edge classes are independent draws from
/// `nodePrior` and `edgePrior`: p(x_0 = k | x_t = c) ∝ prior[k] · Q̄_t[k, c].
func independentDataDenoiser(process: DiscreteDiffusion, nodePrior: [Float], edgePrior: [Float]) -> GraphDenoiser<Int> {
  { noisy, step, _ in
    let cumulative = process.cumulativeTransition(at: step)
    // logits[k] = log prior[k] + log (x_t · Q̄_tᵀ)[k]; rows of padding get finite junk (masked later).
    func logits(_ states: Tensor, _ matrix: Tensor, _ prior: [Float]) -> Tensor {
      let likelihood = Tensor.matmul(states.reshaped([-1, prior.count]), matrix, transposeB: true) + 1e-30
      return (likelihood.log() + Tensor(prior).log()).reshaped(states.shape)
    }
    return GraphPrediction(
      nodeLogits: logits(noisy.nodes, cumulative.nodes, nodePrior), edgeLogits: logits(noisy.edges, cumulative.edges, edgePrior))
  }
}

@Suite struct SamplingTests {
  let planar = DiscreteDiffusion(
    schedule: CosineNoiseSchedule(stepCount: 200), nodeTransition: .uniform(classCount: 1),
    edgeTransition: .marginal(frequencies: [0.64, 0.36]))

  /// With a denoiser that knows the clean graph, the guided chain τ → 0 returns exactly the
  /// input, for every τ (Q̄_0 = I makes the last step exact).
  @Test(arguments: [1, 5, 50, 200])
  func oracleDenoiserReturnsTheInput(tau: Int) throws {
    let graph = DiffusionFixtures.planarGraph()
    var rng = RandomGenerator(seed: UInt64(tau))
    let samples = try planar.counterfactuals(
      of: graph, target: 13, noiseStep: tau, sampleCount: 6, guidanceScale: 5, denoiser: oracleDenoiser(for: graph), using: &rng)
    #expect(samples.batchSize == 6 && samples.isCanonical())
    for g in 0..<6 { #expect(samples.edgeClasses(ofGraph: g) == graph.edgeClasses(ofGraph: 0), "sample \(g)") }
  }

  /// A batch of starting graphs gives one counterfactual of each, in order, also when the
  /// samples run in chunks: the oracle of the batch returns each sample's own graph.
  @Test(arguments: [nil, 1] as [Int?])
  func oneCounterfactualPerStartingGraph(batchSize: Int?) throws {
    let planarGraph = DiffusionFixtures.planarGraph()
    // The planar graph, and the same with its first edge removed.
    var removed = planarGraph.edgeClasses(ofGraph: 0)
    (removed[0][1], removed[1][0]) = (0, 0)
    let starts = GraphState(
      nodeClasses: [[Int](repeating: 0, count: 8), [Int](repeating: 0, count: 8)], edgeClasses: [planarGraph.edgeClasses(ofGraph: 0), removed],
      nodeClassCount: 1, edgeClassCount: 2)
    // The oracle of the chunk being denoised: a chunk starts when the step goes up again.
    var (chunk, lastStep) = (-1, 0)
    let oracle: GraphDenoiser<Int> = { noisy, step, condition in
      if step > lastStep { chunk += 1 }
      lastStep = step
      let size = noisy.batchSize
      return try oracleDenoiser(for: starts.selecting(graphs: Array((chunk * size)..<((chunk + 1) * size))))(noisy, step, condition)
    }
    var rng = RandomGenerator(seed: 8)
    let samples = try planar.counterfactuals(
      of: starts, target: 1, noiseStep: 50, sampleCount: 2, guidanceScale: 2, batchSize: batchSize, denoiser: oracle, using: &rng)
    #expect(samples.batchSize == 2)
    #expect(samples.edgeClasses(ofGraph: 0) == planarGraph.edgeClasses(ofGraph: 0) && samples.edgeClasses(ofGraph: 1) == removed)
  }

  /// `.mostLikely` makes the last step the argmax of p(G_0 | G_1): with the oracle it still returns
  /// the input, and with a fixed prediction it is deterministic given G_1.
  @Test func mostLikelyFinalStep() throws {
    let graph = DiffusionFixtures.planarGraph()
    var rng = RandomGenerator(seed: 4)
    let samples = try planar.counterfactuals(
      of: graph, target: 2, noiseStep: 30, sampleCount: 4, guidanceScale: 3, finalStep: .mostLikely,
      denoiser: oracleDenoiser(for: graph), using: &rng)
    #expect(samples.edges.isBitwiseEqual(to: graph.replicated(count: 4).edges))
    // From G_1 with logits favouring "edge" everywhere (0.3 vs 0.7): every pair becomes an edge.
    let leaning: GraphDenoiser<Int> = { noisy, _, _ in
      let edgeRow = Tensor([Float(log(0.3)), Float(log(0.7))])
      return GraphPrediction(nodeLogits: .zeros(noisy.nodes.shape), edgeLogits: edgeRow.broadcast(to: noisy.edges.shape))
    }
    let last = try planar.denoised(
      from: graph, startStep: 1, condition: nil, guidanceScale: 1, finalStep: .mostLikely, denoiser: leaning, using: &rng)
    #expect(last.edgeClasses(ofGraph: 0).enumerated().allSatisfy { i, row in row.enumerated().allSatisfy { j, c in c == (i == j ? 0 : 1) } })
    #expect(last.isCanonical())
  }

  /// The same with padding, several node and edge classes, and batching.
  @Test func oracleWithPaddingAndBatches() throws {
    let process = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 60), nodeTransition: .marginal(frequencies: [0.5, 0.5]),
      edgeTransition: .marginal(frequencies: [0.6, 0.3, 0.1]))
    let graph = DiffusionFixtures.smallBatch().selecting(graphs: [1])  // 3 real nodes in 5 slots
    var rng = RandomGenerator(seed: 5)
    let samples = try process.counterfactuals(
      of: graph, target: 0, noiseStep: 60, sampleCount: 7, guidanceScale: 2, batchSize: 3,
      denoiser: oracleDenoiser(for: graph), using: &rng)
    #expect(samples.batchSize == 7 && samples.isCanonical())
    #expect(samples.edges.isBitwiseEqual(to: graph.replicated(count: 7).edges))
    #expect(samples.nodes.isBitwiseEqual(to: graph.replicated(count: 7).nodes))
  }

  /// A denoiser that knows nothing (uniform logits) does not reproduce the input from τ = T, so
  /// the oracle test above can fail.
  @Test func uninformedDenoiserDoesNotReproduceTheInput() throws {
    let graph = DiffusionFixtures.planarGraph()
    var rng = RandomGenerator(seed: 8)
    let uniform: GraphDenoiser<Int> = { noisy, _, _ in
      GraphPrediction(nodeLogits: .zeros(noisy.nodes.shape), edgeLogits: .zeros(noisy.edges.shape))
    }
    let samples = try planar.counterfactuals(
      of: graph, target: 1, noiseStep: 200, sampleCount: 4, guidanceScale: 1, denoiser: uniform, using: &rng)
    #expect((0..<4).contains { samples.edgeClasses(ofGraph: $0) != graph.edgeClasses(ofGraph: 0) })
  }

  /// The whole chain is exact: from the limit distribution, with the Bayes-optimal denoiser of
  /// independent data, generated graphs have the data's class frequencies (far from m).
  @Test func generationWithTheExactDenoiserRecoversTheDataDistribution() throws {
    let process = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 40), nodeTransition: .marginal(frequencies: [0.7, 0.3]),
      edgeTransition: .marginal(frequencies: [0.6, 0.3, 0.1]))
    let nodePrior: [Float] = [0.2, 0.8], edgePrior: [Float] = [0.3, 0.1, 0.6]
    var rng = RandomGenerator(seed: 17)
    let graphs = 250
    let samples = try process.generated(
      nodeCounts: Array(repeating: 6, count: graphs), condition: nil, guidanceScale: 1, batchSize: 125,
      denoiser: independentDataDenoiser(process: process, nodePrior: nodePrior, edgePrior: edgePrior), using: &rng)
    #expect(samples.isCanonical())
    var nodeCounts = [0.0, 0.0], edgeCounts = [0.0, 0.0, 0.0]
    let (allNodes, allEdges) = (samples.allNodeClasses(), samples.allEdgeClasses())
    for g in 0..<graphs {
      for c in allNodes[g] { nodeCounts[c] += 1 }
      let e = allEdges[g]
      for i in 0..<6 { for j in (i + 1)..<6 { edgeCounts[e[i][j]] += 1 } }
    }
    #expect(frequenciesMatch(nodeCounts, nodePrior.map(Double.init), trials: graphs * 6), "\(nodeCounts)")
    #expect(frequenciesMatch(edgeCounts, edgePrior.map(Double.init), trials: graphs * 15), "\(edgeCounts)")
  }

  /// The denoiser sees steps τ, τ−1, …, 1 and, with guidance, the target and the null condition.
  @Test func denoiserCallSequence() throws {
    let graph = DiffusionFixtures.planarGraph()
    var calls: [(Int, Int?)] = []
    let oracle = oracleDenoiser(for: graph)
    let recording: GraphDenoiser<Int> = { noisy, step, condition in
      calls.append((step, condition))
      return try oracle(noisy, step, condition)
    }
    var rng = RandomGenerator(seed: 1)
    _ = try planar.counterfactuals(of: graph, target: 12, noiseStep: 3, sampleCount: 2, guidanceScale: 4, denoiser: recording, using: &rng)
    #expect(calls.map(\.0) == [3, 3, 2, 2, 1, 1])
    #expect(calls.map(\.1) == [12, nil, 12, nil, 12, nil])
  }

  @Test func generationWithSampledNodeCounts() {
    let counts = NodeCountDistribution(observedCounts: [3, 3, 5, 6, 6, 6])
    #expect(counts.maximum == 6 && counts.probabilities == [0, 0, 0, 2.0 / 6, 0, 1.0 / 6, 3.0 / 6])
    var rng = RandomGenerator(seed: 2)
    var histogram = [Double](repeating: 0, count: 7)
    for _ in 0..<3000 { histogram[counts.sample(using: &rng)] += 1 }
    #expect(frequenciesMatch(histogram, counts.probabilities, trials: 3000))
    let samples = planar.generated(
      sampleCount: 5, nodeCountDistribution: counts, condition: 3, guidanceScale: 2,
      denoiser: { noisy, _, _ in GraphPrediction(nodeLogits: .zeros(noisy.nodes.shape), edgeLogits: .zeros(noisy.edges.shape)) },
      using: &rng)
    #expect(samples.batchSize == 5 && samples.nodeCapacity == 6 && samples.isCanonical())
    #expect(samples.nodeCounts.allSatisfy { [3, 5, 6].contains($0) })
  }

  @Test func sameSeedSameCounterfactuals() throws {
    let graph = DiffusionFixtures.planarGraph()
    let uniform: GraphDenoiser<Int> = { noisy, _, _ in
      GraphPrediction(nodeLogits: .zeros(noisy.nodes.shape), edgeLogits: .zeros(noisy.edges.shape))
    }
    var first = RandomGenerator(seed: 99), second = RandomGenerator(seed: 99)
    let a = try planar.counterfactuals(of: graph, target: 1, noiseStep: 20, sampleCount: 3, guidanceScale: 2, denoiser: uniform, using: &first)
    let b = try planar.counterfactuals(of: graph, target: 1, noiseStep: 20, sampleCount: 3, guidanceScale: 2, denoiser: uniform, using: &second)
    #expect(a.edges.isBitwiseEqual(to: b.edges))
  }
}
