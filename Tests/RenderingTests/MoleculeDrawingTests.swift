import Foundation
import Testing

@testable import Rendering

@Suite("Molecule drawings", .serialized)
struct MoleculeDrawingTests {
  @Test func writesPreviewSVGsWhenAsked() throws {
    guard let directory = ProcessInfo.processInfo.environment["CFX_RENDER_PREVIEW_DIR"] else { return }
    for molecule in drugMolecules {
      var options = DrawingOptions()
      let svg = try Drawing.svg(of: molecule, title: molecule.name, options: options)
      try svg.write(toFile: "\(directory)/\(molecule.name).svg", atomically: true, encoding: .utf8)
      options.aromaticStyle = .circle
      let circles = try Drawing.svg(of: molecule, title: molecule.name, options: options)
      try circles.write(toFile: "\(directory)/\(molecule.name)-circle.svg", atomically: true, encoding: .utf8)
    }
    let (original, counterfactual, matching) = paracetamolCounterfactual()
    let diff = try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: matching)
    try Drawing.diffSVG(diff, title: "paracetamol counterfactual").write(toFile: "\(directory)/diff.svg", atomically: true, encoding: .utf8)
    var safe = DrawingOptions()
    safe.palette = .colorBlindSafe
    safe.showIndices = true
    try Drawing.diffSVG(diff, title: "colour-blind safe", options: safe).write(toFile: "\(directory)/diff-safe.svg", atomically: true, encoding: .utf8)
    let entries = [
      CounterfactualEntry(graph: counterfactual, matching: matching, similarity: 0.41, property: PropertyChange(name: "logP", before: 0.46, after: 1.9), isValid: true),
      CounterfactualEntry(graph: original, similarity: 1.0, property: PropertyChange(name: "logP", before: 0.46, after: 0.46), isValid: true, note: "unchanged"),
    ]
    let grid = try Drawing.counterfactualGridSVG(
      input: original, counterfactuals: entries, layout: GridLayout(columns: 3, title: "paracetamol", caption: "2 counterfactuals, sorted by similarity"))
    try grid.write(toFile: "\(directory)/grid.svg", atomically: true, encoding: .utf8)
    // A fused benzo ring added to paracetamol's ring atoms 5 and 6.
    var fused = drugMolecule("paracetamol")
    let base = fused.nodes.count
    for _ in 0..<4 { fused.nodes.append(DrawingNode(label: "C", hydrogens: 1, isAromatic: true)) }
    fused.edges += [DrawingEdge(5, base, order: 1, isAromatic: true), DrawingEdge(base, base + 1, order: 2, isAromatic: true),
                    DrawingEdge(base + 1, base + 2, order: 1, isAromatic: true), DrawingEdge(base + 2, base + 3, order: 2, isAromatic: true),
                    DrawingEdge(base + 3, 6, order: 1, isAromatic: true)]
    let fusedDiff = try CounterfactualDiff(original: drugMolecule("paracetamol"), counterfactual: fused)
    try Drawing.diffSVG(fusedDiff, title: "ring added").write(toFile: "\(directory)/diff-ring.svg", atomically: true, encoding: .utf8)
    let report = try ReportTests.sampleReport()
    try NotebookExport.notebook(report).write(toFile: "\(directory)/report.ipynb", atomically: true, encoding: .utf8)
    try HTMLExport.page(report).write(toFile: "\(directory)/report.html", atomically: true, encoding: .utf8)
  }
}

@Suite("Molecule house style", .serialized)
struct MoleculeStyleTests {
  @Test func carbonsAreBareAndHeteroatomsLabelled() throws {
    let svg = try Drawing.svg(of: drugMolecule("paracetamol"))
    let parsed = parseXML(svg)
    #expect(parsed.ok)
    // Every atom and bond has its group even when nothing is drawn for it (bare carbons).
    for index in 0..<11 { #expect(parsed.ids.contains("mol-atom-\(index)")) }
    for index in 0..<11 { #expect(parsed.ids.contains("mol-bond-\(index)")) }
    #expect(!svg.contains(">C</text>"))
    #expect(svg.contains(">NH</text>") && (svg.contains(">OH</text>") || svg.contains(">HO</text>")))
  }

  @Test func doubleBondsAreParallelStrokes() throws {
    let svg = try Drawing.svg(of: DOTTests.acetate, options: DrawingOptions())
    // The C=O bond's group holds three paths: stroke, transparent gap, stroke.
    let group = try #require(svg.components(separatedBy: "<g id=\"mol&#45;bond&#45;1\"").dropFirst().first)
    let body = group.components(separatedBy: "</g>")[0]
    #expect(body.components(separatedBy: "<path").count - 1 == 3)
    #expect(body.contains("stroke=\"transparent\""))
  }

  @Test func aromaticRingsGetCirclesInCircleStyle() throws {
    var options = DrawingOptions()
    options.aromaticStyle = .circle
    let naproxen = drugMolecule("naproxen")
    let dot = try Drawing.dot(of: naproxen, options: options)
    let rings = dot.nodes.filter { $0.attributes.contains { $0.key == "class" && $0.value == .string("aromatic-ring") } }
    #expect(rings.count == 2)
    // In circle style aromatic bonds are single strokes; Kekulé style keeps the double ones.
    let doubles = dot.edges.filter { edge in edge.attributes.contains { $0.key == "color" && $0.value == .string("#222222:invis:#222222") } }
    #expect(doubles.count == 1)  // only the carboxylic C=O
    let kekule = try Drawing.dot(of: naproxen)
    #expect(kekule.edges.filter { edge in edge.attributes.contains { $0.key == "color" && $0.value == .string("#222222:invis:#222222") } }.count == 6)
  }
}

@Suite("Molecule layouts", .serialized)
struct MoleculeLayoutTests {
  @Test func drugLikeMoleculesHaveFewCrossings() throws {
    var perMolecule: [String: Int] = [:]
    for molecule in drugMolecules {
      let positions = try Layout.positions(for: molecule)
      perMolecule[molecule.name] = LayoutMetrics.crossingCount(of: molecule, positions: positions)
    }
    let total = perMolecule.values.reduce(0, +)
    let crossing = perMolecule.filter { $0.value > 0 }.sorted { $0.key < $1.key }
    print("{\"benchmark\":\"drug-like-crossings\",\"molecules\":\(drugMolecules.count),\"total\":\(total),\"moleculesWithCrossings\":\(crossing.count),\"worst\":\"\(crossing.map { "\($0.key)=\($0.value)" }.joined(separator: ","))\"}")
    // Measured: 54 of 55 drawn without crossings; quinine's bridged quinuclidine keeps 1.
    #expect(crossing.count <= 1 && total <= 1, "\(crossing)")
  }
}
