import Foundation
import Testing

/// Every command's `--help` is golden output: a change to an option, a default or a sentence of
/// help shows up here and has to be accepted on purpose. To accept changes, run
///   CFX_UPDATE_HELP=1 swift test --filter HelpGoldenTests
/// and review the diff of Tests/CLITests/help/.
@Suite(.serialized) struct HelpGoldenTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("help")

  /// Every command path, read from the tool's own description of itself.
  static func commandPaths() throws -> [[String]] {
    let (status, out, err) = try runCFX(["--experimental-dump-help"])
    guard status == 0, let document = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any],
      let root = document["command"] as? [String: Any]
    else { throw CocoaError(.coderReadCorrupt, userInfo: [NSLocalizedDescriptionKey: "cfx --experimental-dump-help: \(err)"]) }
    func walk(_ command: [String: Any], _ path: [String]) -> [[String]] {
      let children = (command["subcommands"] as? [[String: Any]]) ?? []
      return [path] + children.flatMap { child in walk(child, path + [child["commandName"] as? String ?? "?"]) }
    }
    return walk(root, []).filter { $0.last != "help" }
  }

  @Test func everyCommandsHelpIsAsRecorded() throws {
    let update = ProcessInfo.processInfo.environment["CFX_UPDATE_HELP"] == "1"
    let paths = try Self.commandPaths()
    #expect(paths.count >= 20, "\(paths)")
    var expectedFiles: Set<String> = []
    for path in paths {
      let (status, out, err) = try runCFX(path + ["--help"])
      #expect(status == 0, "cfx \(path.joined(separator: " ")) --help: \(err)")
      let name = (path.isEmpty ? ["cfx"] : path).joined(separator: "-") + ".txt"
      expectedFiles.insert(name)
      let file = Self.directory.appendingPathComponent(name)
      if update {
        try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
        try Data(out.utf8).write(to: file)
        continue
      }
      let recorded = try? String(contentsOf: file, encoding: .utf8)
      #expect(recorded == out, "cfx \(path.joined(separator: " ")) --help changed; accept with CFX_UPDATE_HELP=1 (Tests/CLITests/help/\(name))")
    }
    // No recorded help of a command that no longer exists.
    let recorded = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.directory.path)) ?? [])
    #expect(update || recorded == expectedFiles, "stale or missing files in Tests/CLITests/help: \(recorded.symmetricDifference(expectedFiles).sorted())")
  }
}
