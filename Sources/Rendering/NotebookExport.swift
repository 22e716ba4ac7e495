// Reports as Jupyter notebooks: nbformat 4.5 JSON with markdown cells (text and tables) and
// code cells whose display_data outputs embed the SVG figures (no code runs; outputs are stored).

/// Writes reports as nbformat-4 notebooks.
public enum NotebookExport {
  /// nbformat version written.
  public static let formatVersion = (major: 4, minor: 5)

  /// The notebook JSON text of `report`.
  public static func notebook(_ report: Report) -> String {
    var cells: [JSONText] = [markdownCell(id: "cell-0", text: "# " + report.title)]
    for (index, block) in report.blocks.enumerated() {
      let id = "cell-\(index + 1)"
      switch block {
      case .markdown(let text): cells.append(markdownCell(id: id, text: text))
      case .table(let table): cells.append(markdownCell(id: id, text: markdownTable(table)))
      case .figure(let svg, let caption): cells.append(figureCell(id: id, svg: svg, caption: caption))
      }
    }
    let document = JSONText.object([
      ("cells", .array(cells)),
      ("metadata", .object([
        ("kernelspec", .object([("display_name", .string("Python 3")), ("language", .string("python")), ("name", .string("python3"))])),
        ("language_info", .object([("name", .string("python"))])),
        ("cfx", .object([("generator", .string("cfx Rendering.NotebookExport")), ("title", .string(report.title))])),
      ])),
      ("nbformat", .number(Double(formatVersion.major))),
      ("nbformat_minor", .number(Double(formatVersion.minor))),
    ])
    return document.serialized() + "\n"
  }

  /// A markdown cell.
  static func markdownCell(id: String, text: String) -> JSONText {
    .object([
      ("cell_type", .string("markdown")), ("id", .string(id)), ("metadata", .object([])),
      ("source", .array(text.notebookLines.map { .string($0) })),
    ])
  }

  /// A code cell holding one stored display_data output with the SVG and a text fallback.
  static func figureCell(id: String, svg: String, caption: String) -> JSONText {
    let comment = "# figure: " + caption.replacingNewlines()
    return .object([
      ("cell_type", .string("code")), ("execution_count", .null), ("id", .string(id)),
      ("metadata", .object([("tags", .array([.string("cfx-figure")]))])),
      ("outputs", .array([
        .object([
          ("data", .object([
            ("image/svg+xml", .array(svg.notebookLines.map { .string($0) })),
            ("text/plain", .array([.string("<SVG figure: \(caption.replacingNewlines())>")])),
          ])),
          ("metadata", .object([])),
          ("output_type", .string("display_data")),
        ])
      ])),
      ("source", .array([.string(comment)])),
    ])
  }

  /// A GitHub-flavoured markdown table (pipes and newlines in cells escaped).
  static func markdownTable(_ table: ReportTable) -> String {
    func cell(_ text: String) -> String {
      text.replacingNewlines().map { $0 == "|" ? "\\|" : String($0) }.joined()
    }
    var lines = ["| " + table.columns.map(cell).joined(separator: " | ") + " |"]
    lines.append("|" + table.columns.map { _ in " --- |" }.joined())
    for row in table.rows { lines.append("| " + row.map(cell).joined(separator: " | ") + " |") }
    return lines.joined(separator: "\n")
  }
}

extension String {
  /// The string with line breaks turned into spaces.
  func replacingNewlines() -> String { String(map { $0.isNewline ? " " : $0 }) }
}
