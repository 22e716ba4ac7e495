import Basics
import Foundation
import Testing

/// Connected components against a union-find reference on random graphs.
@Suite struct ConnectedComponentsTests {
  /// The reference: union-find, components listed by smallest node.
  static func reference(_ n: Int, _ edges: [(Int, Int)], included: (Int) -> Bool) -> [[Int]] {
    var parent = Array(0..<n)
    func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
    for (u, v) in edges where included(u) && included(v) { parent[find(u)] = find(v) }
    var groups: [Int: [Int]] = [:]
    for v in 0..<n where included(v) { groups[find(v), default: []].append(v) }
    return groups.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
  }

  @Test func matchesUnionFindOnRandomGraphs() {
    var random = TestRandom(state: 12345)
    func next(_ bound: Int) -> Int { random.next(bound) }
    for trial in 0..<200 {
      let n = 1 + next(14)
      let edges = (0..<next(2 * n)).map { _ in (next(n), next(n)) }
      var matrix = [Bool](repeating: false, count: n * n)
      var adjacency = [[Int]](repeating: [], count: n)
      for (u, v) in edges {
        (matrix[u * n + v], matrix[v * n + u]) = (true, true)
        adjacency[u].append(v)
        adjacency[v].append(u)
      }
      let dense = ConnectedComponents.labels(nodeCount: n) { matrix[$0 * n + $1] }
      #expect(ConnectedComponents.components(labels: dense) == Self.reference(n, edges) { _ in true }, "trial \(trial)")
      #expect(ConnectedComponents.labels(adjacency: adjacency) == dense)
      // Labels are numbered in order of each component's smallest node.
      var firstSeen: [Int] = []
      for label in dense where !firstSeen.contains(label) { firstSeen.append(label) }
      #expect(firstSeen == Array(0..<ConnectedComponents.count(labels: dense)))
      // Excluded nodes get −1 and do not connect the others.
      let odd = ConnectedComponents.labels(nodeCount: n, included: { $0 % 2 == 1 }) { matrix[$0 * n + $1] }
      #expect(odd.enumerated().allSatisfy { ($0.offset % 2 == 1) == ($0.element >= 0) })
      #expect(ConnectedComponents.components(labels: odd) == Self.reference(n, edges) { $0 % 2 == 1 })
    }
    #expect(ConnectedComponents.labels(adjacency: []).isEmpty && ConnectedComponents.count(labels: []) == 0)
  }
}
