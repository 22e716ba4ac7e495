// Fused kernels (fused.c): ternary a*b+c and select, clamp, softmax over a strided axis, and
// bias + activation; group norm + modulation + SiLU (kernels.c, beside layer norm). Naive
// references: Fused+Naive.swift.
//
// Pointer ownership: input pointers are borrowed from tensor storages for one C call; outputs
// are freshly allocated here (unique), so writing them cannot affect any other value.

import CTensorKernels

extension Kernels {
  /// out = op(a, b, c) with broadcasting of all three operands. Shapes: broadcast(a, b, c).
  static func ternary(_ op: ctk_ternary_op, _ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor {
    guard let ab = Tensor.broadcastShape(a.shape, b.shape), let shape = Tensor.broadcastShape(ab, c.shape) else {
      preconditionFailure("Tensor: shapes \(a.shape), \(b.shape) and \(c.shape) do not broadcast")
    }
    let out = Tensor.uninitialized(shape)
    if out.count == 0 { return out }
    let (cs, cstrides) = collapseAxes(
      shape: shape,
      strides: [a, b, c].map { Tensor.broadcastStrides(of: $0.shape, to: shape) })
    precondition(cs.count <= 8, "Tensor: broadcast iteration over more than 8 axes (\(shape))")
    let s = cs.map { CLong($0) }
    let (sa, sb, sc) = (cstrides[0].map { CLong($0) }, cstrides[1].map { CLong($0) }, cstrides[2].map { CLong($0) })
    let rowSize = out.count / cs[0]
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        c.storage.withUnsafeBufferPointer { pc in
          out.storage.withUnsafeMutableBufferPointer { po in
            forEachChunk(total: cs[0], minimumPerChunk: parallelThreshold / rowSize + 1) { start, count in
              var chunkShape = s
              chunkShape[0] = count
              ctk_ternary_strided(
                Int32(op.rawValue), Int32(s.count), chunkShape, pa.baseAddress! + start * sa[0], sa,
                pb.baseAddress! + start * sb[0], sb, pc.baseAddress! + start * sc[0], sc, po.baseAddress! + start * rowSize)
            }
          }
        }
      }
    }
    return out
  }

  /// min(max(x, lo), hi) elementwise.
  static func clamp(_ x: Tensor, lo: Float, hi: Float) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        forEachChunk(total: x.count, minimumPerChunk: parallelThreshold) { start, count in
          ctk_clamp(px.baseAddress! + start, lo, hi, po.baseAddress! + start, count)
        }
      }
    }
    return out
  }

  /// dy where lo <= x <= hi, else 0.
  static func clampBackward(_ x: Tensor, lo: Float, hi: Float, dy: Tensor) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    x.storage.withUnsafeBufferPointer { px in
      dy.storage.withUnsafeBufferPointer { pg in
        out.storage.withUnsafeMutableBufferPointer { po in
          ctk_clamp_backward(px.baseAddress, lo, hi, pg.baseAddress, po.baseAddress, x.count)
        }
      }
    }
    return out
  }

  /// Softmax over `axis` of x without permuting. `mask` (nonzero = keep) must broadcast to x;
  /// it is read through broadcast strides, materialised only when its inner axes are neither
  /// all broadcast nor all contiguous.
  static func softmaxAxis(_ x: Tensor, axis: Int, mask: Tensor?) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    if out.count == 0 { return out }
    let outerShape = Array(x.shape[..<axis])
    let axisExtent = x.shape[axis]
    let innerShape = Array(x.shape[(axis + 1)...])
    let inner = Tensor.elementCount(innerShape)
    var maskTensor = mask
    var maskStrides = mask.map { Tensor.broadcastStrides(of: $0.shape, to: x.shape) } ?? []
    if let m = mask {
      let innerStrides = Array(maskStrides[(axis + 1)...])
      let contiguous = Tensor.strides(of: innerShape)
      let allBroadcast = innerStrides.enumerated().allSatisfy { $0.element == 0 || innerShape[$0.offset] == 1 }
      let allContiguous = innerStrides.enumerated().allSatisfy { $0.element == contiguous[$0.offset] || innerShape[$0.offset] == 1 }
      if !allBroadcast && !allContiguous {
        maskTensor = m.detached.broadcast(to: x.shape)
        maskStrides = Tensor.strides(of: x.shape)
      }
    }
    var maskInnerStride = 0
    if maskTensor != nil {
      let innerStrides = Array(maskStrides[(axis + 1)...])
      maskInnerStride = innerStrides.enumerated().allSatisfy { $0.element == 0 || innerShape[$0.offset] == 1 } ? 0 : 1
    }
    // The outer axes are passed uncollapsed (at most 7 before the softmax axis).
    var outer = outerShape.map { CLong($0) }
    var outerStrides = maskTensor == nil ? outer.map { _ in CLong(0) } : maskStrides[..<axis].map { CLong($0) }
    if outer.isEmpty { outer = [1]; outerStrides = [0] }
    precondition(outer.count <= 8, "softmax(axis:): more than 8 axes before the softmax axis (\(x.shape))")
    let maskAxisStride = maskTensor == nil ? 0 : maskStrides[axis]
    // Split along the first outer axis; each chunk is the same kernel on a sub-block.
    let slab = axisExtent * inner * outer[1...].reduce(1, *)
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        withOptionalPointer(maskTensor) { pm in
          forEachChunk(total: outer[0], minimumPerChunk: parallelThreshold / Swift.max(slab, 1) + 1) { start, count in
            var chunkOuter = outer
            chunkOuter[0] = count
            ctk_softmax_axis(
              px.baseAddress! + start * slab, Int32(outer.count), chunkOuter, outerStrides, axisExtent, inner,
              pm.map { $0 + start * outerStrides[0] }, maskAxisStride, maskInnerStride, po.baseAddress! + start * slab)
          }
        }
      }
    }
    return out
  }

  /// Backward of `softmaxAxis`: dx = y (dy − Σ_axis dy·y).
  static func softmaxAxisBackward(y: Tensor, dy: Tensor, axis: Int) -> Tensor {
    let out = Tensor.uninitialized(y.shape)
    if out.count == 0 { return out }
    let outer = y.shape[..<axis].reduce(1, *), inner = y.shape[(axis + 1)...].reduce(1, *)
    y.storage.withUnsafeBufferPointer { py in
      dy.storage.withUnsafeBufferPointer { pg in
        out.storage.withUnsafeMutableBufferPointer { po in
          let slab = y.shape[axis] * inner
          forEachChunk(total: outer, minimumPerChunk: parallelThreshold / Swift.max(slab, 1) + 1) { start, count in
            ctk_softmax_axis_backward(
              py.baseAddress! + start * slab, pg.baseAddress! + start * slab, count, y.shape[axis], inner,
              po.baseAddress! + start * slab)
          }
        }
      }
    }
    return out
  }

  /// act(x + bias) with x [rows, cols] (any leading shape), bias [cols] or nil.
  static func biasActivation(_ act: ctk_unary_op, _ x: Tensor, bias: Tensor?) -> Tensor {
    let out = Tensor.uninitialized(x.shape)
    let cols = x.shape.last ?? 1
    let rows = cols == 0 ? 0 : x.count / cols
    if out.count == 0 { return out }
    x.storage.withUnsafeBufferPointer { px in
      out.storage.withUnsafeMutableBufferPointer { po in
        withOptionalPointer(bias) { pb in
          forEachChunk(total: rows, minimumPerChunk: parallelThreshold / Swift.max(cols, 1) + 1) { start, count in
            ctk_bias_activation(
              Int32(act.rawValue), px.baseAddress! + start * cols, pb, count, cols, po.baseAddress! + start * cols)
          }
        }
      }
    }
    return out
  }

  /// Backward of `biasActivation`: (dx, dbias) with dbias nil when bias is nil. dbias sums over
  /// fixed row blocks (as in layerNormBackward), so it does not depend on the core count.
  static func biasActivationBackward(_ act: ctk_unary_op, _ x: Tensor, bias: Tensor?, dy: Tensor) -> (Tensor, Tensor?) {
    let dx = Tensor.uninitialized(x.shape)
    let cols = x.shape.last ?? 1
    let rows = cols == 0 ? 0 : x.count / cols
    if dx.count == 0 { return (dx, bias.map { Tensor.zeros($0.shape) }) }
    let blocks = (rows + rowBlock - 1) / rowBlock
    let partial = bias.map { _ in Tensor.zeros([blocks, cols]) }
    x.storage.withUnsafeBufferPointer { px in
      dy.storage.withUnsafeBufferPointer { pg in
        dx.storage.withUnsafeMutableBufferPointer { pd in
          withOptionalPointer(bias) { pb in
            withOptionalMutablePointer(partial) { pp in
              forEachChunk(total: blocks, minimumPerChunk: parallelThreshold / (rowBlock * cols) + 1) { first, count in
                for b in first..<(first + count) {
                  let start = b * rowBlock, n = Swift.min(rowBlock, rows - start)
                  ctk_bias_activation_backward(
                    Int32(act.rawValue), px.baseAddress! + start * cols, pb, pg.baseAddress! + start * cols, n, cols,
                    pd.baseAddress! + start * cols, pp.map { $0 + b * cols })
                }
              }
            }
          }
        }
      }
    }
    return (dx, partial.map { reduce(CTK_SUM, $0, axis: 0).reshaped([cols]) })
  }
}

