// Swift wrapper over the edge-addition planarity suite (libplanarity).
//
// Pointer ownership: the `graphP` is created with gp_New and freed with gp_Free inside each call.

import CPlanarity

/// Namespace for planarity tests.
public enum Planarity {
  /// Whether the undirected simple graph on `vertexCount` vertices with `edges` (0-based pairs;
  /// self-loops and duplicate edges ignored) is planar.
  public static func isPlanar(vertexCount n: Int, edges: [(Int, Int)]) -> Bool {
    precondition(n >= 0, "Planarity: vertex count \(n) must be non-negative")
    var unique = Set<[Int]>()
    for (u, v) in edges where u != v {
      precondition(u >= 0 && u < n && v >= 0 && v < n, "Planarity: edge (\(u), \(v)) out of range for \(n) vertices")
      unique.insert([min(u, v), max(u, v)])
    }
    // Every graph on at most 4 vertices is planar, and so is one with fewer than 9 edges
    // (the smallest non-planar graph, K3,3, has 9); libplanarity needs n >= 1 anyway.
    if n <= 4 || unique.count < 9 { return true }
    guard let g = gp_New() else { fatalError("Planarity: gp_New failed (out of memory)") }
    var graph: graphP? = g
    defer { gp_Free(&graph) }
    guard gp_InitGraph(g, Int32(n)) == OK else { fatalError("Planarity: gp_InitGraph(\(n)) failed") }
    // The default arc capacity is too small for dense graphs (K8 would lose edges): reserve.
    guard gp_EnsureArcCapacity(g, Int32(2 * unique.count)) == OK else {
      fatalError("Planarity: gp_EnsureArcCapacity(\(2 * unique.count)) failed (out of memory)")
    }
    for e in unique.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
      guard gp_AddEdge(g, Int32(e[0] + 1), 0, Int32(e[1] + 1), 0) == OK else {
        fatalError("Planarity: gp_AddEdge(\(e)) failed")
      }
    }
    return gp_Embed(g, Int32(EMBEDFLAGS_PLANAR)) == OK
  }
}
