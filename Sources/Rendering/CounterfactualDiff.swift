// Original versus counterfactual: which atoms/bonds were added, removed or changed, laid out so
// the shared part is drawn identically (matched nodes pinned to the original's positions) when
// that stays clean, and otherwise in the counterfactual's own clean layout aligned to the
// original on the unchanged atoms.

/// The comparison of an original drawing with a counterfactual under a node matching.
public struct CounterfactualDiff: Sendable {
  /// The original graph or molecule.
  public let original: DrawingGraph
  /// The counterfactual graph or molecule.
  public let counterfactual: DrawingGraph
  /// For each original node, the counterfactual node it corresponds to (nil: removed).
  public let matching: [Int?]

  /// Status of each original node (removed when unmatched, changed when label or charge differ).
  public let originalNodeStatus: [ChangeStatus]
  /// Status of each counterfactual node (added when unmatched).
  public let counterfactualNodeStatus: [ChangeStatus]
  /// Status of each counterfactual edge (added, changed order/aromaticity, unchanged).
  public let counterfactualEdgeStatus: [ChangeStatus]
  /// Original edges with no counterpart in the counterfactual.
  public let removedEdges: [Int]

  /// Compares `original` and `counterfactual`; `matching` defaults to identity by index.
  ///
  /// - Throws: `DrawingError.invalid` when kinds differ, the matching has the wrong length,
  ///   points outside the counterfactual or uses a counterfactual node twice.
  public init(
    original: DrawingGraph, counterfactual: DrawingGraph, matching: [Int?]? = nil, maximumNodes: Int = DrawingLimits.maximumNodes
  ) throws(DrawingError) {
    guard original.kind == counterfactual.kind else {
      throw .invalid("cannot compare a \(original.kind.rawValue) with a \(counterfactual.kind.rawValue)")
    }
    try original.validate(maximumNodes: maximumNodes)
    try counterfactual.validate(maximumNodes: maximumNodes)
    let map = matching ?? original.nodes.indices.map { $0 < counterfactual.nodes.count ? $0 : nil }
    guard map.count == original.nodes.count else {
      throw .invalid("the matching has \(map.count) entries but the original has \(original.nodes.count) nodes")
    }
    var used = Set<Int>()
    for (index, target) in map.enumerated() {
      guard let target else { continue }
      guard counterfactual.nodes.indices.contains(target) else {
        throw .invalid("matching sends original node \(index) to \(target), outside the counterfactual's \(counterfactual.nodes.count) nodes")
      }
      guard used.insert(target).inserted else { throw .invalid("matching uses counterfactual node \(target) twice") }
    }
    self.original = original
    self.counterfactual = counterfactual
    self.matching = map
    // Nodes.
    var inverse = Array(repeating: Int?.none, count: counterfactual.nodes.count)
    for (index, target) in map.enumerated() { if let target { inverse[target] = index } }
    originalNodeStatus = map.enumerated().map { index, target in
      guard let target else { return .removed }
      return CounterfactualDiff.nodesDiffer(original.nodes[index], counterfactual.nodes[target]) ? .changed : .unchanged
    }
    counterfactualNodeStatus = inverse.enumerated().map { index, source in
      guard let source else { return .added }
      return CounterfactualDiff.nodesDiffer(original.nodes[source], counterfactual.nodes[index]) ? .changed : .unchanged
    }
    // Edges, keyed by counterfactual endpoints.
    var originalEdges: [[Int]: Int] = [:]
    for (index, edge) in original.edges.enumerated() {
      if let a = map[edge.source], let b = map[edge.target] { originalEdges[[min(a, b), max(a, b)]] = index }
    }
    var matchedOriginal = Set<Int>()
    counterfactualEdgeStatus = counterfactual.edges.map { edge in
      let key = [edge.sortedEndpoints.0, edge.sortedEndpoints.1]
      guard let index = originalEdges[key] else { return .added }
      matchedOriginal.insert(index)
      let before = original.edges[index]
      return before.order == edge.order && before.isAromatic == edge.isAromatic ? .unchanged : .changed
    }
    removedEdges = original.edges.indices.filter { !matchedOriginal.contains($0) }
  }

