// Convolution layer over NCHW images (for the image-explanation pipelines).

/// 2-D convolution with learned weight [out, in, kh, kw] and bias [out], as PyTorch's nn.Conv2d
/// (groups = 1).
public struct Conv2d: ParameterTree, Sendable {
  /// Weight, shape [outChannels, inChannels, kh, kw].
  public var weight: Tensor
  /// Bias, shape [outChannels], or nil.
  public var bias: Tensor?
  /// Stride, padding and dilation (rows, columns).
  public var stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)

  /// A layer initialised like PyTorch's nn.Conv2d: U(−b, b), b = 1/sqrt(in·kh·kw), for weight and bias.
  public init(inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
              dilation: (Int, Int) = (1, 1), bias: Bool = true, using rng: inout RandomGenerator) {
    precondition(inChannels > 0 && outChannels > 0 && kernel.0 > 0 && kernel.1 > 0,
                 "Conv2d: channels \(inChannels)→\(outChannels) and kernel \(kernel) must be positive")
    let b = 1 / Float(inChannels * kernel.0 * kernel.1).squareRoot()
    weight = Tensor.uniform([outChannels, inChannels, kernel.0, kernel.1], low: -b, high: b, using: &rng)
    self.bias = bias ? Tensor.uniform([outChannels], low: -b, high: b, using: &rng) : nil
    (self.stride, self.padding, self.dilation) = (stride, padding, dilation)
  }

  /// Shapes: [N, inChannels, H, W] → [N, outChannels, H', W'].
  public func callAsFunction(_ x: Tensor) -> Tensor {
    x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
  }

  /// relu(self(x)), fused into the convolution. Shapes as `callAsFunction`.
  public func relu(_ x: Tensor) -> Tensor {
    x.conv2dReLU(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
  }

  /// Visits `weight` then `bias` (PyTorch's names).
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("weight", &weight)
    if var b = bias {
      try body("bias", &b)
      bias = b
    }
  }
}
