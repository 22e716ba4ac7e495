// Naive reference for the fused graph attention (GraphAttention+C.swift): the defining formulas
// as plain loops in Double, written for clarity. The tests compare the fast kernel with it and
// take finite differences of it.

import Foundation

extension NaiveKernels {
  /// Graph attention forward in Double. Shapes: qkv [bs, n, 3d], film [bs, n, n, 2d],
  /// nodeMask [bs, n], globalAdd/globalMultiply [bs, d] → edges [bs, n, n, d], nodes [bs, n, d].
  static func graphAttention(
    qkv: Tensor, film: Tensor, nodeMask: Tensor, globalAdd: Tensor, globalMultiply: Tensor, scale: Float
  ) -> (edges: Tensor, nodes: Tensor) {
    let (bs, n, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    let (edges, nodes) = graphAttentionValues(
      qkv: qkv.scalars.map(Double.init), film: film.scalars.map(Double.init), nodeMask: nodeMask.scalars.map(Double.init),
      globalAdd: globalAdd.scalars.map(Double.init), globalMultiply: globalMultiply.scalars.map(Double.init),
      bs: bs, n: n, d: d, scale: Double(scale))
    return (Tensor(shape: [bs, n, n, d], scalars: edges.map(Float.init)), Tensor(shape: [bs, n, d], scalars: nodes.map(Float.init)))
  }

  /// The same on flat Double arrays (row-major, shapes as above); returns flat edges and nodes.
  static func graphAttentionValues(
    qkv q: [Double], film f: [Double], nodeMask m: [Double], globalAdd ga: [Double], globalMultiply gm: [Double],
    bs: Int, n: Int, d: Int, scale: Double
  ) -> (edges: [Double], nodes: [Double]) {
    var edges = [Double](repeating: 0, count: bs * n * n * d), nodes = [Double](repeating: 0, count: bs * n * d)
    for b in 0..<bs {
      for i in 0..<n {
        for c in 0..<d {
          var scores = [Double](repeating: 0, count: n)
          for j in 0..<n {
            let (mi, mj) = (m[b * n + i], m[b * n + j])
            let queryValue = q[(b * n + i) * 3 * d + c] * mi, keyValue = q[(b * n + j) * 3 * d + d + c] * mj
            let e = ((b * n + i) * n + j) * 2 * d
            let y = queryValue * keyValue * scale * (f[e + c] * mi * mj + 1) + f[e + d + c] * mi * mj
            scores[j] = y
            edges[((b * n + i) * n + j) * d + c] = ga[b * d + c] + (gm[b * d + c] + 1) * y
          }
          let kept = (0..<n).filter { m[b * n + $0] != 0 }
          guard let mx = kept.map({ scores[$0] }).max() else { continue }
          let total = kept.reduce(0.0) { $0 + Foundation.exp(scores[$1] - mx) }
          var w = 0.0
          for j in kept { w += Foundation.exp(scores[j] - mx) / total * q[(b * n + j) * 3 * d + 2 * d + c] * m[b * n + j] }
          nodes[(b * n + i) * d + c] = w
        }
      }
    }
    return (edges, nodes)
  }
}
