import Testing

@testable import Rendering

@Suite("DOT text")
struct DOTTests {
  /// Acetate, CC(=O)[O-], at fixed positions (one bond = 1 unit).
  static let acetate = DrawingGraph(
    kind: .molecule,
    nodes: [DrawingNode(label: "C", hydrogens: 3), DrawingNode(label: "C"), DrawingNode(label: "O"), DrawingNode(label: "O", charge: -1)],
    edges: [DrawingEdge(0, 1), DrawingEdge(1, 2, order: 2), DrawingEdge(1, 3)], name: "acetate")
  static let acetatePositions = [Point(x: -1, y: 0), Point(x: 0, y: 0), Point(x: 0.5, y: 0.87), Point(x: 0.5, y: -0.87)]

  @Test func quotingAndNumbers() {
    #expect(DOT.quoted("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"")
    #expect(DOT.htmlEscaped("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;")
    #expect(DOT.number(12) == "12")
    #expect(DOT.number(12.345) == "12.35")
    #expect(DOT.number(-0.001) == "0")
    #expect(DOT.number(-2.5) == "-2.5")
  }

  @Test func atomLabelsShowHydrogensAndCharges() {
    #expect(PanelBuilder.atomLabel(DrawingNode(label: "N", hydrogens: 2), hydrogensOnLeft: false) == "NH<SUB>2</SUB>")
    #expect(PanelBuilder.atomLabel(DrawingNode(label: "N", hydrogens: 2), hydrogensOnLeft: true) == "H<SUB>2</SUB>N")
    #expect(PanelBuilder.atomLabel(DrawingNode(label: "O", hydrogens: 1), hydrogensOnLeft: false) == "OH")
    #expect(PanelBuilder.atomLabel(DrawingNode(label: "O", charge: -1), hydrogensOnLeft: false) == "O<SUP>\u{2212}</SUP>")
    #expect(PanelBuilder.atomLabel(DrawingNode(label: "N", charge: 1, hydrogens: 3), hydrogensOnLeft: false) == "NH<SUB>3</SUB><SUP>+</SUP>")
    #expect(PanelBuilder.atomLabel(DrawingNode(label: "Fe", charge: 2), hydrogensOnLeft: false) == "Fe<SUP>2+</SUP>")
    // Carbons are bare unless charged or isolated.
    #expect(!PanelBuilder.showsLabel(DrawingNode(label: "C", hydrogens: 3), degree: 1))
    #expect(PanelBuilder.showsLabel(DrawingNode(label: "C", hydrogens: 4), degree: 0))
    #expect(PanelBuilder.showsLabel(DrawingNode(label: "C", charge: -1), degree: 2))
  }

  @Test func hostileTextInLabelsAndCaptionsStaysText() throws {
    let tricky = "a \"quote\", a \\N backslash, <b>tags</b> & ampersand"
    let graph = DrawingGraph(
      kind: .graph, nodes: [DrawingNode(label: "<x>"), DrawingNode(label: "\"")], edges: [DrawingEdge(0, 1)], name: tricky)
    let svg = try Graphviz.render(
      dot: try Drawing.gridDOT([(graph, [tricky])], layout: GridLayout(title: tricky, caption: tricky)).text, engine: .pinned)
    let parsed = parseXML(svg)
    #expect(parsed.ok)
    #expect(svg.contains("&lt;b&gt;tags&lt;/b&gt;"))
    #expect(svg.contains("\\N backslash"))
    // Odd element symbols cannot inject HTML-like label markup either.
    let molecule = DrawingGraph(kind: .molecule, nodes: [DrawingNode(label: "<B>X"), DrawingNode(label: "C")], edges: [DrawingEdge(0, 1)])
    #expect(parseXML(try Drawing.svg(of: molecule)).ok)
  }

  @Test func acetateDOTMatchesGolden() throws {
    let dot = try Drawing.dot(of: Self.acetate, positions: Self.acetatePositions).text
    #expect(dot == Self.acetateGolden)
  }

  static let acetateGolden = #"""
    graph "acetate" {
      graph [bgcolor="white", pad="0.2", splines="false", outputorder="edgesfirst", fontname="Helvetica", forcelabels="true"]
      node [fontname="Helvetica", fontsize="13"]
      edge [penwidth="1.4", color="#222222"]
      "mol_n0" [pos="25.6,-53.44!", shape="none", label="", width="0.01", height="0.01", id="mol-atom-0", class="atom-0"]
      "mol_n1" [pos="57.6,-53.44!", shape="none", label="", width="0.01", height="0.01", id="mol-atom-1", class="atom-1"]
      "mol_n2" [pos="73.6,-25.6!", shape="plaintext", label=<<FONT COLOR="#D01010">O</FONT>>, margin="0.02,0", width="0.1", height="0.2", id="mol-atom-2", class="atom-2"]
      "mol_n3" [pos="73.6,-81.28!", shape="plaintext", label=<<FONT COLOR="#D01010">O<SUP>−</SUP></FONT>>, margin="0.02,0", width="0.1", height="0.2", id="mol-atom-3", class="atom-3"]
      "mol_n0" -- "mol_n1" [color="#222222", id="mol-bond-0", class="bond-0 atom-0 atom-1"]
      "mol_n1" -- "mol_n2" [color="#222222:invis:#222222", id="mol-bond-1", class="bond-1 atom-1 atom-2"]
      "mol_n1" -- "mol_n3" [color="#222222", id="mol-bond-2", class="bond-2 atom-1 atom-3"]
    }

    """#
}
