// Guided reverse diffusion: GDCE counterfactuals (Algorithm 1 of Bechtoldt and Bender, "Graph Diffusion Counterfactual Explanation") and FreeGress
// generation from the limit distribution. Port of DiGress/FreeGress `sample_batch`.
//
// Both are the same loop: for t = start, …, 1 get the guided prediction p̂(G_0 | G_t, y) and draw
// G_{t−1} ~ Σ_{x_0} q(G_{t−1} | G_t, x_0) p̂(x_0 | G_t, y). They differ only in the start:
// GDCE draws G_τ ~ q(G_τ | G) from the input graph, FreeGress draws G_T from the limit
// distribution m. There is no final argmax: G_0 is the last sample, and since Q̄_0 = I it is a
// draw from p̂(x_0 | G_1, y) itself (NoiseSchedule.swift). `FinalStepRule.mostLikely` replaces
// that last draw by the most likely class of every node and pair (an option, not DiGress).
// Results are a function of the seed and of `batchSize` (the draw order is batch by batch).

import DiffusionCore

/// How the last reverse step (G_1 → G_0) picks the clean graph.
public enum FinalStepRule: String, Sendable, Codable, CaseIterable {
  /// Draw G_0 ~ p(G_0 | G_1), as DiGress and FreeGress do.
  case sample
  /// Take the most likely class of every node and every pair of p(G_0 | G_1) (ties: lowest class).
  case mostLikely
}

/// The distribution of node counts, e.g. the training set's histogram (DiGress `DistributionNodes`).
public struct NodeCountDistribution: Sendable, Equatable {
  /// probabilities[k] = P(n = k), k = 0…maximum.
  public let probabilities: [Double]

  /// The empirical distribution of `observedCounts` (each ≥ 1; at least one).
  public init(observedCounts: [Int]) {
    precondition(!observedCounts.isEmpty && observedCounts.allSatisfy { $0 >= 1 }, "NodeCountDistribution: needs node counts ≥ 1, got \(observedCounts.prefix(10))")
    var histogram = [Double](repeating: 0, count: observedCounts.max()! + 1)
    for count in observedCounts { histogram[count] += 1 }
    probabilities = histogram.map { $0 / Double(observedCounts.count) }
  }

  /// A distribution from probabilities by node count (validated by the caller).
  init(probabilities: [Double]) { self.probabilities = probabilities }

  /// The largest node count with positive probability.
  public var maximum: Int { probabilities.lastIndex { $0 > 0 } ?? 0 }

  /// A node count drawn from the distribution.
  public func sample(using rng: inout RandomGenerator) -> Int {
    let u = rng.nextUniformDouble()
    var cumulative = 0.0
    for (count, p) in probabilities.enumerated() {
      cumulative += p
      if u < cumulative { return count }
    }
    return maximum
  }
}

extension DiscreteDiffusion {
  /// Guided reverse diffusion from `start`, a state at step `startStep` (1…T), down to step 0.
  /// `constraint` (nil: plain steps) replaces the sampling of every step (ReverseStepConstraint);
  /// `steering` (nil: none) reweights and resamples the batch as particles (ParticleSteering.swift).
  /// Shapes: bs graphs in, bs graphs out (canonical).
  public func denoised<Condition>(
    from start: GraphState, startStep: Int, condition: Condition?, guidanceScale: Float, finalStep: FinalStepRule = .sample,
    constraint: (any ReverseStepConstraint)? = nil, steering: ParticleSteering<GraphState>? = nil, denoiser: GraphDenoiser<Condition>,
    using rng: inout RandomGenerator
  ) rethrows -> GraphState {
    try denoised(
      from: start, startStep: startStep, finalStep: finalStep, constraint: constraint, steering: steering,
      prediction: { try guidedPrediction(noisy: $0, step: $1, condition: condition, guidanceScale: guidanceScale, denoiser: denoiser) },
      using: &rng)
  }

