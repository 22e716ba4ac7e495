@testable import Diffusion
import Testing
import TestSupport

/// A small random layer and inputs: bs 2, n 5 (second graph has 3 real nodes).
struct LayerFixture {
  let d = GraphTransformerDimensions(dx: 8, de: 4, dy: 3, heads: 2, ffX: 6, ffE: 5, ffy: 7, dropout: 0)
  var layer: GraphTransformerLayer
  var x: Tensor, e: Tensor, y: Tensor, mask: Tensor

  init(seed: UInt64) {
    var rng = RandomGenerator(seed: seed)
    layer = GraphTransformerLayer(d, using: &rng)
    x = Tensor.normal([2, 5, d.dx], using: &rng)
    let e0 = Tensor.normal([2, 5, 5, d.de], using: &rng)
    e = (e0 + e0.permuted([0, 2, 1, 3])) * 0.5  // symmetric edges, as DiGress feeds them
    y = Tensor.normal([2, d.dy], using: &rng)
    mask = Tensor(shape: [2, 5], scalars: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
  }

  func run(_ l: GraphTransformerLayer, x: Tensor? = nil, e: Tensor? = nil, mask: Tensor? = nil) -> (Tensor, Tensor, Tensor) {
    var none: RandomGenerator? = nil
    return l(x: x ?? self.x, e: e ?? self.e, y: y, masks: GraphMasks(nodeMask: mask ?? self.mask), rng: &none)
  }
}

/// Permutes node axis 1 (and 2 for edges) of graph 0 by `p`.
func permuteNodes(_ t: Tensor, _ p: [Int], edge: Bool) -> Tensor {
  let s = t.shape, n = s[1]
  var out = t.scalars
  let src = t.scalars
  let inner = s.dropFirst(edge ? 3 : 2).reduce(1, *)
  for i in 0..<n {
    if edge {
      for j in 0..<n {
        for c in 0..<inner { out[((i * n) + j) * inner + c] = src[((p[i] * n) + p[j]) * inner + c] }
      }
    } else {
      for c in 0..<inner { out[i * inner + c] = src[p[i] * inner + c] }
    }
  }
  return Tensor(shape: s, scalars: out)
}

@Suite struct GraphTransformerTests {
  @Test func shapesArePreserved() {
    let f = LayerFixture(seed: 1)
    let (x, e, y) = f.run(f.layer)
    #expect(x.shape == [2, 5, 8] && e.shape == [2, 5, 5, 4] && y.shape == [2, 3])
    #expect(x.scalars.allSatisfy(\.isFinite) && e.scalars.allSatisfy(\.isFinite))
  }

  @Test func layerIsPermutationEquivariant() {
    // Permuting the nodes of a (fully real) graph permutes the node and edge outputs and leaves
    // the global output unchanged.
    let f = LayerFixture(seed: 2)
    let p = [3, 0, 4, 1, 2]
    let (x, e, y) = f.run(f.layer)
    let (xp, ep, yp) = f.run(f.layer, x: permuteNodes(f.x, p, edge: false), e: permuteNodes(f.e, p, edge: true))
    let n0 = 5 * 8, e0 = 25 * 4
    #expect(isClose(Tensor(Array(xp.scalars[0..<n0])), Tensor(Array(permuteNodes(x, p, edge: false).scalars[0..<n0])), rtol: 1e-4, atol: 1e-5))
    #expect(isClose(Tensor(Array(ep.scalars[0..<e0])), Tensor(Array(permuteNodes(e, p, edge: true).scalars[0..<e0])), rtol: 1e-4, atol: 1e-5))
    #expect(isClose(Tensor(Array(yp.scalars[0..<3])), Tensor(Array(y.scalars[0..<3])), rtol: 1e-4, atol: 1e-5))
  }

