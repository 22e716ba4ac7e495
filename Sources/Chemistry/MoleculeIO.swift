// Reading molecules from inline SMILES, files and stdin, with size limits applied before any
// parsing (Open Babel's recursive SMILES parser hangs or crashes on very long lines) and errors
// that name the file, record and line.
//
// Files are streamed: SMILES files line by line, SDF/MOL by `$$$$` records, MOL2 by
// `@<TRIPOS>MOLECULE` blocks; each record is parsed on its own, so one bad record never stops the
// rest. Other formats Open Babel reads are handed to its own splitter (whole file, size-limited).

import Foundation

/// Limits applied to input before it reaches Open Babel.
public struct InputLimits: Sendable {
  /// Longest SMILES accepted, in characters.
  public var maxSMILESLength: Int
  /// Deepest branch nesting accepted in a SMILES.
  public var maxBranchDepth: Int
  /// Largest single record (SDF/MOL2 block) in bytes.
  public var maxRecordBytes: Int
  /// Largest whole file handed to Open Babel's own splitter, in bytes.
  public var maxWholeFileBytes: Int

  /// The defaults: 2,000-character SMILES, depth 64, 4 MB records, 256 MB whole files.
  public static let standard = InputLimits(
    maxSMILESLength: 2000, maxBranchDepth: 64, maxRecordBytes: 4 << 20, maxWholeFileBytes: 256 << 20)
}

/// One record read from an input: where it came from and the molecule or the reason it failed.
public struct MoleculeRecord: Sendable {
  /// Where the record came from, e.g. "in.smi line 12" or "in.sdf record 3 (line 120)".
  public var source: String
  /// 1-based record number within its input.
  public var index: Int
  /// The molecule, or why the record could not be read.
  public var result: Result<Molecule, ChemistryError>

  /// A record from `source` numbered `index`.
  public init(source: String, index: Int, result: Result<Molecule, ChemistryError>) {
    self.source = source
    self.index = index
    self.result = result
  }
}

/// How records are split from a file.
public enum MoleculeFormat: Sendable, Equatable {
  /// SMILES, one per line, optionally followed by whitespace and a name.
  case smiles
  /// MDL molfile / SD file (records end with `$$$$`).
  case sdf
  /// Tripos MOL2 (records start with `@<TRIPOS>MOLECULE`).
  case mol2
  /// Any other Open Babel input format id (whole file, Open Babel splits it).
  case openBabel(String)

  /// The Open Babel format id.
  public var openBabelID: String {
    switch self {
    case .smiles: return "smi"
    case .sdf: return "sdf"
    case .mol2: return "mol2"
    case .openBabel(let id): return id
    }
  }

  /// The format for an Open Babel id or file extension ("smi", "sdf", "mol", "mol2", "pdb", …).
  public init(id: String) {
    switch id.lowercased() {
    case "smi", "smiles", "can", "ism": self = .smiles
    case "sdf", "sd", "mol", "mdl": self = .sdf
    case "mol2", "ml2": self = .mol2
    default: self = .openBabel(id.lowercased())
    }
  }

  /// The format implied by a path's extension, or nil when it has none.
  public init?(path: String) {
    let ext = URL(fileURLWithPath: path).pathExtension
    if ext.isEmpty { return nil }
    self.init(id: ext)
  }
}

