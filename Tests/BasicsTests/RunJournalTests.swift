@testable import Basics
import Foundation
import Testing

/// The journal of a batch run: records survive reopening, a torn last line (a kill during a
/// write) is dropped and the file stays appendable, a damaged earlier line or another run's
/// journal is refused with what is wrong, and --restart discards it.
@Suite struct RunJournalTests {
  struct Record: Codable, Equatable {
    var values: [Double]
    var note: String
  }

  func directory() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("cfx-journal-\(UUID().uuidString)") }
  let identity = ["model": "abc", "seed": "3"]

  @Test func recordsSurviveReopening() throws {
    let dir = directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let first = Record(values: [1.5, .nan, -.infinity, 0.1 + 0.2], note: "tab\there, newline\nthere")
    do {
      let journal = try RunJournal(directory: dir, identity: identity)
      #expect(journal.records.isEmpty)
      try journal.append("input-0", first)
      try journal.append("input-1", Record(values: [], note: ""))
    }
    let reopened = try RunJournal(directory: dir, identity: identity)
    #expect(reopened.keys == ["input-0", "input-1"])
    let back = try #require(reopened.record("input-0", as: Record.self))
    #expect(back.values[0] == 1.5 && back.values[1].isNaN && back.values[2] == -.infinity && back.values[3] == 0.1 + 0.2 && back.note == first.note)
    #expect(reopened.record("input-2", as: Record.self) == nil)
  }

  @Test func aTornLastLineIsDroppedAndTheFileStaysAppendable() throws {
    let dir = directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let journal = try RunJournal(directory: dir, identity: identity)
    try journal.append("input-0", Record(values: [1], note: "a"))
    try journal.append("input-1", Record(values: [2], note: "b"))
    let url = journal.url
    let whole = try Data(contentsOf: url)
    // Every cut inside the last record's line: the first record survives, the second is gone.
    let lastLineStart = whole.dropLast().lastIndex(of: 0x0A)! + 1
    for cut in stride(from: lastLineStart + 1, to: whole.count, by: 7) {
      try whole.prefix(cut).write(to: url)
      let reopened = try RunJournal(directory: dir, identity: identity)
      #expect(reopened.keys == ["input-0"], "cut at \(cut)")
      try reopened.append("input-1", Record(values: [3], note: "c"))
      #expect(try RunJournal(directory: dir, identity: identity).record("input-1", as: Record.self)?.values == [3])
    }
    // A last line garbled in place (its newline intact) is dropped too.
    var garbled = try Data(contentsOf: url)
    garbled[garbled.count - 5] ^= 0x20
    try garbled.write(to: url)
    #expect(try RunJournal(directory: dir, identity: identity).keys == ["input-0"])
  }

  @Test func damageBeforeTheLastLineAndOtherRunsAreRefused() throws {
    let dir = directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    do {
      let journal = try RunJournal(directory: dir, identity: identity)
      for i in 0..<3 { try journal.append("input-\(i)", Record(values: [Double(i)], note: "")) }
    }
    let url = dir.appendingPathComponent(RunJournal.fileName)
    let intact = try Data(contentsOf: url)
    var damaged = intact
    let secondLine = damaged.firstIndex(of: 0x0A)! + 1
    damaged[secondLine + 20] ^= 0x01
    try damaged.write(to: url)
    let damage = Result { try RunJournal(directory: dir, identity: identity) }
    guard case .failure(let error) = damage, case .damaged(_, let line) = error as? RunJournalError else {
      Issue.record("a damaged journal was reused: \(damage)")
      return
    }
    #expect(line == 2)
    try intact.write(to: url)
    let other = Result { try RunJournal(directory: dir, identity: ["model": "abc", "seed": "4", "samples": "10"]) }
    guard case .failure(let otherError) = other, case .otherRun(_, let differences) = otherError as? RunJournalError else {
      Issue.record("another run's journal was reused: \(other)")
      return
    }
    #expect(differences == ["samples: none in the journal, 10 now", "seed: 3 in the journal, 4 now"])
    // --restart discards it; the other run's records are gone.
    let fresh = try RunJournal(directory: dir, identity: ["seed": "4"], restart: true)
    #expect(fresh.records.isEmpty)
    #expect(try RunJournal(directory: dir, identity: ["seed": "4"]).records.isEmpty)
  }

  /// Shards merge: the records another run of the same identity has and this one lacks are
  /// taken (a torn tail of the shard's journal left out), a run of another identity refused.
  @Test func journalsOfTheSameRunMerge() throws {
    let (main, shard, stranger) = (directory(), directory(), directory())
    defer { for dir in [main, shard, stranger] { try? FileManager.default.removeItem(at: dir) } }
    let journal = try RunJournal(directory: main, identity: identity)
    try journal.append("input-0", Record(values: [0], note: "main"))
    do {
      let other = try RunJournal(directory: shard, identity: identity)
      try other.append("input-0", Record(values: [9], note: "shard"))
      try other.append("input-1", Record(values: [1], note: "shard"))
      try other.append("input-2", Record(values: [2], note: "shard"))
    }
    let shardFile = shard.appendingPathComponent(RunJournal.fileName)
    let whole = try Data(contentsOf: shardFile)
    try whole.prefix(whole.count - 10).write(to: shardFile)
    #expect(try journal.absorb(journalIn: shard) == 1)
    #expect(journal.keys == ["input-0", "input-1"] && journal.record("input-0", as: Record.self)?.note == "main")
    let reopened = try RunJournal(directory: main, identity: identity)
    #expect(reopened.keys == ["input-0", "input-1"] && reopened.record("input-1", as: Record.self)?.values == [1])
    _ = try RunJournal(directory: stranger, identity: ["model": "xyz", "seed": "3"])
    #expect(throws: RunJournalError.self) { try journal.absorb(journalIn: stranger) }
    #expect(throws: RunJournalError.self) { try journal.absorb(journalIn: directory()) }
  }

  /// Golden values of FNV-1a 64 (the published test vectors).
  @Test func checksumIsFNV1a() {
    #expect(fnv1a64(Array("".utf8)) == 0xcbf2_9ce4_8422_2325)
    #expect(fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
    #expect(fnv1a64(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
  }
}
