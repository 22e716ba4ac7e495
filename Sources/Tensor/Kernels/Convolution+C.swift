// Convolution and pooling kernels (conv.c): im2col / col2im and 2-D max / average pooling.
// Naive references: Convolution+Naive.swift.
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

extension Kernels {
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

  /// Max pooling: (out [batch, C, oh, ow], argmax flat index within each plane, -1 if none).
  static func maxPool2d(_ x: Tensor, _ g: WindowGeometry) -> (Tensor, [Int]) {
    let out = Tensor.uninitialized([g.batch, g.channels, g.outHeight, g.outWidth])
    var argmax = [Int](repeating: -1, count: out.count)
    if out.count == 0 { return (out, argmax) }
    var w = g.c
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        argmax.withUnsafeMutableBufferPointer { pa in ctk_max_pool2d(px.baseAddress, &w, po.baseAddress, pa.baseAddress) }
      }
    }
    return (out, argmax)
  }

  /// Backward of max pooling: dx [batch, C, H, W] with dy added at the argmax positions.
  static func maxPool2dBackward(_ dy: Tensor, argmax: [Int], _ g: WindowGeometry) -> Tensor {
    let dx = Tensor.zeros([g.batch, g.channels, g.height, g.width])
    if dy.count == 0 || dx.count == 0 { return dx }
    var w = g.c
    dy.storage.withUnsafeBufferPointer { pg in
      dx.storage.withUnsafeMutableBufferPointer { pd in
        argmax.withUnsafeBufferPointer { pa in ctk_max_pool2d_backward(pg.baseAddress, pa.baseAddress, &w, pd.baseAddress) }
      }
    }
    return dx
  }

  /// Average pooling (padding counts as zeros): out [batch, C, oh, ow].
  static func avgPool2d(_ x: Tensor, _ g: WindowGeometry) -> Tensor {
    let out = Tensor.uninitialized([g.batch, g.channels, g.outHeight, g.outWidth])
    if out.count == 0 { return out }
    var w = g.c
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in ctk_avg_pool2d(px.baseAddress, &w, po.baseAddress) }
    }
    return out
  }

  /// Backward of average pooling: dx [batch, C, H, W].
  static func avgPool2dBackward(_ dy: Tensor, _ g: WindowGeometry) -> Tensor {
    let dx = Tensor.zeros([g.batch, g.channels, g.height, g.width])
    if dy.count == 0 || dx.count == 0 { return dx }
    var w = g.c
    dy.storage.withUnsafeBufferPointer { pg in
      dx.storage.withUnsafeMutableBufferPointer { pd in ctk_avg_pool2d_backward(pg.baseAddress, &w, pd.baseAddress) }
    }
    return dx
  }
}
