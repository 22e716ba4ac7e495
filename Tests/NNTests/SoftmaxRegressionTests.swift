import Foundation
import NN
import Tensor
import Testing

/// Multinomial logistic regression agrees with scikit-learn's on the same objective
/// (scripts/softmax-regression-golden.py), and its rows point where the classes lie.
struct SoftmaxRegressionTests {
  static let n = 60
  static let points: Tensor = Tensor(shape: [n, 3], scalars: (0..<n).flatMap { i -> [Float] in
    let d = Double(i), k = Double(i % 3)
    return [Float(sin(d) + k * 0.8), Float(cos(1.7 * d)), Float(sin(0.3 * d + 1) - k * 0.5)]
  })
  static let labels = (0..<n).map { $0 % 3 }

  @Test func matchesScikitLearn() {
    let model = SoftmaxRegression.fit(Self.points, labels: Self.labels, classes: 3, l2: 0.1, iterations: 2000, learningRate: 0.05)
    let weight: [Float] = [-0.739634, -0.060628, 0.464706, 0.002593, 0.05833, 0.006614, 0.737041, 0.002298, -0.471319]
    let probabilities: [Float] = [0.655366, 0.288345, 0.056289, 0.260877, 0.403506, 0.335617, 0.090218, 0.297484, 0.612298, 0.655883, 0.283631, 0.060486]
    for (a, b) in zip(model.weight.scalars, weight) { #expect(abs(a - b) < 2e-3, "weight \(a) vs scikit-learn \(b)") }
    let p = model.probabilities(Self.points.sliced([0..<4, 0..<3])).scalars
    for (a, b) in zip(p, probabilities) { #expect(abs(a - b) < 1e-3, "probability \(a) vs scikit-learn \(b)") }
  }

  @Test func separatedClassesArePredictedAndTheirDirectionsPointAtThem() {
    // Two Gaussian blobs at ±(3, 0): every point is classified, and w₁ − w₀ points along +x.
    var rng = RandomGenerator(seed: 5)
    let noise = Tensor.normal([40, 2], using: &rng).scalars
    let labels = (0..<40).map { $0 % 2 }
    var values: [Float] = []
    for i in 0..<40 {
      let shift: Float = labels[i] == 1 ? 3 : -3
      values += [noise[2 * i] + shift, noise[2 * i + 1]]
    }
    let points = Tensor(shape: [40, 2], scalars: values)
    let model = SoftmaxRegression.fit(points, labels: labels, classes: 2)
    #expect(model.predict(points) == labels)
    let w = model.weight.scalars
    let (nx, ny): (Float, Float) = (w[2] - w[0], w[3] - w[1])
    let length = (nx * nx + ny * ny).squareRoot()
    #expect(nx / length > 0.9)
  }
}
