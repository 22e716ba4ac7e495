// Turns nodes and edges with change marks and positions into a panel: molecule house style
// (unlabeled carbons, heteroatom labels with H and charge, parallel strokes for bond orders,
// aromatic circles) or graph style (round nodes, optional indices).

import Foundation

/// A node to draw with its mark and CSS identity.
struct MarkedNode {
  /// What to draw.
  var node: DrawingNode
  /// Diff status.
  var status: ChangeStatus
  /// CSS identity such as "atom-3" or "original-atom-3" (also used in the element id).
  var identity: String
  /// Index shown when indices are on.
  var displayIndex: Int
}

/// An edge to draw, with endpoints indexing the marked nodes.
struct MarkedEdge {
  /// Endpoints and order.
  var edge: DrawingEdge
  /// Diff status.
  var status: ChangeStatus
  /// CSS classes such as ["bond-0", "atom-0", "atom-1"]; the first is the identity.
  var classes: [String]
}

/// Builds panels in the house style.
enum PanelBuilder {
  /// A panel for marked nodes/edges at `positions` (layout units, one bond = 1).
  static func panel(
    kind: DrawingKind, nodes: [MarkedNode], edges: [MarkedEdge], positions: [Point], prefix: String,
    options: DrawingOptions
  ) -> Panel {
    precondition(nodes.count == positions.count, "\(nodes.count) nodes but \(positions.count) positions")
    let scale = options.unitLength(for: kind)
    let points = positions.map { Point(x: $0.x * scale, y: $0.y * scale) }
    var degree = Array(repeating: 0, count: nodes.count)
    var neighbourSum = Array(repeating: Point(x: 0, y: 0), count: nodes.count)
    for marked in edges {
      let (a, b) = (marked.edge.source, marked.edge.target)
      degree[a] += 1
      degree[b] += 1
      neighbourSum[a] = neighbourSum[a] + points[b]
      neighbourSum[b] = neighbourSum[b] + points[a]
    }
    var panel = Panel(idPrefix: prefix)
    for (index, marked) in nodes.enumerated() {
      var attributes: DOTAttributes
      if kind == .molecule {
        let neighboursToTheRight = degree[index] == 1 && neighbourSum[index].x > points[index].x + 1
        attributes = atomAttributes(marked, degree: degree[index], hydrogensOnLeft: neighboursToTheRight, options: options)
      } else {
        attributes = graphNodeAttributes(marked, options: options)
      }
      let classes = [marked.identity] + marked.node.classes + [marked.status.cssClass].compactMap { $0 }
      attributes += [("id", .string("\(prefix)-\(marked.identity)")), ("class", .string(classes.joined(separator: " ")))]
      panel.nodes.append(PanelNode(name: "\(prefix)_n\(index)", position: points[index], attributes: attributes))
    }
    for marked in edges {
      var attributes = bondAttributes(marked, kind: kind, options: options)
      attributes += [
        ("id", .string("\(prefix)-\(marked.classes[0])")),
        ("class", .string((marked.classes + [marked.status.cssClass].compactMap { $0 }).joined(separator: " "))),
      ]
      panel.edges.append(DOTEdge("\(prefix)_n\(marked.edge.source)", "\(prefix)_n\(marked.edge.target)", attributes))
    }
    if kind == .molecule && options.aromaticStyle == .circle {
      appendAromaticCircles(to: &panel, nodes: nodes, edges: edges, points: points, prefix: prefix, options: options)
    }
    return panel
  }

  /// Whether an atom gets a text label (carbons stay bare unless charged or isolated).
  static func showsLabel(_ node: DrawingNode, degree: Int) -> Bool {
    node.label != "C" || node.charge != 0 || degree == 0
  }

  /// The HTML-like label of an atom: element, hydrogens with subscript count, charge superscript.
  static func atomLabel(_ node: DrawingNode, hydrogensOnLeft: Bool) -> String {
    let element = DOT.htmlEscaped(node.label)
    var hydrogens = ""
    if node.hydrogens == 1 { hydrogens = "H" }
    if node.hydrogens > 1 { hydrogens = "H<SUB>\(node.hydrogens)</SUB>" }
    var charge = ""
    if node.charge != 0 {
      let sign = node.charge > 0 ? "+" : "\u{2212}"
      charge = "<SUP>\(abs(node.charge) > 1 ? "\(abs(node.charge))" : "")\(sign)</SUP>"
    }
    return (hydrogensOnLeft ? hydrogens + element : element + hydrogens) + charge
  }

