import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite struct CoreTests {
  @Test func copyOnWriteKeepsValueSemantics() {
    let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    var b = a
    b[0, 0] = 10
    #expect(a.scalars == [1, 2, 3, 4])
    #expect(b.scalars == [10, 2, 3, 4])
    // A reshape shares storage until written.
    var c = a.reshaped([4])
    c[3] = -1
    #expect(a.scalars == [1, 2, 3, 4])
    #expect(c.scalars == [1, 2, 3, -1])
  }

  /// On a pool of its own: the shared pool's counters move with every test running beside this
  /// one, and its budget may evict a buffer between give and take.
  @Test func bufferPoolReusesFreedBuffersOfTheSameSize() {
    let pool = BufferPool(byteBudget: 1 << 20)
    for _ in 0..<10 {
      let buffer = pool.take(count: 333 * 7)
      pool.give(buffer, count: 333 * 7)
    }
    #expect(pool.statistics.hits == 9 && pool.statistics.misses == 1, "\(pool.statistics)")
    // Sizes of one class share buffers: 2,400 and 2,500 both take a 2,560-element buffer.
    #expect(BufferPool.sizeClass(2400) == 2560 && BufferPool.sizeClass(2500) == 2560 && BufferPool.sizeClass(2048) == 2048)
    let b = pool.take(count: 2400)
    b[2559] = 1  // the whole class capacity is writable
    pool.give(b, count: 2400)
    let c = pool.take(count: 2500)
    #expect(c == b, "a buffer of the same class is reused")
    pool.give(c, count: 2500)
  }

  /// Every class is at least the request and at most 25% above it (above the pooling minimum).
  @Test func sizeClassesBoundTheWaste() {
    for count in [255, 256, 257, 300, 511, 512, 513, 1000, 4097, 100_000, 1 << 20, (1 << 20) + 1] {
      let c = BufferPool.sizeClass(count)
      #expect(c >= count && (count < 256 ? c == count : Double(c) <= 1.25 * Double(count)), "\(count) → \(c)")
    }
  }

  @Test func broadcastShapesFollowNumPyRules() {
    #expect(Tensor.broadcastShape([32, 27, 27, 64], [64]) == [32, 27, 27, 64])
    #expect(Tensor.broadcastShape([32, 27, 1, 8], [32, 1, 27, 8]) == [32, 27, 27, 8])
    #expect(Tensor.broadcastShape([3], [4]) == nil)
    #expect(Tensor.broadcastShape([], [2, 3]) == [2, 3])
  }

  @Test func tapeAccumulatesGradientsOfReusedValues() {
    // f(x) = sum(x * x + x): df/dx = 2x + 1.
    let x = Tensor([1, -2, 3])
    let (value, g) = valueAndGrad(at: x) { x in (x * x + x).sum() }
    #expect(value.scalar == 1 + 4 + 9 + 1 - 2 + 3)
    #expect(g.scalars == [3, -3, 7])
  }

  @Test func gradientsComeBackShapedLikeTheParameterTree() {
    let params = [Tensor([1, 2]), Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])]
    let g = grad(at: params) { p in Tensor.matmul(p[0].reshaped([1, 2]), p[1]).sum() }
    #expect(g[0].scalars == [1, 1])        // d/dv sum(v M) = M 1
    #expect(g[1].scalars == [1, 1, 2, 2])  // d/dM sum(v M) = vᵀ 1ᵀ
    #expect(params.namedParameters.map(\.0) == ["0", "1"])
  }

  @Test func untrackedComputationRecordsNothing() {
    let x = Tensor([1, 2, 3])
    let y = (x * x).sum()
    #expect(y.tapeIndex == nil)
    #expect(Tape.current == nil)
  }

  @Test func unusedParametersGetZeroGradients() {
    let g = grad(at: [Tensor([1, 2]), Tensor([5])]) { p in p[0].sum() }
    #expect(g[1].scalars == [0])
  }
}

@Suite struct RandomGeneratorTests {
  @Test func sameSeedGivesTheSameStream() {
    var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
    for _ in 0..<100 { #expect(a.next() == b.next()) }
    var c = RandomGenerator(seed: 43)
    #expect(RandomGenerator(seed: 42).state != c.state)
    _ = c.next()
  }

  @Test func streamIsPinnedAcrossMachines() {
    // Golden values: xoshiro256** seeded by SplitMix64(0). Any machine must print these.
    var r = RandomGenerator(seed: 0)
    let first = (0..<3).map { _ in r.next() }
    #expect(first == RandomGenerator.goldenSeedZero)
  }

  @Test func uniformAndNormalHaveTheRightMoments() {
    var r = RandomGenerator(seed: 7)
    let u = Tensor.uniform([20000], using: &r).scalars
    let n = Tensor.normal([20000], using: &r).scalars
    let mu = u.reduce(0, +) / Float(u.count)
    let nm = n.reduce(0, +) / Float(n.count)
    let nv = n.reduce(0) { $0 + $1 * $1 } / Float(n.count) - nm * nm
    #expect(abs(mu - 0.5) < 0.01)
    #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect(abs(nm) < 0.03 && abs(nv - 1) < 0.04)
  }

  @Test func categoricalAndPermutationAreFairAndValid() {
    var r = RandomGenerator(seed: 3)
    var counts = [0, 0, 0]
    for _ in 0..<30000 { counts[r.nextCategorical([1, 2, 0.0 + 3])] += 1 }
    #expect(abs(Double(counts[0]) / 30000 - 1.0 / 6) < 0.01)
    #expect(abs(Double(counts[2]) / 30000 - 0.5) < 0.01)
    #expect(r.nextCategorical([0, 0, 5]) == 2)
    let p = r.permutation(50)
    #expect(p.sorted() == Array(0..<50))
    #expect(p != Array(0..<50))
    for _ in 0..<1000 { #expect((0..<7).contains(r.nextInt(below: 7))) }
  }
}

extension RandomGenerator {
  /// First three outputs for seed 0 (computed once with this implementation; the reference C
  /// implementation of xoshiro256** with SplitMix64 seeding gives the same words).
  static let goldenSeedZero: [UInt64] = [0x99EC5F36CB75F2B4, 0xBF6E1F784956452A, 0x1A5F849D4933E6E0]
}

/// A parameter tree of two tensors for the flattening round trip.
private struct TwoTensors: ParameterTree {
  var a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
  var b = Tensor(shape: [2], scalars: [-1, -2])
  mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("a", &a)
    try body("b", &b)
  }
}

@Suite struct FlattenedParameterTests {
  /// Flattening lists the parameters end to end in visiting order (scaled on request, into a
  /// reused buffer); setting from a flat vector keeps each tensor's shape with the new values,
  /// and a copy that shared the storage keeps its old values.
  @Test func flattenedParametersRoundTrip() {
    var tree = TwoTensors()
    #expect(tree.flattenedParameters == [1, 2, 3, 4, 5, 6, -1, -2])
    var buffer: [Float] = []
    tree.copyFlattenedParameters(into: &buffer, scale: 0.5)
    #expect(buffer == [0.5, 1, 1.5, 2, 2.5, 3, -0.5, -1])
    let before = tree
    tree.setParameters(flattened: [10, 20, 30, 40, 50, 60, 70, 80])
    #expect(tree.a.shape == [2, 3] && tree.a.scalars == [10, 20, 30, 40, 50, 60])
    #expect(tree.b.shape == [2] && tree.b.scalars == [70, 80])
    #expect(before.a.scalars == [1, 2, 3, 4, 5, 6] && before.b.scalars == [-1, -2])
  }
}
