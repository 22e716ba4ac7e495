import Foundation
import Testing

@testable import Rendering

@Suite("Notebook and HTML export", .serialized)
struct ReportTests {
  /// A report with markdown, a table and two figures (a molecule and a diff).
  static func sampleReport() throws -> Report {
    let (original, counterfactual, matching) = paracetamolCounterfactual()
    let diff = try CounterfactualDiff(original: original, counterfactual: counterfactual, matching: matching)
    let table = try ReportTable(
      columns: ["input_id", "cf_rank", "value_before", "value_after", "similarity"],
      rows: [["paracetamol", "1", "0.46", "1.90", "0.41"], ["pipe | test", "2", "0.46", "0.46", "1.00"]])
    return Report(title: "Counterfactual report", blocks: [
      .markdown("## Setup\n\nTarget: **logP in [1.7, 3.8]**, model `demo`.\n\n- one\n- two"),
      .table(table),
      .figure(svg: try Drawing.svg(of: original), caption: "input molecule"),
      .figure(svg: try Drawing.diffSVG(diff), caption: "input vs counterfactual 1"),
    ])
  }

  @Test func notebookHasTheRequiredNbformat4Fields() throws {
    let text = NotebookExport.notebook(try Self.sampleReport())
    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    // Top level (nbformat 4 schema: required metadata, nbformat_minor, nbformat, cells).
    #expect(json["nbformat"] as? Int == 4)
    #expect((json["nbformat_minor"] as? Int).map { $0 >= 0 } == true)
    #expect(json["metadata"] is [String: Any])
    let cells = try #require(json["cells"] as? [[String: Any]])
    #expect(cells.count == 5)
    var ids = Set<String>()
    var svgs: [String] = []
    for cell in cells {
      let type = try #require(cell["cell_type"] as? String)
      #expect(cell["metadata"] is [String: Any])
      #expect(cell["source"] is [String])
      // nbformat 4.5: every cell has a unique id matching ^[a-zA-Z0-9-_]+$, 1–64 characters.
      let id = try #require(cell["id"] as? String)
      #expect(!id.isEmpty && id.count <= 64 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
      #expect(ids.insert(id).inserted)
      if type == "code" {
        #expect(cell.keys.contains("execution_count"))
        let outputs = try #require(cell["outputs"] as? [[String: Any]])
        for output in outputs {
          #expect(output["output_type"] as? String == "display_data")
          #expect(output["metadata"] is [String: Any])
          let data = try #require(output["data"] as? [String: Any])
          let svg = try #require(data["image/svg+xml"] as? [String])
          svgs.append(svg.joined())
        }
      } else {
        #expect(type == "markdown")
      }
    }
    #expect(svgs.count == 2)
    for svg in svgs { #expect(parseXML(svg).ok, "SVG output must parse as XML") }
    // The table became a markdown table with the pipe escaped.
    let tableSource = (cells[2]["source"] as! [String]).joined()
    #expect(tableSource.hasPrefix("| input_id | cf_rank |"))
    #expect(tableSource.contains("pipe \\| test"))
  }

  @Test func notebookOutputIsDeterministic() throws {
    let report = try Self.sampleReport()
    #expect(NotebookExport.notebook(report) == NotebookExport.notebook(report))
  }

  @Test func htmlPageIsSelfContainedWithUniqueIds() throws {
    let page = HTMLExport.page(try Self.sampleReport())
    #expect(page.hasPrefix("<!DOCTYPE html>"))
    // No scripts, stylesheets or images fetched from elsewhere.
    #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("src=") && !page.contains("<img"))
    #expect(!page.contains("<?xml") && !page.contains("<!DOCTYPE svg"))
    #expect(page.contains("<table>") && page.contains("<strong>logP in [1.7, 3.8]</strong>") && page.contains("<code>demo</code>"))
    #expect(page.components(separatedBy: "<svg").count - 1 == 2)
    // Each figure's SVG parses as XML on its own, and ids are unique across the page.
    var ids: [String] = []
    for (number, piece) in page.components(separatedBy: "<svg").dropFirst().enumerated() {
      let svg = "<svg" + piece.components(separatedBy: "</svg>")[0] + "</svg>"
      let parsed = parseXML(svg)
      #expect(parsed.ok)
      #expect(parsed.ids.allSatisfy { $0.hasPrefix("fig\(number + 1)-") })
      ids += parsed.ids
    }
    #expect(Set(ids).count == ids.count)
    #expect(ids.contains("fig2-counterfactual-atom-10"))
  }

  @Test func tablesRejectRaggedRows() {
    #expect(throws: DrawingError.self) { try ReportTable(columns: ["a", "b"], rows: [["1"]]) }
    #expect(throws: DrawingError.self) { try ReportTable(columns: [], rows: []) }
  }

  @Test func jsonEscapesControlCharacters() {
    #expect(JSONText.string("a\"b\\c\n\u{1}").serialized() == "\"a\\\"b\\\\c\\n\\u0001\"")
    #expect(JSONText.object([("k", .array([.number(1), .number(2.5), .null, .bool(true)]))]).serialized()
      == "{\n \"k\": [\n  1,\n  2.5,\n  null,\n  true\n ]\n}")
  }
}