  /// DOT attributes of an atom node.
  static func atomAttributes(_ marked: MarkedNode, degree: Int, hydrogensOnLeft: Bool, options: DrawingOptions) -> DOTAttributes {
    let color = options.palette.color(for: marked.status)
    let index = options.showIndices
      ? "<FONT POINT-SIZE=\"\(DOT.number(options.fontSize * 0.6))\" COLOR=\"#888888\">\(marked.displayIndex)</FONT>" : ""
    if showsLabel(marked.node, degree: degree) {
      let textColor = marked.status != .unchanged
        ? color : (options.elementColors ? ElementColors.color(of: marked.node.label) : options.palette.neutral)
      let label = "<FONT COLOR=\"\(textColor)\">\(atomLabel(marked.node, hydrogensOnLeft: hydrogensOnLeft))</FONT>\(index)"
      // Marked atoms get a tinted rounded box (dashed outline when removed): a shape cue
      // besides the colour.
      if marked.status == .unchanged {
        return [
          ("shape", .string("plaintext")), ("label", .html(label)), ("margin", .string("0.02,0")), ("width", .string("0.1")),
          ("height", .string("0.2")),
        ]
      }
      return [
        ("shape", .string("box")), ("style", .string(style(for: marked.status))), ("color", .string(color)),
        ("fillcolor", .string(color + "2A")), ("label", .html(label)), ("margin", .string("0.04,0.01")),
        ("width", .string("0.1")), ("height", .string("0.2")),
      ]
    }
    // Bare carbon: an invisible point for unchanged atoms, a small coloured dot for marked ones.
    if marked.status == .unchanged {
      if !index.isEmpty {
        return [("shape", .string("plaintext")), ("label", .html(index)), ("margin", .string("0")), ("width", .string("0")), ("height", .string("0"))]
      }
      // Not style=invis: invisible nodes get no SVG group, and every atom needs its <g> for CSS.
      return [("shape", .string("none")), ("label", .string("")), ("width", .string("0.01")), ("height", .string("0.01"))]
    }
    return [
      ("shape", .string("circle")), ("width", .string("0.12")), ("fixedsize", .string("true")), ("label", .string("")),
      ("style", .string(marked.status == .removed ? "dashed" : "filled")), ("color", .string(color)),
      ("fillcolor", .string(color)),
    ] + (index.isEmpty ? [] : [("xlabel", .html(index))])
  }

  /// DOT attributes of an abstract graph node.
  static func graphNodeAttributes(_ marked: MarkedNode, options: DrawingOptions) -> DOTAttributes {
    let color = options.palette.color(for: marked.status)
    var text = marked.node.label
    if options.showIndices { text = text.isEmpty ? "\(marked.displayIndex)" : "\(marked.displayIndex):\(text)" }
    let fill = marked.status == .unchanged ? "white" : (marked.status == .removed ? "white" : color + "40")
    return [
      ("shape", .string("circle")), ("width", .string(DOT.number(text.count > 2 ? 0.42 : 0.3))), ("fixedsize", .string("true")),
      ("style", .string(marked.status == .removed ? "dashed,filled" : "filled")), ("fillcolor", .string(fill)),
      ("color", .string(color)), ("penwidth", .string(marked.status == .unchanged ? "1.2" : "2")),
      ("label", .string(text)), ("fontsize", .string(DOT.number(options.fontSize * 0.8))),
    ]
  }

  /// DOT attributes of a bond or edge: parallel strokes for orders, dashes for removals.
  static func bondAttributes(_ marked: MarkedEdge, kind: DrawingKind, options: DrawingOptions) -> DOTAttributes {
    let color = options.palette.color(for: marked.status)
    var order = marked.edge.order
    if kind == .molecule && marked.edge.isAromatic && options.aromaticStyle == .circle { order = 1 }
    if kind == .graph { order = 1 }
    // A colour list "c:invis:c" draws parallel strokes with a transparent gap: a double bond.
    let strokes = Array(repeating: color, count: order).joined(separator: ":invis:")
    var attributes: DOTAttributes = [("color", .string(strokes))]
    if marked.status == .removed { attributes.append(("style", .string("dashed"))) }
    if marked.status != .unchanged { attributes.append(("penwidth", .string(order > 1 ? "1.8" : "2.4"))) }
    if kind == .graph && marked.status == .unchanged { attributes.append(("penwidth", .string("1.5"))) }
    return attributes
  }

  /// Node style string for a status.
  static func style(for status: ChangeStatus) -> String {
    switch status {
    case .unchanged: return "solid"
    case .removed: return "dashed,rounded,filled"
    case .added, .changed: return "rounded,filled"
    }
  }

  /// Adds a circle inside every ring whose bonds are all aromatic.
  static func appendAromaticCircles(
    to panel: inout Panel, nodes: [MarkedNode], edges: [MarkedEdge], points: [Point], prefix: String, options: DrawingOptions
  ) {
    var adjacency = Array(repeating: [Int](), count: nodes.count)
    for marked in edges where marked.edge.isAromatic && marked.status != .removed {
      adjacency[marked.edge.source].append(marked.edge.target)
      adjacency[marked.edge.target].append(marked.edge.source)
    }
    for (ringIndex, ring) in GraphStructure.smallestRings(adjacency).enumerated() {
      let center = ring.reduce(Point(x: 0, y: 0)) { $0 + points[$1] } * (1 / Double(ring.count))
      // Radius: 60% of the distance from the centre to the nearest bond midpoint.
      var inner = Double.infinity
      for k in ring.indices {
        let midpoint = (points[ring[k]] + points[ring[(k + 1) % ring.count]]) * 0.5
        inner = min(inner, (midpoint - center).length)
      }
      let diameterInches = 2 * 0.6 * inner / 72
      panel.nodes.append(PanelNode(
        name: "\(prefix)_ring\(ringIndex)", position: center,
        attributes: [
          ("shape", .string("circle")), ("label", .string("")), ("fixedsize", .string("true")),
          ("width", .string(String(format: "%.3f", max(diameterInches, 0.01)))),
          ("color", .string(options.palette.neutral)), ("penwidth", .string("1.2")),
          ("id", .string("\(prefix)-ring-\(ringIndex)")), ("class", .string("aromatic-ring")),
        ]))
    }
  }
}
