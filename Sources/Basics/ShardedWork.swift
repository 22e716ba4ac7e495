// A batch run's units of work (inputs, (input, setting) pairs) shared across the ranks of a
// ProcessGroup: in rounds of one unit per rank (unit i of the list goes to rank i mod size),
// each rank computes its unit, the results travel to rank 0 as bytes, and rank 0 hands them to
// `deliver` in list order (journal, progress bar, results), so the output is the one a single
// process writes and the progress bar shows the whole run. A failure on any rank, or an error
// `deliver` throws on rank 0 (an interruption), ends the run on every rank after the round.
// `runJournaled` adds what every batch command needs on top: the units rank 0's run journal
// already holds are not computed again, the others are journaled as they arrive, and the
// progress bar counts both.

import Foundation

/// Why a sharded run stopped (a unit failed on another rank than 0).
public struct ShardedWorkError: Error, CustomStringConvertible, Sendable {
  /// What failed, on which rank.
  public var message: String
  public var description: String { message }
}

/// Units of work shared across ranks.
public enum ShardedWork {
  /// Computes `compute(unit)` for every unit of `units` on the ranks of `group` and calls
  /// `deliver(unit, result)` on rank 0 for each, in the order of `units`. Every rank must pass
  /// the same units. Returns true when every unit was delivered; false on the ranks other than
  /// 0 when the run stopped (rank 0 then throws why). With one process, `compute` and
  /// `deliver` alternate and their errors pass through unchanged.
  @discardableResult
  public static func run(units: [Int], group: any ProcessGroup, compute: (Int) throws -> [UInt8],
                         deliver: (Int, [UInt8]) throws -> Void) throws -> Bool {
    guard group.size > 1 else {
      for unit in units { try deliver(unit, try compute(unit)) }
      return true
    }
    try group.requireEqual(fnv1a64(littleEndianBytes(units)), "the units of work")
    let size = group.size
    for round in stride(from: 0, to: units.count, by: size) {
      // This rank's unit of the round: [0] + result, [1] + error text, or nothing.
      var payload: [UInt8] = []
      var ownError: Error? = nil
      if round + group.rank < units.count {
        do {
          payload = [0] + (try compute(units[round + group.rank]))
        } catch {
          ownError = error
          payload = [1] + Array("\(error)".utf8)
        }
      }
      let gathered = try group.gather(payload, at: 0)
      var stop: Error? = nil
      if let gathered {
        for (rank, part) in gathered.enumerated() where !part.isEmpty {
          let unit = units[round + rank]
          if part[0] != 0 {
            stop = rank == 0 ? ownError! : ShardedWorkError(message: "rank \(rank), unit \(unit): \(String(decoding: part.dropFirst(), as: UTF8.self))")
            break
          }
          do { try deliver(unit, Array(part.dropFirst())) } catch {
            stop = error
            break
          }
        }
      }
      let verdict = try group.broadcast([stop == nil ? 0 : 1], from: 0)
      if let stop { throw stop }
      if verdict != [0] { return false }
    }
    return true
  }

  /// `run` for units whose records a run journal keeps (rank 0's `journal`; nil on the other
  /// ranks, and when the run keeps none). Units whose `key` the journal holds are taken from it;
  /// the others are computed across the ranks, journaled on rank 0 as they arrive (a nil key:
  /// never journaled, always computed) and counted on `progress`, after which `delivered(unit,
  /// done)` runs on rank 0 (e.g. an interruption check). Returns on rank 0 every unit's record
  /// and how many came from the journal; nil on the other ranks, and on them when the run stopped.
  public static func runJournaled<Record: Codable>(
    units: [Int], group: any ProcessGroup, journal: RunJournal?, key: (Int) -> String?, progress: ProgressReporter,
    compute: (Int) throws -> Record, delivered: (_ unit: Int, _ done: Int) throws -> Void
  ) throws -> (records: [Int: Record], resumed: Int)? {
    var records: [Int: Record] = [:]
    for unit in units {
      if let k = key(unit), let kept = journal?.record(k, as: Record.self) { records[unit] = kept }
    }
    let pending = try group.broadcastIntegers(units.filter { records[$0] == nil }, from: 0)
    let resumed = units.count - pending.count
    for _ in 0..<resumed { progress.skip() }
    var done = resumed
    let completed = try run(units: pending, group: group, compute: { unit in Array(try RunJournal.encoder.encode(compute(unit))) }) { unit, bytes in
      let json = Data(bytes)
      let record = try RunJournal.decoder.decode(Record.self, from: json)
      if let k = key(unit) { try journal?.append(k, encoded: json) }
      records[unit] = record
      done += 1
      progress.update(done: done)
      try delivered(unit, done)
    }
    return group.isRoot && completed ? (records, resumed) : nil
  }
}
