// The forward process q(G_t | G_0) and the limit distribution.
// Port of DiGress src/diffusion_model_discrete.py `apply_noise` and
// src/diffusion/diffusion_utils.py `sample_discrete_feature_noise`.
//
// Because the process acts on every node and every edge independently, q(G_t | G_0) factorises:
// node i has class distribution x_i·Q̄_t and pair (i, j) has e_ij·Q̄_t^E (row vectors). Edges are
// drawn once per unordered pair and mirrored, so E_t stays symmetric.
//
// Decision (training steps): t is drawn from {1, …, T} (DiGress `fixed_bug` 8051b7a and
// FreeGress), not {0, …, T}: with our indexing step 0 is the clean graph itself (Q̄_0 = I).

extension DiscreteDiffusion {
  /// q(G_t | G_0) for every node and edge: X·Q̄_t and E·Q̄_t^E, with a step per graph.
  /// Rows of padded nodes are zero; diagonal rows are e_ii·Q̄ and are never sampled.
  /// Shapes: clean [bs, n, a] / [bs, n, n, b], steps [bs] → [bs, n, a], [bs, n, n, b].
  public func forwardProbabilities(of clean: GraphState, steps: [Int]) -> GraphProbabilities {
    checkClasses(clean)
    let (bs, n, b) = (clean.batchSize, clean.nodeCapacity, clean.edgeClassCount)
    precondition(steps.count == bs, "forwardProbabilities: \(steps.count) steps for \(bs) graphs")
    let cumulative = cumulativeTransitions(steps: steps)
    let nodes = Tensor.matmul(clean.nodes.detached, cumulative.nodes)
    let edges = Tensor.matmul(clean.edges.detached.reshaped([bs, n * n, b]), cumulative.edges).reshaped([bs, n, n, b])
    return GraphProbabilities(nodes: nodes, edges: edges)
  }

  /// A sample of G_t ~ q(G_t | G_0) with a step per graph: canonical, symmetric edges, the
  /// clean graph's mask and globals. Shapes: bs graphs in, bs graphs out; steps [bs].
  public func noised(_ clean: GraphState, steps: [Int], using rng: inout RandomGenerator) -> GraphState {
    GraphState.sampled(
      from: forwardProbabilities(of: clean, steps: steps), nodeMask: clean.nodeMask, globals: clean.globals, using: &rng)
  }

  /// A sample of G_t ~ q(G_t | G_0) with the same step for every graph.
  public func noised(_ clean: GraphState, step: Int, using rng: inout RandomGenerator) -> GraphState {
    noised(clean, steps: Array(repeating: step, count: clean.batchSize), using: &rng)
  }

  /// Training steps drawn uniformly from {1, …, T}, one per graph.
  public func sampleTrainingSteps(count: Int, using rng: inout RandomGenerator) -> [Int] {
    (0..<count).map { _ in 1 + rng.nextInt(below: stepCount) }
  }

  /// A sample of the limit distribution (the prior at t = T): node classes from m_X, edge classes
  /// from m_E per unordered pair, mirrored; canonical. Shapes: nodeMask [bs, n], globals [bs, g].
  public func sampleLimit(nodeMask: Tensor, globals: Tensor? = nil, using rng: inout RandomGenerator) -> GraphState {
    precondition(nodeMask.rank == 2, "sampleLimit: nodeMask must be [bs, n], got \(nodeMask.shape)")
    let (bs, n, a, b) = (nodeMask.shape[0], nodeMask.shape[1], nodeClassCount, edgeClassCount)
    let nodeRow = Tensor(nodeTransition.limitDistribution.map(Float.init))
    let edgeRow = Tensor(edgeTransition.limitDistribution.map(Float.init))
    let probabilities = GraphProbabilities(nodes: nodeRow.broadcast(to: [bs, n, a]), edges: edgeRow.broadcast(to: [bs, n, n, b]))
    return GraphState.sampled(from: probabilities, nodeMask: nodeMask, globals: globals ?? Tensor.zeros([bs, 0]), using: &rng)
  }

  /// Traps when the state's class counts differ from this process's.
  func checkClasses(_ state: GraphState) {
    precondition(
      state.nodeClassCount == nodeClassCount && state.edgeClassCount == edgeClassCount,
      "DiscreteDiffusion: state has \(state.nodeClassCount) node / \(state.edgeClassCount) edge classes, the process \(nodeClassCount) / \(edgeClassCount)")
  }
}
