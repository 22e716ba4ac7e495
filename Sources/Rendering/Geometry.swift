// Plane geometry for layouts: points, segment crossings, bounding boxes.

/// A point in the plane (layout units or points, depending on context).
public struct Point: Sendable, Equatable, Hashable {
  /// Horizontal coordinate.
  public var x: Double
  /// Vertical coordinate (up is positive, as in Graphviz).
  public var y: Double

  /// Creates a point.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  static func + (a: Point, b: Point) -> Point { Point(x: a.x + b.x, y: a.y + b.y) }
  static func - (a: Point, b: Point) -> Point { Point(x: a.x - b.x, y: a.y - b.y) }
  static func * (a: Point, s: Double) -> Point { Point(x: a.x * s, y: a.y * s) }

  /// Euclidean length of the point as a vector.
  var length: Double { (x * x + y * y).squareRoot() }
}

/// An axis-aligned rectangle.
struct Box: Sendable, Equatable {
  var minX: Double, minY: Double, maxX: Double, maxY: Double

  /// The smallest box holding all points (a zero box at the origin for none).
  init(enclosing points: [Point]) {
    guard let first = points.first else {
      (minX, minY, maxX, maxY) = (0, 0, 0, 0)
      return
    }
    (minX, minY, maxX, maxY) = (first.x, first.y, first.x, first.y)
    for p in points.dropFirst() {
      minX = min(minX, p.x)
      minY = min(minY, p.y)
      maxX = max(maxX, p.x)
      maxY = max(maxY, p.y)
    }
  }

  var width: Double { maxX - minX }
  var height: Double { maxY - minY }
  var center: Point { Point(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }
}

/// Crossing counts and other layout measures.
public enum LayoutMetrics {
  /// Number of pairs of edges whose segments cross properly (edges sharing an endpoint never count).
  public static func crossingCount(positions: [Point], edges: [(Int, Int)]) -> Int {
    var count = 0
    for i in 0..<edges.count {
      let (a, b) = edges[i]
      for j in (i + 1)..<edges.count {
        let (c, d) = edges[j]
        if a == c || a == d || b == c || b == d { continue }
        if segmentsCross(positions[a], positions[b], positions[c], positions[d]) { count += 1 }
      }
    }
    return count
  }

  /// Crossings of the edges of a drawing input at the given positions.
  public static func crossingCount(of graph: DrawingGraph, positions: [Point]) -> Int {
    crossingCount(positions: positions, edges: graph.edges.map { ($0.source, $0.target) })
  }

  /// Whether segments pq and rs cross at a point interior to both (collinear overlap counts).
  static func segmentsCross(_ p: Point, _ q: Point, _ r: Point, _ s: Point) -> Bool {
    // Orientation signs: the segments cross properly iff r and s lie strictly on opposite sides of
    // line pq and p and q strictly on opposite sides of line rs.
    let d1 = orientation(p, q, r), d2 = orientation(p, q, s)
    let d3 = orientation(r, s, p), d4 = orientation(r, s, q)
    if d1 * d2 < 0 && d3 * d4 < 0 { return true }
    // Collinear overlap (all four on one line with overlapping extents) is a crossing too.
    if d1 == 0 && d2 == 0 {
      let horizontal = abs(q.x - p.x) >= abs(q.y - p.y)
      let (a0, a1) = horizontal ? (min(p.x, q.x), max(p.x, q.x)) : (min(p.y, q.y), max(p.y, q.y))
      let (b0, b1) = horizontal ? (min(r.x, s.x), max(r.x, s.x)) : (min(r.y, s.y), max(r.y, s.y))
      return min(a1, b1) - max(a0, b0) > 1e-9
    }
    return false
  }

  /// Sign of the cross product (q − p) × (r − p), with a small dead band for rounding.
  static func orientation(_ p: Point, _ q: Point, _ r: Point) -> Double {
    let value = (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    let scale = max(1e-12, (q - p).length * (r - p).length)
    if abs(value) <= 1e-9 * scale { return 0 }
    return value > 0 ? 1 : -1
  }

  /// The smallest distance between two distinct nodes (infinity for fewer than two).
  static func closestPair(_ positions: [Point]) -> Double {
    var best = Double.infinity
    for i in 0..<positions.count {
      for j in (i + 1)..<positions.count { best = min(best, (positions[i] - positions[j]).length) }
    }
    return best
  }
}
