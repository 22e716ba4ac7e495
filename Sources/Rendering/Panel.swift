// A panel is one picture (a molecule, a graph, one side of a diff) with node positions in
// points; panels are placed on a canvas and written as one DOT graph for the pinned ("nop")
// engine, so Graphviz draws exactly the positions computed here.

/// A node placed in a panel.
struct PanelNode {
  /// DOT name (unique on the canvas; the SVG <title>).
  var name: String
  /// Centre in points (panel frame).
  var position: Point
  /// Attributes other than `pos`.
  var attributes: DOTAttributes
  /// Whether the node counts for the panel's bounding box (captions do not).
  var countsForBox = true
}

/// One picture in its own frame.
struct Panel {
  /// Nodes with positions.
  var nodes: [PanelNode] = []
  /// Edges between node names.
  var edges: [DOTEdge] = []
  /// Caption lines shown under the panel.
  var caption: [String] = []
  /// Id prefix for the caption node.
  var idPrefix: String = "panel"

  /// Bounding box of the drawn nodes, padded by `margin` points.
  func box(margin: Double) -> Box {
    let points = nodes.filter(\.countsForBox).map(\.position)
    var box = Box(enclosing: points)
    box.minX -= margin
    box.minY -= margin
    box.maxX += margin
    box.maxY += margin
    return box
  }

  /// The panel shifted by `offset` points.
  func translated(by offset: Point) -> Panel {
    var copy = self
    copy.nodes = nodes.map { node in
      var moved = node
      moved.position = node.position + offset
      return moved
    }
    return copy
  }
}

/// Arranges panels on one canvas and writes the DOT text.
struct Canvas {
  /// Panels with final positions.
  var panels: [Panel] = []
  /// Extra nodes (legend, titles) in canvas coordinates.
  var extraNodes: [PanelNode] = []
  /// Extra edges (legend samples).
  var extraEdges: [DOTEdge] = []
  /// Title above everything.
  var title: String = ""
  /// Caption under everything.
  var caption: String = ""

  /// Places `panels` in a grid of `columns` columns, each cell as large as the largest panel,
  /// rows top to bottom; captions go under each panel. With `sharedFrame` (panels drawn in one
  /// coordinate frame, as diffs are) every panel is shifted by its cell offset only, so shared
  /// nodes sit at the same place in every cell.
  static func grid(_ panels: [Panel], columns: Int, sharedFrame: Bool = false, options: DrawingOptions) -> Canvas {
    precondition(columns >= 1, "grid needs at least one column, got \(columns)")
    let margin = options.bondLength * 0.8
    var boxes = panels.map { $0.box(margin: margin) }
    if sharedFrame && !boxes.isEmpty {
      let corners = boxes.flatMap { [Point(x: $0.minX, y: $0.minY), Point(x: $0.maxX, y: $0.maxY)] }
      boxes = Array(repeating: Box(enclosing: corners), count: boxes.count)
    }
    // Captions need room too: estimate their width at 0.55 em per character.
    let captionWidth = panels.flatMap(\.caption).map { Double($0.count) * options.fontSize * 0.85 * 0.55 }.max() ?? 0
    let cellWidth = max(boxes.map(\.width).max() ?? 0, options.bondLength * 3, captionWidth + margin)
    let captionLines = panels.map(\.caption.count).max() ?? 0
    let captionHeight = Double(captionLines) * options.fontSize * 1.35
    let cellHeight = (boxes.map(\.height).max() ?? 0) + captionHeight
    var canvas = Canvas()
    for (index, panel) in panels.enumerated() {
      let row = index / columns, column = index % columns
      let box = boxes[index]
      // Centre the panel's box in its cell; y grows upwards in Graphviz, rows go down.
      let cellCenterX = (Double(column) + 0.5) * cellWidth
      let cellTop = -Double(row) * (cellHeight + margin)
      let offset = Point(x: cellCenterX - box.center.x, y: cellTop - box.maxY)
      var placed = panel.translated(by: offset)
      let bottom = cellTop - box.height
      for (line, text) in panel.caption.enumerated() {
        placed.nodes.append(PanelNode(
          name: "\(panel.idPrefix)_caption\(line)",
          position: Point(x: cellCenterX, y: bottom - options.fontSize * (0.9 + 1.35 * Double(line))),
          attributes: [
            ("shape", .string("plaintext")), ("label", .string(text)), ("fontsize", .string(DOT.number(options.fontSize * 0.85))),
            ("id", .string("\(panel.idPrefix)-caption-\(line)")), ("class", .string("caption")),
            ("width", .string("0")), ("height", .string("0")), ("margin", .string("0")),
          ], countsForBox: false))
      }
      canvas.panels.append(placed)
    }
    return canvas
  }

  /// The DOT graph; render with `LayoutEngine.pinned`.
  func dot(name: String, options: DrawingOptions) -> DOTGraph {
    var graph = DOTGraph(name: name)
    graph.graphAttributes = [
      ("bgcolor", .string("white")), ("pad", .string("0.2")), ("splines", .string("false")),
      ("outputorder", .string("edgesfirst")), ("fontname", .string(options.fontName)), ("forcelabels", .string("true")),
    ]
    if !title.isEmpty {
      graph.graphAttributes += [("label", .string(title)), ("labelloc", .string("t")), ("fontsize", .string(DOT.number(options.fontSize * 1.2)))]
    }
    graph.nodeDefaults = [("fontname", .string(options.fontName)), ("fontsize", .string(DOT.number(options.fontSize)))]
    graph.edgeDefaults = [("penwidth", .string("1.4")), ("color", .string(options.palette.neutral))]
    var all = panels.flatMap(\.nodes) + extraNodes
    if !caption.isEmpty {
      let box = Box(enclosing: all.map(\.position))
      all.append(PanelNode(
        name: "canvas_caption", position: Point(x: box.center.x, y: box.minY - options.fontSize * 1.6),
        attributes: [
          ("shape", .string("plaintext")), ("label", .string(caption)), ("id", .string("caption")),
          ("class", .string("caption")), ("fontsize", .string(DOT.number(options.fontSize * 0.9))),
        ]))
    }
    for node in all {
      graph.nodes.append(DOTNode(node.name, [("pos", DOT.pinnedPosition(node.position))] + node.attributes))
    }
    graph.edges = panels.flatMap(\.edges) + extraEdges
    return graph
  }
}