/// Reads molecules through Open Babel.
public enum MoleculeReader {
  /// Checks a SMILES string against `limits` before it reaches Open Babel.
  public static func checkSMILES(_ smiles: String, record: String, limits: InputLimits = .standard)
    throws(ChemistryError)
  {
    if smiles.isEmpty { throw .invalidInput(record: record, message: "empty SMILES") }
    let bytes = smiles.utf8
    if bytes.count > limits.maxSMILESLength {
      throw .invalidInput(
        record: record,
        message: "SMILES is \(bytes.count) characters long, the limit is \(limits.maxSMILESLength) (raise it with InputLimits if the molecule is real)")
    }
    var depth = 0, column = 0
    for byte in bytes {
      column += 1
      if byte >= 0x80 || byte < 0x21 || byte == 0x7F {
        let shown = byte >= 0x80 ? "non-ASCII byte 0x\(String(byte, radix: 16))" : "control or space character 0x\(String(byte, radix: 16))"
        throw .invalidInput(record: record, message: "\(shown) at column \(column); SMILES is plain ASCII")
      }
      if byte == UInt8(ascii: "(") { depth += 1 }
      if byte == UInt8(ascii: ")") { depth -= 1 }
      if depth < 0 {
        throw .invalidInput(record: record, message: "unmatched ')' at column \(column)")
      }
      if depth > limits.maxBranchDepth {
        throw .invalidInput(record: record, message: "branches nest deeper than \(limits.maxBranchDepth) at column \(column)")
      }
    }
    // Open Babel silently closes unclosed branches ("C(C" becomes ethane); RDKit refuses them.
    if depth > 0 {
      throw .invalidInput(record: record, message: "\(depth) unclosed '(' branch\(depth == 1 ? "" : "es") at the end of the SMILES")
    }
    try SMILESSyntax.check(smiles, record: record)
  }

  /// Parses one SMILES (no name) into a molecule; `extras` are computed by Open Babel on the way.
  public static func parseSMILES(
    _ smiles: String, name: String = "", record: String = "inline SMILES",
    extras: OpenBabel.Extras = [], limits: InputLimits = .standard
  ) throws(ChemistryError) -> OpenBabel.Parsed {
    try checkSMILES(smiles, record: record, limits: limits)
    var parsed = try OpenBabel.parse(smiles, format: "smi", record: record, extras: extras)
    parsed.molecule.name = name
    return parsed
  }

  /// Splits a SMILES-file line into SMILES and name; nil for blank lines and `#` comments.
  public static func splitSMILESLine(_ line: Substring) -> (smiles: String, name: String)? {
    let trimmed = line.drop { $0 == " " || $0 == "\t" }
    if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
    let end = trimmed.firstIndex { $0 == " " || $0 == "\t" } ?? trimmed.endIndex
    let smiles = String(trimmed[..<end])
    let name = trimmed[end...].trimmingCharacters(in: .whitespaces)
    return (smiles, name)
  }

