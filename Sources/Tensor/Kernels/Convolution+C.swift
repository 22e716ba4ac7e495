// Convolution and pooling kernels: im2col / col2im and 2-D max / average pooling (conv.c), and
// cfx's AVX-512 convolutions (gemm.c, conv_implicit.c). Naive references: Fused+Naive.swift.
//
// Pointer ownership: inputs are borrowed from tensor storages for one C call; outputs (tensors
// and the argmax Int array) are freshly allocated here, so writing them touches nothing shared.

import CTensorKernels

/// A sliding-window geometry over NCHW images: kernel, stride, padding, dilation and output size.
public struct WindowGeometry: Equatable, Sendable {
  /// Images, channels, height and width of the input.
  public var batch: Int, channels: Int, height: Int, width: Int
  /// Kernel extent (rows, columns).
  public var kernel: (Int, Int)
  /// Step between windows.
  public var stride: (Int, Int)
  /// Zero (or -inf for max pooling) padding added on each side.
  public var padding: (Int, Int)
  /// Spacing between kernel taps (1 = dense).
  public var dilation: (Int, Int)

  /// Creates a geometry; the output size follows from the others.
  public init(batch: Int, channels: Int, height: Int, width: Int, kernel: (Int, Int),
              stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) {
    precondition(kernel.0 > 0 && kernel.1 > 0 && stride.0 > 0 && stride.1 > 0 && dilation.0 > 0 && dilation.1 > 0
                 && padding.0 >= 0 && padding.1 >= 0,
                 "WindowGeometry: kernel \(kernel), stride \(stride), dilation \(dilation) must be positive, padding \(padding) non-negative")
    (self.batch, self.channels, self.height, self.width) = (batch, channels, height, width)
    (self.kernel, self.stride, self.padding, self.dilation) = (kernel, stride, padding, dilation)
  }

  /// Output height: ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1.
  public var outHeight: Int { (height + 2 * padding.0 - dilation.0 * (kernel.0 - 1) - 1) / stride.0 + 1 }
  /// Output width: ⌊(W + 2p − d(k − 1) − 1) / s⌋ + 1.
  public var outWidth: Int { (width + 2 * padding.1 - dilation.1 * (kernel.1 - 1) - 1) / stride.1 + 1 }

  /// Equal when every field is equal.
  public static func == (l: WindowGeometry, r: WindowGeometry) -> Bool {
    (l.batch, l.channels, l.height, l.width) == (r.batch, r.channels, r.height, r.width)
      && l.kernel == r.kernel && l.stride == r.stride && l.padding == r.padding && l.dilation == r.dilation
  }

  var c: ctk_window {
    ctk_window(
      batch: batch, channels: channels, height: height, width: width, kernel_h: kernel.0, kernel_w: kernel.1,
      stride_h: stride.0, stride_w: stride.1, pad_h: padding.0, pad_w: padding.1, dilation_h: dilation.0,
      dilation_w: dilation.1, out_h: outHeight, out_w: outWidth)
  }
}

/// How cfx's AVX-512 kernels compute a convolution (gemm.c, conv_implicit.c).
enum ConvolutionAlgorithm: Equatable {
  /// Few input channels (C·kh·kw ≤ 27, stride and dilation 1): the taps' input vectors loaded
  /// once per 16 positions.
  case direct
  /// Output channels a multiple of 32: an implicit product on padded planes.
  case implicitProduct
  /// Anything else: the blocked product, packing the image through the im2col map.
  case productThroughMap

  /// The algorithm for geometry g with `outChannels` outputs: the first that applies. (With one
  /// to three input channels and a 3×3 kernel the direct kernel beats the implicit product, whose
  /// inner dimension is then only 9–27 taps long.)
  init(_ g: WindowGeometry, outChannels: Int) {
    var window = g.c
    if ctk_conv2d_direct_available(&window) != 0 {
      self = .direct
    } else if ctk_conv2d_implicit_available(&window, outChannels) != 0 {
      self = .implicitProduct
    } else {
      self = .productThroughMap
    }
  }
}