extension Kernels {
  /// Masked statistics of x [outer, rows, f] with mask [outer, rows] (flat): the output
  /// [outer, 4, f] plus the saved buffers of the backward (fused.c).
  static func maskedStatistics(_ x: Tensor, mask: Tensor, outer: Int, rows: Int, features: Int) -> (out: Tensor, saved: Tensor, savedOuter: Tensor) {
    let out = Tensor.uninitialized([outer, 4, features]), saved = Tensor.uninitialized([outer, 5, features])
    let savedOuter = Tensor.uninitialized([outer, 2])
    x.storage.withUnsafeBufferPointer { px in
      mask.storage.withUnsafeBufferPointer { pm in
        out.storage.withUnsafeMutableBufferPointer { po in
          saved.storage.withUnsafeMutableBufferPointer { ps in
            savedOuter.storage.withUnsafeMutableBufferPointer { pso in
              forEachChunk(total: outer, minimumPerChunk: parallelThreshold / Swift.max(rows * features, 1) + 1) { start, count in
                ctk_masked_statistics(
                  px.baseAddress! + start * rows * features, pm.baseAddress! + start * rows, count, rows, features,
                  po.baseAddress! + start * 4 * features, ps.baseAddress! + start * 5 * features, pso.baseAddress! + start * 2)
              }
            }
          }
        }
      }
    }
    return (out, saved, savedOuter)
  }

