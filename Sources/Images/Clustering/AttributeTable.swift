// Semantic tags per image for the clustering pipeline: a class × tag table read from a shipped CSV
// (images/attributes/SET.csv: header `class,TAG,...`, one 0/1 row per class in label order), or,
// for attribute shapes, each image's own generating tags from its factors.

import Basics
import Foundation

/// Binary tags per class or per image.
public struct AttributeTable: Sendable, Equatable {
  /// Tag names.
  public var tagNames: [String]
  /// Class names, in label order (empty for per-image tags).
  public var classNames: [String]
  /// Class rows [classes][tags] (per-class tables) or nil (per-image tags).
  public var classTags: [[Bool]]?

  /// A per-class table.
  public init(tagNames: [String], classNames: [String], classTags: [[Bool]]) {
    precondition(classTags.count == classNames.count && classTags.allSatisfy { $0.count == tagNames.count },
                 "AttributeTable: \(classTags.count) rows for \(classNames.count) classes, \(tagNames.count) tags")
    (self.tagNames, self.classNames, self.classTags) = (tagNames, classNames, classTags)
  }

  /// The attribute-shapes tags (per image, from the factors).
  public static let attributeShapes = AttributeTable(tagNames: AttributeShapes.tagNames)

  init(tagNames: [String]) { (self.tagNames, classNames, classTags) = (tagNames, [], nil) }

  /// Reads a per-class table and checks its classes are `classNames` in that order.
  public static func read(from url: URL, classNames: [String]) throws(ImageError) -> AttributeTable {
    guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else { throw .io(file: url.path, reason: "cannot read the attribute table") }
    let records: [(line: Int, fields: [String])]
    do { records = try CSV.records(in: Substring(text)) } catch { throw .corrupt(file: url.path, reason: "line \(error.line): \(error.reason)") }
    guard let header = records.first, header.fields.first == "class", header.fields.count >= 2 else {
      throw .corrupt(file: url.path, reason: "line 1: the header must be class,TAG,...")
    }
    let tags = Array(header.fields.dropFirst())
    var rows: [[Bool]] = []
    for record in records.dropFirst() {
      guard record.fields.count == header.fields.count else {
        throw .corrupt(file: url.path, reason: "line \(record.line): \(record.fields.count) fields, the header has \(header.fields.count)")
      }
      guard rows.count < classNames.count, record.fields[0] == classNames[rows.count] else {
        throw .corrupt(file: url.path, reason: "line \(record.line): class '\(record.fields[0])', expected \(rows.count < classNames.count ? "'\(classNames[rows.count])'" : "no more rows") (the set's classes in label order)")
      }
      var row: [Bool] = []
      for (tag, value) in zip(tags, record.fields.dropFirst()) {
        guard value == "0" || value == "1" else { throw .corrupt(file: url.path, reason: "line \(record.line): tag \(tag) is '\(value)', not 0 or 1") }
        row.append(value == "1")
      }
      rows.append(row)
    }
    guard rows.count == classNames.count else { throw .corrupt(file: url.path, reason: "\(rows.count) class rows for the set's \(classNames.count) classes") }
    return AttributeTable(tagNames: tags, classNames: classNames, classTags: rows)
  }

  /// The tags of every image of `data`: its class's row, or (per-image tables) the tags of its
  /// attribute factors. Shapes: → [count][tagNames.count].
  public func tags(of data: ImageDataSet) throws(ImageError) -> [[Bool]] {
    if let classTags {
      guard data.classNames == classNames else { throw .corrupt(file: "attribute table", reason: "its classes \(classNames) are not the set's \(data.classNames)") }
      return data.labels.map { classTags[$0] }
    }
    guard data.factors.count == data.count, data.factorNames.prefix(AttributeShapes.attributes.count) == ArraySlice(AttributeShapes.attributes.map(\.name)) else {
      throw .corrupt(file: "factors", reason: "per-image tags need the attribute-shapes factors (\(AttributeShapes.attributes.map(\.name))); the set has \(data.factorNames)")
    }
    return data.factors.map { AttributeShapes.tags(ofAttributes: $0) }
  }

  /// The tags that define each class, [classes][tags]: the class's row, or for attribute shapes
  /// the attribute values its conjunction fixes (the generating tags).
  public var definingTags: [[Bool]] {
    if let classTags { return classTags }
    return AttributeShapes.classDefinitions.map { d in
      var row = [Bool](repeating: false, count: tagNames.count)
      for (a, v) in d { row[AttributeShapes.tagIndex(attribute: a, value: v)] = true }
      return row
    }
  }
}
