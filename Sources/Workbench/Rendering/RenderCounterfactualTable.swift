// Reading counterfactual tables (CSV, RFC 4180 quoting) for `cfx render`: one row per
// counterfactual with its original, plus the optional metric columns of the output conventions.

import Basics
import Foundation

/// A parsed CSV file: header and records with their line numbers.
public struct CSVTable: Sendable {
  /// File name used in error messages.
  public var file: String
  /// Column names (trimmed).
  public var header: [String]
  /// Records: the 1-based line where each starts, and its fields.
  public var records: [(line: Int, fields: [String])]

  /// Parses CSV text; quoted fields may hold commas, doubled quotes and newlines; blank lines
  /// are skipped.
  public init(text: String, file: String) throws(RenderJobError) {
    self.file = file
    let rows: [(line: Int, fields: [String])]
    do { rows = try CSV.records(in: Substring(text)) } catch { throw .badRecord(file: file, line: error.line, reason: error.reason) }
    let nonBlank = rows.filter { !($0.fields.count == 1 && $0.fields[0].allSatisfy(\.isWhitespace)) }
    guard let first = nonBlank.first else { throw .emptyTable(file: file) }
    header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
    records = Array(nonBlank.dropFirst())
    for record in records where record.fields.count != header.count {
      throw .badRecord(
        file: file, line: record.line,
        reason: "\(record.fields.count) fields but the header has \(header.count) columns (\(header.joined(separator: ", ")))")
    }
    guard !records.isEmpty else { throw .emptyTable(file: file) }
  }

  /// Index of the first column whose name is one of `names`.
  public func column(_ names: [String]) -> Int? {
    for name in names { if let index = header.firstIndex(of: name) { return index } }
    return nil
  }
}

/// One counterfactual row of a table.
public struct CounterfactualRow: Sendable, Equatable {
  /// Line in the file (for error messages).
  public var line: Int
  /// The original (a SMILES or graph6 string).
  public var original: String
  /// The counterfactual (same notation).
  public var counterfactual: String
  /// Input id (defaults to the original string).
  public var inputID: String
  /// Similarity to the original.
  public var similarity: Double?
  /// Property value of the original.
  public var valueBefore: Double?
  /// Property value of the counterfactual.
  public var valueAfter: Double?
  /// Whether the counterfactual is valid.
  public var isValid: Bool?
}

/// A table of counterfactuals read from CSV.
public struct CounterfactualTable: Sendable {
  /// Accepted names for the original column, in order of preference.
  public static let originalColumns = ["original", "input_smiles", "input_graph6", "input"]
  /// Accepted names for the counterfactual column.
  public static let counterfactualColumns = ["counterfactual", "cf_smiles", "cf_graph6", "cf"]

  /// Rows in file order.
  public var rows: [CounterfactualRow]
  /// File name.
  public var file: String

  /// Reads a CSV file.
  public static func read(path: String) throws(RenderJobError) -> CounterfactualTable {
    let text: String
    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw .io(path: path, reason: "cannot read (\(error.localizedDescription))")
    }
    return try CounterfactualTable(csv: text, file: path)
  }

  /// Parses CSV text; requires an original and a counterfactual column.
  public init(csv text: String, file: String) throws(RenderJobError) {
    let table = try CSVTable(text: text, file: file)
    self.file = file
    let originalIndex = table.column(Self.originalColumns)
    let counterfactualIndex = table.column(Self.counterfactualColumns)
    var missing: [String] = []
    if originalIndex == nil { missing.append("original (or \(Self.originalColumns.dropFirst().joined(separator: "/")))") }
    if counterfactualIndex == nil { missing.append("counterfactual (or \(Self.counterfactualColumns.dropFirst().joined(separator: "/")))") }
    guard let originalIndex, let counterfactualIndex else {
      throw .missingColumns(file: file, missing: missing, found: table.header)
    }
    let idIndex = table.column(["input_id", "id", "name"])
    func number(_ names: [String], _ record: (line: Int, fields: [String])) throws(RenderJobError) -> Double? {
      guard let index = table.column(names) else { return nil }
      let text = record.fields[index].trimmingCharacters(in: .whitespaces)
      if text.isEmpty { return nil }
      guard let value = Double(text), value.isFinite else {
        throw .badRecord(file: file, line: record.line, reason: "column \(table.header[index]) holds '\(text)', not a number")
      }
      return value
    }
    rows = []
    for record in table.records {
      let original = record.fields[originalIndex].trimmingCharacters(in: .whitespaces)
      let counterfactual = record.fields[counterfactualIndex].trimmingCharacters(in: .whitespaces)
      guard !original.isEmpty, !counterfactual.isEmpty else {
        throw .badRecord(file: file, line: record.line, reason: "the original or counterfactual cell is empty")
      }
      var valid: Bool? = nil
      if let index = table.column(["valid", "is_valid"]) {
        switch record.fields[index].trimmingCharacters(in: .whitespaces).lowercased() {
        case "": valid = nil
        case "true", "1", "yes": valid = true
        case "false", "0", "no": valid = false
        case let other:
          throw .badRecord(file: file, line: record.line, reason: "column \(table.header[index]) holds '\(other)'; use true/false")
        }
      }
      rows.append(CounterfactualRow(
        line: record.line, original: original, counterfactual: counterfactual,
        inputID: idIndex.map { record.fields[$0].trimmingCharacters(in: .whitespaces) } ?? original,
        similarity: try number(["similarity", "tanimoto"], record), valueBefore: try number(["value_before"], record),
        valueAfter: try number(["value_after"], record), isValid: valid))
    }
  }

  /// Rows grouped by input id, groups in order of first appearance.
  public var groups: [(inputID: String, rows: [CounterfactualRow])] {
    var order: [String] = []
    var byID: [String: [CounterfactualRow]] = [:]
    for row in rows {
      if byID[row.inputID] == nil { order.append(row.inputID) }
      byID[row.inputID, default: []].append(row)
    }
    return order.map { ($0, byID[$0]!) }
  }
}