  /// The gradient of `maskedStatistics`: dout [outer, 4, f] → dx [outer, rows, f].
  static func maskedStatisticsBackward(_ x: Tensor, mask: Tensor, outer: Int, rows: Int, features: Int, out: Tensor, saved: Tensor,
                                       savedOuter: Tensor, dout: Tensor) -> Tensor {
    let dx = Tensor.uninitialized(x.shape)
    x.storage.withUnsafeBufferPointer { px in
      mask.storage.withUnsafeBufferPointer { pm in
        out.storage.withUnsafeBufferPointer { po in
          saved.storage.withUnsafeBufferPointer { ps in
            savedOuter.storage.withUnsafeBufferPointer { pso in
              dout.storage.withUnsafeBufferPointer { pg in
                dx.storage.withUnsafeMutableBufferPointer { pd in
                  forEachChunk(total: outer, minimumPerChunk: parallelThreshold / Swift.max(rows * features, 1) + 1) { start, count in
                    ctk_masked_statistics_backward(
                      px.baseAddress! + start * rows * features, pm.baseAddress! + start * rows, count, rows, features,
                      po.baseAddress! + start * 4 * features, ps.baseAddress! + start * 5 * features, pso.baseAddress! + start * 2,
                      pg.baseAddress! + start * 4 * features, pd.baseAddress! + start * rows * features)
                  }
                }
              }
            }
          }
        }
      }
    }
    return dx
  }
}

