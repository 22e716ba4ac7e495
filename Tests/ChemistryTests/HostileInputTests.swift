// Hostile input: each case gets a clear error naming the file, record and reason; batches skip
// bad records and go on; nothing crashes or hangs.

import Chemistry
import Foundation
import Testing

@Suite(.serialized) struct HostileInputTests {
  /// A fresh temporary directory for one test.
  func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-chem-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func write(_ data: Data, _ name: String, in dir: URL) throws -> String {
    let url = dir.appendingPathComponent(name)
    try data.write(to: url)
    return url.path
  }

  func errorText(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return "no error"
  }

  @Test func malformedSMILESAreParseErrors() {
    for (smiles, fragment) in [("C1CC", "unmatched ring"), ("Xx", "invalid"), ("C%", "followed by two digits"), ("", "empty SMILES")] {
      let text = errorText { _ = try MoleculeReader.parseSMILES(smiles, record: "inline SMILES") }
      #expect(text.contains("inline SMILES"), "\(smiles): \(text)")
      #expect(text.contains(fragment), "\(smiles): \(text)")
    }
  }

  @Test func limitsApplyBeforeOpenBabel() {
    let long = String(repeating: "C", count: 1_000_000)
    #expect(errorText { _ = try MoleculeReader.parseSMILES(long) }.contains("1000000 characters long, the limit is 2000"))
    let deep = String(repeating: "C(", count: 100) + "C" + String(repeating: ")", count: 100)
    #expect(errorText { _ = try MoleculeReader.parseSMILES(deep) }.contains("nest deeper than 64"))
    #expect(errorText { _ = try MoleculeReader.parseSMILES("CCé") }.contains("non-ASCII byte 0xc3 at column 3"))
    #expect(errorText { _ = try MoleculeReader.parseSMILES("C\u{1}C") }.contains("control or space character 0x1 at column 2"))
  }

  @Test func emptyFilesDirectoriesAndMissingFiles() throws {
    let dir = try scratch()
    let empty = try write(Data(), "empty.smi", in: dir)
    #expect(errorText { _ = try MoleculeReader.readAll(path: empty) } == "\(empty): empty file: no molecules")
    #expect(errorText { _ = try MoleculeReader.readAll(path: dir.path) }.contains("is a directory"))
    #expect(errorText { _ = try MoleculeReader.readAll(path: dir.path + "/nope.smi") }.contains("no such file"))
    let noExtension = try write(Data("CCO\n".utf8), "molecules", in: dir)
    #expect(errorText { _ = try MoleculeReader.readAll(path: noExtension) }.contains("pass --format"))
  }

  @Test func batchSkipsBadLinesAndNamesThem() throws {
    let dir = try scratch()
    var text = "CCO ethanol\nC1CC broken\n\n# comment\nc1ccccc1 benzene\n"
    text += String(repeating: "C", count: 2_000_000) + " huge\nCCé accent\nCFC difluoro\n"
    let path = try write(Data(text.utf8), "batch.smi", in: dir)
    let records = try MoleculeReader.readAll(path: path)
    #expect(records.map(\.source) == ["batch.smi line 1", "batch.smi line 2", "batch.smi line 5", "batch.smi line 6", "batch.smi line 7", "batch.smi line 8"])
    let good = records.compactMap { try? $0.result.get().name }
    #expect(good == ["ethanol", "benzene", "difluoro"])
    #expect(errorText { _ = try records[1].result.get() }.contains("batch.smi line 2: cannot parse molecule"))
    #expect(errorText { _ = try records[3].result.get() }.contains("longer than"))
    #expect(errorText { _ = try records[4].result.get() }.contains("non-ASCII"))
    // Parsed, but invalid: the validity check names atom and rule.
    #expect(try records[5].result.get().validity.summary.contains("valence: atom 1 (F"))
  }