  /// Whether two matched nodes count as a change (label or charge differ; hydrogens follow bonds).
  static func nodesDiffer(_ a: DrawingNode, _ b: DrawingNode) -> Bool { a.label != b.label || a.charge != b.charge }

  /// Number of atoms/nodes added, removed or changed.
  public var changedNodeCount: Int {
    originalNodeStatus.filter { $0 == .removed }.count + counterfactualNodeStatus.filter { $0 != .unchanged }.count
  }

  /// Number of bonds/edges added, removed or changed.
  public var changedEdgeCount: Int { removedEdges.count + counterfactualEdgeStatus.filter { $0 != .unchanged }.count }

  /// The union drawing: counterfactual nodes first, then removed original nodes; edges of the
  /// counterfactual, then removed original edges. Returns the marks and, per union node, the
  /// original node it comes from (nil for added nodes).
  func union() -> (nodes: [MarkedNode], edges: [MarkedEdge], originalOf: [Int?]) {
    let kind = counterfactual.kind
    var inverse = Array(repeating: Int?.none, count: counterfactual.nodes.count)
    for (index, target) in matching.enumerated() { if let target { inverse[target] = index } }
    var nodes = counterfactual.nodes.enumerated().map { index, node in
      MarkedNode(node: node, status: counterfactualNodeStatus[index], identity: Drawing.nodeIdentity(kind, index), displayIndex: index)
    }
    var originalOf = inverse
    var unionIndexOfOriginal = matching
    for (index, status) in originalNodeStatus.enumerated() where status == .removed {
      unionIndexOfOriginal[index] = nodes.count
      nodes.append(MarkedNode(
        node: original.nodes[index], status: .removed, identity: "original-" + Drawing.nodeIdentity(kind, index), displayIndex: index))
      originalOf.append(index)
    }
    var edges = counterfactual.edges.enumerated().map { index, edge in
      MarkedEdge(
        edge: edge, status: counterfactualEdgeStatus[index],
        classes: [Drawing.edgeIdentity(kind, index), Drawing.nodeIdentity(kind, edge.source), Drawing.nodeIdentity(kind, edge.target)])
    }
    for index in removedEdges {
      var edge = original.edges[index]
      edge.source = unionIndexOfOriginal[edge.source]!
      edge.target = unionIndexOfOriginal[edge.target]!
      edges.append(MarkedEdge(
        edge: edge, status: .removed,
        classes: [
          "original-" + Drawing.edgeIdentity(kind, index), "original-" + Drawing.nodeIdentity(kind, original.edges[index].source),
          "original-" + Drawing.nodeIdentity(kind, original.edges[index].target),
        ]))
    }
    return (nodes, edges, originalOf)
  }

  /// The part of `union()` drawn on the counterfactual side under `layout`: all of it, or for
  /// `.alone` the counterfactual's own nodes and edges (the union's first ones).
  func drawnUnion(_ layout: UnionLayout) -> (nodes: [MarkedNode], edges: [MarkedEdge], originalOf: [Int?]) {
    let (nodes, edges, originalOf) = union()
    guard layout == .alone else { return (nodes, edges, originalOf) }
    return (
      Array(nodes.prefix(counterfactual.nodes.count)), Array(edges.prefix(counterfactual.edges.count)),
      Array(originalOf.prefix(counterfactual.nodes.count))
    )
  }

  /// How the counterfactual side of a diff is laid out.
  public enum UnionLayout: String, Sendable, Equatable {
    /// Every original node at its position in the input's drawing; new nodes placed around.
    case pinned
    /// The counterfactual's own clean layout, rotated, mirrored and moved (Procrustes) so that
    /// its unchanged atoms lie as close as possible to theirs in the input's drawing.
    case aligned
    /// As `aligned`, but the counterfactual drawn alone: its removed atoms and bonds would cross
    /// it wherever they are placed, so they are marked on the input instead (RDKit's and exmol's
    /// convention of highlighting each molecule of a pair on its own depiction).
    case alone
  }

  /// Longest edge (in bond lengths, one edge ≈ 1 unit) a pinned layout may have: a ring closure
  /// drawn across the molecule is longer than that.
  static let stretchLimit = 1.8

