// Ctrl-C and SIGTERM for long runs: the first signal asks the run to stop after the unit of work
// in progress (its journal stays consistent and the run says what it kept and how to resume);
// a second one ends the process at once, which the journal also survives (a torn last line is
// dropped when it is read). Jobs poll `Interruption.requested` between units of work.

import Dispatch
import Foundation
import Synchronization

/// Process-wide handling of SIGINT and SIGTERM for batch runs.
public enum Interruption {
  /// The signal received (0: none).
  private static let received = Atomic<Int32>(0)
  /// The dispatch sources (kept alive); installing twice is a no-op.
  private static let sources = Mutex<[DispatchSourceSignal]>([])

  /// Installs the handlers (call once, before the run).
  public static func install() {
    sources.withLock { sources in
      guard sources.isEmpty else { return }
      for number in [SIGINT, SIGTERM] {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
          let (exchanged, _) = received.compareExchange(expected: 0, desired: number, ordering: .sequentiallyConsistent)
          if !exchanged {
            FileHandle.standardError.write(Data("\nstopped at once (second signal); the journal keeps all finished work\n".utf8))
            _exit(128 + number)
          }
          FileHandle.standardError.write(Data("\nstopping after the work in progress (Ctrl-C again stops at once)…\n".utf8))
        }
        source.resume()
        sources.append(source)
      }
    }
  }

  /// The signal asking the run to stop, if one came.
  public static var requested: Int32? {
    let value = received.load(ordering: .sequentiallyConsistent)
    return value == 0 ? nil : value
  }

  /// The conventional exit status of a process stopped by `signal`: 128 + its number.
  public static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }
}

/// A run stopped by a signal after finishing `kept` of `total` units, all in its journal.
public struct RunInterrupted: Error, CustomStringConvertible, Sendable {
  /// The signal.
  public var signal: Int32
  /// Units finished and kept (including those of earlier runs), and all units.
  public var kept: Int, total: Int
  /// What a unit is ("inputs").
  public var units: String
  /// The journal holding them, if the run has one.
  public var journal: URL?

  /// An interruption report.
  public init(signal: Int32, kept: Int, total: Int, units: String = "inputs", journal: URL?) {
    (self.signal, self.kept, self.total, self.units, self.journal) = (signal, kept, total, units, journal)
  }

  public var description: String {
    let name = signal == SIGINT ? "interrupted" : "terminated"
    guard let journal else { return "\(name) after \(kept) of \(total) \(units); nothing was written (give --out DIR to keep finished \(units))" }
    return "\(name): \(kept) of \(total) \(units) finished and kept in \(journal.path)"
  }

  /// Throws if a stop was requested, reporting `kept` of `total` `units`.
  public static func check(kept: Int, total: Int, units: String = "inputs", journal: URL?) throws(RunInterrupted) {
    if let signal = Interruption.requested { throw RunInterrupted(signal: signal, kept: kept, total: total, units: units, journal: journal) }
  }
}
