// Enumeration counts against nauty's geng/planarg (native-deps.md §5; OEIS A000088, A001349,
// A005470, A003094): `nauty-geng [-c] n | nauty-planarg -q | wc -l`.

import Graphs
import Testing

@Suite struct EnumerationTests {
  /// (n, all graphs, connected, planar, connected planar), from the nauty tools.
  static let counts: [(Int, Int, Int, Int, Int)] = [
    (1, 1, 1, 1, 1), (2, 2, 1, 2, 1), (3, 4, 2, 4, 2), (4, 11, 6, 11, 6), (5, 34, 21, 33, 20),
    (6, 156, 112, 142, 99), (7, 1044, 853, 822, 646),
  ]

  @Test(arguments: 0..<7)
  func smallCountsMatchNauty(index: Int) {
    let (n, all, connected, planar, connectedPlanar) = Self.counts[index]
    #expect(GraphEnumeration.graphs(nodeCount: n).count == all)
    #expect(GraphEnumeration.graphs(nodeCount: n, connectedOnly: true).count == connected)
    #expect(GraphEnumeration.planarGraphs(nodeCount: n, connectedOnly: false).count == planar)
    #expect(GraphEnumeration.planarGraphs(nodeCount: n, connectedOnly: true).count == connectedPlanar)
  }

  @Test func eightNodePlanarCounts() {
    let all = GraphEnumeration.planarGraphs(nodeCount: 8, connectedOnly: false)
    #expect(all.count == 6966)
    let connected = all.filter(\.isConnected)
    #expect(connected.count == 5974)
    // Every representative is planar, canonical and distinct.
    #expect(Set(all).count == all.count)
    #expect(all.allSatisfy { $0.isPlanar && $0.nodeCount == 8 })
    #expect(all.prefix(200).allSatisfy { $0.canonicalForm == $0 })
  }

  @Test func representativesAreCanonicalAndSorted() {
    let graphs = GraphEnumeration.planarGraphs(nodeCount: 6, connectedOnly: true)
    #expect(graphs.allSatisfy { $0.canonicalForm == $0 && $0.isConnected && $0.isPlanar })
    let keys = graphs.map { ($0.edgeCount, $0.graph6) }
    #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
  }
}
