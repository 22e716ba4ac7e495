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
    for (smiles, fragment) in [("C1CC", "unmatched ring"), ("Xx", "invalid"), ("C%", "Two digits"), ("", "empty SMILES")] {
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
