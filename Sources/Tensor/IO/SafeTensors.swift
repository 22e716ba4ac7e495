// The safetensors file format (https://huggingface.co/docs/safetensors), readable by PyTorch
// (`safetensors.torch.load_file`) and numpy (`safetensors.numpy.load_file`):
//
//   [8 bytes: N, little-endian u64] [N bytes: JSON header, space-padded] [data bytes]
//
// The header maps each tensor name to {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}
// (offsets relative to the start of the data), plus an optional "__metadata__" object of
// string → string. cfx writes only F32 and records `cfx.sha256` (of the data bytes) in the
// metadata, so corruption inside the data is detected on load; the format itself has no checksum.
// Files are written atomically: a temporary file in the same directory, then rename.

import Basics
import Foundation

/// Errors reading or writing safetensors files; each message says what is wrong and where.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read or written.
  case io(path: String, reason: String)
  /// The file is not a valid safetensors file (truncated, bad header, bad offsets...).
  case malformed(path: String, reason: String)
  /// The stored data does not match its recorded checksum.
  case checksumMismatch(path: String, expected: String, actual: String)
  /// A tensor is missing or has another shape than expected.
  case mismatch(path: String, reason: String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .io(let p, let r): return "\(p): \(r)"
    case .malformed(let p, let r): return "\(p): not a valid safetensors file: \(r)"
    case .checksumMismatch(let p, let e, let a):
      return "\(p): data is corrupted: SHA-256 of the tensor data is \(a), the file records \(e)"
    case .mismatch(let p, let r): return "\(p): does not match the model: \(r)"
    }
  }
}

/// A set of named tensors with string metadata, as stored in one safetensors file.
public struct SafeTensorsFile: Equatable {
  /// Tensors by name.
  public var tensors: [String: Tensor]
  /// Free-form string metadata (`__metadata__`).
  public var metadata: [String: String]

  /// A file with the given contents.
  public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// Equality: same metadata and bit-identical tensors.
  public static func == (a: SafeTensorsFile, b: SafeTensorsFile) -> Bool {
    a.metadata == b.metadata && a.tensors.count == b.tensors.count
      && a.tensors.allSatisfy { k, v in b.tensors[k].map { $0.isBitwiseEqual(to: v) } ?? false }
  }

  /// The maximum header size accepted (guards against absurd lengths in corrupt files).
  static let maximumHeaderBytes = 100 << 20

  /// Serialises to bytes. Tensors are stored in name order; `cfx.sha256` is added to the metadata.
  public func encoded() -> [UInt8] {
    var data: [UInt8] = []
    var entries: [String: Any] = [:]
    for name in tensors.keys.sorted() {
      let t = tensors[name]!
      let start = data.count
      data += t.littleEndianBytes
      entries[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [start, data.count]] as [String: Any]
    }
    var meta = metadata
    meta["cfx.sha256"] = SHA256.hex(data)
    entries["__metadata__"] = meta
    var header = try! JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys])
    while header.count % 8 != 0 { header.append(0x20) }  // pad with spaces to 8-byte alignment
    var out: [UInt8] = []
    out.reserveCapacity(8 + header.count + data.count)
    let n = UInt64(header.count)
    for i in 0..<8 { out.append(UInt8((n >> (UInt64(i) * 8)) & 0xff)) }
    out += header
    out += data
    return out
  }

  /// Parses bytes; `path` is used in error messages.
  public static func decode(_ bytes: [UInt8], path: String) throws(SafeTensorsError) -> SafeTensorsFile {
    guard bytes.count >= 8 else {
      throw .malformed(path: path, reason: "file is \(bytes.count) bytes, shorter than the 8-byte header length (truncated?)")
    }
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[i]) << (UInt64(i) * 8) }
    guard n <= UInt64(maximumHeaderBytes), Int(n) <= bytes.count - 8 else {
      throw .malformed(path: path, reason: "header length \(n) exceeds the file size \(bytes.count) (truncated or not safetensors)")
    }
    let headerEnd = 8 + Int(n)
    let headerData = Data(bytes[8..<headerEnd])
    guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
      throw .malformed(path: path, reason: "header is not a JSON object")
    }
    let dataCount = bytes.count - headerEnd
    var metadata: [String: String] = [:]
    if let meta = header["__metadata__"] {
      guard let m = meta as? [String: String] else {
        throw .malformed(path: path, reason: "__metadata__ must map strings to strings")
      }
      metadata = m
    }
    var spans: [(Int, Int, String)] = []
    var tensors: [String: Tensor] = [:]
    for (name, value) in header where name != "__metadata__" {
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
        let shapeValues = entry["shape"] as? [Any], let offsets = entry["data_offsets"] as? [Any], offsets.count == 2
      else { throw .malformed(path: path, reason: "entry '\(name)' lacks dtype, shape or data_offsets") }
      guard dtype == "F32" else {
        throw .malformed(path: path, reason: "tensor '\(name)' has dtype \(dtype); cfx reads F32 only (convert with .float())")
      }
      guard let shape = shapeValues.map({ ($0 as? NSNumber)?.intValue }) as? [Int], shape.allSatisfy({ $0 >= 0 }),
        let begin = (offsets[0] as? NSNumber)?.intValue, let end = (offsets[1] as? NSNumber)?.intValue
      else { throw .malformed(path: path, reason: "tensor '\(name)' has a bad shape or offsets") }
      let expected = Tensor.elementCount(shape) * 4
      guard begin >= 0, end >= begin, end <= dataCount else {
        throw .malformed(path: path, reason: "tensor '\(name)' spans bytes \(begin)..<\(end) but the data has \(dataCount) bytes (truncated?)")
      }
      guard end - begin == expected else {
        throw .malformed(path: path, reason: "tensor '\(name)' of shape \(shape) needs \(expected) bytes, offsets give \(end - begin)")
      }
      spans.append((begin, end, name))
      tensors[name] = Tensor(shape: shape, littleEndianBytes: bytes[(headerEnd + begin)..<(headerEnd + end)])
    }
    // The format requires the tensors to tile the data region exactly, without gaps or overlaps.
    spans.sort { ($0.0, $0.1) < ($1.0, $1.1) }
    var cursor = 0
    for (b, e, name) in spans {
      guard b == cursor else {
        throw .malformed(path: path, reason: "tensor '\(name)' starts at byte \(b), expected \(cursor) (gap or overlap)")
      }
      cursor = e
    }
    guard cursor == dataCount else {
      throw .malformed(path: path, reason: "\(dataCount - cursor) bytes after the last tensor (trailing garbage or wrong header)")
    }
    if let recorded = metadata["cfx.sha256"] {
      let actual = SHA256.hex(Array(bytes[headerEnd...]))
      guard actual == recorded else { throw .checksumMismatch(path: path, expected: recorded, actual: actual) }
    }
    metadata["cfx.sha256"] = nil
    return SafeTensorsFile(tensors: tensors, metadata: metadata)
  }

  /// Writes the file atomically (temporary file in the same directory, then rename).
  public func write(to url: URL) throws(SafeTensorsError) {
    do { try AtomicFile.write(Data(encoded()), to: url) } catch {
      throw .io(path: url.path, reason: "cannot write: \(error.localizedDescription)")
    }
  }

  /// Reads and validates a file.
  public static func read(from url: URL) throws(SafeTensorsError) -> SafeTensorsFile {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
    }
    return try decode([UInt8](data), path: url.path)
  }
}
