import Foundation
import Testing
@testable import Workbench

/// Rows "input,setting,value": a group is (input, setting), complete with 2 rows.
@Suite struct ResumableRowsTests {
  @Test func completeGroupsAreReusedAndTheRestIsDropped() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let finished = dir.appendingPathComponent("rows.csv"), partial = dir.appendingPathComponent("rows.partial.csv")
    try "h\n1,a,x\n1,a,x\n2,a,y\n".write(to: finished, atomically: true, encoding: .utf8)  // 2/a incomplete
    // 1/a again (the finished file wins), 0/b complete with a repeated row, 2/a cut short.
    try "h\n1,a,OTHER\n1,a,OTHER\n0,b,z\n0,b,z\n2,a,y\n2,".write(to: partial, atomically: true, encoding: .utf8)
    func parse(_ text: String) -> [String] {
      text.split(separator: "\n").dropFirst().map(String.init).filter { $0.split(separator: ",").count == 3 }
    }
    var resumable: ResumableRows<String>? = try ResumableRows<String>(
      files: [finished, partial], partial: partial, header: "h", samples: 2, parse: parse,
      key: { $0.split(separator: ",").prefix(2).joined(separator: "/") }, line: { $0 }, order: <)
    #expect(resumable?.completed == ["1/a": ["1,a,x", "1,a,x"], "0/b": ["0,b,z", "0,b,z"]])
    #expect(try String(contentsOf: partial, encoding: .utf8) == "h\n0,b,z\n0,b,z\n1,a,x\n1,a,x\n")
    try resumable?.append(["2,a,y", "2,a,w"])
    resumable = nil
    #expect(try String(contentsOf: partial, encoding: .utf8) == "h\n0,b,z\n0,b,z\n1,a,x\n1,a,x\n2,a,y\n2,a,w\n")
  }
}