extension Kernels {
  /// Convolution products without an im2col buffer through cfx's AVX-512 kernel (gemm.c), whole
  /// images per core; nil where that kernel does not run (the caller uses im2col + gemm).
  /// forward: y [batch, O, oh, ow] = W [O, C, kh, kw] ⊛ x (+ bias [O], then ReLU with `relu`,
  /// applied as each image's outputs are stored).
  static func conv2dForwardDirect(_ w: Tensor, bias: Tensor? = nil, relu: Bool = false, _ x: Tensor, _ g: WindowGeometry) -> Tensor? {
    guard ownGemm else { return nil }
    let outChannels = w.shape[0]
    let algorithm = ConvolutionAlgorithm(g, outChannels: outChannels)
    let shape = [g.batch, outChannels, g.outHeight, g.outWidth]
    // The direct and implicit kernels write every output; the product form adds to a zeroed one.
    let y = algorithm == .productThroughMap ? Tensor.zeros(shape) : Tensor.uninitialized(shape)
    let ok = w.storage.withUnsafeBufferPointer { pw in
      withOptionalPointer(bias) { pb in
        x.storage.withUnsafeBufferPointer { px in
          y.storage.withUnsafeMutableBufferPointer { py in
            allChunksSucceed(total: g.batch) { first, count in
              var window = g.c  // one per thread: the kernels only read it
              let (w, b, x, y, end) = (pw.baseAddress, pb, px.baseAddress, py.baseAddress, first + count)
              let r: Int32 = relu ? 1 : 0
              switch algorithm {
              case .direct: return ctk_conv2d_direct_forward(w, b, r, x, &window, first, end, outChannels, y) != 0
              case .implicitProduct: return ctk_conv2d_implicit_forward(w, b, r, x, &window, first, end, outChannels, y) != 0
              case .productThroughMap: return ctk_conv2d_forward_gemm(w, b, r, x, &window, first, end, outChannels, y) != 0
              }
            }
          }
        }
      }
    }
    return ok ? y : nil
  }

  /// The weight gradient Σ_n dy[n] · im2col(x[n])ᵀ as [O, C, kh, kw] and, with `biasGradient`,
  /// the bias gradient Σ_n Σ_positions dy[n] as [O] from the same pass over dy; summed over the
  /// images in fixed groups (`sumInFixedGroups`), so the sums do not depend on the machine's cores.
  static func conv2dWeightGradientDirect(_ dy: Tensor, _ x: Tensor, _ g: WindowGeometry, weightShape: [Int],
                                         biasGradient: Bool) -> (weight: Tensor, bias: Tensor?)? {
    guard ownGemm else { return nil }
    let outChannels = weightShape[0], weightCount = weightShape.reduce(1, *)
    let algorithm = ConvolutionAlgorithm(g, outChannels: outChannels)
    // The bias gradient, when asked for, follows the weight gradient in one buffer.
    var sum = [Float](repeating: 0, count: weightCount + (biasGradient ? outChannels : 0))
    let ok = dy.storage.withUnsafeBufferPointer { pd in
      x.storage.withUnsafeBufferPointer { px in
        sum.withUnsafeMutableBufferPointer { ps in
          sumInFixedGroups(items: g.batch, size: ps.count, into: ps.baseAddress!) { images, partial in
            var window = g.c  // one per thread: the kernels only read it
            let (dy, x, first, end) = (pd.baseAddress, px.baseAddress, images.lowerBound, images.upperBound)
            let dbias = biasGradient ? partial + weightCount : nil
            switch algorithm {
            case .direct: return ctk_conv2d_direct_weight(dy, x, &window, first, end, outChannels, partial, dbias) != 0
            case .implicitProduct: return ctk_conv2d_implicit_weight(dy, x, &window, first, end, outChannels, partial, dbias) != 0
            case .productThroughMap: return ctk_conv2d_weight_gemm(dy, x, &window, first, end, outChannels, partial, dbias) != 0
            }
          }
        }
      }
    }
    guard ok else { return nil }
    let weight = Tensor(shape: weightShape, scalars: Array(sum[0..<weightCount]))
    return (weight, biasGradient ? Tensor(shape: [outChannels], scalars: Array(sum[weightCount...])) : nil)
  }

