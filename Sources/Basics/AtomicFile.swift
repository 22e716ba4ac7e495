// Atomic file writes: every file cfx produces is written to a temporary file beside it,
// flushed and renamed over the destination, so readers never see a partial file.

import Foundation

/// Atomic file writes shared by every output cfx produces.
public enum AtomicFile {
  /// Writes `value` atomically as pretty-printed JSON with sorted keys and a final newline;
  /// infinities and NaN are written as the strings "inf", "-inf" and "nan".
  public static func writeJSON(_ value: some Encodable, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    try write(try encoder.encode(value) + Data([0x0A]), to: url)
  }

  /// Writes `data` to `url` atomically: a uniquely named temporary file in the same directory is
  /// written, flushed, then renamed over the destination, so readers never see a partial file.
  public static func write(_ data: Data, to url: URL) throws {
    let dir = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))")
    guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: tmp.path])
    }
    do {
      let handle = try FileHandle(forWritingTo: tmp)
      try handle.write(contentsOf: data)
      try handle.synchronize()
      try handle.close()
      if rename(tmp.path, url.path) != 0 {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
      }
    } catch {
      try? FileManager.default.removeItem(at: tmp)
      throw error
    }
  }
}
