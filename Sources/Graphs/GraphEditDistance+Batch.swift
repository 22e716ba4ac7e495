// Many exact graph edit distances at once, spread over the machine's cores (evaluation computes
// one per generated graph, ~100k per run).

import Foundation

/// Per-chunk results written under a lock (each chunk writes once).
private final class ChunkResults: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [Int]
  init(count: Int) { values = [Int](repeating: -1, count: count) }
  func store(_ chunk: [Int], at start: Int) {
    lock.withLock { values.replaceSubrange(start..<(start + chunk.count), with: chunk) }
  }
  var all: [Int] { lock.withLock { values } }
}

extension GraphEditDistance {
  /// The exact edit distance of each pair, computed in parallel; `result[k]` belongs to
  /// `pairs[k]`. Same values as calling `distance` on each pair in order.
  /// - Precondition: every graph has at most `maximumNodeCount` nodes.
  public static func distances(_ pairs: [(Graph, Graph)]) -> [Int] {
    let chunkSize = 64
    let chunkCount = (pairs.count + chunkSize - 1) / chunkSize
    let results = ChunkResults(count: pairs.count)
    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
      let start = chunk * chunkSize
      let end = Swift.min(start + chunkSize, pairs.count)
      results.store((start..<end).map { distance(pairs[$0].0, pairs[$0].1) }, at: start)
    }
    return results.all
  }
}
