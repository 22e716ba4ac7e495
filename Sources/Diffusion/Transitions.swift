// Transition matrices of the discrete forward process, for nodes and for edges.
// Port of DiGress src/diffusion/noise_schedule.py (`MarginalUniformTransition`,
// `DiscreteUniformTransition`).
//
// States are row vectors and x_t = x_{t−1}·Q_t, so rows are "from" and columns are "to".
//   Q_t = (1 − β_t) I + β_t 1mᵀ            (every row of 1mᵀ is m)
// 1mᵀ is idempotent (1mᵀ·1mᵀ = 1(mᵀ1)mᵀ = 1mᵀ because Σm = 1), so a product of such matrices
// stays in the family: [(a I + (1−a) 1mᵀ)(b I + (1−b) 1mᵀ)] = ab I + (1 − ab) 1mᵀ. Hence
//   Q̄_t = Q_1·…·Q_t = ᾱ_t I + (1 − ᾱ_t) 1mᵀ,   ᾱ_t = Π_{k≤t}(1 − β_k),
// and as ᾱ_t → 0 every row of Q̄_t tends to m: the limit distribution is m itself.
// `get_Qt` uses the raw β, so Q_T = 1mᵀ exactly (β_T = 1).

import DiffusionCore

/// Transition matrices for one categorical variable whose limit distribution is m.
public struct CategoricalTransition: Sendable, Equatable {
  /// The limit distribution m (non-negative, sums to 1).
  public let limitDistribution: [Double]

  /// The transition towards `limitDistribution` (any non-negative weights with a positive sum;
  /// they are normalised, as DiGress renormalises MOSES's node marginals).
  public init(limitDistribution weights: [Double]) {
    let total = weights.reduce(0, +)
    precondition(
      !weights.isEmpty && weights.allSatisfy { $0 >= 0 && $0.isFinite } && total > 0,
      "CategoricalTransition: limit distribution \(weights) needs non-negative finite weights with a positive sum")
    self.limitDistribution = weights.map { $0 / total }
  }

  /// DiGress's default "marginal" transition: m = the class frequencies of the training set.
  public static func marginal(frequencies: [Double]) -> CategoricalTransition {
    CategoricalTransition(limitDistribution: frequencies)
  }

  /// The uniform transition: m = 1/K for K classes.
  public static func uniform(classCount: Int) -> CategoricalTransition {
    precondition(classCount >= 1, "CategoricalTransition.uniform: classCount \(classCount) must be positive")
    return CategoricalTransition(limitDistribution: [Double](repeating: 1, count: classCount))
  }

  /// Number of classes K.
  public var classCount: Int { limitDistribution.count }

  /// Q_t = (1 − β) I + β 1mᵀ as row-major Doubles, K×K.
  public func stepMatrixValues(beta: Double) -> [Double] { mixture(identityWeight: 1 - beta) }

  /// Q̄_t = ᾱ I + (1 − ᾱ) 1mᵀ as row-major Doubles, K×K.
  public func cumulativeMatrixValues(alphaBar: Double) -> [Double] { mixture(identityWeight: alphaBar) }

  /// Q_t = (1 − β) I + β 1mᵀ. Shapes: → [K, K] (rows sum to 1).
  public func stepMatrix(beta: Double) -> Tensor {
    Tensor(shape: [classCount, classCount], scalars: stepMatrixValues(beta: beta).map(Float.init))
  }

  /// Q̄_t = ᾱ I + (1 − ᾱ) 1mᵀ. Shapes: → [K, K] (rows sum to 1).
  public func cumulativeMatrix(alphaBar: Double) -> Tensor {
    Tensor(shape: [classCount, classCount], scalars: cumulativeMatrixValues(alphaBar: alphaBar).map(Float.init))
  }

  /// w I + (1 − w) 1mᵀ, row-major.
  private func mixture(identityWeight w: Double) -> [Double] {
    precondition(w >= 0 && w <= 1, "CategoricalTransition: identity weight \(w) is outside [0, 1]")
    let k = classCount
    var values = [Double](repeating: 0, count: k * k)
    for row in 0..<k {
      for column in 0..<k {
        values[row * k + column] = (1 - w) * limitDistribution[column] + (row == column ? w : 0)
      }
    }
    return values
  }
}