  /// The reverse loop itself (DiffusionCore's ReverseChain), with the guided prediction of each
  /// step given whole.
  public func denoised(
    from start: GraphState, startStep: Int, finalStep: FinalStepRule = .sample, constraint: (any ReverseStepConstraint)? = nil,
    steering: ParticleSteering<GraphState>? = nil, prediction guidedPrediction: GuidedGraphPrediction, using rng: inout RandomGenerator
  ) rethrows -> GraphState {
    checkClasses(start)
    precondition(startStep >= 0 && startStep <= stepCount, "denoised: start step \(startStep) is outside 0...\(stepCount)")
    // p̂(G_0 | G_t) once per step where it is needed: steering scores its most likely graph, the
    // constrained step marginalises it (rows follow the particles when they are resampled).
    typealias StepPrediction = (logits: GraphPrediction, clean: GraphProbabilities?)
    let needsClean = steering != nil || constraint != nil
    let chain = ReverseChain<GraphState, StepPrediction>(
      predictedClean: { state, prediction in GraphState.mostLikely(from: prediction.clean!, nodeMask: state.nodeMask, globals: state.globals) },
      selecting: { state, prediction, indices in
        (state.selecting(graphs: indices),
         (prediction.logits.selecting(graphs: indices),
          prediction.clean.map { GraphProbabilities(nodes: $0.nodes.selectingRows(indices), edges: $0.edges.selectingRows(indices)) }))
      },
      selectingFinal: { state, indices in state.selecting(graphs: indices) },
      step: { state, prediction, step, rng in
        if let constraint {
          let probabilities = reverseProbabilities(noisy: state, predictedClean: prediction.clean!, step: step)
          return constraint.sampled(
            from: probabilities, nodeMask: state.nodeMask, globals: state.globals, isFinalStep: step == 1,
            mostLikely: step == 1 && finalStep == .mostLikely, using: &rng)
        }
        if step == 1 && finalStep == .mostLikely {
          let probabilities = reverseProbabilities(noisy: state, predictedClean: prediction.logits.probabilities(), step: 1)
          return GraphState.mostLikely(from: probabilities, nodeMask: state.nodeMask, globals: state.globals)
        }
        return sampleReverseStep(noisy: state, prediction: prediction.logits, step: step, using: &rng)
      })
    return try chain.run(from: start, startStep: startStep, count: start.batchSize, steering: steering, predict: { state, step in
      let prediction = try guidedPrediction(state, step)
      precondition(
        prediction.nodeLogits.shape == state.nodes.shape && prediction.edgeLogits.shape == state.edges.shape,
        "denoised: denoiser returned \(prediction.nodeLogits.shape)/\(prediction.edgeLogits.shape) for a state \(state.nodes.shape)/\(state.edges.shape)")
      return (prediction, needsClean ? prediction.probabilities() : nil)
    }, using: &rng)
  }

  /// GDCE (Bechtoldt and Bender, Algorithm 1): `sampleCount` counterfactuals of the single graph `graph`
  /// towards `target`: G_τ ~ q(G_τ | G) with τ = `noiseStep`, then guided reverse steps τ → 0
  /// with scale `guidanceScale`. Runs `batchSize` copies at a time (default: all at once). A
  /// batch of `sampleCount` graphs gives one counterfactual of each (a search drawing each sample
  /// from a seed of its own). Shapes: graph bs = 1 or sampleCount → sampleCount graphs with the
  /// input's node mask and globals.
  public func counterfactuals<Condition>(
    of graph: GraphState, target: Condition?, noiseStep: Int, sampleCount: Int, guidanceScale: Float,
    batchSize: Int? = nil, finalStep: FinalStepRule = .sample, constraint: (any ReverseStepConstraint)? = nil,
    steering: ParticleSteering<GraphState>? = nil, denoiser: GraphDenoiser<Condition>, using rng: inout RandomGenerator
  ) rethrows -> GraphState {
    try counterfactuals(
      of: graph, noiseStep: noiseStep, sampleCount: sampleCount, batchSize: batchSize, finalStep: finalStep, constraint: constraint,
      steering: steering,
      prediction: { try guidedPrediction(noisy: $0, step: $1, condition: target, guidanceScale: guidanceScale, denoiser: denoiser) },
      using: &rng)
  }

  /// GDCE with the guided prediction of each step given whole (see `denoised`). Shapes: graph
  /// bs = 1 or sampleCount → sampleCount graphs.
  public func counterfactuals(
    of graph: GraphState, noiseStep: Int, sampleCount: Int, batchSize: Int? = nil, finalStep: FinalStepRule = .sample,
    constraint: (any ReverseStepConstraint)? = nil, steering: ParticleSteering<GraphState>? = nil,
    prediction: GuidedGraphPrediction, using rng: inout RandomGenerator
  ) rethrows -> GraphState {
    precondition(graph.batchSize == 1 || graph.batchSize == sampleCount,
      "counterfactuals: expects one input graph, or one per sample (\(sampleCount)), got a batch of \(graph.batchSize)")
    precondition(noiseStep >= 1 && noiseStep <= stepCount, "counterfactuals: noise step τ = \(noiseStep) is outside 1...\(stepCount)")
    precondition(sampleCount >= 1, "counterfactuals: sampleCount \(sampleCount) must be positive")
    let clean = graph.canonicalized()
    var chunks: [GraphState] = []
    var first = 0
    for size in Self.chunkSizes(total: sampleCount, batchSize: batchSize) {
      let starts = graph.batchSize == 1 ? clean.replicated(count: size) : clean.selecting(graphs: Array(first..<(first + size)))
      first += size
      let noisy = noised(starts, step: noiseStep, using: &rng)
      chunks.append(
        try denoised(
          from: noisy, startStep: noiseStep, finalStep: finalStep, constraint: constraint, steering: steering, prediction: prediction,
          using: &rng))
    }
    return GraphState.concatenated(chunks)
  }