  /// Positions for the union drawing (see `unionLayout`).
  func unionPositions(originalPositions: [Point], options: LayoutOptions) throws(RenderError) -> [Point] {
    try unionLayout(originalPositions: originalPositions, options: options).positions
  }

  /// Positions for the union drawing: every original node pinned at `originalPositions` when that
  /// stays clean (no crossing and no edge longer than `stretchLimit`, or no more crossings and
  /// no stretched edge compared with the alternatives); otherwise the counterfactual's own clean
  /// layout with the removed atoms placed around it, or the union's own layout when that has
  /// fewer crossings, aligned on the unchanged atoms (the common substructure under the
  /// matching) to the input's drawing, so that large edits (a new ring closure) do not become
  /// long lines across it.
  /// When even the best of these crosses more than a clean layout of the counterfactual alone
  /// (removed bonds overlaid across it), the counterfactual is drawn `alone`.
  func unionLayout(originalPositions: [Point], options: LayoutOptions) throws(RenderError) -> UnionPlacement {
    let (nodes, edges, originalOf) = union()
    var pins: [Int: Point] = [:]
    for (unionIndex, source) in originalOf.enumerated() { if let source { pins[unionIndex] = originalPositions[source] } }
    let layoutGraph = DrawingGraph(kind: counterfactual.kind, nodes: nodes.map(\.node), edges: edges.map(\.edge))
    var layout = options
    layout.landscape = false
    let pinned = try Layout.positions(for: layoutGraph, pinned: pins, options: layout)
    let pairs = edges.map { ($0.edge.source, $0.edge.target) }
    let pinnedCrossings = LayoutMetrics.crossingCount(positions: pinned, edges: pairs)
    let stretched = pairs.contains { (pinned[$0.0] - pinned[$0.1]).length > Self.stretchLimit }
    let anchors = nodes.indices.filter { nodes[$0].status == .unchanged && originalOf[$0] != nil }
    if pinnedCrossings == 0 && !stretched { return UnionPlacement(positions: pinned, choice: .pinned) }
    let own = try Layout.positions(for: counterfactual, options: layout)
    let cleanCrossings = LayoutMetrics.crossingCount(of: counterfactual, positions: own)
    // Anchors are counterfactual nodes (union nodes 0..<counterfactual.nodes.count), so the
    // same transform places the counterfactual drawn alone.
    func alone() -> UnionPlacement {
      guard anchors.count >= 2 else { return UnionPlacement(positions: own, choice: .alone, counterfactualLayout: own) }
      let move = Procrustes.transform(from: anchors.map { own[$0] }, onto: anchors.map { originalPositions[originalOf[$0]!] })
      return UnionPlacement(positions: own.map(move), choice: .alone, counterfactualLayout: own)
    }
    guard anchors.count >= 2 else {
      return pinnedCrossings > cleanCrossings ? alone() : UnionPlacement(positions: pinned, choice: .pinned, counterfactualLayout: own)
    }
    // Two candidates in the counterfactual's own frame. First, a clean layout of the
    // counterfactual alone (the full search, as a drawing of its own gets) with the removed
    // atoms placed around it: its own bonds then cross no more than that clean depiction.
    // Second, the whole union laid out freely with fewer starts and refinement rounds than a
    // drawing of its own (it only has to beat the others, and every drawn counterfactual may
    // need one). The one with fewer crossings wins (the first on a tie).
    let ownUnion: [Point]
    if nodes.count == counterfactual.nodes.count {
      ownUnion = own
    } else {
      // Union nodes 0..<counterfactual.nodes.count are the counterfactual's, in its order.
      let ownPins = Dictionary(uniqueKeysWithValues: own.enumerated().map { ($0, $1) })
      ownUnion = try Layout.positions(for: layoutGraph, pinned: ownPins, options: layout)
    }
    var quick = layout
    (quick.randomStarts, quick.extraStarts, quick.refinementRounds) = (1, 2, 1)
    let quickUnion = try Layout.positions(for: layoutGraph, options: quick)
    let (ownCrossings, quickCrossings) = (
      LayoutMetrics.crossingCount(positions: ownUnion, edges: pairs), LayoutMetrics.crossingCount(positions: quickUnion, edges: pairs)
    )
    let (free, freeCrossings) = quickCrossings < ownCrossings ? (quickUnion, quickCrossings) : (ownUnion, ownCrossings)
    guard freeCrossings < pinnedCrossings || (stretched && freeCrossings <= pinnedCrossings) else {
      return pinnedCrossings > cleanCrossings ? alone() : UnionPlacement(positions: pinned, choice: .pinned, counterfactualLayout: own)
    }
    if freeCrossings > cleanCrossings { return alone() }
    let move = Procrustes.transform(from: anchors.map { free[$0] }, onto: anchors.map { originalPositions[originalOf[$0]!] })
    return UnionPlacement(positions: free.map(move), choice: .aligned, counterfactualLayout: own)
  }
}

