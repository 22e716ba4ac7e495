// Rigid alignment of one point set onto another (rotation, optional mirror, translation).

import Foundation

/// Orthogonal Procrustes in the plane.
enum Procrustes {
  /// `points` moved rigidly (rotated, possibly mirrored, translated; no scaling) to best match
  /// `target` in the least-squares sense.
  ///
  /// With both sets centred, the rotation maximising Σ target·R(point) has angle
  /// θ = atan2(Σ(x·y' − y·x'), Σ(x·x' + y·y')); the mirrored case is the same after y ↦ −y.
  /// The variant with the smaller residual wins.
  static func align(_ points: [Point], onto target: [Point]) -> [Point] {
    precondition(points.count == target.count, "align \(points.count) points onto \(target.count)")
    guard !points.isEmpty else { return [] }
    return points.map(transform(from: points, onto: target))
  }

  /// The rigid motion (rotation, possibly a mirror, translation) that best moves `points` onto
  /// `target`, to apply to other points of the same drawing too.
  static func transform(from points: [Point], onto target: [Point]) -> (Point) -> Point {
    precondition(points.count == target.count && !points.isEmpty, "transform from \(points.count) points onto \(target.count)")
    let count = Double(points.count)
    let sourceCenter = points.reduce(Point(x: 0, y: 0), +) * (1 / count)
    let targetCenter = target.reduce(Point(x: 0, y: 0), +) * (1 / count)
    var best: (mirror: Bool, c: Double, s: Double) = (false, 1, 0)
    var bestResidual = Double.infinity
    for mirror in [false, true] {
      let centred = points.map { p -> Point in
        let d = p - sourceCenter
        return mirror ? Point(x: d.x, y: -d.y) : d
      }
      var cross = 0.0, dot = 0.0
      for (p, q) in zip(centred, target.map { $0 - targetCenter }) {
        cross += p.x * q.y - p.y * q.x
        dot += p.x * q.x + p.y * q.y
      }
      let theta = atan2(cross, dot)
      let (c, s) = (cos(theta), sin(theta))
      let moved = centred.map { Point(x: $0.x * c - $0.y * s, y: $0.x * s + $0.y * c) + targetCenter }
      let residual = zip(moved, target).reduce(0.0) { $0 + ($1.0 - $1.1).length * ($1.0 - $1.1).length }
      if residual < bestResidual {
        bestResidual = residual
        best = (mirror, c, s)
      }
    }
    let (mirror, c, s) = best
    return { p in
      var d = p - sourceCenter
      if mirror { d = Point(x: d.x, y: -d.y) }
      return Point(x: d.x * c - d.y * s, y: d.x * s + d.y * c) + targetCenter
    }
  }
}
