// Structural queries on `Graph`: connectivity, connected components and planarity.
// Edge labels are ignored here: any non-zero label is an edge.

import Basics

extension Graph {
  /// The connected components, each a sorted list of nodes; components are ordered by their
  /// smallest node. Breadth-first search, O(n²) on the dense label matrix.
  public var connectedComponents: [[Int]] {
    let n = nodeCount
    return ConnectedComponents.components(labels: ConnectedComponents.labels(nodeCount: n) { u, v in edgeLabelMatrix[u * n + v] != 0 })
  }

  /// Whether the graph is connected (the empty graph and a single node count as connected).
  public var isConnected: Bool {
    let n = nodeCount
    if n <= 1 { return true }
    if n <= 64 {
      // Bit-parallel flood fill from node 0.
      let rows = adjacencyBits
      var reached: UInt64 = 1
      var frontier: UInt64 = 1
      while frontier != 0 {
        var next: UInt64 = 0
        var f = frontier
        while f != 0 {
          next |= rows[f.trailingZeroBitCount]
          f &= f - 1
        }
        frontier = next & ~reached
        reached |= next
      }
      return reached.nonzeroBitCount == n
    }
    return connectedComponents.count == 1
  }

  /// Whether the graph is planar (Boyer–Myrvold edge addition, via libplanarity).
  public var isPlanar: Bool {
    Planarity.isPlanar(vertexCount: nodeCount, edges: edges.map { ($0.u, $0.v) })
  }

  /// Whether the graph is a forest (no cycles): edges = nodes − components.
  public var isForest: Bool { edgeCount == nodeCount - connectedComponents.count }

  /// Whether the graph is a tree (connected and acyclic); the empty graph is not a tree.
  public var isTree: Bool { nodeCount >= 1 && isConnected && edgeCount == nodeCount - 1 }
}
