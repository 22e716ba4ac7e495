// DiGress's cycle features against exact cycle counts (Graphs.cycleCounts, itself checked
// against brute force) on many random graphs, plus the spec's test vectors.

import Diffusion
import Graphs
import Testing

@Suite struct CycleFeaturesTests {
  /// A seeded G(n, p) graph.
  private func randomGraph(_ n: Int, _ p: Float, _ rng: inout RandomGenerator) -> Graph {
    var g = Graph(nodeCount: n)
    for v in 0..<n { for u in 0..<v where rng.nextUniform() < p { g.addEdge(u, v) } }
    return g
  }

  @Test func specTestVectors() {
    // digress-spec §12: C4 → k4 = 1; C5 → k5 = 1, c5 = 1 per node; C6 → k6 = 1;
    // K4 → k3 = 4, k4 = 3, k5 = 0; K5 → k3 = 10, k4 = 15, k5 = 12.
    func complete(_ n: Int) -> Graph { Graph(nodeCount: n, edges: (0..<n).flatMap { v in (0..<v).map { ($0, v) } }) }
    func cycle(_ n: Int) -> Graph { Graph(nodeCount: n, edges: (0..<n).map { ($0, ($0 + 1) % n) }) }
    let graphs = [cycle(4), cycle(5), cycle(6), complete(4), complete(5)]
    let batch = DenseGraphBatch(graphs: graphs, nodeClassCount: 1, edgeClassCount: 2)
    let counts = CycleFeatures.counts(adjacency: CycleFeatures.adjacency(fromEdges: batch.edges), nodeMask: batch.nodeMask)
    let k = counts.perGraph
    #expect(k[0, 1] == 1 && k[1, 2] == 1 && k[2, 3] == 1)
    #expect(k[3, 0] == 4 && k[3, 1] == 3 && k[3, 2] == 0)
    #expect(k[4, 0] == 10 && k[4, 1] == 15 && k[4, 2] == 12)
    #expect((0..<5).allSatisfy { counts.perNode[1, $0, 2] == 1 })
    // Normalised: /10, clipped at 1.
    let features = CycleFeatures.features(edges: batch.edges, nodeMask: batch.nodeMask)
    #expect(features.graphs[4, 0] == 1 && features.graphs[3, 0] == 0.4 && features.graphs[0, 1] == 0.1)
    #expect(features.nodes.shape == [5, 6, 3] && features.graphs.shape == [5, 4])
  }

  @Test func randomGraphsMatchExactCounts() {
    var rng = RandomGenerator(seed: 77)
    var checkedGraphs = 0
    for _ in 0..<25 {
      // A padded batch of graphs of mixed sizes and densities.
      let graphs = (0..<8).map { _ in randomGraph(1 + rng.nextInt(below: 12), rng.nextUniform(), &rng) }
      let batch = DenseGraphBatch(graphs: graphs, nodeClassCount: 1, edgeClassCount: 2, paddedNodeCount: 13)
      let counts = CycleFeatures.counts(adjacency: CycleFeatures.adjacency(fromEdges: batch.edges), nodeMask: batch.nodeMask)
      let features = CycleFeatures.features(edges: batch.edges, nodeMask: batch.nodeMask)
      for (b, graph) in graphs.enumerated() {
        let exact = graph.cycleCounts(maximumLength: 6)
        for (column, length) in (3...6).enumerated() {
          #expect(counts.perGraph[b, column] == Float(exact.count(length: length)), "graph \(graph), length \(length)")
          #expect(features.graphs[b, column] == min(Float(exact.count(length: length)) / 10, 1))
        }
        for v in 0..<13 {
          for (column, length) in (3...5).enumerated() {
            let expected = v < graph.nodeCount ? Float(exact.count(length: length, node: v)) : 0
            #expect(counts.perNode[b, v, column] == expected, "graph \(graph), node \(v), length \(length)")
            #expect(features.nodes[b, v, column] == min(expected / 10, 1))
          }
        }
        checkedGraphs += 1
      }
    }
    #expect(checkedGraphs == 200)
  }

  @Test func diagonalAndLabelledEdgesAreHandled() {
    // Multi-class edges count as edges; the diagonal convention does not matter.
    let g = Graph(nodeLabels: [0, 0, 0, 0], labeledEdges: [(0, 1, 1), (1, 2, 3), (2, 0, 2), (2, 3, 1)])
    for diagonal in DiagonalConvention.allCases {
      let batch = DenseGraphBatch(graphs: [g], nodeClassCount: 1, edgeClassCount: 4, diagonal: diagonal)
      let counts = CycleFeatures.counts(adjacency: CycleFeatures.adjacency(fromEdges: batch.edges), nodeMask: batch.nodeMask)
      #expect(counts.perGraph.scalars == [1, 0, 0, 0])
      #expect(counts.perNode.scalars == [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    }
  }

  @Test func denseLargeGraphStaysExact() {
    // K12: k6 = C(12,6)·5!/2 = 55,440 (large terms cancel in the k6 formula; Double keeps it exact).
    let k12 = Graph(nodeCount: 12, edges: (0..<12).flatMap { v in (0..<v).map { ($0, v) } })
    let counts = CycleFeatures.counts(adjacency: k12.adjacencyMatrix.reshaped([1, 12, 12]), nodeMask: .ones([1, 12]))
    #expect(counts.perGraph.scalars == [220, 1485, 9504, 55440])
  }
}
