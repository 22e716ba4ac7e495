// Fast elementwise, reduction, softmax and layer-norm kernels: thin calls into CTensorKernels
// (vectorised C with runtime CPU dispatch). The naive Swift references live in
// Elementwise+Naive.swift and the tests compare the two.
//
// Pointer ownership: every pointer is borrowed from a Tensor's storage for one C call. Output
// tensors are freshly allocated (unique) before their storage is written.

import CTensorKernels

/// Kernel entry points used by the ops (internal; ops add shape checks and autodiff).
enum Kernels {
  static func binary(_ op: ctk_binary_op, _ a: Tensor, _ b: Tensor) -> Tensor {
    guard let shape = Tensor.broadcastShape(a.shape, b.shape) else {
      preconditionFailure("Tensor: shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    let out = Tensor.uninitialized(shape)
    if out.count == 0 { return out }
    let (cs, cstrides) = collapseAxes(
      shape: shape,
      strides: [Tensor.broadcastStrides(of: a.shape, to: shape), Tensor.broadcastStrides(of: b.shape, to: shape)])
    precondition(cs.count <= 8, "Tensor: broadcast iteration over more than 8 axes (\(shape))")
    let s = cs.map { CLong($0) }, sa = cstrides[0].map { CLong($0) }, sb = cstrides[1].map { CLong($0) }
    // Split along the first collapsed axis (each chunk is the same kernel on a sub-block).
    let rowSize = out.count / cs[0]
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        out.storage.withUnsafeMutableBufferPointer { po in
          forEachChunk(total: cs[0], minimumPerChunk: parallelThreshold / rowSize + 1) { start, count in
            var chunkShape = s
            chunkShape[0] = count
            ctk_binary_strided(
              Int32(op.rawValue), Int32(s.count), chunkShape, pa.baseAddress! + start * sa[0], sa,
              pb.baseAddress! + start * sb[0], sb, po.baseAddress! + start * rowSize)
          }
        }
      }
    }
    return out
  }

