// Helpers for the graph tests: seeded random graphs and a few named graphs.

import Graphs
import Tensor

/// An Erdős–Rényi graph G(n, p) drawn from `rng`, with optional random labels.
func randomGraph(
  nodeCount n: Int, edgeProbability p: Float, nodeClasses: Int = 1, edgeClasses: Int = 1,
  using rng: inout RandomGenerator
) -> Graph {
  var g = Graph(nodeLabels: (0..<n).map { _ in nodeClasses > 1 ? rng.nextInt(below: nodeClasses) : 0 })
  for v in 0..<n {
    for u in 0..<v where rng.nextUniform() < p {
      g.setEdgeLabel(edgeClasses > 1 ? 1 + rng.nextInt(below: edgeClasses) : 1, between: u, and: v)
    }
  }
  return g
}

/// The cycle graph C_n.
func cycleGraph(_ n: Int) -> Graph { Graph(nodeCount: n, edges: (0..<n).map { ($0, ($0 + 1) % n) }) }

/// The complete graph K_n.
func completeGraph(_ n: Int) -> Graph {
  Graph(nodeCount: n, edges: (0..<n).flatMap { v in (0..<v).map { ($0, v) } })
}

/// The Petersen graph (outer 5-cycle 0-4, inner pentagram 5-9, spokes i–i+5).
func petersenGraph() -> Graph {
  var edges: [(Int, Int)] = []
  for i in 0..<5 {
    edges.append((i, (i + 1) % 5))
    edges.append((5 + i, 5 + (i + 2) % 5))
    edges.append((i, i + 5))
  }
  return Graph(nodeCount: 10, edges: edges)
}

/// The 3-cube Q3 (nodes are 3-bit strings, edges join strings at Hamming distance 1).
func cubeGraph() -> Graph {
  Graph(nodeCount: 8, edges: (0..<8).flatMap { v in (0..<3).compactMap { b in v < v ^ (1 << b) ? (v, v ^ (1 << b)) : nil } })
}

/// All permutations of 0..<n (Heap's algorithm), for brute-force references.
func allPermutations(_ n: Int) -> [[Int]] {
  var result: [[Int]] = []
  var a = Array(0..<n)
  func generate(_ k: Int) {
    if k <= 1 {
      result.append(a)
      return
    }
    for i in 0..<(k - 1) {
      generate(k - 1)
      a.swapAt(k % 2 == 0 ? i : 0, k - 1)
    }
    generate(k - 1)
  }
  generate(n)
  return result
}