extension Kernels {
  /// Fused group norm + affine + optional modulation + SiLU (kernels.c), images in parallel.
  /// x [N, C, H, W], gamma/beta [C], scale/shift [N, C] or nil → (y, mean, rstd [N·groups]).
  static func groupNormSiLU(_ x: Tensor, groups: Int, gamma: Tensor, beta: Tensor, scale: Tensor?, shift: Tensor?,
                            eps: Float) -> (y: Tensor, mean: Tensor, rstd: Tensor) {
    let (images, channels) = (x.shape[0], x.shape[1]), positions = x.shape[2] * x.shape[3]
    let y = Tensor.uninitialized(x.shape), mean = Tensor.uninitialized([images * groups]), rstd = Tensor.uninitialized([images * groups])
    let image = channels * positions
    x.storage.withUnsafeBufferPointer { px in
      y.storage.withUnsafeMutableBufferPointer { py in
        mean.storage.withUnsafeMutableBufferPointer { pm in
          rstd.storage.withUnsafeMutableBufferPointer { pr in
            gamma.storage.withUnsafeBufferPointer { pgam in
              beta.storage.withUnsafeBufferPointer { pbet in
                withOptionalPointer(scale) { ps in
                  withOptionalPointer(shift) { pt in
                    forEachChunk(total: images, minimumPerChunk: parallelThreshold / Swift.max(image, 1) + 1) { start, count in
                      ctk_group_norm_silu(
                        px.baseAddress! + start * image, count, channels, positions, groups, pgam.baseAddress!, pbet.baseAddress!,
                        ps.map { $0 + start * channels }, pt.map { $0 + start * channels }, eps,
                        py.baseAddress! + start * image, pm.baseAddress! + start * groups, pr.baseAddress! + start * groups)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return (y, mean, rstd)
  }

  /// Backward of `groupNormSiLU` from dy: dx [N, C, H, W], dgamma and dbeta [C] (summed over the
  /// images in order, whatever the core count), dscale and dshift [N, C] when modulated.
  static func groupNormSiLUBackward(
    _ x: Tensor, dy: Tensor, groups: Int, gamma: Tensor, beta: Tensor, scale: Tensor?, shift: Tensor?, mean: Tensor, rstd: Tensor
  ) -> (dx: Tensor, dgamma: Tensor, dbeta: Tensor, dscale: Tensor?, dshift: Tensor?) {
    let (images, channels) = (x.shape[0], x.shape[1]), positions = x.shape[2] * x.shape[3]
    let image = channels * positions
    let dx = Tensor.uninitialized(x.shape)
    let dgammaPerImage = Tensor.uninitialized([images, channels]), dbetaPerImage = Tensor.uninitialized([images, channels])
    let dscale = scale == nil ? nil : Tensor.uninitialized([images, channels])
    let dshift = shift == nil ? nil : Tensor.uninitialized([images, channels])
    x.storage.withUnsafeBufferPointer { px in
      dy.storage.withUnsafeBufferPointer { pd in
        dx.storage.withUnsafeMutableBufferPointer { pdx in
          mean.storage.withUnsafeBufferPointer { pm in
            rstd.storage.withUnsafeBufferPointer { pr in
              gamma.storage.withUnsafeBufferPointer { pgam in
                beta.storage.withUnsafeBufferPointer { pbet in
                  withOptionalPointer(scale) { ps in
                    withOptionalPointer(shift) { pt in
                      dgammaPerImage.storage.withUnsafeMutableBufferPointer { pdg in
                        dbetaPerImage.storage.withUnsafeMutableBufferPointer { pdb in
                          withOptionalMutablePointer(dscale) { pds in
                            withOptionalMutablePointer(dshift) { pdt in
                              forEachChunk(total: images, minimumPerChunk: parallelThreshold / Swift.max(image, 1) + 1) { start, count in
                                ctk_group_norm_silu_backward(
                                  px.baseAddress! + start * image, pd.baseAddress! + start * image, count, channels, positions, groups,
                                  pgam.baseAddress!, pbet.baseAddress!, ps.map { $0 + start * channels }, pt.map { $0 + start * channels },
                                  pm.baseAddress! + start * groups, pr.baseAddress! + start * groups, pdx.baseAddress! + start * image,
                                  pdg.baseAddress! + start * channels, pdb.baseAddress! + start * channels,
                                  pds.map { $0 + start * channels }, pdt.map { $0 + start * channels })
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
          }
        }
      }
    }
    // Σ over images in order: the same sums on any number of cores.
    return (dx, dgammaPerImage.sum(axes: [0]), dbetaPerImage.sum(axes: [0]), dscale, dshift)
  }
}
