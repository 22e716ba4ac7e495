// Gaussian mixture with full covariances, fitted by expectation–maximisation (Dempster, Laird
// and Rubin 1977), initialised from k-means as scikit-learn's `init_params="kmeans"`.
//
// Implementation goals, in priority order: no overflow or loss of precision in the densities
// (everything in log space, Cholesky factors instead of inverses), covariances that stay
// positive definite (`regularization` is added to every diagonal, scikit-learn's reg_covar),
// then agreement with scikit-learn's fixed point.
//
// Log-density by Cholesky, Σ = L Lᵀ:
//   log N(x | μ, Σ) = −½ (d log 2π + log det Σ + (x − μ)ᵀ Σ⁻¹ (x − μ)),
//   log det Σ = 2 Σᵢ log Lᵢᵢ,   (x − μ)ᵀ Σ⁻¹ (x − μ) = ‖z‖² where L z = x − μ (forward substitution).
// E-step: log p(x, k) = log w_k + log N(x | μ_k, Σ_k); log p(x) = logsumexp_k log p(x, k)
// (the maximum is subtracted before exponentiating); responsibilities r_ik = exp(log p(xᵢ, k) − log p(xᵢ)).
// M-step: N_k = Σᵢ r_ik, w_k = N_k / n, μ_k = Σᵢ r_ik xᵢ / N_k,
//   Σ_k = Σᵢ r_ik (xᵢ − μ_k)(xᵢ − μ_k)ᵀ / N_k + regularization · I.
// EM never lowers the mean log-likelihood (1/n) Σᵢ log p(xᵢ); iterations stop when it changes
// by less than `tolerance`.

import Foundation
import Tensor

/// Gaussian-mixture settings (full covariances). Fit with `fit(_:seed:)`.
public struct GaussianMixture: Sendable {
  /// Number of mixture components k (1 ≤ k ≤ n).
  public var componentCount: Int
  /// Added to every covariance diagonal (scikit-learn's reg_covar).
  public var regularization: Double
  /// EM stops when the mean log-likelihood per point changes by less than this.
  public var tolerance: Double
  /// Upper bound on EM iterations.
  public var maxIterations: Int
  /// k-means restarts for the initial responsibilities.
  public var kMeansRestarts: Int

  /// A mixture of `componentCount` Gaussians (defaults as scikit-learn: reg 1e-6, tol 1e-3, 100 iterations).
  public init(componentCount: Int, regularization: Double = 1e-6, tolerance: Double = 1e-3, maxIterations: Int = 100, kMeansRestarts: Int = 1) {
    precondition(componentCount >= 1, "GaussianMixture: componentCount \(componentCount) must be at least 1")
    precondition(regularization >= 0 && regularization.isFinite, "GaussianMixture: regularization \(regularization) must be finite and >= 0")
    precondition(tolerance >= 0 && tolerance.isFinite, "GaussianMixture: tolerance \(tolerance) must be finite and >= 0")
    precondition(maxIterations >= 1, "GaussianMixture: maxIterations \(maxIterations) must be at least 1")
    precondition(kMeansRestarts >= 1, "GaussianMixture: kMeansRestarts \(kMeansRestarts) must be at least 1")
    self.componentCount = componentCount
    self.regularization = regularization
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    self.kMeansRestarts = kMeansRestarts
  }

  /// Fits n × d `points`, seeding the k-means initialisation with `seed`.
  public func fit(_ points: PointMatrix, seed: UInt64) -> GaussianMixtureResult {
    var generator = RandomGenerator(seed: seed)
    return fit(points, using: &generator)
  }

  /// Fits n × d `points`, drawing the k-means initialisation from `generator`.
  public func fit(_ points: PointMatrix, using generator: inout RandomGenerator) -> GaussianMixtureResult {
    precondition(
      componentCount <= points.rows,
      "GaussianMixture: componentCount \(componentCount) exceeds the number of points \(points.rows)")
    let kMeans = KMeans(clusterCount: componentCount, restarts: kMeansRestarts).fit(points, using: &generator)
    // One-hot responsibilities from the k-means labels, then a first M-step.
    var responsibilities = PointMatrix.zeros(rows: points.rows, columns: componentCount)
    for (i, label) in kMeans.labels.enumerated() { responsibilities[i, label] = 1 }
    var model = maximisation(points, responsibilities: responsibilities)
    var previousMean = -Double.infinity
    var converged = false
    var iterations = 0
    var logLikelihoods: [Double] = []
    while iterations < maxIterations {
      iterations += 1
      (responsibilities, logLikelihoods) = GaussianMixture.expectation(points, model)
      model = maximisation(points, responsibilities: responsibilities)
      let mean = logLikelihoods.reduce(0, +) / Double(points.rows)
      if abs(mean - previousMean) < tolerance {
        converged = true
        break
      }
      previousMean = mean
    }
    // Final E-step so that responsibilities, labels and likelihoods describe the returned model.
    (responsibilities, logLikelihoods) = GaussianMixture.expectation(points, model)
    let labels = (0..<points.rows).map { i in
      (0..<componentCount).max { responsibilities[i, $0] < responsibilities[i, $1] }!
    }
    return GaussianMixtureResult(
      weights: model.weights, means: model.means, covariances: model.covariances,
      responsibilities: responsibilities, labels: labels, logLikelihoods: logLikelihoods,
      converged: converged, iterations: iterations)
  }

  /// The parameters of one mixture: weights [k], means k × d, covariances k × (d × d).
  struct Parameters {
    var weights: [Double]
    var means: PointMatrix
    var covariances: [PointMatrix]
  }