  /// FreeGress generation: one graph per entry of `nodeCounts`, from the limit distribution at
  /// step T through guided reverse steps to 0 (`condition` nil = unconditional), padded to
  /// `nodeCapacity` (default the largest count). Shapes: → nodeCounts.count graphs.
  public func generated<Condition>(
    nodeCounts: [Int], nodeCapacity: Int? = nil, condition: Condition?, guidanceScale: Float,
    batchSize: Int? = nil, finalStep: FinalStepRule = .sample, constraint: (any ReverseStepConstraint)? = nil,
    steering: ParticleSteering<GraphState>? = nil, denoiser: GraphDenoiser<Condition>, using rng: inout RandomGenerator
  ) rethrows -> GraphState {
    try generated(
      nodeCounts: nodeCounts, nodeCapacity: nodeCapacity, batchSize: batchSize, finalStep: finalStep, constraint: constraint,
      steering: steering,
      prediction: { try guidedPrediction(noisy: $0, step: $1, condition: condition, guidanceScale: guidanceScale, denoiser: denoiser) },
      using: &rng)
  }

  /// FreeGress generation with the guided prediction of each step given whole (see `denoised`).
  public func generated(
    nodeCounts: [Int], nodeCapacity: Int? = nil, batchSize: Int? = nil, finalStep: FinalStepRule = .sample,
    constraint: (any ReverseStepConstraint)? = nil, steering: ParticleSteering<GraphState>? = nil,
    prediction: GuidedGraphPrediction, using rng: inout RandomGenerator
  ) rethrows -> GraphState {
    precondition(!nodeCounts.isEmpty && nodeCounts.allSatisfy { $0 >= 1 }, "generated: node counts must be ≥ 1, got \(nodeCounts.prefix(10))")
    let n = nodeCapacity ?? nodeCounts.max()!
    precondition(nodeCounts.max()! <= n, "generated: node count \(nodeCounts.max()!) exceeds the capacity \(n)")
    var chunks: [GraphState] = []
    var first = 0
    for size in Self.chunkSizes(total: nodeCounts.count, batchSize: batchSize) {
      let counts = nodeCounts[first..<(first + size)]
      first += size
      let mask = Tensor(shape: [size, n], scalars: counts.flatMap { count in (0..<n).map { $0 < count ? Float(1) : 0 } })
      let prior = sampleLimit(nodeMask: mask, using: &rng)
      chunks.append(
        try denoised(
          from: prior, startStep: stepCount, finalStep: finalStep, constraint: constraint, steering: steering, prediction: prediction,
          using: &rng))
    }
    return GraphState.concatenated(chunks)
  }

  /// FreeGress generation with node counts drawn from `nodeCountDistribution`.
  public func generated<Condition>(
    sampleCount: Int, nodeCountDistribution: NodeCountDistribution, condition: Condition?, guidanceScale: Float,
    batchSize: Int? = nil, finalStep: FinalStepRule = .sample, constraint: (any ReverseStepConstraint)? = nil,
    denoiser: GraphDenoiser<Condition>, using rng: inout RandomGenerator
  ) rethrows -> GraphState {
    precondition(sampleCount >= 1, "generated: sampleCount \(sampleCount) must be positive")
    let counts = (0..<sampleCount).map { _ in nodeCountDistribution.sample(using: &rng) }
    return try generated(
      nodeCounts: counts, nodeCapacity: nodeCountDistribution.maximum, condition: condition, guidanceScale: guidanceScale,
      batchSize: batchSize, finalStep: finalStep, constraint: constraint, denoiser: denoiser, using: &rng)
  }

  /// Sizes of consecutive batches covering `total` items, each at most `batchSize`.
  static func chunkSizes(total: Int, batchSize: Int?) -> [Int] {
    let size = batchSize ?? total
    precondition(size >= 1, "batchSize \(size) must be positive")
    return stride(from: 0, to: total, by: size).map { Swift.min(size, total - $0) }
  }
}

extension GraphPrediction {
  /// The predictions of the graphs at `indices` (may repeat). Shapes: bs → indices.count.
  func selecting(graphs indices: [Int]) -> GraphPrediction {
    GraphPrediction(nodeLogits: nodeLogits.selectingRows(indices), edgeLogits: edgeLogits.selectingRows(indices))
  }
}
