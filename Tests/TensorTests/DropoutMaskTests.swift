import Testing
import TestSupport
@testable import Tensor

@Suite struct DropoutMaskTests {
  @Test(arguments: [Float(0.1), 0.5, 0])
  func maskMatchesSwiftStreamAndAdvancesGenerator(_ rate: Float) {
    // The C kernel must draw exactly the stream `nextUniform() < keep` per element gives, and
    // leave the generator where the Swift loop leaves it.
    var fast = RandomGenerator(seed: 77), slow = RandomGenerator(seed: 77)
    let mask = Tensor.dropoutMask([3, 5, 7], rate: rate, using: &fast)
    let keep = 1 - rate
    let expected = (0..<105).map { _ in slow.nextUniform() < keep ? 1 / keep : 0 }
    #expect(mask.shape == [3, 5, 7] && mask.scalars == expected)
    #expect(fast == slow)
  }

  @Test func keptFractionIsNearKeepProbability() {
    var rng = RandomGenerator(seed: 5)
    let mask = Tensor.dropoutMask([20_000], rate: 0.25, using: &rng)
    let kept = mask.scalars.filter { $0 != 0 }
    #expect(kept.allSatisfy { $0 == Float(1) / 0.75 })
    #expect(Swift.abs(Double(kept.count) / 20_000 - 0.75) < 0.015)
  }
}
