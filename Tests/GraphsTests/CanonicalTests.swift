// Canonical forms and isomorphism: invariance under relabelling, and class counts that match
// brute force (all permutations) for unlabelled, node-labelled and edge-labelled graphs.

import Graphs
import Tensor
import Testing

/// The brute-force canonical key: the lexicographically least (node labels, upper-triangle edge
/// labels) over all node orders.
private func bruteForceKey(_ g: Graph, permutations: [[Int]]) -> [Int] {
  var best: [Int]? = nil
  for order in permutations {
    let h = g.reordered(order)
    var key = h.nodeLabels
    for v in 0..<h.nodeCount { for u in 0..<v { key.append(h.edgeLabel(u, v)) } }
    if best == nil || key.lexicographicallyPrecedes(best!) { best = key }
  }
  return best ?? []
}

@Suite struct CanonicalTests {
  @Test func relabellingDoesNotChangeTheCanonicalForm() {
    var rng = RandomGenerator(seed: 11)
    for trial in 0..<60 {
      let n = 1 + rng.nextInt(below: 20)
      let labelled = trial % 2 == 1
      let g = randomGraph(
        nodeCount: n, edgeProbability: rng.nextUniform(), nodeClasses: labelled ? 3 : 1, edgeClasses: labelled ? 5 : 1,
        using: &rng)
      let h = g.reordered(rng.permutation(n))
      #expect(g.canonicalForm == h.canonicalForm, "trial \(trial): \(g)")
      #expect(g.canonicalHash == h.canonicalHash)
      #expect(g.isIsomorphic(to: h))
      #expect(g.canonicalForm.isIsomorphic(to: g))
    }
  }

  @Test func multiWordGraphs() {
    // More than 64 vertices in nauty's graph: n = 70 unlabelled, and n = 30 with edge labels
    // up to 5 (three layers, 90 vertices, two words per row).
    var rng = RandomGenerator(seed: 12)
    for (n, edgeClasses) in [(70, 1), (30, 5)] {
      let g = randomGraph(nodeCount: n, edgeProbability: 0.1, nodeClasses: 2, edgeClasses: edgeClasses, using: &rng)
      let h = g.reordered(rng.permutation(n))
      #expect(g.canonicalForm == h.canonicalForm)
      var changed = h
      let edge = h.edges[0]
      changed.setEdgeLabel(edge.label == 1 ? 2 : 1, between: edge.u, and: edge.v)
      #expect(!g.isIsomorphic(to: changed))
      #expect(g.canonicalForm != changed.canonicalForm)
    }
  }

  @Test func unlabelledClassCountsMatchKnownValues() {
    // Non-isomorphic graphs on 5 and 6 nodes: 34 and 156 (OEIS A000088).
    for (n, expected) in [(5, 34), (6, 156)] {
      let pairs = n * (n - 1) / 2
      var forms = Set<Graph>()
      for mask in 0..<(1 << pairs) {
        var g = Graph(nodeCount: n)
        var bit = 0
        for v in 1..<n {
          for u in 0..<v {
            if mask >> bit & 1 == 1 { g.addEdge(u, v) }
            bit += 1
          }
        }
        forms.insert(g.canonicalForm)
      }
      #expect(forms.count == expected, "n = \(n)")
    }
  }

  @Test func edgeLabelledClassesMatchBruteForce() {
    // All 3^6 = 729 edge labellings of K4's pairs with labels {0, 1, 2} (0 = no edge), and all
    // 4^6 = 4096 with labels {0, 1, 2, 3} (two layers in the construction).
    let permutations = allPermutations(4)
    for labelCount in [3, 4] {
      var canonical = Set<Graph>()
      var brute = Set<[Int]>()
      var pairs: [(Int, Int)] = []
      for v in 1..<4 { for u in 0..<v { pairs.append((u, v)) } }
      var code = [Int](repeating: 0, count: 6)
      for _ in 0..<(labelCount * labelCount * labelCount * labelCount * labelCount * labelCount) {
        var g = Graph(nodeCount: 4)
        for (k, (u, v)) in pairs.enumerated() { g.setEdgeLabel(code[k], between: u, and: v) }
        canonical.insert(g.canonicalForm)
        brute.insert(bruteForceKey(g, permutations: permutations))
        for k in 0..<6 {
          code[k] += 1
          if code[k] < labelCount { break }
          code[k] = 0
        }
      }
      #expect(canonical.count == brute.count, "\(labelCount) edge labels")
    }
  }

  @Test func labelledIsomorphismMatchesBruteForce() {
    var rng = RandomGenerator(seed: 5)
    let permutations = allPermutations(5)
    var agreeIsomorphic = 0
    for _ in 0..<400 {
      let a = randomGraph(nodeCount: 5, edgeProbability: 0.5, nodeClasses: 2, edgeClasses: 2, using: &rng)
      var b = a.reordered(rng.permutation(5))
      if rng.nextInt(below: 2) == 0 {
        // A random small change: may or may not break isomorphism.
        let u = rng.nextInt(below: 5), v = (u + 1 + rng.nextInt(below: 4)) % 5
        b.setEdgeLabel(rng.nextInt(below: 3), between: u, and: v)
      }
      let expected = bruteForceKey(a, permutations: permutations) == bruteForceKey(b, permutations: permutations)
      #expect(a.isIsomorphic(to: b) == expected)
      #expect((a.canonicalForm == b.canonicalForm) == expected)
      if expected { agreeIsomorphic += 1 }
    }
    #expect(agreeIsomorphic > 100 && agreeIsomorphic < 400)  // both outcomes were exercised
  }

  @Test func nodeLabelsAreRespected() {
    let path = Graph(nodeLabels: [1, 0, 0], labeledEdges: [(0, 1, 1), (1, 2, 1)])
    let other = Graph(nodeLabels: [0, 1, 0], labeledEdges: [(0, 1, 1), (1, 2, 1)])  // label on the middle node
    let same = Graph(nodeLabels: [0, 0, 1], labeledEdges: [(0, 1, 1), (1, 2, 1)])
    #expect(!path.isIsomorphic(to: other))
    #expect(path.isIsomorphic(to: same))
    #expect(path.canonicalHash == same.canonicalHash)
    #expect(path.canonicalHash != other.canonicalHash)
  }
}
