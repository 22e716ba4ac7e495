// Graph structure needed by layouts: connected components, shortest cycles (a small cycle basis,
// "SSSR-like"), induced non-separating cycles (faces of 3-connected planar graphs) and all-pairs
// distances.

import Basics

/// Structural helpers over adjacency lists.
enum GraphStructure {
  /// Connected components as sorted node lists, largest first (ties: smallest first node).
  static func components(_ adjacency: [[Int]]) -> [[Int]] {
    ConnectedComponents.components(labels: ConnectedComponents.labels(adjacency: adjacency))
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
  }

  /// A minimum-weight cycle basis of rings up to `maximumSize` atoms, each ring as a node cycle.
  ///
  /// For every edge (u, v) the shortest u→v path avoiding that edge closes the shortest cycle
  /// through it; these candidates, sorted by length, are kept greedily when their edge sets are
  /// independent over GF(2) (Horton-style), which yields the smallest set of smallest rings for
  /// ordinary molecules.
  static func smallestRings(_ adjacency: [[Int]], maximumSize: Int = 8) -> [[Int]] {
    var edgeIndex: [[Int]: Int] = [:]
    for u in adjacency.indices {
      for v in adjacency[u] where u < v { edgeIndex[[u, v]] = edgeIndex.count }
    }
    var candidates: [[Int]] = []
    var seen = Set<[Int]>()
    for u in adjacency.indices {
      for v in adjacency[u] where u < v {
        guard let path = shortestPath(adjacency, from: u, to: v, avoiding: (u, v)), path.count <= maximumSize else { continue }
        let key = path.sorted()
        if seen.insert(key).inserted { candidates.append(path) }
      }
    }
    candidates.sort { $0.count != $1.count ? $0.count < $1.count : $0.sorted().lexicographicallyPrecedes($1.sorted()) }
    // Kept when independent over GF(2) of the shorter ones (edge sets of the cycles).
    let edgeSets = candidates.map { cycle in
      cycle.indices.compactMap { k in edgeIndex[[min(cycle[k], cycle[(k + 1) % cycle.count]), max(cycle[k], cycle[(k + 1) % cycle.count])]] }
    }
    return CycleSpace.greedyIndependent(edgeSets, edgeCount: edgeIndex.count).map { candidates[$0] }
  }

  /// Nodes of a shortest path from `source` to `target` (both included) not using edge `avoiding`.
  static func shortestPath(_ adjacency: [[Int]], from source: Int, to target: Int, avoiding: (Int, Int)) -> [Int]? {
    var parent = Array(repeating: -1, count: adjacency.count)
    parent[source] = source
    var queue = [source]
    var cursor = 0
    while cursor < queue.count {
      let u = queue[cursor]
      cursor += 1
      for v in adjacency[u] where parent[v] < 0 {
        if (u == avoiding.0 && v == avoiding.1) || (u == avoiding.1 && v == avoiding.0) { continue }
        parent[v] = u
        if v == target {
          var path = [v]
          var node = v
          while node != source {
            node = parent[node]
            path.append(node)
          }
          return path.reversed()
        }
        queue.append(v)
      }
    }
    return nil
  }

  /// Induced cycles whose removal leaves the rest connected, longest first (at most `limit`).
  ///
  /// In a 3-connected planar graph these are exactly the faces (Tutte), so each is a valid outer
  /// face for a Tutte (barycentric) embedding. Enumeration is capped so it stays cheap.
  static func peripheralCycles(_ adjacency: [[Int]], limit: Int, stepBudget: Int = 200_000) -> [[Int]] {
    let n = adjacency.count
    var neighbourSets = adjacency.map { Set($0) }
    var found: [[Int]] = []
    var steps = 0
    var path: [Int] = []
    var onPath = Array(repeating: false, count: n)
    func extend(_ start: Int) {
      guard steps < stepBudget, found.count < limit * 8 else { return }
      steps += 1
      let last = path[path.count - 1]
      for next in adjacency[last] where next >= start {
        if next == start && path.count >= 3 && path[1] < path[path.count - 1] {
          found.append(path)
          continue
        }
        guard next > start, !onPath[next] else { continue }
        // Keep the path chordless: `next` may touch only `last` (and `start` when closing later).
        let touchesInterior = path.dropLast().dropFirst().contains { neighbourSets[next].contains($0) }
        if touchesInterior { continue }
        if neighbourSets[next].contains(start) && path.count >= 2 {
          // Closing through `next` is the only option that keeps it chordless.
          if path[1] < next {
            found.append(path + [next])
          }
          continue
        }
        onPath[next] = true
        path.append(next)
        extend(start)
        path.removeLast()
        onPath[next] = false
      }
    }
    for start in 0..<n {
      path = [start]
      onPath[start] = true
      extend(start)
      onPath[start] = false
    }
    neighbourSets = []
    let peripheral = found.filter { isNonSeparating($0, adjacency) }
    return Array(peripheral.sorted { $0.count > $1.count }.prefix(limit))
  }

