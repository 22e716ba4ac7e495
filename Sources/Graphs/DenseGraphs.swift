// Dense tensor encodings of graphs, in DiGress's layout (Vignac et al., DiGress):
// - nodes X: [bs, n, a] one-hot over node label classes (padded rows all zero);
// - edges E: [bs, n, n, b] one-hot over edge label classes, class 0 = "no edge" (padded rows and
//   columns all zero), symmetric in the two node axes;
// - node mask: [bs, n], 1 for real nodes and 0 for padding.
// The diagonal (a node paired with itself) is not a pair of distinct nodes. DiGress is
// inconsistent about it (all-zero vector for clean graphs, class 0 after noising); cfx's one
// convention, shared with Diffusion's `GraphState`, is the class-0 one-hot ("no self-loop") for
// real nodes, which is the default here. `.zeroVector` reproduces DiGress's clean encoding.

import Tensor

/// What the diagonal E[i, i, :] of a dense edge encoding holds.
public enum DiagonalConvention: String, Sendable, CaseIterable {
  /// The one-hot of class 0 ("no edge"): cfx's convention everywhere (Diffusion's GraphState).
  case noEdgeClass
  /// All zeros (DiGress's clean graphs: `encode_no_edge` zeroes the diagonal).
  case zeroVector
}

extension Graph {
  /// Node labels as one-hot rows. Shape [nodeCount, classCount].
  /// - Precondition: every node label is < `classCount`.
  public func nodeOneHot(classCount: Int) -> Tensor {
    let n = nodeCount
    var values = [Float](repeating: 0, count: n * classCount)
    for v in 0..<n {
      precondition(nodeLabels[v] < classCount, "nodeOneHot: node \(v) has label \(nodeLabels[v]), not < \(classCount) classes")
      values[v * classCount + nodeLabels[v]] = 1
    }
    return Tensor(shape: [n, classCount], scalars: values)
  }

  /// Edge labels as one-hot vectors, class 0 = no edge. Shape [nodeCount, nodeCount, classCount].
  /// - Precondition: `classCount >= 2` and every edge label is < `classCount`.
  public func edgeOneHot(classCount: Int, diagonal: DiagonalConvention = .noEdgeClass) -> Tensor {
    DenseGraphBatch(graphs: [self], nodeClassCount: (nodeLabels.max() ?? 0) + 1, edgeClassCount: classCount, diagonal: diagonal)
      .edges.reshaped([nodeCount, nodeCount, classCount])
  }

  /// The 0/1 adjacency matrix (any edge label counts). Shape [nodeCount, nodeCount].
  public var adjacencyMatrix: Tensor {
    Tensor(shape: [nodeCount, nodeCount], scalars: edgeLabelMatrix.map { $0 == 0 ? 0 : 1 })
  }
}

/// A batch of graphs as padded dense tensors (DiGress layout).
public struct DenseGraphBatch: Sendable {
  /// One-hot node labels. Shape [batch, n, nodeClassCount]; padded rows are zero.
  public var nodes: Tensor
  /// One-hot edge labels, class 0 = no edge. Shape [batch, n, n, edgeClassCount].
  public var edges: Tensor
  /// 1 for real nodes, 0 for padding. Shape [batch, n].
  public var nodeMask: Tensor

  /// Number of graphs.
  public var batchSize: Int { nodeMask.shape[0] }
  /// The padded node count n.
  public var paddedNodeCount: Int { nodeMask.shape[1] }

  /// Wraps existing tensors.
  /// - Precondition: shapes [bs, n, a], [bs, n, n, b], [bs, n].
  public init(nodes: Tensor, edges: Tensor, nodeMask: Tensor) {
    precondition(nodes.rank == 3 && edges.rank == 4 && nodeMask.rank == 2
      && nodes.shape[0] == nodeMask.shape[0] && edges.shape[0] == nodeMask.shape[0]
      && nodes.shape[1] == nodeMask.shape[1] && edges.shape[1] == nodeMask.shape[1] && edges.shape[2] == nodeMask.shape[1],
      "DenseGraphBatch: inconsistent shapes nodes \(nodes.shape), edges \(edges.shape), mask \(nodeMask.shape)")
    (self.nodes, self.edges, self.nodeMask) = (nodes, edges, nodeMask)
  }

