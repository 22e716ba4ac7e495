// The exact posterior q(G_{t−1} | G_t, G_0) and the reverse step p(G_{t−1} | G_t).
// Port of DiGress src/diffusion/diffusion_utils.py `compute_posterior_distribution`,
// `compute_batched_over0_posterior_distribution` and
// src/diffusion_model_discrete.py `sample_p_zs_given_zt`.
//
// Derivation, for one categorical variable (a node, or one edge), s = t − 1, row-vector states:
//   q(x_s = j | x_t = c, x_0 = k) = q(x_t = c | x_s = j) q(x_s = j | x_0 = k) / q(x_t = c | x_0 = k)
//                                = Q_t[j, c] · Q̄_s[k, j] / Q̄_t[k, c]          (Bayes + Markov)
// In vector form: (x_t Q_tᵀ) ⊙ (x_0 Q̄_s) / (x_0 Q̄_t x_tᵀ). The reverse step marginalises the
// unknown x_0 over the denoiser's prediction p̂(x_0 | G_t):
//   p(x_s = j | G_t) = Σ_k p̂[k] · Q_t[j, c] Q̄_s[k, j] / Q̄_t[k, c]
//                    = left[j] · Σ_k (p̂[k] / den[k]) Q̄_s[k, j],
//   left = x_t Q_tᵀ,  den = x_t Q̄_tᵀ  (den[k] = Q̄_t[k, c]).
// The second line is what is computed: two small matrix products per item instead of DiGress's
// bs × N × d₀ × d_s tensor, the same numbers up to rounding. Because Σ_j Q_t[j, c] Q̄_s[k, j] =
// Q̄_t[k, c] (Chapman–Kolmogorov), each k-term sums to p̂[k] over j and the mixture is already
// normalised when no guard fires; it is still renormalised, as DiGress does.
//
// Numerical guards (as DiGress): den = 0 (a class with m = 0) → 1e-6, so the division is defined
// (its numerator is then 0 as well); a row whose unnormalised mass is exactly 0 → every entry
// 1e-5 (uniform). Rows of padded nodes/pairs come out all zero and the diagonal is the class-0
// one-hot (GraphState's convention), so the result is a valid canonical "soft state".
// Edge rows are used from the upper triangle when sampling (see CategoricalSampling.swift);
// the denoiser's edge logits are symmetric, so p(i, j) = p(j, i).

/// The denoiser's prediction of the clean graph as unnormalised logits over classes.
public struct GraphPrediction: Sendable {
  /// Node-class logits of p̂(x_0 | G_t). Shapes: [bs, n, a].
  public var nodeLogits: Tensor
  /// Edge-class logits of p̂(e_0 | G_t). Shapes: [bs, n, n, b].
  public var edgeLogits: Tensor

  /// A prediction from node and edge logits (shapes checked against each other).
  public init(nodeLogits: Tensor, edgeLogits: Tensor) {
    precondition(
      nodeLogits.rank == 3 && edgeLogits.rank == 4 && edgeLogits.shape[0] == nodeLogits.shape[0]
        && edgeLogits.shape[1] == nodeLogits.shape[1] && edgeLogits.shape[2] == nodeLogits.shape[1],
      "GraphPrediction: node logits [bs, n, a] and edge logits [bs, n, n, b] do not match: \(nodeLogits.shape), \(edgeLogits.shape)")
    self.nodeLogits = nodeLogits
    self.edgeLogits = edgeLogits
  }

  /// softmax over classes of both logit tensors. Shapes: as the logits.
  public func probabilities() -> GraphProbabilities {
    GraphProbabilities(nodes: nodeLogits.detached.softmax(), edges: edgeLogits.detached.softmax())
  }
}

extension DiscreteDiffusion {
  /// DiGress's guard for zero denominators Q̄_t[k, c].
  public static let denominatorFloor: Float = 1e-6

  /// p(G_{t−1} | G_t) = Σ_{x_0} q(G_{t−1} | G_t, x_0) p̂(x_0 | G_t) for every node and edge, from
  /// predicted clean-graph probabilities (rows need not be normalised), with a step t ≥ 1 per
  /// graph. Rows are normalised; padding rows are zero; the diagonal is the class-0 one-hot.
  /// Shapes: noisy (canonical) [bs, n, a] / [bs, n, n, b], predicted the same, steps [bs].
  public func reverseProbabilities(noisy: GraphState, predictedClean: GraphProbabilities, steps: [Int]) -> GraphProbabilities {
    checkClasses(noisy)
    let (bs, n, a, b) = (noisy.batchSize, noisy.nodeCapacity, nodeClassCount, edgeClassCount)
    precondition(steps.count == bs, "reverseProbabilities: \(steps.count) steps for \(bs) graphs")
    precondition(
      predictedClean.nodes.shape == [bs, n, a] && predictedClean.edges.shape == [bs, n, n, b],
      "reverseProbabilities: predictions \(predictedClean.nodes.shape), \(predictedClean.edges.shape) do not match the state \(noisy.nodes.shape), \(noisy.edges.shape)")
    precondition(steps.allSatisfy { $0 >= 1 && $0 <= stepCount }, "reverseProbabilities: steps \(steps) must lie in 1...\(stepCount)")
    let step = transitions(steps: steps)
    let now = cumulativeTransitions(steps: steps)
    let before = cumulativeTransitions(steps: steps.map { $0 - 1 })
    let nodes = Self.mixedPosterior(
      noisy: noisy.nodes, predicted: predictedClean.nodes, step: step.nodes, cumulativeNow: now.nodes, cumulativeBefore: before.nodes)
    let edges = Self.mixedPosterior(
      noisy: noisy.edges.reshaped([bs, n * n, b]), predicted: predictedClean.edges.reshaped([bs, n * n, b]),
      step: step.edges, cumulativeNow: now.edges, cumulativeBefore: before.edges)
    return Self.canonicalRows(nodes: nodes, edges: edges, nodeMask: noisy.nodeMask, shape: (bs, n, a, b))
  }

