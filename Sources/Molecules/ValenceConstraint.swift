// Chemistry-aware reverse steps: G_{t−1} is drawn from p(G_{t−1} | G_t) restricted to graphs in
// which no atom exceeds its allowed valence, and the last step joins fragments into one molecule
// where the valence budgets allow it. None of DiGress, FreeGress or GDCE does this; it is an
// option (`constraint:` of the samplers), so its effect can be measured against the plain step.
//
// The restriction is applied by sequential masking, not by rejection:
//  1. every real node's class is drawn from its row as usual (the valence budget of node i is then
//     maximumValence[class_i]);
//  2. the unordered pairs i < j are visited in order of decreasing bond probability 1 − p_ij[0]
//     (confident bonds claim budget first; ties in row-major order), and pair (i, j) is drawn from
//     p_ij restricted to classes c with order[c] ≤ min(free_i, free_j), renormalised. Class 0
//     (no bond) is always allowed, so the restriction is never empty; when its weight and every
//     allowed weight are 0 the pair gets class 0.
// Each accepted bond lowers both budgets, so after step 2 every atom satisfies Σ orders ≤ max.
// This is the sequential (chain-rule) version of conditioning the factorised posterior on the
// constraint: exact for pairs that do not compete for a budget, greedy where they do.
//  3. on the last step (G_1 → G_0) with `connectFragments`, while the molecule has several
//     fragments, the pair (u, v) from different fragments with free valence on both ends and the
//     largest p_uv[c] over allowed bond classes c ≥ 1 gets that class (the most probable bond the
//     model would accept). When no such pair exists because a fragment is saturated, its least
//     probable multiple bond is lowered by one order (freeing one valence on both atoms) and the
//     search repeats; it stops when a saturated fragment has no multiple bond left.
// Draw order (which fixes the stream for a seed): graph by graph, nodes in slot order, then pairs
// in the visiting order above; step 3 draws nothing.

import Basics
import Diffusion
import Tensor

/// No atom above its allowed valence; optionally one connected fragment at the end.
public struct ValenceConstraint: ReverseStepConstraint {
  /// Bond orders per edge class and maximum valences per node class.
  public var vocabulary: MolecularVocabulary
  /// Join fragments on the last step where budgets allow.
  public var connectFragments: Bool

  /// A constraint from a molecular vocabulary.
  public init(vocabulary: MolecularVocabulary, connectFragments: Bool = true) {
    self.vocabulary = vocabulary
    self.connectFragments = connectFragments
  }

  /// See the file comment.
  public func sampled(
    from probabilities: GraphProbabilities, nodeMask: Tensor, globals: Tensor, isFinalStep: Bool, mostLikely: Bool,
    using rng: inout RandomGenerator
  ) -> GraphState {
    let (bs, n, a, b) = (probabilities.nodes.shape[0], probabilities.nodes.shape[1], probabilities.nodes.shape[2], probabilities.edges.shape[3])
    precondition(nodeMask.shape == [bs, n], "ValenceConstraint: nodeMask \(nodeMask.shape) does not match probabilities \(probabilities.nodes.shape)")
    precondition(a == vocabulary.nodeClassCount && b == vocabulary.edgeClassCount,
                 "ValenceConstraint: probabilities have \(a)/\(b) classes, the vocabulary \(vocabulary.nodeClassCount)/\(vocabulary.edgeClassCount)")
    let (px, pe, mask) = (probabilities.nodes.scalars, probabilities.edges.scalars, nodeMask.scalars)
    var x = [Float](repeating: 0, count: bs * n * a)
    var e = [Float](repeating: 0, count: bs * n * n * b)
    var allowedWeights = [Float](repeating: 0, count: b)
    for g in 0..<bs {
      let real = (0..<n).filter { mask[g * n + $0] > 0.5 }
      var free = [Int](repeating: 0, count: n)
      for i in real {
        let offset = (g * n + i) * a
        let c = mostLikely ? indexOfLargest(px, offset: offset, count: a)
          : sampleClassIndex(px, offset: offset, count: a, using: &rng, label: "node (graph \(g), slot \(i))")
        x[offset + c] = 1
        free[i] = vocabulary.maximumValences[c]
        e[((g * n + i) * n + i) * b] = 1
      }
      var pairs: [(i: Int, j: Int, bond: Float)] = []
      for (index, i) in real.enumerated() {
        for j in real[(index + 1)...] { pairs.append((i, j, 1 - pe[((g * n + i) * n + j) * b])) }
      }
      // Stable: ties keep row-major order.
      let order = pairs.indices.sorted { pairs[$0].bond > pairs[$1].bond || (pairs[$0].bond == pairs[$1].bond && $0 < $1) }
      var bondClass = [Int](repeating: 0, count: n * n)
      for p in order {
        let (i, j) = (pairs[p].i, pairs[p].j)
        let offset = ((g * n + i) * n + j) * b
        let budget = Swift.min(free[i], free[j])
        var total: Float = 0
        for c in 0..<b {
          let w = vocabulary.bondOrders[c] <= budget ? pe[offset + c] : 0
          allowedWeights[c] = w
          total += w
        }
        let c: Int
        if total <= 0 {
          c = 0
        } else if mostLikely {
          c = indexOfLargest(allowedWeights, offset: 0, count: b)
        } else {
          c = sampleClassIndex(allowedWeights, offset: 0, count: b, using: &rng, label: "edge (graph \(g), \(i), \(j))")
        }
        bondClass[i * n + j] = c
        bondClass[j * n + i] = c
        free[i] -= vocabulary.bondOrders[c]
        free[j] -= vocabulary.bondOrders[c]
      }
      if isFinalStep && connectFragments {
        joinFragments(real: real, bondClass: &bondClass, free: &free, n: n, weights: { i, j, c in pe[((g * n + i) * n + j) * b + c] })
      }
      for i in real {
        for j in real where j != i { e[((g * n + i) * n + j) * b + bondClass[i * n + j]] = 1 }
      }
    }
    return GraphState(
      nodes: Tensor(shape: [bs, n, a], scalars: x), edges: Tensor(shape: [bs, n, n, b], scalars: e),
      globals: globals, nodeMask: Tensor(shape: [bs, n], scalars: mask.map { $0 > 0.5 ? 1 : 0 }))
  }

