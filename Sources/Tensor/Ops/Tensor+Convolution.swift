// 2-D convolution, transposed convolution and pooling over NCHW images.
//
// A convolution is im2col + one sgemm per image: with cols[n] = im2col(x[n]) [C·kh·kw, L]
// (L = out_h·out_w) and W viewed as [O, C·kh·kw], y[n] = W · cols[n]. Its pullbacks are again
// products: dW = Σ_n dy[n] · cols[n]ᵀ, dcols[n] = Wᵀ · dy[n], dx = col2im(dcols). On AVX-512
// CPUs cfx's own kernels compute the same sums without an im2col buffer (`ConvolutionAlgorithm`:
// direct for few input channels, an implicit product on padded planes, or the product reading
// the image through the im2col map), adding the bias (and the ReLU) as they store.
// The transposed convolution is the adjoint of the input map of a convolution: it runs the
// same pieces in the other order (y = col2im(Wᵀ · x), dx = W · im2col(dy)).

import CTensorKernels

extension Tensor {
  /// 2-D convolution (cross-correlation, as PyTorch's Conv2d, groups = 1).
  /// Shapes: x [N, C, H, W], weight [O, C, kh, kw], bias [O] → [N, O, H', W'] with
  /// H' = ⌊(H + 2·padding − dilation·(kh − 1) − 1) / stride⌋ + 1 (likewise W').
  public func conv2d(
    weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1)
  ) -> Tensor {
    convolved(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, relu: false)
  }

  /// relu(conv2d(…)) as one op: the ReLU is applied as the convolution stores its outputs, and
  /// the backward masks dy by the stored outputs (y > 0 exactly where the pre-activation is).
  /// Shapes as `conv2d`.
  public func conv2dReLU(
    weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1)
  ) -> Tensor {
    convolved(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, relu: true)
  }

  /// conv2d, then ReLU with `relu`.
  func convolved(weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), relu: Bool) -> Tensor {
    precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                 "conv2d: input \(shape) must be [N, C, H, W] and weight \(weight.shape) [O, C, kh, kw] with equal C")
    let (outChannels, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
    precondition(bias == nil || bias!.shape == [outChannels], "conv2d: bias \(bias!.shape) must be [\(outChannels)]")
    let g = WindowGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], kernel: (kh, kw),
                           stride: stride, padding: padding, dilation: dilation)
    precondition(g.outHeight > 0 && g.outWidth > 0, "conv2d: kernel \((kh, kw)) with dilation \(dilation) exceeds padded input \(shape)")
    let (batch, patch, positions) = (g.batch, g.channels * kh * kw, g.outHeight * g.outWidth)
    let w = weight.detached, x = self.detached
    // cfx's AVX-512 kernels where they run; elsewhere im2col + gemm.
    let direct = Kernels.conv2dForwardDirect(w, bias: bias?.detached, relu: relu, x, g)
    let cols = direct == nil ? Kernels.im2col(x, g) : nil
    var out: Tensor
    if let direct {
      out = direct
    } else {
      out = Tensor.uninitialized([batch, outChannels, g.outHeight, g.outWidth])
      Kernels.gemm(w, transposeA: false, aStride: 0, cols!, transposeB: false, bStride: patch * positions,
                   batch: batch, m: outChannels, n: positions, k: patch, into: out)
    }
    // cfx's kernels add the bias and apply the ReLU as they store; the im2col + gemm form here.
    if let bias, direct == nil { out = out + bias.detached.reshaped([outChannels, 1, 1]) }
    if relu && direct == nil { out = Kernels.unary(CTK_RELU, out) }
    var inputs = [self, weight]
    if let bias { inputs.append(bias) }
    let (xTracked, wTracked, hasBias) = (tapeIndex != nil, weight.tapeIndex != nil, bias != nil)
    let weightShape = weight.shape
    let activated = out
    return Tensor.recorded(relu ? "conv2dReLU" : "conv2d", out, inputs: inputs) { upstream in
      // Through the ReLU first: dy where the output is positive, 0 elsewhere.
      let dy = relu ? Kernels.unaryBackward(CTK_RELU, x: activated, y: activated, dy: upstream) : upstream
      var grads: [Tensor?] = [nil, nil]
      if xTracked {
        if let dx = Kernels.conv2dInputGradientDirect(w, dy, g) {
          grads[0] = dx
        } else {
          // dcols[n] = Wᵀ [patch, O] · dy[n] [O, L]; dx = col2im(dcols).
          let dcols = Tensor.uninitialized([batch, patch, positions])
          Kernels.gemm(w, transposeA: true, aStride: 0, dy, transposeB: false, bStride: outChannels * positions,
                       batch: batch, m: patch, n: positions, k: outChannels, into: dcols)
          grads[0] = Kernels.col2im(dcols, g)
        }
      }
      var biasGradient: Tensor?
      if wTracked {
        // cfx's kernels sum the bias gradient in the pass over dy that the weight gradient makes.
        if let (dw, db) = Kernels.conv2dWeightGradientDirect(dy, x, g, weightShape: weightShape, biasGradient: hasBias) {
          grads[1] = dw
          biasGradient = db
        } else {
          // dW [O, patch] = Σ_n dy[n] [O, L] · cols[n]ᵀ [L, patch].
          let dw = Tensor.zeros(weightShape)
          Kernels.gemm(dy, transposeA: false, aStride: outChannels * positions, cols ?? Kernels.im2col(x, g), transposeB: true,
                       bStride: patch * positions, batch: batch, m: outChannels, n: patch, k: positions, into: dw,
                       accumulate: true, outStride: 0)
          grads[1] = dw
        }
      }
      if hasBias { grads.append(biasGradient ?? dy.sum(axes: [0, 2, 3])) }
      return grads
    }
  }

  /// Transposed 2-D convolution (PyTorch's ConvTranspose2d, groups = 1): the adjoint of
  /// `conv2d`'s input map, used for learned upsampling.
  /// Shapes: x [N, Cin, H, W], weight [Cin, Cout, kh, kw], bias [Cout] → [N, Cout, H', W'] with
  /// H' = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1 (likewise W').
  public func transposedConv2d(
    weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)
  ) -> Tensor {
    precondition(rank == 4 && weight.rank == 4 && weight.shape[0] == shape[1],
                 "transposedConv2d: input \(shape) must be [N, Cin, H, W] and weight \(weight.shape) [Cin, Cout, kh, kw]")
    precondition(outputPadding.0 >= 0 && outputPadding.1 >= 0
                 && (outputPadding.0 < stride.0 || outputPadding.0 < dilation.0)
                 && (outputPadding.1 < stride.1 || outputPadding.1 < dilation.1),
                 "transposedConv2d: outputPadding \(outputPadding) must be smaller than stride \(stride) or dilation \(dilation)")
    let (inChannels, outChannels, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    precondition(bias == nil || bias!.shape == [outChannels], "transposedConv2d: bias \(bias!.shape) must be [\(outChannels)]")
    let (batch, height, width) = (shape[0], shape[2], shape[3])
    let outHeight = (height - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
    let outWidth = (width - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
    precondition(outHeight > 0 && outWidth > 0, "transposedConv2d: empty output \(outHeight)×\(outWidth) for input \(shape)")
    // The convolution whose input map this is the adjoint of: image = our output.
    let g = WindowGeometry(batch: batch, channels: outChannels, height: outHeight, width: outWidth,
                           kernel: (kh, kw), stride: stride, padding: padding, dilation: dilation)
    precondition(g.outHeight == height && g.outWidth == width, "transposedConv2d: inconsistent geometry for \(shape)")
    let (patch, positions) = (outChannels * kh * kw, height * width)
    let x = self.detached, w = weight.detached
    // cols[n] [patch, HW] = Wᵀ [patch, Cin] · x[n] [Cin, HW]; y = col2im(cols).
    let cols = Tensor.uninitialized([batch, patch, positions])
    Kernels.gemm(w, transposeA: true, aStride: 0, x, transposeB: false, bStride: inChannels * positions,
                 batch: batch, m: patch, n: positions, k: inChannels, into: cols)
    var out = Kernels.col2im(cols, g)
    if let bias { out = out + bias.detached.reshaped([outChannels, 1, 1]) }
    var inputs = [self, weight]
    if let bias { inputs.append(bias) }
    let (xTracked, wTracked) = (tapeIndex != nil, weight.tapeIndex != nil)
    let (inputShape, weightShape) = (shape, weight.shape)
    return Tensor.recorded("transposedConv2d", out, inputs: inputs) { dy in
      let dcols = Kernels.im2col(dy, g)  // [N, patch, HW]
      var grads: [Tensor?] = [nil, nil]
      if xTracked {
        // dx[n] [Cin, HW] = W [Cin, patch] · dcols[n].
        let dx = Tensor.uninitialized(inputShape)
        Kernels.gemm(w, transposeA: false, aStride: 0, dcols, transposeB: false, bStride: patch * positions,
                     batch: batch, m: inChannels, n: positions, k: patch, into: dx)
        grads[0] = dx
      }
      if wTracked {
        // dW [Cin, patch] = Σ_n x[n] [Cin, HW] · dcols[n]ᵀ [HW, patch].
        let dw = Tensor.zeros(weightShape)
        Kernels.gemm(x, transposeA: false, aStride: inChannels * positions, dcols, transposeB: true,
                     bStride: patch * positions, batch: batch, m: inChannels, n: patch, k: positions, into: dw,
                     accumulate: true, outStride: 0)
        grads[1] = dw
      }
      if bias != nil { grads.append(dy.sum(axes: [0, 2, 3])) }
      return grads
    }
  }

  /// 2-D max pooling; the gradient goes to the first maximum of each window.
  /// `stride` defaults to the kernel; padding (at most half the kernel) never wins.
  /// Shapes: [N, C, H, W] → [N, C, H', W'], H' = ⌊(H + 2·padding − kh) / stride⌋ + 1.
  public func maxPooled2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
    let g = poolGeometry(kernel: kernel, stride: stride, padding: padding, name: "maxPooled2d")
    let (out, argmax) = Kernels.maxPool2d(self.detached, g)
    return Tensor.recorded("maxPool2d", out, inputs: [self]) { dy in [Kernels.maxPool2dBackward(dy, argmax: argmax, g)] }
  }

  /// 2-D average pooling (padding counts as zeros: the divisor is always kh·kw).
  /// Shapes: [N, C, H, W] → [N, C, H', W'], H' = ⌊(H + 2·padding − kh) / stride⌋ + 1.
  public func avgPooled2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
    let g = poolGeometry(kernel: kernel, stride: stride, padding: padding, name: "avgPooled2d")
    let out = Kernels.avgPool2d(self.detached, g)
    return Tensor.recorded("avgPool2d", out, inputs: [self]) { dy in [Kernels.avgPool2dBackward(dy, g)] }
  }

  private func poolGeometry(kernel: (Int, Int), stride: (Int, Int)?, padding: (Int, Int), name: String) -> WindowGeometry {
    precondition(rank == 4, "\(name): input \(shape) must be [N, C, H, W]")
    precondition(padding.0 <= kernel.0 / 2 && padding.1 <= kernel.1 / 2,
                 "\(name): padding \(padding) must be at most half the kernel \(kernel)")
    let g = WindowGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], kernel: kernel,
                           stride: stride ?? kernel, padding: padding)
    precondition(g.outHeight > 0 && g.outWidth > 0, "\(name): kernel \(kernel) exceeds padded input \(shape)")
    return g
  }
}
