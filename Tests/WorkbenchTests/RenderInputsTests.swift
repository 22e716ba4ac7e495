import Foundation
import Molecules
import Rendering
import Testing
import Workbench

@Suite(.serialized) struct RenderInputsTests {
  @Test func notationsAreGuessedAndOverridable() {
    #expect(RenderInput.guessNotation("0-1,1-2") == .edges)
    #expect(RenderInput.guessNotation("G??Xv{") == .graph6)
    #expect(RenderInput.guessNotation("CC(=O)O") == .smiles)
    #expect(RenderInput.guessNotation("c1ccccc1") == .smiles)
  }

  @Test func smilesBecomesAMoleculeDrawing() throws {
    let d = try RenderInput.parse("C[NH3+].[O-]C=O", notation: .smiles, source: "t")
    #expect(d.kind == .molecule)
    #expect(d.nodes.map(\.label) == ["C", "N", "O", "C", "O"])
    #expect(d.nodes[1].charge == 1 && d.nodes[1].hydrogens == 3)
    #expect(d.edges.contains { $0.order == 2 })
  }

  @Test func graph6BecomesAGraphDrawing() throws {
    let d = try RenderInput.parse("G??Xv{", notation: .graph6, source: "t")
    #expect(d.kind == .graph && d.nodes.count == 8 && d.edges.count == 12)
    #expect(throws: (any Error).self) { try RenderInput.parse("G??Xv", notation: .graph6, source: "t") }
    #expect(throws: (any Error).self) { try RenderInput.parse("C(C", notation: .smiles, source: "t") }
  }

  @Test func renderRequestDrawsAGraph6DiffWithoutHalfWrittenFiles() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-ri-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var request = RenderRequest()
    request.graph = "G??Xv{"
    request.counterfactual = "G??Xvw"
    request.output = dir.appendingPathComponent("d.svg").path
    try request.run()
    let svg = try String(contentsOfFile: request.output!, encoding: .utf8)
    #expect(svg.contains("<svg") && svg.contains("removed"))
    var bad = RenderRequest()
    bad.graph = "C(C"
    bad.notation = .smiles
    bad.output = dir.appendingPathComponent("bad.svg").path
    #expect(throws: (any Error).self) { try bad.run() }
    #expect(!FileManager.default.fileExists(atPath: bad.output!))
  }

  @Test func moleculeFileBecomesOneGrid() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-ri-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let smi = dir.appendingPathComponent("in.smi")
    try "CCO\tethanol\nC(C\tbroken\nc1ccccc1O\tphenol\n".write(to: smi, atomically: true, encoding: .utf8)
    var request = RenderRequest()
    request.moleculeFile = smi.path
    request.output = dir.appendingPathComponent("grid.svg").path
    try request.run()
    let svg = try String(contentsOfFile: request.output!, encoding: .utf8)
    #expect(svg.contains("ethanol") && svg.contains("phenol") && !svg.contains("broken"))
  }
}
