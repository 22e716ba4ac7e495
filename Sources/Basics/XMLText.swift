// Text inside XML, SVG and HTML: the five characters with a meaning there, escaped.

/// XML/SVG/HTML text escaping.
public enum XMLText {
  /// `s` with &, <, > and " replaced by their entities (safe in element text and in
  /// double-quoted attributes).
  public static func escaped(_ s: String) -> String {
    var out = ""
    for character in s {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }
}
