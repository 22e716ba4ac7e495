// cfx's stability alerts against RDKit's matches of the same SMARTS
// (molecules/reference/stability-alerts-rdkit.tsv, made by scripts/stability-alerts-reference.py).

import Chemistry
import Foundation
import Testing

@Suite(.serialized) struct StabilityAlertsTests {
  @Test func matchesRDKitOnEveryGoldenMolecule() throws {
    let text = try String(contentsOfFile: ReferenceData.molecules("reference/stability-alerts-rdkit.tsv"), encoding: .utf8)
    let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    let subset = Dictionary(uniqueKeysWithValues: ReferenceData.parsed.map { ($0.name, $0) })
    var agree = 0, rdkitFires = 0
    var firedAlerts = Set<String>()
    var disagreements: [String] = []
    for row in rows {
      let m = try row[0] == "zinc" ? #require(subset[row[1]]) : MoleculeReader.parseSMILES(row[2], name: row[1]).molecule
      let expected = row[3].isEmpty ? [] : row[3].split(separator: "|").map(String.init)
      let got = StabilityAlerts.names(m)
      if !expected.isEmpty { rdkitFires += 1 }
      firedAlerts.formUnion(got)
      if got == expected { agree += 1 } else { disagreements.append("\(row[1]) \(row[2]): cfx \(got) rdkit \(expected)") }
    }
    print("stability alerts vs RDKit: \(agree) / \(rows.count) molecules agree on every alert (\(rdkitFires) with an RDKit alert); \(firedAlerts.count) of \(StabilityAlerts.all.count) alerts exercised")
    for line in disagreements.prefix(20) { print("  " + line) }
    #expect(rows.count > 7000)
    #expect(disagreements.isEmpty)
    // Every alert fires on at least one golden molecule, so none is dead.
    #expect(firedAlerts == Set(StabilityAlerts.all.map(\.name)))
  }

  @Test func listIsWellFormed() {
    let names = StabilityAlerts.all.map(\.name)
    #expect(Set(names).count == names.count)
    for alert in StabilityAlerts.all {
      #expect(!alert.reason.isEmpty && !alert.smarts.isEmpty && !alert.reason.contains("\n"))
    }
  }

  @Test func typicalFailuresAndTheirAtoms() throws {
    func hits(_ s: String) throws -> [StabilityAlertHit] { StabilityAlerts.hits(try MoleculeReader.parseSMILES(s).molecule) }
    // The judged failure: an amide C=O turned into C=CH2 on N.
    let enamine = try hits("CC(=C)N1CCCC1")
    #expect(enamine.map(\.name) == ["enamine methylene", "acyclic enamine"])
    #expect(enamine[0].atoms == [3, 1, 2])
    #expect(try hits("CC(=O)N1CCCC1").isEmpty)
    #expect(try hits("c1ccccc1").isEmpty)
    #expect(try hits("C1CO1").map(\.name) == ["three-membered heterocycle"])
    #expect(try hits("C1CSSC1").isEmpty)
  }

  @Test func ringAminalsAndRingEnolEthersFireButTheirStableRelativesDoNot() throws {
    func names(_ s: String) throws -> [String] { StabilityAlerts.names(try MoleculeReader.parseSMILES(s).molecule) }
    // An amide C=O removed from a dihydroquinazolinone leaves a tetrahydroquinazoline aminal.
    #expect(try names("O=C1N(C)C(c2ccccc2)Nc2ccccc21") == [])
    #expect(try names("C1N(C)C(c2ccccc2)Nc2ccccc21") == ["cyclic aminal"])
    #expect(try names("CN1CCN(C)C1C") == ["cyclic aminal"])
    // Acylated and amidine nitrogens are not amines: imidazolidinones and cyclic guanidines pass.
    #expect(try names("CN1CN(C)C(=O)C1").isEmpty)
    #expect(try names("CN1C(N)=NCN(C)C1").isEmpty)
    // Dihydropyran and an exocyclic enol ether hydrolyse; furan is aromatic.
    #expect(try names("C1CCOC=C1") == ["cyclic enol ether"])
    #expect(try names("COC1=CCCCC1") == ["cyclic enol ether"])
    #expect(try names("c1ccoc1").isEmpty)
  }

  /// The alkylating halides: a halogen on the carbon next to an ether, ester or amine nitrogen
  /// (chloromethyl ethers), and 2-haloethyl amines and sulfides (mustards); fluorine, a halogen
  /// one carbon farther, acylated or sulfonylated nitrogens and ethers at the 2-position pass.
  @Test func alkylatingHalidesFireButTheirInertRelativesDoNot() throws {
    func names(_ s: String) throws -> [String] { StabilityAlerts.names(try MoleculeReader.parseSMILES(s).molecule) }
    for s in ["ClCOC", "BrCOc1ccccc1", "ClCOC(C)=O", "ClCN1CCCC1", "ClCn1ccnc1"] { #expect(try names(s) == ["α-halo ether or amine"], "\(s)") }
    for s in ["ClCCN(C)C", "ClCCN(CCCl)C", "ClCCSC"] { #expect(try names(s) == ["nitrogen or sulfur mustard"], "\(s)") }
    for s in ["FCOC", "ClCCOC", "CC(Cl)c1ccccc1", "ClCCNC(C)=O", "ClCCNS(C)(=O)=O", "ClCCCN(C)C", "FCCN(C)C"] { #expect(try names(s).isEmpty, "\(s)") }
  }
}
