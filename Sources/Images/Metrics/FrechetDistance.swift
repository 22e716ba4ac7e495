// The Fréchet distance between two sets of feature vectors, each summarised by its mean and
// covariance as a Gaussian (Dowson and Landau 1982; FID, Heusel et al. 2017, is this distance on
// Inception features). cfx computes it on the penultimate features of its own classifiers, so
// its values are an "FID proxy": comparable between cfx runs on the same classifier, never with
// published Inception FIDs.
//   d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁ Σ₂)^{1/2}
// With S = Σ₁^{1/2}, Σ₁Σ₂ = S (S Σ₂ S) S⁻¹ is similar to the symmetric positive semi-definite
// S Σ₂ S, so tr (Σ₁Σ₂)^{1/2} = Σ_i √λ_i(S Σ₂ S): two symmetric eigendecompositions, no
// general matrix square root (eigenvalues below zero from rounding are clamped to zero). Both
// run in double precision: pooled ReLU features leave covariances singular, and Float's
// rounding of the zero eigenvalues (√ of noise ~ √(ε·λ_max) each) would add up visibly.
// Covariances are unbiased (divided by n − 1), as numpy.cov and the usual FID code compute them.

import Tensor

/// The Fréchet distance between Gaussians fitted to feature sets.
public enum FrechetDistance {
  /// Mean [d] and covariance [d, d] (row-major, divided by n − 1) of n ≥ 2 feature vectors of
  /// d values each.
  public static func moments(_ features: [[Float]]) -> (mean: [Double], covariance: [Double]) {
    let n = features.count
    precondition(n >= 2, "FrechetDistance: \(n) feature vectors; need at least 2")
    let d = features[0].count
    precondition(features.allSatisfy { $0.count == d && $0.allSatisfy(\.isFinite) }, "FrechetDistance: feature vectors of unequal length or not finite")
    var mean = [Double](repeating: 0, count: d)
    for f in features { for j in 0..<d { mean[j] += Double(f[j]) } }
    for j in 0..<d { mean[j] /= Double(n) }
    var covariance = [Double](repeating: 0, count: d * d)
    for f in features {
      for i in 0..<d {
        let di = Double(f[i]) - mean[i]
        for j in i..<d { covariance[i * d + j] += di * (Double(f[j]) - mean[j]) }
      }
    }
    for i in 0..<d {
      for j in i..<d {
        covariance[i * d + j] /= Double(n - 1)
        covariance[j * d + i] = covariance[i * d + j]
      }
    }
    return (mean, covariance)
  }

  /// The squared Fréchet distance d² between the Gaussians of two feature sets ([n₁][d], [n₂][d]).
  public static func distance(_ a: [[Float]], _ b: [[Float]]) throws(EigenDecompositionError) -> Double {
    let (m1, c1) = moments(a), (m2, c2) = moments(b)
    precondition(m1.count == m2.count, "FrechetDistance: features of \(m1.count) and \(m2.count) values")
    let d = m1.count
    let meanTerm = zip(m1, m2).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let traces = (0..<d).reduce(0) { $0 + c1[$1 * d + $1] + c2[$1 * d + $1] }
    // S = Σ₁^{1/2} = V diag(√λ) Vᵀ.
    let sqrt1 = try symmetricSquareRoot(c1, n: d)
    let middle = multiply(multiply(sqrt1, c2, n: d), sqrt1, n: d)
    let symmetric = (0..<(d * d)).map { (middle[$0] + middle[($0 % d) * d + $0 / d]) / 2 }
    let crossTrace = try DoubleLinearAlgebra.symmetricEigen(symmetric, n: d).values.reduce(0.0) { $0 + Swift.max($1, 0).squareRoot() }
    return meanTerm + traces - 2 * crossTrace
  }

  /// V diag(√max(λ, 0)) Vᵀ of a symmetric n × n matrix (row-major).
  static func symmetricSquareRoot(_ m: [Double], n: Int) throws(EigenDecompositionError) -> [Double] {
    let eigen = try DoubleLinearAlgebra.symmetricEigen(m, n: n)
    let values = eigen.values.map { Swift.max($0, 0).squareRoot() }, vectors = eigen.vectors
    var root = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        var sum = 0.0
        for k in 0..<n { sum += vectors[i * n + k] * values[k] * vectors[j * n + k] }
        root[i * n + j] = sum
      }
    }
    return root
  }

  /// The product of two n × n row-major matrices.
  static func multiply(_ a: [Double], _ b: [Double], n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for k in 0..<n {
        let aik = a[i * n + k]
        for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
      }
    }
    return c
  }
}
