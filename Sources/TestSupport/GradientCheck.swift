// Test support: finite-difference gradient checks against Double references, and shape-first
// closeness assertions. Used only by test targets.

import Tensor

/// Result of comparing an analytic gradient with a finite-difference one.
public struct GradientCheckResult: CustomStringConvertible {
  /// Largest |analytic − numeric| / max(1, |numeric|) over all checked elements.
  public var maxError: Double
  /// Where the largest error occurred (input index, element index).
  public var worst: (input: Int, element: Int)
  /// Analytic and numeric values at the worst element.
  public var analytic: Double, numeric: Double

  /// Human-readable summary.
  public var description: String {
    "max error \(maxError) at input \(worst.input) element \(worst.element): analytic \(analytic), numeric \(numeric)"
  }
}

/// Checks the gradients of `f` (Float32, on the tape) against central differences of `reference`
/// (a Double implementation of the same function), both reduced to a scalar by a fixed random
/// projection: L = sum(f(x) * w). Returns the worst relative error.
///
/// - Parameters:
///   - inputs: the points at which to check (each a Float tensor).
///   - f: the op under test, built from Tensor ops.
///   - reference: the same function on flat Double arrays (row-major, same shapes), returning
///     the flat output.
///   - step: finite-difference step (on Doubles, so a small step is accurate).
public func checkGradients(
  inputs: [Tensor], f: ([Tensor]) -> Tensor, reference: ([[Double]]) -> [Double], step: Double = 1e-6
) -> GradientCheckResult {
  let probe = f(inputs)
  // Fixed projection weights in [-1, 1] so every output element matters.
  var state: UInt64 = 0x9E37_79B9_7F4A_7C15
  let weights = (0..<probe.count).map { _ -> Float in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
  }
  let w = Tensor(shape: probe.shape, scalars: weights)
  let analytic = grad(at: inputs) { xs in (f(xs) * w).sum() }
  let dInputs = inputs.map { $0.scalars.map(Double.init) }
  func loss(_ xs: [[Double]]) -> Double {
    zip(reference(xs), weights).reduce(0) { $0 + $1.0 * Double($1.1) }
  }
  var result = GradientCheckResult(maxError: 0, worst: (0, 0), analytic: 0, numeric: 0)
  for (i, x) in dInputs.enumerated() {
    let a = analytic[i].scalars
    for j in x.indices {
      var plus = dInputs, minus = dInputs
      plus[i][j] += step
      minus[i][j] -= step
      let numeric = (loss(plus) - loss(minus)) / (2 * step)
      let err = Swift.abs(Double(a[j]) - numeric) / Swift.max(1, Swift.abs(numeric))
      if err > result.maxError {
        result = GradientCheckResult(maxError: err, worst: (i, j), analytic: Double(a[j]), numeric: numeric)
      }
    }
  }
  return result
}

/// Whether two tensors have the same shape and agree within `atol + rtol * |expected|`.
public func isClose(_ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6) -> Bool {
  guard actual.shape == expected.shape else { return false }
  return zip(actual.scalars, expected.scalars).allSatisfy { a, e in
    if a.isNaN || e.isNaN { return a.isNaN && e.isNaN }
    if a.isInfinite || e.isInfinite { return a == e }
    return Swift.abs(a - e) <= atol + rtol * Swift.abs(e)
  }
}

/// Deterministic pseudo-random tensor in [lo, hi) for tests (independent of Tensor's RNG).
public func testTensor(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1) -> Tensor {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
  let n = shape.reduce(1, *)
  let values = (0..<n).map { _ -> Float in
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    let u = Float(state >> 40) / Float(1 << 24)
    return range.lowerBound + u * (range.upperBound - range.lowerBound)
  }
  return Tensor(shape: shape, scalars: values)
}
