// Multinomial logistic regression: p(k | x) = softmax(W x + b)_k, fitted by minimising the mean
// cross-entropy plus (λ/2)‖W‖²_F (the bias is not penalised) with full-batch Adam from W = 0,
// b = 0. The objective is convex, so the start fixes nothing but the path; the fit is
// deterministic. The rows of W are the class directions: moving x along w_k raises class k's
// logit against the others (for two classes, w_1 − w_0 is the decision boundary's normal).

import Tensor

/// A fitted multinomial logistic regression.
public struct SoftmaxRegression: ParameterTree, Sendable {
  /// Weights [classes, features] and biases [classes].
  public var weight: Tensor, bias: Tensor

  /// A regression with the given weights [K, d] and biases [K].
  public init(weight: Tensor, bias: Tensor) {
    precondition(weight.rank == 2 && bias.shape == [weight.shape[0]], "SoftmaxRegression: weight \(weight.shape), bias \(bias.shape)")
    (self.weight, self.bias) = (weight, bias)
  }

  /// Fits `classes` classes to points [n, d] with labels in 0..<classes; `l2` is λ.
  public static func fit(_ points: Tensor, labels: [Int], classes: Int, l2: Float = 1e-3, iterations: Int = 500, learningRate: Float = 0.05) -> SoftmaxRegression {
    precondition(points.rank == 2 && points.shape[0] == labels.count && labels.allSatisfy { $0 >= 0 && $0 < classes } && classes >= 2,
                 "SoftmaxRegression.fit: points \(points.shape), \(labels.count) labels, \(classes) classes")
    var model = SoftmaxRegression(weight: Tensor.zeros([classes, points.shape[1]]), bias: Tensor.zeros([classes]))
    var optimizer = AdamW(learningRate: learningRate, weightDecay: 0)
    for _ in 0..<iterations {
      let (_, gradient) = valueAndGrad(at: model) { m in
        Tensor.crossEntropy(logits: m.logits(points), classIndices: labels) + (m.weight * m.weight).sum() * (l2 / 2)
      }
      optimizer.update(&model, gradients: gradient)
    }
    return model
  }

  /// Logits. Shapes: [n, d] → [n, K].
  public func logits(_ points: Tensor) -> Tensor {
    precondition(points.rank == 2 && points.shape[1] == weight.shape[1], "SoftmaxRegression: points \(points.shape) for weight \(weight.shape)")
    return Tensor.matmul(points, weight, transposeB: true) + bias.reshaped([1, -1])
  }

  /// Class probabilities. Shapes: [n, d] → [n, K].
  public func probabilities(_ points: Tensor) -> Tensor { logits(points).softmax(axis: 1) }

  /// The most probable class of each point.
  public func predict(_ points: Tensor) -> [Int] {
    let p = logits(points), k = weight.shape[0], values = p.scalars
    return (0..<points.shape[0]).map { row in (0..<k).max { values[row * k + $0] < values[row * k + $1] }! }
  }

  /// Visits the weight and the bias.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("weight", &weight)
    try body("bias", &bias)
  }
}
