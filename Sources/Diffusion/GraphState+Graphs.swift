// Bridges between the diffusion state and the Graphs module's `Graph` / `DenseGraphBatch`.
// Both use the same layout and the same diagonal convention (class-0 one-hot on real nodes),
// so the conversions are exact: graphs → state → graphs is the identity.

import Graphs

extension GraphState {
  /// A canonical state holding `graphs` (real nodes first, padded to `nodeCapacity`, default the
  /// largest graph) with node labels < `nodeClassCount` and edge labels < `edgeClassCount`.
  /// `globals` defaults to width 0. Shapes: → [graphs.count, n, a], [graphs.count, n, n, b].
  public init(graphs: [Graph], nodeClassCount: Int, edgeClassCount: Int, nodeCapacity: Int? = nil, globals: Tensor? = nil) {
    let batch = DenseGraphBatch(
      graphs: graphs, nodeClassCount: nodeClassCount, edgeClassCount: edgeClassCount, paddedNodeCount: nodeCapacity,
      diagonal: .noEdgeClass)
    self.init(batch: batch, globals: globals)
  }

  /// The state of a dense batch (made canonical: padding zeroed, class 0 on the diagonal).
  /// `globals` defaults to width 0.
  public init(batch: DenseGraphBatch, globals: Tensor? = nil) {
    self.init(
      nodes: batch.nodes, edges: batch.edges, globals: globals ?? Tensor.zeros([batch.batchSize, 0]), nodeMask: batch.nodeMask)
    self = canonicalized()
  }

  /// The dense batch of this state (same tensors, globals dropped).
  public var denseBatch: DenseGraphBatch { DenseGraphBatch(nodes: nodes, edges: edges, nodeMask: nodeMask) }

  /// The graphs of this state: labels are the argmax classes of real nodes and of pairs i < j.
  /// Real nodes need not come first; they are renumbered in slot order.
  public func graphs() -> [Graph] {
    zip(allNodeClasses(), allEdgeClasses()).map { nodeClasses, edgeClasses in
      var graph = Graph(nodeLabels: nodeClasses)
      for i in nodeClasses.indices {
        for j in nodeClasses.indices where j > i && edgeClasses[i][j] != 0 {
          graph.setEdgeLabel(edgeClasses[i][j], between: i, and: j)
        }
      }
      return graph
    }
  }
}
