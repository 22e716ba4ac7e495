import Diffusion
import Testing
import TestSupport

@Suite struct GraphTransformerModelTests {
  func model(seed: UInt64) -> GraphTransformer {
    var rng = RandomGenerator(seed: seed)
    let c = GraphTransformerConfiguration(
      nodeClasses: 3, edgeClasses: 2, extraNodeFeatures: 2, extraGlobalFeatures: 4, conditionWidth: 5,
      hiddenX: 8, hiddenE: 6, hiddenY: 7,
      layer: GraphTransformerDimensions(dx: 8, de: 4, dy: 4, heads: 2, ffX: 8, ffE: 8, ffy: 8, dropout: 0), layers: 2)
    return GraphTransformer(c, using: &rng)
  }

  func input(seed: UInt64) -> DenoiserInput {
    var rng = RandomGenerator(seed: seed)
    var e = Tensor.uniform([2, 4, 4, 2], using: &rng)
    e = e + e.transposed(1, 2)
    return DenoiserInput(
      nodes: Tensor.uniform([2, 4, 3], using: &rng), edges: e, extraNodes: Tensor.uniform([2, 4, 2], using: &rng),
      globals: Tensor.uniform([2, 4], using: &rng), condition: Tensor.uniform([2, 5], using: &rng),
      nodeMask: Tensor(shape: [2, 4], scalars: [1, 1, 1, 1, 1, 1, 0, 0]))
  }

  @Test func edgeLogitsAreSymmetricWithZeroDiagonalAndMaskedPadding() {
    var none: RandomGenerator? = nil
    let (x, e) = model(seed: 1)(input(seed: 2), rng: &none)
    #expect(x.shape == [2, 4, 3] && e.shape == [2, 4, 4, 2])
    #expect(isClose(e, e.transposed(1, 2), rtol: 0, atol: 0))
    for b in 0..<2 { for i in 0..<4 { for k in 0..<2 { #expect(e[b, i, i, k] == 0) } } }
    for i in 0..<4 { for k in 0..<2 { #expect(e[1, 3, i, k] == 0 && e[1, i, 2, k] == 0) } }
    for k in 0..<3 { #expect(x[1, 2, k] == 0) }
  }

  @Test func nullConditionReplacesDroppedRowsAndGetsGradients() {
    let m = model(seed: 3)
    let inp = input(seed: 4)
    let mixed = m.conditionWithNull(inp.condition!, dropped: [true, false])
    #expect(Array(mixed.scalars[0..<5]) == m.nullCondition.scalars)
    #expect(Array(mixed.scalars[5..<10]) == Array(inp.condition!.scalars[5..<10]))
    let g = grad(at: m) { model in
      var none: RandomGenerator? = nil
      var i = inp
      i.condition = model.conditionWithNull(inp.condition!, dropped: [true, true])
      return model(i, rng: &none).nodes.sum()
    }
    #expect(g.nullCondition.scalars.contains { $0 != 0 })
    #expect(m.namedParameters.contains { $0.0 == "cf_null_token" })
  }
}
