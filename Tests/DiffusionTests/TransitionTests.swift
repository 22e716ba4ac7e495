@testable import Diffusion
import DiffusionCore
import TestSupport
import Testing

/// Row-major K×K product of Doubles.
func multiplyMatrices(_ a: [Double], _ b: [Double], _ k: Int) -> [Double] {
  var out = [Double](repeating: 0, count: k * k)
  for i in 0..<k { for j in 0..<k { for l in 0..<k { out[i * k + j] += a[i * k + l] * b[l * k + j] } } }
  return out
}

@Suite struct TransitionTests {
  let marginal = CategoricalTransition.marginal(frequencies: [0.6, 0.25, 0.1, 0.05, 0])
  let schedule = CosineNoiseSchedule(stepCount: 50)

  @Test func matricesAreRowStochastic() {
    for transition in [marginal, .uniform(classCount: 3)] {
      let k = transition.classCount
      for t in 0...50 {
        let q = transition.stepMatrix(beta: schedule.beta(at: t)).scalars
        let qBar = transition.cumulativeMatrix(alphaBar: schedule.alphaBar(at: t)).scalars
        #expect(q.allSatisfy { $0 >= 0 } && qBar.allSatisfy { $0 >= 0 })
        for row in 0..<k {
          #expect(abs(q[(row * k)..<((row + 1) * k)].reduce(0, +) - 1) < 1e-6)
          #expect(abs(qBar[(row * k)..<((row + 1) * k)].reduce(0, +) - 1) < 1e-6)
        }
      }
    }
  }

  @Test func closedFormEqualsProductOfSteps() {
    let k = marginal.classCount
    var product = marginal.cumulativeMatrixValues(alphaBar: 1)  // Q̄_0 = identity
    #expect(product == (0..<(k * k)).map { $0 / k == $0 % k ? 1.0 : 0.0 })
    for t in 1...50 {
      product = multiplyMatrices(product, marginal.stepMatrixValues(beta: schedule.beta(at: t)), k)
      let closed = marginal.cumulativeMatrixValues(alphaBar: schedule.alphaBar(at: t))
      // Exact up to rounding, except for DiGress's clamp of β_T = 1 to 0.9999 inside ᾱ_T.
      let tolerance = t == 50 ? 2e-4 * schedule.alphaBar(at: 49) : 1e-12
      #expect(zip(product, closed).allSatisfy { abs($0 - $1) <= tolerance }, "t = \(t)")
    }
  }

  @Test func limitIsTheMarginal() {
    let m = marginal.limitDistribution
    let k = m.count
    // Q_T = 1mᵀ exactly (raw β_T = 1), and Q̄_T rows equal m to within ᾱ_T.
    let qT = marginal.stepMatrixValues(beta: schedule.beta(at: 50))
    let qBarT = marginal.cumulativeMatrixValues(alphaBar: schedule.alphaBar(at: 50))
    for row in 0..<k {
      for column in 0..<k {
        #expect(qT[row * k + column] == m[column])
        #expect(abs(qBarT[row * k + column] - m[column]) < 1e-6)
      }
    }
    // m is stationary: m·Q_t = m.
    for t in [1, 10, 49] {
      let q = marginal.stepMatrixValues(beta: schedule.beta(at: t))
      for column in 0..<k {
        let value = (0..<k).reduce(0.0) { $0 + m[$1] * q[$1 * k + column] }
        #expect(abs(value - m[column]) < 1e-12)
      }
    }
  }

  @Test func uniformAndNormalisation() {
    #expect(CategoricalTransition.uniform(classCount: 4).limitDistribution == [0.25, 0.25, 0.25, 0.25])
    #expect(CategoricalTransition(limitDistribution: [2, 6]).limitDistribution == [0.25, 0.75])
    #expect(CategoricalTransition.uniform(classCount: 2).stepMatrix(beta: 0.5).scalars == [0.75, 0.25, 0.25, 0.75])
  }

  @Test func processSharesAlphaBetweenNodesAndEdges() {
    let process = DiscreteDiffusion(
      schedule: schedule, nodeTransition: .uniform(classCount: 3), edgeTransition: .marginal(frequencies: [0.8, 0.2]))
    let cumulative = process.cumulativeTransition(at: 10)
    let alpha = Float(schedule.alphaBar(at: 10))
    let expectedNodes = (0..<9).map { i -> Float in (i / 3 == i % 3 ? alpha : 0) + (1 - alpha) / 3 }
    #expect(isClose(cumulative.nodes, Tensor(shape: [3, 3], scalars: expectedNodes)))
    let expectedEdges: [Float] = [alpha + (1 - alpha) * 0.8, (1 - alpha) * 0.2, (1 - alpha) * 0.8, alpha + (1 - alpha) * 0.2]
    #expect(isClose(cumulative.edges, Tensor(shape: [2, 2], scalars: expectedEdges)))
    #expect(process.cumulativeTransition(at: 0).edges.scalars == [1, 0, 0, 1])
  }
}
