import CTensorKernels
import Foundation
import Testing
import TestSupport
@testable import Tensor

@Suite struct EdgeCaseTests {
  @Test func expOverflowUnderflowAndSpecials() {
    let y = Tensor([89, 88.7, -87, -88, -104, .infinity, -.infinity, .nan, 0]).exp().scalars
    #expect(y[0] == .infinity)
    let big = Float(Foundation.exp(Double(Float(88.7))))
    #expect(y[1].isFinite && Swift.abs(y[1] - big) <= 2 * big.ulp, "\(y[1]) vs \(big)")
    #expect(y[2] > 0 && y[2].isNormal)
    // Below the smallest normal result the kernel flushes to 0 (documented in mathfun.h).
    #expect(y[3] >= 0 && y[3] < 1e-37 && y[4] == 0)
    #expect(y[5] == .infinity && y[6] == 0 && y[7].isNaN && y[8] == 1)
  }

  @Test func logSpecials() {
    let y = Tensor([0, -0.0, -1, .infinity, .nan, 1, Float.leastNormalMagnitude]).log().scalars
    #expect(y[0] == -.infinity && y[1] == -.infinity)
    #expect(y[2].isNaN && y[3] == .infinity && y[4].isNaN && y[5] == 0)
    #expect(Swift.abs(y[6] - Float(Foundation.log(Double(Float.leastNormalMagnitude)))) < 1e-4)
  }

  @Test func nanPropagatesThroughElementwiseReductionsAndNorms() {
    let x = Tensor(shape: [2, 3], scalars: [1, .nan, 3, 4, 5, 6])
    for y in [x.tanh(), x.sigmoid(), x.relu(), x.gelu(), x.silu(), x.abs(), x.sqrt(), x + x, Tensor.maximum(x, Tensor(0)),
              Tensor.minimum(Tensor(0), x), x.clamped(min: 0, max: 2)] {
      #expect(y.scalars[1].isNaN, "\(y)")
    }
    #expect(x.sum(axis: 1).scalars[0].isNaN && x.sum(axis: 1).scalars[1] == 15)
    #expect(x.max(axis: 1).scalars[0].isNaN && x.min(axis: 1).scalars[0].isNaN && x.max(axis: 1).scalars[1] == 6)
    #expect(x.softmax().scalars[0..<3].allSatisfy(\.isNaN) && x.softmax().scalars[3..<6].allSatisfy(\.isFinite))
    #expect(x.layerNormalized(gamma: nil, beta: nil).scalars[0].isNaN)
    #expect(x.softmax(axis: 0).scalars[1].isNaN && x.softmax(axis: 0).scalars[0].isFinite)
  }

  @Test func infinityHandling() {
    let x = Tensor([.infinity, -.infinity, 1])
    #expect(x.tanh().scalars == [1, -1, Float(Foundation.tanh(1.0))] || Swift.abs(x.tanh().scalars[2] - 0.7615942) < 1e-6)
    #expect(x.sigmoid().scalars[0] == 1 && x.sigmoid().scalars[1] == 0)
    #expect(x.relu().scalars[0] == .infinity && x.relu().scalars[1] == 0)
    // Softmax with -inf logits: those entries get 0, the rest still normalise.
    let s = Tensor([-.infinity, 0, 0]).softmax().scalars
    #expect(s == [0, 0.5, 0.5])
    let allMinusInf = Tensor(shape: [1, 2], scalars: [-.infinity, -.infinity])
    #expect(allMinusInf.softmax().scalars == [0, 0] && allMinusInf.softmax(axis: 1).scalars == [0, 0])
  }

  @Test func emptyTensors() {
    let e = Tensor.zeros([0, 3])
    #expect(e.exp().shape == [0, 3] && (e + Tensor([1, 2, 3])).shape == [0, 3])
    #expect(e.sum(axis: 0).scalars == [0, 0, 0])
    #expect(e.max(axis: 0).scalars == [-.infinity, -.infinity, -.infinity])
    #expect(e.sum(axis: 1).shape == [0])
    #expect(e.softmax().shape == [0, 3] && e.layerNormalized(gamma: nil, beta: nil).shape == [0, 3])
    #expect(e.transposed().shape == [3, 0] && e.permuted([1, 0]).count == 0)
    #expect(Tensor.concat([e, Tensor.ones([2, 3])], axis: 0).scalars == [1, 1, 1, 1, 1, 1])
    #expect(Tensor.matmul(e, Tensor.ones([3, 4])).shape == [0, 4])
    #expect(Tensor.zeros([2, 0]).softmax(axis: 0).shape == [2, 0])
    #expect(e.selectingRows([]).shape == [0, 3])
    #expect(Tensor.zeros([0, 4]).biasActivation(Tensor.zeros([4]), .gelu).shape == [0, 4])
    let g = grad(at: Tensor.ones([2, 3])) { x in Tensor.concat([x, e], axis: 0).sum() }
    #expect(g.scalars == [1, 1, 1, 1, 1, 1])
    // Empty-tensor conv and pooling batches.
    let img = Tensor.zeros([0, 2, 4, 4])
    #expect(img.conv2d(weight: Tensor.ones([3, 2, 3, 3])).shape == [0, 3, 2, 2])
    #expect(img.maxPooled2d(kernel: (2, 2)).shape == [0, 2, 2, 2])
  }

  @Test func maxPoolingPropagatesNaNAndIgnoresPadding() {
    let x = Tensor(shape: [1, 1, 2, 2], scalars: [-5, -6, .nan, -7])
    let y = x.maxPooled2d(kernel: (2, 2), stride: (1, 1), padding: (1, 1)).scalars
    // Windows touching the NaN are NaN; the others see only real values (padding never wins).
    #expect(y.count == 9 && y[0] == -5 && y[1] == -5 && y[2] == -6 && y[3].isNaN && y[8] == -7)
    // The same rules in 2 × 2 pooling at stride 2 (a path of its own): the NaN wins its window,
    // and of equal maxima the first in row-major order takes the gradient.
    let z = Tensor(shape: [1, 1, 2, 4], scalars: [3, .nan, 5, 5, 3, 1, 2, 5])
    let pooled = z.maxPooled2d(kernel: (2, 2), stride: (2, 2)).scalars
    #expect(pooled.count == 2 && pooled[0].isNaN && pooled[1] == 5)
    let dz = grad(at: [z]) { v in v[0].maxPooled2d(kernel: (2, 2), stride: (2, 2)).sum() }[0].scalars
    #expect(dz == [0, 1, 1, 0, 0, 0, 0, 0])
  }
}