  /// Reads every record of the file at `path` (format from `format` or the extension), calling
  /// `body` for each record in order; stops early when `body` returns false.
  /// - Throws: `.io` for missing files, directories and unreadable files; `.invalidInput` for
  ///   empty files and unknown formats. Bad records are reported through `body`, not thrown.
  public static func forEachRecord(
    path: String, format: MoleculeFormat? = nil, extras: OpenBabel.Extras = [],
    limits: InputLimits = .standard, _ body: (MoleculeRecord, OpenBabel.Parsed?) -> Bool
  ) throws(ChemistryError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw .io(path: path, message: "no such file")
    }
    if isDirectory.boolValue { throw .io(path: path, message: "is a directory, expected a molecule file") }
    guard let format = format ?? MoleculeFormat(path: path) else {
      throw .invalidInput(record: path, message: "cannot tell the format: no file extension (pass --format smi|sdf|mol2|…)")
    }
    if case .openBabel(let id) = format, !OpenBabel.hasFormat(id) {
      throw .invalidInput(record: path, message: "Open Babel cannot read format '\(id)' (see `obabel -L formats`; pass --format)")
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw .io(path: path, message: "cannot open for reading (permissions?)")
    }
    defer { try? handle.close() }
    let name = URL(fileURLWithPath: path).lastPathComponent
    let count = try forEachRecord(
      lines: LineReader(handle: handle), source: name, format: format, extras: extras,
      limits: limits, body)
    if count == 0 { throw .invalidInput(record: path, message: "empty file: no molecules") }
  }

  /// Reads records from standard input (format required).
  public static func forEachRecordOfStandardInput(
    format: MoleculeFormat, extras: OpenBabel.Extras = [], limits: InputLimits = .standard,
    _ body: (MoleculeRecord, OpenBabel.Parsed?) -> Bool
  ) throws(ChemistryError) {
    let count = try forEachRecord(
      lines: LineReader(handle: FileHandle.standardInput), source: "stdin", format: format,
      extras: extras, limits: limits, body)
    if count == 0 { throw .invalidInput(record: "stdin", message: "no molecules on standard input") }
  }

  /// Reads all records of a file into an array (convenience for small files).
  public static func readAll(
    path: String, format: MoleculeFormat? = nil, limits: InputLimits = .standard
  ) throws(ChemistryError) -> [MoleculeRecord] {
    var records: [MoleculeRecord] = []
    try forEachRecord(path: path, format: format, limits: limits) { record, _ in
      records.append(record)
      return true
    }
    return records
  }

  /// Record splitting over a line source; returns the number of records seen.
  static func forEachRecord(
    lines: LineReader, source: String, format: MoleculeFormat, extras: OpenBabel.Extras,
    limits: InputLimits, _ body: (MoleculeRecord, OpenBabel.Parsed?) -> Bool
  ) throws(ChemistryError) -> Int {
    var lines = lines
    var index = 0
    func emit(_ label: String, _ outcome: Result<OpenBabel.Parsed, ChemistryError>) -> Bool {
      index += 1
      switch outcome {
      case .success(let parsed):
        return body(MoleculeRecord(source: label, index: index, result: .success(parsed.molecule)), parsed)
      case .failure(let error):
        return body(MoleculeRecord(source: label, index: index, result: .failure(error)), nil)
      }
    }
    switch format {
    case .smiles:
      while let (line, number) = try lines.next(maxBytes: limits.maxSMILESLength + 4096, source: source) {
        let label = "\(source) line \(number)"
        guard case .text(let text) = line else {
          if !emit(label, .failure(.invalidInput(record: label, message: line.problem))) { return index }
          continue
        }
        guard let (smiles, name) = splitSMILESLine(Substring(text)) else { continue }
        let outcome = Result { () throws(ChemistryError) in
          try parseSMILES(smiles, name: name, record: label, extras: extras, limits: limits)
        }
        if !emit(label, outcome) { return index }
      }
    case .sdf, .mol2:
      var block: [String] = []
      var blockBytes = 0, startLine = 1, broken: String?
      func flush(_ endLine: Int) -> Bool {
        defer { block = []; blockBytes = 0; broken = nil; startLine = endLine + 1 }
        let isBlank = block.allSatisfy { $0.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }
        if isBlank && broken == nil { return true }
        let label = "\(source) record \(index + 1) (line \(startLine))"
        if let broken { return emit(label, .failure(.invalidInput(record: label, message: broken))) }
        let text = block.joined(separator: "\n") + "\n"
        let outcome = Result { () throws(ChemistryError) in
          try parseRecord(text, format: format.openBabelID, record: label, extras: extras)
        }
        return emit(label, outcome)
      }
      var lastLine = 0
      while let (line, number) = try lines.next(maxBytes: limits.maxRecordBytes, source: source) {
        lastLine = number
        let text: String
        switch line {
        case .text(let t): text = t
        default:
          broken = broken ?? "line \(number): \(line.problem)"
          continue
        }
        if format == .mol2 && text.hasPrefix("@<TRIPOS>MOLECULE") && !block.isEmpty {
          if !flush(number - 1) { return index }
        }
        blockBytes += text.utf8.count + 1
        if blockBytes > limits.maxRecordBytes {
          broken = broken ?? "record is larger than \(limits.maxRecordBytes) bytes (missing $$$$ separator?)"
        } else if broken == nil {
          block.append(text)
        }
        if format == .sdf && text.hasPrefix("$$$$") {
          if !flush(number) { return index }
        }
      }
      if !block.isEmpty || broken != nil { _ = flush(lastLine) }
    case .openBabel(let id):
      let data = try lines.readRest(maxBytes: limits.maxWholeFileBytes, source: source)
      if data.isEmpty { return 0 }
      guard !data.contains(0) else {
        _ = emit(source, .failure(.invalidInput(record: source, message: "binary data (NUL bytes) in a text format")))
        return index
      }
      let results = try OpenBabel.readAll(String(decoding: data, as: UTF8.self), format: id, source: source, extras: extras)
      for (n, result) in results.enumerated() {
        if !emit("\(source) record \(n + 1)", result) { return index }
      }
    }
    return index
  }

  /// Parses one multi-line record (SDF/MOL2 block) with Open Babel.
  public static func parseRecord(
    _ text: String, format: String, record: String, extras: OpenBabel.Extras = []
  ) throws(ChemistryError) -> OpenBabel.Parsed {
    if text.utf8.contains(0) { throw .invalidInput(record: record, message: "binary data (NUL bytes) in the record") }
    if MoleculeFormat(id: format) == .sdf { try MolfileSyntax.check(text, record: record) }
    let parsed = try OpenBabel.parse(text, format: format, record: record, extras: extras)
    if parsed.molecule.atoms.isEmpty {
      throw .parse(record: record, message: "no atoms read (truncated or malformed \(format) block)")
    }
    return parsed
  }
}

