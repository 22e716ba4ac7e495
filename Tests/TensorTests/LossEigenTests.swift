import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite struct LossTests {
  @Test(arguments: [false, true]) func crossEntropyWithProbabilityTargets(_ masked: Bool) {
    let shape = [2, 3, 4]
    let logits = testTensor(shape, seed: 91, in: -3...3)
    let raw = testTensor(shape, seed: 92, in: 0.1...1)
    let targets = raw / raw.sum(axes: [2], keepingDims: true)
    let mask: Tensor? = masked ? Tensor(shape: [2, 3], scalars: [1, 0, 1, 1, 1, 0]) : nil
    let maskValues = mask?.scalars.map(Double.init)
    let r = checkGradients(inputs: [logits, targets], f: { Tensor.crossEntropy(logits: $0[0], targets: $0[1], rowMask: mask) }) {
      [Reference.crossEntropy($0[0], shape, targets: $0[1], rowMask: maskValues)]
    }
    #expect(r.maxError < 2e-3, "masked \(masked): \(r)")
  }

  @Test func crossEntropyWithClassIndicesMatchesOneHotAndIgnoresMaskedRows() {
    let logits = testTensor([5, 3], seed: 93, in: -2...2)
    let classes = [2, 0, -1, 1, 7]  // rows 2 and 4 are masked out, so their targets are never read
    let mask = Tensor([1, 1, 0, 1, 0])
    let loss = Tensor.crossEntropy(logits: logits, classIndices: classes, rowMask: mask)
    let oneHot = Tensor.oneHot([2, 0, -1, 1, -1], classes: 3)
    let expected = Reference.crossEntropy(logits.scalars.map(Double.init), [5, 3], targets: oneHot.scalars.map(Double.init),
                                          rowMask: mask.scalars.map(Double.init))
    #expect(Swift.abs(Double(loss.scalar) - expected) < 1e-5)
    let r = checkGradients(inputs: [logits], f: { Tensor.crossEntropy(logits: $0[0], classIndices: classes, rowMask: mask) }) {
      [Reference.crossEntropy($0[0], [5, 3], targets: oneHot.scalars.map(Double.init), rowMask: mask.scalars.map(Double.init))]
    }
    #expect(r.maxError < 2e-3, "\(r)")
  }

  @Test func crossEntropyIsStableForHugeLogitsAndZeroForNoRows() {
    let logits = Tensor(shape: [2, 3], scalars: [1000, -1000, 0, 500, 500, -500])
    let loss = Tensor.crossEntropy(logits: logits, classIndices: [0, 1])
    // Row 0: log-softmax of the target is ≈ 0; row 1: −log(1/2).
    #expect(Swift.abs(loss.scalar - Float(Foundation.log(2.0) / 2)) < 1e-6)
    let g = grad(at: logits) { Tensor.crossEntropy(logits: $0, classIndices: [0, 1]) }
    #expect(g.scalars.allSatisfy { $0.isFinite })
    let none = Tensor.crossEntropy(logits: logits, classIndices: [0, 1], rowMask: Tensor([0, 0]))
    #expect(none.scalar == 0)
  }

  @Test func binaryCrossEntropyGradientAndStability() {
    let logits = testTensor([3, 4], seed: 94, in: -4...4)
    let targets = testTensor([3, 4], seed: 95, in: 0...1)
    // Reference: −[t log σ(x) + (1 − t) log(1 − σ(x))], averaged, in Double.
    let reference: ([[Double]]) -> [Double] = { d in
      let terms = zip(d[0], d[1]).map { x, t -> Double in
        let s = 1 / (1 + Foundation.exp(-x))
        return -(t * Foundation.log(s) + (1 - t) * Foundation.log(1 - s))
      }
      return [terms.reduce(0, +) / Double(terms.count)]
    }
    let r = checkGradients(inputs: [logits, targets], f: { Tensor.binaryCrossEntropy(logits: $0[0], targets: $0[1]) }, reference: reference)
    #expect(r.maxError < 2e-3, "\(r)")
    // Huge logits: finite, ≈ 0 when right, ≈ |x| when wrong.
    let huge = Tensor.binaryCrossEntropy(logits: Tensor([200, -200, 200]), targets: Tensor([1, 0, 0]))
    #expect(huge.scalar.isFinite && Swift.abs(huge.scalar - 200 / 3) < 1e-3)
  }

  @Test func dropoutIsInvertedSeededAndIdentityWhenOff() {
    let x = Tensor.ones([1000])
    var rng = RandomGenerator(seed: 7)
    let y = x.dropout(rate: 0.25, using: &rng)
    let kept = y.scalars.filter { $0 != 0 }
    #expect(kept.allSatisfy { $0 == 1 / Float(0.75) })
    #expect(kept.count > 700 && kept.count < 800)  // Binomial(1000, 0.75): 750 ± 14 (σ)
    var again = RandomGenerator(seed: 7)
    #expect(x.dropout(rate: 0.25, using: &again).isBitwiseEqual(to: y))
    var off = RandomGenerator(seed: 7)
    #expect(x.dropout(rate: 0.25, training: false, using: &off).isBitwiseEqual(to: x))
    #expect(off == RandomGenerator(seed: 7))
    #expect(x.dropout(rate: 0, using: &off).isBitwiseEqual(to: x))
    // The gradient is the same mask.
    var forGrad = RandomGenerator(seed: 7)
    let g = grad(at: x) { $0.dropout(rate: 0.25, using: &forGrad).sum() }
    #expect(g.isBitwiseEqual(to: y))
  }
}

