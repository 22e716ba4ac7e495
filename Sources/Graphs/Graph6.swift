// graph6 reading and writing, exactly as nauty's formats.txt defines it.
//
// A graph6 string is N(n) R(x), printable bytes 63...126:
// - N(n): n <= 62 is one byte n+63; 63 <= n <= 258047 is byte 126 then n as 18 bits in three
//   6-bit groups (each +63, big-endian); 258048 <= n <= 68719476735 is bytes 126 126 then n as
//   36 bits in six 6-bit groups.
// - R(x): the upper triangle of the adjacency matrix in column order, x(0,1), x(0,2), x(1,2),
//   x(0,3), x(1,3), x(2,3), ..., x(n-2,n-1), padded with zeros to a multiple of 6 bits, each
//   group of 6 bits (most significant first) + 63.
// A file may start with the header ">>graph6<<" (no newline) and holds one graph per line.
// graph6 has no labels: writing needs an unlabelled graph and reading gives one.

import Foundation

/// An error reading graph6 text: where it happened and why, and how to fix it.
public struct Graph6Error: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file (or "<string>" for in-memory text).
  public var source: String
  /// The 1-based line number (0 when not line-based).
  public var line: Int
  /// What is wrong.
  public var reason: String

  /// A message naming the source, line and reason.
  public var description: String {
    "\(source)\(line > 0 ? ":\(line)" : ""): \(reason)"
  }
}

/// graph6 encoding and decoding.
public enum Graph6 {
  /// The largest node count cfx accepts when reading (graphs are stored densely).
  public static let maximumNodeCount = 4096
  /// The optional file header.
  public static let header = ">>graph6<<"

  /// The N(n) size field for `n` (0...68719476735).
  static func sizeField(_ n: Int) -> [UInt8] {
    precondition(n >= 0 && n <= 68_719_476_735, "graph6: node count \(n) out of range")
    if n <= 62 { return [UInt8(n + 63)] }
    let groups = n <= 258_047 ? 3 : 6
    var bytes: [UInt8] = n <= 258_047 ? [126] : [126, 126]
    for g in stride(from: groups - 1, through: 0, by: -1) { bytes.append(UInt8((n >> (6 * g)) & 63) + 63) }
    return bytes
  }

  /// The outcome of parsing a size field.
  enum SizeFieldParse: Equatable {
    case success(Int, Int)
    case failure(String)
  }

  /// Parses the N(n) size field at the start of `bytes`: (n, bytes consumed), or a reason.
  static func parseSizeField(_ bytes: ArraySlice<UInt8>) -> SizeFieldParse {
    guard let first = bytes.first else { return .failure("empty line (expected a graph6 string)") }
    guard first >= 63 && first <= 126 else {
      return .failure("byte \(first) at column 1 is not a graph6 character (63...126)")
    }
    if first < 126 { return .success(Int(first) - 63, 1) }
    let isLong = bytes.count >= 2 && bytes[bytes.startIndex + 1] == 126
    let groups = isLong ? 6 : 3
    let start = bytes.startIndex + (isLong ? 2 : 1)
    guard bytes.count >= (isLong ? 2 : 1) + groups else {
      return .failure("the size field is truncated (byte 126 must be followed by \(groups) size bytes)")
    }
    var n = 0
    for i in 0..<groups {
      let b = bytes[start + i]
      guard b >= 63 && b <= 126 else { return .failure("byte \(b) in the size field is not a graph6 character") }
      n = (n << 6) | Int(b - 63)
    }
    return .success(n, (isLong ? 2 : 1) + groups)
  }

