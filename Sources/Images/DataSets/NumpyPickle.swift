// A restricted reader of pickled numpy arrays: it runs the handful of pickle opcodes that
// `pickle.dump(numpy_array)` writes (protocols 2 to 5) and rebuilds a plain array of bytes, a
// shape and a dtype. The only callables it knows are the few a pickled array names
// (numpy's _reconstruct and _frombuffer, numpy.ndarray, numpy.dtype, and _codecs.encode, which
// protocol 2 uses to spell bytes) and it "calls" them by interpreting their arguments itself:
// nothing is imported, no object is constructed from the stream, so a hostile pickle cannot run
// code. Anything else (another global, an unknown opcode, an object array, a wrong size) is
// refused with the byte offset where it was found.
//
// What a pickled array is, as numpy's ndarray.__reduce__ writes it (protocols 2–4):
//   _reconstruct(ndarray, (0,), b'b')                 an empty array
//   .__setstate__((1, shape, dtype, fortran, bytes))  BUILD fills it
//   dtype(code, False, True).__setstate__((3, byteorder, None, None, None, -1, -1, 0))
// and under protocol 5 (ndarray.__reduce_ex__): _frombuffer(bytearray, dtype, shape, order).

import Foundation

/// An n-dimensional numpy array read from a pickle: C-order raw bytes of a plain numeric dtype.
public struct NumpyArray: Sendable, Equatable {
  /// Extent per dimension.
  public var shape: [Int]
  /// The dtype's code without byte order: "u1", "i8", "f4", …
  public var type: String
  /// Whether multi-byte elements are little-endian ("<", or "|" for one-byte types).
  public var littleEndian: Bool
  /// The elements' bytes, C order.
  public var bytes: [UInt8]

  /// Element count.
  public var count: Int { shape.reduce(1, *) }

  /// The elements as integers, for integer dtypes (u1/u2/u4/u8/i1/i2/i4/i8).
  public func integers() throws(ImageError) -> [Int] {
    guard let size = Int(type.dropFirst()), type.first == "u" || type.first == "i", [1, 2, 4, 8].contains(size) else {
      throw .corrupt(file: "numpy array", reason: "dtype \(type) is not an integer type")
    }
    let signed = type.first == "i"
    return (0..<count).map { index in
      var value: UInt64 = 0
      for k in 0..<size {
        let byte = UInt64(bytes[index * size + (littleEndian ? k : size - 1 - k)])
        value |= byte << (8 * UInt64(k))
      }
      if signed && size < 8 && value >> (8 * UInt64(size) - 1) == 1 { value |= ~0 << (8 * UInt64(size)) }
      return signed ? Int(Int64(bitPattern: value)) : Int(truncatingIfNeeded: value)
    }
  }
}

/// Reads pickled numpy arrays without a general unpickler.
public enum NumpyPickle {
  /// The values the restricted machine knows.
  indirect enum Value {
    case none, bool(Bool), int(Int), text(String), bytes([UInt8]), tuple([Value]), mark
    case global(String)
    case dtype(code: String, order: String?)
    case array(NumpyArray?)
  }

