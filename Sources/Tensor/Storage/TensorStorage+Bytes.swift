// Conversion between tensor storage and little-endian Float32 bytes (for file formats).
//
// Pointer ownership: the raw buffers are borrowed from the storage or from the byte array for the
// duration of one copy.

import Foundation

extension Tensor {
  /// The elements as little-endian IEEE-754 Float32 bytes (4 per element, row-major).
  public var littleEndianBytes: [UInt8] {
    var out = [UInt8](repeating: 0, count: count * 4)
    storage.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBytes { dst in
        for i in 0..<src.count {
          let bits = src[i].bitPattern.littleEndian
          dst.storeBytes(of: bits, toByteOffset: i * 4, as: UInt32.self)
        }
      }
    }
    return out
  }

  /// A tensor read from little-endian Float32 bytes; `bytes.count` must be 4 × element count.
  public init<B: Collection>(shape: [Int], littleEndianBytes bytes: B) where B.Element == UInt8 {
    let n = Tensor.elementCount(shape)
    precondition(bytes.count == n * 4, "Tensor(littleEndianBytes:): \(bytes.count) bytes for shape \(shape)")
    let storage = TensorStorage(uninitializedCount: n)
    let array = Array(bytes)
    array.withUnsafeBytes { src in
      storage.withUnsafeMutableBufferPointer { dst in
        for i in 0..<n {
          let bits = UInt32(littleEndian: src.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
          dst[i] = Float(bitPattern: bits)
        }
      }
    }
    self.init(shape: shape, storage: storage)
  }
}