  /// The input gradient col2im(Wᵀ · dy[n]) as [batch, C, H, W], whole images per core.
  static func conv2dInputGradientDirect(_ w: Tensor, _ dy: Tensor, _ g: WindowGeometry) -> Tensor? {
    guard ownGemm else { return nil }
    let (kh, kw) = g.kernel
    if g.stride == (1, 1) && g.dilation == (1, 1) && g.padding.0 <= kh - 1 && g.padding.1 <= kw - 1 {
      // With stride and dilation 1 the input gradient is itself a convolution: of dy, padded by
      // k − 1 − p, with the kernel flipped in space and its channel axes swapped,
      // W'[c, o, i, j] = W[o, c, kh − 1 − i, kw − 1 − j] (each pixel of x meets each tap once).
      let (outChannels, channels) = (w.shape[0], w.shape[1])
      let source = w.scalars
      var flipped = [Float](repeating: 0, count: source.count)
      for o in 0..<outChannels {
        for c in 0..<channels {
          for i in 0..<kh {
            for j in 0..<kw { flipped[((c * outChannels + o) * kh + i) * kw + j] = source[((o * channels + c) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)] }
          }
        }
      }
      let transposedGeometry = WindowGeometry(batch: g.batch, channels: outChannels, height: g.outHeight, width: g.outWidth, kernel: g.kernel,
                                              padding: (kh - 1 - g.padding.0, kw - 1 - g.padding.1))
      return conv2dForwardDirect(Tensor(shape: [channels, outChannels, kh, kw], scalars: flipped), dy, transposedGeometry)
    }
    let outChannels = w.shape[0]
    let dx = Tensor.zeros([g.batch, g.channels, g.height, g.width])
    let ok = w.storage.withUnsafeBufferPointer { pw in
      dy.storage.withUnsafeBufferPointer { pd in
        dx.storage.withUnsafeMutableBufferPointer { px in
          allChunksSucceed(total: g.batch) { first, count in
            var window = g.c  // one per thread: the kernels only read it
            return ctk_conv2d_input_gemm(pw.baseAddress, pd.baseAddress, &window, first, first + count, outChannels, px.baseAddress) != 0
          }
        }
      }
    }
    return ok ? dx : nil
  }

  /// cols [batch, C·kh·kw, oh·ow] from x [batch, C, H, W].
  static func im2col(_ x: Tensor, _ g: WindowGeometry) -> Tensor {
    let cols = Tensor.uninitialized([g.batch, g.channels * g.kernel.0 * g.kernel.1, g.outHeight * g.outWidth])
    if cols.count == 0 { return cols }
    var w = g.c
    x.storage.withUnsafeBufferPointer { px in
      cols.storage.withUnsafeMutableBufferPointer { pc in ctk_im2col(px.baseAddress, &w, pc.baseAddress) }
    }
    return cols
  }

  /// The adjoint of im2col: an image [batch, C, H, W] summing every column entry into its pixel.
  static func col2im(_ cols: Tensor, _ g: WindowGeometry) -> Tensor {
    let x = Tensor.zeros([g.batch, g.channels, g.height, g.width])
    if cols.count == 0 || x.count == 0 { return x }
    var w = g.c
    cols.storage.withUnsafeBufferPointer { pc in
      x.storage.withUnsafeMutableBufferPointer { px in ctk_col2im(pc.baseAddress, &w, px.baseAddress) }
    }
    return x
  }