  /// Whether deleting `cycle`'s nodes leaves the remaining nodes connected (nodes without
  /// neighbours, such as those pruned from a 2-core, are ignored).
  static func isNonSeparating(_ cycle: [Int], _ adjacency: [[Int]]) -> Bool {
    var removed = adjacency.map(\.isEmpty)
    for v in cycle { removed[v] = true }
    let remaining = removed.filter { !$0 }.count
    guard let start = adjacency.indices.first(where: { !removed[$0] }) else { return true }
    var seen = removed
    seen[start] = true
    var stack = [start]
    var reached = 1
    while let u = stack.popLast() {
      for v in adjacency[u] where !seen[v] {
        seen[v] = true
        reached += 1
        stack.append(v)
      }
    }
    return reached == remaining
  }

  /// Biconnected blocks that contain a cycle (ring systems), as sorted node lists.
  ///
  /// Tarjan's edge-stack algorithm: an edge (u, v) closes a block when low[v] ≥ disc[u]; the
  /// block's edges are popped off the stack. Blocks of a single edge (bridges) are dropped.
  static func cyclicBlocks(_ adjacency: [[Int]]) -> [[Int]] {
    let n = adjacency.count
    var discovery = Array(repeating: -1, count: n)
    var low = Array(repeating: 0, count: n)
    var time = 0
    var edgeStack: [(Int, Int)] = []
    var blocks: [[Int]] = []
    // Iterative DFS: (node, parent, next neighbour position).
    for root in 0..<n where discovery[root] < 0 {
      discovery[root] = time
      low[root] = time
      time += 1
      var stack: [(node: Int, parent: Int, next: Int)] = [(root, -1, 0)]
      while !stack.isEmpty {
        let (u, parent, next) = stack[stack.count - 1]
        if next < adjacency[u].count {
          stack[stack.count - 1].next += 1
          let v = adjacency[u][next]
          if discovery[v] < 0 {
            edgeStack.append((u, v))
            discovery[v] = time
            low[v] = time
            time += 1
            stack.append((v, u, 0))
          } else if v != parent && discovery[v] < discovery[u] {
            edgeStack.append((u, v))
            low[u] = min(low[u], discovery[v])
          }
        } else {
          stack.removeLast()
          guard let top = stack.last else { continue }
          let p = top.node
          low[p] = min(low[p], low[u])
          if low[u] >= discovery[p] {
            var nodes = Set<Int>()
            var edgeCount = 0
            while let edge = edgeStack.popLast() {
              nodes.insert(edge.0)
              nodes.insert(edge.1)
              edgeCount += 1
              if edge == (p, u) { break }
            }
            if edgeCount > 1 { blocks.append(nodes.sorted()) }
          }
        }
      }
    }
    return blocks
  }

  /// All-pairs shortest path lengths with weighted edges (Dijkstra from every node; small graphs).
  static func distances(nodeCount n: Int, weightedEdges: [(Int, Int, Double)]) -> [[Double]] {
    var neighbours = Array(repeating: [(Int, Double)](), count: n)
    for (u, v, w) in weightedEdges {
      neighbours[u].append((v, w))
      neighbours[v].append((u, w))
    }
    var result: [[Double]] = []
    result.reserveCapacity(n)
    for source in 0..<n {
      var distance = Array(repeating: Double.infinity, count: n)
      var done = Array(repeating: false, count: n)
      distance[source] = 0
      for _ in 0..<n {
        var u = -1
        for v in 0..<n where !done[v] && distance[v].isFinite && (u < 0 || distance[v] < distance[u]) { u = v }
        if u < 0 { break }
        done[u] = true
        for (v, w) in neighbours[u] where distance[u] + w < distance[v] { distance[v] = distance[u] + w }
      }
      result.append(distance)
    }
    return result
  }
}
