// The reverse loop every diffusion model here runs, whatever its state (graphs, images): for
// t = start, …, 1 ask the model for its guided prediction at t, let SMC steering (if any) score
// the clean state that prediction points to and resample the batch, then draw x_{t−1}. After
// the last step steering scores the final states once more. The order of random draws is fixed
// here: at every step first steering's resampling, then the step's own draws.

import Tensor

/// What a reverse chain needs of a domain: its prediction at a step, the clean state steering
/// scores, how a batch and its prediction follow resampled particles, and one reverse step.
public struct ReverseChain<State, Prediction> {
  /// The clean state a prediction points to (its most likely x_0), which steering scores.
  public var predictedClean: (_ state: State, _ prediction: Prediction) -> State
  /// The batch and its prediction restricted to (or repeated as) the given particle indices.
  public var selecting: (_ state: State, _ prediction: Prediction, _ indices: [Int]) -> (State, Prediction)
  /// The final states restricted to the given particle indices.
  public var selectingFinal: (_ state: State, _ indices: [Int]) -> State
  /// x_{t−1} drawn from x_t and the prediction at t.
  public var step: (_ state: State, _ prediction: Prediction, _ step: Int, _ rng: inout RandomGenerator) -> State

  /// A chain from its parts.
  public init(
    predictedClean: @escaping (State, Prediction) -> State, selecting: @escaping (State, Prediction, [Int]) -> (State, Prediction),
    selectingFinal: @escaping (State, [Int]) -> State, step: @escaping (State, Prediction, Int, inout RandomGenerator) -> State
  ) {
    (self.predictedClean, self.selecting, self.selectingFinal, self.step) = (predictedClean, selecting, selectingFinal, step)
  }

  /// Runs the chain from `start` at step `startStep` down to step 0, with `predict` giving the
  /// (guided) prediction of a batch at a step and `steering` (nil: none) treating the batch of
  /// `count` states as particles.
  public func run(
    from start: State, startStep: Int, count: Int, steering: ParticleSteering<State>?,
    predict: (_ state: State, _ step: Int) throws -> Prediction, using rng: inout RandomGenerator
  ) rethrows -> State {
    var state = start
    var tracker = steering.map { ParticleSteering.Tracker($0, count: count) }
    for t in stride(from: startStep, through: 1, by: -1) {
      var prediction = try predict(state, t)
      if var steered = tracker {
        if let indices = steered.reweight(clean: predictedClean(state, prediction), using: &rng) {
          (state, prediction) = selecting(state, prediction, indices)
        }
        tracker = steered
      }
      state = step(state, prediction, t, &rng)
    }
    if var steered = tracker, startStep > 0, let indices = steered.reweight(clean: state, using: &rng) {
      state = selectingFinal(state, indices)
    }
    return state
  }
}
