// Maximum common substructure (connected MCES) on hand-checked cases and against exhaustive
// enumeration on random small labelled graphs.

@testable import Graphs
import Tensor
import Testing

/// Checks that `result` is a valid common substructure of `a` and `b`: an injective mapping that
/// keeps node labels, whose reported edges are exactly the compatible edges between mapped nodes,
/// connected and touching every mapped node.
private func expectValid(_ result: CommonSubstructure, _ a: Graph, _ b: Graph, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(result.mapping.count == a.nodeCount, sourceLocation: sourceLocation)
  let images = result.mapping.compactMap { $0 }
  #expect(Set(images).count == images.count, "mapping is not injective: \(result.mapping)", sourceLocation: sourceLocation)
  for (i, j) in result.mapping.enumerated() {
    guard let j else { continue }
    #expect(a.nodeLabels[i] == b.nodeLabels[j], "node \(i) ↦ \(j) changes label", sourceLocation: sourceLocation)
  }
  for e in result.edges {
    #expect(b.edgeLabel(result.mapping[e.u]!, result.mapping[e.v]!) == e.label, "edge \(e) lands on another label", sourceLocation: sourceLocation)
  }
  #expect(result.edges == MaximumCommonSubstructure.commonEdges(a, b, result.mapping), sourceLocation: sourceLocation)
  let covered = Set(result.edges.flatMap { [$0.u, $0.v] })
  if result.edgeCount > 0 {
    #expect(covered.count == result.nodeCount, "a mapped node has no common edge", sourceLocation: sourceLocation)
    let sub = Graph(nodeCount: a.nodeCount, edges: result.edges.map { ($0.u, $0.v) }).inducedSubgraph(covered.sorted())
    #expect(sub.isConnected, "common edges are not connected: \(result.edges)", sourceLocation: sourceLocation)
  } else {
    #expect(result.nodeCount <= 1, sourceLocation: sourceLocation)
  }
}

/// A ring of `n` carbons (label 0) with aromatic bonds (label 4), plus `substituents`:
/// (ring atom, atom label, bond label) each as a new atom.
private func ring(_ n: Int, bond: Int = 4, substituents: [(Int, Int, Int)] = []) -> Graph {
  var edges = (0..<n).map { ($0, ($0 + 1) % n, bond) }
  var labels = [Int](repeating: 0, count: n)
  for (anchor, label, order) in substituents {
    edges.append((anchor, labels.count, order))
    labels.append(label)
  }
  return Graph(nodeLabels: labels, labeledEdges: edges)
}

@Suite struct CommonSubstructureTests {
  @Test func benzeneAndTolueneShareTheRing() {
    let benzene = ring(6), toluene = ring(6, substituents: [(2, 0, 1)])
    let result = MaximumCommonSubstructure.compute(benzene, toluene)
    expectValid(result, benzene, toluene)
    #expect(result.edgeCount == 6 && result.nodeCount == 6 && result.isProvenOptimal)
    // The other way round the methyl carbon stays unmatched.
    let back = MaximumCommonSubstructure.compute(toluene, benzene)
    expectValid(back, toluene, benzene)
    #expect(back.edgeCount == 6 && back.nodeCount == 6 && back.mapping[6] == nil)
  }

  @Test func chainAgainstRingKeepsThePath() {
    // Hexane (5 single bonds) in cyclohexane: the whole chain, one ring bond left over.
    let hexane = Graph(nodeLabels: [Int](repeating: 0, count: 6), labeledEdges: (0..<5).map { ($0, $0 + 1, 1) })
    let cyclohexane = ring(6, bond: 1)
    let result = MaximumCommonSubstructure.compute(hexane, cyclohexane)
    expectValid(result, hexane, cyclohexane)
    #expect(result.edgeCount == 5 && result.nodeCount == 6 && result.isProvenOptimal)
    // A ring closure is not induced away: both ends stay matched (MCES, not MCIS).
    let back = MaximumCommonSubstructure.compute(cyclohexane, hexane)
    #expect(back.edgeCount == 5 && back.nodeCount == 6)
  }

  @Test func identicalGraphsMapCompletely() {
    // Naphthalene-like fused rings with a hetero atom and a side chain, renumbered.
    var g = ring(6, substituents: [(0, 1, 1), (3, 0, 2)])
    g.setEdgeLabel(4, between: 1, and: 4)
    let shuffled = g.reordered([7, 3, 0, 5, 1, 6, 2, 4])
    let result = MaximumCommonSubstructure.compute(g, shuffled)
    expectValid(result, g, shuffled)
    #expect(result.edgeCount == g.edgeCount && result.nodeCount == g.nodeCount && result.isProvenOptimal)
  }

  @Test func disjointLabelsGiveNothingAndSharedAtomsAlone() {
    let carbons = ring(5, bond: 1)
    let nitrogens = Graph(nodeLabels: [1, 1, 1], labeledEdges: [(0, 1, 1), (1, 2, 1)])
    let none = MaximumCommonSubstructure.compute(carbons, nitrogens)
    #expect(none.nodeCount == 0 && none.edgeCount == 0 && none.isProvenOptimal)
    #expect(none.mapping == [Int?](repeating: nil, count: 5))
    // A shared atom label but no shared bond type: one atom.
    let doubleBonded = Graph(nodeLabels: [0, 0], labeledEdges: [(0, 1, 2)])
    let single = MaximumCommonSubstructure.compute(carbons, doubleBonded)
    #expect(single.nodeCount == 1 && single.edgeCount == 0)
    expectValid(single, carbons, doubleBonded)
    #expect(MaximumCommonSubstructure.compute(Graph(nodeCount: 0), carbons).nodeCount == 0)
  }