@Suite struct SymmetricEigenTests {
  static func symmetric(_ n: Int, seed: UInt64) -> Tensor {
    let a = testTensor([n, n], seed: seed)
    return (a + a.transposed()) * 0.5
  }

  @Test func matchesJacobiReferenceAndReconstructs() throws {
    let n = 5
    let batch = Tensor.concat([Self.symmetric(n, seed: 1), Self.symmetric(n, seed: 2)].map { $0.expandingDims(at: 0) }, axis: 0)
    let (values, vectors) = try batch.symmetricEigen()
    #expect(values.shape == [2, n] && vectors.shape == [2, n, n])
    for b in 0..<2 {
      let a = batch.sliced([b..<(b + 1), 0..<n, 0..<n]).reshaped([n, n])
      let ref = Reference.symmetricEigen(a.scalars.map(Double.init), n: n)
      let lam = values.sliced([b..<(b + 1), 0..<n]).reshaped([n])
      let v = vectors.sliced([b..<(b + 1), 0..<n, 0..<n]).reshaped([n, n])
      #expect(isClose(lam, Tensor(ref.values.map(Float.init)), rtol: 1e-5, atol: 1e-5))
      #expect(isClose(v, Tensor(shape: [n, n], scalars: ref.vectors.map(Float.init)), rtol: 1e-4, atol: 1e-4))
      // A V = V Λ and Vᵀ V = I.
      #expect(isClose(Tensor.matmul(a, v), v * lam, rtol: 1e-4, atol: 1e-5))
      #expect(isClose(Tensor.matmul(v, v, transposeA: true), identity(n), rtol: 1e-5, atol: 1e-5))
    }
  }

  func identity(_ n: Int) -> Tensor {
    Tensor(shape: [n, n], scalars: (0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 })
  }

  @Test func gradientsOfValuesAndVectors() {
    // f(X) = eig((X + Xᵀ)/2): eigenvalues, and the squared eigenvectors (sign-invariant).
    let n = 4
    let x = testTensor([2, n, n], seed: 5, in: -2...2)
    let reference: ([[Double]]) -> [Double] = { v in
      var out: [Double] = []
      for b in 0..<2 {
        let m = v[0][(b * n * n)..<((b + 1) * n * n)].map { $0 }
        let sym = (0..<(n * n)).map { (m[$0] + m[($0 % n) * n + $0 / n]) / 2 }
        let (values, vectors) = Reference.symmetricEigen(sym, n: n)
        out += values
        out += vectors.map { $0 * $0 }
      }
      return out
    }
    let r = checkGradients(inputs: [x], f: { v in
      let s = (v[0] + v[0].transposed()) * 0.5
      let (values, vectors) = try! s.symmetricEigen()
      return Tensor.concat([values.reshaped([2, n]), vectors.squared().reshaped([2, n * n])], axis: 1)
    }, reference: reference)
    #expect(r.maxError < 5e-3, "\(r)")
  }

  @Test func degenerateEigenvaluesGiveFiniteGradients() {
    let a = Tensor(shape: [1, 3, 3], scalars: [2, 0, 0, 0, 2, 0, 0, 0, 5])
    let g = grad(at: a) { m in
      let (values, vectors) = try! m.symmetricEigen()
      return values.sum() + vectors.squared().sum(axes: [1]).mean()
    }
    #expect(g.scalars.allSatisfy { $0.isFinite })
    // d(trace)/dA = I.
    let gv = grad(at: a) { m in try! m.symmetricEigen().values.sum() }
    #expect(isClose(gv, Tensor(shape: [1, 3, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1]), rtol: 1e-5, atol: 1e-5))
  }

  @Test func nanInputThrowsOrPropagates() {
    let a = Tensor(shape: [1, 2, 2], scalars: [.nan, 0, 0, 1])
    // LAPACK either reports failure (thrown, with a message) or returns NaN; it must not crash.
    do {
      let (values, _) = try a.symmetricEigen()
      #expect(values.scalars.contains { $0.isNaN })
    } catch {
      #expect(error.description.contains("ssyevd"))
    }
  }
}