  @Test func paddedNodesDoNotInfluenceRealOnes() {
    // Changing the features of graph 1's padded nodes (3 and 4) must not change its real outputs.
    let f = LayerFixture(seed: 3)
    let (x, e, y) = f.run(f.layer)
    var xs = f.x.scalars, es = f.e.scalars
    for i in 3..<5 { for c in 0..<8 { xs[(5 + i) * 8 + c] += 7 } }
    for i in 0..<5 { for j in 0..<5 where i >= 3 || j >= 3 { for c in 0..<4 { es[((25 + i * 5) + j) * 4 + c] -= 3 } } }
    let (x2, e2, y2) = f.run(f.layer, x: Tensor(shape: f.x.shape, scalars: xs), e: Tensor(shape: f.e.shape, scalars: es))
    for i in 0..<3 {
      for c in 0..<8 { #expect(abs(x.scalars[(5 + i) * 8 + c] - x2.scalars[(5 + i) * 8 + c]) < 1e-4) }
      for j in 0..<3 { for c in 0..<4 {
        let k = ((25 + i * 5) + j) * 4 + c
        #expect(abs(e.scalars[k] - e2.scalars[k]) < 1e-4)
      } }
    }
    #expect(abs(y.scalars[3] - y2.scalars[3]) < 1e-4)
  }

  @Test func parameterGradientsMatchFiniteDifferences() {
    // Directional derivative along a random direction in parameter space, Float32 central
    // differences (step 1e-2) against the tape's gradient.
    let f = LayerFixture(seed: 4)
    let w = testTensor([2, 5, 8], seed: 9)
    func loss(_ l: GraphTransformerLayer) -> Tensor {
      let (x, e, y) = f.run(l)
      return (x * w).sum() + e.mean() * 3 + y.squared().sum()
    }
    let g = grad(at: f.layer) { loss($0) }
    let params = f.layer.namedParameters.map(\.1)
    let direction = params.enumerated().map { testTensor($1.shape, seed: UInt64(100 + $0)) }
    var analytic = 0.0
    for (gp, dp) in zip(g.namedParameters.map(\.1), direction) { analytic += Double((gp * dp).sum().scalar) }
    let h: Float = 1e-2
    var plus = f.layer, minus = f.layer
    plus.replaceParameters(zip(params, direction).map { $0 + $1 * h })
    minus.replaceParameters(zip(params, direction).map { $0 - $1 * h })
    let numeric = Double(loss(plus).scalar - loss(minus).scalar) / Double(2 * h)
    #expect(abs(analytic - numeric) / max(1, abs(numeric)) < 2e-2, "analytic \(analytic) numeric \(numeric)")
  }

  @Test func fusedAttentionBlockMatchesComposedPrimitives() {
    // The fused NodeEdgeBlock (concatenated q/k/v and e_mul/e_add sgemms, Tensor.graphAttention)
    // against the direct port built from primitives: outputs and every parameter gradient.
    let f = LayerFixture(seed: 6)
    let block = f.layer.attention
    let masks = GraphMasks(nodeMask: f.mask)
    let (wx, we, wy) = (testTensor([2, 5, 8], seed: 61), testTensor([2, 5, 5, 4], seed: 62), testTensor([2, 3], seed: 63))
    func loss(_ b: NodeEdgeBlock, fused: Bool) -> Tensor {
      let (x, e, y) = fused ? b(x: f.x, e: f.e, y: f.y, masks: masks) : b.composed(x: f.x, e: f.e, y: f.y, masks: masks)
      return (x * wx).sum() + (e * we).sum() + (y * wy).sum()
    }
    let (fx, fe, fy) = block(x: f.x, e: f.e, y: f.y, masks: masks)
    let (cx, ce, cy) = block.composed(x: f.x, e: f.e, y: f.y, masks: masks)
    #expect(isClose(fx, cx, rtol: 1e-5, atol: 1e-5) && isClose(fe, ce, rtol: 1e-5, atol: 1e-5) && isClose(fy, cy, rtol: 1e-5, atol: 1e-5))
    let fused = grad(at: block) { loss($0, fused: true) }.namedParameters
    let composed = grad(at: block) { loss($0, fused: false) }.namedParameters
    #expect(fused.map(\.0) == composed.map(\.0))
    for ((name, a), (_, b)) in zip(fused, composed) {
      #expect(isClose(a, b, rtol: 1e-4, atol: 1e-5), "gradient of \(name)")
    }
  }

  @Test func residualDropoutMatchesUnfusedDropout() {
    // One fused pass, the same values and generator stream as residual + Tensor.dropout.
    let residual = testTensor([4, 6, 5], seed: 71), update = testTensor([4, 6, 5], seed: 72)
    var fusedRNG: RandomGenerator? = RandomGenerator(seed: 9)
    var plainRNG = RandomGenerator(seed: 9)
    let fused = residualDropout(residual, update, rate: 0.3, rng: &fusedRNG)
    let plain = residual + update.dropout(rate: 0.3, using: &plainRNG)
    #expect(fused.isBitwiseEqual(to: plain) && fusedRNG == plainRNG)
    var none: RandomGenerator? = nil
    #expect(residualDropout(residual, update, rate: 0.3, rng: &none).isBitwiseEqual(to: residual + update))
  }

  @Test func parameterNamesFollowDiGress() {
    let f = LayerFixture(seed: 5)
    let names = f.layer.namedParameters.map(\.0)
    #expect(names.contains("self_attn.q.weight"))
    #expect(names.contains("self_attn.e_y.std.weight"))
    #expect(names.contains("ffE.layers.1.bias"))
    #expect(Set(names).count == names.count)
  }
}
