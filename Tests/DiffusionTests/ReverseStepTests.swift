@testable import Diffusion
import DiffusionCore
import TestSupport
import Testing

/// Brute-force Bayes for one categorical variable: q(x_s = j | x_t = c, x_0 = k) from explicit
/// products of the step matrices (no closed form), mixed over p̂(x_0).
func bruteForceReverse(
  transition: CategoricalTransition, schedule: CosineNoiseSchedule, step t: Int, observed c: Int, predicted: [Double]
) -> [Double] {
  let k = transition.classCount
  var before = transition.cumulativeMatrixValues(alphaBar: 1)  // identity
  for s in stride(from: 1, to: t, by: 1) { before = multiplyMatrices(before, transition.stepMatrixValues(beta: schedule.beta(at: s)), k) }
  let q = transition.stepMatrixValues(beta: schedule.beta(at: t))
  var result = [Double](repeating: 0, count: k)
  for x0 in 0..<k {
    // Joint q(x_s = j, x_t = c | x_0) = Q̄_s[x0, j] Q_t[j, c]; condition on x_t = c.
    let joint = (0..<k).map { j in before[x0 * k + j] * q[j * k + c] }
    let evidence = joint.reduce(0, +)
    guard evidence > 0 else { continue }  // x_t = c is impossible from this x_0
    for j in 0..<k { result[j] += predicted[x0] * joint[j] / evidence }
  }
  let total = result.reduce(0, +)
  return result.map { $0 / total }
}

@Suite struct ReverseStepTests {
  let process = DiscreteDiffusion(
    schedule: CosineNoiseSchedule(stepCount: 40), nodeTransition: .marginal(frequencies: [0.5, 0.3, 0.2]),
    edgeTransition: .marginal(frequencies: [0.7, 0.2, 0.1]))

  /// A 1-graph state with 3 nodes of classes 0, 1, 2 and edges of classes 1, 2, 0.
  func threeNodeState() -> GraphState {
    GraphState(
      nodeClasses: [[0, 1, 2]], edgeClasses: [DiffusionFixtures.edgeMatrix(3, [(0, 1, 1), (0, 2, 2)])],
      nodeClassCount: 3, edgeClassCount: 3)
  }

  @Test func matchesBruteForceBayesOnTinyCases() {
    let noisy = threeNodeState()
    let predictedNodes = testTensor([1, 3, 3], seed: 5, in: 0.05...1)
    let predictedEdges = testTensor([1, 3, 3, 3], seed: 6, in: 0.05...1)
    for t in [1, 2, 7, 20, 40] {
      let result = process.reverseProbabilities(
        noisy: noisy, predictedClean: GraphProbabilities(nodes: predictedNodes, edges: predictedEdges), step: t)
      for i in 0..<3 {
        let row = (0..<3).map { Double(predictedNodes[0, i, $0]) }
        let rowTotal = row.reduce(0, +)
        let expected = bruteForceReverse(
          transition: process.nodeTransition, schedule: process.schedule, step: t, observed: i, predicted: row.map { $0 / rowTotal })
        for j in 0..<3 { #expect(abs(Double(result.nodes[0, i, j]) - expected[j]) < 2e-5, "node \(i) class \(j) t \(t)") }
        for other in 0..<3 where other != i {
          let observed = noisy.edgeClasses(ofGraph: 0)[i][other]
          let edgeRow = (0..<3).map { Double(predictedEdges[0, i, other, $0]) }
          let edgeTotal = edgeRow.reduce(0, +)
          let expectedEdge = bruteForceReverse(
            transition: process.edgeTransition, schedule: process.schedule, step: t, observed: observed, predicted: edgeRow.map { $0 / edgeTotal })
          for j in 0..<3 { #expect(abs(Double(result.edges[0, i, other, j]) - expectedEdge[j]) < 2e-5, "edge \(i),\(other) t \(t)") }
        }
        // The diagonal is the class-0 one-hot.
        #expect((0..<3).map { result.edges[0, i, i, $0] } == [1, 0, 0])
      }
    }
  }

  /// A step per graph gives the same rows as evaluating each graph at its own step.
  @Test func perGraphStepsMatchSeparateEvaluation() {
    let clean = DiffusionFixtures.smallBatch()
    let diffusion = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 40), nodeTransition: .uniform(classCount: 2), edgeTransition: .marginal(frequencies: [0.7, 0.2, 0.1]))
    var rng = RandomGenerator(seed: 10)
    let noisy = diffusion.noised(clean, steps: [3, 30], using: &rng)
    let predicted = GraphPrediction(nodeLogits: testTensor([2, 5, 2], seed: 1), edgeLogits: testTensor([2, 5, 5, 3], seed: 2)).probabilities()
    let joint = diffusion.reverseProbabilities(noisy: noisy, predictedClean: predicted, steps: [3, 30])
    for (graph, step) in [(0, 3), (1, 30)] {
      let single = diffusion.reverseProbabilities(
        noisy: noisy.selecting(graphs: [graph]),
        predictedClean: GraphProbabilities(
          nodes: Tensor(shape: [1, 5, 2], scalars: Array(predicted.nodes.scalars[(graph * 10)..<((graph + 1) * 10)])),
          edges: Tensor(shape: [1, 5, 5, 3], scalars: Array(predicted.edges.scalars[(graph * 75)..<((graph + 1) * 75)]))),
        step: step)
      #expect(isClose(single.edges, Tensor(shape: [1, 5, 5, 3], scalars: Array(joint.edges.scalars[(graph * 75)..<((graph + 1) * 75)]))))
      #expect(isClose(single.nodes, Tensor(shape: [1, 5, 2], scalars: Array(joint.nodes.scalars[(graph * 10)..<((graph + 1) * 10)]))))
    }
  }

