// Exact counts of simple cycles of each length, per graph and per node, by enumeration. These are
// the golden values for the diffusion model's cycle features (DiGress's closed-form counts from
// powers of the adjacency matrix) and a structural statistic in their own right.
//
// Each simple cycle is enumerated once: from its smallest node s, a depth-first search extends
// paths through nodes larger than s; a path s, p1, ..., pk that closes back to s is a cycle, found
// once in each direction, so it is kept only when p1 < pk.

/// Numbers of simple cycles by length, for a graph and for each of its nodes.
public struct CycleCounts: Sendable, Equatable {
  /// The longest cycle length counted.
  public let maximumLength: Int
  /// `perGraph[k]` = number of simple cycles of length k (indices 0...2 are 0).
  public let perGraph: [Int]
  /// `perNode[v][k]` = number of simple cycles of length k through node v.
  public let perNode: [[Int]]

  /// Number of cycles of `length` in the graph.
  public func count(length: Int) -> Int { perGraph[length] }
  /// Number of cycles of `length` through `node`.
  public func count(length: Int, node: Int) -> Int { perNode[node][length] }
}

extension Graph {
  /// Exact numbers of simple cycles of lengths 3...`maximumLength` (edge labels ignored).
  /// Cost grows like the number of paths of length `maximumLength`; fine for sparse graphs and
  /// small dense ones (K8 with length 6 takes well under a millisecond).
  public func cycleCounts(maximumLength: Int = 6) -> CycleCounts {
    precondition(maximumLength >= 3, "cycleCounts: maximumLength \(maximumLength) must be >= 3")
    let n = nodeCount
    let neighborLists = (0..<n).map(neighbors(of:))
    var perGraph = [Int](repeating: 0, count: maximumLength + 1)
    var perNode = [[Int]](repeating: [Int](repeating: 0, count: maximumLength + 1), count: n)
    var path: [Int] = []
    var onPath = [Bool](repeating: false, count: n)
    func extend(_ start: Int) {
      let last = path[path.count - 1]
      for w in neighborLists[last] {
        if w == start {
          if path.count >= 3 && path[1] < last {
            perGraph[path.count] += 1
            for v in path { perNode[v][path.count] += 1 }
          }
        } else if w > start && !onPath[w] && path.count < maximumLength {
          path.append(w)
          onPath[w] = true
          extend(start)
          onPath[w] = false
          path.removeLast()
        }
      }
    }
    for start in 0..<n {
      path = [start]
      onPath[start] = true
      extend(start)
      onPath[start] = false
    }
    return CycleCounts(maximumLength: maximumLength, perGraph: perGraph, perNode: perNode)
  }
}
