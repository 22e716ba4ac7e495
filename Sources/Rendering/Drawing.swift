// Public entry points for single drawings and grids of drawings.

/// Pictures of molecules and graphs as DOT and SVG.
public enum Drawing {
  /// Identity of plain (unmarked) nodes: "atom-3" for molecules, "node-3" for graphs.
  static func nodeIdentity(_ kind: DrawingKind, _ index: Int) -> String {
    kind == .molecule ? "atom-\(index)" : "node-\(index)"
  }

  /// Identity of plain edges: "bond-0" or "edge-0" (Graphviz already uses the class "edge").
  static func edgeIdentity(_ kind: DrawingKind, _ index: Int) -> String {
    kind == .molecule ? "bond-\(index)" : "link-\(index)"
  }

  /// Panel for a drawing at given positions (layout units), unmarked unless `nodeStatus` and
  /// `edgeStatus` (one per node and per edge) mark some of it.
  static func plainPanel(
    _ graph: DrawingGraph, positions: [Point], prefix: String, caption: [String], options: DrawingOptions,
    nodeStatus: [ChangeStatus]? = nil, edgeStatus: [ChangeStatus]? = nil
  ) -> Panel {
    let nodes = graph.nodes.enumerated().map { index, node in
      MarkedNode(node: node, status: nodeStatus?[index] ?? .unchanged, identity: nodeIdentity(graph.kind, index), displayIndex: index)
    }
    let edges = graph.edges.enumerated().map { index, edge in
      MarkedEdge(
        edge: edge, status: edgeStatus?[index] ?? .unchanged,
        classes: [edgeIdentity(graph.kind, index), nodeIdentity(graph.kind, edge.source), nodeIdentity(graph.kind, edge.target)])
    }
    var panel = PanelBuilder.panel(kind: graph.kind, nodes: nodes, edges: edges, positions: positions, prefix: prefix, options: options)
    panel.caption = caption
    return panel
  }

  /// The DOT text of one drawing (positions computed unless given; render with `.pinned`).
  public static func dot(of graph: DrawingGraph, positions: [Point]? = nil, title: String = "", options: DrawingOptions = DrawingOptions())
    throws -> DOTGraph
  {
    try graph.validate(maximumNodes: options.maximumNodes)
    let positions = try positions ?? Layout.positions(for: graph, options: options.layout)
    precondition(positions.count == graph.nodes.count, "\(graph.nodes.count) nodes but \(positions.count) positions")
    var canvas = Canvas.grid(
      [plainPanel(graph, positions: positions, prefix: "mol", caption: [], options: options)], columns: 1, options: options)
    canvas.title = title
    return canvas.dot(name: graph.name.isEmpty ? graph.kind.rawValue : graph.name, options: options)
  }

  /// An SVG picture of one molecule or graph.
  public static func svg(of graph: DrawingGraph, title: String = "", options: DrawingOptions = DrawingOptions()) throws -> String {
    try Graphviz.render(dot: dot(of: graph, title: title, options: options).text, engine: .pinned)
  }

  /// A grid of drawings, each with its caption lines, in reading order.
  public static func gridDOT(
    _ items: [(graph: DrawingGraph, caption: [String])], layout: GridLayout = GridLayout(), options: DrawingOptions = DrawingOptions()
  ) throws -> DOTGraph {
    guard !items.isEmpty else { throw DrawingError.invalid("a grid needs at least one drawing") }
    var panels: [Panel] = []
    for (index, item) in items.enumerated() {
      try item.graph.validate(maximumNodes: options.maximumNodes)
      let positions = try Layout.positions(for: item.graph, options: options.layout)
      panels.append(plainPanel(item.graph, positions: positions, prefix: "p\(index)", caption: item.caption, options: options))
    }
    var canvas = Canvas.grid(panels, columns: layout.columnCount(for: panels.count), options: options)
    canvas.title = layout.title
    canvas.caption = layout.caption
    return canvas.dot(name: "grid", options: options)
  }
}

extension Drawing {
  /// SVG of `gridDOT`: unrelated drawings side by side, each captioned.
  public static func gridSVG(
    _ items: [(graph: DrawingGraph, caption: [String])], layout: GridLayout = GridLayout(), options: DrawingOptions = DrawingOptions()
  ) throws -> String {
    try Graphviz.render(dot: gridDOT(items, layout: layout, options: options).text, engine: .pinned)
  }
}

/// Rows, columns, title and caption of a grid.
public struct GridLayout: Sendable, Equatable {
  /// Columns; when nil, derived from `rows` or at most 4.
  public var columns: Int?
  /// Rows; used only when `columns` is nil.
  public var rows: Int?
  /// Title above the grid.
  public var title: String
  /// Caption under the grid.
  public var caption: String

  /// Creates grid settings.
  public init(columns: Int? = nil, rows: Int? = nil, title: String = "", caption: String = "") {
    self.columns = columns
    self.rows = rows
    self.title = title
    self.caption = caption
  }

  /// Columns to use for `count` panels.
  func columnCount(for count: Int) -> Int {
    if let columns { return max(1, columns) }
    if let rows, rows > 0 { return max(1, (count + rows - 1) / rows) }
    return max(1, min(count, 4))
  }
}
