// CSV as RFC 4180 writes it: a field holding a comma, quote or line break is quoted, with
// quotes doubled. Every CSV that cfx writes goes through `escape`; every CSV it reads (resumed
// runs line by line, tables given to `cfx render` whole) goes through `records`.

/// RFC 4180 field quoting and parsing.
public enum CSV {
  /// Why a text is not CSV, and the 1-based line where that was seen.
  public struct ParseError: Error, Equatable, Sendable {
    /// Where the problem is.
    public var line: Int
    /// What is wrong and how to fix it.
    public var reason: String

    /// The problem `reason` seen on `line`.
    public init(line: Int, reason: String) { (self.line, self.reason) = (line, reason) }
  }

  /// The field as written: quoted when it holds a comma, a quote or a line break.
  public static func escape(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// The records of `text` with the line each starts on, blank lines included (one empty
  /// field). Quoted fields may hold commas, doubled quotes and line breaks; white space before
  /// an opening quote is dropped.
  public static func records(in text: Substring) throws(ParseError) -> [(line: Int, fields: [String])] {
    var rows: [(line: Int, fields: [String])] = []
    var field = "", fields: [String] = []
    var inQuotes = false, afterQuote = false
    var line = 1, rowStart = 1
    var characters = text.makeIterator()
    var pending: Character? = characters.next()
    func endRow() {
      fields.append(field)
      rows.append((rowStart, fields))
      (fields, field) = ([], "")
    }
    while let character = pending {
      pending = characters.next()
      if inQuotes {
        if character == "\"" {
          // A doubled quote is a literal quote; a single one closes the field.
          if pending == "\"" {
            field.append("\"")
            pending = characters.next()
          } else {
            (inQuotes, afterQuote) = (false, true)
          }
        } else {
          if character.isNewline { line += 1 }
          field.append(character)
        }
        continue
      }
      switch character {
      case "\"":
        guard field.allSatisfy(\.isWhitespace) && !afterQuote else {
          throw ParseError(line: line, reason: "a quote inside an unquoted field; quote the whole field and double inner quotes")
        }
        (field, inQuotes) = ("", true)
      case ",":
        fields.append(field)
        (field, afterQuote) = ("", false)
      case "\n", "\r\n", "\r":
        endRow()
        afterQuote = false
        line += 1
        rowStart = line
      default:
        if afterQuote && !character.isWhitespace { throw ParseError(line: line, reason: "text after a closing quote; quote the whole field") }
        field.append(character)
      }
    }
    if inQuotes { throw ParseError(line: rowStart, reason: "a quoted field is never closed") }
    if !field.isEmpty || !fields.isEmpty || afterQuote { endRow() }
    return rows
  }

  /// The fields of one line; nil when it is not one well-formed record (an unbalanced quote,
  /// text after a closing quote).
  public static func fields(of line: Substring) -> [String]? {
    guard let rows = try? records(in: line) else { return nil }
    switch rows.count {
    case 0: return [""]
    case 1: return rows[0].fields
    default: return nil
    }
  }
}
