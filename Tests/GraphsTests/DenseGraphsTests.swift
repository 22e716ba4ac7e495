// Dense one-hot encodings: layout, masks, diagonal conventions and round trips.

import Graphs
import Tensor
import Testing

@Suite struct DenseGraphsTests {
  @Test func layoutOfOneGraph() {
    let g = Graph(nodeLabels: [1, 0, 2], labeledEdges: [(0, 1, 2), (1, 2, 1)])
    let x = g.nodeOneHot(classCount: 3)
    #expect(x.shape == [3, 3] && x.scalars == [0, 1, 0, 1, 0, 0, 0, 0, 1])
    let e = g.edgeOneHot(classCount: 3)
    #expect(e.shape == [3, 3, 3])
    #expect(e[0, 1, 2] == 1 && e[1, 0, 2] == 1 && e[1, 2, 1] == 1 && e[0, 2, 0] == 1)
    #expect(e[0, 0, 0] == 1 && e[2, 2, 0] == 1)  // cfx: the diagonal is class 0
    let e2 = g.edgeOneHot(classCount: 3, diagonal: .zeroVector)  // DiGress's clean encoding
    #expect(e2[0, 0, 0] == 0 && e2[1, 1, 0] == 0 && e2.sum().scalar == 6)
    #expect(g.adjacencyMatrix.scalars == [0, 1, 0, 1, 0, 1, 0, 1, 0])
  }

  @Test func batchPaddingAndRoundTrip() {
    var rng = RandomGenerator(seed: 41)
    let graphs = (0..<6).map { i in
      randomGraph(nodeCount: 2 + i, edgeProbability: 0.5, nodeClasses: 2, edgeClasses: 3, using: &rng)
    }
    let batch = DenseGraphBatch(graphs: graphs, nodeClassCount: 2, edgeClassCount: 4, paddedNodeCount: 9)
    #expect(batch.nodes.shape == [6, 9, 2] && batch.edges.shape == [6, 9, 9, 4] && batch.nodeMask.shape == [6, 9])
    #expect(batch.nodeMask.sum().scalar == Float(graphs.map(\.nodeCount).reduce(0, +)))
    // Each pair of real nodes (diagonal included) is exactly one-hot; padding is all zero.
    let pairSums = batch.edges.sum(axis: 3)
    for (g, graph) in graphs.enumerated() {
      for i in 0..<9 {
        for j in 0..<9 {
          let expected: Float = (i < graph.nodeCount && j < graph.nodeCount) ? 1 : 0
          #expect(pairSums[g, i, j] == expected)
        }
      }
    }
    #expect(batch.graphs() == graphs)
  }
}
