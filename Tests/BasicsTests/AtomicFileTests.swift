import Basics
import Foundation
import Testing

@Suite struct AtomicFileTests {
  /// A write replaces the file whole, creates missing folders and leaves no temporary file.
  @Test func writeReplacesAndLeavesNothingBehind() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-atomic-\(UUID().uuidString)/nested")
    let url = directory.appendingPathComponent("out.csv")
    try AtomicFile.write(Data("first\n".utf8), to: url)
    try AtomicFile.write(Data("second\n".utf8), to: url)
    #expect(try String(contentsOf: url, encoding: .utf8) == "second\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
    // A destination that cannot be written throws and leaves the folder as it was.
    #expect(throws: (any Error).self) { try AtomicFile.write(Data(), to: directory) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
    try FileManager.default.removeItem(at: directory.deletingLastPathComponent())
  }
}
