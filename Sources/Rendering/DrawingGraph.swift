// The plain input of every drawing: nodes and edges with just what a picture needs. Rendering
// does not know about Graphs or Chemistry; callers convert their molecules and graphs into this.

/// What a drawing represents, which decides the house style.
public enum DrawingKind: String, Sendable, Equatable, CaseIterable {
  /// A molecule: carbons unlabeled, heteroatoms with hydrogens and charges, bond orders as strokes.
  case molecule
  /// An abstract graph: round nodes, optional indices.
  case graph
}

/// One node: an atom (element symbol) or an abstract vertex (any short label).
public struct DrawingNode: Sendable, Equatable {
  /// Element symbol ("C", "N", "Cl") for molecules, or a free label for graphs ("" for none).
  public var label: String
  /// Formal charge (molecules).
  public var charge: Int
  /// Hydrogens attached (implicit plus explicit), shown on heteroatoms.
  public var hydrogens: Int
  /// Whether the atom is aromatic.
  public var isAromatic: Bool
  /// Extra CSS classes for the SVG group (for example a node class id "class-2").
  public var classes: [String]

  /// Creates a node; `label` is an element symbol for molecules.
  public init(label: String, charge: Int = 0, hydrogens: Int = 0, isAromatic: Bool = false, classes: [String] = []) {
    self.label = label
    self.charge = charge
    self.hydrogens = hydrogens
    self.isAromatic = isAromatic
    self.classes = classes
  }
}

/// One undirected edge (bond) between two node indices.
public struct DrawingEdge: Sendable, Equatable {
  /// First endpoint (0-based node index).
  public var source: Int
  /// Second endpoint (0-based node index).
  public var target: Int
  /// Bond order 1, 2 or 3 (Kekulé order for aromatic bonds when known, else 1).
  public var order: Int
  /// Whether the bond is aromatic.
  public var isAromatic: Bool

  /// Creates an edge.
  public init(_ source: Int, _ target: Int, order: Int = 1, isAromatic: Bool = false) {
    self.source = source
    self.target = target
    self.order = order
    self.isAromatic = isAromatic
  }

  /// The endpoints with the smaller index first.
  public var sortedEndpoints: (Int, Int) { source < target ? (source, target) : (target, source) }
}

/// A graph or molecule to draw.
public struct DrawingGraph: Sendable, Equatable {
  /// Molecule or abstract graph.
  public var kind: DrawingKind
  /// Nodes in index order.
  public var nodes: [DrawingNode]
  /// Undirected edges.
  public var edges: [DrawingEdge]
  /// A name for captions and error messages (a SMILES, a file record, "input").
  public var name: String

  /// Creates a drawing input.
  public init(kind: DrawingKind, nodes: [DrawingNode], edges: [DrawingEdge], name: String = "") {
    self.kind = kind
    self.nodes = nodes
    self.edges = edges
    self.name = name
  }

  /// An abstract graph with `count` unlabeled vertices and the given edges.
  public static func graph(vertexCount count: Int, edges: [(Int, Int)], name: String = "") -> DrawingGraph {
    DrawingGraph(
      kind: .graph, nodes: Array(repeating: DrawingNode(label: ""), count: count),
      edges: edges.map { DrawingEdge($0.0, $0.1) }, name: name)
  }

  /// Neighbour lists, one per node.
  public var adjacency: [[Int]] {
    var neighbours = Array(repeating: [Int](), count: nodes.count)
    for edge in edges {
      neighbours[edge.source].append(edge.target)
      neighbours[edge.target].append(edge.source)
    }
    return neighbours
  }

  /// Checks indices, orders, duplicates and size; throws a message that names the bad item.
  public func validate(maximumNodes: Int = DrawingLimits.maximumNodes) throws(DrawingError) {
    let what = name.isEmpty ? "drawing" : "'\(name)'"
    guard nodes.count <= maximumNodes else {
      throw .tooLarge(
        "\(what) has \(nodes.count) nodes; drawings are limited to \(maximumNodes) "
          + "(a larger picture is unreadable and its layout slow; draw a fragment, or raise the limit with "
          + "DrawingOptions.maximumNodes / cfx render --max-nodes)")
    }
    var seen = Set<[Int]>()
    for (position, edge) in edges.enumerated() {
      guard nodes.indices.contains(edge.source), nodes.indices.contains(edge.target) else {
        throw .invalid("\(what): edge \(position) joins \(edge.source)–\(edge.target) but there are \(nodes.count) nodes")
      }
      guard edge.source != edge.target else { throw .invalid("\(what): edge \(position) is a self-loop on node \(edge.source)") }
      guard (1...3).contains(edge.order) else {
        throw .invalid("\(what): edge \(position) has bond order \(edge.order); only 1, 2 and 3 can be drawn")
      }
      let key = [edge.sortedEndpoints.0, edge.sortedEndpoints.1]
      guard seen.insert(key).inserted else {
        throw .invalid("\(what): edge \(position) repeats the edge \(key[0])–\(key[1])")
      }
    }
  }
}

/// Size limits for drawings.
public enum DrawingLimits {
  /// Largest node count drawn by default (a 500-atom molecule is refused with a clear error).
  public static let maximumNodes = 250
}

/// Errors in drawing inputs and report data.
public enum DrawingError: Error, Equatable, CustomStringConvertible {
  /// The input is inconsistent (bad index, self-loop, bad order).
  case invalid(String)
  /// The input is too large to draw.
  case tooLarge(String)

  /// A one-line explanation for users.
  public var description: String {
    switch self {
    case .invalid(let message): return "cannot draw: \(message)"
    case .tooLarge(let message): return "cannot draw: \(message)"
    }
  }
}
