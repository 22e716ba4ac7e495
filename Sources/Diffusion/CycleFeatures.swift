// Cycle-count extra features, as DiGress computes them (port of DiGress
// src/diffusion/extra_features.py: NodeCycleFeatures and KNodeCycles).
//
// Implementation goals, in priority order: (1) the same numbers as DiGress's fixed formulas,
// (2) exact counts (they are tested against enumeration in Graphs.cycleCounts), (3) speed:
// features are recomputed from the noisy graph at every training and sampling step.
//
// From the adjacency A (the sum of the non-zero edge classes of E) and the degrees d = A·1:
//   per node i (with t = diag(A³)/2, the triangles through i):
//     c3(i) = diag(A³)_i / 2
//     c4(i) = (diag(A⁴)_i − d_i(d_i − 1) − (A·d)_i) / 2
//     c5(i) = (diag(A⁵)_i − 2((A²∘A)·d)_i − 4·d_i·t_i − 2(A·t)_i + 10·t_i) / 2
//   per graph:
//     k3 = Σ diag(A³) / 6,  k4 = Σ 2c4 / 8,  k5 = Σ 2c5 / 10,
//     k6 = (tr A⁶ − 3 Σ diag(A³)² + 9 Σ A∘(A²)² − 6 Σ diag(A²)∘diag(A⁴) + 6 tr A⁴ − 4 tr A³
//           + 4 Σ diag(A²)³ + 3 Σ A³ − 12 Σ diag(A²)² + 4 tr A²) / 12.
// Each closed walk count is corrected for the walks that are not simple cycles (a closed 4-walk
// that goes back and forth along one or two edges, a 5-walk around a triangle with a pendant
// step, ...), which is why the corrections are polynomials in d and t.
// Then every count is divided by 10 and clipped at 1 ("avoid large values when the graph is
// dense"), and node features are multiplied by the node mask.
//
// Decisions on DiGress's quirks:
// - c5 uses the corrected formula from DiGress's `fixed_bug` branch (used by FreeGress). The
//   `main` formula (diag(A⁵) − 2·diag(A³)·d − A·diag(A³) + diag(A³)) is wrong, e.g. 4.8 five-
//   cycles in K4. With the fixed formulas all counts are exact for simple graphs (tests check
//   per-node c3, c4, c5 and per-graph k3...k6 against enumeration on random graphs).
// - The `A³ ** 2` in DiGress's k6 is an elementwise square, so its trace is Σ diag(A³)²; that is
//   what the formula needs, and what is used here.
// - The adjacency is masked to real node pairs and its diagonal is set to 0 here, whatever the
//   edge tensor's diagonal convention (DiGress relies on E being masked and on its diagonal
//   being the zero vector; cfx's diagonal is class 0, which the sum over classes ≥ 1 drops too).
// - Sums and products run in Double per graph: entries of A⁶ exceed Float's 2^24 exact range
//   for dense graphs of a few dozen nodes, and the k6 formula subtracts large terms. The
//   features are outputs for the network (no gradient flows through them), as in DiGress.
// - Powers are computed as A² = A·A and A³ = A²·A only: diag(A⁴)_i = Σ_j (A²_ij)²,
//   diag(A⁵)_i = Σ_j A²_ij A³_ij and tr A⁶ = Σ_ij (A³_ij)², since A is symmetric.

/// DiGress's cycle-count extra features of a batch of graphs.
public enum CycleFeatures {
  /// Unnormalised cycle counts of a batch (exact for 0/1 symmetric adjacency).
  public struct Counts: Sendable {
    /// Per node: cycles of length 3, 4, 5 through the node. Shape [bs, n, 3]; padded rows 0.
    public var perNode: Tensor
    /// Per graph: cycles of length 3, 4, 5, 6. Shape [bs, 4].
    public var perGraph: Tensor
  }

  /// The features DiGress feeds the denoiser: counts / 10 clipped at 1.
  public struct Features: Sendable {
    /// Per-node features (c3, c4, c5). Shape [bs, n, 3]; padded rows 0.
    public var nodes: Tensor
    /// Per-graph features (k3, k4, k5, k6). Shape [bs, 4].
    public var graphs: Tensor
  }

  /// Normalised features from a dense edge tensor: the adjacency is the sum of classes ≥ 1.
  /// Shapes: edges [bs, n, n, b], nodeMask [bs, n] → nodes [bs, n, 3], graphs [bs, 4].
  public static func features(edges: Tensor, nodeMask: Tensor) -> Features {
    features(adjacency: adjacency(fromEdges: edges), nodeMask: nodeMask)
  }

  /// Normalised features from an adjacency tensor.
  /// Shapes: adjacency [bs, n, n], nodeMask [bs, n] → nodes [bs, n, 3], graphs [bs, 4].
  public static func features(adjacency: Tensor, nodeMask: Tensor) -> Features {
    let raw = counts(adjacency: adjacency, nodeMask: nodeMask)
    func normalised(_ t: Tensor) -> Tensor {
      Tensor(shape: t.shape, scalars: t.scalars.map { Swift.min($0 / 10, 1) })
    }
    return Features(nodes: normalised(raw.perNode), graphs: normalised(raw.perGraph))
  }

  /// The adjacency Σ_{c ≥ 1} E[..., c]. Shapes: [bs, n, n, b] → [bs, n, n].
  public static func adjacency(fromEdges edges: Tensor) -> Tensor {
    precondition(edges.rank == 4 && edges.shape[1] == edges.shape[2] && edges.shape[3] >= 2,
                 "CycleFeatures: edges must be [bs, n, n, b >= 2], got \(edges.shape)")
    let (pairs, b) = (edges.count / edges.shape[3], edges.shape[3])
    let e = edges.scalars
    var a = [Float](repeating: 0, count: pairs)
    for p in 0..<pairs {
      var s: Float = 0
      for c in 1..<b { s += e[p * b + c] }
      a[p] = s
    }
    return Tensor(shape: Array(edges.shape.dropLast()), scalars: a)
  }

