// Copy and index kernels: strided scatter (adjoint of the strided copy), index select / add and
// per-element gather / scatter-add, as thin calls into CTensorKernels (copy.c).
//
// Pointer ownership: input pointers are borrowed from tensor storages (and Int arrays) for one C
// call. Outputs are freshly allocated tensors (unique), or `into` tensors that the caller has
// just allocated and owns alone; nothing here writes a storage another value could share.

import CTensorKernels

extension Kernels {
  /// Writes (or adds, when `accumulate`) contiguous `source` of `shape` into `destination` at
  /// element `offset` with `strides`. `destination` must be freshly allocated by the caller.
  static func stridedScatter(
    _ source: Tensor, shape: [Int], into destination: Tensor, strides: [Int], offset: Int, accumulate: Bool
  ) {
    if source.count == 0 { return }
    precondition(Tensor.elementCount(shape) == source.count, "stridedScatter: \(source.shape) vs \(shape)")
    // Collapsing is only valid for the destination strides (the source is contiguous in `shape`
    // order, which collapsing preserves).
    let (cs, cstrides) = collapseAxes(shape: shape, strides: [strides])
    precondition(cs.count <= 8, "Tensor: strided scatter over more than 8 axes (\(shape))")
    let s = cs.map { CLong($0) }, st = cstrides[0].map { CLong($0) }
    source.storage.withUnsafeBufferPointer { ps in
      destination.storage.withUnsafeMutableBufferPointer { pd in
        ctk_strided_scatter(Int32(s.count), s, ps.baseAddress, pd.baseAddress! + offset, st, accumulate ? 1 : 0)
      }
    }
  }

  /// out[o, j, i] = x[o, indices[j], i] with x viewed as [outer, axisIn, inner].
  static func indexSelect(_ x: Tensor, outer: Int, axisIn: Int, inner: Int, indices: [Int], outShape: [Int]) -> Tensor {
    let out = Tensor.uninitialized(outShape)
    if out.count == 0 { return out }
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        indices.withUnsafeBufferPointer { pi in
          ctk_index_select(px.baseAddress, outer, axisIn, inner, pi.baseAddress, indices.count, po.baseAddress)
        }
      }
    }
    return out
  }

  /// Adjoint of `indexSelect`: zeros of `inputShape` with dy's rows added at `indices`.
  static func indexAdd(_ dy: Tensor, outer: Int, axisIn: Int, inner: Int, indices: [Int], inputShape: [Int]) -> Tensor {
    let dx = Tensor.zeros(inputShape)
    if dy.count == 0 { return dx }
    dy.storage.withUnsafeBufferPointer { pg in
      dx.storage.withUnsafeMutableBufferPointer { pd in
        indices.withUnsafeBufferPointer { pi in
          ctk_index_add(pg.baseAddress, outer, axisIn, inner, pi.baseAddress, indices.count, pd.baseAddress)
        }
      }
    }
    return dx
  }

  /// out[o, j, i] = x[o, indices[o, j, i], i]; indices has `outShape`'s element count.
  static func gatherAxis(_ x: Tensor, outer: Int, axisIn: Int, inner: Int, indices: [Int], count: Int, outShape: [Int]) -> Tensor {
    let out = Tensor.uninitialized(outShape)
    if out.count == 0 { return out }
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        indices.withUnsafeBufferPointer { pi in
          ctk_gather_axis(px.baseAddress, outer, axisIn, inner, pi.baseAddress, count, po.baseAddress)
        }
      }
    }
    return out
  }

  /// Adjoint of `gatherAxis` (scatter-add into zeros of `inputShape`).
  static func scatterAddAxis(_ dy: Tensor, outer: Int, axisIn: Int, inner: Int, indices: [Int], count: Int, inputShape: [Int]) -> Tensor {
    let dx = Tensor.zeros(inputShape)
    if dy.count == 0 { return dx }
    dy.storage.withUnsafeBufferPointer { pg in
      dx.storage.withUnsafeMutableBufferPointer { pd in
        indices.withUnsafeBufferPointer { pi in
          ctk_scatter_add_axis(pg.baseAddress, outer, axisIn, inner, pi.baseAddress, count, pd.baseAddress)
        }
      }
    }
    return dx
  }
}
