// A seeded pseudo-random generator that gives the same stream for the same seed on every
// machine: xoshiro256** (Blackman & Vigna, 2018) seeded through SplitMix64. Only integer
// arithmetic decides the stream; floats are derived from it with exact conversions, and normals
// use Box–Muller in Double precision (libm's log/cos/sin are correctly rounded in all practical
// cases, and the result is rounded to Float, so machines agree).

import Foundation

/// A seeded, portable random number generator (xoshiro256**). Value type: copying it forks the
/// stream, so pass it `inout` to advance it.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
  /// The 256-bit state (never all zero).
  public private(set) var state: [UInt64]

  /// A generator whose stream is determined by `seed`.
  public init(seed: UInt64) {
    var sm = seed
    func splitMix() -> UInt64 {
      sm &+= 0x9E37_79B9_7F4A_7C15
      var z = sm
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    state = [splitMix(), splitMix(), splitMix(), splitMix()]
  }

  /// Restores a generator from a saved `state` (four words, not all zero).
  public init(state: [UInt64]) {
    precondition(state.count == 4 && state.contains { $0 != 0 }, "RandomGenerator: invalid state \(state)")
    self.state = state
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotl(state[1] &* 5, 7) &* 9
    let t = state[1] << 17
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= t
    state[3] = rotl(state[3], 45)
    return result
  }

  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// An independent generator derived from this one's next output (e.g. one per worker).
  public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }

  /// Uniform Float in [0, 1) with 24 random bits.
  public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

  /// Uniform Double in [0, 1) with 53 random bits.
  public mutating func nextUniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// Standard normal sample (Box–Muller; uses two uniforms per call, the sine branch is dropped
  /// so the stream position does not depend on call history).
  public mutating func nextNormal() -> Float {
    let u1 = 1 - nextUniformDouble()  // (0, 1]: log is finite
    let u2 = nextUniformDouble()
    return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
  }

  /// Uniform integer in 0..<bound (Lemire's unbiased multiply-shift method).
  public mutating func nextInt(below bound: Int) -> Int {
    precondition(bound > 0, "RandomGenerator.nextInt: bound \(bound) must be positive")
    let b = UInt64(bound)
    var m = next().multipliedFullWidth(by: b)
    if m.low < b {
      let threshold = (0 &- b) % b
      while m.low < threshold { m = next().multipliedFullWidth(by: b) }
    }
    return Int(m.high)
  }

  /// Index drawn from unnormalised non-negative `weights` (inverse CDF in Double).
  public mutating func nextCategorical(_ weights: [Float]) -> Int {
    let total = weights.reduce(0.0) { $0 + Double($1) }
    precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "nextCategorical: weights must be >= 0 with a positive sum")
    let u = nextUniformDouble() * total
    var acc = 0.0
    for (i, w) in weights.enumerated() {
      acc += Double(w)
      if u < acc { return i }
    }
    return weights.lastIndex { $0 > 0 }!
  }

  /// A uniformly random permutation of 0..<n (Fisher–Yates).
  public mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    if n < 2 { return p }
    for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) }
    return p
  }
}

extension Tensor {
  /// Uniform samples in [low, high). Shapes: → shape.
  public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout RandomGenerator) -> Tensor {
    let n = elementCount(shape)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n { values[i] = low + (high - low) * rng.nextUniform() }
    return Tensor(shape: shape, scalars: values)
  }

  /// Normal samples with the given mean and standard deviation. Shapes: → shape.
  public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout RandomGenerator) -> Tensor {
    let n = elementCount(shape)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n { values[i] = mean + std * rng.nextNormal() }
    return Tensor(shape: shape, scalars: values)
  }

  /// One categorical sample per row of `probabilities` (unnormalised, non-negative).
  /// Shapes: [..., k] → [...] indices as an Int array in row-major order.
  public func sampleCategorical(using rng: inout RandomGenerator) -> [Int] {
    precondition(rank >= 1 && shape[rank - 1] > 0, "sampleCategorical: needs [..., k>0], got \(shape)")
    let k = shape[rank - 1]
    let p = scalars
    return (0..<(count / k)).map { r in rng.nextCategorical(Array(p[(r * k)..<((r + 1) * k)])) }
  }
}