/// A line of input, or why it could not be used.
enum InputLine {
  case text(String)
  case tooLong(Int)
  case binary

  var problem: String {
    switch self {
    case .text: return ""
    case .tooLong(let n): return "line is longer than \(n) bytes; refused before parsing"
    case .binary: return "binary data (NUL bytes); not a text molecule file"
    }
  }
}

/// Streams lines from a file handle in 1 MB chunks without holding more than one line plus one
/// chunk (over-long lines are skipped to their end, never accumulated).
struct LineReader {
  let handle: FileHandle
  var buffer: [UInt8] = []
  var position = 0
  var lineNumber = 0
  var atEnd = false

  init(handle: FileHandle) { self.handle = handle }

  mutating func fill(source: String) throws(ChemistryError) -> Bool {
    if atEnd { return false }
    let chunk: Data?
    do { chunk = try handle.read(upToCount: 1 << 20) } catch {
      throw .io(path: source, message: "read failed: \(error.localizedDescription)")
    }
    guard let chunk, !chunk.isEmpty else { atEnd = true; return false }
    buffer.removeFirst(position)
    position = 0
    buffer.append(contentsOf: chunk)
    return true
  }

  /// The next line and its 1-based number, or nil at the end.
  mutating func next(maxBytes: Int, source: String) throws(ChemistryError) -> (InputLine, Int)? {
    var overflow = 0
    while true {
      if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
        lineNumber += 1
        let bytes = buffer[position..<newline]
        position = newline + 1
        if overflow > 0 || bytes.count > maxBytes { return (.tooLong(maxBytes), lineNumber) }
        return (decode(bytes), lineNumber)
      }
      if buffer.count - position > maxBytes {
        overflow += buffer.count - position
        position = buffer.count
      }
      if try !fill(source: source) {
        guard position < buffer.count || overflow > 0 else { return nil }
        lineNumber += 1
        let bytes = buffer[position...]
        position = buffer.count
        if overflow > 0 || bytes.count > maxBytes { return (.tooLong(maxBytes), lineNumber) }
        return (decode(bytes), lineNumber)
      }
    }
  }

  func decode(_ bytes: ArraySlice<UInt8>) -> InputLine {
    if bytes.contains(0) { return .binary }
    var slice = bytes
    if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
    return .text(String(decoding: slice, as: UTF8.self))
  }

  /// Everything not yet read, refused beyond `maxBytes`.
  mutating func readRest(maxBytes: Int, source: String) throws(ChemistryError) -> [UInt8] {
    while try fill(source: source) {
      if buffer.count - position > maxBytes {
        throw .invalidInput(record: source, message: "file is larger than \(maxBytes) bytes; split it or use SMILES/SDF, which are streamed")
      }
    }
    return Array(buffer[position...])
  }
}
