// The ranks of an MPI job (`mpirun -n N cfx …`, or Slurm's `srun`) as a ProcessGroup, through
// the CMPIShim C API over Open MPI. MPI is started only when a launcher started this process
// (its environment says so); a plain `cfx …` never touches MPI.

import Basics
import CMPIShim
import Foundation

/// The processes of an MPI job. At most one exists per process; it finalises MPI on `finish()`.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
  /// This process's rank in MPI_COMM_WORLD.
  public let rank: Int
  /// The number of processes in MPI_COMM_WORLD.
  public let size: Int
  /// The number of ranks on this machine (they share its cores).
  public let localSize: Int

  /// Whether an MPI launcher (Open MPI's mpirun, MPICH's hydra, Slurm's srun with PMI/PMIx)
  /// started this process.
  public static var launchedByMPI: Bool {
    let environment = ProcessInfo.processInfo.environment
    return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
  }

  /// Starts MPI and reads this process's place in the job.
  public init() throws(ProcessGroupError) {
    try Self.check(cmpi_initialize(), "MPI_Init")
    let rank = Int(cmpi_rank()), size = Int(cmpi_size()), local = Int(cmpi_local_size())
    guard rank >= 0, size >= 1, local >= 1 else {
      throw ProcessGroupError("MPI started but reports rank \(rank) of \(size) (\(local) on this machine)")
    }
    (self.rank, self.size, localSize) = (rank, size, local)
  }

  /// Finalises MPI; call once, after the last collective operation, on every rank.
  public func finish() { if cmpi_is_initialized() != 0 { _ = cmpi_finalize() } }

  /// Ends every rank of the job (an error that only this rank saw would leave the others
  /// waiting in their next collective operation).
  public func abortJob(code: Int32) -> Never {
    cmpi_abort(code)
    exit(code)
  }

  public func sum(_ values: inout [Float]) throws(ProcessGroupError) {
    let status = values.withUnsafeMutableBufferPointer { cmpi_allreduce_sum_float($0.baseAddress, Int64($0.count)) }
    try Self.check(status, "sum of \(values.count) floats (MPI_Allreduce)")
  }

  public func sum(_ values: inout [Double]) throws(ProcessGroupError) {
    let status = values.withUnsafeMutableBufferPointer { cmpi_allreduce_sum_double($0.baseAddress, Int64($0.count)) }
    try Self.check(status, "sum of \(values.count) doubles (MPI_Allreduce)")
  }

  public func broadcast(_ bytes: [UInt8], from root: Int) throws(ProcessGroupError) -> [UInt8] {
    // The length first, so that every rank can make room.
    var count = [Int64(rank == root ? bytes.count : 0)]
    try Self.check(count.withUnsafeMutableBytes { cmpi_broadcast_bytes($0.baseAddress, 8, Int32(root)) }, "broadcast of a length (MPI_Bcast)")
    var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
    let status = buffer.withUnsafeMutableBytes { cmpi_broadcast_bytes($0.baseAddress, Int64($0.count), Int32(root)) }
    try Self.check(status, "broadcast of \(count[0]) bytes (MPI_Bcast)")
    return buffer
  }

  public func allGather(_ value: UInt64) throws(ProcessGroupError) -> [UInt64] {
    var all = [UInt64](repeating: 0, count: size)
    let status = all.withUnsafeMutableBufferPointer { cmpi_allgather_uint64(value, $0.baseAddress) }
    try Self.check(status, "all-gather (MPI_Allgather)")
    return all
  }

  public func gather(_ bytes: [UInt8], at root: Int) throws(ProcessGroupError) -> [[UInt8]]? {
    let isRoot = rank == root
    var counts = [Int64](repeating: 0, count: isRoot ? size : 0)
    let status = counts.withUnsafeMutableBufferPointer { cmpi_gather_int64(Int64(bytes.count), Int32(root), isRoot ? $0.baseAddress : nil) }
    try Self.check(status, "gather of lengths (MPI_Gather)")
    var out = [UInt8](repeating: 0, count: isRoot ? Int(counts.reduce(0, +)) : 0)
    let gathered = bytes.withUnsafeBytes { mine in
      counts.withUnsafeBufferPointer { c in
        out.withUnsafeMutableBytes { o in
          cmpi_gather_bytes(mine.baseAddress, Int64(mine.count), Int32(root), isRoot ? c.baseAddress : nil, isRoot ? o.baseAddress : nil)
        }
      }
    }
    try Self.check(gathered, "gather of \(bytes.count) bytes (MPI_Gatherv)")
    guard isRoot else { return nil }
    var parts: [[UInt8]] = []
    var offset = 0
    for c in counts {
      parts.append(Array(out[offset..<(offset + Int(c))]))
      offset += Int(c)
    }
    return parts
  }

  /// Throws unless `status` is MPI_SUCCESS (0), naming `operation` and MPI's reason.
  static func check(_ status: Int32, _ operation: String) throws(ProcessGroupError) {
    guard status != 0 else { return }
    var text = [CChar](repeating: 0, count: 512)
    cmpi_error_text(status, &text, Int32(text.count))
    let reason = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    throw ProcessGroupError("MPI: \(operation) failed: \(reason) (status \(status))")
  }
}
