// Exact cycle counts on named graphs and against an independent brute force (Hamiltonian
// cycles of every induced subgraph).

import Graphs
import Tensor
import Testing

/// Number of Hamiltonian cycles of `g` (each counted once): fix node 0 first and keep the
/// orders whose second node is smaller than the last.
private func hamiltonianCycles(_ g: Graph) -> Int {
  let k = g.nodeCount
  var count = 0
  for p in allPermutations(k) where p[0] == 0 && p[1] < p[k - 1] {
    if (0..<k).allSatisfy({ g.hasEdge(p[$0], p[($0 + 1) % k]) }) { count += 1 }
  }
  return count
}

/// Brute-force cycle counts: a k-cycle is a Hamiltonian cycle of a k-node induced subgraph.
private func bruteForceCycleCounts(_ g: Graph, maximumLength: Int) -> (perGraph: [Int], perNode: [[Int]]) {
  let n = g.nodeCount
  var perGraph = [Int](repeating: 0, count: maximumLength + 1)
  var perNode = [[Int]](repeating: [Int](repeating: 0, count: maximumLength + 1), count: n)
  for mask in 0..<(1 << n) {
    let nodes = (0..<n).filter { mask >> $0 & 1 == 1 }
    guard nodes.count >= 3 && nodes.count <= maximumLength else { continue }
    let c = hamiltonianCycles(g.inducedSubgraph(nodes))
    perGraph[nodes.count] += c
    for v in nodes { perNode[v][nodes.count] += c }
  }
  return (perGraph, perNode)
}

@Suite struct CycleCountTests {
  @Test func namedGraphs() {
    let k4 = completeGraph(4).cycleCounts()
    #expect(Array(k4.perGraph[3...6]) == [4, 3, 0, 0])
    let k5 = completeGraph(5).cycleCounts()
    #expect(Array(k5.perGraph[3...6]) == [10, 15, 12, 0])
    #expect(k5.count(length: 5, node: 2) == 12)
    // K6: C(6,k)·(k−1)!/2 cycles of length k.
    #expect(Array(completeGraph(6).cycleCounts().perGraph[3...6]) == [20, 45, 72, 60])
    for k in 3...6 {
      let c = cycleGraph(k).cycleCounts()
      #expect(c.count(length: k) == 1 && c.perNode.allSatisfy { $0[k] == 1 })
    }
    // Petersen: girth 5, 12 pentagons and 10 hexagons; the cube: 6 squares and 16 hexagons.
    #expect(Array(petersenGraph().cycleCounts().perGraph[3...6]) == [0, 0, 12, 10])
    #expect(Array(cubeGraph().cycleCounts().perGraph[3...6]) == [0, 6, 0, 16])
  }

  @Test func randomGraphsMatchBruteForce() {
    var rng = RandomGenerator(seed: 31)
    for _ in 0..<40 {
      let g = randomGraph(nodeCount: 3 + rng.nextInt(below: 5), edgeProbability: rng.nextUniform(), using: &rng)
      let counts = g.cycleCounts()
      let brute = bruteForceCycleCounts(g, maximumLength: 6)
      #expect(counts.perGraph == brute.perGraph, "\(g)")
      #expect(counts.perNode == brute.perNode, "\(g)")
    }
  }
}
