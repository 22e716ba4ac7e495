// Local search that removes edge crossings by moving one node at a time.

import Foundation

/// Single-node moves that strictly reduce the number of crossings.
enum CrossingRefinement {
  /// Moves nodes (except `fixed`) to candidate spots while the crossing count drops.
  ///
  /// Candidates for a node: the mean of its neighbours, points beside the midpoint of each pair of
  /// neighbours, and points around each neighbour (12 directions at 1, 0.6 and 0.35 median edge
  /// lengths). A move must lower the node's
  /// crossings and keep the node 0.3 median edge lengths from other nodes and 0.1 off edges.
  static func refine(_ start: [Point], edges: [(Int, Int)], fixed: Set<Int>, rounds: Int) -> [Point] {
    var positions = start
    let n = positions.count
    var incident = Array(repeating: [Int](), count: n)
    for (index, edge) in edges.enumerated() {
      incident[edge.0].append(index)
      incident[edge.1].append(index)
    }
    let lengths = edges.map { (positions[$0.0] - positions[$0.1]).length }.sorted()
    let unit = lengths.isEmpty ? 1 : max(lengths[lengths.count / 2], 1e-6)
    var neighbours = Array(repeating: [Int](), count: n)
    for (u, v) in edges {
      neighbours[u].append(v)
      neighbours[v].append(u)
    }
    for _ in 0..<rounds {
      var improved = false
      for v in 0..<n where !fixed.contains(v) && !neighbours[v].isEmpty {
        let current = crossings(of: v, at: positions[v], positions: positions, edges: edges, incident: incident)
        if current == 0 { continue }
        var bestPoint = positions[v]
        var bestCount = current
        for candidate in candidates(for: v, positions: positions, neighbours: neighbours, unit: unit) {
          guard isClear(candidate, node: v, positions: positions, edges: edges, unit: unit) else { continue }
          let count = crossings(of: v, at: candidate, positions: positions, edges: edges, incident: incident)
          if count < bestCount {
            bestCount = count
            bestPoint = candidate
          }
        }
        if bestCount < current {
          positions[v] = bestPoint
          improved = true
        }
      }
      if !improved { break }
    }
    return positions
  }

  /// Crossings between the edges at `v` (with `v` moved to `point`) and all other edges.
  static func crossings(of v: Int, at point: Point, positions: [Point], edges: [(Int, Int)], incident: [[Int]]) -> Int {
    var count = 0
    let mine = Set(incident[v])
    for e in incident[v] {
      let (a, b) = edges[e]
      let other = a == v ? b : a
      for (index, (c, d)) in edges.enumerated() where !mine.contains(index) {
        if c == other || d == other { continue }
        if LayoutMetrics.segmentsCross(point, positions[other], positions[c], positions[d]) { count += 1 }
      }
    }
    return count
  }

  /// Candidate positions for node `v`.
  static func candidates(for v: Int, positions: [Point], neighbours: [[Int]], unit: Double) -> [Point] {
    var points: [Point] = []
    let mean = neighbours[v].reduce(Point(x: 0, y: 0)) { $0 + positions[$1] } * (1 / Double(neighbours[v].count))
    points.append(mean)
    // Beside the midpoint of two neighbours, on either side: where a degree-2 node belongs when
    // stress or Tutte put it on top of a twin.
    let near = neighbours[v].prefix(4)
    for (i, a) in near.enumerated() {
      for b in near.dropFirst(i + 1) {
        let midpoint = (positions[a] + positions[b]) * 0.5
        let across = positions[b] - positions[a]
        let normal = Point(x: -across.y, y: across.x)
        for fraction in [0.25, 0.5, 0.9] { points += [midpoint + normal * fraction, midpoint - normal * fraction] }
      }
    }
    for radius in [1, 0.6, 0.35] {
      for u in neighbours[v] {
        for step in 0..<12 {
          let angle = Double(step) * Double.pi / 6
          points.append(positions[u] + Point(x: cos(angle), y: sin(angle)) * (radius * unit))
        }
      }
    }
    return points
  }

  /// Whether `point` keeps node `v` 0.3 units from other nodes and 0.1 from edges not at `v`.
  static func isClear(_ point: Point, node v: Int, positions: [Point], edges: [(Int, Int)], unit: Double) -> Bool {
    for (u, p) in positions.enumerated() where u != v && (p - point).length < 0.3 * unit { return false }
    for (a, b) in edges where a != v && b != v {
      if distance(from: point, toSegment: positions[a], positions[b]) < 0.1 * unit { return false }
    }
    return true
  }

  /// Distance from `p` to the segment ab.
  static func distance(from p: Point, toSegment a: Point, _ b: Point) -> Double {
    let ab = b - a
    let lengthSquared = ab.x * ab.x + ab.y * ab.y
    guard lengthSquared > 1e-12 else { return (p - a).length }
    // Projection parameter t = (p − a)·(b − a) / |b − a|², clamped to the segment.
    let t = max(0, min(1, ((p.x - a.x) * ab.x + (p.y - a.y) * ab.y) / lengthSquared))
    return (p - (a + ab * t)).length
  }
}
