// Loads the shipped ZINC-derived subset and its RDKit reference values
// (molecules/reference/zinc-subset-rdkit.csv, made by scripts/chem-reference.py).

import Chemistry
import Foundation

/// One reference row.
struct ReferenceRow {
  var name: String
  var smiles: String
  var rdkitCanonical: String
  var logP: Double
  var molecularWeight: Double
  var tpsa: Double
  var heavyAtoms: Int
  var rings: Int
  var aromaticAtoms: Int
  var morganCounts: [Int: Int]
}

enum ReferenceData {
  /// The repository root (three levels above this file).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Path of a file under molecules/.
  static func molecules(_ name: String) -> String { root.appendingPathComponent("molecules/\(name)").path }

  /// All reference rows.
  static let rows: [ReferenceRow] = {
    let text = try! String(contentsOfFile: molecules("reference/zinc-subset-rdkit.csv"), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      var counts: [Int: Int] = [:]
      for pair in f[9].split(separator: ";") {
        let kv = pair.split(separator: ":")
        counts[Int(kv[0])!] = Int(kv[1])!
      }
      return ReferenceRow(
        name: f[0], smiles: f[1], rdkitCanonical: f[2], logP: Double(f[3])!, molecularWeight: Double(f[4])!,
        tpsa: Double(f[5])!, heavyAtoms: Int(f[6])!, rings: Int(f[7])!, aromaticAtoms: Int(f[8])!,
        morganCounts: counts)
    }
  }()

  /// The reference rows parsed once (shared by the suites that only need the molecules).
  static let parsed: [Molecule] = rows.map { row in
    do { return try MoleculeReader.parseSMILES(row.smiles, name: row.name).molecule } catch {
      preconditionFailure("reference molecule \(row.name) does not parse: \(error)")
    }
  }
}
