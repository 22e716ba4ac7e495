// Resuming long evaluations: the rows of an interrupted run (rows.partial.csv) or of a finished
// one are reused group by group, where a group is one (input, setting) pair, complete when it
// holds exactly the K samples the run asks for. Identical samples are legitimate, so rows are
// never deduplicated; the first file holding a complete group wins. The partial file is then
// rewritten with the reused rows only (a row cut short by the interruption is dropped) and new
// rows are appended to it as they are computed, so no finished work is lost again.

import Basics
import Foundation
import Tensor

/// The reusable rows of an evaluation and the partial file new rows are appended to.
final class ResumableRows<Row> {
  /// Complete groups by key.
  private(set) var completed: [String: [Row]]
  private let handle: FileHandle
  private let line: (Row) -> String

  /// Reads `files` in order, keeps the rows `parse` accepts, groups them by `key` and keeps the
  /// groups of exactly `samples` rows; rewrites `partial` as `header` + those rows in `order`
  /// and opens it for appending.
  init(files: [URL], partial: URL, header: String, samples: Int, parse: (String) -> [Row], key: (Row) -> String,
       line: @escaping (Row) -> String, order: (Row, Row) -> Bool) throws {
    var completed: [String: [Row]] = [:]
    for url in files {
      guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
      let groups = Dictionary(grouping: parse(text), by: key)
      for (k, rows) in groups where completed[k] == nil && rows.count == samples { completed[k] = rows }
    }
    let kept = completed.values.flatMap { $0 }.sorted(by: order)
    try AtomicFile.write(Data(([header] + kept.map(line)).joined(separator: "\n").utf8 + [10]), to: partial)
    handle = try FileHandle(forWritingTo: partial)
    try handle.seekToEnd()
    (self.completed, self.line) = (completed, line)
  }

  deinit { try? handle.close() }

  /// Appends newly computed rows to the partial file (one write per call) and syncs it, so a
  /// crash right after loses none of them.
  func append(_ rows: [Row]) throws {
    try handle.write(contentsOf: Data(rows.map { line($0) + "\n" }.joined().utf8))
    try handle.synchronize()
  }
}
