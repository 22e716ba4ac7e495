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

  @Test func divalentFluorine() throws {
    let p = try problems("CFC")
    #expect(p.map(\.rule) == [.valence])
    #expect(p[0].atom == 1)
  }

  @Test func chargedNitrogenFollowsIsoelectronicRule() throws {
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
