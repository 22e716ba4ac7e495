import Foundation
import Testing
import TestSupport
@testable import Tensor

/// One matmul configuration: stored shapes of A and B and the transpose flags.
struct MatmulMode: CustomTestStringConvertible, Sendable {
  let a: [Int], b: [Int], transposeA: Bool, transposeB: Bool
  var testDescription: String { "\(a)\(transposeA ? "ᵀ" : "") · \(b)\(transposeB ? "ᵀ" : "")" }
}

func matmulModes() -> [MatmulMode] {
  var modes: [MatmulMode] = []
  for ta in [false, true] {
    for tb in [false, true] {
      let a2 = ta ? [4, 3] : [3, 4], b2 = tb ? [5, 4] : [4, 5]
      modes.append(MatmulMode(a: a2, b: b2, transposeA: ta, transposeB: tb))  // 2-D
      modes.append(MatmulMode(a: [2] + a2, b: b2, transposeA: ta, transposeB: tb))  // batched, shared B
      modes.append(MatmulMode(a: [2, 2] + a2, b: b2, transposeA: ta, transposeB: tb))  // two batch axes, shared B
      modes.append(MatmulMode(a: [2] + a2, b: [2] + b2, transposeA: ta, transposeB: tb))  // batched B
    }
  }
  return modes
}

@Suite struct LinearAlgebraGradientTests {
  @Test(arguments: matmulModes()) func matmul(_ mode: MatmulMode) {
    let inputs = [testTensor(mode.a, seed: 11), testTensor(mode.b, seed: 12)]
    let out = Tensor.matmul(inputs[0], inputs[1], transposeA: mode.transposeA, transposeB: mode.transposeB)
    let expected = Reference.matmul(inputs[0].scalars.map(Double.init), mode.a, inputs[1].scalars.map(Double.init), mode.b,
                                    transposeA: mode.transposeA, transposeB: mode.transposeB)
    #expect(isClose(out, Tensor(shape: out.shape, scalars: expected.map(Float.init)), rtol: 1e-5, atol: 1e-5))
    let r = checkGradients(inputs: inputs, f: { Tensor.matmul($0[0], $0[1], transposeA: mode.transposeA, transposeB: mode.transposeB) }) {
      Reference.matmul($0[0], mode.a, $0[1], mode.b, transposeA: mode.transposeA, transposeB: mode.transposeB)
    }
    #expect(r.maxError < 2e-3, "\(mode.testDescription): \(r)")
  }

  @Test func matmulMatchesNaiveAndHandlesEmptyInner() {
    let a = testTensor([7, 9], seed: 1), b = testTensor([9, 6], seed: 2)
    #expect(isClose(Tensor.matmul(a, b), Tensor.naiveMatmul(a, b), rtol: 1e-5, atol: 1e-5))
    let empty = Tensor.matmul(Tensor.zeros([3, 0]), Tensor.zeros([0, 2]))
    #expect(empty.shape == [3, 2] && empty.scalars.allSatisfy { $0 == 0 })
  }
}

// MARK: - Softmax and layer norm

/// Masks for [2, 3, 4] logits: none, full shape, broadcast rows, and one with a fully masked row.
let softmaxMasks: [(String, Tensor?)] = [
  ("no mask", nil),
  ("full mask", Tensor(shape: [2, 3, 4], scalars: (0..<24).map { $0 % 3 == 0 ? 0 : 1 })),
  ("broadcast mask [4]", Tensor([1, 0, 1, 1])),
  ("broadcast mask [2,1,4] + dead row", Tensor(shape: [2, 1, 4], scalars: [1, 1, 0, 1, 0, 0, 0, 0])),
]

struct SoftmaxCase: CustomTestStringConvertible, Sendable {
  let name: String, mask: Tensor?, log: Bool
  var testDescription: String { "\(log ? "logSoftmax" : "softmax") \(name)" }
}

