// Graphs: graph types and algorithms for cfx. A `Graph` is a small undirected graph with
// categorical node labels and categorical edge labels (0 = no edge), stored densely: the
// project's graphs have at most a few dozen nodes, so an n×n label matrix is both the simplest
// and the fastest representation, and it converts directly to the dense tensors the diffusion
// model uses.
@_exported import Nauty
@_exported import Planarity

/// An undirected graph with a categorical label per node and per edge (value type).
///
/// Nodes are `0..<nodeCount`, each with a label class (`0...`). Every unordered pair of distinct
/// nodes has an edge label class: 0 means "no edge", 1... are edge types (an unlabelled graph
/// uses 1 for every edge). There are no self-loops. Equality and hashing compare the labelled
/// graphs node by node (same numbering); use `isIsomorphic(to:)` or `canonicalForm` to compare
/// up to isomorphism.
public struct Graph: Hashable, Sendable {
  /// The label class of each node.
  public private(set) var nodeLabels: [Int]
  /// Row-major n×n symmetric edge label matrix with a zero diagonal.
  @usableFromInline internal private(set) var edgeLabelMatrix: [UInt8]

  /// The largest edge label class a graph can hold.
  public static let maximumEdgeLabel = Int(UInt8.max)

  /// A graph with the given node labels and no edges.
  public init(nodeLabels: [Int]) {
    precondition(nodeLabels.allSatisfy { $0 >= 0 }, "Graph: node labels must be >= 0, got \(nodeLabels)")
    self.nodeLabels = nodeLabels
    self.edgeLabelMatrix = [UInt8](repeating: 0, count: nodeLabels.count * nodeLabels.count)
  }

  /// An unlabelled graph (node labels 0) on `nodeCount` nodes with no edges.
  public init(nodeCount: Int) {
    precondition(nodeCount >= 0, "Graph: node count \(nodeCount) must be >= 0")
    self.init(nodeLabels: [Int](repeating: 0, count: nodeCount))
  }

  /// An unlabelled graph on `nodeCount` nodes with the given edges (each gets label 1).
  /// - Precondition: endpoints are in range and distinct.
  public init(nodeCount: Int, edges: [(Int, Int)]) {
    self.init(nodeCount: nodeCount)
    for (u, v) in edges { setEdgeLabel(1, between: u, and: v) }
  }

  /// A labelled graph: node label classes plus edges `(u, v, label)` with label >= 1.
  /// - Precondition: endpoints are in range and distinct; labels are in 1...255.
  public init(nodeLabels: [Int], labeledEdges: [(Int, Int, Int)]) {
    self.init(nodeLabels: nodeLabels)
    for (u, v, label) in labeledEdges {
      precondition(label >= 1, "Graph: edge (\(u), \(v)) has label \(label); use labels >= 1 (0 means no edge)")
      setEdgeLabel(label, between: u, and: v)
    }
  }

  /// Number of nodes.
  public var nodeCount: Int { nodeLabels.count }

  @inlinable func checkNode(_ v: Int) {
    precondition(v >= 0 && v < nodeCount, "Graph: node \(v) out of range 0..<\(nodeCount)")
  }

  /// The edge label class between `u` and `v` (0 = no edge; always 0 for u == v).
  @inlinable public func edgeLabel(_ u: Int, _ v: Int) -> Int {
    checkNode(u)
    checkNode(v)
    return Int(edgeLabelMatrix[u * nodeCount + v])
  }

  /// Whether `u` and `v` are joined by an edge of any label.
  @inlinable public func hasEdge(_ u: Int, _ v: Int) -> Bool { edgeLabel(u, v) != 0 }

  /// Sets the edge label between distinct nodes `u` and `v` (0 removes the edge).
  public mutating func setEdgeLabel(_ label: Int, between u: Int, and v: Int) {
    checkNode(u)
    checkNode(v)
    precondition(u != v, "Graph: self-loop (\(u), \(v)) is not allowed")
    precondition(label >= 0 && label <= Graph.maximumEdgeLabel, "Graph: edge label \(label) out of range 0...\(Graph.maximumEdgeLabel)")
    edgeLabelMatrix[u * nodeCount + v] = UInt8(label)
    edgeLabelMatrix[v * nodeCount + u] = UInt8(label)
  }

  /// Adds an edge with label 1 between `u` and `v` (or relabels an existing one to 1).
  public mutating func addEdge(_ u: Int, _ v: Int) { setEdgeLabel(1, between: u, and: v) }

  /// Removes the edge between `u` and `v` if there is one.
  public mutating func removeEdge(_ u: Int, _ v: Int) { setEdgeLabel(0, between: u, and: v) }

  /// Appends an isolated node with the given label and returns its index.
  @discardableResult
  public mutating func addNode(label: Int = 0) -> Int {
    precondition(label >= 0, "Graph: node label \(label) must be >= 0")
    let n = nodeCount
    var matrix = [UInt8](repeating: 0, count: (n + 1) * (n + 1))
    for u in 0..<n {
      for v in 0..<n { matrix[u * (n + 1) + v] = edgeLabelMatrix[u * n + v] }
    }
    edgeLabelMatrix = matrix
    nodeLabels.append(label)
    return n
  }

  /// An edge of a graph: endpoints `u < v` and its label class (>= 1).
  public struct Edge: Hashable, Sendable, Comparable {
    /// The smaller endpoint.
    public var u: Int
    /// The larger endpoint.
    public var v: Int
    /// The edge label class (>= 1).
    public var label: Int

