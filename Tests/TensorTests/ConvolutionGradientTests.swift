import Foundation
import Testing
import TestSupport
@testable import Tensor

/// A convolution configuration (input, weight, stride, padding, dilation, bias).
struct ConvCase: CustomTestStringConvertible, Sendable {
  let input: [Int], weight: [Int], stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), bias: Bool
  var outputPadding: (Int, Int) = (0, 0)
  var testDescription: String {
    "x\(input) w\(weight) s\(stride) p\(padding) d\(dilation) op\(outputPadding) bias \(bias)"
  }
}

let convCases: [ConvCase] = [
  ConvCase(input: [2, 2, 5, 5], weight: [3, 2, 3, 3], stride: (1, 1), padding: (0, 0), dilation: (1, 1), bias: true),
  ConvCase(input: [1, 2, 6, 5], weight: [2, 2, 3, 2], stride: (2, 1), padding: (1, 1), dilation: (1, 1), bias: false),
  ConvCase(input: [2, 1, 7, 7], weight: [2, 1, 3, 3], stride: (2, 2), padding: (2, 1), dilation: (2, 2), bias: true),
  ConvCase(input: [1, 3, 4, 4], weight: [2, 3, 1, 1], stride: (1, 1), padding: (0, 0), dilation: (1, 1), bias: true),
  // On AVX-512 CPUs: the direct kernel for few channels (rows wider than one 16-lane block,
  // asymmetric padding, 27 taps), the product through the im2col map with the flipped-kernel
  // input gradient (36 taps), and with the scattered input gradient (stride 2).
  ConvCase(input: [2, 1, 5, 21], weight: [4, 1, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
  ConvCase(input: [1, 3, 6, 17], weight: [3, 3, 3, 3], stride: (1, 1), padding: (1, 2), dilation: (1, 1), bias: false),
  ConvCase(input: [2, 4, 5, 9], weight: [3, 4, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
  ConvCase(input: [1, 4, 7, 7], weight: [2, 4, 3, 3], stride: (2, 2), padding: (1, 1), dilation: (1, 1), bias: false),
]

let transposedConvCases: [ConvCase] = [
  ConvCase(input: [2, 2, 3, 3], weight: [2, 3, 3, 3], stride: (1, 1), padding: (0, 0), dilation: (1, 1), bias: true),
  ConvCase(input: [1, 2, 3, 4], weight: [2, 2, 3, 2], stride: (2, 2), padding: (1, 0), dilation: (1, 1), bias: false,
           outputPadding: (1, 1)),
  ConvCase(input: [1, 1, 3, 3], weight: [1, 2, 2, 2], stride: (2, 1), padding: (1, 1), dilation: (2, 1), bias: true),
]

@Suite struct ConvolutionGradientTests {
  @Test(arguments: convCases) func conv2d(_ c: ConvCase) {
    let x = testTensor(c.input, seed: 51), w = testTensor(c.weight, seed: 52), b = testTensor([c.weight[0]], seed: 53)
    let inputs = c.bias ? [x, w, b] : [x, w]
    let f: ([Tensor]) -> Tensor = { v in
      v[0].conv2d(weight: v[1], bias: c.bias ? v[2] : nil, stride: c.stride, padding: c.padding, dilation: c.dilation)
    }
    let reference: ([[Double]]) -> [Double] = { v in
      Reference.conv2d(v[0], c.input, v[1], c.weight, bias: c.bias ? v[2] : nil, stride: c.stride, padding: c.padding,
                       dilation: c.dilation)
    }
    let y = f(inputs)
    #expect(isClose(y, Tensor(shape: y.shape, scalars: reference(inputs.map { $0.scalars.map(Double.init) }).map(Float.init)),
                    rtol: 1e-5, atol: 1e-5))
    let g = WindowGeometry(batch: c.input[0], channels: c.input[1], height: c.input[2], width: c.input[3],
                           kernel: (c.weight[2], c.weight[3]), stride: c.stride, padding: c.padding, dilation: c.dilation)
    #expect(isClose(y, NaiveKernels.conv2d(x, weight: w, bias: c.bias ? b : nil, g), rtol: 1e-5, atol: 1e-5))
    let r = checkGradients(inputs: inputs, f: f, reference: reference)
    #expect(r.maxError < 2e-3, "\(c.testDescription): \(r)")
  }

  /// Layers with many outputs, as image models have (too many weights for finite differences;
  /// the pullbacks' reference is the exact adjoint): outputs and both pullbacks against the Double
  /// reference. On AVX-512 CPUs the first six take the implicit product (32 or 64 outputs; 32
  /// inputs at stride 1 also give the input gradient, a flipped convolution with 32 outputs, to
  /// it), with position and tap counts that are not multiples of its 10-wide tile, 1×1 and 3×3
  /// kernels, asymmetric and zero padding, strides and dilations; the last two take the direct
  /// kernel for few input channels (27 and 9 taps, 40 outputs: blocks of 8 and of 3 with tails).
  @Test(arguments: [
    ConvCase(input: [2, 32, 5, 7], weight: [32, 32, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
    ConvCase(input: [3, 5, 4, 6], weight: [64, 5, 3, 3], stride: (1, 1), padding: (0, 2), dilation: (1, 1), bias: false),
    ConvCase(input: [2, 40, 3, 3], weight: [32, 40, 1, 1], stride: (1, 1), padding: (0, 0), dilation: (1, 1), bias: true),
    ConvCase(input: [2, 32, 7, 6], weight: [32, 32, 3, 3], stride: (2, 2), padding: (1, 1), dilation: (1, 1), bias: false),
    ConvCase(input: [1, 8, 7, 9], weight: [32, 8, 3, 3], stride: (1, 2), padding: (2, 1), dilation: (2, 1), bias: true),
    // 24 images in 8 fixed groups of 3; 200 positions, so the weight gradient runs 2 images per
    // pass, then the third alone.
    ConvCase(input: [24, 8, 10, 20], weight: [32, 8, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
    ConvCase(input: [2, 3, 9, 20], weight: [32, 3, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
    ConvCase(input: [2, 1, 6, 35], weight: [40, 1, 3, 3], stride: (1, 1), padding: (1, 0), dilation: (1, 1), bias: true),
  ])
  func layersWithManyOutputsAgreeWithTheReference(_ c: ConvCase) {
    let x = testTensor(c.input, seed: 71), w = testTensor(c.weight, seed: 72), b = testTensor([c.weight[0]], seed: 73)
    let grads = grad(at: [x, w, b]) { v -> Tensor in
      let y = v[0].conv2d(weight: v[1], bias: c.bias ? v[2] : nil, stride: c.stride, padding: c.padding, dilation: c.dilation)
      return (y * testTensor(y.shape, seed: 74)).sum()
    }
    let out = x.conv2d(weight: w, bias: c.bias ? b : nil, stride: c.stride, padding: c.padding, dilation: c.dilation)
    let (xd, wd) = (x.scalars.map(Double.init), w.scalars.map(Double.init))
    let expected = Reference.conv2d(xd, c.input, wd, c.weight, bias: c.bias ? b.scalars.map(Double.init) : nil,
                                    stride: c.stride, padding: c.padding, dilation: c.dilation)
    #expect(isClose(out, Tensor(shape: out.shape, scalars: expected.map(Float.init)), rtol: 1e-4, atol: 1e-4), "\(c.testDescription)")
    let dy = testTensor(out.shape, seed: 74).scalars.map(Double.init)
    let (dx, dw) = Reference.conv2dGradients(xd, c.input, wd, c.weight, dy: dy, stride: c.stride, padding: c.padding, dilation: c.dilation)
    #expect(isClose(grads[0], Tensor(shape: c.input, scalars: dx.map(Float.init)), rtol: 1e-4, atol: 1e-4), "dx \(c.testDescription)")
    #expect(isClose(grads[1], Tensor(shape: c.weight, scalars: dw.map(Float.init)), rtol: 1e-4, atol: 1e-4), "dw \(c.testDescription)")
    if c.bias {
      // db[o] = Σ over images and positions of dy[n, o].
      let (outChannels, positions) = (out.shape[1], out.shape[2] * out.shape[3])
      let db = (0..<outChannels).map { o in
        (0..<c.input[0]).reduce(0.0) { sum, n in
          sum + dy[((n * outChannels + o) * positions)..<((n * outChannels + o + 1) * positions)].reduce(0, +)
        }
      }
      #expect(isClose(grads[2], Tensor(shape: [outChannels], scalars: db.map(Float.init)), rtol: 1e-4, atol: 1e-4), "db \(c.testDescription)")
    }
  }

  /// conv2dReLU equals relu(conv2d) bit for bit in value and gradients, on every kernel path
  /// (direct, implicit product, product through the im2col map), with NaN and −0 passing the ReLU
  /// as in the separate op.
  @Test(arguments: [
    ConvCase(input: [2, 1, 5, 21], weight: [40, 1, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
    ConvCase(input: [2, 32, 5, 7], weight: [32, 32, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: true),
    ConvCase(input: [2, 4, 5, 9], weight: [3, 4, 3, 3], stride: (1, 1), padding: (1, 1), dilation: (1, 1), bias: false),
  ])
  func fusedReLUEqualsTheSeparateOps(_ c: ConvCase) {
    let x = testTensor(c.input, seed: 91)
    let (w, b) = (testTensor(c.weight, seed: 92), testTensor([c.weight[0]], seed: 93))
    func forward(_ fused: Bool, _ v: [Tensor]) -> Tensor {
      fused ? v[0].conv2dReLU(weight: v[1], bias: c.bias ? v[2] : nil, stride: c.stride, padding: c.padding)
        : v[0].conv2d(weight: v[1], bias: c.bias ? v[2] : nil, stride: c.stride, padding: c.padding).relu()
    }
    // Values, with a NaN in the input (it spreads to the outputs that see it).
    var scalars = x.scalars
    scalars[3] = .nan
    let withNaN = Tensor(shape: c.input, scalars: scalars)
    let (fused, separate) = (forward(true, [withNaN, w, b]), forward(false, [withNaN, w, b]))
    #expect(fused.isBitwiseEqual(to: separate), "\(c.testDescription)")
    #expect(fused.scalars.contains { $0.isNaN } && fused.scalars.contains { $0 == 0 }, "the case exercises NaN and clipped outputs")
    // Gradients of Σ y · r.
    let inputs = c.bias ? [x, w, b] : [x, w]
    let r = testTensor(separate.shape, seed: 94)
    let (gradFused, gradSeparate) = (grad(at: inputs) { (forward(true, $0) * r).sum() }, grad(at: inputs) { (forward(false, $0) * r).sum() })
    for (f, s) in zip(gradFused, gradSeparate) { #expect(f.isBitwiseEqual(to: s), "gradients \(c.testDescription)") }
  }

  @Test(arguments: transposedConvCases) func transposedConv2d(_ c: ConvCase) {
    let x = testTensor(c.input, seed: 61), w = testTensor(c.weight, seed: 62), b = testTensor([c.weight[1]], seed: 63)
    let inputs = c.bias ? [x, w, b] : [x, w]
    let f: ([Tensor]) -> Tensor = { v in
      v[0].transposedConv2d(weight: v[1], bias: c.bias ? v[2] : nil, stride: c.stride, padding: c.padding,
                            outputPadding: c.outputPadding, dilation: c.dilation)
    }
    let reference: ([[Double]]) -> [Double] = { v in
      Reference.transposedConv2d(v[0], c.input, v[1], c.weight, bias: c.bias ? v[2] : nil, stride: c.stride,
                                 padding: c.padding, outputPadding: c.outputPadding, dilation: c.dilation)
    }
    let y = f(inputs)
    #expect(isClose(y, Tensor(shape: y.shape, scalars: reference(inputs.map { $0.scalars.map(Double.init) }).map(Float.init)),
                    rtol: 1e-5, atol: 1e-5))
    let r = checkGradients(inputs: inputs, f: f, reference: reference)
    #expect(r.maxError < 2e-3, "\(c.testDescription): \(r)")
  }

  @Test func transposedConvIsTheAdjointOfConv() {
    // ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩ for the same weight and geometry.
    let x = testTensor([2, 3, 7, 6], seed: 71), w = testTensor([4, 3, 3, 3], seed: 72)
    let y = x.conv2d(weight: w, stride: (2, 2), padding: (1, 1))
    let z = testTensor(y.shape, seed: 73)
    let back = z.transposedConv2d(weight: w, stride: (2, 2), padding: (1, 1), outputPadding: (0, 1))
    #expect(back.shape == x.shape)
    let lhs = (y * z).sum().scalar, rhs = (x * back).sum().scalar
    #expect(Swift.abs(lhs - rhs) < 1e-4 * Swift.max(1, Swift.abs(lhs)))
  }

  @Test(arguments: [true, false]) func pooling(_ max: Bool) {
    for (kernel, stride, padding) in [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 1), (1, 1)), ((2, 3), (1, 2), (1, 0))] {
      let shape = [2, 2, 5, 6]
      let x = testTensor(shape, seed: 81, in: -2...2)
      let f: ([Tensor]) -> Tensor = { v in
        max ? v[0].maxPooled2d(kernel: kernel, stride: stride, padding: padding)
          : v[0].avgPooled2d(kernel: kernel, stride: stride, padding: padding)
      }
      let reference: ([[Double]]) -> [Double] = { v in
        Reference.pool2d(v[0], shape, kernel: kernel, stride: stride, padding: padding, max: max)
      }
      let y = f([x])
      #expect(isClose(y, Tensor(shape: y.shape, scalars: reference([x.scalars.map(Double.init)]).map(Float.init)), rtol: 1e-6, atol: 1e-6))
      let g = WindowGeometry(batch: 2, channels: 2, height: 5, width: 6, kernel: kernel, stride: stride, padding: padding)
      #expect(isClose(y, NaiveKernels.pool2d(x, g, max: max), rtol: 1e-6, atol: 1e-6))
      let r = checkGradients(inputs: [x], f: f, reference: reference)
      #expect(r.maxError < 2e-3, "\(max ? "max" : "avg") pool k\(kernel) s\(stride) p\(padding): \(r)")
    }
  }
}
