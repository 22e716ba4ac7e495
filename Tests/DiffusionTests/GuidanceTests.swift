@testable import Diffusion
import DiffusionCore
import TestSupport
import Testing

@Suite struct GuidanceTests {
  let conditional = GraphPrediction(nodeLogits: testTensor([2, 3, 2], seed: 1), edgeLogits: testTensor([2, 3, 3, 2], seed: 2))
  let unconditional = GraphPrediction(nodeLogits: testTensor([2, 3, 2], seed: 3), edgeLogits: testTensor([2, 3, 3, 2], seed: 4))

  @Test func scaleOneIsConditionalAndZeroIsUnconditional() {
    let one = GraphPrediction.guided(conditional: conditional, unconditional: unconditional, scale: 1)
    #expect(isClose(one.nodeLogits, conditional.nodeLogits) && isClose(one.edgeLogits, conditional.edgeLogits))
    let zero = GraphPrediction.guided(conditional: conditional, unconditional: unconditional, scale: 0)
    #expect(isClose(zero.nodeLogits, unconditional.nodeLogits) && isClose(zero.edgeLogits, unconditional.edgeLogits))
  }

  /// softmax(ℓ_null + s(ℓ_cond − ℓ_null)) ∝ p_cond^s · p_null^(1−s).
  @Test func guidedDistributionIsTheGeometricMixture() {
    let s: Float = 5
    let guided = GraphPrediction.guided(conditional: conditional, unconditional: unconditional, scale: s).probabilities()
    let pc = conditional.probabilities().edges, pn = unconditional.probabilities().edges
    let mixture = Tensor.pow(pc, Tensor(s)) * Tensor.pow(pn, Tensor(1 - s))
    let expected = mixture / mixture.sum(axes: [3], keepingDims: true)
    #expect(isClose(guided.edges, expected, rtol: 1e-4, atol: 1e-6))
    #expect(abs(guided.edges[1, 2, 0, 0] - conditional.edgeLogits.softmax()[1, 2, 0, 0]) > 1e-3)  // it does change things
  }

  @Test func guidedPredictionCallsTheDenoiserOnlyAsNeeded() throws {
    var calls: [Int?] = []
    let denoiser: GraphDenoiser<Int> = { _, _, condition in
      calls.append(condition)
      return condition == nil ? unconditional : conditional
    }
    let state = GraphState(
      nodeClasses: [[0, 1, 0], [1, 1, 0]], edgeClasses: [DiffusionFixtures.edgeMatrix(3, []), DiffusionFixtures.edgeMatrix(3, [(0, 1, 1)])],
      nodeClassCount: 2, edgeClassCount: 2)
    _ = try guidedPrediction(noisy: state, step: 3, condition: 7, guidanceScale: 1, denoiser: denoiser)
    #expect(calls == [7])
    calls = []
    _ = try guidedPrediction(noisy: state, step: 3, condition: nil, guidanceScale: 4, denoiser: denoiser)
    #expect(calls == [nil])
    calls = []
    let guided = try guidedPrediction(noisy: state, step: 3, condition: 7, guidanceScale: 3, denoiser: denoiser)
    #expect(calls == [7, nil])
    let expected = GraphPrediction.guided(conditional: conditional, unconditional: unconditional, scale: 3)
    #expect(isClose(guided.edgeLogits, expected.edgeLogits))
  }
}

@Suite struct ConditionDropoutTests {
  @Test func dropoutFrequencyMatchesTheProbability() {
    var rng = RandomGenerator(seed: 6)
    let mask = sampleUnconditionalMask(count: 20000, using: &rng)
    let dropped = Double(mask.filter { $0 }.count)
    #expect(frequenciesMatch([dropped, 20000 - dropped], [0.1, 0.9], trials: 20000))
    #expect(sampleUnconditionalMask(count: 50, probability: 0, using: &rng).allSatisfy { !$0 })
    #expect(sampleUnconditionalMask(count: 50, probability: 1, using: &rng).allSatisfy { $0 })
  }
}
