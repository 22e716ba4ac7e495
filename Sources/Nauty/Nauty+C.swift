// Swift wrapper over nauty's densenauty for undirected simple graphs.
//
// Pointer ownership: all nauty buffers (packed graph rows, lab, ptn, orbits, canonical graph)
// are Swift arrays owned by the calling function and lent to nauty for the call only.

import CNauty

/// The result of canonically labelling a graph with nauty.
public struct CanonicalLabeling: Sendable, Equatable {
  /// `labeling[i]` is the original vertex placed at canonical position i.
  public let labeling: [Int]
  /// Orbit representative of each vertex under the automorphism group.
  public let orbits: [Int]
  /// The canonical graph as a sorted list of edges (u < v) in canonical vertex numbers.
  public let canonicalEdges: [[Int]]
  /// Size of the automorphism group (as nauty reports it, a Double: it can be huge).
  public let automorphismGroupSize: Double
}

/// Namespace for nauty calls.
public enum Nauty {
  /// nauty's version id (e.g. 28001 for 2.8.6-ish builds).
  public static var versionID: Int { Int(NAUTYVERSIONID) }

  /// Canonically labels the undirected simple graph on `vertexCount` vertices with `edges`
  /// (pairs of 0-based vertices; self-loops and duplicates are ignored). Optional `colors`
  /// partition the vertices (vertices with different colours are never mapped to each other).
  public static func canonicalLabeling(
    vertexCount n: Int, edges: [(Int, Int)], colors: [Int]? = nil
  ) -> CanonicalLabeling {
    precondition(n >= 0, "Nauty: vertex count \(n) must be non-negative")
    if n == 0 {
      return CanonicalLabeling(labeling: [], orbits: [], canonicalEdges: [], automorphismGroupSize: 1)
    }
    let m = Int(cnauty_setwords_needed(Int32(n)))
    cnauty_check(Int32(m), Int32(n))
    var g = [setword](repeating: 0, count: m * n)
    for (u, v) in edges {
      precondition(u >= 0 && u < n && v >= 0 && v < n, "Nauty: edge (\(u), \(v)) out of range for \(n) vertices")
      if u == v { continue }
      g.withUnsafeMutableBufferPointer { cnauty_add_edge($0.baseAddress, Int32(m), Int32(u), Int32(v)) }
    }
    let run = dense(rows: g, vertexCount: n, wordsPerRow: m, colors: colors)
    let canon = run.canonicalRows
    var canonicalEdges: [[Int]] = []
    canon.withUnsafeBufferPointer { cp in
      for u in 0..<n {
        for v in (u + 1)..<Swift.max(n, u + 1) where cnauty_has_edge(cp.baseAddress, Int32(m), Int32(u), Int32(v)) != 0 {
          canonicalEdges.append([u, v])
        }
      }
    }
    return CanonicalLabeling(
      labeling: run.labeling, orbits: run.orbits, canonicalEdges: canonicalEdges, automorphismGroupSize: run.groupSize)
  }

  /// One densenauty call on packed rows with an optional colour partition (cells ordered by
  /// colour value): canonical labelling, orbits, group size and the canonical rows.
  static func dense(rows: [setword], vertexCount n: Int, wordsPerRow m: Int, colors: [Int]?)
    -> (labeling: [Int], orbits: [Int], groupSize: Double, canonicalRows: [setword])
  {
    var g = rows
    var lab = [Int32](repeating: 0, count: n)
    var ptn = [Int32](repeating: 0, count: n)
    var orbits = [Int32](repeating: 0, count: n)
    var options = cnauty_default_options_graph()
    options.getcanon = 1
    if let colors {
      precondition(colors.count == n, "Nauty: \(colors.count) colours for \(n) vertices")
      // lab lists vertices grouped by colour; ptn is 0 at the end of each colour cell.
      let order = (0..<n).sorted { (colors[$0], $0) < (colors[$1], $1) }
      for (i, v) in order.enumerated() {
        lab[i] = Int32(v)
        ptn[i] = (i + 1 < n && colors[order[i + 1]] == colors[v]) ? 1 : 0
      }
      options.defaultptn = 0
    }
    var stats = statsblk()
    var canon = [setword](repeating: 0, count: m * n)
    g.withUnsafeMutableBufferPointer { gp in
      canon.withUnsafeMutableBufferPointer { cp in
        densenauty(gp.baseAddress, &lab, &ptn, &orbits, &options, &stats, Int32(m), Int32(n), cp.baseAddress)
      }
    }
    return (lab.map(Int.init), orbits.map(Int.init), stats.grpsize1 * pow10(Int(stats.grpsize2)), canon)
  }

  private static func pow10(_ e: Int) -> Double {
    var r = 1.0
    for _ in 0..<e { r *= 10 }
    return r
  }
}

/// The result of canonically labelling a graph given as packed adjacency rows.
public struct PackedCanonicalLabeling: Sendable, Equatable {
  /// `labeling[i]` is the original vertex placed at canonical position i.
  public let labeling: [Int]
  /// The canonical graph as packed rows (same layout as the input: `wordsPerRow` words per
  /// vertex, vertex w of row v at bit `63 - w % 64` of word `w / 64`, MSB first as in nauty).
  public let canonicalRows: [UInt64]
}

extension Nauty {
  /// Number of 64-bit words per packed adjacency row for `vertexCount` vertices.
  public static func wordsPerRow(vertexCount n: Int) -> Int { Swift.max(1, (n + 63) / 64) }

  /// Canonically labels the undirected graph given as packed adjacency rows (`wordsPerRow`
  /// words per vertex, nauty's MSB-first bit order, symmetric, no self-loops). Vertices of
  /// different `colors` are never mapped to each other, and the cells are ordered by colour
  /// value, so canonical positions list the smallest colour first. This is the fast path used
  /// for enumeration and isomorphism tests: no edge lists are built.
  public static func canonicalLabeling(
    packedRows: [UInt64], vertexCount n: Int, colors: [Int]? = nil
  ) -> PackedCanonicalLabeling {
    let m = wordsPerRow(vertexCount: n)
    precondition(n >= 0 && packedRows.count == m * n, "Nauty: \(packedRows.count) packed words for \(n) vertices (expected \(m * n))")
    if n == 0 { return PackedCanonicalLabeling(labeling: [], canonicalRows: []) }
    cnauty_check(Int32(m), Int32(n))
    let run = dense(rows: packedRows.map { setword($0) }, vertexCount: n, wordsPerRow: m, colors: colors)
    return PackedCanonicalLabeling(labeling: run.labeling, canonicalRows: run.canonicalRows.map { UInt64($0) })
  }
}