  @Test func brokenMolfiles() throws {
    let dir = try scratch()
    let good = try String(contentsOfFile: ReferenceData.molecules("examples/example.sdf"), encoding: .utf8)
    let blocks = good.components(separatedBy: "$$$$\n").filter { !$0.isEmpty }.map { $0 + "$$$$\n" }
    // Record 2: counts line claims 99 atoms. Record 3: truncated atom block. Record 4: junk.
    var countsLines = blocks[1].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    countsLines[3] = " 99" + countsLines[3].dropFirst(3)
    let badCounts = countsLines.joined(separator: "\n")
    let lines = blocks[2].split(separator: "\n", omittingEmptySubsequences: false)
    let truncated = lines.prefix(8).joined(separator: "\n") + "\n$$$$\n"
    let junk = "garbage\nnot a molfile at all\n\n   x y z\n$$$$\n"
    let text = blocks[0] + badCounts + truncated + junk + blocks[3]
    let path = try write(Data(text.utf8), "broken.sdf", in: dir)
    let records = try MoleculeReader.readAll(path: path)
    #expect(records.count == 5)
    #expect(try records[0].result.get().name == "aspirin")
    #expect(try records[4].result.get().name == "caffeine")
    for bad in records[1...3] {
      let text = errorText { _ = try bad.result.get() }
      #expect(text.hasPrefix("broken.sdf record \(bad.index) (line "), "\(text)")
    }
  }

