// Reports as one self-contained HTML page: inline SVG figures, HTML tables, a little CSS, no
// scripts and no external resources.

/// Writes reports as HTML pages.
public enum HTMLExport {
  /// The HTML text of `report`.
  public static func page(_ report: Report) -> String {
    var body: [String] = ["<h1>\(escaped(report.title))</h1>"]
    var figureNumber = 0
    for block in report.blocks {
      switch block {
      case .markdown(let text): body.append(markdownHTML(text))
      case .table(let table): body.append(tableHTML(table))
      case .figure(let svg, let caption):
        figureNumber += 1
        let prefix = "fig\(figureNumber)-"
        body.append(
          "<figure id=\"figure-\(figureNumber)\" class=\"cfx-figure\">\n\(Report.inlineSVG(svg, idPrefix: prefix))\n"
            + "<figcaption>Figure \(figureNumber). \(escaped(caption))</figcaption>\n</figure>")
      }
    }
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="generator" content="cfx">
      <title>\(escaped(report.title))</title>
      <style>
      body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 72em; color: #222; background: #fff; }
      table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
      th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }
      th { background: #f2f2f2; }
      figure { margin: 1.5em 0; }
      figure svg { max-width: 100%; height: auto; }
      figcaption { color: #555; font-size: 0.9em; }
      code { background: #f4f4f4; padding: 0 0.2em; }
      </style>
      </head>
      <body>
      \(body.joined(separator: "\n"))
      </body>
      </html>

      """
  }

  /// Text escaped for HTML.
  static func escaped(_ text: String) -> String { DOT.htmlEscaped(text) }

  /// A table as HTML.
  static func tableHTML(_ table: ReportTable) -> String {
    var lines = ["<table>", "<thead><tr>" + table.columns.map { "<th>\(escaped($0))</th>" }.joined() + "</tr></thead>", "<tbody>"]
    for row in table.rows { lines.append("<tr>" + row.map { "<td>\(escaped($0))</td>" }.joined() + "</tr>") }
    lines += ["</tbody>", "</table>"]
    return lines.joined(separator: "\n")
  }

  /// Minimal markdown: `#`–`###` headings, `- ` lists, paragraphs, `code` and **bold**.
  static func markdownHTML(_ text: String) -> String {
    var html: [String] = []
    var paragraph: [String] = []
    var listItems: [String] = []
    func flush() {
      if !paragraph.isEmpty { html.append("<p>" + paragraph.map(inline).joined(separator: " ") + "</p>") }
      if !listItems.isEmpty { html.append("<ul>" + listItems.map { "<li>\(inline($0))</li>" }.joined() + "</ul>") }
      paragraph = []
      listItems = []
    }
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = String(rawLine).trimmedWhitespace()
      if line.isEmpty {
        flush()
      } else if let level = headingLevel(line) {
        flush()
        let content = String(line.dropFirst(level)).trimmedWhitespace()
        html.append("<h\(level + 1)>\(inline(content))</h\(level + 1)>")
      } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
        if !paragraph.isEmpty { flush() }
        listItems.append(String(line.dropFirst(2)))
      } else {
        if !listItems.isEmpty { flush() }
        paragraph.append(line)
      }
    }
    flush()
    return html.joined(separator: "\n")
  }

  /// 1–3 for "# ", "## ", "### " lines (shown one level lower: the page title is h1).
  static func headingLevel(_ line: String) -> Int? {
    for level in [3, 2, 1] where line.hasPrefix(String(repeating: "#", count: level) + " ") { return level }
    return nil
  }

  /// Inline markdown: escapes, then `code` and **bold** spans.
  static func inline(_ text: String) -> String {
    var out = ""
    var inCode = false, inBold = false
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      if character == "`" {
        out += inCode ? "</code>" : "<code>"
        inCode.toggle()
      } else if !inCode && character == "*" && text[index...].hasPrefix("**") {
        out += inBold ? "</strong>" : "<strong>"
        inBold.toggle()
        index = text.index(after: index)
      } else {
        out += escaped(String(character))
      }
      index = text.index(after: index)
    }
    if inCode { out += "</code>" }
    if inBold { out += "</strong>" }
    return out
  }
}
