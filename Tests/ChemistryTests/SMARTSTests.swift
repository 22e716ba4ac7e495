// SMARTS matching against RDKit: unique-match counts of RDKit's QED, Lipinski and rotatable-bond
// patterns and of the MOSES MCF/PAINS filters (molecules/reference/smarts-rdkit.tsv, made by
// scripts/smarts-reference.py), plus parser behaviour on hand-checked cases.

@testable import Chemistry
import Foundation
import Testing

/// The reference molecule sets and RDKit's SMARTS counts.
enum SMARTSReference {
  /// One reference pattern.
  struct Pattern {
    var id: String
    var hydrogens: SMARTSHydrogens
    var smarts: String
  }

  /// The extra molecules (after the zinc subset): name → SMILES, in file order.
  static let extra: [(smiles: String, name: String)] = {
    let text = try! String(contentsOfFile: ReferenceData.molecules("reference/smarts-extra.smi"), encoding: .utf8)
    return text.split(separator: "\n").map { line in
      let f = line.split(separator: "\t").map(String.init)
      return (f[0], f[1])
    }
  }()

  /// Parsed molecules by name: the zinc subset (ReferenceData) and the extra set.
  static let molecules: [String: Molecule] = {
    var table: [String: Molecule] = [:]
    for (row, m) in zip(ReferenceData.rows, ReferenceData.parsed) { table[row.name] = m }
    for (smiles, name) in extra {
      do { table[name] = try MoleculeReader.parseSMILES(smiles, name: name).molecule } catch {
        Issue.record("extra molecule \(name) \(smiles) does not parse: \(error)")
      }
    }
    return table
  }()

  /// Patterns and, per molecule name, the nonzero counts by pattern index.
  static let counts: (patterns: [Pattern], rows: [(name: String, counts: [Int: Int])]) = {
    let text = try! String(contentsOfFile: ReferenceData.molecules("reference/smarts-rdkit.tsv"), encoding: .utf8)
    var patterns: [Pattern] = []
    var rows: [(String, [Int: Int])] = []
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      if f[0] == "pattern" {
        patterns.append(Pattern(id: f[2], hydrogens: f[3] == "explicit" ? .explicit : .implicit, smarts: f[4]))
      } else {
        var counts: [Int: Int] = [:]
        for pair in f[1].split(separator: ",") {
          let kv = pair.split(separator: ":")
          counts[Int(kv[0])!] = Int(kv[1])!
        }
        rows.append((f[0], counts))
      }
    }
    return (patterns, rows)
  }()
}

@Suite(.serialized) struct SMARTSTests {
  @Test func everyReferencePatternCountMatchesRDKit() throws {
    let (patterns, rows) = SMARTSReference.counts
    let compiled = try patterns.map { try SMARTSPattern($0.smarts) }
    #expect(patterns.count == 632)
    var compared = 0, mismatches: [String] = []
    for row in rows {
      let m = try #require(SMARTSReference.molecules[row.name], "missing molecule \(row.name)")
      let implicitTarget = SMARTSTarget(m), explicitTarget = SMARTSTarget(m, hydrogens: .explicit)
      for (index, pattern) in compiled.enumerated() {
        let target = patterns[index].hydrogens == .implicit ? implicitTarget : explicitTarget
        let count = pattern.matchCount(target)
        compared += 1
        if count != row.counts[index, default: 0] {
          mismatches.append("\(row.name) \(patterns[index].id) \(patterns[index].smarts): cfx \(count) rdkit \(row.counts[index, default: 0])")
        }
      }
    }
    print("smarts: \(compared) counts compared (\(rows.count) molecules × \(patterns.count) patterns), \(mismatches.count) differ")
    for m in mismatches.prefix(30) { print("  \(m)") }
    #expect(mismatches.isEmpty)
  }

  @Test func refusesUnsupportedSyntaxWithPosition() {
    for (smarts, offset) in [
      ("[C^3]", 2), ("[z1]", 1), ("(C.C)", 0), ("C1CC", 1), ("[x]", 1), ("[C@TH1]", 3), ("C-", 2), ("[C", 2),
      ("C)", 1), ("C1C1", 3), ("[$(C]", 1),
    ] {
      #expect(throws: SMARTSError.self, "\(smarts)") { try SMARTSPattern(smarts) }
      do { _ = try SMARTSPattern(smarts) } catch {
        #expect(error.offset == offset, "\(smarts): \(error) (expected character \(offset + 1))")
      }
    }
  }

  @Test func handCheckedMatches() throws {
    // Counts checked with RDKit 2026.09.1 (GetSubstructMatches, uniquify=True).
    let cases: [(String, String, SMARTSHydrogens, Int)] = [
      ("C1CCCCC1", "C1CCCCC1", .implicit, 1), ("C1CCCCC1", "CCCCCC", .implicit, 0),
      ("[$(CO)]", "CCO", .implicit, 1), ("C.C", "CC", .implicit, 1), ("C.C", "CCC", .implicit, 3),
      ("[H]", "C", .implicit, 0), ("[H]", "C", .explicit, 4), ("[#1]C[#1]", "C", .explicit, 6),
      ("[CH3]", "C[2H]", .implicit, 0), ("[CH4]", "C[2H]", .implicit, 1), ("[r5]", "C1CC2CCC1C2", .implicit, 7), ("[R2]", "c1ccc2ccccc2c1", .implicit, 2),
      ("[x3]", "c1ccc2ccccc2c1", .implicit, 2), ("[v4]", "C=O", .implicit, 1), ("[h2]", "CC=O", .implicit, 0),
      ("[h3]", "CC=O", .implicit, 1), ("C@C", "C1CC1CC", .implicit, 3), ("C!@C", "C1CC1CC", .implicit, 2),
      ("C/C=C\\C", "CC=CC", .implicit, 1), ("[C@@H](F)Cl", "FC(Cl)Br", .implicit, 1), ("[C:1]O", "CO", .implicit, 1),
      ("[15N]", "[15NH3]", .implicit, 1), ("[15N]", "N", .implicit, 0), ("[Cs]", "[Cs]C", .implicit, 1),
      ("[Nh]", "CN", .implicit, 1), ("[se]", "c1cc[se]c1", .implicit, 1), ("[Se]", "c1cc[se]c1", .implicit, 1),
      ("c#c", "C1=CC2=CC#CC=C2O1", .implicit, 1),
    ]
    for (smarts, smiles, hydrogens, expected) in cases {
      let pattern = try SMARTSPattern(smarts)
      let molecule = try MoleculeReader.parseSMILES(smiles).molecule
      #expect(pattern.matchCount(molecule, hydrogens: hydrogens) == expected, "\(smarts) on \(smiles)")
      #expect(pattern.matches(molecule, hydrogens: hydrogens) == (expected > 0), "\(smarts) on \(smiles)")
    }
    let matches = try SMARTSPattern("C(=O)O").allMatches(try MoleculeReader.parseSMILES("OC(=O)CC(=O)O").molecule)
    #expect(matches.map { Set($0) } == [Set([1, 2, 0]), Set([4, 5, 6])])
  }
}
