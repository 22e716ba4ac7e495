// Canonical labelling, canonical form, a stable canonical hash and isomorphism, through nauty.
//
// Node labels become nauty vertex colours. Edge labels use the standard layered construction
// from the nauty User's Guide ("Vertex-coloured and edge-coloured graphs"): with edge labels
// 1...L, write each label in binary with k = bitWidth(L) bits and make k copies ("layers") of
// the vertex set; copy j of u and copy j of v are joined when bit j of label(u, v) is 1, and the
// copies of one vertex are joined in a path (layer j to layer j+1). Layer j of a node with label
// c gets colour (j, c), so colour cells are ordered layer-major. Two labelled graphs are
// isomorphic iff their layered graphs are colour-isomorphic, and because nauty keeps the cell
// order of the initial partition, canonical positions 0..<n hold the layer-0 copies: their order
// is a canonical order of the original nodes. An unlabelled graph needs only one layer.

extension Graph {
  /// A canonical order of the nodes: node k of `reordered(canonicalOrder)` is the same for every
  /// graph isomorphic to this one (labels included).
  public var canonicalOrder: [Int] {
    let n = nodeCount
    if n <= 1 { return Array(0..<n) }
    let maxLabel = maximumEdgeLabelPresent
    let layers = Swift.max(1, Int.bitWidth - maxLabel.leadingZeroBitCount)
    let total = n * layers
    let m = Nauty.wordsPerRow(vertexCount: total)
    var rows = [UInt64](repeating: 0, count: m * total)
    // Sets bit w in row v (nauty's MSB-first layout) and the symmetric bit.
    func join(_ v: Int, _ w: Int) {
      rows[v * m + w / 64] |= UInt64(1) << UInt64(63 - w % 64)
      rows[w * m + v / 64] |= UInt64(1) << UInt64(63 - v % 64)
    }
    for u in 0..<n {
      for v in (u + 1)..<n {
        let label = Int(edgeLabelMatrix[u * n + v])
        if label == 0 { continue }
        for layer in 0..<layers where (label >> layer) & 1 == 1 { join(layer * n + u, layer * n + v) }
      }
      for layer in 0..<(layers - 1) { join(layer * n + u, (layer + 1) * n + u) }
    }
    let labelSpan = (nodeLabels.max() ?? 0) + 1
    var colors = [Int](repeating: 0, count: total)
    for layer in 0..<layers {
      for v in 0..<n { colors[layer * n + v] = layer * labelSpan + nodeLabels[v] }
    }
    let needsColors = layers > 1 || labelSpan > 1
    let result = Nauty.canonicalLabeling(packedRows: rows, vertexCount: total, colors: needsColors ? colors : nil)
    let order = Array(result.labeling[0..<n])
    assert(order.allSatisfy { $0 < n }, "canonicalOrder: layer-0 cell order violated: \(result.labeling)")
    return order
  }

  /// The canonical form: this graph reordered canonically. Two graphs are isomorphic (with node
  /// and edge labels) exactly when their canonical forms are equal (`==`).
  public var canonicalForm: Graph { reordered(canonicalOrder) }

  /// A 64-bit hash of the canonical form that is stable across runs and machines (FNV-1a over
  /// the node count, the node labels and the upper-triangle edge labels in canonical order).
  /// Isomorphic graphs have equal hashes; unequal hashes prove non-isomorphism.
  public var canonicalHash: UInt64 { canonicalForm.stableHash }

  /// FNV-1a over the node count, node labels and upper-triangle edge labels in node order.
  public var stableHash: UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ value: UInt64) {
      var x = value
      for _ in 0..<8 {
        hash = (hash ^ (x & 0xff)) &* 0x0000_0100_0000_01b3
        x >>= 8
      }
    }
    let n = nodeCount
    mix(UInt64(n))
    for label in nodeLabels { mix(UInt64(label)) }
    for u in 0..<n {
      for v in (u + 1)..<Swift.max(n, u + 1) {
        hash = (hash ^ UInt64(edgeLabelMatrix[u * n + v])) &* 0x0000_0100_0000_01b3
      }
    }
    return hash
  }

  /// Whether this graph and `other` are isomorphic, respecting node and edge labels.
  public func isIsomorphic(to other: Graph) -> Bool {
    guard nodeCount == other.nodeCount, edgeCount == other.edgeCount,
      nodeLabels.sorted() == other.nodeLabels.sorted(),
      edges.map(\.label).sorted() == other.edges.map(\.label).sorted(),
      (0..<nodeCount).map(degree(of:)).sorted() == (0..<other.nodeCount).map(other.degree(of:)).sorted()
    else { return false }
    return canonicalForm == other.canonicalForm
  }
}
