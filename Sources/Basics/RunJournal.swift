// The journal of a long batch run: one self-checking line per finished unit of work (an input
// and all its results), appended and synced to disk as soon as the unit is done, so that a run
// killed at any moment loses at most the unit in progress, and rerunning the same command
// continues where it stopped.
//
// File format (UTF-8, one record per line):
//   CHECK<TAB>#run<TAB>IDENTITY-JSON      first line: what determines the results (model checksum,
//                                         settings, seed, inputs' checksum, arithmetic)
//   CHECK<TAB>KEY<TAB>RECORD-JSON         one line per finished unit
// CHECK is the FNV-1a 64-bit hash (16 hex digits) of "KEY<TAB>JSON": it detects a line cut short
// or garbled by a crash, which is not a question of security. A damaged *last* line is a write
// the crash interrupted: it is dropped. A damaged line before it means the file was changed by
// something else: the journal is refused with its line number. A journal whose identity differs
// from the run's is never reused: the error names every difference.

import Foundation

/// Why a journal cannot be used.
public enum RunJournalError: Error, CustomStringConvertible, Sendable {
  /// The journal belongs to a run with other settings: (file, "name: journal value vs now").
  case otherRun(path: String, differences: [String])
  /// A line before the last one is damaged (the file was edited or corrupted).
  case damaged(path: String, line: Int)
  /// The journal cannot be read or written.
  case io(path: String, reason: String)

  public var description: String {
    switch self {
    case .otherRun(let path, let differences):
      "\(path) is the journal of another run (\(differences.joined(separator: "; "))): rerun with the same settings to resume it, or start over (--restart discards it)"
    case .damaged(let path, let line):
      "\(path): line \(line) is damaged (the journal was edited or the disk corrupted it); start over with --restart"
    case .io(let path, let reason):
      "\(path): \(reason)"
    }
  }
}

/// An append-only journal of finished units of work, reused by a rerun with the same identity.
public final class RunJournal {
  /// The journal's file name inside the output directory.
  public static let fileName = "journal.jsonl"
  /// The journal file.
  public let url: URL
  /// Records of earlier runs by key (raw JSON), in the order they were written.
  public private(set) var records: [String: Data] = [:]
  /// Keys of `records` in the order they were written.
  public private(set) var keys: [String] = []
  private let handle: FileHandle

  /// Opens (or creates) the journal in `directory` for a run with `identity`. An existing
  /// journal with the same identity is reused, a torn last line dropped; `restart` discards it.
  public init(directory: URL, identity: [String: String], restart: Bool = false) throws(RunJournalError) {
    url = directory.appendingPathComponent(Self.fileName)
    self.identity = identity
    var kept = [Self.line(key: "#run", json: Self.json(identity))]
    if !restart, let earlier = try Self.read(url, expecting: identity) {
      for entry in earlier where records[entry.key] == nil {
        records[entry.key] = entry.json
        keys.append(entry.key)
        kept.append(Self.line(key: entry.key, json: entry.json))
      }
    }
    do {
      // The reusable part is rewritten atomically, so a torn tail never precedes new lines.
      try AtomicFile.write(Data(kept.joined()), to: url)
      handle = try FileHandle(forWritingTo: url)
      try handle.seekToEnd()
    } catch {
      throw .io(path: url.path, reason: "cannot write the journal (\(error)); check --out")
    }
  }

  /// What determines the results of this run.
  public let identity: [String: String]

  /// Appends the records of the journal in `directory` (another run of the same identity, e.g.
  /// a shard of the inputs) that this one lacks; returns how many were taken.
  public func absorb(journalIn directory: URL) throws(RunJournalError) -> Int {
    let other = directory.appendingPathComponent(Self.fileName)
    guard FileManager.default.fileExists(atPath: other.path) else { throw .io(path: other.path, reason: "no journal to merge here") }
    var taken = 0
    for entry in try Self.read(other, expecting: identity) ?? [] where records[entry.key] == nil {
      try append(entry.key, encoded: entry.json)
      taken += 1
    }
    return taken
  }

