// A report: markdown, tables and SVG figures in order, exported as a Jupyter notebook
// (NotebookExport.swift) or a self-contained HTML page (HTMLExport.swift).

import Foundation

/// A table of strings with named columns.
public struct ReportTable: Sendable, Equatable {
  /// Column names.
  public var columns: [String]
  /// Rows; each has one cell per column.
  public var rows: [[String]]

  /// Creates a table; throws when a row's length differs from the column count.
  public init(columns: [String], rows: [[String]]) throws(DrawingError) {
    guard !columns.isEmpty else { throw .invalid("a table needs at least one column") }
    for (index, row) in rows.enumerated() where row.count != columns.count {
      throw .invalid("table row \(index + 1) has \(row.count) cells but there are \(columns.count) columns (\(columns.joined(separator: ", ")))")
    }
    self.columns = columns
    self.rows = rows
  }
}

/// One block of a report.
public enum ReportBlock: Sendable, Equatable {
  /// Markdown text (headings, paragraphs, lists, `code`, **bold**).
  case markdown(String)
  /// A table.
  case table(ReportTable)
  /// An SVG picture with a caption.
  case figure(svg: String, caption: String)
}

/// A report: title plus blocks.
public struct Report: Sendable, Equatable {
  /// Title (first heading of the notebook, `<title>` of the page).
  public var title: String
  /// Blocks in order.
  public var blocks: [ReportBlock]

  /// Creates a report.
  public init(title: String, blocks: [ReportBlock] = []) {
    self.title = title
    self.blocks = blocks
  }

  /// The SVG element of a Graphviz SVG document without XML prolog and DOCTYPE, with every
  /// `id` prefixed so several figures can share one HTML page without duplicate ids.
  static func inlineSVG(_ svg: String, idPrefix: String) -> String {
    guard let start = svg.range(of: "<svg") else { return "" }
    var body = String(svg[start.lowerBound...])
    body = body.replacingOccurrences(of: " id=\"", with: " id=\"\(idPrefix)")
    return body.trimmedWhitespace()
  }
}

extension String {
  /// Lines kept with their "\n" terminators, as Jupyter stores multi-line strings.
  var notebookLines: [String] {
    var lines: [String] = []
    var current = ""
    for character in self {
      current.append(character)
      if character.isNewline {
        lines.append(current)
        current = ""
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }
}
