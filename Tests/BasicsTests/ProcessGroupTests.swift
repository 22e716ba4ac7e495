import Basics
import Foundation
import Testing

/// A group whose all-gather answers what a test sets (the other operations are not used here).
final class ScriptedGroup: ProcessGroup, @unchecked Sendable {
  let rank: Int, size: Int
  var gathered: [UInt64]
  init(rank: Int, gathered: [UInt64]) { (self.rank, self.size, self.gathered) = (rank, gathered.count, gathered) }
  func sum(_ values: inout [Float]) throws(ProcessGroupError) {}
  func sum(_ values: inout [Double]) throws(ProcessGroupError) {}
  func broadcast(_ bytes: [UInt8], from root: Int) throws(ProcessGroupError) -> [UInt8] { bytes }
  func allGather(_ value: UInt64) throws(ProcessGroupError) -> [UInt64] { gathered }
  func gather(_ bytes: [UInt8], at root: Int) throws(ProcessGroupError) -> [[UInt8]]? { rank == root ? [bytes] : nil }
}

@Suite struct ProcessGroupTests {
  /// A single process is rank 0 of 1 and every collective returns its input.
  @Test func singleProcessReturnsItsInput() throws {
    let group = SingleProcess()
    #expect(group.rank == 0 && group.size == 1 && group.isRoot)
    var values: [Float] = [1, -2.5]
    try group.sum(&values)
    #expect(values == [1, -2.5])
    #expect(try group.broadcast([1, 2, 3], from: 0) == [1, 2, 3])
    #expect(try group.allGather(7) == [7])
    #expect(try group.gather([9], at: 0) == [[9]])
    try group.requireEqual(42, "anything")
  }

  /// Ranks that disagree are named with their values; ranks that agree pass.
  @Test func requireEqualNamesTheDisagreeingRanks() throws {
    try ScriptedGroup(rank: 1, gathered: [5, 5, 5]).requireEqual(5, "the data")
    #expect {
      try ScriptedGroup(rank: 0, gathered: [0xa, 0xb]).requireEqual(0xa, "the training data")
    } throws: { error in
      let text = "\(error)"
      return text.contains("the ranks disagree on the training data") && text.contains("rank 0: a") && text.contains("rank 1: b")
    }
  }
}

@Suite struct ShardedWorkTests {
  /// With one process every unit is computed and delivered in order; a unit's error passes
  /// through unchanged and stops the run.
  @Test func oneProcessDeliversInOrderAndStopsAtAnError() throws {
    var delivered: [(Int, [UInt8])] = []
    try ShardedWork.run(units: [4, 1, 7], group: SingleProcess(), compute: { [UInt8($0 * 2)] }, deliver: { delivered.append(($0, $1)) })
    #expect(delivered.map(\.0) == [4, 1, 7] && delivered.map(\.1) == [[8], [2], [14]])
    struct Broken: Error {}
    delivered = []
    #expect(throws: Broken.self) {
      try ShardedWork.run(units: [0, 1, 2], group: SingleProcess(), compute: { if $0 == 1 { throw Broken() }; return [] }, deliver: { delivered.append(($0, $1)) })
    }
    #expect(delivered.map(\.0) == [0])
  }

  /// Integers survive the byte encoding of a broadcast (negative and large ones included).
  @Test func integersBroadcastUnchanged() throws {
    let values = [0, 1, -1, 255, 256, Int.max, Int.min, 123_456_789_012]
    #expect(try SingleProcess().broadcastIntegers(values, from: 0) == values)
  }

  /// Units the journal holds are not computed again; the others are computed, journaled and
  /// returned with them; a unit without a key is computed every time and never journaled.
  @Test func journaledRunsComputeOnlyWhatTheJournalLacks() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-sharded-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    func key(_ unit: Int) -> String? { unit == 3 ? nil : "unit-\(unit)" }
    var computed: [Int] = []
    func once() throws -> (records: [Int: String], resumed: Int)? {
      let journal = try RunJournal(directory: dir, identity: ["test": "1"])
      return try ShardedWork.runJournaled(
        units: [0, 1, 2, 3], group: SingleProcess(), journal: journal, key: key,
        progress: ProgressReporter(total: 4, label: "test", quiet: true),
        compute: { unit in computed.append(unit); return "value \(unit)" }, delivered: { _, _ in })
    }
    let first = try #require(try once())
    #expect(first.resumed == 0 && computed == [0, 1, 2, 3] && first.records[2] == "value 2")
    computed = []
    let second = try #require(try once())
    #expect(second.resumed == 3 && computed == [3] && second.records == first.records)
  }
}
