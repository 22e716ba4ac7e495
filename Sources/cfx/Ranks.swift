// Running under MPI: `mpirun -n N cfx train molecules …` (or Slurm's `srun`) starts N copies of
// cfx; each finds its rank here. The commands that share work across ranks conform to
// `RunsOnRanks`; every other command refuses to run in more than one process, because N copies
// would write the same files.

import ArgumentParser
import Basics
import Foundation
import MessagePassing
import Tensor

/// A command that shares its work across the ranks of an MPI job.
protocol RunsOnRanks {}

/// The processes this run belongs to.
enum Ranks {
  /// The MPI job, when a launcher started this process; nil for a plain run.
  nonisolated(unsafe) private(set) static var mpi: MPIProcessGroup?

  /// The ranks of this run (a single process unless started by an MPI launcher).
  static var group: any ProcessGroup { mpi ?? SingleProcess() }

  /// Joins the MPI job when a launcher started this process, and gives each rank on this
  /// machine its share of the cores (CFX_THREADS overrides it).
  static func start() throws(ProcessGroupError) {
    guard MPIProcessGroup.launchedByMPI else { return }
    let group = try MPIProcessGroup()
    mpi = group
    Tensor.limitKernelThreads(to: Swift.max(1, ProcessInfo.processInfo.activeProcessorCount / group.localSize))
  }

  /// Runs the command of `arguments` on this rank: an error ends every rank of the job (the
  /// others would wait for this one forever), naming the rank that saw it.
  static func main(_ root: ParsableCommand.Type) -> Never {
    do {
      try start()
    } catch {
      FileHandle.standardError.write(Data("cfx: \(error)\n".utf8))
      exit(1)
    }
    var command: ParsableCommand
    do {
      command = try root.parseAsRoot()
    } catch {
      root.exit(withError: error)
    }
    do {
      if let mpi, mpi.size > 1, !(command is RunsOnRanks) {
        throw ValidationError("this command runs in one process; under mpirun only `cfx train molecules`, `cfx explain molecules` and `cfx eval molecules` share their work across ranks (this job has \(mpi.size))")
      }
      try command.run()
    } catch {
      if let mpi, mpi.size > 1 {
        FileHandle.standardError.write(Data("cfx (rank \(mpi.rank) of \(mpi.size)): \(root.message(for: error))\n".utf8))
        mpi.abortJob(code: 1)
      }
      root.exit(withError: error)
    }
    mpi?.finish()
    exit(0)
  }
}
