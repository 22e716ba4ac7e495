// Exhaustive generation of non-isomorphic unlabelled graphs by edge augmentation with nauty
// canonical-form deduplication (native-deps.md §5).
//
// Level e holds one representative of every isomorphism class with e edges that has the
// property. Adding each missing edge to each representative and keeping the canonical forms not
// seen before gives level e+1. This reaches every class with the property when the property is
// closed under edge deletion ("hereditary" for spanning subgraphs, as planarity is): a graph
// with e+1 edges and the property minus any edge still has it, so it is an augmentation of a
// level-e representative. Properties that are not hereditary (connectivity) are applied as a
// final filter instead.

/// Enumeration of small unlabelled graphs up to isomorphism.
public enum GraphEnumeration {
  /// The largest node count accepted (the class counts explode beyond; n = 10 is already 12M).
  public static let maximumNodeCount = 10

  /// One canonical representative of every isomorphism class of unlabelled graphs on
  /// `nodeCount` nodes for which `hereditary` holds, optionally only the connected ones.
  /// Sorted by (edge count, graph6 string) so the order is reproducible.
  /// - Parameter hereditary: a property closed under edge deletion (e.g. planarity); it is
  ///   called once per new isomorphism class. Pass `{ _ in true }` for all graphs.
  /// - Precondition: `0 <= nodeCount <= maximumNodeCount`.
  public static func graphs(
    nodeCount n: Int, connectedOnly: Bool = false, hereditary: (Graph) -> Bool = { _ in true }
  ) -> [Graph] {
    precondition(n >= 0 && n <= maximumNodeCount, "GraphEnumeration: node count \(n) must be in 0...\(maximumNodeCount)")
    // Graphs are handled as nauty packed rows: one word per node, vertex w at bit 63 - w.
    func bit(_ w: Int) -> UInt64 { UInt64(1) << UInt64(63 - w) }
    func graph(fromPackedRows rows: [UInt64]) -> Graph {
      Graph(adjacencyBits: rows.map { row in
        var bits: UInt64 = 0
        for w in 0..<n where row & bit(w) != 0 { bits |= UInt64(1) << UInt64(w) }
        return bits
      })
    }
    let empty = [UInt64](repeating: 0, count: n)
    guard hereditary(graph(fromPackedRows: empty)) else { return [] }
    var seen: Set<[UInt64]> = [empty]
    var level: [[UInt64]] = [empty]
    var accepted: [[UInt64]] = [empty]
    while !level.isEmpty {
      var next: [[UInt64]] = []
      for rows in level {
        for v in 1..<Swift.max(n, 1) {
          for u in 0..<v where rows[u] & bit(v) == 0 {
            var augmented = rows
            augmented[u] |= bit(v)
            augmented[v] |= bit(u)
            let canonical = Nauty.canonicalLabeling(packedRows: augmented, vertexCount: n).canonicalRows
            if seen.insert(canonical).inserted, hereditary(graph(fromPackedRows: canonical)) {
              next.append(canonical)
            }
          }
        }
      }
      accepted += next
      level = next
    }
    var result = accepted.map(graph(fromPackedRows:))
    if connectedOnly { result = result.filter(\.isConnected) }
    return result.map { ($0.edgeCount, $0.graph6, $0) }
      .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
      .map(\.2)
  }

  /// All non-isomorphic planar graphs on `nodeCount` nodes (connected ones only if asked).
  /// For 8 nodes: 6,966 planar graphs, 5,974 of them connected.
  public static func planarGraphs(nodeCount: Int, connectedOnly: Bool) -> [Graph] {
    graphs(nodeCount: nodeCount, connectedOnly: connectedOnly, hereditary: \.isPlanar)
  }
}