func softmaxCases() -> [SoftmaxCase] {
  softmaxMasks.flatMap { name, mask in [false, true].map { SoftmaxCase(name: name, mask: mask, log: $0) } }
}

@Suite struct SoftmaxLayerNormGradientTests {
  @Test(arguments: softmaxCases()) func softmaxLastAxis(_ c: SoftmaxCase) {
    let shape = [2, 3, 4]
    let fullMask = c.mask.map { $0.broadcast(to: shape).scalars.map(Double.init) }
    let x = testTensor(shape, seed: 21, in: -3...3)
    let y = c.log ? x.logSoftmax(mask: c.mask) : x.softmax(mask: c.mask)
    let expected = Reference.softmax(x.scalars.map(Double.init), shape, mask: fullMask, log: c.log)
    #expect(isClose(y, Tensor(shape: shape, scalars: expected.map(Float.init)), rtol: 1e-5, atol: 1e-6))
    let r = checkGradients(inputs: [x], f: { c.log ? $0[0].logSoftmax(mask: c.mask) : $0[0].softmax(mask: c.mask) }) {
      Reference.softmax($0[0], shape, mask: fullMask, log: c.log)
    }
    #expect(r.maxError < 2e-3, "\(c.testDescription): \(r)")
  }

  @Test(arguments: [0, 1, 2]) func softmaxOverAxis(_ axis: Int) {
    // Attention-shaped scores [bs, n, n, heads] with a key mask [bs, 1, n, 1] (axis 2 is the keys).
    let shape = [2, 3, 3, 2]
    let keyMask = Tensor(shape: [2, 1, 3, 1], scalars: [1, 1, 0, 1, 0, 1])
    let mask: Tensor? = axis == 2 ? keyMask : nil
    let full = mask.map { $0.broadcast(to: shape).scalars.map(Double.init) }
    let perm = (0..<4).filter { $0 != axis } + [axis]
    let inverse = (0..<4).map { a in perm.firstIndex(of: a)! }
    let permutedShape = perm.map { shape[$0] }
    let reference: @Sendable ([[Double]]) -> [Double] = { v in
      let moved = Reference.permute(v[0], shape, perm)
      let m = full.map { Reference.permute($0, shape, perm) }
      return Reference.permute(Reference.softmax(moved, permutedShape, mask: m), permutedShape, inverse)
    }
    let x = testTensor(shape, seed: 31, in: -3...3)
    let y = x.softmax(axis: axis, mask: mask)
    #expect(isClose(y, Tensor(shape: shape, scalars: reference([x.scalars.map(Double.init)]).map(Float.init)), rtol: 1e-5, atol: 1e-6))
    let r = checkGradients(inputs: [x], f: { $0[0].softmax(axis: axis, mask: mask) }, reference: reference)
    #expect(r.maxError < 2e-3, "axis \(axis): \(r)")
    let rl = checkGradients(inputs: [x], f: { $0[0].logSoftmax(axis: axis) }) { v in
      Reference.permute(Reference.softmax(Reference.permute(v[0], shape, perm), permutedShape, log: true), permutedShape, inverse)
    }
    #expect(rl.maxError < 2e-3, "logSoftmax axis \(axis): \(rl)")
  }

  @Test(arguments: [false, true]) func layerNorm(_ affine: Bool) {
    let shape = [3, 2, 5]
    let x = testTensor(shape, seed: 41, in: -2...2)
    let gamma = testTensor([5], seed: 42, in: 0.5...1.5), beta = testTensor([5], seed: 43)
    let inputs = affine ? [x, gamma, beta] : [x]
    let r = checkGradients(inputs: inputs, f: { v in
      affine ? v[0].layerNormalized(gamma: v[1], beta: v[2]) : v[0].layerNormalized(gamma: nil, beta: nil)
    }) { v in
      Reference.layerNorm(v[0], shape, gamma: affine ? v[1] : nil, beta: affine ? v[2] : nil)
    }
    #expect(r.maxError < 2e-3, "layerNorm affine \(affine): \(r)")
  }
}
