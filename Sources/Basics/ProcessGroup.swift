// The processes one job runs on: a single process, or the ranks of an MPI job (`mpirun -n N
// cfx …`, Sources/MessagePassing). Data-parallel training sums gradients over the group; batch
// runs give each rank a shard of the inputs and merge the results on rank 0. Every operation is
// collective: every rank calls it, in the same order, or the job waits forever.

/// Why a collective operation failed (the message names the operation and the reason).
public struct ProcessGroupError: Error, CustomStringConvertible, Sendable {
  /// What failed and why.
  public var message: String
  /// An error with `message`.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// This process's rank among the processes of a job, and the collective operations between them.
public protocol ProcessGroup: AnyObject, Sendable {
  /// This process's rank, 0..<size; rank 0 writes the results.
  var rank: Int { get }
  /// The number of processes.
  var size: Int { get }
  /// Replaces `values` on every rank by their element-wise sum over the ranks (same count on all).
  func sum(_ values: inout [Float]) throws(ProcessGroupError)
  /// Replaces `values` on every rank by their element-wise sum over the ranks (same count on all).
  func sum(_ values: inout [Double]) throws(ProcessGroupError)
  /// `root`'s bytes, on every rank (the other ranks' `bytes` are ignored).
  func broadcast(_ bytes: [UInt8], from root: Int) throws(ProcessGroupError) -> [UInt8]
  /// Every rank's `value`, in rank order, on every rank.
  func allGather(_ value: UInt64) throws(ProcessGroupError) -> [UInt64]
  /// Every rank's bytes, in rank order, on `root`; nil on the other ranks.
  func gather(_ bytes: [UInt8], at root: Int) throws(ProcessGroupError) -> [[UInt8]]?
}

extension ProcessGroup {
  /// True on rank 0, the rank that writes files and prints.
  public var isRoot: Bool { rank == 0 }

  /// `root`'s integers, on every rank (the other ranks' `values` are ignored).
  public func broadcastIntegers(_ values: [Int], from root: Int) throws(ProcessGroupError) -> [Int] {
    let bytes = try broadcast(littleEndianBytes(values), from: root)
    return stride(from: 0, to: bytes.count, by: 8).map { i in
      var word: UInt64 = 0
      for j in 0..<8 { word |= UInt64(bytes[i + j]) << (8 * j) }
      return Int(Int64(bitPattern: word))
    }
  }

  /// Fails unless every rank holds the same `value`; `what` names it in the error (e.g. "the
  /// training data's SHA-256"), with every rank's value.
  public func requireEqual(_ value: UInt64, _ what: String) throws(ProcessGroupError) {
    let all = try allGather(value)
    guard Set(all).count == 1 else {
      let listed = all.enumerated().map { "rank \($0.offset): \(String($0.element, radix: 16))" }.joined(separator: ", ")
      throw ProcessGroupError("the ranks disagree on \(what) (\(listed)); every rank must see the same files and settings")
    }
  }
}

/// A job of one process: every collective operation returns its input.
public final class SingleProcess: ProcessGroup {
  /// The single process (rank 0 of 1).
  public init() {}
  public var rank: Int { 0 }
  public var size: Int { 1 }
  public func sum(_ values: inout [Float]) throws(ProcessGroupError) {}
  public func sum(_ values: inout [Double]) throws(ProcessGroupError) {}
  public func broadcast(_ bytes: [UInt8], from root: Int) throws(ProcessGroupError) -> [UInt8] { bytes }
  public func allGather(_ value: UInt64) throws(ProcessGroupError) -> [UInt64] { [value] }
  public func gather(_ bytes: [UInt8], at root: Int) throws(ProcessGroupError) -> [[UInt8]]? { [bytes] }
}

/// Integers as 8 little-endian bytes each (the same on every machine).
func littleEndianBytes(_ values: [Int]) -> [UInt8] {
  values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: Int64(v)) >> (8 * $0)) } }
}