  /// The records of the journal at `url` (nil when there is none): its torn last line dropped,
  /// refused when damaged before that or when its identity is not `identity`.
  static func read(_ url: URL, expecting identity: [String: String]) throws(RunJournalError) -> [(key: String, json: Data)]? {
    guard let data = FileManager.default.contents(atPath: url.path), !data.isEmpty else { return nil }
    let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
    // A final segment without its newline is a torn write, whatever it holds.
    let complete = lines.dropLast()
    var parsed: [(key: String, json: Data)] = []
    for (index, raw) in complete.enumerated() {
      guard let entry = parse(Data(raw)) else {
        if index == complete.count - 1 { break }
        throw .damaged(path: url.path, line: index + 1)
      }
      parsed.append(entry)
    }
    guard let header = parsed.first else { return nil }
    guard header.key == "#run", let stored = try? JSONDecoder().decode([String: String].self, from: header.json) else {
      throw .damaged(path: url.path, line: 1)
    }
    let differences = Set(stored.keys).union(identity.keys).sorted().compactMap { name -> String? in
      stored[name] == identity[name] ? nil : "\(name): \(stored[name] ?? "none") in the journal, \(identity[name] ?? "none") now"
    }
    guard differences.isEmpty else { throw .otherRun(path: url.path, differences: differences) }
    return Array(parsed.dropFirst())
  }

  deinit { try? handle.close() }

  /// The record of `key` from an earlier run, decoded, or nil (none, or unreadable as `T`).
  public func record<T: Decodable>(_ key: String, as type: T.Type) -> T? {
    records[key].flatMap { try? Self.decoder.decode(T.self, from: $0) }
  }

  /// Appends the finished unit `key` and syncs the file before returning.
  public func append<T: Encodable>(_ key: String, _ record: T) throws(RunJournalError) {
    let json: Data
    do { json = try Self.encoder.encode(record) } catch { throw .io(path: url.path, reason: "cannot encode the record of \(key) (\(error))") }
    try append(key, encoded: json)
  }

  /// Appends the finished unit `key` whose record `encoder` already encoded (e.g. on another
  /// rank), and syncs the file before returning.
  public func append(_ key: String, encoded json: Data) throws(RunJournalError) {
    precondition(!key.contains("\t") && !key.contains("\n") && key != "#run", "RunJournal: key '\(key)' must be a plain name")
    do {
      try handle.write(contentsOf: Self.line(key: key, json: json))
      try handle.synchronize()
      records[key] = json
      keys.append(key)
    } catch {
      throw .io(path: url.path, reason: "cannot append to the journal (\(error))")
    }
  }

  // MARK: Lines

  /// The JSON coders of records (sorted keys; NaN and infinities as strings), also for
  /// records that travel between ranks (ShardedWork).
  public static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = .sortedKeys
    e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }()
  /// The decoder matching `encoder`.
  public static let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }()

  static func json(_ identity: [String: String]) -> Data { (try? encoder.encode(identity)) ?? Data("{}".utf8) }

  /// "CHECK\tKEY\tJSON\n".
  static func line(key: String, json: Data) -> Data {
    let body = Data(key.utf8) + [0x09] + json
    return Data(String(format: "%016llx", fnv1a64(body)).utf8) + [0x09] + body + [0x0A]
  }

  /// The key and JSON of an intact line, or nil.
  static func parse(_ line: Data) -> (key: String, json: Data)? {
    guard line.count > 17, let check = UInt64(String(decoding: line.prefix(16), as: UTF8.self), radix: 16),
      line[line.startIndex + 16] == 0x09 else { return nil }
    let body = line.dropFirst(17)
    guard fnv1a64(body) == check, let tab = body.firstIndex(of: 0x09) else { return nil }
    return (String(decoding: body[..<tab], as: UTF8.self), Data(body[body.index(after: tab)...]))
  }

}
