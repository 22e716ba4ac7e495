// Where the models shipped in the repository (molecules/models/, images/models/) are found at run
// time.

import Foundation
import Molecules

/// Locates shipped models.
public enum ShippedModels {
  /// Candidate roots: $CFX_HOME, the current directory, and the ancestors of the executable's
  /// folder (the source checkout it was built in).
  static var roots: [URL] {
    var roots: [URL] = []
    if let home = ProcessInfo.processInfo.environment["CFX_HOME"] { roots.append(URL(fileURLWithPath: home)) }
    roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    // The executable's ancestors: .build/release/cfx resolves to
    // .build/<triple>/release/cfx, three or four levels below the checkout.
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      dir = dir.deletingLastPathComponent()
      roots.append(dir)
    }
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

  /// The directory of shipped model `name` (e.g. "planar") in `folder`, or an error that says
  /// where it looked.
  public static func directory(_ name: String, in folder: String = "molecules/models", flag: String = "--model") throws -> URL {
    for root in roots {
      let candidate = root.appendingPathComponent("\(folder)/\(name)")
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("config.json").path) { return candidate }
    }
    throw ExplainError(
      "the shipped model '\(name)' was not found under \(roots.map { $0.path + "/" + folder }.joined(separator: ", ")); "
        + "run from the cfx checkout, set CFX_HOME to it, or pass \(flag) DIR")
  }

  /// The shipped classifier of image set `set` (images/models/SET-classifier).
  public static func imageClassifier(forSet set: String) throws -> URL {
    try directory("\(set)-classifier", in: "images/models", flag: "--classifier")
  }

  /// The shipped diffusion autoencoder of image set `set` (images/models/SET-diffae).
  public static func imageDiffusionAutoencoder(forSet set: String) throws -> URL {
    try directory("\(set)-diffae", in: "images/models", flag: "--diffusion")
  }

  /// The shipped attribute table of image set `set` (images/attributes/SET.csv), or nil when
  /// cfx ships none for it (attribute shapes carry their tags in their factors).
  public static func attributeTable(forSet set: String) -> URL? {
    roots.map { $0.appendingPathComponent("images/attributes/\(set).csv") }.first { FileManager.default.fileExists(atPath: $0.path) }
  }

  /// The shipped molecule model for `target`: the window model ("molecules") for the window it
  /// was trained on and for properties other than logP (steering aims there, the model runs with
  /// its null condition); the continuous-logP model ("molecules-logp") for any other logP target,
  /// which it is conditioned on (measured in molecules/README.md: in target 0.995 vs 0.435 with the
  /// window model for logP <= 1 on 20 test molecules). Falls back to the window model when the
  /// continuous one is not there.
  public static func moleculeModel(for target: PropertyTarget) throws -> URL {
    if target.isOtherLogPTarget, let continuous = try? directory("molecules-logp") { return continuous }
    return try directory("molecules")
  }
}
