// Progress bars for long work: step, a live value (e.g. loss), rate and ETA on one line.
// Writes to standard error so standard output stays machine-readable; redraws in place on a
// terminal and prints occasional plain lines otherwise (CI logs).

import Foundation

/// Reports progress of a counted task on standard error.
public final class ProgressReporter: @unchecked Sendable {
  private let total: Int
  private let label: String
  private let start = Date()
  private var lastDraw = Date.distantPast
  private let isTerminal = isatty(STDERR_FILENO) != 0
  private let quiet: Bool
  /// Units counted as done that took no time here (resumed work): left out of the rate.
  private var skipped: Int

  /// A reporter for `total` units of work named `label`, of which `alreadyDone` were done by an
  /// earlier run (resume); `quiet` silences it.
  public init(total: Int, label: String, quiet: Bool = false, alreadyDone: Int = 0) {
    self.total = total
    self.label = label
    self.quiet = quiet
    self.skipped = alreadyDone
  }

  /// Counts `count` units that are done without work here (reused results), so that the rate
  /// and ETA reflect only the work actually done.
  public func skip(_ count: Int = 1) { skipped += count }

  /// Formats seconds as h:mm:ss or m:ss.
  public static func clock(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--:--" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }

  /// The progress line for `done` units with extra `fields` (e.g. ["loss": "0.123"]).
  public func line(done: Int, fields: [(String, String)]) -> String {
    let elapsed = Date().timeIntervalSince(start)
    let rate = elapsed > 0 ? Double(Swift.max(done - skipped, 0)) / elapsed : 0
    let eta = rate > 0 ? Double(total - done) / rate : .infinity
    let width = 24
    let filled = total > 0 ? Swift.min(width, done * width / total) : 0
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    let extra = fields.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
    return "\(label) [\(bar)] \(done)/\(total)  \(extra)  \(String(format: "%.2f", rate))/s  elapsed \(ProgressReporter.clock(elapsed))  ETA \(ProgressReporter.clock(eta))"
  }

  /// Updates the display (throttled to 4 redraws per second on a terminal, one line per 30 s
  /// otherwise); the final update always prints.
  public func update(done: Int, fields: [(String, String)] = []) {
    guard !quiet else { return }
    let now = Date()
    let final = done >= total
    let interval = isTerminal ? 0.25 : 30
    guard final || now.timeIntervalSince(lastDraw) >= interval else { return }
    lastDraw = now
    let text = line(done: done, fields: fields)
    FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + text + (final || !isTerminal ? "\n" : "")).utf8))
  }

  /// Prints a message on its own line without breaking the bar.
  public func note(_ message: String) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + message + "\n").utf8))
  }
}
