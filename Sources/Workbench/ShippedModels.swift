// Where the models shipped in the repository's molecules/models/ are found at run time.

import Foundation

/// Locates shipped models.
public enum ShippedModels {
  /// Candidate roots: $CFX_HOME, the current directory, and the source checkout the executable
  /// was built in (.build/<config>/cfx → ../../).
  static var roots: [URL] {
    var roots: [URL] = []
    if let home = ProcessInfo.processInfo.environment["CFX_HOME"] { roots.append(URL(fileURLWithPath: home)) }
    roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    roots.append(exe.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
    return roots
  }

  /// The repository's molecules/ directory (bundled data sets and models).
  public static func moleculesDirectory() throws -> URL {
    for root in roots {
      let candidate = root.appendingPathComponent("molecules")
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("zinc-subset.smi").path) { return candidate }
    }
    throw ExplainError("the bundled molecules/ directory was not found under \(roots.map(\.path).joined(separator: ", ")); run from the cfx checkout or set CFX_HOME")
  }

  /// The directory of shipped model `name` (e.g. "planar"), or an error that says where it looked.
  public static func directory(_ name: String) throws -> URL {
    for root in roots {
      let candidate = root.appendingPathComponent("molecules/models/\(name)")
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("config.json").path) { return candidate }
    }
    throw ExplainError(
      "the shipped model '\(name)' was not found under \(roots.map { $0.path + "/molecules/models" }.joined(separator: ", ")); "
        + "run from the cfx checkout, set CFX_HOME to it, or pass --model DIR")
  }
}
