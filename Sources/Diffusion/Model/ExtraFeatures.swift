// Extra structural features recomputed from the noisy graph G_t at every training and sampling
// step (port of DiGress src/diffusion/extra_features.py, ExtraFeatures with mode 'cycles' or
// 'all'). Decisions on the quirks of DiGress's reference code:
//  - The adjacency collapses all edge classes ≥ 1 (as DiGress).
//  - "Not in the largest connected component" is computed exactly by a graph search, not from
//    the mode of a rounded eigenvector (DiGress's approximation, which fails for components of
//    equal size or near-degenerate spectra). Ties between largest components: the one holding the
//    lowest node index counts as largest.
//  - Eigenvalues of L = D − A, padded nodes with diagonal 2n (pushed out of the way), divided by
//    the real node count; components = eigenvalues below 1e-5; the first 5 non-zero eigenvalues
//    padded with 2; node features: the eigenvectors of the first two non-zero eigenvalues
//    (zeros where they do not exist), sign fixed by LAPACK wrapper's largest-component-positive
//    convention.
//  - Features are inputs only: they are computed without gradients.

import Basics

/// Which extra features the denoiser receives.
public enum ExtraFeatureSet: String, Codable, Sendable, CaseIterable {
  /// No extra features; globals are only n/n_max.
  case none
  /// Cycle counts (nodes: 3, graphs: 4) and n/n_max.
  case cycles
  /// Cycles, spectral features and n/n_max (DiGress's default 'all').
  case all

  /// Width of the per-node features.
  public var nodeWidth: Int {
    switch self {
    case .none: return 0
    case .cycles: return 3
    case .all: return 6
    }
  }

  /// Width of the per-graph features (excluding the time t/T the model adds).
  public var globalWidth: Int {
    switch self {
    case .none: return 1
    case .cycles: return 5
    case .all: return 11
    }
  }
}

/// Computed extra features of a batch.
public struct ExtraFeatureValues {
  /// Per-node features [bs, n, nodeWidth] (nil when the width is 0).
  public var nodes: Tensor?
  /// Per-graph features [bs, globalWidth].
  public var globals: Tensor
}

extension ExtraFeatureSet {
  /// Features of the graphs in `state` (its edges, node mask), with n_max = `maximumNodes`.
  public func compute(edges: Tensor, nodeMask: Tensor, maximumNodes: Int) -> ExtraFeatureValues {
    let bs = nodeMask.shape[0], n = nodeMask.shape[1]
    let mask = nodeMask.detached
    let counts = mask.sum(axis: 1).scalars
    let sizeFeature = Tensor(shape: [bs, 1], scalars: counts.map { $0 / Float(Swift.max(maximumNodes, 1)) })
    if self == .none { return ExtraFeatureValues(nodes: nil, globals: sizeFeature) }
    let adjacency = CycleFeatures.adjacency(fromEdges: edges.detached) * mask.reshaped([bs, n, 1]) * mask.reshaped([bs, 1, n])
    let cycles = CycleFeatures.features(adjacency: adjacency, nodeMask: mask)
    if self == .cycles {
      return ExtraFeatureValues(nodes: cycles.nodes, globals: Tensor.concat([sizeFeature, cycles.graphs], axis: 1))
    }
    let spectral = SpectralFeatures.compute(adjacency: adjacency, nodeMask: mask)
    return ExtraFeatureValues(
      nodes: Tensor.concat([cycles.nodes, spectral.nodes], axis: 2),
      globals: Tensor.concat([sizeFeature, cycles.graphs, spectral.globals], axis: 1))
  }
}

/// Laplacian spectrum features (see the file header for the decisions).
public enum SpectralFeatures {
  /// Number of non-zero eigenvalues reported per graph.
  public static let eigenvalueCount = 5

  /// Shapes: adjacency [bs, n, n] (0/1, symmetric, zero diagonal, padded rows 0), nodeMask [bs, n]
  /// → nodes [bs, n, 3] (not-in-largest-component, two eigenvectors), globals [bs, 6]
  /// (components, 5 eigenvalues).
  public static func compute(adjacency: Tensor, nodeMask: Tensor) -> (nodes: Tensor, globals: Tensor) {
    let bs = nodeMask.shape[0], n = nodeMask.shape[1]
    let a = adjacency.scalars, m = nodeMask.scalars
    var laplacian = [Float](repeating: 0, count: bs * n * n)
    var realCounts = [Int](repeating: 0, count: bs)
    for b in 0..<bs {
      for i in 0..<n {
        let base = (b * n + i) * n
        if m[b * n + i] == 0 {
          laplacian[base + i] = Float(2 * n)
          continue
        }
        realCounts[b] += 1
        var degree: Float = 0
        for j in 0..<n where j != i {
          let aij = a[base + j]
          degree += aij
          laplacian[base + j] = -aij
        }
        laplacian[base + i] = degree
      }
    }
    let decomposition: (values: Tensor, vectors: Tensor)
    do {
      decomposition = try Tensor(shape: [bs, n, n], scalars: laplacian).symmetricEigen()
    } catch {
      // The Laplacian of a 0/1 graph is finite and symmetric, so LAPACK cannot fail on it.
      preconditionFailure("SpectralFeatures: eigendecomposition of a graph Laplacian failed: \(error)")
    }
    let values = decomposition.values.scalars, vectors = decomposition.vectors.scalars
    var nodeFeatures = [Float](repeating: 0, count: bs * n * 3)
    var globalFeatures = [Float](repeating: 0, count: bs * (1 + eigenvalueCount))
    for b in 0..<bs {
      let real = Swift.max(realCounts[b], 1)
      // Eigenvalues of the real block come first (padded ones are ≥ 2n − something ≫ real ones).
      let lambda = (0..<realCounts[b]).map { values[b * n + $0] / Float(real) }
      let components = lambda.filter { $0 < 1e-5 }.count
      globalFeatures[b * 6] = Float(components)
      for k in 0..<eigenvalueCount {
        let index = components + k
        globalFeatures[b * 6 + 1 + k] = index < lambda.count ? lambda[index] : 2
      }
      for (slot, index) in [components, components + 1].enumerated() where index < realCounts[b] {
        for i in 0..<n where m[b * n + i] != 0 {
          nodeFeatures[(b * n + i) * 3 + 1 + slot] = vectors[(b * n + i) * n + index]
        }
      }
      for i in notInLargestComponent(adjacency: a, graph: b, n: n, mask: m) { nodeFeatures[(b * n + i) * 3] = 1 }
    }
    return (Tensor(shape: [bs, n, 3], scalars: nodeFeatures), Tensor(shape: [bs, 1 + eigenvalueCount], scalars: globalFeatures))
  }

  /// Real nodes of graph `b` outside its largest connected component.
  static func notInLargestComponent(adjacency a: [Float], graph b: Int, n: Int, mask m: [Float]) -> [Int] {
    let component = ConnectedComponents.labels(nodeCount: n, included: { m[b * n + $0] != 0 }) { u, v in a[(b * n + u) * n + v] != 0 }
    var sizes = [Int](repeating: 0, count: ConnectedComponents.count(labels: component))
    for label in component where label >= 0 { sizes[label] += 1 }
    // The largest component; among equally large ones the one with the smallest node.
    guard let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] || (sizes[$0] == sizes[$1] && $0 > $1) }) else { return [] }
    return (0..<n).filter { m[b * n + $0] != 0 && component[$0] != largest }
  }
}