  /// The same with one step t ≥ 1 for every graph.
  public func reverseProbabilities(noisy: GraphState, predictedClean: GraphProbabilities, step: Int) -> GraphProbabilities {
    reverseProbabilities(noisy: noisy, predictedClean: predictedClean, steps: Array(repeating: step, count: noisy.batchSize))
  }

  /// The exact posterior q(G_{t−1} | G_t, G_0) for a known clean graph (one-hot p̂), a step per
  /// graph; used for the validation KL. Shapes: as `reverseProbabilities`.
  public func posterior(noisy: GraphState, clean: GraphState, steps: [Int]) -> GraphProbabilities {
    reverseProbabilities(noisy: noisy, predictedClean: GraphProbabilities(nodes: clean.nodes.detached, edges: clean.edges.detached), steps: steps)
  }

  /// One reverse step: G_{t−1} ~ p(G_{t−1} | G_t) with p̂ = softmax(prediction), symmetric edges,
  /// canonical. Shapes: bs graphs in and out.
  public func sampleReverseStep(
    noisy: GraphState, prediction: GraphPrediction, step: Int, using rng: inout RandomGenerator
  ) -> GraphState {
    let probabilities = reverseProbabilities(noisy: noisy, predictedClean: prediction.probabilities(), step: step)
    return GraphState.sampled(from: probabilities, nodeMask: noisy.nodeMask, globals: noisy.globals, using: &rng)
  }

  /// left ⊙ ((p̂ / den) · Q̄_s), guarded and normalised per row (see the file comment).
  /// Shapes: noisy, predicted [bs, N, d]; matrices [d, d] (shared) or [bs, d, d] → row-major [bs·N·d] Floats.
  static func mixedPosterior(
    noisy: Tensor, predicted: Tensor, step: Tensor, cumulativeNow: Tensor, cumulativeBefore: Tensor
  ) -> [Float] {
    let noisy = noisy.detached, predicted = predicted.detached
    let left = Tensor.matmul(noisy, step, transposeB: true)                  // left[j] = Q_t[j, c]
    let denominator = Tensor.matmul(noisy, cumulativeNow, transposeB: true)  // den[k] = Q̄_t[k, c]
    let guarded = Tensor(shape: denominator.shape, scalars: denominator.scalars.map { $0 == 0 ? denominatorFloor : $0 })
    let mixed = Tensor.matmul(predicted / guarded, cumulativeBefore)       // Σ_k (p̂[k]/den[k]) Q̄_s[k, j]
    var values = (mixed * left).scalars
    let d = noisy.shape[2]
    for row in 0..<(d == 0 ? 0 : values.count / d) {
      let range = (row * d)..<((row + 1) * d)
      var total: Float = 0
      for i in range { total += values[i] }
      if total == 0 {
        for i in range { values[i] = 1 / Float(d) }  // DiGress: every entry 1e-5, then normalised
      } else {
        for i in range { values[i] /= total }
      }
    }
    return values
  }

  /// Zeroes padding rows and writes the class-0 one-hot on the diagonal.
  static func canonicalRows(nodes: [Float], edges: [Float], nodeMask: Tensor, shape: (Int, Int, Int, Int)) -> GraphProbabilities {
    let (bs, n, a, b) = shape
    var (x, e) = (nodes, edges)
    let mask = nodeMask.scalars
    for g in 0..<bs {
      for i in 0..<n {
        let realI = mask[g * n + i] > 0.5
        if !realI { for c in 0..<a { x[(g * n + i) * a + c] = 0 } }
        for j in 0..<n {
          let offset = ((g * n + i) * n + j) * b
          if !realI || mask[g * n + j] <= 0.5 {
            for c in 0..<b { e[offset + c] = 0 }
          } else if i == j {
            for c in 0..<b { e[offset + c] = c == 0 ? 1 : 0 }
          }
        }
      }
    }
    return GraphProbabilities(nodes: Tensor(shape: [bs, n, a], scalars: x), edges: Tensor(shape: [bs, n, n, b], scalars: e))
  }
}
