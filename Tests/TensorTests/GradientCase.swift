import Tensor
import TestSupport

/// One finite-difference gradient check: inputs (shape and value range), the Float op on the
/// tape, and its Double reference on flat arrays.
struct GradientCase: CustomTestStringConvertible, Sendable {
  let name: String
  let shapes: [[Int]]
  let range: ClosedRange<Float>
  let tolerance: Double
  let f: @Sendable ([Tensor]) -> Tensor
  let reference: @Sendable ([[Double]]) -> [Double]

  init(_ name: String, _ shapes: [[Int]], range: ClosedRange<Float> = -1...1, tolerance: Double = 2e-3,
       f: @escaping @Sendable ([Tensor]) -> Tensor, reference: @escaping @Sendable ([[Double]]) -> [Double]) {
    (self.name, self.shapes, self.range, self.tolerance, self.f, self.reference) = (name, shapes, range, tolerance, f, reference)
  }

  var testDescription: String { name }

  /// Deterministic inputs for this case.
  var inputs: [Tensor] {
    shapes.enumerated().map { i, s in testTensor(s, seed: UInt64(i + 1) &* 7919 &+ UInt64(name.utf8.count), in: range) }
  }

  /// Runs the check; returns the result for `#expect`.
  func run() -> GradientCheckResult { checkGradients(inputs: inputs, f: f, reference: reference) }
}

import Testing
