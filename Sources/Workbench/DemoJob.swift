// The job `cfx demo` runs: the most complete real work cfx can do so far.

/// The outcome of the demo job: a report for the terminal and whether every step worked.
public struct DemoJob: Sendable {
  /// Text for the terminal.
  public var text: String
  /// Whether every step succeeded.
  public var succeeded: Bool

  /// Runs every step that exists today and lists what is still missing.
  public static func run(seed: UInt64) -> DemoJob {
    var lines: [String] = ["cfx demo (seed \(seed))", "", "1. Native libraries:"]
    let native = NativeLibraryReport.run()
    lines.append(native.text)
    lines += [
      "",
      "Not built yet (so not run): molecule steering into a logP window, graph counterfactuals",
      "on planar graphs, SVG diffs. They land with the graph-diffusion, chemistry, rendering",
      "and logP-steering issues.",
    ]
    return DemoJob(text: lines.joined(separator: "\n"), succeeded: native.allPassed)
  }
}
