// Side-by-side diffs and counterfactual grids with captions and a legend.

/// A change of a scalar property between original and counterfactual (e.g. logP 1.2 → 2.4).
public struct PropertyChange: Sendable, Equatable {
  /// Property name as shown ("logP", "edges").
  public var name: String
  /// Value for the original.
  public var before: Double
  /// Value for the counterfactual.
  public var after: Double

  /// Creates a property change.
  public init(name: String, before: Double, after: Double) {
    self.name = name
    self.before = before
    self.after = after
  }

  /// "logP 1.20 → 2.40 (Δ +1.20)".
  public var text: String {
    let delta = after - before
    return "\(name) \(CaptionFormat.number(before)) → \(CaptionFormat.number(after)) (Δ \(delta >= 0 ? "+" : "")\(CaptionFormat.number(delta)))"
  }
}

/// One counterfactual for a grid: the drawing, its matching to the input and what to caption.
public struct CounterfactualEntry: Sendable {
  /// The counterfactual graph or molecule.
  public var graph: DrawingGraph
  /// Original node → counterfactual node (nil: identity by index).
  public var matching: [Int?]?
  /// Similarity to the input (higher is closer); used to sort.
  public var similarity: Double?
  /// The property the counterfactual changes.
  public var property: PropertyChange?
  /// Whether the counterfactual is valid (chemically, or under the task's rules).
  public var isValid: Bool?
  /// Extra caption text (a SMILES, a rank).
  public var note: String

  /// Creates an entry.
  public init(
    graph: DrawingGraph, matching: [Int?]? = nil, similarity: Double? = nil, property: PropertyChange? = nil,
    isValid: Bool? = nil, note: String = ""
  ) {
    self.graph = graph
    self.matching = matching
    self.similarity = similarity
    self.property = property
    self.isValid = isValid
    self.note = note
  }

  /// Caption lines: property change, then similarity and validity, then the note.
  public var captionLines: [String] {
    var lines: [String] = []
    if let property { lines.append(property.text) }
    var facts: [String] = []
    if let similarity { facts.append("similarity \(CaptionFormat.number(similarity))") }
    if let isValid { facts.append(isValid ? "valid" : "invalid") }
    if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
    if !note.isEmpty { lines.append(note) }
    return lines
  }
}

/// Number formatting for captions: two decimals.
enum CaptionFormat {
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let hundredths = Int((abs(value) * 100).rounded())
    let sign = value < 0 && hundredths != 0 ? "-" : ""
    let fraction = hundredths % 100
    return "\(sign)\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}

extension Drawing {
  /// DOT for original and counterfactual side by side with changes marked and a legend.
  ///
  /// The original is laid out on its own (or at `originalPositions`); the counterfactual panel
  /// pins every original node there, so the shared part is drawn identically, or is laid out
  /// on its own and aligned to it (`CounterfactualDiff.unionLayout`); drawn alone, its removed
  /// atoms and bonds are marked on the original.
  public static func diffDOT(
    _ diff: CounterfactualDiff, originalPositions: [Point]? = nil, originalCaption: [String] = ["original"],
    counterfactualCaption: [String] = ["counterfactual"], title: String = "", options: DrawingOptions = DrawingOptions()
  ) throws -> DOTGraph {
    let basePositions = try originalPositions ?? Layout.positions(for: diff.original, options: options.layout)
    let (right, drawn) = try markedPanelAndLayout(
      diff, originalPositions: basePositions, prefix: "counterfactual", caption: counterfactualCaption, options: options)
    // A counterfactual drawn alone leaves its removals (and changed atoms) to the original's side.
    let alone = drawn.choice == .alone
    let removed = Set(diff.removedEdges)
    let left = plainPanel(
      diff.original, positions: basePositions, prefix: "original", caption: originalCaption, options: options,
      nodeStatus: alone ? diff.originalNodeStatus : nil,
      edgeStatus: alone ? diff.original.edges.indices.map { removed.contains($0) ? .removed : .unchanged } : nil)
    var canvas = Canvas.grid([left, right], columns: 2, sharedFrame: true, options: options)
    canvas.title = title
    canvas.appendLegend(options: options)
    return canvas.dot(name: "diff", options: options)
  }