  static func unary(_ op: ctk_unary_op, _ x: Tensor) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        forEachChunk(total: x.count, minimumPerChunk: parallelThreshold) { start, count in
          ctk_unary(Int32(op.rawValue), px.baseAddress! + start, po.baseAddress! + start, count)
        }
      }
    }
    return out
  }

  static func unaryBackward(_ op: ctk_unary_op, x: Tensor, y: Tensor, dy: Tensor) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    x.storage.withUnsafeBufferPointer { px in
      y.storage.withUnsafeBufferPointer { py in
        dy.storage.withUnsafeBufferPointer { pg in
          out.storage.withUnsafeMutableBufferPointer { po in
            forEachChunk(total: x.count, minimumPerChunk: parallelThreshold) { start, count in
              ctk_unary_backward(
                Int32(op.rawValue), px.baseAddress! + start, py.baseAddress! + start, pg.baseAddress! + start,
                po.baseAddress! + start, count)
            }
          }
        }
      }
    }
    return out
  }

  static func affine(_ x: Tensor, scale: Float, shift: Float) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        forEachChunk(total: x.count, minimumPerChunk: parallelThreshold) { start, count in
          ctk_affine(px.baseAddress! + start, scale, shift, po.baseAddress! + start, count)
        }
      }
    }
    return out
  }

  /// Reduces `axis` of x (keeping it with extent 1 in the result shape).
  static func reduce(_ op: ctk_reduce_op, _ x: Tensor, axis: Int) -> Tensor {
    let outer = x.shape[..<axis].reduce(1, *)
    let inner = x.shape[(axis + 1)...].reduce(1, *)
    var shape = x.shape
    shape[axis] = 1
    let out = Tensor.uninitialized(shape)
    if out.count == 0 { return out }
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        ctk_reduce_axis(
          Int32(op.rawValue), px.baseAddress, CLong(outer), CLong(x.shape[axis]), CLong(inner), po.baseAddress)
      }
    }
    return out
  }

  /// Materialises x read through `strides` (starting at element `offset`) as a contiguous tensor
  /// of `shape`.
  static func stridedCopy(_ x: Tensor, shape: [Int], strides: [Int], offset: Int = 0) -> Tensor {
    let out = Tensor.uninitialized(shape)
    if out.count == 0 { return out }
    let (cs, cstrides) = collapseAxes(shape: shape, strides: [strides])
    precondition(cs.count <= 8, "Tensor: strided copy over more than 8 axes (\(shape))")
    let s = cs.map { CLong($0) }, st = cstrides[0].map { CLong($0) }
    let rowSize = out.count / cs[0]
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        forEachChunk(total: cs[0], minimumPerChunk: parallelThreshold / rowSize + 1) { start, count in
          var chunkShape = s
          chunkShape[0] = count
          ctk_strided_copy(
            Int32(s.count), chunkShape, px.baseAddress! + offset + start * st[0], st, po.baseAddress! + start * rowSize)
        }
      }
    }
    return out
  }

  static func softmaxRows(_ x: Tensor, mask: Tensor?, rows: Int, cols: Int, log: Bool) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    let minimumRows = parallelThreshold / Swift.max(cols, 1) + 1
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        withOptionalPointer(mask) { pm in
          forEachChunk(total: rows, minimumPerChunk: minimumRows) { start, count in
            ctk_softmax_rows(
              px.baseAddress! + start * cols, pm.map { $0 + start * cols }, count, cols, log ? 1 : 0,
              po.baseAddress! + start * cols)
          }
        }
      }
    }
    return out
  }

  static func softmaxRowsBackward(y: Tensor, dy: Tensor, rows: Int, cols: Int, log: Bool) -> Tensor {
    let out = Tensor.uninitialized(y.shape)
    y.storage.withUnsafeBufferPointer { py in
      dy.storage.withUnsafeBufferPointer { pg in
        out.storage.withUnsafeMutableBufferPointer { po in
          forEachChunk(total: rows, minimumPerChunk: parallelThreshold / Swift.max(cols, 1) + 1) { start, count in
            ctk_softmax_rows_backward(
              py.baseAddress! + start * cols, pg.baseAddress! + start * cols, count, cols, log ? 1 : 0,
              po.baseAddress! + start * cols)
          }
        }
      }
    }
    return out
  }

  /// Layer norm over the last axis; returns (y, mean [rows], rstd [rows]).
  static func layerNorm(_ x: Tensor, gamma: Tensor?, beta: Tensor?, eps: Float) -> (Tensor, Tensor, Tensor) {
    let cols = x.shape.last ?? 1
    let rows = cols == 0 ? 0 : x.count / cols
    let y = Tensor.uninitialized(x.shape)
    let mean = Tensor.uninitialized([rows])
    let rstd = Tensor.uninitialized([rows])
    if rows == 0 { return (y, mean, rstd) }
    x.storage.withUnsafeBufferPointer { px in
      y.storage.withUnsafeMutableBufferPointer { py in
        mean.storage.withUnsafeMutableBufferPointer { pm in
          rstd.storage.withUnsafeMutableBufferPointer { pr in
            withOptionalPointer(gamma) { pgam in
              withOptionalPointer(beta) { pbet in
                forEachChunk(total: rows, minimumPerChunk: parallelThreshold / Swift.max(cols, 1) + 1) { start, count in
                  ctk_layer_norm(
                    px.baseAddress! + start * cols, pgam, pbet, count, cols, eps, py.baseAddress! + start * cols,
                    pm.baseAddress! + start, pr.baseAddress! + start)
                }
              }
            }
          }
        }
      }
    }
    return (y, mean, rstd)
  }

  /// Backward of layerNorm: (dx, dgamma?, dbeta?).
  static func layerNormBackward(
    x: Tensor, gamma: Tensor?, mean: Tensor, rstd: Tensor, dy: Tensor, wantAffine: Bool
  ) -> (Tensor, Tensor?, Tensor?) {
    let cols = x.shape.last ?? 1
    let rows = cols == 0 ? 0 : x.count / cols
    let dx = Tensor.uninitialized(x.shape)
    if rows == 0 { return (dx, wantAffine ? Tensor.zeros([cols]) : nil, wantAffine ? Tensor.zeros([cols]) : nil) }
    // dgamma/dbeta are sums over rows. For a result that does not depend on the core count,
    // rows are cut into fixed blocks of `rowBlock`; each block sums into its own partial row
    // (blocks run in parallel), and the partials are then summed in block order.
    let blocks = (rows + rowBlock - 1) / rowBlock
    let dgammaPartial = wantAffine ? Tensor.zeros([blocks, cols]) : nil
    let dbetaPartial = wantAffine ? Tensor.zeros([blocks, cols]) : nil
    x.storage.withUnsafeBufferPointer { px in
      mean.storage.withUnsafeBufferPointer { pm in
        rstd.storage.withUnsafeBufferPointer { pr in
          dy.storage.withUnsafeBufferPointer { pg in
            dx.storage.withUnsafeMutableBufferPointer { pdx in
              withOptionalPointer(gamma) { pgam in
                withOptionalMutablePointer(dgammaPartial) { pdg in
                  withOptionalMutablePointer(dbetaPartial) { pdb in
                    forEachChunk(total: blocks, minimumPerChunk: parallelThreshold / (rowBlock * cols) + 1) { first, count in
                      for b in first..<(first + count) {
                        let start = b * rowBlock, n = Swift.min(rowBlock, rows - start)
                        ctk_layer_norm_backward(
                          px.baseAddress! + start * cols, pgam, pm.baseAddress! + start, pr.baseAddress! + start,
                          pg.baseAddress! + start * cols, n, cols, pdx.baseAddress! + start * cols,
                          pdg.map { $0 + b * cols }, pdb.map { $0 + b * cols })
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let dgamma = dgammaPartial.map { reduce(CTK_SUM, $0, axis: 0).reshaped([cols]) }
    let dbeta = dbetaPartial.map { reduce(CTK_SUM, $0, axis: 0).reshaped([cols]) }
    return (dx, dgamma, dbeta)
  }

  /// Rows per block of a row-sum that must not depend on the core count (see layerNormBackward).
  static let rowBlock = 256

  /// Which code path the C kernels use on this CPU.
  static var dispatchLevel: String { String(cString: ctk_dispatch_level()) }
}

func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let t else { return body(nil) }
  return t.storage.withUnsafeBufferPointer { body($0.baseAddress) }
}

func withOptionalMutablePointer<R>(_ t: Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
  guard let t else { return body(nil) }
  return t.storage.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