  @Test func binaryJunkIsRefused() throws {
    let dir = try scratch()
    var bytes = [UInt8](repeating: 0, count: 4096)
    for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 7919 &+ 13) }
    let smi = try write(Data(bytes), "junk.smi", in: dir)
    let records = try MoleculeReader.readAll(path: smi)
    #expect(records.allSatisfy { (try? $0.result.get()) == nil })
    #expect(records.contains { r in errorText { _ = try r.result.get() }.contains("binary data") })
    let sdf = try write(Data(bytes), "junk.sdf", in: dir)
    let sdfRecords = try MoleculeReader.readAll(path: sdf)
    #expect(sdfRecords.count == 1)
    #expect(errorText { _ = try sdfRecords[0].result.get() }.contains("binary data"))
  }

  /// The hostile-SMILES corpus (scripts/hostile-smiles-reference.py, RDKit's verdicts beside
  /// cfx's): every entry gets the verdict the corpus names ("refused", "invalid" or "valid"), so
  /// none is silently accepted, and none that RDKit refuses is called valid.
  @Test func hostileSMILESCorpusVerdicts() throws {
    let text = try String(contentsOfFile: ReferenceData.molecules("reference/hostile-smiles-rdkit.tsv"), encoding: .utf8)
    var mismatches: [String] = []
    var count = 0
    var classes = Set<String>()
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      let smiles = Self.unescape(fields[0]), expected = fields[2], rdkit = fields[3]
      count += 1
      classes.insert(fields[1])
      let verdict: String
      do {
        let molecule = try MoleculeReader.parseSMILES(smiles).molecule
        verdict = molecule.validity.isValid ? "valid" : "invalid"
      } catch {
        verdict = "refused"
      }
      if verdict != expected { mismatches.append("\(fields[0]) [\(fields[1])]: cfx \(verdict), expected \(expected)") }
      if rdkit == "refused" && verdict == "valid" { mismatches.append("\(fields[0]): RDKit refuses, cfx says valid") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    #expect(count >= 93 && classes.count >= 15)
  }

  /// Undoes the corpus's escapes (\\, \t, \n, \uXXXX).
  static func unescape(_ text: String) -> String {
    var out = "", chars = Array(text), i = 0
    while i < chars.count {
      if chars[i] == "\\", i + 1 < chars.count {
        switch chars[i + 1] {
        case "t": out.append("\t"); i += 2
        case "n": out.append("\n"); i += 2
        case "u":
          out.unicodeScalars.append(Unicode.Scalar(UInt32(String(chars[(i + 2)..<(i + 6)]), radix: 16)!)!)
          i += 6
        default: out.append(chars[i + 1]); i += 2
        }
      } else {
        out.append(chars[i])
        i += 1
      }
    }
    return out
  }

  /// The seven silent repairs Open Babel makes, each refused with its reason.
  @Test(arguments: [
    ("C12CCC12", "ring-bond number 2 at column 8 duplicates the bond between atom 1 (C) and atom 4 (C)"),
    ("C=1CCC#1", "ring-bond number 1 has conflicting bond symbols: '=' at column 3 and '#' at column 8"),
    ("CC()C", "empty branch '()' at column 3"),
    ("CC(=O)=", "dangling bond: the SMILES ends with the bond symbol '=' (column 7)"),
    ("C[C@@@H](F)Cl", "chirality mark '@@@' in the bracket atom at column 2 is not SMILES"),
    ("C[C@H]", "chirality mark '@' on atom 2 (C, column 2) cannot be honoured: the atom has 2 neighbours"),
    ("cccc", "aromatic atom 1 ('c', column 1) is not in a ring"),
  ])
  func silentRepairsAreRefused(smiles: String, reason: String) throws {
    let text = errorText { _ = try MoleculeReader.parseSMILES(smiles, record: "in.smi line 3") }
    #expect(text == "in.smi line 3: " + reason || text.hasPrefix("in.smi line 3: " + reason), "\(smiles): \(text)")
    // The same refusal from a SMILES file, naming the file and line.
    let path = try write(Data("CCO ok\n\(smiles) bad\n".utf8), "in.smi", in: scratch())
    let records = try MoleculeReader.readAll(path: path)
    #expect(records.count == 2)
    #expect(errorText { _ = try records[1].result.get() } == "in.smi line 2: " + reason || errorText { _ = try records[1].result.get() }.hasPrefix("in.smi line 2: " + reason))
  }

  /// Molfiles Open Babel repairs silently: V3000 counts that do not match the blocks, charge
  /// codes outside 0-7, aromatic bonds on no ring, duplicate and self bonds, query bond types.
  /// RDKit 2026.09 refuses all of these except the aromatic chain, which it keeps as "C:C:C:C".
  @Test func strictMolfiles() throws {
    let v3000 = { (counts: String) in
      """
      ethanol
        cfx

        0  0  0     0  0            999 V3000
      M  V30 BEGIN CTAB
      M  V30 COUNTS \(counts)
      M  V30 BEGIN ATOM
      M  V30 1 C 0 0 0 0
      M  V30 2 C 0 0 0 0
      M  V30 3 O 0 0 0 0
      M  V30 END ATOM
      M  V30 BEGIN BOND
      M  V30 1 1 1 2
      M  V30 2 1 2 3
      M  V30 END BOND
      M  V30 END CTAB
      M  END

      """
    }
    #expect(try MoleculeReader.parseRecord(v3000("3 2 0 0 0"), format: "sdf", record: "r").molecule.atoms.count == 3)
    for (counts, reason) in [
      ("999999 999999 0 0 0", "announces 999999 atoms and 999999 bonds, but the record holds 3 atom and 2 bond lines"),
      ("2 1 0 0 0", "announces 2 atoms and 1 bonds"),
      ("x y 0 0 0", "does not give non-negative atom and bond counts"),
      ("-5 2 0 0 0", "does not give non-negative atom and bond counts"),
    ] {
      let text = errorText { _ = try MoleculeReader.parseRecord(v3000(counts), format: "sdf", record: "in.sdf record 1 (line 1)") }
      #expect(text.hasPrefix("in.sdf record 1 (line 1): V3000 counts line (line 6 of the record)"), "\(text)")
      #expect(text.contains(reason), "\(text)")
    }
    let chain = { (bonds: [String], charge: String) in
      let atoms = (0..<4).map { "    \($0).0000    0.0000    0.0000 C   0  \($0 == 1 ? charge : "0")  0  0  0  0  0  0  0  0  0  0" }
      return (["chain", "  cfx", "", String(format: "%3d%3d  0  0  0  0  0  0  0  0999 V2000", 4, bonds.count)] + atoms + bonds + ["M  END", ""]).joined(separator: "\n")
    }
    let single = ["  1  2  1  0", "  2  3  1  0", "  3  4  1  0"]
    #expect(try MoleculeReader.parseRecord(chain(single, "0"), format: "sdf", record: "r").molecule.bonds.count == 3)
    for (bonds, charge, reason) in [
      (["  1  2  4  0", "  2  3  4  0", "  3  4  4  0"], "0", "aromatic bond (type 4) on line 9 of the record between atoms 1 and 2 lies on no ring"),
      (single, "9", "atom line 6 of the record has charge code 9 in columns 37-39; allowed: 0-7"),
      (["  1  2  1  0", "  2  3  1  0", "  2  1  1  0"], "0", "bond on line 11 of the record joins atoms 2 and 1 a second time"),
      (["  1  1  1  0", "  2  3  1  0", "  3  4  1  0"], "0", "bond on line 9 of the record joins atom 1 to itself"),
      (["  1  2  8  0", "  2  3  1  0", "  3  4  1  0"], "0", "bond on line 9 of the record has type 8"),
      (["  1  9  1  0", "  2  3  1  0", "  3  4  1  0"], "0", "joins atom 9, which does not exist"),
      (["  1  2  1  0", "  2  3  1  0"], "0", "announces 4 atoms and 3 bonds, but only"),
    ] {
      var text = chain(bonds, charge)
      if bonds.count == 2 { text = text.replacingOccurrences(of: "  4  2  0", with: "  4  3  0") }
      let error = errorText { _ = try MoleculeReader.parseRecord(text, format: "sdf", record: "r") }
      #expect(error.hasPrefix("r: ") && error.contains(reason), "\(error)")
    }
  }

  @Test func openBabelDataCheckPasses() {
    // On a correct installation the phenol check passes; a missing BABEL_DATADIR would make
    // logp-openbabel refuse instead of returning 0 (see OpenBabel.installationProblem).
    #expect(OpenBabel.installationProblem == nil)
  }
}