  /// Unnormalised counts (DiGress's formulas before the /10 and the clip).
  /// Shapes: adjacency [bs, n, n], nodeMask [bs, n] → perNode [bs, n, 3], perGraph [bs, 4].
  public static func counts(adjacency: Tensor, nodeMask: Tensor) -> Counts {
    precondition(adjacency.rank == 3 && adjacency.shape[1] == adjacency.shape[2],
                 "CycleFeatures: adjacency must be [bs, n, n], got \(adjacency.shape)")
    let (bs, n) = (adjacency.shape[0], adjacency.shape[1])
    precondition(nodeMask.shape == [bs, n], "CycleFeatures: nodeMask must be [\(bs), \(n)], got \(nodeMask.shape) (adjacency \(adjacency.shape))")
    let allA = adjacency.scalars, allMask = nodeMask.scalars
    var perNode = [Float](repeating: 0, count: bs * n * 3)
    var perGraph = [Float](repeating: 0, count: bs * 4)
    var a = [Double](repeating: 0, count: n * n)
    for g in 0..<bs {
      let mask = (0..<n).map { allMask[g * n + $0] > 0.5 }
      for i in 0..<n {
        for j in 0..<n {
          a[i * n + j] = (i != j && mask[i] && mask[j]) ? Double(allA[(g * n + i) * n + j]) : 0
        }
      }
      let result = graphCounts(a, n)
      for i in 0..<n where mask[i] {
        for k in 0..<3 { perNode[(g * n + i) * 3 + k] = Float(result.node[k][i]) }
      }
      for k in 0..<4 { perGraph[g * 4 + k] = Float(result.graph[k]) }
    }
    return Counts(perNode: Tensor(shape: [bs, n, 3], scalars: perNode), perGraph: Tensor(shape: [bs, 4], scalars: perGraph))
  }

  /// DiGress's counts for one n×n adjacency (row-major, symmetric, zero diagonal).
  private static func graphCounts(_ a: [Double], _ n: Int) -> (node: [[Double]], graph: [Double]) {
    // A² = A·A and A³ = A²·A, skipping zero entries (sparse graphs cost O(n²·degree)).
    func timesA(_ x: [Double]) -> [Double] {
      var product = [Double](repeating: 0, count: n * n)
      for i in 0..<n {
        for l in 0..<n where x[i * n + l] != 0 {
          let value = x[i * n + l]
          for j in 0..<n where a[l * n + j] != 0 { product[i * n + j] += value * a[l * n + j] }
        }
      }
      return product
    }
    let a2 = timesA(a)
    let a3 = timesA(a2)
    var degree = [Double](repeating: 0, count: n)
    var diag2 = [Double](repeating: 0, count: n), diag3 = [Double](repeating: 0, count: n)
    var diag4 = [Double](repeating: 0, count: n), diag5 = [Double](repeating: 0, count: n)
    var trace6 = 0.0, sumA3 = 0.0, edgeWeightedA2Squared = 0.0
    for i in 0..<n {
      diag2[i] = a2[i * n + i]
      diag3[i] = a3[i * n + i]
      for j in 0..<n {
        degree[i] += a[i * n + j]
        diag4[i] += a2[i * n + j] * a2[j * n + i]  // (A²·A²)_ii
        diag5[i] += a2[i * n + j] * a3[j * n + i]  // (A²·A³)_ii
        trace6 += a3[i * n + j] * a3[j * n + i]  // tr(A³·A³)
        sumA3 += a3[i * n + j]
        edgeWeightedA2Squared += a[i * n + j] * a2[i * n + j] * a2[i * n + j]
      }
    }
    var c3 = [Double](repeating: 0, count: n), c4 = c3, c5 = c3
    let triangles = diag3.map { $0 / 2 }
    for i in 0..<n {
      var aTimesDegree = 0.0, jointTimesDegree = 0.0, aTimesTriangles = 0.0
      for j in 0..<n where a[i * n + j] != 0 {
        aTimesDegree += a[i * n + j] * degree[j]
        jointTimesDegree += a2[i * n + j] * a[i * n + j] * degree[j]
        aTimesTriangles += a[i * n + j] * triangles[j]
      }
      c3[i] = diag3[i] / 2
      c4[i] = (diag4[i] - degree[i] * (degree[i] - 1) - aTimesDegree) / 2
      c5[i] = (diag5[i] - 2 * jointTimesDegree - 4 * degree[i] * triangles[i] - 2 * aTimesTriangles + 10 * triangles[i]) / 2
    }
    let sum = { (v: [Double]) in v.reduce(0, +) }
    let k3 = sum(diag3) / 6
    let k4 = 2 * sum(c4) / 8
    let k5 = 2 * sum(c5) / 10
    let k6Numerator =
      trace6 - 3 * sum(diag3.map { $0 * $0 }) + 9 * edgeWeightedA2Squared
      - 6 * sum((0..<n).map { diag2[$0] * diag4[$0] }) + 6 * sum(diag4) - 4 * sum(diag3)
      + 4 * sum(diag2.map { $0 * $0 * $0 }) + 3 * sumA3 - 12 * sum(diag2.map { $0 * $0 }) + 4 * sum(diag2)
    return ([c3, c4, c5], [k3, k4, k5, k6Numerator / 12])
  }
}
