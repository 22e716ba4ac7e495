// nauty (built with thread-local storage) and libplanarity called from several threads at once
// give the same answers as serial calls.

import Foundation
import Graphs
import Testing

/// Results collected from concurrent workers under a lock.
private final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Int: (UInt64, Bool)] = [:]
  func set(_ index: Int, _ value: (UInt64, Bool)) { lock.withLock { values[index] = value } }
  func get(_ index: Int) -> (UInt64, Bool)? { lock.withLock { values[index] } }
}

@Suite struct ConcurrencyTests {
  @Test func parallelCanonicalFormsAndPlanarityMatchSerial() {
    let graphs = GraphEnumeration.graphs(nodeCount: 6).map { $0.reordered([5, 3, 1, 0, 2, 4]) }
    let serial = graphs.map { ($0.canonicalHash, $0.isPlanar) }
    let box = ResultBox()
    DispatchQueue.concurrentPerform(iterations: graphs.count) { i in
      box.set(i, (graphs[i].canonicalHash, graphs[i].isPlanar))
    }
    for i in graphs.indices {
      let parallel = box.get(i)
      #expect(parallel?.0 == serial[i].0 && parallel?.1 == serial[i].1, "graph \(i)")
    }
  }
}