  /// SVG of `diffDOT`.
  public static func diffSVG(
    _ diff: CounterfactualDiff, originalCaption: [String] = ["original"], counterfactualCaption: [String] = ["counterfactual"],
    title: String = "", options: DrawingOptions = DrawingOptions()
  ) throws -> String {
    let dot = try diffDOT(
      diff, originalCaption: originalCaption, counterfactualCaption: counterfactualCaption, title: title, options: options)
    return try Graphviz.render(dot: dot.text, engine: .pinned)
  }

  /// DOT for a grid: the input first, then counterfactuals sorted by similarity (highest first),
  /// each drawn as a diff against the input in the input's frame, captioned, with a legend.
  public static func counterfactualGridDOT(
    input: DrawingGraph, inputCaption: [String] = ["input"], counterfactuals: [CounterfactualEntry],
    layout: GridLayout = GridLayout(), options: DrawingOptions = DrawingOptions()
  ) throws -> DOTGraph {
    try counterfactualGrid(input: input, inputCaption: inputCaption, counterfactuals: counterfactuals, layout: layout, options: options, check: false).dot
  }

  /// The grid's DOT and, with `check`, each counterfactual's `DiffDrawingCheck` in the order of
  /// `counterfactuals` (not the similarity order of the panels).
  static func counterfactualGrid(
    input: DrawingGraph, inputCaption: [String], counterfactuals: [CounterfactualEntry], layout: GridLayout, options: DrawingOptions, check: Bool
  ) throws -> (dot: DOTGraph, checks: [DiffDrawingCheck]) {
    try input.validate(maximumNodes: options.maximumNodes)
    let basePositions = try Layout.positions(for: input, options: options.layout)
    var panels = [plainPanel(input, positions: basePositions, prefix: "input", caption: inputCaption, options: options)]
    let sorted = counterfactuals.enumerated().sorted { a, b in
      let (x, y) = (a.element.similarity ?? -.infinity, b.element.similarity ?? -.infinity)
      return x != y ? x > y : a.offset < b.offset
    }
    var checks = [DiffDrawingCheck?](repeating: nil, count: counterfactuals.count)
    for (rank, item) in sorted.enumerated() {
      let diff = try CounterfactualDiff(
        original: input, counterfactual: item.element.graph, matching: item.element.matching, maximumNodes: options.maximumNodes)
      let (panel, drawn) = try markedPanelAndLayout(
        diff, originalPositions: basePositions, prefix: "cf\(rank + 1)", caption: item.element.captionLines, options: options)
      panels.append(panel)
      if check { checks[item.offset] = try diff.drawingCheck(drawn: drawn, options: options.layout) }
    }
    var canvas = Canvas.grid(panels, columns: layout.columnCount(for: panels.count), sharedFrame: true, options: options)
    canvas.title = layout.title
    canvas.caption = layout.caption
    canvas.appendLegend(options: options)
    return (canvas.dot(name: "counterfactuals", options: options), checks.compactMap { $0 })
  }

  /// SVG of `counterfactualGridDOT`, with each counterfactual's `DiffDrawingCheck` (crossings of
  /// its drawn side against a clean layout of it alone) in the order of `counterfactuals`.
  public static func checkedCounterfactualGridSVG(
    input: DrawingGraph, inputCaption: [String] = ["input"], counterfactuals: [CounterfactualEntry],
    layout: GridLayout = GridLayout(), options: DrawingOptions = DrawingOptions()
  ) throws -> (svg: String, checks: [DiffDrawingCheck]) {
    let (dot, checks) = try counterfactualGrid(
      input: input, inputCaption: inputCaption, counterfactuals: counterfactuals, layout: layout, options: options, check: true)
    return (try Graphviz.render(dot: dot.text, engine: .pinned), checks)
  }

