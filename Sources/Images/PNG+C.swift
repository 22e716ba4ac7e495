// PNG files through libpng (CImageCodecs' plain C API over libpng's simplified interface). Decoding
// keeps the file's own channel layout (palettes expand to RGB or RGBA; 1-, 2- and 4-bit gray
// scale to 8 bits; 16-bit samples are kept and read as s / 65535) and refuses images above a
// pixel limit before allocating them. Files are written with 8-bit samples.
// Writing is atomic: a failed write leaves no file behind.

import Basics
import CImageCodecs
import Foundation

/// PNG encoding and decoding.
public enum PNG {
  /// The largest image cfx reads by default: 64 megapixels (an 8000 × 8000 photograph).
  public static let defaultMaximumPixels = 64 << 20

  /// The libpng version linked.
  public static var libraryVersion: String { String(cString: cfx_png_version()) }

  /// Decodes PNG bytes; `source` names them in errors.
  public static func decode(_ data: Data, source: String, maximumPixels: Int = defaultMaximumPixels) throws(ImageError) -> Image {
    var decoded = cfx_png_image()
    var message = [CChar](repeating: 0, count: 256)
    let ok = data.withUnsafeBytes { raw in
      cfx_png_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt64(maximumPixels), &decoded, &message, message.count)
    }
    guard ok == 1, let pixels = decoded.pixels else {
      let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if reason.hasPrefix("not a PNG") { throw .notPNG(file: source) }
      if reason.contains("outside what cfx reads") { throw .tooLarge(file: source, reason: reason) }
      throw .corrupt(file: source, reason: reason)
    }
    defer { cfx_png_image_free(&decoded) }
    let (width, height, channels) = (Int(decoded.width), Int(decoded.height), Int(decoded.channels))
    let count = width * height * channels
    if decoded.bytes_per_sample == 2 {
      // 16-bit samples: s ↦ s / 65535.
      let wide = UnsafeRawPointer(pixels).bindMemory(to: UInt16.self, capacity: count)
      var planar = [Float](repeating: 0, count: count)
      for y in 0..<height {
        for x in 0..<width {
          for c in 0..<channels { planar[(c * height + y) * width + x] = Float(wide[(y * width + x) * channels + c]) / 65535 }
        }
      }
      return Image(channels: channels, height: height, width: width, values: planar)
    }
    return Image(interleaved: [UInt8](UnsafeBufferPointer(start: pixels, count: count)), channels: channels, height: height, width: width)
  }

  /// The PNG bytes of an image (8-bit samples, the image's own channel layout).
  public static func encode(_ image: Image) throws(ImageError) -> Data {
    let samples = image.interleaved
    var buffer: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let ok = cfx_png_encode(samples, UInt32(image.width), UInt32(image.height), UInt32(image.channels), &buffer, &size, &message, message.count)
    guard ok == 1, let buffer else {
      throw .io(file: "<memory>", reason: "cannot encode PNG: " + String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { cfx_png_buffer_free(buffer) }
    return Data(bytes: buffer, count: size)
  }

  /// Reads a PNG file; `channels` (if given) lists the channel counts the caller accepts.
  public static func read(_ path: String, channels: [Int]? = nil, maximumPixels: Int = defaultMaximumPixels) throws(ImageError) -> Image {
    guard let data = FileManager.default.contents(atPath: path) else {
      var directory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &directory)
      throw .io(file: path, reason: exists ? (directory.boolValue ? "is a directory, not a PNG file" : "cannot be read (permissions?)") : "no such file")
    }
    let image = try decode(data, source: path, maximumPixels: maximumPixels)
    if let channels, !channels.contains(image.channels) { throw .channels(file: path, found: image.channels, expected: channels) }
    return image
  }

  /// Writes an image as a PNG file, atomically.
  public static func write(_ image: Image, to path: String) throws(ImageError) {
    let data = try encode(image)
    do { try AtomicFile.write(data, to: URL(fileURLWithPath: path)) } catch {
      throw .io(file: path, reason: "cannot write (\(error.localizedDescription)); check the folder exists and is writable")
    }
  }
}
