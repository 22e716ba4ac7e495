import Basics
import Foundation
import Testing
import Workbench

@Suite struct ProgressReporterTests {
  /// Clock format: m:ss under an hour, h:mm:ss above, "--:--" when unknown.
  @Test func clockFormat() {
    #expect(ProgressReporter.clock(0) == "0:00")
    #expect(ProgressReporter.clock(75.4) == "1:15")
    #expect(ProgressReporter.clock(3 * 3600 + 62) == "3:01:02")
    #expect(ProgressReporter.clock(.infinity) == "--:--")
  }

  /// Work done by an earlier run (resume) or reused counts towards the bar but not the rate:
  /// right after resuming at 50 of 100, nothing new is done, so there is no rate and no ETA
  /// (counting the 50 would claim thousands per second and an ETA of zero).
  @Test func resumedWorkIsLeftOutOfTheRate() {
    let resumed = ProgressReporter(total: 100, label: "train", quiet: true, alreadyDone: 50)
    let line = resumed.line(done: 50, fields: [])
    #expect(line.contains("50/100") && line.contains(" 0.00/s") && line.hasSuffix("ETA --:--"), "\(line)")
    let reused = ProgressReporter(total: 10, label: "eval", quiet: true)
    reused.skip(4)
    #expect(reused.line(done: 4, fields: []).hasSuffix("ETA --:--"))
    let fresh = ProgressReporter(total: 10, label: "eval", quiet: true)
    Thread.sleep(forTimeInterval: 0.01)
    #expect(!fresh.line(done: 4, fields: []).hasSuffix("ETA --:--"))
  }
}