  /// At t = 1 (Q̄_0 = I) the exact posterior is the one-hot of x_0, whatever x_t is.
  @Test func posteriorAtStepOneIsTheCleanGraph() {
    let clean = threeNodeState()
    var rng = RandomGenerator(seed: 2)
    for _ in 0..<5 {
      let noisy = process.noised(clean, step: 1, using: &rng)
      let posterior = process.posterior(noisy: noisy, clean: clean, steps: [1])
      #expect(posterior.nodes.isBitwiseEqual(to: clean.nodes))
      #expect(posterior.edges.isBitwiseEqual(to: clean.edges))
    }
  }

  /// With Q_t = I nothing moves between s and t, so the posterior is the one-hot of x_t.
  @Test func posteriorWithIdentityStepIsTheNoisyState() {
    let noisy = Tensor(shape: [1, 3, 3], scalars: [0, 1, 0, 0, 0, 1, 1, 0, 0])
    let clean = Tensor(shape: [1, 3, 3], scalars: [1, 0, 0, 1, 0, 0, 0, 1, 0])
    let identity = Tensor(shape: [1, 3, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1])
    let cumulative = process.nodeTransition.cumulativeMatrix(alphaBar: 0.4).reshaped([1, 3, 3])
    let result = DiscreteDiffusion.mixedPosterior(
      noisy: noisy, predicted: clean, step: identity, cumulativeNow: cumulative, cumulativeBefore: cumulative)
    #expect(zip(result, noisy.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
  }

