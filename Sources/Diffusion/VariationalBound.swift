// The variational bound on −log p(G): the validation NLL of the training log.
// Port of DiGress src/diffusion_model_discrete.py `compute_val_loss`, `kl_prior`, `compute_Lt`
// and `reconstruction_logp`, adapted to our step indexing (NoiseSchedule.swift).
//
// With G_0 the clean graph and Q̄_0 = I, the standard bound is
//   −log p(G) ≤ −log p(n) + KL(q(G_T | G) ‖ p(G_T)) + Σ_{t=1..T} E_q[ KL(q(G_{t−1} | G_t, G) ‖ p_θ(G_{t−1} | G_t)) ].
// The t = 1 term is DiGress's reconstruction term: q(G_0 | G_1, G) is the one-hot of G (the
// exact posterior at step 1), so its KL is −log p_θ(G_0 = G | G_1). The sum over t is estimated
// by T times the term at one t ~ U{1…T}, as DiGress does; the estimate is unbiased.
//
// Counting: every real node and every *unordered* pair of distinct real nodes counts once, the
// variables the process actually has (edges are drawn once per pair). DiGress sums its KLs over
// all n² ordered entries, so its edge terms are twice ours.
//
// Guard (DiGress `mask_distributions`): both distributions get 1e-7 added and are renormalised
// before the logarithm, so an impossible prediction costs a large but finite amount, never NaN.

import DiffusionCore
import Foundation

/// One evaluation of the variational bound, per graph (nats).
public struct VariationalBound: Sendable {
  /// −log p(n) from the node-count distribution (0 when none was given).
  public var nodeCount: [Double]
  /// KL(q(G_T | G) ‖ limit distribution).
  public var prior: [Double]
  /// T · KL(q(G_{t−1} | G_t, G) ‖ p_θ(G_{t−1} | G_t)) at the sampled step.
  public var diffusion: [Double]
  /// The sampled step t of each graph.
  public var steps: [Int]

  /// The bound per graph: the sum of the three terms.
  public var total: [Double] { (0..<prior.count).map { nodeCount[$0] + prior[$0] + diffusion[$0] } }
}

extension DiscreteDiffusion {
  /// Floor added to both distributions before the KL's logarithm (DiGress `mask_distributions`).
  public static let klFloor: Double = 1e-7

  /// KL(q(G_T | G) ‖ m) per graph, over real nodes and unordered pairs of distinct real nodes.
  public func priorKL(clean: GraphState) -> [Double] {
    let probabilities = forwardProbabilities(of: clean, steps: Array(repeating: stepCount, count: clean.batchSize))
    let (bs, n, a, b) = (clean.batchSize, clean.nodeCapacity, nodeClassCount, edgeClassCount)
    let limitNodes = Tensor(nodeTransition.limitDistribution.map(Float.init)).broadcast(to: [bs, n, a])
    let limitEdges = Tensor(edgeTransition.limitDistribution.map(Float.init)).broadcast(to: [bs, n, n, b])
    return Self.summedKL(
      true: probabilities, predicted: GraphProbabilities(nodes: limitNodes, edges: limitEdges), nodeMask: clean.nodeMask)
  }

  /// KL(q(G_{t−1} | G_t, G) ‖ p(G_{t−1} | G_t)) per graph for predicted clean-graph probabilities,
  /// over real nodes and unordered pairs of distinct real nodes. Shapes: as `reverseProbabilities`.
  public func stepKL(noisy: GraphState, clean: GraphState, predictedClean: GraphProbabilities, steps: [Int]) -> [Double] {
    let truth = posterior(noisy: noisy, clean: clean, steps: steps)
    let model = reverseProbabilities(noisy: noisy, predictedClean: predictedClean, steps: steps)
    return Self.summedKL(true: truth, predicted: model, nodeMask: clean.nodeMask)
  }

