// The IDX format (LeCun's MNIST files; Fashion-MNIST uses it too): a 4-byte magic 0, 0, type,
// rank; rank big-endian UInt32 dimensions; then the values in row-major order. cfx reads and
// writes unsigned bytes (type 0x08) only, which is what image data sets hold: images
// [N, H, W] (gray) or [N, H, W, C] (colour, interleaved), labels [N], masks [N, H, W]. The reader
// checks that the dimensions are sane and that the data is exactly as long as they say.

import Basics
import Foundation

/// An IDX array of unsigned bytes.
public struct IDXArray: Sendable, Equatable {
  /// Dimensions, outermost first.
  public var shape: [Int]
  /// The values, row-major.
  public var bytes: [UInt8]

  /// An array; traps when the shape and the byte count disagree.
  public init(shape: [Int], bytes: [UInt8]) {
    precondition(!shape.isEmpty && shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == bytes.count,
                 "IDXArray: \(bytes.count) bytes for shape \(shape)")
    (self.shape, self.bytes) = (shape, bytes)
  }

  /// Parses IDX bytes (gunzipped already); `source` names them in errors.
  public static func parse(_ data: Data, source: String, maximumBytes: Int = 1 << 31) throws(ImageError) -> IDXArray {
    let bytes = [UInt8](data)
    guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw .corrupt(file: source, reason: "not an IDX file (bad magic number)") }
    guard bytes[2] == 0x08 else { throw .corrupt(file: source, reason: "IDX type 0x\(String(bytes[2], radix: 16)); cfx reads unsigned bytes (0x08) only") }
    let rank = Int(bytes[3])
    guard (1...4).contains(rank) else { throw .corrupt(file: source, reason: "IDX rank \(rank); image data has 1 to 4 dimensions") }
    guard bytes.count >= 4 + 4 * rank else { throw .corrupt(file: source, reason: "IDX header cut short") }
    var shape: [Int] = []
    var total = 1
    for d in 0..<rank {
      let o = 4 + 4 * d
      let n = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
      let (product, overflow) = total.multipliedReportingOverflow(by: n)
      guard !overflow, product <= maximumBytes else { throw .tooLarge(file: source, reason: "IDX dimensions \(shape + [n]) … exceed \(maximumBytes) bytes") }
      shape.append(n)
      total = product
    }
    let header = 4 + 4 * rank
    guard bytes.count - header == total else {
      throw .corrupt(file: source, reason: "IDX dimensions \(shape) need \(total) bytes of data, the file has \(bytes.count - header)\(bytes.count - header < total ? " (truncated)" : "")")
    }
    return IDXArray(shape: shape, bytes: Array(bytes[header...]))
  }

  /// Reads an IDX file, gunzipping it when its name ends in .gz.
  public static func read(_ path: String) throws(ImageError) -> IDXArray {
    guard let data = FileManager.default.contents(atPath: path) else { throw .io(file: path, reason: "cannot be read (missing?)") }
    return try parse(path.hasSuffix(".gz") ? Gzip.decompress(data, source: path) : data, source: path)
  }

  /// The IDX bytes.
  public var encoded: Data {
    var header: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
    for n in shape { header += [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }
    return Data(header + bytes)
  }

  /// Writes the array as an (uncompressed) IDX file, atomically.
  public func write(to path: String) throws(ImageError) {
    do { try AtomicFile.write(encoded, to: URL(fileURLWithPath: path)) } catch {
      throw .io(file: path, reason: "cannot write (\(error.localizedDescription))")
    }
  }
}
