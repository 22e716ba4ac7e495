import DiffusionCore
import Foundation
import Tensor
import Testing

/// The reverse loop on a toy state (a batch of numbers), with no graph in sight: it visits the
/// steps τ, …, 1 in order, each step sees the prediction of its own state, and steering
/// resamples particles towards a higher potential and follows them with their predictions.
@Suite struct ReverseChainTests {
  /// x_{t−1} = x_t + prediction; the prediction at t is t itself.
  func chain(log: @escaping (Int) -> Void = { _ in }) -> ReverseChain<[Double], [Double]> {
    ReverseChain<[Double], [Double]>(
      predictedClean: { state, _ in state },
      selecting: { state, prediction, indices in (indices.map { state[$0] }, indices.map { prediction[$0] }) },
      selectingFinal: { state, indices in indices.map { state[$0] } },
      step: { state, prediction, step, _ in log(step); return zip(state, prediction).map { $0 + $1 } })
  }

  @Test func stepsRunFromTauDownToOne() throws {
    var visited: [Int] = []
    var rng = RandomGenerator(seed: 1)
    let result = chain(log: { visited.append($0) }).run(
      from: [0, 10], startStep: 4, count: 2, steering: nil, predict: { state, step in state.map { _ in Double(step) } }, using: &rng)
    #expect(visited == [4, 3, 2, 1])
    #expect(result == [10, 20])
    let unchanged = chain().run(from: [5], startStep: 0, count: 1, steering: nil, predict: { s, _ in s }, using: &rng)
    #expect(unchanged == [5])
  }

  @Test func steeringResamplesTowardsThePotential() throws {
    // A potential that strongly prefers states near 0: every particle ends as the one from 0.
    let steering = ParticleSteering<[Double]>(logPotential: { state in state.map { -50 * abs($0) } })
    var rng = RandomGenerator(seed: 2)
    let result = chain().run(
      from: [0, 100, 200, 300], startStep: 3, count: 4, steering: steering,
      predict: { state, step in state.map { _ in Double(step) } }, using: &rng)
    #expect(result == [6, 6, 6, 6])
    // The predictions follow their particles: the step adds the prediction of the state it
    // continues, so a prediction keyed to the state's value shows it.
    var rng2 = RandomGenerator(seed: 2)
    let keyed = chain().run(
      from: [0, 100, 200, 300], startStep: 1, count: 4, steering: steering, predict: { state, _ in state.map { $0 / 100 } }, using: &rng2)
    #expect(keyed == [0, 0, 0, 0])
  }
}
