// Cycles as vectors over GF(2): a cycle is the set of its edges, the sum of two cycles their
// symmetric difference, and a set of cycles is independent when no non-empty subset sums to
// nothing. A shortest-first greedy choice of independent cycles gives a minimum cycle basis when
// the candidates contain one (Horton); ring perception and molecule layout both build on it.

/// Independence of cycles over GF(2).
public enum CycleSpace {
  /// The indices of the candidates kept by a greedy pass in the order given: each is kept when
  /// it is independent of those kept before it; stops once `limit` are kept. Each candidate is a
  /// list of edge indices in 0..<edgeCount (an edge listed twice cancels).
  public static func greedyIndependent(_ candidates: [[Int]], edgeCount: Int, limit: Int? = nil) -> [Int] {
    let words = Swift.max((edgeCount + 63) / 64, 1)
    // Rows in reduced form: each has a pivot (its lowest set bit) that no other row has set.
    var rows: [(pivot: Int, bits: [UInt64])] = []
    var kept: [Int] = []
    for (index, cycle) in candidates.enumerated() {
      if let limit, kept.count >= limit { break }
      var bits = [UInt64](repeating: 0, count: words)
      for e in cycle {
        precondition(e >= 0 && e < edgeCount, "CycleSpace: edge \(e) outside 0..<\(edgeCount)")
        bits[e >> 6] ^= 1 << UInt64(e & 63)
      }
      for row in rows where bits[row.pivot >> 6] & (1 << UInt64(row.pivot & 63)) != 0 {
        for w in 0..<words { bits[w] ^= row.bits[w] }
      }
      guard let pivot = lowestSetBit(bits) else { continue }
      // Keep the rows reduced against the new pivot so later reductions stay a single pass.
      for r in rows.indices where rows[r].bits[pivot >> 6] & (1 << UInt64(pivot & 63)) != 0 {
        for w in 0..<words { rows[r].bits[w] ^= bits[w] }
      }
      rows.append((pivot, bits))
      kept.append(index)
    }
    return kept
  }

  static func lowestSetBit(_ bits: [UInt64]) -> Int? {
    for (w, word) in bits.enumerated() where word != 0 { return w * 64 + word.trailingZeroBitCount }
    return nil
  }
}
