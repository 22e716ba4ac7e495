// Parsed inputs for `cfx render`: graph6 strings through the Graphs module and SMILES through
// the Chemistry module, converted into Rendering's plain `DrawingGraph`.

import Chemistry
import Graphs
import Molecules
import Rendering

/// Notation of a drawable input.
public enum RenderNotation: String, Sendable, CaseIterable {
  /// An edge list such as "0-1,1-2".
  case edges
  /// graph6.
  case graph6
  /// SMILES.
  case smiles
}

extension DrawingGraph {
  /// A drawing of a molecule: elements, charges, hydrogens, Kekulé bond orders and aromatic flags.
  public init(_ molecule: Molecule, name: String = "") {
    let nodes = molecule.atoms.enumerated().map { i, atom in
      DrawingNode(label: atom.symbol, charge: atom.formalCharge, hydrogens: atom.implicitHydrogens, isAromatic: molecule.isAromaticAtom[i])
    }
    let edges = molecule.bonds.enumerated().map { i, bond in
      DrawingEdge(bond.begin, bond.end, order: bond.order, isAromatic: molecule.isAromaticBond[i])
    }
    self.init(kind: .molecule, nodes: nodes, edges: edges, name: name.isEmpty ? molecule.name : name)
  }
}

extension RenderInput {
  /// Parses `text` in `notation` into a drawing; errors name the input and the reason.
  public static func parse(_ text: String, notation: RenderNotation, source: String) throws -> DrawingGraph {
    switch notation {
    case .edges:
      return try edgeList(text, name: source)
    case .graph6:
      return DrawingGraph(try Graph6.decode(text.trimmingCharacters(in: .whitespaces), source: source), name: source)
    case .smiles:
      let parsed = try MoleculeReader.parseSMILES(text.trimmingCharacters(in: .whitespaces), record: source)
      return DrawingGraph(parsed.molecule, name: source)
    }
  }

  /// Guesses the notation of a table cell or argument: an edge list has "digits-digits"; a
  /// string that decodes as graph6 and contains a character SMILES never uses (`?`, `@` alone,
  /// `_`, `` ` ``, `{`, `|`, `}`, `~`, `^`) is graph6; everything else is SMILES. Pass the
  /// notation explicitly when in doubt ("CC" is valid in both).
  public static func guessNotation(_ text: String) -> RenderNotation {
    let t = text.trimmingCharacters(in: .whitespaces)
    if t.range(of: #"^\d+-\d+"#, options: .regularExpression) != nil { return .edges }
    let graph6Only = Set("?_`{|}~^")
    if t.contains(where: { graph6Only.contains($0) }), (try? Graph6.decode(t)) != nil { return .graph6 }
    return .smiles
  }
}