  /// The graph6 string of an unlabelled graph (no newline).
  /// - Precondition: `graph.isUnlabeled` (graph6 cannot store labels).
  public static func encode(_ graph: Graph) -> String {
    precondition(graph.isUnlabeled, "graph6: cannot store node or edge labels; pass graph.unlabeled if dropping them is intended")
    let n = graph.nodeCount
    var bytes = sizeField(n)
    var group: UInt8 = 0
    var bitsInGroup = 0
    for v in 1..<Swift.max(n, 1) {
      for u in 0..<v {
        group = (group << 1) | (graph.hasEdge(u, v) ? 1 : 0)
        bitsInGroup += 1
        if bitsInGroup == 6 {
          bytes.append(group + 63)
          (group, bitsInGroup) = (0, 0)
        }
      }
    }
    if bitsInGroup > 0 { bytes.append((group << UInt8(6 - bitsInGroup)) + 63) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Decodes one graph6 string (surrounding whitespace and an optional `>>graph6<<` header are
  /// allowed). `source` and `line` only label errors.
  public static func decode(_ text: some StringProtocol, source: String = "<string>", line: Int = 0) throws(Graph6Error) -> Graph {
    func fail(_ reason: String) -> Graph6Error { Graph6Error(source: source, line: line, reason: reason) }
    var bytes = Array(text.utf8)
    while let last = bytes.last, last == 10 || last == 13 || last == 32 || last == 9 { bytes.removeLast() }
    var start = 0
    while start < bytes.count, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
    if bytes.count - start >= header.utf8.count, Array(bytes[start..<(start + header.utf8.count)]) == Array(header.utf8) {
      start += header.utf8.count
    }
    let body = bytes[start...]
    if let first = body.first, first == UInt8(ascii: ":") || first == UInt8(ascii: ";") {
      throw fail("this is sparse6 (starts with ':' or ';'), not graph6; convert it with `nauty-copyg -g`")
    }
    if let first = body.first, first == UInt8(ascii: "&") {
      throw fail("this is digraph6 (starts with '&'), not graph6; cfx graphs are undirected")
    }
    let n: Int
    let consumed: Int
    switch parseSizeField(body) {
    case .failure(let reason): throw fail(reason + "; expected a graph6 string such as \"DQc\"")
    case .success(let count, let used): (n, consumed) = (count, used)
    }
    guard n <= maximumNodeCount else {
      throw fail("graph has \(n) nodes; cfx reads graphs of at most \(maximumNodeCount) nodes")
    }
    let bitCount = n * (n - 1) / 2
    let expectedBytes = (bitCount + 5) / 6
    let data = body.dropFirst(consumed)
    guard data.count == expectedBytes else {
      throw fail("a graph on \(n) nodes needs \(expectedBytes) edge bytes after the size field, found \(data.count); the line is truncated or has extra characters")
    }
    var graph = Graph(nodeCount: n)
    var bitIndex = 0
    for (offset, byte) in data.enumerated() {
      guard byte >= 63 && byte <= 126 else {
        throw fail("byte \(byte) at column \(start + consumed + offset + 1) is not a graph6 character (63...126)")
      }
      let value = byte - 63
      for b in stride(from: 5, through: 0, by: -1) {
        let bit = (value >> UInt8(b)) & 1
        if bitIndex < bitCount {
          if bit == 1 {
            // Bit index k in column order: v is the largest with v(v-1)/2 <= k, u = k - v(v-1)/2.
            let (u, v) = upperTrianglePair(bitIndex)
            graph.addEdge(u, v)
          }
        } else if bit == 1 {
          throw fail("padding bits after the last edge bit must be 0; the string is corrupt")
        }
        bitIndex += 1
      }
    }
    return graph
  }

  /// The (u, v), u < v, of bit `k` in graph6's column order.
  static func upperTrianglePair(_ k: Int) -> (Int, Int) {
    var v = Int((1 + (1 + 8 * Double(k)).squareRoot()) / 2)
    while v * (v - 1) / 2 > k { v -= 1 }
    while (v + 1) * v / 2 <= k { v += 1 }
    return (k - v * (v - 1) / 2, v)
  }

  /// Decodes graph6 text with one graph per line (an optional `>>graph6<<` header; blank lines
  /// are skipped). Errors name `source` and the 1-based line.
  public static func decodeLines(_ text: String, source: String = "<string>") throws(Graph6Error) -> [Graph] {
    var graphs: [Graph] = []
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      if line.allSatisfy({ $0 == " " || $0 == "\r" || $0 == "\t" }) { continue }
      graphs.append(try decode(line, source: source, line: lineNumber))
    }
    return graphs
  }

  /// Reads a graph6 file (one graph per line).
  public static func read(contentsOf url: URL) throws(Graph6Error) -> [Graph] {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw Graph6Error(source: url.path, line: 0, reason: "cannot read the file (\(error.localizedDescription)); check the path and permissions")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Graph6Error(source: url.path, line: 0, reason: "the file is not text; graph6 files hold printable ASCII lines")
    }
    return try decodeLines(text, source: url.path)
  }

  /// graph6 text for `graphs`, one per line, each line ending in a newline.
  public static func encodeLines(_ graphs: [Graph]) -> String {
    graphs.map { encode($0) + "\n" }.joined()
  }
}

extension Graph {
  /// The graph6 string of this unlabelled graph (see `Graph6.encode`).
  public var graph6: String { Graph6.encode(self) }

  /// Decodes a graph6 string.
  public init(graph6 text: some StringProtocol) throws(Graph6Error) { self = try Graph6.decode(text) }
}
