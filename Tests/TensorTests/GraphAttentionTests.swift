import Foundation
import Testing
import TestSupport
@testable import Tensor

/// Inputs for the fused graph attention: bs graphs of n nodes, d channels; graph b has
/// `realNodes[b]` real nodes (the rest padding).
struct GraphAttentionInputs {
  let qkv: Tensor, film: Tensor, mask: Tensor, globalAdd: Tensor, globalMultiply: Tensor
  let scale: Float

  init(bs: Int, n: Int, d: Int, realNodes: [Int], seed: UInt64) {
    qkv = testTensor([bs, n, 3 * d], seed: seed, in: -1.5...1.5)
    film = testTensor([bs, n, n, 2 * d], seed: seed + 1, in: -1.5...1.5)
    var m = [Float](repeating: 0, count: bs * n)
    for b in 0..<bs { for i in 0..<realNodes[b] { m[b * n + i] = 1 } }
    mask = Tensor(shape: [bs, n], scalars: m)
    globalAdd = testTensor([bs, d], seed: seed + 2)
    globalMultiply = testTensor([bs, d], seed: seed + 3)
    scale = 1 / Float(2).squareRoot()
  }

  /// The op built from primitives (broadcast products, masked softmax over the key axis), as in
  /// the direct DiGress port: an independent oracle for values and gradients.
  static func composed(_ qkv: Tensor, _ film: Tensor, _ mask: Tensor, _ ga: Tensor, _ gm: Tensor, scale: Float) -> (Tensor, Tensor) {
    let (bs, n, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    let parts = qkv.split(sizes: [d, d, d], axis: 2)
    let node = mask.reshaped([bs, n, 1]), edge = mask.reshaped([bs, n, 1, 1]) * mask.reshaped([bs, 1, n, 1])
    let q = (parts[0] * node).reshaped([bs, n, 1, d]), k = (parts[1] * node).reshaped([bs, 1, n, d])
    let filmParts = film.split(sizes: [d, d], axis: 3)
    let scores = (q * k) * scale * (filmParts[0] * edge + 1) + filmParts[1] * edge
    let edges = ga.reshaped([bs, 1, 1, d]) + (gm.reshaped([bs, 1, 1, d]) + 1) * scores
    let attention = scores.softmax(axis: 2, mask: mask.reshaped([bs, 1, n, 1]))
    let v = (parts[2] * node).reshaped([bs, 1, n, d])
    return (edges, (attention * v).sum(axis: 2))
  }
}

@Suite struct GraphAttentionTests {
  @Test(arguments: [(2, 5, 4, [5, 3]), (3, 7, 12, [7, 1, 0]), (4, 3, 33, [2, 3, 3, 1])])
  func fusedMatchesNaiveKernel(_ shape: (Int, Int, Int, [Int])) {
    let (bs, n, d, real) = shape
    let t = GraphAttentionInputs(bs: bs, n: n, d: d, realNodes: real, seed: 11)
    let fast = Kernels.graphAttentionForward(
      qkv: t.qkv, film: t.film, nodeMask: t.mask, globalAdd: t.globalAdd, globalMultiply: t.globalMultiply, scale: t.scale)
    let naive = NaiveKernels.graphAttention(
      qkv: t.qkv, film: t.film, nodeMask: t.mask, globalAdd: t.globalAdd, globalMultiply: t.globalMultiply, scale: t.scale)
    #expect(isClose(fast.edges, naive.edges, rtol: 1e-5, atol: 1e-5))
    #expect(isClose(fast.nodes, naive.nodes, rtol: 1e-5, atol: 1e-5))
  }

