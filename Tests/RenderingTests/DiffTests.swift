import Foundation
import FoundationXML
import Testing

@testable import Rendering

/// Parses XML and returns (ok, element count, every id and class attribute).
func parseXML(_ text: String) -> (ok: Bool, elements: [String], ids: [String], classes: [String]) {
  final class Collector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var ids: [String] = []
    var classes: [String] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
      elements.append(name)
      if let id = attributes["id"] { ids.append(id) }
      if let c = attributes["class"] { classes.append(c) }
    }
  }
  let parser = XMLParser(data: Data(text.utf8))
  let collector = Collector()
  parser.delegate = collector
  let ok = parser.parse()
  return (ok, collector.elements, collector.ids, collector.classes)
}

@Suite("Counterfactual diffs", .serialized)
struct DiffTests {
  @Test func statusesOfParacetamolCounterfactual() throws {
    let (original, counterfactual, matching) = paracetamolCounterfactual()
    let diff = try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: matching)
    #expect(diff.originalNodeStatus[0] == .removed)
    #expect(diff.counterfactualNodeStatus[7] == .changed)  // O → Cl
    #expect(diff.counterfactualNodeStatus[10] == .added)  // the new F
    #expect(diff.counterfactualNodeStatus.filter { $0 == .unchanged }.count == 9)
    #expect(diff.removedEdges == [0])  // C0–C1
    let changedBond = counterfactual.edges.firstIndex { $0.sortedEndpoints == (0, 1) }!
    #expect(diff.counterfactualEdgeStatus[changedBond] == .changed)  // C=O became C–O
    #expect(diff.counterfactualEdgeStatus.last == .added)
    #expect(diff.changedNodeCount == 3 && diff.changedEdgeCount == 3)
  }

  @Test func badMatchingsAreRejectedWithReasons() {
    let (original, counterfactual, _) = paracetamolCounterfactual()
    #expect(throws: DrawingError.self) { try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: [0]) }
    let twice: [Int?] = Array(repeating: 0, count: original.nodes.count)
    #expect(throws: DrawingError.invalid("matching uses counterfactual node 0 twice")) {
      try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: twice)
    }
    let graph = DrawingGraph.graph(vertexCount: 2, edges: [(0, 1)])
    #expect(throws: DrawingError.self) { try CounterfactualDiff(original: original, counterfactual: graph) }
  }

  @Test func sharedPartIsDrawnIdenticallyInBothPanels() throws {
    let (original, counterfactual, matching) = paracetamolCounterfactual()
    let diff = try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: matching)
    let dot = try Drawing.diffDOT(diff)
    var position: [String: Point] = [:]
    for node in dot.nodes {
      guard case .string(let pos)? = node.attributes.first(where: { $0.key == "pos" })?.value else { continue }
      let xy = pos.dropLast().split(separator: ",").map { Double($0)! }
      position[node.name] = Point(x: xy[0], y: xy[1])
    }
    // Every matched atom is offset by the same vector between the two panels.
    var offsets: [Point] = []
    for (index, target) in matching.enumerated() {
      guard let target else { continue }
      offsets.append(position["counterfactual_n\(target)"]! - position["original_n\(index)"]!)
    }
    for offset in offsets { #expect((offset - offsets[0]).length < 0.02) }
    // The removed methyl is drawn at its original place too (union node 11 = original atom 0).
    #expect((position["counterfactual_n11"]! - position["original_n0"]! - offsets[0]).length < 0.02)
  }

  @Test func diffSVGCarriesStableIdsClassesAndLegend() throws {
    let (original, counterfactual, matching) = paracetamolCounterfactual()
    let diff = try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: matching)
    let svg = try Drawing.diffSVG(diff, title: "paracetamol")
    let parsed = parseXML(svg)
    #expect(parsed.ok)
    for index in 0..<original.nodes.count { #expect(parsed.ids.contains("original-atom-\(index)")) }
    for index in 0..<original.edges.count { #expect(parsed.ids.contains("original-bond-\(index)")) }
    for index in 0..<counterfactual.nodes.count { #expect(parsed.ids.contains("counterfactual-atom-\(index)")) }
    #expect(parsed.classes.contains("node atom-10 cf-added"))
    #expect(parsed.classes.contains("node atom-7 cf-changed"))
    #expect(parsed.classes.contains("node original-atom-0 cf-removed"))
    #expect(parsed.classes.contains("edge original-bond-0 original-atom-0 original-atom-1 cf-removed"))
    #expect(parsed.classes.contains("edge bond-1 atom-0 atom-1") == false)
    #expect(parsed.ids.contains("legend-added") && parsed.ids.contains("legend-removed") && parsed.ids.contains("legend-changed"))
    #expect(svg.contains("stroke-dasharray"))  // removed bond is dashed
    #expect(svg.contains(DiffPalette.standard.added.lowercased()) && svg.contains(DiffPalette.standard.removed.lowercased()))
  }

  @Test func colorBlindSafePaletteReplacesRedAndGreen() throws {
    let (original, counterfactual, matching) = paracetamolCounterfactual()
    let diff = try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: matching)
    var options = DrawingOptions()
    options.palette = .colorBlindSafe
    let svg = try Drawing.diffSVG(diff, options: options)
    let safe = DiffPalette.colorBlindSafe, standard = DiffPalette.standard
    #expect(svg.contains(safe.added.lowercased()) && svg.contains(safe.removed.lowercased()))
    #expect(!svg.contains(standard.added.lowercased()) && !svg.contains(standard.removed.lowercased()))
  }

  @Test func gridPutsInputFirstAndSortsBySimilarity() throws {
    let (original, counterfactual, matching) = paracetamolCounterfactual()
    let entries = [
      CounterfactualEntry(graph: counterfactual, matching: matching, similarity: 0.4, property: PropertyChange(name: "logP", before: 0.46, after: 1.9), isValid: true),
      CounterfactualEntry(graph: original, similarity: 0.9, isValid: false, note: "closest"),
    ]
    let dot = try Drawing.counterfactualGridDOT(
      input: original, counterfactuals: entries, layout: GridLayout(rows: 1, title: "T", caption: "C"))
    func label(_ name: String) -> String? {
      guard case .string(let text)? = dot.nodes.first(where: { $0.name == name })?.attributes.first(where: { $0.key == "label" })?.value
      else { return nil }
      return text
    }
    #expect(label("input_caption0") == "input")
    #expect(label("cf1_caption0") == "similarity 0.90 · invalid")
    #expect(label("cf1_caption1") == "closest")
    #expect(label("cf2_caption0") == "logP 0.46 → 1.90 (Δ +1.44)")
    // rows: 1 puts all three panels side by side at the same height.
    let y = ["input_n3", "cf1_n3", "cf2_n2"].map { name -> String in
      guard case .string(let pos)? = dot.nodes.first(where: { $0.name == name })?.attributes.first(where: { $0.key == "pos" })?.value
      else { return "" }
      return String(pos.split(separator: ",")[1])
    }
    #expect(Set(y).count == 1)
    let svg = try Graphviz.render(dot: dot.text, engine: .pinned)
    #expect(parseXML(svg).ok)
  }

  @Test func abstractGraphDiffMarksEdges() throws {
    let before = DrawingGraph.graph(vertexCount: 4, edges: [(0, 1), (1, 2), (2, 3), (3, 0)])
    let after = DrawingGraph.graph(vertexCount: 4, edges: [(0, 1), (1, 2), (2, 3), (0, 2)])
    let diff = try CounterfactualDiff(original: before, counterfactual: after)
    #expect(diff.removedEdges == [3])
    #expect(diff.counterfactualEdgeStatus == [.unchanged, .unchanged, .unchanged, .added])
    var options = DrawingOptions()
    options.showIndices = true
    let parsed = parseXML(try Drawing.diffSVG(diff, options: options))
    #expect(parsed.ok)
    #expect(parsed.classes.contains("edge link-3 node-0 node-2 cf-added"))
    #expect(parsed.classes.contains("edge original-link-3 original-node-3 original-node-0 cf-removed"))
  }

  @Test func addedRingIsPlacedOutsideThePinnedPart() throws {
    let original = drugMolecule("paracetamol")
    var fused = original
    let base = fused.nodes.count
    for _ in 0..<4 { fused.nodes.append(DrawingNode(label: "C", hydrogens: 1, isAromatic: true)) }
    fused.edges += [
      DrawingEdge(5, base, order: 1, isAromatic: true), DrawingEdge(base, base + 1, order: 2, isAromatic: true),
      DrawingEdge(base + 1, base + 2, order: 1, isAromatic: true), DrawingEdge(base + 2, base + 3, order: 2, isAromatic: true),
      DrawingEdge(base + 3, 6, order: 1, isAromatic: true),
    ]
    let diff = try CounterfactualDiff(original: original, counterfactual: fused)
    let originalPositions = try Layout.positions(for: original)
    let positions = try diff.unionPositions(originalPositions: originalPositions, options: LayoutOptions())
    for index in original.nodes.indices { #expect((positions[index] - originalPositions[index]).length < 1e-3) }
    #expect(LayoutMetrics.crossingCount(of: fused, positions: positions) == 0)
    for added in base..<(base + 4) {
      for other in positions.indices where other != added {
        #expect((positions[added] - positions[other]).length > 0.5, "atom \(added) is too close to atom \(other)")
      }
    }
  }

  /// Dodecane and cyclododecane: one new bond between the chain's ends.
  static func dodecaneAndCyclododecane() -> (chain: DrawingGraph, ring: DrawingGraph) {
    let chain = DrawingGraph(
      kind: .molecule, nodes: (0..<12).map { _ in DrawingNode(label: "C", hydrogens: 2) },
      edges: (0..<11).map { DrawingEdge($0, $0 + 1, order: 1) })
    var ring = chain
    ring.edges.append(DrawingEdge(11, 0, order: 1))
    return (chain, ring)
  }

  /// A new ring closure between atoms far apart in the input's drawing would be a long line
  /// across it: the counterfactual is drawn in its own clean layout instead, aligned to the input
  /// on the unchanged atoms, with no more crossings than that clean layout and no stretched bond.
  @Test func largeEditsGetTheirOwnAlignedLayout() throws {
    let (chain, ring) = Self.dodecaneAndCyclododecane()
    let diff = try CounterfactualDiff(original: chain, counterfactual: ring)
    let originalPositions = try Layout.positions(for: chain)
    #expect(LayoutMetrics.crossingCount(of: chain, positions: originalPositions) == 0)
    let placement = try diff.unionLayout(originalPositions: originalPositions, options: LayoutOptions())
    let (positions, choice) = (placement.positions, placement.choice)
    #expect(choice == .aligned)
    #expect(LayoutMetrics.crossingCount(of: ring, positions: positions) == 0)
    let longest = ring.edges.map { (positions[$0.source] - positions[$0.target]).length }.max()!
    #expect(longest <= CounterfactualDiff.stretchLimit, "longest bond \(longest)")
    // Aligned: the drawing sits over the input's (centroids within a bond length).
    let centre = { (p: [Point]) in p.reduce(Point(x: 0, y: 0), +) * (1 / Double(p.count)) }
    #expect((centre(positions) - centre(originalPositions)).length < 1)
    // A small edit (one atom changed) keeps the pinned layout: the shared part is identical.
    var changed = chain
    changed.nodes[5] = DrawingNode(label: "O")
    let small = try CounterfactualDiff(original: chain, counterfactual: changed)
    let kept = try small.unionLayout(originalPositions: originalPositions, options: LayoutOptions())
    #expect(kept.choice == .pinned)
    for index in chain.nodes.indices { #expect((kept.positions[index] - originalPositions[index]).length < 1e-3) }
  }

  /// The crossing check counts every edge drawn on the counterfactual side at its drawn
  /// positions against a clean layout of the counterfactual alone; a grid reports one check per
  /// counterfactual in the order given, not the panels' similarity order.
  @Test func drawingChecksCompareWithACleanLayoutOfTheCounterfactual() throws {
    let (chain, ring) = Self.dodecaneAndCyclododecane()
    let diff = try CounterfactualDiff(original: chain, counterfactual: ring)
    let originalPositions = try Layout.positions(for: chain)
    let check = try diff.drawingCheck(originalPositions: originalPositions)
    #expect(check == DiffDrawingCheck(layout: "aligned", anchors: 12, drawnCrossings: 0, cleanCrossings: 0) && !check.addsCrossings)
    let drawn = try diff.unionLayout(originalPositions: originalPositions, options: LayoutOptions())
    let edges = diff.union().edges.map { ($0.edge.source, $0.edge.target) }
    #expect(check.drawnCrossings == LayoutMetrics.crossingCount(positions: drawn.positions, edges: edges))
    var changed = chain
    changed.nodes[5] = DrawingNode(label: "O")
    let (svg, checks) = try Drawing.checkedCounterfactualGridSVG(
      input: chain, counterfactuals: [CounterfactualEntry(graph: ring, similarity: 0.1), CounterfactualEntry(graph: changed, similarity: 0.9)])
    #expect(checks.map(\.layout) == ["aligned", "pinned"] && checks.map(\.anchors) == [12, 11])
    #expect(checks.allSatisfy { !$0.addsCrossings } && parseXML(svg).ok)
    #expect(DiffDrawingCheck(layout: "pinned", anchors: 3, drawnCrossings: 2, cleanCrossings: 1).addsCrossings)
  }

  /// Rewired drugs (a bond removed, a bond added between atoms three or more bonds apart, slots
  /// kept): no diff drawing crosses more than a clean layout of its counterfactual. Where every
  /// overlay of the removed bonds would cross it, the counterfactual is drawn alone, its removals
  /// marked on the original beside it and counted in its caption.
  @Test func noDiffDrawingAddsCrossings() throws {
    // Molecules whose edits take each of the three layouts; with `checked` empty, every edit
    // of the fixtures passes too (about 40 s in a debug build, too long for every run).
    let checked: Set = ["aspirin", "caffeine", "diclofenac", "furosemide", "hydrochlorothiazide"]
    var layouts: [String: Int] = [:]
    var aloneDiff: CounterfactualDiff? = nil
    for (m, molecule) in drugMolecules.enumerated() {
      let n = molecule.nodes.count
      for e in 0..<3 {
        // Fixed, well-spread choices (multipliers coprime to most counts), the same on every run.
        var edited = molecule
        edited.edges.remove(at: (m * 7 + e * 13) % edited.edges.count)
        let distance = Self.bondDistances(molecule)
        let far = (0..<n).flatMap { a in (a + 1..<n).filter { distance[a][$0] >= 3 }.map { (a, $0) } }
        guard !far.isEmpty else { continue }
        let (a, b) = far[(m * 31 + e * 17) % far.count]
        edited.edges.append(DrawingEdge(a, b, order: 1))
        guard checked.isEmpty || checked.contains(molecule.name) else { continue }
        let diff = try CounterfactualDiff(original: molecule, counterfactual: edited)
        let check = try diff.drawingCheck(originalPositions: try Layout.positions(for: molecule))
        #expect(!check.addsCrossings, "\(molecule.name): \(check)")
        layouts[check.layout, default: 0] += 1
        if check.layout == "alone" && aloneDiff == nil { aloneDiff = diff }
      }
    }
    #expect(layouts["alone", default: 0] > 0 && layouts["pinned", default: 0] > 0 && layouts["aligned", default: 0] > 0, "\(layouts)")
    let diff = try #require(aloneDiff)
    let parsed = parseXML(try Drawing.diffSVG(diff))
    #expect(parsed.ok)
    // The removed bond is marked once, on the original's side; the counterfactual's side shows
    // only its own atoms and bonds and says what was left out.
    let removedMarks = parsed.ids.filter { $0.hasPrefix("original-") && $0.contains("bond") }
    #expect(parsed.classes.contains { $0.split(separator: " ").contains("cf-removed") }, "\(removedMarks)")
    #expect(!parsed.ids.contains { $0.hasPrefix("counterfactual-original-") }, "\(parsed.ids.filter { $0.hasPrefix("counterfactual-original") })")
    let svg = try Drawing.diffSVG(diff)
    #expect(svg.contains("drawn alone; removed from the input: 0 atoms, 1 bond"))
  }

  /// Bond counts between every pair of atoms (Int.max / 2 when disconnected).
  static func bondDistances(_ graph: DrawingGraph) -> [[Int]] {
    let n = graph.nodes.count
    var d = Array(repeating: Array(repeating: Int.max / 2, count: n), count: n)
    for i in 0..<n { d[i][i] = 0 }
    for e in graph.edges { d[e.source][e.target] = 1; d[e.target][e.source] = 1 }
    for k in 0..<n { for i in 0..<n { for j in 0..<n where d[i][k] + d[k][j] < d[i][j] { d[i][j] = d[i][k] + d[k][j] } } }
    return d
  }

  @Test func gridLayoutColumnsFollowRowsAndColumns() throws {
    #expect(GridLayout().columnCount(for: 3) == 3)
    #expect(GridLayout().columnCount(for: 9) == 4)
    #expect(GridLayout(columns: 2).columnCount(for: 9) == 2)
    #expect(GridLayout(rows: 2).columnCount(for: 9) == 5)
    let items = drugMolecules.prefix(5).map { ($0, [$0.name]) }
    let svg = try Drawing.gridSVG(items, layout: GridLayout(columns: 2, title: "five drugs", caption: "names under each"))
    let parsed = parseXML(svg)
    #expect(parsed.ok)
    for index in 0..<5 { #expect(parsed.ids.contains("p\(index)-caption-0")) }
    #expect(parsed.ids.contains("caption"))
    #expect(throws: DrawingError.self) { try Drawing.gridSVG([]) }
  }
}
