// DOT text in pure Swift: a small document model with deterministic output (golden-testable),
// correct quoting, and a parser for Graphviz's "plain" layout output.

import Basics

/// A DOT attribute value: a quoted string or an HTML-like label.
public enum DOTValue: Sendable, Equatable {
  /// Written in double quotes with `"` and `\` escaped.
  case string(String)
  /// Written in angle brackets (HTML-like label); the caller escapes text with `DOT.htmlEscaped`.
  case html(String)

  /// The value as DOT text.
  var text: String {
    switch self {
    case .string(let s): return DOT.quoted(s)
    case .html(let s): return "<" + s + ">"
    }
  }
}

/// An ordered list of DOT attributes (order is kept so output is stable).
public typealias DOTAttributes = [(key: String, value: DOTValue)]

/// A DOT node statement.
public struct DOTNode: Sendable {
  /// Node name (unique in the graph).
  public var name: String
  /// Attributes in output order.
  public var attributes: DOTAttributes

  /// Creates a node statement.
  public init(_ name: String, _ attributes: DOTAttributes = []) {
    self.name = name
    self.attributes = attributes
  }
}

/// A DOT edge statement (undirected).
public struct DOTEdge: Sendable {
  /// Tail node name.
  public var tail: String
  /// Head node name.
  public var head: String
  /// Attributes in output order.
  public var attributes: DOTAttributes

  /// Creates an edge statement.
  public init(_ tail: String, _ head: String, _ attributes: DOTAttributes = []) {
    self.tail = tail
    self.head = head
    self.attributes = attributes
  }
}

/// An undirected DOT graph document.
public struct DOTGraph: Sendable {
  /// Graph name.
  public var name: String
  /// `graph [...]` attributes.
  public var graphAttributes: DOTAttributes = []
  /// `node [...]` defaults.
  public var nodeDefaults: DOTAttributes = []
  /// `edge [...]` defaults.
  public var edgeDefaults: DOTAttributes = []
  /// Node statements in order.
  public var nodes: [DOTNode] = []
  /// Edge statements in order.
  public var edges: [DOTEdge] = []

  /// Creates an empty graph.
  public init(name: String) { self.name = name }

  /// The DOT text, one statement per line, two-space indented.
  public var text: String {
    var lines = ["graph \(DOT.quoted(name)) {"]
    if !graphAttributes.isEmpty { lines.append("  graph " + DOT.attributeList(graphAttributes)) }
    if !nodeDefaults.isEmpty { lines.append("  node " + DOT.attributeList(nodeDefaults)) }
    if !edgeDefaults.isEmpty { lines.append("  edge " + DOT.attributeList(edgeDefaults)) }
    for node in nodes {
      lines.append("  " + DOT.quoted(node.name) + (node.attributes.isEmpty ? "" : " " + DOT.attributeList(node.attributes)))
    }
    for edge in edges {
      let head = "  " + DOT.quoted(edge.tail) + " -- " + DOT.quoted(edge.head)
      lines.append(head + (edge.attributes.isEmpty ? "" : " " + DOT.attributeList(edge.attributes)))
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }
}

/// DOT text helpers.
public enum DOT {
  /// `s` in double quotes with backslashes and quotes escaped, newlines as `\n`.
  public static func quoted(_ s: String) -> String {
    var out = "\""
    for character in s {
      switch character {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": continue
      default: out.append(character)
      }
    }
    return out + "\""
  }

  /// Text safe inside an HTML-like label (and inside SVG/XML text).
  public static func htmlEscaped(_ s: String) -> String { XMLText.escaped(s) }

  /// `[k1="v1", k2="v2"]`.
  static func attributeList(_ attributes: DOTAttributes) -> String {
    "[" + attributes.map { "\($0.key)=\($0.value.text)" }.joined(separator: ", ") + "]"
  }

  /// A number with at most two decimals and no trailing zeros ("12", "12.5", "-0.25").
  public static func number(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    if rounded == 0 { return "0" }
    if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int(rounded)) }
    return String(rounded)
  }

  /// A `pos` value in points, pinned with "!".
  static func pinnedPosition(_ p: Point) -> DOTValue { .string("\(number(p.x)),\(number(p.y))!") }
}

/// Node positions read from Graphviz's `plain` output (converted from inches to points).
public struct PlainLayout: Sendable {
  /// Node centre by node name, in points.
  public var positions: [String: Point]

  /// Parses `plain` output; throws if a node line is malformed.
  public init(parsing text: String) throws(RenderError) {
    positions = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("node ") {
      let fields = PlainLayout.fields(of: line)
      guard fields.count >= 4, let x = Double(fields[2]), let y = Double(fields[3]) else {
        throw .render(format: "plain", message: "malformed node line '\(line)'")
      }
      positions[fields[1]] = Point(x: x * 72, y: y * 72)
    }
  }

  /// Splits a plain-format line into fields, honouring double-quoted names.
  static func fields(of line: Substring) -> [String] {
    var fields: [String] = []
    var current = ""
    var inQuotes = false
    var escaped = false
    for character in line {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" && inQuotes {
        escaped = true
      } else if character == "\"" {
        inQuotes.toggle()
      } else if character == " " && !inQuotes {
        if !current.isEmpty { fields.append(current) }
        current = ""
      } else {
        current.append(character)
      }
    }
    if !current.isEmpty { fields.append(current) }
    return fields
  }
}