  /// Step 3 of the file comment on one graph (bondClass is n × n, symmetric).
  func joinFragments(real: [Int], bondClass: inout [Int], free: inout [Int], n: Int, weights: (Int, Int, Int) -> Float) {
    while true {
      let component = Self.components(real: real, bondClass: bondClass, n: n)
      let ids = Set(real.map { component[$0] })
      guard ids.count > 1 else { return }
      var best: (i: Int, j: Int, c: Int, w: Float)? = nil
      for (index, i) in real.enumerated() where free[i] >= 1 {
        for j in real[(index + 1)...] where free[j] >= 1 && component[i] != component[j] {
          let budget = Swift.min(free[i], free[j])
          for c in 1..<vocabulary.bondOrders.count where vocabulary.bondOrders[c] <= budget {
            let w = weights(i, j, c)
            if best == nil || w > best!.w { best = (i, j, c, w) }
          }
        }
      }
      if let best {
        bondClass[best.i * n + best.j] = best.c
        bondClass[best.j * n + best.i] = best.c
        free[best.i] -= vocabulary.bondOrders[best.c]
        free[best.j] -= vocabulary.bondOrders[best.c]
        continue
      }
      // No pair has free valence on both ends: some fragment is saturated. Lower one of its
      // multiple bonds by one order (the least probable one under the model), which frees one
      // valence on both of its atoms; stop when a saturated fragment has no multiple bond.
      guard let saturated = ids.sorted().first(where: { id in real.allSatisfy { component[$0] != id || free[$0] < 1 } }) else { return }
      var demote: (i: Int, j: Int, lower: Int, w: Float)? = nil
      for i in real where component[i] == saturated {
        for j in real where j > i && component[j] == saturated {
          let order = vocabulary.bondOrders[bondClass[i * n + j]]
          guard order >= 2, let lower = vocabulary.bondOrders.firstIndex(of: order - 1) else { continue }
          let w = weights(i, j, bondClass[i * n + j])
          if demote == nil || w < demote!.w { demote = (i, j, lower, w) }
        }
      }
      guard let demote else { return }
      bondClass[demote.i * n + demote.j] = demote.lower
      bondClass[demote.j * n + demote.i] = demote.lower
      free[demote.i] += 1
      free[demote.j] += 1
    }
  }

  /// Component id of every slot (−1 for padding) under the bonds of `bondClass`.
  static func components(real: [Int], bondClass: [Int], n: Int) -> [Int] {
    var isReal = [Bool](repeating: false, count: n)
    for i in real { isReal[i] = true }
    return ConnectedComponents.labels(nodeCount: n, included: { isReal[$0] }) { u, v in bondClass[u * n + v] != 0 }
  }
}

extension GraphState {
  /// Number of connected fragments (edges of any class ≥ 1) of each graph of a canonical state.
  public func fragmentCounts() -> [Int] {
    let (n, b) = (nodeCapacity, edgeClassCount)
    let e = edges.scalars, mask = nodeMask.scalars
    return (0..<batchSize).map { g in
      let real = (0..<n).filter { mask[g * n + $0] > 0.5 }
      var bondClass = [Int](repeating: 0, count: n * n)
      for i in real { for j in real { bondClass[i * n + j] = indexOfLargest(e, offset: ((g * n + i) * n + j) * b, count: b) } }
      return Set(ValenceConstraint.components(real: real, bondClass: bondClass, n: n).filter { $0 >= 0 }).count
    }
  }
}
