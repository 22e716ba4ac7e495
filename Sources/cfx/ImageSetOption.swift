// The image set a command works on, given the same way everywhere: a name from `cfx data images`
// (looked up in ~/.cache/cfx/data/images) or a set directory.

import ArgumentParser
import Foundation

/// --set NAME or --set DIR.
struct ImageSetOption: ParsableArguments {
  @Option(help: "The image set: a name from `cfx data images` (in ~/.cache/cfx/data/images) or a set directory.")
  var set: String = "fashion-mnist"

  /// The set's directory.
  var directory: URL {
    self.set.contains("/") ? URL(fileURLWithPath: self.set)
      : FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/cfx/data/images/\(self.set)")
  }
}
