// Affine map x·Wᵀ + b through OpenBLAS with the bias written into the output first and the
// product accumulated onto it (beta = 1): OpenBLAS then skips its own pass that zeroes the
// output (sgemm_beta), so the bias costs no extra pass over the result. Column sums for the
// bias gradient in fixed row blocks (deterministic for any core count).
//
// Pointer ownership: operand pointers are borrowed from tensor storages for the call; the output
// tensors are freshly allocated here, so writing them cannot affect any other value.

import CTensorKernels

extension Kernels {
  /// y = x · weightᵀ + bias with x [rows, inputs], weight [outputs, inputs], bias [outputs] or nil.
  static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, rows: Int) -> Tensor {
    let (outputs, inputs) = (weight.shape[0], weight.shape[1])
    let out = Tensor.uninitialized([rows, outputs])
    if rows == 0 || outputs == 0 { return out }
    out.storage.withUnsafeMutableBufferPointer { po in
      if let bias {
        bias.storage.withUnsafeBufferPointer { pb in
          forEachChunk(total: rows, minimumPerChunk: parallelThreshold / outputs + 1) { start, count in
            for r in start..<(start + count) { (po.baseAddress! + r * outputs).update(from: pb.baseAddress!, count: outputs) }
          }
        }
      } else if inputs == 0 {
        po.baseAddress!.update(repeating: 0, count: rows * outputs)
      }
      if inputs == 0 { return }
      x.storage.withUnsafeBufferPointer { px in
        weight.storage.withUnsafeBufferPointer { pw in
          // Without a bias the product overwrites the output (no zeroing pass first).
          sgemmRows(
            px.baseAddress!, transposeA: false, lda: inputs, pw.baseAddress!, transposeB: true, ldb: inputs,
            po.baseAddress!, m: rows, n: outputs, k: inputs, overwrite: bias == nil)
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
