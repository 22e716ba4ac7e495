// CSV fields as RFC 4180 writes them: a field holding a comma, quote or line break is quoted,
// with quotes doubled. Every CSV that cfx writes goes through `escape`, and every CSV it reads
// back (resumed evaluations) through `fields`.

/// RFC 4180 field quoting and splitting for one line.
enum CSV {
  /// The field as written: quoted when it holds a comma, a quote or a line break.
  static func escape(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// The fields of one line (no line breaks inside fields); nil when a quote is unbalanced.
  static func fields(of line: Substring) -> [String]? {
    var fields: [String] = [], field = ""
    var quoted = false, afterQuote = false
    var index = line.startIndex
    while index < line.endIndex {
      let c = line[index]
      index = line.index(after: index)
      if quoted {
        if c == "\"" {
          // A doubled quote is a literal quote; a single one closes the field.
          if index < line.endIndex && line[index] == "\"" {
            field.append("\"")
            index = line.index(after: index)
          } else {
            quoted = false
            afterQuote = true
          }
        } else {
          field.append(c)
        }
      } else if c == "," {
        fields.append(field)
        (field, afterQuote) = ("", false)
      } else if c == "\"" && field.isEmpty && !afterQuote {
        quoted = true
      } else if afterQuote {
        return nil  // text after a closing quote
      } else {
        field.append(c)
      }
    }
    guard !quoted else { return nil }
    fields.append(field)
    return fields
  }
}
