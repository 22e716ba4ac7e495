// QED and the MOSES medicinal-chemistry filters against RDKit and MOSES
// (molecules/reference/qed-rdkit.tsv, made by scripts/smarts-reference.py).

@testable import Chemistry
import Foundation
import Testing

/// RDKit's QED values and properties and MOSES's filter verdicts per molecule name.
enum QEDReference {
  struct Row {
    var name: String
    var qed: Double
    var properties: QED.Properties
    var passes: Bool
    var failures: [String]
  }

  static let rows: [Row] = {
    let text = try! String(contentsOfFile: ReferenceData.molecules("reference/qed-rdkit.tsv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst(4).map { line in
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return Row(
        name: f[0], qed: Double(f[1])!,
        properties: QED.Properties(
          molecularWeight: Double(f[2])!, logP: Double(f[3])!, acceptors: Int(f[4])!, donors: Int(f[5])!,
          polarSurfaceArea: Double(f[6])!, rotatableBonds: Int(f[7])!, aromaticRings: Int(f[8])!, alerts: Int(f[9])!),
        passes: f[10] == "pass", failures: f[11].isEmpty ? [] : f[11].split(separator: ",").map(String.init))
    }
  }()
}

@Suite(.serialized) struct QEDTests {
  @Test func paperExamples() throws {
    // rdkit/Chem/QED.py doctests (reference values from the original implementation, "0.253...").
    for (smiles, expected) in [
      ("N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O", 0.253), ("CNC(=NCCSCc1nc[nH]c1C)NC#N", 0.234),
      ("CCCCCNC(=N)NN=Cc1c[nH]c2ccc(CO)cc12", 0.234),
    ] {
      let value = QED.value(try MoleculeReader.parseSMILES(smiles).molecule)
      #expect(value >= expected && value < expected + 0.001, "\(smiles): \(value)")
    }
  }

  @Test func referenceSetMatchesRDKit() throws {
    var errors: [Double] = []
    var propertyMismatches: [String: Int] = [:]
    var worst: [(String, Double, Double)] = []
    for row in QEDReference.rows {
      let m = try #require(SMARTSReference.molecules[row.name], "missing molecule \(row.name)")
      let p = QED.properties(m)
      let value = QED.value(p)
      errors.append(abs(value - row.qed))
      let r = row.properties
      let checks: [(String, Bool)] = [
        ("mw", abs(p.molecularWeight - r.molecularWeight) < 0.01), ("alogp", abs(p.logP - r.logP) < 1e-3),
        ("hba", p.acceptors == r.acceptors), ("hbd", p.donors == r.donors),
        ("psa", abs(p.polarSurfaceArea - r.polarSurfaceArea) < 1e-3), ("rotb", p.rotatableBonds == r.rotatableBonds),
        ("arom", p.aromaticRings == r.aromaticRings), ("alerts", p.alerts == r.alerts),
      ]
      for (name, ok) in checks where !ok { propertyMismatches[name, default: 0] += 1 }
      if abs(p.molecularWeight - r.molecularWeight) >= 0.01 { print("  mw \(row.name): cfx \(p.molecularWeight) rdkit \(r.molecularWeight)") }
      if abs(value - row.qed) > 1e-3 { worst.append((row.name, value, row.qed)) }
    }
    let mae = errors.reduce(0, +) / Double(errors.count)
    print("qed: n=\(errors.count) MAE=\(mae) max=\(errors.max() ?? 0) |Δ|>1e-3: \(worst.count) property mismatches \(propertyMismatches)")
    for w in worst.prefix(10) { print("  \(w.0) cfx \(w.1) rdkit \(w.2)") }
    #expect(errors.count == 5061)
    #expect(mae <= 0.01)
    #expect(worst.count <= 5)
  }

  @Test func mosesFiltersMatchMOSES() throws {
    var agree = 0, verdictAgree = 0, zincPass = 0, zincCount = 0
    var disagreements: [String] = []
    for row in QEDReference.rows {
      let m = try #require(SMARTSReference.molecules[row.name])
      let verdict = MedicinalChemistryFilters.check(m)
      #expect(verdict.passes == MedicinalChemistryFilters.passes(m), "\(row.name): check and passes disagree")
      if verdict.passes == row.passes { verdictAgree += 1 }
      if verdict.failures == row.failures { agree += 1 } else if disagreements.count < 10 {
        disagreements.append("\(row.name): cfx \(verdict.failures) moses \(row.failures)")
      }
      if row.name.hasPrefix("moses-test-") {
        zincCount += 1
        if verdict.passes { zincPass += 1 }
      }
    }
    print("moses filters: verdicts agree \(verdictAgree)/\(QEDReference.rows.count), failure lists agree \(agree), MOSES test molecules passing \(zincPass)/\(zincCount), failing in reference \(QEDReference.rows.filter { !$0.passes }.count)")
    for d in disagreements { print("  \(d)") }
    #expect(verdictAgree == QEDReference.rows.count)
    #expect(agree == QEDReference.rows.count)
    #expect(zincPass == zincCount)
  }

  @Test func filterFailuresAreNamed() throws {
    let charged = try MoleculeReader.parseSMILES("C[N+](C)(C)CCO").molecule
    #expect(MedicinalChemistryFilters.check(charged).failures == ["charge"])
    let macrocycle = try MoleculeReader.parseSMILES("C1CCCCCCC1").molecule
    #expect(MedicinalChemistryFilters.check(macrocycle).failures == ["ring>=8"])
    let phosphine = try MoleculeReader.parseSMILES("CCP(CC)CC").molecule
    #expect(MedicinalChemistryFilters.check(phosphine).failures == ["atom:P"])
    let aldehyde = try MoleculeReader.parseSMILES("CCC=O").molecule
    #expect(MedicinalChemistryFilters.check(aldehyde).failures == ["MCF7"])
    #expect(MedicinalChemistryFilters.passes(try MoleculeReader.parseSMILES("CC(=O)Nc1ccc(O)cc1").molecule))
  }
}