  /// The array pickled in `data` (`source` names it in errors).
  public static func read(_ data: [UInt8], source: String) throws(ImageError) -> NumpyArray {
    var stack: [Value] = [], memo: [Value] = []
    var position = 0
    func fail(_ reason: String) -> ImageError { .corrupt(file: source, reason: "pickle byte \(position): \(reason)") }
    func take(_ n: Int) throws(ImageError) -> ArraySlice<UInt8> {
      guard n >= 0, position + n <= data.count else { throw fail("the stream ends inside an opcode's argument") }
      defer { position += n }
      return data[position..<(position + n)]
    }
    func integer(_ n: Int, signed: Bool = false) throws(ImageError) -> Int {
      var value: UInt64 = 0
      for (k, byte) in try take(n).enumerated() { value |= UInt64(byte) << (8 * UInt64(k)) }
      if signed && n == 4 { return Int(Int32(bitPattern: UInt32(value))) }
      guard value <= UInt64(Int.max) else { throw fail("length \(value) is absurd") }
      return Int(value)
    }
    func pop() throws(ImageError) -> Value {
      guard let top = stack.popLast() else { throw fail("stack underflow") }
      return top
    }
    func popToMark() throws(ImageError) -> [Value] {
      guard let mark = stack.lastIndex(where: { if case .mark = $0 { true } else { false } }) else { throw fail("no MARK") }
      defer { stack.removeSubrange(mark...) }
      return Array(stack[(mark + 1)...])
    }
    func text(_ n: Int) throws(ImageError) -> Value {
      guard let s = String(bytes: try take(n), encoding: .utf8) else { throw fail("a string is not UTF-8") }
      return .text(s)
    }
    while true {
      guard position < data.count else { throw fail("the stream ends before STOP") }
      let opcode = data[position]
      position += 1
      switch opcode {
      case 0x80: _ = try take(1)                                          // PROTO
      case 0x95: _ = try take(8)                                          // FRAME (framing only)
      case 0x2E:                                                          // STOP
        guard stack.count == 1, case .array(let array?) = stack[0] else { throw fail("the pickle does not hold one numpy array") }
        return array
      case 0x28: stack.append(.mark)                                      // MARK
      case 0x4E: stack.append(.none)                                      // NONE
      case 0x88: stack.append(.bool(true))                                // NEWTRUE
      case 0x89: stack.append(.bool(false))                               // NEWFALSE
      case 0x4B: stack.append(.int(try integer(1)))                       // BININT1
      case 0x4D: stack.append(.int(try integer(2)))                       // BININT2
      case 0x4A: stack.append(.int(try integer(4, signed: true)))         // BININT
      case 0x8C: stack.append(try text(try integer(1)))                   // SHORT_BINUNICODE
      case 0x58: stack.append(try text(try integer(4)))                   // BINUNICODE
      case 0x43: stack.append(.bytes(Array(try take(try integer(1)))))    // SHORT_BINBYTES
      case 0x42: stack.append(.bytes(Array(try take(try integer(4)))))    // BINBYTES
      case 0x8E: stack.append(.bytes(Array(try take(try integer(8)))))    // BINBYTES8
      case 0x96: stack.append(.bytes(Array(try take(try integer(8)))))    // BYTEARRAY8
      case 0x29: stack.append(.tuple([]))                                 // EMPTY_TUPLE
      case 0x85, 0x86, 0x87:                                              // TUPLE1, TUPLE2, TUPLE3
        let n = Int(opcode) - 0x84
        guard stack.count >= n else { throw fail("stack underflow") }
        let items = Array(stack.suffix(n))
        stack.removeLast(n)
        stack.append(.tuple(items))
      case 0x74: stack.append(.tuple(try popToMark()))                    // TUPLE
      case 0x94: memo.append(stack.last ?? .none)                         // MEMOIZE
      case 0x71: try put(at: try integer(1))                              // BINPUT
      case 0x72: try put(at: try integer(4))                              // LONG_BINPUT
      case 0x68: try get(try integer(1))                                  // BINGET
      case 0x6A: try get(try integer(4))                                  // LONG_BINGET
      case 0x93:                                                          // STACK_GLOBAL
        guard case .text(let name) = try pop(), case .text(let module) = try pop() else { throw fail("STACK_GLOBAL without names") }
        stack.append(.global(try allowed(module, name)))
      case 0x63:                                                          // GLOBAL "module\nname\n"
        func line() throws(ImageError) -> String {
          guard let end = data[position...].firstIndex(of: 0x0A) else { throw fail("GLOBAL without newline") }
          defer { position = end + 1 }
          return String(decoding: data[position..<end], as: UTF8.self)
        }
        let module = try line(), name = try line()
        stack.append(.global(try allowed(module, name)))
      case 0x52:                                                          // REDUCE
        guard case .tuple(let arguments) = try pop(), case .global(let callable) = try pop() else { throw fail("REDUCE without a callable and arguments") }
        stack.append(try call(callable, arguments))
      case 0x62:                                                          // BUILD
        let state = try pop(), target = try pop()
        stack.append(try build(target, state))
      default:
        throw fail(String(format: "opcode 0x%02x is not one a pickled numpy array uses; refusing it", opcode))
      }
    }

    func put(at index: Int) throws(ImageError) {
      guard let top = stack.last else { throw fail("stack underflow") }
      if index >= memo.count { memo += Array(repeating: .none, count: index - memo.count + 1) }
      memo[index] = top
    }
    func get(_ index: Int) throws(ImageError) {
      guard index < memo.count else { throw fail("memo \(index) is unset") }
      stack.append(memo[index])
    }
    func allowed(_ module: String, _ name: String) throws(ImageError) -> String {
      let full = "\(module).\(name)"
      let known = [
        "numpy.core.multiarray._reconstruct": "_reconstruct", "numpy._core.multiarray._reconstruct": "_reconstruct",
        "numpy.core.numeric._frombuffer": "_frombuffer", "numpy._core.numeric._frombuffer": "_frombuffer",
        "numpy.ndarray": "numpy.ndarray", "numpy.dtype": "numpy.dtype", "_codecs.encode": "_codecs.encode",
      ]
      guard let callable = known[full] else { throw fail("global \(full) is not one a pickled numpy array needs; refusing it") }
      return callable
    }
    func call(_ callable: String, _ arguments: [Value]) throws(ImageError) -> Value {
      switch callable {
      case "_reconstruct":
        guard arguments.count == 3, case .global("numpy.ndarray") = arguments[0] else { throw fail("_reconstruct of something other than ndarray") }
        return .array(nil)
      case "numpy.dtype":
        guard let first = arguments.first, case .text(let code) = first else { throw fail("dtype without a type code") }
        return .dtype(code: code, order: nil)
      case "_codecs.encode":
        // Protocol 2 spells bytes as the latin-1 text whose code points are the byte values.
        guard arguments.count == 2, case .text(let text) = arguments[0], case .text("latin1") = arguments[1] else { throw fail("_codecs.encode other than latin1") }
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
          guard scalar.value < 256 else { throw fail("latin-1 text with a code point above 255") }
          bytes.append(UInt8(scalar.value))
        }
        return .bytes(bytes)
      case "_frombuffer":
        guard arguments.count == 4, case .bytes(let raw) = arguments[0], case .dtype = arguments[1], case .tuple = arguments[2],
          case .text(let order) = arguments[3] else { throw fail("_frombuffer without (buffer, dtype, shape, order)") }
        return try build(.array(nil), .tuple([.int(1), arguments[2], arguments[1], .bool(order == "F"), .bytes(raw)]))
      default:
        throw fail("\(callable) cannot be called")
      }
    }
    func build(_ target: Value, _ state: Value) throws(ImageError) -> Value {
      guard case .tuple(let fields) = state else { throw fail("BUILD state is not a tuple") }
      switch target {
      case .dtype(let code, _):
        guard fields.count >= 2, case .text(let order) = fields[1] else { throw fail("dtype state without a byte order") }
        return .dtype(code: code, order: order)
      case .array(nil):
        guard fields.count == 5, case .tuple(let dims) = fields[1], case .dtype(let code, let order) = fields[2],
          case .bool(let fortran) = fields[3], case .bytes(let raw) = fields[4] else {
          throw fail("array state is not (version, shape, dtype, fortran, bytes); object arrays are refused")
        }
        var shape: [Int] = []
        for d in dims {
          guard case .int(let n) = d, n >= 0 else { throw fail("a dimension is not a non-negative integer") }
          shape.append(n)
        }
        guard !fortran || shape.count <= 1 else { throw fail("Fortran-ordered arrays are not read") }
        guard let kind = code.first, "uif".contains(kind), let size = Int(code.dropFirst()), [1, 2, 4, 8].contains(size) else {
          throw fail("dtype \(code) is not a plain numeric type")
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, n in
          let (p, o) = acc.0.multipliedReportingOverflow(by: n)
          return (p, acc.1 || o)
        }
        guard !overflow, count * size == raw.count else { throw fail("shape \(shape) of \(code) needs \(overflow ? "too many" : "\(count * size)") bytes, the stream has \(raw.count)") }
        let little = order == "<" || order == "|" || (order == "=" && size == 1)
        guard little || order == ">" else { throw fail("byte order \(order ?? "?") is not read") }
        return .array(NumpyArray(shape: shape, type: code, littleEndian: little, bytes: raw))
      default:
        throw fail("BUILD on something other than an empty array or a dtype")
      }
    }
  }
}
