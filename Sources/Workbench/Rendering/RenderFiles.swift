// Atomic output files for pictures and reports: write a temporary file in the target's
// directory, then rename it over the target, so a crash or error never leaves half a file.

import Basics
import Foundation
import Tensor

/// Errors of render jobs: bad input files, unsupported formats, failed writes.
public enum RenderJobError: Error, Equatable, CustomStringConvertible {
  /// The CSV file has no header or no rows.
  case emptyTable(file: String)
  /// Required columns are missing.
  case missingColumns(file: String, missing: [String], found: [String])
  /// A record cannot be used.
  case badRecord(file: String, line: Int, reason: String)
  /// The output format cannot be produced.
  case unsupportedFormat(path: String, reason: String)
  /// Reading or writing a file failed.
  case io(path: String, reason: String)

  /// A one-line explanation that names the file and says how to fix it.
  public var description: String {
    switch self {
    case .emptyTable(let file):
      return "\(file): the CSV is empty; it needs a header line and at least one row"
    case .missingColumns(let file, let missing, let found):
      return "\(file): missing column(s) \(missing.joined(separator: ", ")); the header has \(found.isEmpty ? "no columns" : found.joined(separator: ", ")). Add them or rename the columns"
    case .badRecord(let file, let line, let reason): return "\(file):\(line): \(reason)"
    case .unsupportedFormat(let path, let reason): return "\(path): \(reason)"
    case .io(let path, let reason): return "\(path): \(reason)"
    }
  }
}

/// Output formats chosen by file extension.
public enum RenderOutputFormat: String, Sendable, CaseIterable {
  /// SVG picture.
  case svg
  /// PNG picture (needs Graphviz's cairo plugin).
  case png
  /// DOT source (no rendering).
  case dot
  /// Jupyter notebook (reports only).
  case ipynb
  /// Self-contained HTML page (reports only).
  case html

  /// The format for a path's extension; throws for anything else.
  public static func forPath(_ path: String) throws(RenderJobError) -> RenderOutputFormat {
    let ext = (path as NSString).pathExtension.lowercased()
    guard let format = RenderOutputFormat(rawValue: ext == "gv" ? "dot" : ext) else {
      throw .unsupportedFormat(path: path, reason: "unknown extension '.\(ext)'; use .svg, .png, .dot, .ipynb or .html")
    }
    return format
  }
}

/// Atomic writes of pictures and reports with render-job errors (the shared
/// `AtomicFile.write` of the Tensor module does the temporary-file-then-rename).
public enum RenderOutput {
  /// Writes `bytes` to `path` atomically; the directory must exist.
  public static func write(_ bytes: [UInt8], to path: String) throws(RenderJobError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw .io(path: path, reason: "the directory \(directory.path) does not exist; create it first")
    }
    do { try AtomicFile.write(Data(bytes), to: url) } catch {
      throw .io(path: path, reason: "cannot write (\(error.localizedDescription)); check permissions and free space")
    }
  }

  /// Writes UTF-8 text atomically.
  public static func write(_ text: String, to path: String) throws(RenderJobError) {
    try write(Array(text.utf8), to: path)
  }
}
