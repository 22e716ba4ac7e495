// cfx's own validity rules, each broken on purpose, with the atom and reason named.

import Chemistry
import Testing

@Suite(.serialized) struct ValidityTests {
  func problems(_ smiles: String) throws -> [ValidityProblem] {
    try MoleculeReader.parseSMILES(smiles).molecule.validity.problems
  }

  @Test func acceptsOrdinaryMolecules() throws {
    for smiles in ["CCO", "c1ccccc1O", "C[N+](=O)[O-]", "CS(=O)(=O)N", "c1cc[nH]c1", "OP(=O)(O)O", "CC(=O)[O-].placeholder"]
    where !smiles.contains("placeholder") {
      #expect(try problems(smiles).isEmpty, "\(smiles)")
    }
  }

  @Test func pentavalentCarbon() throws {
    let p = try problems("C(C)(C)(C)(C)C")
    #expect(p.count == 1)
    #expect(p[0].rule == .valence && p[0].atom == 0)
    #expect(p[0].message.contains("valence 5"))
  }

  @Test func neutralFourBondedNitrogen() throws {
    let p = try problems("CN(C)(C)C")
    #expect(p.map(\.rule) == [.valence])
    #expect(p[0].atom == 1)
    #expect(p[0].message.contains("allowed: 3"))
  }

  /// RDKit 2026.09.1 allows P 3 and 5 (not 7 as older releases did); generated molecules with a
  /// heptavalent P were valid for cfx and refused by RDKit before the table followed.
  @Test func phosphorusValences() throws {
    #expect(try problems("CP(C)C").isEmpty && problems("O=P(O)(O)O").isEmpty)
    let seven = try problems("CP(C)(C)(C)(C)(C)C")
    #expect(seven.map(\.rule) == [.valence] && seven[0].atom == 1 && seven[0].message.contains("allowed: 3, 5"))
    #expect(try problems("O=P(=O)(O)O").map(\.rule) == [.valence])  // valence 6 (RDKit: "P, 6, is greater than permitted")
    #expect(try problems("BrC=CS1C=C(Cl)C(=[PH]2(=C1)C1=CS2C(=N1)F)Br").contains { $0.rule == .valence })  // a generated one
  }

  @Test func divalentFluorine() throws {
    let p = try problems("CFC")
    #expect(p.map(\.rule) == [.valence])
    #expect(p[0].atom == 1)
  }

  @Test func chargedNitrogenGainsAValence() throws {
    #expect(try problems("C[N+](C)(C)C").isEmpty)
    #expect(try problems("C[N+](C)(C)(C)C").map(\.rule) == [.valence])
  }

  @Test func nonKekulizableRing() throws {
    let p = try problems("c1cccc1")
    #expect(p.contains { $0.rule == .kekulization })
    #expect(p.contains { $0.rule == .valence })
  }

  @Test func fragmentsAreReportedNotDropped() throws {
    let p = try problems("CCO.Cl")
    #expect(p.map(\.rule) == [.fragments])
    #expect(p[0].message.contains("2 fragments: 3 atoms from atom 0 (C2H6O), 1 atom from atom 3 (ClH)"))
  }

  @Test func unsupportedElementAndSize() throws {
    #expect(try problems("C[Na]").map(\.rule) == [.element])
    let big = String(repeating: "C", count: 129)
    #expect(try problems(big).map(\.rule) == [.size])
  }
}

@Suite(.serialized) struct ValidityReferenceTests {
  /// Edited molecules with RDKit's sanitization verdict (scripts/chem-validity-reference.py).
  @Test func agreesWithRDKitSanitization() throws {
    let text = try String(contentsOfFile: ReferenceData.molecules("reference/validity-rdkit.csv"), encoding: .utf8)
    var agree = 0, total = 0, unparsable = 0
    var disagreements: [String] = []
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      let rdkitValid = fields[2] == "1"
      total += 1
      guard let molecule = try? MoleculeReader.parseSMILES(fields[0]).molecule else {
        unparsable += 1
        if !rdkitValid { agree += 1 } else { disagreements.append("\(fields[0]): Open Babel cannot parse, RDKit valid") }
        continue
      }
      let report = molecule.validity
      if report.isValid == rdkitValid { agree += 1 } else {
        disagreements.append("\(fields[0]) [\(fields[1])]: cfx \(report.summary) / RDKit \(rdkitValid ? "valid" : fields[3])")
      }
    }
    print("validity vs RDKit sanitization: \(agree)/\(total) agree (\(unparsable) not parsed by Open Babel)")
    for d in disagreements.prefix(10) { print("  \(d)") }
    #expect(agree == total)
  }
}