  @Test func gradientsMatchComposedPrimitives() {
    // Both outputs feed the loss, with a padded graph and an empty one.
    let t = GraphAttentionInputs(bs: 3, n: 6, d: 8, realNodes: [6, 4, 0], seed: 21)
    let wEdges = testTensor([3, 6, 6, 8], seed: 31), wNodes = testTensor([3, 6, 8], seed: 32)
    func loss(_ p: [Tensor], fused: Bool) -> Tensor {
      let (edges, nodes) = fused
        ? Tensor.graphAttention(qkv: p[0], edgeFiLM: p[1], nodeMask: t.mask, globalAdd: p[2], globalMultiply: p[3], scale: t.scale)
        : GraphAttentionInputs.composed(p[0], p[1], t.mask, p[2], p[3], scale: t.scale)
      return (edges * wEdges).sum() + (nodes * wNodes).sum()
    }
    let inputs = [t.qkv, t.film, t.globalAdd, t.globalMultiply]
    let (fusedValue, fusedGrads) = valueAndGrad(at: inputs) { loss($0, fused: true) }
    let (composedValue, composedGrads) = valueAndGrad(at: inputs) { loss($0, fused: false) }
    #expect(Swift.abs(fusedValue.scalar - composedValue.scalar) <= 1e-3 * Swift.max(1, Swift.abs(composedValue.scalar)))
    for (f, c) in zip(fusedGrads, composedGrads) { #expect(isClose(f, c, rtol: 1e-4, atol: 1e-5)) }
  }

  @Test func onlyOneOutputUsedStillDifferentiates() {
    // A missing output gradient counts as zero: with only the node output in the loss, the
    // global FiLM (which only shapes the edge output) gets zero gradient.
    let t = GraphAttentionInputs(bs: 2, n: 4, d: 6, realNodes: [4, 2], seed: 41)
    let inputs = [t.qkv, t.film, t.globalAdd, t.globalMultiply]
    let g = grad(at: inputs) { p in
      Tensor.graphAttention(qkv: p[0], edgeFiLM: p[1], nodeMask: t.mask, globalAdd: p[2], globalMultiply: p[3], scale: t.scale).nodes.sum()
    }
    let reference = grad(at: inputs) { p in
      GraphAttentionInputs.composed(p[0], p[1], t.mask, p[2], p[3], scale: t.scale).1.sum()
    }
    #expect(isClose(g[0], reference[0], rtol: 1e-4, atol: 1e-5) && isClose(g[1], reference[1], rtol: 1e-4, atol: 1e-5))
    #expect(g[2].scalars.allSatisfy { $0 == 0 } && g[3].scalars.allSatisfy { $0 == 0 })
  }

  @Test func gradientsMatchFiniteDifferencesOfDoubleReference() {
    // A padded graph next to a full one; edges and nodes joined into one output.
    let t = GraphAttentionInputs(bs: 2, n: 3, d: 2, realNodes: [3, 2], seed: 51)
    let r = checkGradients(
      inputs: [t.qkv, t.film, t.globalAdd, t.globalMultiply],
      f: { p in
        let (e, x) = Tensor.graphAttention(qkv: p[0], edgeFiLM: p[1], nodeMask: t.mask, globalAdd: p[2], globalMultiply: p[3], scale: t.scale)
        return Tensor.concat([e.reshaped([-1]), x.reshaped([-1])], axis: 0)
      },
      reference: { p in
        let (e, x) = NaiveKernels.graphAttentionValues(
          qkv: p[0], film: p[1], nodeMask: t.mask.scalars.map(Double.init), globalAdd: p[2], globalMultiply: p[3],
          bs: 2, n: 3, d: 2, scale: Double(t.scale))
        return e + x
      })
    #expect(r.maxError < 2e-3, "\(r)")
  }

  @Test func untrackedCallMatchesTrackedForward() {
    // Outside valueAndGrad the op records nothing and returns the same values.
    let t = GraphAttentionInputs(bs: 2, n: 4, d: 5, realNodes: [4, 3], seed: 61)
    let plain = Tensor.graphAttention(qkv: t.qkv, edgeFiLM: t.film, nodeMask: t.mask, globalAdd: t.globalAdd, globalMultiply: t.globalMultiply, scale: t.scale)
    var tracked: (Tensor, Tensor)? = nil
    _ = valueAndGrad(at: [t.qkv]) { p in
      tracked = Tensor.graphAttention(qkv: p[0], edgeFiLM: t.film, nodeMask: t.mask, globalAdd: t.globalAdd, globalMultiply: t.globalMultiply, scale: t.scale)
      return tracked!.1.sum()
    }
    #expect(plain.edges.isBitwiseEqual(to: tracked!.0) && plain.nodes.isBitwiseEqual(to: tracked!.1))
    #expect(!plain.edges.isTracked && !plain.nodes.isTracked)
  }

  @Test func projectedVariantMatchesLinearThenAttention() {
    // The FiLM projection fused per graph against Tensor.linear followed by the FiLM-input op:
    // values and gradients for all six inputs (padded and empty graphs included).
    let t = GraphAttentionInputs(bs: 3, n: 5, d: 6, realNodes: [5, 2, 0], seed: 71)
    let edges = testTensor([3, 5, 5, 4], seed: 72), weight = testTensor([12, 4], seed: 73), bias = testTensor([12], seed: 74)
    let (wEdges, wNodes) = (testTensor([3, 5, 5, 6], seed: 75), testTensor([3, 5, 6], seed: 76))
    func loss(_ p: [Tensor], projected: Bool) -> Tensor {
      let (e, x) = projected
        ? Tensor.graphAttention(qkv: p[0], edges: p[1], filmWeight: p[2], filmBias: p[3], nodeMask: t.mask,
                                globalAdd: p[4], globalMultiply: p[5], scale: t.scale)
        : Tensor.graphAttention(qkv: p[0], edgeFiLM: Tensor.linear(p[1], weight: p[2], bias: p[3]), nodeMask: t.mask,
                                globalAdd: p[4], globalMultiply: p[5], scale: t.scale)
      return (e * wEdges).sum() + (x * wNodes).sum()
    }
    let inputs = [t.qkv, edges, weight, bias, t.globalAdd, t.globalMultiply]
    let (value, grads) = valueAndGrad(at: inputs) { loss($0, projected: true) }
    let (reference, referenceGrads) = valueAndGrad(at: inputs) { loss($0, projected: false) }
    #expect(Swift.abs(value.scalar - reference.scalar) <= 1e-4 * Swift.max(1, Swift.abs(reference.scalar)))
    for (g, r) in zip(grads, referenceGrads) { #expect(isClose(g, r, rtol: 1e-4, atol: 1e-5)) }
  }
}
