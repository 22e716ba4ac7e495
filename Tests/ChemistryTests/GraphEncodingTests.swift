// Molecule ⇄ graph round trips on the shipped set.

import Chemistry
import Testing

@Suite(.serialized) struct GraphEncodingTests {
  @Test func roundTripKeepsCanonicalSMILES() throws {
    let encoding = MolecularGraphEncoding.standard
    var kept = 0, total = 0, agreesWithOpenBabelInput = 0, compared = 0
    var failures: [String] = []
    for (index, (row, molecule)) in zip(ReferenceData.rows, ReferenceData.parsed).enumerated() {
      let original = try OpenBabel.canonicalSMILES(of: molecule)
      let decoded = encoding.decode(try encoding.encode(molecule))
      let back = try OpenBabel.canonicalSMILES(of: decoded)
      total += 1
      if back == original { kept += 1 } else if failures.count < 5 { failures.append("\(row.smiles): \(original) -> \(back)") }
      // Open Babel writing the input as it read it (its own aromaticity, no stereo) gives the same
      // string as cfx's RDKit-model aromaticity; checked on every fourth molecule to save time.
      guard index % 4 == 0 else { continue }
      compared += 1
      let direct = try OpenBabel.parse(row.smiles, format: "smi", record: row.name, extras: [.canonicalSMILES])
      if direct.canonicalSMILES == original { agreesWithOpenBabelInput += 1 }
    }
    print("graph round trip: \(kept)/\(total) canonical SMILES kept; cfx-aromatic canonical equals Open Babel's own: \(agreesWithOpenBabelInput)/\(compared)")
    for f in failures { print("  \(f)") }
    #expect(Double(kept) / Double(total) >= 0.999)
    #expect(agreesWithOpenBabelInput == compared)
  }

  @Test func chargedAtomsAndHydrogens() throws {
    let encoding = MolecularGraphEncoding.standard
    for smiles in ["C[N+](=O)[O-]", "c1cc[nH+]cc1", "c1cc[nH]c1", "CC(=O)[O-]", "CS(=O)(=O)N", "OP(=O)(O)O", "ICCBr"] {
      let m = try MoleculeReader.parseSMILES(smiles).molecule
      let g = try encoding.encode(m)
      let back = encoding.decode(g)
      #expect(back.atoms == m.atoms, "\(smiles)")
      #expect(try OpenBabel.canonicalSMILES(of: back) == OpenBabel.canonicalSMILES(of: m))
    }
  }

  @Test func unsupportedAtomsAreNamed() throws {
    let m = try MoleculeReader.parseSMILES("C[Si](C)(C)C").molecule
    #expect(throws: GraphEncodingError.unsupportedAtom(atom: 1, atomClass: "Si")) { try MolecularGraphEncoding.standard.encode(m) }
  }

  @Test func adjacencyIsSymmetric() throws {
    let g = try MolecularGraphEncoding.standard.encode(MoleculeReader.parseSMILES("C=CC#N").molecule)
    #expect(g.adjacency == [[0, 2, 0, 0], [2, 0, 1, 0], [0, 1, 0, 3], [0, 0, 3, 0]])
    #expect(MolecularGraph(nodeClasses: g.nodeClasses, adjacency: g.adjacency) == g)
  }
}

@Suite struct GraphDecodingTests {
  @Test func overBondedAtomsDecodeWithoutHydrogensAndAreNamed() {
    // A carbon (class 0) with five single bonds: no hydrogens, and the validity check names it.
    let graph = MolecularGraph(
      nodeClasses: [0, 0, 0, 0, 0, 0],
      edges: (1...5).map { MolecularGraph.Edge(begin: 0, end: $0, bondClass: 1) })
    let m = MolecularGraphEncoding.standard.decode(graph)
    #expect(m.atoms[0].implicitHydrogens == 0)
    #expect(m.atoms[1].implicitHydrogens == 3)
    let problems = m.validity.problems
    #expect(problems.count == 1 && problems[0].rule == ValidityRule.valence && problems[0].atom == 0)
  }

  @Test func hypervalentSulfurTakesTheNextAllowedValence() {
    // S(=O)(=O) with two single bonds: valence 6, no hydrogens; S with one single bond: SH.
    let sulfone = MolecularGraph(
      nodeClasses: [5, 2, 2, 0, 0],
      edges: [.init(begin: 0, end: 1, bondClass: 2), .init(begin: 0, end: 2, bondClass: 2),
              .init(begin: 0, end: 3, bondClass: 1), .init(begin: 0, end: 4, bondClass: 1)])
    #expect(MolecularGraphEncoding.standard.decode(sulfone).atoms[0].implicitHydrogens == 0)
    let thiol = MolecularGraph(nodeClasses: [5, 0], edges: [.init(begin: 0, end: 1, bondClass: 1)])
    #expect(MolecularGraphEncoding.standard.decode(thiol).atoms.map(\.implicitHydrogens) == [1, 3])
  }
}
