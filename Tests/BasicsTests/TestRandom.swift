/// A small seeded generator for the randomised tests of this target (a 64-bit LCG, high bits).
struct TestRandom {
  var state: UInt64

  /// A value in 0..<bound.
  mutating func next(_ bound: Int) -> Int {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Int((state >> 33) % UInt64(bound))
  }
}
