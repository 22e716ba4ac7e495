// What goes wrong with image files, named so the user knows which file and what to do.

/// An image file that cannot be read or written.
public enum ImageError: Error, CustomStringConvertible, Sendable, Equatable {
  /// Not a PNG file at all (no PNG signature).
  case notPNG(file: String)
  /// A file that cannot be decoded (a truncated or corrupt PNG, gzip, IDX or pickle, or one
  /// whose content contradicts the rest of its set): its reason.
  case corrupt(file: String, reason: String)
  /// Dimensions outside what cfx reads.
  case tooLarge(file: String, reason: String)
  /// The channel count differs from what the caller needs.
  case channels(file: String, found: Int, expected: [Int])
  /// The file cannot be read or written.
  case io(file: String, reason: String)

  public var description: String {
    switch self {
    case .notPNG(let file): "\(file): not a PNG file (cfx reads and writes PNG images)"
    case .corrupt(let file, let reason): "\(file): damaged or unsupported (\(reason))"
    case .tooLarge(let file, let reason): "\(file): \(reason)"
    case .channels(let file, let found, let expected):
      "\(file): \(found) channel(s) (\(Self.layout(found))), expected \(expected.map { "\($0) (\(Self.layout($0)))" }.joined(separator: " or "))"
    case .io(let file, let reason): "\(file): \(reason)"
    }
  }

  static func layout(_ channels: Int) -> String {
    ["gray", "gray + alpha", "RGB", "RGBA"][Swift.max(0, Swift.min(3, channels - 1))]
  }
}