@Suite(.serialized) struct SMILESFuzzTests {
  /// Seeded random edits (insert, delete, replace 1–3 characters) of the shipped SMILES: every
  /// result either parses or throws a typed error; none crashes or hangs, and every parsed
  /// molecule gets a validity verdict, a logp and a fingerprint.
  @Test func mutatedSMILESNeverCrash() {
    let alphabet = Array("CNOSFIcnos()[]=#-+@/\\%123456789.H".utf8)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33)
    }
    var parsed = 0, refused = 0, invalid = 0
    for _ in 0..<Self.count {
      var bytes = Array(ReferenceData.rows[next() % ReferenceData.rows.count].smiles.utf8)
      for _ in 0...(next() % 3) {
        let position = next() % (bytes.count + 1)
        switch next() % 3 {
        case 0: bytes.insert(alphabet[next() % alphabet.count], at: position)
        case 1: if position < bytes.count { bytes.remove(at: position) }
        default: if position < bytes.count { bytes[position] = alphabet[next() % alphabet.count] }
        }
      }
      do {
        let m = try MoleculeReader.parseSMILES(String(decoding: bytes, as: UTF8.self)).molecule
        if !m.validity.isValid { invalid += 1 }
        _ = Crippen.logP(m)
        _ = Morgan.counts(m)
        parsed += 1
      } catch {
        refused += 1
      }
    }
    print("fuzz: \(parsed) parsed (\(invalid) invalid), \(refused) refused of \(Self.count)")
    #expect(parsed + refused == Self.count)
    #expect(parsed > 0 && refused > 0 && invalid > 0)
  }

  static let count = 3000
}
