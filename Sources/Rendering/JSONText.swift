// A tiny JSON value with ordered object keys, so exported notebooks are byte-stable.

/// A JSON value whose objects keep key order.
public indirect enum JSONText: Sendable, Equatable {
  /// A string.
  case string(String)
  /// A number (integers print without a fraction).
  case number(Double)
  /// true or false.
  case bool(Bool)
  /// null.
  case null
  /// An array.
  case array([JSONText])
  /// An object with keys in the given order.
  case object([(String, JSONText)])

  /// Serialises with one-space indentation per level, as Jupyter does.
  public func serialized(indent: Int = 0) -> String {
    let pad = String(repeating: " ", count: indent + 1)
    let closing = String(repeating: " ", count: indent)
    switch self {
    case .string(let s): return JSONText.quoted(s)
    case .number(let x):
      if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
      return x.isFinite ? String(x) : "null"
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .array(let items):
      if items.isEmpty { return "[]" }
      return "[\n" + items.map { pad + $0.serialized(indent: indent + 1) }.joined(separator: ",\n") + "\n" + closing + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      return "{\n" + members.map { pad + JSONText.quoted($0.0) + ": " + $0.1.serialized(indent: indent + 1) }.joined(separator: ",\n")
        + "\n" + closing + "}"
    }
  }

  /// A JSON string literal with the escapes RFC 8259 requires.
  static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// Equal when the serialised texts are equal (key order matters).
  public static func == (a: JSONText, b: JSONText) -> Bool { a.serialized() == b.serialized() }
}
