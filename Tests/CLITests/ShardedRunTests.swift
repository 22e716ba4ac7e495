import Foundation
import Testing

/// `mpirun -n 2 cfx explain molecules` and `cfx eval molecules`: the ranks share the inputs and
/// rank 0 writes exactly the files one process writes, then resumes from its journal.
@Suite(.serialized) struct ShardedRunTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func directory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-sharded-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The names among `names` whose files differ between `a` and `b`.
  static func differing(_ names: [String], _ a: URL, _ b: URL) throws -> [String] {
    try names.filter { try Data(contentsOf: a.appendingPathComponent($0)) != Data(contentsOf: b.appendingPathComponent($0)) }
  }

  /// Five molecules on 2 ranks (3 on rank 0, 2 on rank 1): the same CSV, JSON, SDF and SVG files
  /// and the same report as one process.
  @Test func explainOnTwoRanksWritesWhatOneProcessWrites() throws {
    let input = Self.directory().appendingPathComponent("five.smi")
    let lines = try String(contentsOf: Self.root.appendingPathComponent("molecules/examples/example.smi"), encoding: .utf8).split(separator: "\n").prefix(5)
    try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
    let (one, two) = (Self.directory(), Self.directory())
    let arguments = ["explain", "molecules", "--input", input.path, "--samples", "2", "--seed", "4", "--quiet"]
    let (s1, out1, e1) = try runCFX(arguments + ["--out", one.path])
    #expect(s1 == 0, "\(e1)")
    let (s2, out2, e2) = try runCFXUnderMPI(ranks: 2, arguments + ["--out", two.path])
    #expect(s2 == 0, "\(e2)")
    let names = ["counterfactuals.csv", "counterfactuals.json", "counterfactuals.sdf"] + (0..<5).map { "input-\($0).svg" }
    #expect(try Self.differing(names, one, two) == [], "\(one.path) vs \(two.path)")
    #expect(out1.replacingOccurrences(of: one.path, with: "OUT") == out2.replacingOccurrences(of: two.path, with: "OUT"))
    // Rerun on 2 ranks: every input comes from rank 0's journal, nothing is recomputed.
    let (s3, out3, e3) = try runCFXUnderMPI(ranks: 2, arguments + ["--out", two.path])
    #expect(s3 == 0, "\(e3)")
    #expect(out3.contains("resumed 5 of 5 inputs"))
    #expect(try Self.differing(names, one, two) == [], "\(one.path) vs \(two.path)")
  }

  /// Four (input, setting) pairs on 2 ranks: the same rows, summary and notebook as one process.
  @Test func evalOnTwoRanksWritesWhatOneProcessWrites() throws {
    let smi = Self.root.appendingPathComponent("molecules/zinc-subset.smi").path
    let (one, two) = (Self.directory(), Self.directory())
    let arguments = ["eval", "molecules", "--test", smi, "--reference", smi, "--reference-limit", "100", "--inputs", "2", "--samples", "2",
                     "--tau", "10", "--no-baselines", "--seed", "2", "--quiet"]
    let (s1, _, e1) = try runCFX(arguments + ["--out", one.path])
    #expect(s1 == 0, "\(e1)")
    let (s2, out2, e2) = try runCFXUnderMPI(ranks: 2, arguments + ["--out", two.path])
    #expect(s2 == 0, "\(e2)")
    #expect(out2.components(separatedBy: "molecule evaluation:").count == 2, "rank 0 alone reports:\n\(out2)")
    let names = ["counterfactuals.csv", "summary.json", "notebooks-export/molecules.ipynb"]
    #expect(try Self.differing(names, one, two) == [], "\(one.path) vs \(two.path)")
  }
}
