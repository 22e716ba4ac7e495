// Exact graph edit distance against brute force over all node mappings of the padded graphs.

import Graphs
import Tensor
import Testing

/// The least cost over all bijections of the padded node sets (the definition, unoptimised).
private func bruteForceEditDistance(_ a: Graph, _ b: Graph) -> Int {
  let size = max(a.nodeCount, b.nodeCount)
  var best = Int.max
  for p in allPermutations(size) {
    var cost = 0
    for i in 0..<size {
      let label1 = i < a.nodeCount ? a.nodeLabels[i] : -1
      let label2 = p[i] < b.nodeCount ? b.nodeLabels[p[i]] : -1
      if label1 != label2 { cost += 1 }
      for k in (i + 1)..<max(size, i + 1) {
        let e1 = i < a.nodeCount && k < a.nodeCount ? a.edgeLabel(i, k) : 0
        let e2 = p[i] < b.nodeCount && p[k] < b.nodeCount ? b.edgeLabel(p[i], p[k]) : 0
        if e1 != e2 { cost += 1 }
      }
    }
    best = min(best, cost)
  }
  return best
}

/// The cost of a mapping as `GraphEditResult` reports it (checks the mapping is optimal).
private func mappingCost(_ a: Graph, _ b: Graph, _ mapping: [Int?]) -> Int {
  var cost = 0
  let mappedTargets = Set(mapping.compactMap { $0 })
  cost += b.nodeCount - mappedTargets.count  // inserted nodes
  for i in 0..<a.nodeCount {
    guard let j = mapping[i] else {
      cost += 1  // deleted node
      continue
    }
    if a.nodeLabels[i] != b.nodeLabels[j] { cost += 1 }
  }
  // Edges among mapped nodes, plus edges of b touching inserted nodes.
  for i in 0..<a.nodeCount {
    for k in (i + 1)..<max(a.nodeCount, i + 1) {
      guard let j = mapping[i], let l = mapping[k] else { continue }
      if a.edgeLabel(i, k) != b.edgeLabel(j, l) { cost += 1 }
    }
  }
  for e in a.edges where mapping[e.u] == nil || mapping[e.v] == nil { cost += 1 }  // edges of deleted nodes
  for e in b.edges where !mappedTargets.contains(e.u) || !mappedTargets.contains(e.v) { cost += 1 }
  return cost
}

@Suite struct EditDistanceTests {
  @Test func knownDistances() {
    #expect(cycleGraph(5).editDistance(to: cycleGraph(5).reordered([3, 1, 4, 0, 2])) == 0)
    // C6 to two triangles: delete two opposite edges, add the two closing edges.
    let twoTriangles = Graph(nodeCount: 6, edges: [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)])
    #expect(cycleGraph(6).editDistance(to: twoTriangles) == 4)
    #expect(completeGraph(4).editDistance(to: cycleGraph(4)) == 2)
    // Unequal sizes: K3 to a single node deletes 2 nodes and 3 edges.
    #expect(completeGraph(3).editDistance(to: Graph(nodeCount: 1)) == 5)
    #expect(Graph(nodeCount: 0).editDistance(to: cycleGraph(4)) == 8)
    // Labels: one node substitution plus one edge substitution.
    let a = Graph(nodeLabels: [0, 1, 0], labeledEdges: [(0, 1, 1), (1, 2, 2)])
    let b = Graph(nodeLabels: [0, 2, 0], labeledEdges: [(0, 1, 1), (1, 2, 1)])
    #expect(a.editDistance(to: b) == 2)
  }

  @Test func unlabelledEqualSizesMatchBruteForce() {
    var rng = RandomGenerator(seed: 21)
    for _ in 0..<150 {
      let n = 1 + rng.nextInt(below: 6)
      let a = randomGraph(nodeCount: n, edgeProbability: rng.nextUniform(), using: &rng)
      let b = randomGraph(nodeCount: n, edgeProbability: rng.nextUniform(), using: &rng)
      let result = GraphEditDistance.compute(a, b)
      #expect(result.distance == bruteForceEditDistance(a, b), "\(a) vs \(b)")
      #expect(mappingCost(a, b, result.mapping) == result.distance)
      #expect(b.editDistance(to: a) == result.distance)
    }
  }

  @Test func labelledUnequalSizesMatchBruteForce() {
    var rng = RandomGenerator(seed: 22)
    for _ in 0..<150 {
      let a = randomGraph(nodeCount: rng.nextInt(below: 6), edgeProbability: 0.5, nodeClasses: 3, edgeClasses: 2, using: &rng)
      let b = randomGraph(nodeCount: rng.nextInt(below: 6), edgeProbability: 0.5, nodeClasses: 3, edgeClasses: 2, using: &rng)
      let result = GraphEditDistance.compute(a, b)
      #expect(result.distance == bruteForceEditDistance(a, b), "\(a) vs \(b)")
      #expect(mappingCost(a, b, result.mapping) == result.distance)
    }
  }

  @Test func eightNodeGraphsAgreeWithBruteForceOnASample() {
    // n = 8 has 40,320 mappings; a few pairs keep the brute force quick in debug builds.
    var rng = RandomGenerator(seed: 23)
    for _ in 0..<3 {
      let a = randomGraph(nodeCount: 8, edgeProbability: 0.4, using: &rng)
      let b = randomGraph(nodeCount: 8, edgeProbability: 0.4, using: &rng)
      #expect(a.editDistance(to: b) == bruteForceEditDistance(a, b))
    }
  }
}

@Suite struct EditDistanceBatchTests {
  @Test func parallelBatchMatchesSerial() {
    var rng = RandomGenerator(seed: 24)
    let pairs = (0..<300).map { _ in
      (randomGraph(nodeCount: 1 + rng.nextInt(below: 7), edgeProbability: 0.4, using: &rng),
       randomGraph(nodeCount: 1 + rng.nextInt(below: 7), edgeProbability: 0.4, using: &rng))
    }
    #expect(GraphEditDistance.distances(pairs) == pairs.map { $0.0.editDistance(to: $0.1) })
    #expect(GraphEditDistance.distances([]).isEmpty)
  }
}