  /// The rows are distributions: non-negative, summing to 1; padding rows are zero.
  @Test func rowsAreDistributionsAndPaddingIsZero() {
    let clean = DiffusionFixtures.smallBatch()
    let diffusion = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 40), nodeTransition: .uniform(classCount: 2), edgeTransition: .marginal(frequencies: [0.7, 0.2, 0.1]))
    var rng = RandomGenerator(seed: 9)
    let noisy = diffusion.noised(clean, step: 25, using: &rng)
    let prediction = GraphPrediction(nodeLogits: testTensor([2, 5, 2], seed: 1), edgeLogits: testTensor([2, 5, 5, 3], seed: 2))
    let result = diffusion.reverseProbabilities(noisy: noisy, predictedClean: prediction.probabilities(), step: 25)
    let rowSums = result.edges.sum(axis: -1)
    for g in 0..<2 {
      for i in 0..<5 {
        for j in 0..<5 {
          let real = i < clean.nodeCounts[g] && j < clean.nodeCounts[g]
          #expect(abs(rowSums[g, i, j] - (real ? 1 : 0)) < 1e-5)
        }
      }
    }
    #expect(result.nodes.scalars.allSatisfy { $0 >= 0 && $0.isFinite } && result.edges.scalars.allSatisfy { $0 >= 0 && $0.isFinite })
    #expect(result.nodes[1, 3, 0] == 0 && result.nodes[1, 3, 1] == 0)
  }

  /// Spec §3 guards: a class with m = 0 gives zero denominators (→ 1e-6) and possibly all-zero
  /// rows (→ uniform); neither may produce NaN.
  @Test func zeroDenominatorsAndEmptyRowsAreGuarded() {
    let diffusion = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 40), nodeTransition: .marginal(frequencies: [1, 0]),
      edgeTransition: .marginal(frequencies: [0.5, 0.5, 0]))
    // The observed edge has class 2, which has m = 0: den[0] = den[1] = 0.
    let noisy = GraphState(
      nodeClasses: [[1, 0]], edgeClasses: [DiffusionFixtures.edgeMatrix(2, [(0, 1, 2)])], nodeClassCount: 2, edgeClassCount: 3)
    // p̂ with mass on class 2 → the only reachable x_s is class 2.
    let confident = GraphProbabilities(
      nodes: Tensor(shape: [1, 2, 2], scalars: [0.5, 0.5, 0.5, 0.5]),
      edges: Tensor(shape: [1, 2, 2, 3], scalars: [1, 0, 0, 0.2, 0.3, 0.5, 0.2, 0.3, 0.5, 1, 0, 0]))
    let first = diffusion.reverseProbabilities(noisy: noisy, predictedClean: confident, step: 10)
    #expect(first.edges.scalars.allSatisfy { $0.isFinite })
    #expect(abs(first.edges[0, 0, 1, 2] - 1) < 1e-6 && abs(first.edges[0, 1, 0, 2] - 1) < 1e-6)
    // Node 0 was observed in class 1 (m = 0): only x_0 = 1 explains it, so x_s = 1.
    #expect(abs(first.nodes[0, 0, 1] - 1) < 1e-6)
    // p̂ with no mass on class 2: every term is 0 → the row is filled uniformly.
    let impossible = GraphProbabilities(
      nodes: confident.nodes,
      edges: Tensor(shape: [1, 2, 2, 3], scalars: [1, 0, 0, 0.5, 0.5, 0, 0.5, 0.5, 0, 1, 0, 0]))
    let second = diffusion.reverseProbabilities(noisy: noisy, predictedClean: impossible, step: 10)
    #expect((0..<3).allSatisfy { abs(second.edges[0, 0, 1, $0] - 1.0 / 3) < 1e-6 })
  }

  /// Sampling the reverse step: canonical, symmetric, and frequencies match the probabilities.
  @Test func reverseSamplesFollowTheReverseDistribution() {
    let trials = 2000
    let noisy = threeNodeState().replicated(count: trials)
    let prediction = GraphPrediction(
      nodeLogits: testTensor([1, 3, 3], seed: 12).replicatedBatch(trials),
      edgeLogits: testTensor([1, 3, 3, 3], seed: 13).symmetrizedEdges().replicatedBatch(trials))
    var rng = RandomGenerator(seed: 4)
    let sample = process.sampleReverseStep(noisy: noisy, prediction: prediction, step: 12, using: &rng)
    #expect(sample.isCanonical())
    let single = GraphPrediction(nodeLogits: testTensor([1, 3, 3], seed: 12), edgeLogits: testTensor([1, 3, 3, 3], seed: 13).symmetrizedEdges())
    let probabilities = process.reverseProbabilities(noisy: threeNodeState(), predictedClean: single.probabilities(), step: 12)
    var nodeCounts = [[Double]](repeating: [0, 0, 0], count: 3), edgeCounts = [[Double]](repeating: [0, 0, 0], count: 3)
    let (allNodes, allEdges) = (sample.allNodeClasses(), sample.allEdgeClasses())
    for g in 0..<trials {
      for (i, c) in allNodes[g].enumerated() { nodeCounts[i][c] += 1 }
      let e = allEdges[g]
      for (pair, (i, j)) in [(0, 1), (0, 2), (1, 2)].enumerated() { edgeCounts[pair][e[i][j]] += 1 }
    }
    for i in 0..<3 {
      #expect(frequenciesMatch(nodeCounts[i], (0..<3).map { Double(probabilities.nodes[0, i, $0]) }, trials: trials))
    }
    for (pair, (i, j)) in [(0, 1), (0, 2), (1, 2)].enumerated() {
      #expect(frequenciesMatch(edgeCounts[pair], (0..<3).map { Double(probabilities.edges[0, i, j, $0]) }, trials: trials))
    }
  }
}

extension Tensor {
  /// `count` copies along the leading axis of a batch-1 tensor (test helper).
  func replicatedBatch(_ count: Int) -> Tensor {
    var shape = self.shape
    shape[0] = count
    return broadcast(to: shape)
  }

  /// (E + Eᵀ)/2 over axes 1 and 2 of [bs, n, n, b] (test helper).
  func symmetrizedEdges() -> Tensor { (self + permuted([0, 2, 1, 3])) * 0.5 }
}
