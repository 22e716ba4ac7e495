// `cfx doctor`: checks every native library by calling it for real and says what works.

import ArgumentParser
import Workbench

struct Doctor: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check the native libraries (OpenBLAS, Open Babel, Graphviz, nauty, planarity).",
    discussion: "Each library is called once for real; a failure names the Debian package to install.")

  func run() throws {
    let report = NativeLibraryReport.run()
    print(report.text)
    if !report.allPassed { throw ExitCode(1) }
  }
}