  /// A one-sample estimate of the variational bound per graph (see the file comment): draws
  /// t ~ U{1…T} per graph and G_t ~ q(G_t | G), asks `predictClean` for p̂(G_0 | G_t) of the
  /// whole batch at its per-graph steps, and adds −log p(n) when `nodeCounts` is given.
  /// Shapes: clean bs graphs → bs values each.
  public func variationalBound(
    clean: GraphState, nodeCounts: NodeCountDistribution?, using rng: inout RandomGenerator,
    predictClean: (_ noisy: GraphState, _ steps: [Int]) throws -> GraphPrediction
  ) rethrows -> VariationalBound {
    let clean = clean.canonicalized()
    let steps = sampleTrainingSteps(count: clean.batchSize, using: &rng)
    let noisy = noised(clean, steps: steps, using: &rng)
    let prediction = try predictClean(noisy, steps)
    let diffusion = stepKL(noisy: noisy, clean: clean, predictedClean: prediction.probabilities(), steps: steps).map { Double(stepCount) * $0 }
    let countTerm = clean.nodeCounts.map { count -> Double in
      guard let nodeCounts else { return 0 }
      let p = count < nodeCounts.probabilities.count ? nodeCounts.probabilities[count] : 0
      return -Foundation.log(Swift.max(p, Self.klFloor))
    }
    return VariationalBound(nodeCount: countTerm, prior: priorKL(clean: clean), diffusion: diffusion, steps: steps)
  }

  /// The same estimate for a guided denoiser, which takes one step per call (one condition for
  /// the batch): each distinct step is evaluated on its own sub-batch.
  public func variationalBound<Condition>(
    clean: GraphState, condition: Condition?, guidanceScale: Float, nodeCounts: NodeCountDistribution?,
    denoiser: GraphDenoiser<Condition>, using rng: inout RandomGenerator
  ) rethrows -> VariationalBound {
    try variationalBound(clean: clean, nodeCounts: nodeCounts, using: &rng) { noisy, steps in
      var nodeLogits = [Tensor?](repeating: nil, count: steps.count), edgeLogits = [Tensor?](repeating: nil, count: steps.count)
      for step in Set(steps).sorted() {
        let members = steps.indices.filter { steps[$0] == step }
        let part = try guidedPrediction(
          noisy: noisy.selecting(graphs: members), step: step, condition: condition, guidanceScale: guidanceScale, denoiser: denoiser)
        let x = part.nodeLogits.split(sizes: Array(repeating: 1, count: members.count), axis: 0)
        let e = part.edgeLogits.split(sizes: Array(repeating: 1, count: members.count), axis: 0)
        for (slot, graph) in members.enumerated() { (nodeLogits[graph], edgeLogits[graph]) = (x[slot], e[slot]) }
      }
      return GraphPrediction(nodeLogits: Tensor.concat(nodeLogits.map { $0! }, axis: 0), edgeLogits: Tensor.concat(edgeLogits.map { $0! }, axis: 0))
    }
  }

  /// Σ KL(p ‖ q) per graph over real nodes and pairs i < j of real nodes, with the 1e-7 floor.
  static func summedKL(true p: GraphProbabilities, predicted q: GraphProbabilities, nodeMask: Tensor) -> [Double] {
    let (bs, n, a, b) = (p.nodes.shape[0], p.nodes.shape[1], p.nodes.shape[2], p.edges.shape[3])
    let (pn, qn, pe, qe, mask) = (p.nodes.scalars, q.nodes.scalars, p.edges.scalars, q.edges.scalars, nodeMask.scalars)
    func kl(_ p: [Float], _ q: [Float], _ offset: Int, _ count: Int) -> Double {
      var pTotal = 0.0, qTotal = 0.0
      for c in 0..<count {
        pTotal += Double(p[offset + c]) + klFloor
        qTotal += Double(q[offset + c]) + klFloor
      }
      var sum = 0.0
      for c in 0..<count {
        let pc = (Double(p[offset + c]) + klFloor) / pTotal, qc = (Double(q[offset + c]) + klFloor) / qTotal
        sum += pc * Foundation.log(pc / qc)
      }
      return sum
    }
    return (0..<bs).map { g in
      let real = (0..<n).filter { mask[g * n + $0] > 0.5 }
      var total = 0.0
      for i in real {
        total += kl(pn, qn, (g * n + i) * a, a)
        for j in real where j > i { total += kl(pe, qe, ((g * n + i) * n + j) * b, b) }
      }
      return total
    }
  }
}

extension GraphDiffusionModel {
  /// The bound of the conditional model (guidance scale 1, evaluation mode) for clean graphs,
  /// each under its own target, with the model's node-count distribution. Shapes: bs graphs and
  /// bs targets → bs values each.
  public func variationalBound(clean: GraphState, targets: [[Float]], using rng: inout RandomGenerator) -> VariationalBound {
    let condition = configuration.condition.width > 0 ? configuration.condition.encodeBatch(targets) : nil
    return diffusion.variationalBound(clean: clean, nodeCounts: nodeCountDistribution, using: &rng) { noisy, steps in
      var evaluation: RandomGenerator? = nil
      return predict(noisy: noisy, steps: steps, condition: condition, rng: &evaluation)
    }
  }
}