    /// An edge between `u` and `v` (stored with the smaller endpoint first).
    public init(_ u: Int, _ v: Int, label: Int = 1) {
      (self.u, self.v, self.label) = (Swift.min(u, v), Swift.max(u, v), label)
    }

    /// Lexicographic order by (u, v, label).
    public static func < (a: Edge, b: Edge) -> Bool { (a.u, a.v, a.label) < (b.u, b.v, b.label) }
  }

  /// All edges, sorted by (u, v) with u < v.
  public var edges: [Edge] {
    var result: [Edge] = []
    let n = nodeCount
    for u in 0..<n {
      for v in (u + 1)..<Swift.max(n, u + 1) where edgeLabelMatrix[u * n + v] != 0 {
        result.append(Edge(u, v, label: Int(edgeLabelMatrix[u * n + v])))
      }
    }
    return result
  }

  /// Number of edges.
  public var edgeCount: Int { edgeLabelMatrix.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } / 2 }

  /// Number of neighbours of `v`.
  public func degree(of v: Int) -> Int {
    checkNode(v)
    var d = 0
    for w in 0..<nodeCount where edgeLabelMatrix[v * nodeCount + w] != 0 { d += 1 }
    return d
  }

  /// The neighbours of `v`, ascending.
  public func neighbors(of v: Int) -> [Int] {
    checkNode(v)
    return (0..<nodeCount).filter { edgeLabelMatrix[v * nodeCount + $0] != 0 }
  }

  /// Whether all node labels are 0 and all edge labels are 0 or 1 (a plain simple graph).
  public var isUnlabeled: Bool {
    nodeLabels.allSatisfy { $0 == 0 } && edgeLabelMatrix.allSatisfy { $0 <= 1 }
  }

  /// The largest edge label class present (0 for a graph without edges).
  public var maximumEdgeLabelPresent: Int { Int(edgeLabelMatrix.max() ?? 0) }

  /// The graph with every edge label set to 1 and every node label set to 0.
  public var unlabeled: Graph {
    var g = self
    g.nodeLabels = [Int](repeating: 0, count: nodeCount)
    g.edgeLabelMatrix = edgeLabelMatrix.map { $0 == 0 ? 0 : 1 }
    return g
  }

  /// The node-relabelled copy whose node k is this graph's node `order[k]`.
  /// - Precondition: `order` is a permutation of `0..<nodeCount`.
  public func reordered(_ order: [Int]) -> Graph {
    precondition(order.count == nodeCount && Set(order).count == nodeCount && order.allSatisfy { $0 >= 0 && $0 < nodeCount },
                 "Graph.reordered: \(order) is not a permutation of 0..<\(nodeCount)")
    return inducedSubgraph(order)
  }

  /// The subgraph induced by `nodes` (in that order: node k of the result is `nodes[k]`).
  public func inducedSubgraph(_ nodes: [Int]) -> Graph {
    nodes.forEach(checkNode)
    var g = Graph(nodeLabels: nodes.map { nodeLabels[$0] })
    let n = nodeCount, m = nodes.count
    for (i, a) in nodes.enumerated() {
      for (j, b) in nodes.enumerated() { g.edgeLabelMatrix[i * m + j] = edgeLabelMatrix[a * n + b] }
    }
    return g
  }

  /// Adjacency as one 64-bit word per node: bit w of `rows[v]` (least significant first) is set
  /// when v and w are adjacent (any label).
  /// - Precondition: `nodeCount <= 64`.
  public var adjacencyBits: [UInt64] {
    precondition(nodeCount <= 64, "Graph.adjacencyBits: \(nodeCount) nodes; at most 64 supported")
    let n = nodeCount
    var rows = [UInt64](repeating: 0, count: n)
    for u in 0..<n {
      var row: UInt64 = 0
      for v in 0..<n where edgeLabelMatrix[u * n + v] != 0 { row |= 1 << UInt64(v) }
      rows[u] = row
    }
    return rows
  }

  /// An unlabelled graph from per-node adjacency words (bit w of `rows[v]`, least significant
  /// first, means v–w is an edge).
  /// - Precondition: `rows.count <= 64`, the bits are symmetric and the diagonal is empty.
  public init(adjacencyBits rows: [UInt64]) {
    let n = rows.count
    precondition(n <= 64, "Graph(adjacencyBits:): \(n) rows; at most 64 supported")
    self.init(nodeCount: n)
    for u in 0..<n {
      precondition(rows[u] >> UInt64(n) == 0 && rows[u] & (1 << UInt64(u)) == 0,
                   "Graph(adjacencyBits:): row \(u) has bits outside 0..<\(n) or a self-loop")
      for v in 0..<n where rows[u] & (1 << UInt64(v)) != 0 {
        precondition(rows[v] & (1 << UInt64(u)) != 0, "Graph(adjacencyBits:): not symmetric at (\(u), \(v))")
        edgeLabelMatrix[u * n + v] = 1
      }
    }
  }
}

extension Graph: CustomStringConvertible {
  /// A short summary: node count, edges with labels when the graph is labelled.
  public var description: String {
    if isUnlabeled {
      return "Graph(n: \(nodeCount), edges: [\(edges.map { "\($0.u)-\($0.v)" }.joined(separator: ", "))])"
    }
    return "Graph(nodeLabels: \(nodeLabels), edges: [\(edges.map { "\($0.u)-\($0.v):\($0.label)" }.joined(separator: ", "))])"
  }
}