/// Where a diff's union is drawn (`CounterfactualDiff.unionLayout`).
struct UnionPlacement {
  /// One point per union node; for `.alone`, one per counterfactual node (the union's first).
  var positions: [Point]
  /// Pinned to the input's drawing, or the counterfactual's own frame aligned to it.
  var choice: CounterfactualDiff.UnionLayout
  /// The clean layout of the counterfactual alone, when the choice computed one (one point per
  /// counterfactual node), so the drawing check need not lay it out again.
  var counterfactualLayout: [Point]? = nil
}

/// How clean a drawn diff is: crossings on its counterfactual side against a clean drawing of the
/// counterfactual alone (the target: a diff adds no crossing to that clean depiction).
public struct DiffDrawingCheck: Sendable, Equatable, Codable {
  /// "pinned" (the input's positions kept), "aligned" (the counterfactual's own layout,
  /// aligned to the input on the unchanged atoms) or "alone" (that layout without the removed
  /// atoms and bonds, which are marked on the input); see `CounterfactualDiff.UnionLayout`.
  public var layout: String
  /// Nodes both drawings share unchanged (the anchors of an aligned layout).
  public var anchors: Int
  /// Proper crossings among every edge drawn on the counterfactual side (its own edges and,
  /// unless drawn alone, the removed ones, dashed) at the drawn positions.
  public var drawnCrossings: Int
  /// Crossings of the counterfactual alone laid out by `Layout.positions` with the same options.
  public var cleanCrossings: Int

  /// Creates a check.
  public init(layout: String, anchors: Int, drawnCrossings: Int, cleanCrossings: Int) {
    (self.layout, self.anchors, self.drawnCrossings, self.cleanCrossings) = (layout, anchors, drawnCrossings, cleanCrossings)
  }

  /// Whether the drawn side has more crossings than the clean drawing.
  public var addsCrossings: Bool { drawnCrossings > cleanCrossings }
}

extension CounterfactualDiff {
  /// The crossing check of this diff drawn against the input at `originalPositions` (shapes: one
  /// point per original node), laying out the union as the drawings do.
  public func drawingCheck(originalPositions: [Point], options: LayoutOptions = LayoutOptions()) throws -> DiffDrawingCheck {
    precondition(originalPositions.count == original.nodes.count,
                 "drawingCheck: \(originalPositions.count) positions for \(original.nodes.count) original nodes")
    return try drawingCheck(drawn: unionLayout(originalPositions: originalPositions, options: options), options: options)
  }

  /// The crossing check of the union drawn at `drawn` (from `unionLayout`).
  func drawingCheck(drawn: UnionPlacement, options: LayoutOptions) throws -> DiffDrawingCheck {
    let (nodes, edges, originalOf) = drawnUnion(drawn.choice)
    let drawnCrossings = LayoutMetrics.crossingCount(positions: drawn.positions, edges: edges.map { ($0.edge.source, $0.edge.target) })
    // The layout the choice already made is the same search without the landscape turn, a
    // rotation, which moves no crossing.
    let clean = try drawn.counterfactualLayout ?? Layout.positions(for: counterfactual, options: options)
    let anchors = nodes.indices.filter { nodes[$0].status == .unchanged && originalOf[$0] != nil }.count
    return DiffDrawingCheck(
      layout: drawn.choice.rawValue, anchors: anchors, drawnCrossings: drawnCrossings,
      cleanCrossings: LayoutMetrics.crossingCount(of: counterfactual, positions: clean))
  }
}
