import Basics
import Testing

/// The greedy GF(2) choice against brute force: a candidate is kept exactly when it is not the
/// sum (symmetric difference) of some subset of the candidates kept before it.
@Suite struct CycleSpaceTests {
  static func spanned(_ target: Set<Int>, by vectors: [Set<Int>]) -> Bool {
    (0..<(1 << vectors.count)).contains { mask in
      var sum = Set<Int>()
      for (i, v) in vectors.enumerated() where mask & (1 << i) != 0 { sum.formSymmetricDifference(v) }
      return sum == target
    }
  }

  @Test func greedyKeepsExactlyTheIndependentCandidates() {
    var random = TestRandom(state: 99)
    func next(_ bound: Int) -> Int { random.next(bound) }
    for _ in 0..<150 {
      let edges = 1 + next(70)   // past one 64-bit word too
      let candidates = (0..<(1 + next(9))).map { _ in (0..<(1 + next(5))).map { _ in next(edges) } }
      let kept = CycleSpace.greedyIndependent(candidates, edgeCount: edges)
      var basis: [Set<Int>] = []
      for (index, cycle) in candidates.enumerated() {
        var vector = Set<Int>()
        for e in cycle { vector.formSymmetricDifference([e]) }
        let dependent = Self.spanned(vector, by: basis)
        #expect(kept.contains(index) == !dependent, "\(candidates) kept \(kept)")
        if !dependent { basis.append(vector) }
      }
      let limited = CycleSpace.greedyIndependent(candidates, edgeCount: edges, limit: 1)
      #expect(limited == Array(kept.prefix(1)))
    }
  }
}