  @Test func bondLabelsMustAgree() {
    // Ethanol-like C–C–O against C=C–O: only the C–O bond (and its atoms) is common.
    let a = Graph(nodeLabels: [0, 0, 2], labeledEdges: [(0, 1, 1), (1, 2, 1)])
    let b = Graph(nodeLabels: [0, 0, 2], labeledEdges: [(0, 1, 2), (1, 2, 1)])
    let result = MaximumCommonSubstructure.compute(a, b)
    expectValid(result, a, b)
    #expect(result.edgeCount == 1 && result.mapping[1] == 1 && result.mapping[2] == 2)
  }

  @Test func matchesExhaustiveSearchOnRandomSmallGraphs() {
    var rng = RandomGenerator(seed: 19)
    for trial in 0..<120 {
      let (n1, n2) = (1 + rng.nextInt(below: 7), 1 + rng.nextInt(below: 7))
      let classes = 1 + rng.nextInt(below: 2), bonds = 1 + rng.nextInt(below: 2)
      let a = randomGraph(nodeCount: n1, edgeProbability: 0.2 + 0.5 * rng.nextUniform(), nodeClasses: classes, edgeClasses: bonds, using: &rng)
      let b = randomGraph(nodeCount: n2, edgeProbability: 0.2 + 0.5 * rng.nextUniform(), nodeClasses: classes, edgeClasses: bonds, using: &rng)
      let fast = MaximumCommonSubstructure.compute(a, b)
      let reference = MaximumCommonSubstructure.exhaustive(a, b)
      expectValid(fast, a, b)
      #expect(fast.isProvenOptimal)
      #expect((fast.edgeCount, fast.nodeCount) == (reference.edgeCount, reference.nodeCount), "trial \(trial): \(a) vs \(b)")
      #expect(MaximumCommonSubstructure.compute(b, a).edgeCount == reference.edgeCount)
    }
  }

  @Test func listedEdgeLabelPairsAlsoMatch() {
    // An aromatic ring (label 4) against its Kekulé form (1 and 2 alternating): nothing in
    // common by equal labels, the whole ring when 4 also matches 1 and 2.
    let aromatic = ring(6)
    let kekule = Graph(nodeLabels: [Int](repeating: 0, count: 6), labeledEdges: (0..<6).map { ($0, ($0 + 1) % 6, 1 + $0 % 2) })
    #expect(MaximumCommonSubstructure.compute(aromatic, kekule).edgeCount == 0)
    let loose = MaximumCommonSubstructure.compute(aromatic, kekule, alsoMatching: [(4, 1), (4, 2)])
    #expect(loose.edgeCount == 6 && loose.isProvenOptimal)
    #expect(loose.edges == MaximumCommonSubstructure.commonEdges(aromatic, kekule, loose.mapping, alsoMatching: [(4, 1), (4, 2)]))
    // Single still does not match double: against cyclohexane only one bond in a row is common.
    #expect(kekule.maximumCommonSubstructure(with: ring(6, bond: 1), alsoMatching: [(4, 1), (4, 2)]).edgeCount == 1)
    var rng = RandomGenerator(seed: 23)
    for trial in 0..<60 {
      let (n1, n2) = (1 + rng.nextInt(below: 7), 1 + rng.nextInt(below: 7))
      let a = randomGraph(nodeCount: n1, edgeProbability: 0.5, nodeClasses: 2, edgeClasses: 3, using: &rng)
      let b = randomGraph(nodeCount: n2, edgeProbability: 0.5, nodeClasses: 2, edgeClasses: 3, using: &rng)
      let fast = MaximumCommonSubstructure.compute(a, b, alsoMatching: [(3, 1), (3, 2)])
      let reference = MaximumCommonSubstructure.exhaustive(a, b, alsoMatching: [(3, 1), (3, 2)])
      #expect(fast.isProvenOptimal && MaximumCommonSubstructure.isConnectedSubstructure(nodeCount: n1, mapping: fast.mapping, edges: fast.edges))
      #expect((fast.edgeCount, fast.nodeCount) == (reference.edgeCount, reference.nodeCount), "trial \(trial): \(a) vs \(b)")
    }
  }

  @Test func expansionLimitReturnsTheBestFoundSoFar() {
    var rng = RandomGenerator(seed: 5)
    let a = randomGraph(nodeCount: 24, edgeProbability: 0.25, using: &rng)
    let b = randomGraph(nodeCount: 24, edgeProbability: 0.25, using: &rng)
    let capped = MaximumCommonSubstructure.compute(a, b, expansionLimit: 10)
    expectValid(capped, a, b)
    #expect(!capped.isProvenOptimal && capped.expansions <= 10)
    #expect(capped.edgeCount >= 1)
  }
}
