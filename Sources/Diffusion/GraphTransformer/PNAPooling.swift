// PNA-style pooling of a set of feature vectors into one global vector (DiGress Xtoy / Etoy).
// The fourth statistic is the masked variance (mean squared deviation), not its square root:
// sqrt has an infinite derivative at zero spread (single-node graphs, constant features), which
// would put NaN into training; the variance carries the same information.

/// Linear map of the masked [mean, min, max, variance] of a set of vectors: [bs, m, f] → [bs, dy].
/// Implemented as four f → dy maps summed, which equals one Linear(4f → dy) on the
/// concatenation; the bias sits on the mean map.
public struct PNAPooling: ParameterTree, Sendable {
  /// Maps of the four statistics.
  public var mean: Linear, minimum: Linear, maximum: Linear, std: Linear

  /// A pooling of `features` channels into `outputs` channels.
  public init(features: Int, outputs: Int, using rng: inout RandomGenerator) {
    mean = Linear(inputs: features, outputs: outputs, using: &rng)
    minimum = Linear(inputs: features, outputs: outputs, bias: false, using: &rng)
    maximum = Linear(inputs: features, outputs: outputs, bias: false, using: &rng)
    std = Linear(inputs: features, outputs: outputs, bias: false, using: &rng)
  }

  /// Shapes: x [bs, m, f], mask [bs, m, 1] (1 = real) → [bs, outputs].
  /// Padded entries are excluded from every statistic (the fixed_bug semantics).
  public func callAsFunction(_ x: Tensor, mask: Tensor) -> Tensor {
    // Mean, minimum (padded entries +1e5), maximum (−1e5), both 0 for an empty graph, and
    // variance over the real entries, in one fused pass (Tensor.maskedStatistics).
    let stats = x.maskedStatistics(mask: mask)  // [bs, 4, f]
    let (bs, f) = (x.shape[0], x.shape[2])
    func statistic(_ k: Int) -> Tensor { stats.sliced([0..<bs, k..<(k + 1), 0..<f]).reshaped([bs, f]) }
    return mean(statistic(0)) + minimum(statistic(1)) + maximum(statistic(2)) + std(statistic(3))
  }

  /// DiGress's four-block naming under one prefix.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("mean", &mean, body); try visitChild("min", &minimum, body)
    try visitChild("max", &maximum, body); try visitChild("std", &std, body)
  }
}