  /// Encodes `graphs`, padded to `paddedNodeCount` (default: the largest graph).
  /// - Precondition: labels fit the class counts, `edgeClassCount >= 2`, every graph fits.
  public init(
    graphs: [Graph], nodeClassCount: Int, edgeClassCount: Int, paddedNodeCount: Int? = nil,
    diagonal: DiagonalConvention = .noEdgeClass
  ) {
    let n = paddedNodeCount ?? (graphs.map(\.nodeCount).max() ?? 0)
    let (a, b, bs) = (nodeClassCount, edgeClassCount, graphs.count)
    precondition(a >= 1 && b >= 2, "DenseGraphBatch: need >= 1 node class and >= 2 edge classes, got \(a), \(b)")
    var x = [Float](repeating: 0, count: bs * n * a)
    var e = [Float](repeating: 0, count: bs * n * n * b)
    var mask = [Float](repeating: 0, count: bs * n)
    for (g, graph) in graphs.enumerated() {
      let k = graph.nodeCount
      precondition(k <= n, "DenseGraphBatch: graph \(g) has \(k) nodes, more than the padded \(n)")
      precondition(graph.maximumEdgeLabelPresent < b, "DenseGraphBatch: graph \(g) has edge label \(graph.maximumEdgeLabelPresent), not < \(b) classes")
      for v in 0..<k {
        precondition(graph.nodeLabels[v] < a, "DenseGraphBatch: graph \(g) node \(v) has label \(graph.nodeLabels[v]), not < \(a) classes")
        mask[g * n + v] = 1
        x[(g * n + v) * a + graph.nodeLabels[v]] = 1
        for w in 0..<k where w != v || diagonal == .noEdgeClass {
          e[((g * n + v) * n + w) * b + Int(graph.edgeLabelMatrix[v * k + w])] = 1
        }
      }
    }
    self.init(
      nodes: Tensor(shape: [bs, n, a], scalars: x), edges: Tensor(shape: [bs, n, n, b], scalars: e),
      nodeMask: Tensor(shape: [bs, n], scalars: mask))
  }

  /// Decodes the graphs: real nodes are those with mask > 0.5 (they must come first), node
  /// labels are the argmax over classes, edge labels the argmax of E[i, j] for i < j (the upper
  /// triangle decides, so a slightly asymmetric E still gives a valid graph).
  public func graphs() -> [Graph] {
    let (bs, n, a, b) = (batchSize, paddedNodeCount, nodes.shape[2], edges.shape[3])
    let x = nodes.scalars, e = edges.scalars, mask = nodeMask.scalars
    func argmax(_ values: [Float], _ start: Int, _ count: Int) -> Int {
      var best = 0
      for c in 1..<Swift.max(count, 1) where values[start + c] > values[start + best] { best = c }
      return best
    }
    return (0..<bs).map { g in
      let k = (0..<n).filter { mask[g * n + $0] > 0.5 }.count
      precondition((0..<k).allSatisfy { mask[g * n + $0] > 0.5 }, "DenseGraphBatch.graphs: graph \(g) has padding before real nodes")
      var graph = Graph(nodeLabels: (0..<k).map { argmax(x, (g * n + $0) * a, a) })
      for u in 0..<k {
        for v in (u + 1)..<Swift.max(k, u + 1) {
          let label = argmax(e, ((g * n + u) * n + v) * b, b)
          if label != 0 { graph.setEdgeLabel(label, between: u, and: v) }
        }
      }
      return graph
    }
  }
}
