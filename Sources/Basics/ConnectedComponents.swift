// Connected components of an undirected graph, the one implementation behind graphs, molecule
// fragments, layout pieces and the diffusion model's extra features. Breadth-first search from
// each node not yet reached, in increasing node order, so component labels are numbered in
// order of each component's smallest node.

/// Connected components of undirected graphs.
public enum ConnectedComponents {
  /// The component label of each of `nodeCount` nodes (0, 1, … in order of each component's
  /// smallest node); −1 for nodes not `included`. `adjacent(u, v)` says whether u and v share
  /// an edge (a dense test: O(n²) calls).
  public static func labels(nodeCount: Int, included: (Int) -> Bool = { _ in true }, adjacent: (Int, Int) -> Bool) -> [Int] {
    labels(nodeCount: nodeCount, included: included, neighbors: { u, visit in
      for v in 0..<nodeCount where adjacent(u, v) { visit(v) }
    })
  }

  /// The component label of each node of an adjacency list (labels as above).
  public static func labels(adjacency: [[Int]]) -> [Int] {
    labels(nodeCount: adjacency.count, neighbors: { u, visit in adjacency[u].forEach(visit) })
  }

  /// The components as sorted node lists, in order of their smallest node.
  public static func components(labels: [Int]) -> [[Int]] {
    var result = [[Int]](repeating: [], count: (labels.max() ?? -1) + 1)
    for (node, label) in labels.enumerated() where label >= 0 { result[label].append(node) }
    return result
  }

  /// The number of components among the labelled nodes.
  public static func count(labels: [Int]) -> Int { (labels.max() ?? -1) + 1 }

  /// The component label of each node (labels as above) of a graph given by its neighbours:
  /// `neighbors(u, visit)` calls `visit` for each neighbour of u (no adjacency list is built).
  public static func labels(nodeCount: Int, included: (Int) -> Bool = { _ in true }, neighbors: (Int, (Int) -> Void) -> Void) -> [Int] {
    let isIncluded = (0..<nodeCount).map(included)
    var label = [Int](repeating: -1, count: nodeCount)
    var next = 0
    var queue: [Int] = []
    for start in 0..<nodeCount where label[start] < 0 && isIncluded[start] {
      label[start] = next
      queue.removeAll(keepingCapacity: true)
      queue.append(start)
      var head = 0
      while head < queue.count {
        let u = queue[head]
        head += 1
        neighbors(u) { v in
          if label[v] < 0 && isIncluded[v] {
            label[v] = next
            queue.append(v)
          }
        }
      }
      next += 1
    }
    return label
  }
}