  /// M-step from responsibilities n × k.
  private func maximisation(_ points: PointMatrix, responsibilities: PointMatrix) -> Parameters {
    let n = points.rows, d = points.columns, k = componentCount
    var weights = [Double](repeating: 0, count: k)
    var means = PointMatrix.zeros(rows: k, columns: d)
    var covariances: [PointMatrix] = []
    for c in 0..<k {
      // 10·ε keeps an emptied component's mean and covariance finite (as scikit-learn).
      var total = 10 * Double.ulpOfOne
      for i in 0..<n { total += responsibilities[i, c] }
      weights[c] = total / Double(n)
      var mean = [Double](repeating: 0, count: d)
      for i in 0..<n {
        let r = responsibilities[i, c]
        for f in 0..<d { mean[f] += r * points.values[i * d + f] }
      }
      for f in 0..<d { mean[f] /= total }
      var covariance = [Double](repeating: 0, count: d * d)
      var difference = [Double](repeating: 0, count: d)
      for i in 0..<n {
        let r = responsibilities[i, c]
        for f in 0..<d { difference[f] = points.values[i * d + f] - mean[f] }
        for f in 0..<d {
          for g in 0...f { covariance[f * d + g] += r * difference[f] * difference[g] }
        }
      }
      for f in 0..<d {
        for g in 0...f {
          covariance[f * d + g] /= total
          covariance[g * d + f] = covariance[f * d + g]
        }
        covariance[f * d + f] += regularization
      }
      for f in 0..<d { means[c, f] = mean[f] }
      covariances.append(PointMatrix(rows: d, columns: d, values: covariance))
    }
    return Parameters(weights: weights, means: means, covariances: covariances)
  }

  /// E-step: responsibilities n × k and log p(xᵢ) [n] under `model`.
  static func expectation(_ points: PointMatrix, _ model: Parameters) -> (responsibilities: PointMatrix, logLikelihoods: [Double]) {
    let n = points.rows, k = model.weights.count
    var joint = PointMatrix.zeros(rows: n, columns: k)  // log w_k + log N(xᵢ | μ_k, Σ_k)
    for c in 0..<k {
      let densities = logDensities(points, mean: model.means.row(c), covariance: model.covariances[c])
      let logWeight = log(model.weights[c])
      for i in 0..<n { joint[i, c] = logWeight + densities[i] }
    }
    var responsibilities = joint
    var logLikelihoods = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var largest = -Double.infinity
      for c in 0..<k { largest = Swift.max(largest, joint[i, c]) }
      var sum = 0.0
      for c in 0..<k { sum += exp(joint[i, c] - largest) }
      let logTotal = largest + log(sum)
      logLikelihoods[i] = logTotal
      for c in 0..<k { responsibilities[i, c] = exp(joint[i, c] - logTotal) }
    }
    return (responsibilities, logLikelihoods)
  }

  /// log N(xᵢ | mean, covariance) for every point: `points` n × d, mean [d], covariance d × d; → [n].
  static func logDensities(_ points: PointMatrix, mean: [Double], covariance: PointMatrix) -> [Double] {
    let d = points.columns
    let factor = choleskyFactor(covariance)
    var logDeterminant = 0.0
    for f in 0..<d { logDeterminant += 2 * log(factor[f * d + f]) }
    let constant = Double(d) * log(2 * Double.pi) + logDeterminant
    var z = [Double](repeating: 0, count: d)
    return (0..<points.rows).map { i in
      // Forward substitution L z = x − μ, accumulating ‖z‖².
      var squaredNorm = 0.0
      for f in 0..<d {
        var value = points.values[i * d + f] - mean[f]
        for g in 0..<f { value -= factor[f * d + g] * z[g] }
        z[f] = value / factor[f * d + f]
        squaredNorm += z[f] * z[f]
      }
      return -0.5 * (constant + squaredNorm)
    }
  }

  /// Lower-triangular L (row-major d × d) with L Lᵀ = `matrix` (Cholesky–Banachiewicz).
  /// Traps when the matrix is not positive definite.
  static func choleskyFactor(_ matrix: PointMatrix) -> [Double] {
    let d = matrix.rows
    var factor = [Double](repeating: 0, count: d * d)
    for f in 0..<d {
      for g in 0...f {
        var sum = matrix[f, g]
        for h in 0..<g { sum -= factor[f * d + h] * factor[g * d + h] }
        if f == g {
          precondition(
            sum > 0,
            "GaussianMixture: a \(d) × \(d) covariance is not positive definite (pivot \(f) = \(sum)); increase regularization")
          factor[f * d + f] = sum.squareRoot()
        } else {
          factor[f * d + g] = sum / factor[g * d + g]
        }
      }
    }
    return factor
  }
}

/// A fitted Gaussian mixture of k components over n × d points.
public struct GaussianMixtureResult: Sendable {
  /// Mixing weights, summing to 1; [k].
  public var weights: [Double]
  /// Component means, k × d.
  public var means: PointMatrix
  /// Component covariances, k of d × d (regularization included).
  public var covariances: [PointMatrix]
  /// Posterior p(component | point), n × k, rows summing to 1.
  public var responsibilities: PointMatrix
  /// Most responsible component of each point; [n].
  public var labels: [Int]
  /// log p(xᵢ) under the fitted mixture (natural log); [n].
  public var logLikelihoods: [Double]
  /// Whether the change in mean log-likelihood fell below the tolerance.
  public var converged: Bool
  /// EM iterations run.
  public var iterations: Int

  /// Mean log-likelihood per point (scikit-learn's `score`).
  public var meanLogLikelihood: Double { logLikelihoods.reduce(0, +) / Double(logLikelihoods.count) }
}
