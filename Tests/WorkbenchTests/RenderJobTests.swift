import Foundation
import Molecules
import Rendering
import Testing
@testable import Workbench

/// A fresh empty directory under the system temporary directory.
func makeTemporaryDirectory() throws -> String {
  let path = NSTemporaryDirectory() + "cfx-render-\(UInt64.random(in: 0...UInt64.max))"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

@Suite("Render jobs and hostile input", .serialized)
struct RenderJobTests {
  @Test func csvQuotingAndColumns() throws {
    let text = "input_id,original,counterfactual,similarity,value_before,value_after,valid\n"
      + "a,\"0-1,1-2\",\"0-1,1-2,2-0\",0.5,1,2.5,true\r\n"
      + "a,\"0-1,1-2\",\"0-2\",,,,\n"
      + "b,\"0-1\",\"0-1,\"\"1-2\"\"\",0.25,0,0,no\n"
    let table = try CounterfactualTable(csv: text, file: "t.csv")
    #expect(table.rows.count == 3)
    #expect(table.rows[0].original == "0-1,1-2" && table.rows[0].similarity == 0.5 && table.rows[0].isValid == true)
    #expect(table.rows[1].similarity == nil && table.rows[1].line == 3)
    #expect(table.rows[2].counterfactual == "0-1,\"1-2\"" && table.rows[2].isValid == false)
    #expect(table.groups.map(\.inputID) == ["a", "b"])
  }

  @Test func emptyCSVIsAClearError() {
    #expect(throws: RenderJobError.emptyTable(file: "empty.csv")) { try CounterfactualTable(csv: "", file: "empty.csv") }
    #expect(throws: RenderJobError.emptyTable(file: "h.csv")) { try CounterfactualTable(csv: "original,counterfactual\n", file: "h.csv") }
  }

  @Test func missingColumnsAreNamed() {
    #expect {
      try CounterfactualTable(csv: "smiles,score\nCCO,1\n", file: "m.csv")
    } throws: { error in
      guard case .missingColumns(let file, let missing, let found) = error as? RenderJobError else { return false }
      return file == "m.csv" && missing.count == 2 && found == ["smiles", "score"]
        && "\(error)".contains("missing column(s) original")
    }
  }

  @Test func badRecordsNameTheLine() {
    #expect(throws: RenderJobError.badRecord(file: "b.csv", line: 3, reason: "column similarity holds 'high', not a number")) {
      try CounterfactualTable(csv: "original,counterfactual,similarity\n0-1,0-1,1\n0-1,0-1,high\n", file: "b.csv")
    }
    #expect(throws: RenderJobError.self) { try CounterfactualTable(csv: "original,counterfactual\n\"0-1,0-1\n", file: "q.csv") }
    #expect(throws: RenderJobError.self) { try CounterfactualTable(csv: "original,counterfactual\n0-1\n", file: "r.csv") }
  }

  @Test func unparsableInputInATableNamesFileAndLine() throws {
    let table = try CounterfactualTable(csv: "original,counterfactual\n0-1,0-1\n0-1,1-x\n", file: "g.csv")
    #expect(throws: RenderJobError.badRecord(file: "g.csv", line: 3, reason: "edge list:1: '1-x' is not an edge like 0-1")) {
      _ = try RenderJob.grids(from: table) { row in
        (try RenderInput.edgeList(row.original), try RenderInput.edgeList(row.counterfactual), nil)
      }
    }
  }

  @Test func gridsFromATableRenderToSVGFiles() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let table = try CounterfactualTable(
      csv: "original,counterfactual,similarity,value_before,value_after\n0-1 1-2 2-3 3-0,0-1 1-2 2-3,0.8,4,3\n0-1 1-2 2-3 3-0,0-1 1-2 2-3 3-0 0-2,0.7,4,5\n",
      file: "t.csv")
    let jobs = try RenderJob.grids(from: table, propertyName: "edges") { row in
      (try RenderInput.edgeList(row.original), try RenderInput.edgeList(row.counterfactual), nil)
    }
    #expect(jobs.count == 1)
    let path = directory + "/grid.svg"
    try jobs[0].write(to: path)
    // Graphviz writes "-" as the character reference &#45; in SVG text and attributes.
    let svg = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "&#45;", with: "-")
    #expect(svg.contains("edges 4.00 → 3.00 (Δ -1.00)"))
    #expect(svg.contains("cf-removed") && svg.contains("cf-added"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["grid.svg"])
  }

  @Test func hugeMoleculeIsRefusedAndNothingIsWritten() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let atoms = (0..<500).map { _ in DrawingNode(label: "C", hydrogens: 2) }
    let chain = (0..<499).map { DrawingEdge($0, $0 + 1) }
    let huge = DrawingGraph(kind: .molecule, nodes: atoms, edges: chain, name: "C500")
    let path = directory + "/huge.svg"
    try "previous".write(toFile: path, atomically: true, encoding: .utf8)
    #expect {
      try RenderJob(picture: .single(huge)).write(to: path)
    } throws: { error in
      "\(error)".contains("'C500' has 500 nodes; drawings are limited to 250")
    }
    // The earlier file is untouched and no temporary file is left behind.
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["huge.svg"])
  }

  @Test func unknownExtensionsAndMissingDirectoriesAreClearErrors() throws {
    let graph = try RenderInput.edgeList("0-1")
    #expect(throws: RenderJobError.self) { try RenderJob(picture: .single(graph)).write(to: "/tmp/x.jpeg") }
    #expect {
      try RenderJob(picture: .single(graph)).write(to: "/nonexistent-cfx-dir/x.svg")
    } throws: { error in
      "\(error)".contains("does not exist")
    }
  }

  @Test func reportWriterWritesNotebookAndPage() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let svg = try Drawing.svg(of: try RenderInput.edgeList("0-1,1-2,2-0"))
    let report = Report(title: "t", blocks: [.markdown("hello"), .figure(svg: svg, caption: "triangle")])
    try ReportWriter.write(report, to: [directory + "/r.ipynb", directory + "/r.html"])
    let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    #expect(files == ["r.html", "r.ipynb"])
    #expect(throws: RenderJobError.self) { try ReportWriter.write(report, to: [directory + "/r.svg"]) }
  }

  @Test func pngIsWrittenWhenCairoIsAvailable() throws {
    guard Graphviz.canRenderPNG else { return }
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try RenderJob(picture: .single(try RenderInput.edgeList("0-1,1-2"))).write(to: directory + "/g.png")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/g.png"))
    #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
  }

  @Test func renderRequestDrawsADiffAndWritesReports() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var request = RenderRequest()
    request.graph = "0-1,1-2,2-3,3-0"
    request.counterfactual = "0-1,1-2,2-3,0-2,3-4"
    request.output = directory + "/diff.svg"
    request.colorBlindSafe = true
    try request.run()
    let svg = try String(contentsOfFile: directory + "/diff.svg", encoding: .utf8).replacingOccurrences(of: "&#45;", with: "-")
    #expect(svg.contains("class=\"node node-4 cf-added\"") && svg.contains("cf-removed"))
    #expect(svg.contains(DiffPalette.colorBlindSafe.added.lowercased()))

    let csv = directory + "/cf.csv"
    try "input_id,original,counterfactual,similarity\nsquare,0-1 1-2 2-3 3-0,0-1 1-2 2-3,0.75\n".write(toFile: csv, atomically: true, encoding: .utf8)
    var tableRequest = RenderRequest()
    tableRequest.csv = csv
    tableRequest.reports = [directory + "/r.ipynb", directory + "/r.html"]
    try tableRequest.run()
    let page = try String(contentsOfFile: directory + "/r.html", encoding: .utf8)
    #expect(page.contains("<td>square</td>") && page.contains("<svg"))

    // A CSV with missing columns is refused before anything is written.
    try "a,b\n1,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
    tableRequest.reports = [directory + "/bad.html"]
    #expect(throws: RenderJobError.self) { try tableRequest.run() }
    #expect(!FileManager.default.fileExists(atPath: directory + "/bad.html"))
  }
}
