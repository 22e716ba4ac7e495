// gunzip through zlib (CImageCodecs), for the gzipped data sets cfx reads.

import CImageCodecs
import Foundation

/// gzip decompression.
public enum Gzip {
  /// The decompressed bytes of gzip `data`, refusing more than `maximumSize` bytes; `source`
  /// names the data in errors.
  public static func decompress(_ data: Data, source: String, maximumSize: Int = 1 << 31) throws(ImageError) -> Data {
    var buffer: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let ok = data.withUnsafeBytes { raw in
      cfx_gunzip(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, maximumSize, &buffer, &size, &message, message.count)
    }
    guard ok == 1, let buffer else {
      throw .corrupt(file: source, reason: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { cfx_gzip_free(buffer) }
    return Data(bytes: buffer, count: size)
  }
}