  /// SVG of `counterfactualGridDOT`.
  public static func counterfactualGridSVG(
    input: DrawingGraph, inputCaption: [String] = ["input"], counterfactuals: [CounterfactualEntry],
    layout: GridLayout = GridLayout(), options: DrawingOptions = DrawingOptions()
  ) throws -> String {
    let dot = try counterfactualGridDOT(
      input: input, inputCaption: inputCaption, counterfactuals: counterfactuals, layout: layout, options: options)
    return try Graphviz.render(dot: dot.text, engine: .pinned)
  }

  /// The counterfactual side of a diff (the union of both drawings with marks, or the
  /// counterfactual alone) and the layout it was drawn with.
  static func markedPanelAndLayout(
    _ diff: CounterfactualDiff, originalPositions: [Point], prefix: String, caption: [String], options: DrawingOptions
  ) throws -> (panel: Panel, layout: UnionPlacement) {
    let drawn = try diff.unionLayout(originalPositions: originalPositions, options: options.layout)
    let (nodes, edges, _) = diff.drawnUnion(drawn.choice)
    var caption = caption
    if drawn.choice == .alone {
      let removedNodes = diff.originalNodeStatus.filter { $0 == .removed }.count
      let noun = diff.counterfactual.kind == .molecule ? ("atom", "bond") : ("node", "edge")
      caption.append("drawn alone; removed from the input: \(removedNodes) \(noun.0)\(removedNodes == 1 ? "" : "s"), \(diff.removedEdges.count) \(noun.1)\(diff.removedEdges.count == 1 ? "" : "s")")
    }
    var panel = PanelBuilder.panel(
      kind: diff.counterfactual.kind, nodes: nodes, edges: edges, positions: drawn.positions, prefix: prefix, options: options)
    panel.caption = caption
    return (panel, drawn)
  }
}

extension Canvas {
  /// Adds a legend row under the panels: a stroke sample and a word per change kind.
  mutating func appendLegend(options: DrawingOptions) {
    let all = panels.flatMap(\.nodes).map(\.position)
    let box = Box(enclosing: all)
    let y = box.minY - options.fontSize * 2.2
    let sample = options.bondLength * 1.1
    let entries: [(ChangeStatus, String)] = [(.added, "added"), (.removed, "removed"), (.changed, "changed")]
    let slot = sample + options.fontSize * 5.5
    var x = box.center.x - slot * Double(entries.count) / 2
    for (status, word) in entries {
      let color = options.palette.color(for: status)
      let tail = "legend_\(word)_a", head = "legend_\(word)_b"
      for (name, px) in [(tail, x), (head, x + sample)] {
        extraNodes.append(PanelNode(
          name: name, position: Point(x: px, y: y),
          attributes: [("shape", .string("point")), ("width", .string("0.01")), ("style", .string("invis")), ("class", .string("legend"))],
          countsForBox: false))
      }
      var attributes: DOTAttributes = [
        ("color", .string(color)), ("penwidth", .string("2.4")), ("id", .string("legend-\(word)")),
        ("class", .string("legend cf-\(word)")),
      ]
      if status == .removed { attributes.append(("style", .string("dashed"))) }
      extraEdges.append(DOTEdge(tail, head, attributes))
      extraNodes.append(PanelNode(
        name: "legend_\(word)_label", position: Point(x: x + sample + options.fontSize * 2.4, y: y),
        attributes: [
          ("shape", .string("plaintext")), ("label", .string(word)), ("fontcolor", .string(color)),
          ("fontsize", .string(DOT.number(options.fontSize * 0.85))), ("id", .string("legend-\(word)-label")),
          ("class", .string("legend")),
        ], countsForBox: false))
      x += slot
    }
    extraNodes.append(PanelNode(
      name: "legend_palette", position: Point(x: x + options.fontSize * 3.5, y: y),
      attributes: [
        ("shape", .string("plaintext")), ("label", .string("(\(options.palette.name))")), ("fontcolor", .string("#777777")),
        ("fontsize", .string(DOT.number(options.fontSize * 0.7))), ("class", .string("legend")),
      ], countsForBox: false))
  }
}
