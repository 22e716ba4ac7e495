// Affine map x·Wᵀ + b (and ReLU) with the bias added and the ReLU applied as the product's tiles
// are stored (`sgemmRows` with a bias), so neither costs a pass over the result. Column sums for the
// bias gradient in fixed row blocks (deterministic for any core count).
//
// Pointer ownership: operand pointers are borrowed from tensor storages for the call; the output
// tensors are freshly allocated here, so writing them cannot affect any other value.

import CTensorKernels

extension Kernels {
  /// y = x · weightᵀ + bias, then v < 0 ? 0 : v when `relu`, with x [rows, inputs], weight
  /// [outputs, inputs], bias [outputs] or nil.
  static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, relu: Bool = false, rows: Int) -> Tensor {
    let (outputs, inputs) = (weight.shape[0], weight.shape[1])
    let out = Tensor.uninitialized([rows, outputs])
    if rows == 0 || outputs == 0 { return out }
    if inputs == 0 {  // an empty sum: the bias (or zeros), through the ReLU
      let filled = bias.map { $0.detached.broadcast(to: [rows, outputs]) } ?? Tensor.zeros([rows, outputs])
      return relu ? Kernels.unary(CTK_RELU, filled) : filled
    }
    out.storage.withUnsafeMutableBufferPointer { po in
      x.storage.withUnsafeBufferPointer { px in
        weight.storage.withUnsafeBufferPointer { pw in
          withOptionalPointer(bias) { pb in
            sgemmRows(
              px.baseAddress!, transposeA: false, lda: inputs, pw.baseAddress!, transposeB: true, ldb: inputs,
              po.baseAddress!, m: rows, n: outputs, k: inputs, overwrite: true, bias: pb, relu: relu)
          }
        }
      }
    }
    return out
  }

  /// Sums of x [rows, cols] over the rows → [cols]. Rows are cut into fixed blocks of
  /// `rowBlock`, each block sums into its own partial row (in parallel), then the partials are
  /// summed in block order, so the result does not depend on the core count.
  static func columnSums(_ x: Tensor, rows: Int, cols: Int) -> Tensor {
    if rows <= rowBlock { return reduce(CTK_SUM, x.reshaped([rows, cols]), axis: 0).reshaped([cols]) }
    let blocks = (rows + rowBlock - 1) / rowBlock
    let partial = Tensor.uninitialized([blocks, cols])
    x.storage.withUnsafeBufferPointer { px in
      partial.storage.withUnsafeMutableBufferPointer { pp in
        forEachChunk(total: blocks, minimumPerChunk: parallelThreshold / (rowBlock * cols) + 1) { first, count in
          for b in first..<(first + count) {
            let start = b * rowBlock, n = Swift.min(rowBlock, rows - start)
            ctk_reduce_axis(Int32(CTK_SUM.rawValue), px.baseAddress! + start * cols, 1, CLong(n), CLong(cols), pp.baseAddress! + b * cols)
          }
        }
      }
    }
    return reduce(CTK_SUM, partial, axis: 0).reshaped([cols])
  }
}
