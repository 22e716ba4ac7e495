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
    #expect(total <= 2, "\(crossing)")
  }
}