/// A node matrix and an edge matrix that belong together (same step).
public struct NodeEdgeMatrices: Sendable {
  /// The node-class matrix. Shapes: [a, a], or [bs, a, a] when stacked per graph.
  public var nodes: Tensor
  /// The edge-class matrix. Shapes: [b, b], or [bs, b, b] when stacked per graph.
  public var edges: Tensor
}

/// The discrete diffusion process: a cosine schedule plus node and edge transitions that share ᾱ_t.
public struct DiscreteDiffusion: Sendable {
  /// The noise schedule (T steps).
  public let schedule: CosineNoiseSchedule
  /// Transitions of node classes (a classes).
  public let nodeTransition: CategoricalTransition
  /// Transitions of edge classes (b classes, class 0 = no edge).
  public let edgeTransition: CategoricalTransition

  /// A process with the given schedule and node/edge transitions.
  public init(schedule: CosineNoiseSchedule, nodeTransition: CategoricalTransition, edgeTransition: CategoricalTransition) {
    precondition(edgeTransition.classCount >= 2, "DiscreteDiffusion: edges need at least 2 classes (0 = no edge), got \(edgeTransition.classCount)")
    self.schedule = schedule
    self.nodeTransition = nodeTransition
    self.edgeTransition = edgeTransition
  }

  /// Number of diffusion steps T.
  public var stepCount: Int { schedule.stepCount }
  /// Number of node classes a.
  public var nodeClassCount: Int { nodeTransition.classCount }
  /// Number of edge classes b (class 0 = no edge).
  public var edgeClassCount: Int { edgeTransition.classCount }

  /// Q_t for nodes and edges (DiGress `get_Qt`), t = 1…T. Shapes: [a, a], [b, b].
  public func transition(at step: Int) -> NodeEdgeMatrices {
    precondition(step >= 1 && step <= stepCount, "DiscreteDiffusion.transition: step \(step) is outside 1...\(stepCount)")
    let beta = schedule.beta(at: step)
    return NodeEdgeMatrices(nodes: nodeTransition.stepMatrix(beta: beta), edges: edgeTransition.stepMatrix(beta: beta))
  }

  /// Q̄_t for nodes and edges (DiGress `get_Qt_bar`), t = 0…T; Q̄_0 = I. Shapes: [a, a], [b, b].
  public func cumulativeTransition(at step: Int) -> NodeEdgeMatrices {
    let alphaBar = schedule.alphaBar(at: step)
    return NodeEdgeMatrices(
      nodes: nodeTransition.cumulativeMatrix(alphaBar: alphaBar), edges: edgeTransition.cumulativeMatrix(alphaBar: alphaBar))
  }

  /// Q_t per graph: one shared [a, a] / [b, b] pair when every graph has the same step (the usual
  /// case when sampling), else stacked. Shapes: → [a, a] or [bs, a, a], and likewise for edges.
  func transitions(steps: [Int]) -> NodeEdgeMatrices {
    if let first = steps.first, steps.allSatisfy({ $0 == first }) { return transition(at: first) }
    return stack(steps.map { transition(at: $0) })
  }

  /// Q̄_t per graph, shared or stacked as `transitions(steps:)`.
  func cumulativeTransitions(steps: [Int]) -> NodeEdgeMatrices {
    if let first = steps.first, steps.allSatisfy({ $0 == first }) { return cumulativeTransition(at: first) }
    return stack(steps.map { cumulativeTransition(at: $0) })
  }

  private func stack(_ matrices: [NodeEdgeMatrices]) -> NodeEdgeMatrices {
    let (a, b) = (nodeClassCount, edgeClassCount)
    return NodeEdgeMatrices(
      nodes: Tensor(shape: [matrices.count, a, a], scalars: matrices.flatMap { $0.nodes.scalars }),
      edges: Tensor(shape: [matrices.count, b, b], scalars: matrices.flatMap { $0.edges.scalars }))
  }
}
