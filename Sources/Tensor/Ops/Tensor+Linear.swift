// The affine map of a dense layer as one op: y = x·Wᵀ + b with the bias written into the sgemm
// output (no separate broadcast-add pass forward, one column-sum pass backward).
// Pullbacks: dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy. `linearReLU` also applies the ReLU as the
// product is stored; its pullback first masks dy where the output is 0 (relu'(v) = 1 for v > 0,
// and an output y = relu(v) is > 0 exactly where v > 0).

extension Tensor {
  /// x · weightᵀ + bias, as `Linear` layers compute it (weight stored [out, in] like PyTorch).
  /// Shapes: x [..., in], weight [out, in], bias [out] or nil → [..., out].
  /// - Precondition: the trailing extent of x equals `in`, and the bias has `out` entries.
  public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    affine(x, weight: weight, bias: bias, relu: false)
  }

  /// relu(x · weightᵀ + bias) in one pass over the output, equal to
  /// `linear(x, weight:, bias:).relu()` in values and gradients. Shapes as `linear`.
  public static func linearReLU(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    affine(x, weight: weight, bias: bias, relu: true)
  }

  /// `linear`, or `linearReLU` when `relu`. Shapes as `linear`.
  private static func affine(_ x: Tensor, weight: Tensor, bias: Tensor?, relu: Bool) -> Tensor {
    let name = relu ? "linearReLU" : "linear"
    precondition(weight.rank == 2 && x.rank >= 1 && x.shape.last == weight.shape[1],
                 "\(name): x \(x.shape) does not match weight \(weight.shape) ([out, in])")
    precondition(bias == nil || bias!.shape == [weight.shape[0]],
                 "\(name): bias \(bias?.shape ?? []) must be [\(weight.shape[0])] for weight \(weight.shape)")
    let (outputs, inputs) = (weight.shape[0], weight.shape[1])
    let rows = inputs == 0 ? x.shape.dropLast().reduce(1, *) : x.count / inputs
    let outShape = Array(x.shape.dropLast()) + [outputs]
    let out = Kernels.linear(x.detached, weight: weight.detached, bias: bias?.detached, relu: relu, rows: rows)
    var operands = [x, weight]
    if let bias { operands.append(bias) }
    let (xTracked, wTracked) = (x.tapeIndex != nil, weight.tapeIndex != nil)
    let (x0, w0) = (x.detached, weight.detached)
    return recorded(name, out.reshaped(outShape), inputs: operands) { g in
      var g2 = g.reshaped([rows, outputs])
      var db: Tensor? = nil
      if relu {
        // The gradient at the pre-activation and its column sums (the bias gradient) in one
        // pass: with a zero bias the fused kernel's z is the output itself.
        (g2, db) = Kernels.biasActivationBackward(
          Activation.relu.kernelOp, out, bias: bias == nil ? nil : Tensor.zeros([outputs]), dy: g2)
      } else if bias != nil {
        db = Kernels.columnSums(g2, rows: rows, cols: outputs)
      }
      let dx = xTracked ? matmul(g2, w0).reshaped(x0.shape) : nil
      let dw = wTracked ? matmul(g2, x0.reshaped([rows, inputs]), transposeA: true) : nil
      return bias == nil ? [dx, dw] : [dx, dw, db]
    }
  }
}
