// Long commands stop cleanly on Ctrl-C or SIGTERM: the job finishes the input in progress, its
// journal keeps every finished one, and the command says what it kept and how to resume.

import ArgumentParser
import Basics
import Foundation

/// Runs a batch job with Ctrl-C/SIGTERM handling: a stopped run prints what it kept and the
/// command that resumes it (this one, with `resumeFlags` added where it needs them, e.g.
/// --resume for training), and exits with 128 + the signal's number.
func stoppable<T>(resumeFlags: [String] = [], _ body: () throws -> T) throws -> T {
  Interruption.install()
  do { return try body() } catch let stop as RunInterrupted {
    var message = "\(stop)"
    let missing = resumeFlags.filter { !CommandLine.arguments.contains($0) }
    if stop.journal != nil {
      message += "\n\(missing.isEmpty ? "rerun the same command" : "rerun with \(missing.joined(separator: " "))") to continue: \(([resumeCommand] + missing).joined(separator: " "))"
    }
    FileHandle.standardError.write(Data((message + "\n").utf8))
    throw ExitCode(Interruption.exitStatus(for: stop.signal))
  }
}

/// This process's command line without --restart, quoted for a POSIX shell.
var resumeCommand: String {
  CommandLine.arguments.enumerated().filter { $0.offset == 0 || $0.element != "--restart" }.map { quoted($0.element) }.joined(separator: " ")
}

/// `word` as one shell word: bare when it is plain, else in single quotes.
func quoted(_ word: String) -> String {
  let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./:=,+@%".unicodeScalars.contains($0) }
  return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// --restart of every command that keeps a journal in its output directory.
struct JournalOptions: ParsableArguments {
  @Flag(help: ArgumentHelp(
    "Discard the journal of an earlier run in --out and start over.",
    discussion: "Every finished unit of work (an input, or an input and setting) is kept in OUT/journal.jsonl as soon as it is done; rerunning the same command continues an interrupted run (Ctrl-C, a kill, a time limit) and gives the files an uninterrupted run gives. A journal of other settings is refused, naming what differs."))
  var restart = false
}
