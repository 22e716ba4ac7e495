// Connectivity, components, planarity and graph edits on known graphs.

import Graphs
import Testing

@Suite struct StructureTests {
  @Test func componentsAndConnectivity() {
    let g = Graph(nodeCount: 7, edges: [(0, 1), (1, 2), (3, 4), (6, 4)])
    #expect(g.connectedComponents == [[0, 1, 2], [3, 4, 6], [5]])
    #expect(!g.isConnected)
    #expect(g.isForest && !g.isTree)
    #expect(cycleGraph(6).isConnected && !cycleGraph(6).isForest)
    #expect(Graph(nodeCount: 0).isConnected && Graph(nodeCount: 1).isConnected)
    #expect(Graph(nodeCount: 4, edges: [(0, 1), (1, 2), (1, 3)]).isTree)
    // The bit-parallel path (n <= 64) and the BFS path (n > 64) agree.
    var path = Graph(nodeCount: 80)
    for i in 0..<79 { path.addEdge(i, i + 1) }
    #expect(path.isConnected)
    path.removeEdge(40, 41)
    #expect(!path.isConnected && path.connectedComponents.count == 2)
  }

  @Test func planarityOfKnownGraphs() {
    #expect(completeGraph(4).isPlanar)
    #expect(!completeGraph(5).isPlanar)
    let k33 = Graph(nodeCount: 6, edges: (0..<3).flatMap { u in (3..<6).map { (u, $0) } })
    #expect(!k33.isPlanar)
    #expect(!petersenGraph().isPlanar)
    #expect(cubeGraph().isPlanar)
    var k5MinusEdge = completeGraph(5)
    k5MinusEdge.removeEdge(0, 1)
    #expect(k5MinusEdge.isPlanar)
    #expect(!completeGraph(8).isPlanar)
  }

  @Test func editsAndAccessors() {
    var g = Graph(nodeLabels: [0, 2], labeledEdges: [(0, 1, 3)])
    #expect(g.edgeLabel(1, 0) == 3 && g.edgeCount == 1 && !g.isUnlabeled)
    let added = g.addNode(label: 1)
    g.setEdgeLabel(2, between: added, and: 0)
    #expect(g.edges == [Graph.Edge(0, 1, label: 3), Graph.Edge(0, 2, label: 2)])
    #expect(g.neighbors(of: 0) == [1, 2] && g.degree(of: 2) == 1)
    #expect(g.unlabeled.isUnlabeled && g.unlabeled.edgeCount == 2)
    let reordered = g.reordered([2, 0, 1])
    #expect(reordered.nodeLabels == [1, 0, 2] && reordered.edgeLabel(0, 1) == 2 && reordered.edgeLabel(1, 2) == 3)
    #expect(Graph(adjacencyBits: cycleGraph(5).adjacencyBits) == cycleGraph(5))
  }
}