  /// Runs `body(firstImage, window)` over chunks of the batch in parallel, each with a window whose
  /// batch is the chunk's image count (pooling is independent per image).
  static func forEachImageChunk(_ g: WindowGeometry, elementsPerImage: Int, _ body: (Int, inout ctk_window) -> Void) {
    forEachChunk(total: g.batch, minimumPerChunk: parallelThreshold / Swift.max(elementsPerImage, 1) + 1) { start, count in
      var window = g.c
      window.batch = count
      body(start, &window)
    }
  }

  /// Max pooling: (out [batch, C, oh, ow], argmax flat index within each plane, -1 if none).
  static func maxPool2d(_ x: Tensor, _ g: WindowGeometry) -> (Tensor, [Int]) {
    let out = Tensor.uninitialized([g.batch, g.channels, g.outHeight, g.outWidth])
    var argmax = [Int](repeating: -1, count: out.count)
    if out.count == 0 { return (out, argmax) }
    let (image, pooled) = (g.channels * g.height * g.width, g.channels * g.outHeight * g.outWidth)
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        argmax.withUnsafeMutableBufferPointer { pa in
          forEachImageChunk(g, elementsPerImage: image) { start, w in
            ctk_max_pool2d(px.baseAddress! + start * image, &w, po.baseAddress! + start * pooled, pa.baseAddress! + start * pooled)
          }
        }
      }
    }
    return (out, argmax)
  }

  /// Backward of max pooling: dx [batch, C, H, W] with dy added at the argmax positions.
  static func maxPool2dBackward(_ dy: Tensor, argmax: [Int], _ g: WindowGeometry) -> Tensor {
    let dx = Tensor.zeros([g.batch, g.channels, g.height, g.width])
    if dy.count == 0 || dx.count == 0 { return dx }
    let (image, pooled) = (g.channels * g.height * g.width, g.channels * g.outHeight * g.outWidth)
    dy.storage.withUnsafeBufferPointer { pg in
      dx.storage.withUnsafeMutableBufferPointer { pd in
        argmax.withUnsafeBufferPointer { pa in
          forEachImageChunk(g, elementsPerImage: image) { start, w in
            ctk_max_pool2d_backward(pg.baseAddress! + start * pooled, pa.baseAddress! + start * pooled, &w, pd.baseAddress! + start * image)
          }
        }
      }
    }
    return dx
  }

  /// Average pooling (padding counts as zeros): out [batch, C, oh, ow].
  static func avgPool2d(_ x: Tensor, _ g: WindowGeometry) -> Tensor {
    let out = Tensor.uninitialized([g.batch, g.channels, g.outHeight, g.outWidth])
    if out.count == 0 { return out }
    let (image, pooled) = (g.channels * g.height * g.width, g.channels * g.outHeight * g.outWidth)
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        forEachImageChunk(g, elementsPerImage: image) { start, w in
          ctk_avg_pool2d(px.baseAddress! + start * image, &w, po.baseAddress! + start * pooled)
        }
      }
    }
    return out
  }

  /// Backward of average pooling: dx [batch, C, H, W].
  static func avgPool2dBackward(_ dy: Tensor, _ g: WindowGeometry) -> Tensor {
    let dx = Tensor.zeros([g.batch, g.channels, g.height, g.width])
    if dy.count == 0 || dx.count == 0 { return dx }
    let (image, pooled) = (g.channels * g.height * g.width, g.channels * g.outHeight * g.outWidth)
    dy.storage.withUnsafeBufferPointer { pg in
      dx.storage.withUnsafeMutableBufferPointer { pd in
        forEachImageChunk(g, elementsPerImage: image) { start, w in
          ctk_avg_pool2d_backward(pg.baseAddress! + start * pooled, &w, pd.baseAddress! + start * image)
        }
      }
    }
    return dx
  }
}
