// Joining, cutting and indexing: concat, split, slice, index-select, gather, one-hot, where and
// clamp. Each differentiable op has its pullback beside it. Slicing and concatenation are
// strided copies (Kernels.stridedCopy) and their adjoints strided scatters.

import CTensorKernels

// MARK: - Concat, split, slice

extension Tensor {
  /// Joins tensors along `axis`; all other extents must agree.
  /// Shapes: [a..., d_i, b...] for each i → [a..., Σ d_i, b...].
  public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat: needs at least one tensor")
    let first = tensors[0]
    let a = first.normalizedAxis(axis)
    for t in tensors {
      precondition(
        t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
        "concat: shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
    }
    var outShape = first.shape
    outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
    let out = Tensor.uninitialized(outShape)
    let strides = Tensor.strides(of: outShape)
    var start = 0
    var starts: [Int] = []
    for t in tensors {
      starts.append(start)
      Kernels.stridedScatter(t.detached, shape: t.shape, into: out, strides: strides, offset: start * strides[a], accumulate: false)
      start += t.shape[a]
    }
    let extents = tensors.map { $0.shape[a] }
    return recorded("concat", out, inputs: tensors) { g in
      zip(starts, extents).map { s, e in g.narrowed(axis: a, start: s, length: e) }
    }
  }

  /// Splits along `axis` into consecutive pieces of the given `sizes` (which must sum to the
  /// extent). Shapes: [a..., Σ s_i, b...] → [a..., s_i, b...] each.
  public func split(sizes: [Int], axis: Int) -> [Tensor] {
    let a = normalizedAxis(axis)
    precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[a],
                 "split: sizes \(sizes) do not sum to extent \(shape[a]) of axis \(axis) in \(shape)")
    var start = 0
    return sizes.map { size in
      defer { start += size }
      return narrowed(axis: a, start: start, length: size)
    }
  }

  /// The elements with index in `start ..< start + length` along `axis`.
  /// Shapes: [a..., d, b...] → [a..., length, b...].
  public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
    let a = normalizedAxis(axis)
    var ranges = shape.map { 0..<$0 }
    ranges[a] = start..<(start + length)
    return sliced(ranges)
  }

  /// The sub-block given by one index range per axis (`ranges.count == rank`).
  /// Shapes: [d_0, ..., d_k] → [ranges[0].count, ..., ranges[k].count].
  /// The pullback scatters the gradient into zeros of the input's shape.
  public func sliced(_ ranges: [Range<Int>]) -> Tensor {
    precondition(ranges.count == rank, "sliced: \(ranges.count) ranges for shape \(shape)")
    for (axis, r) in ranges.enumerated() {
      precondition(r.lowerBound >= 0 && r.upperBound <= shape[axis],
                   "sliced: range \(r) out of bounds for axis \(axis) of \(shape)")
    }
    let strides = Tensor.strides(of: shape)
    let offset = zip(ranges, strides).reduce(0) { $0 + $1.0.lowerBound * $1.1 }
    let outShape = ranges.map(\.count)
    if outShape == shape { return self }
    let out = Kernels.stridedCopy(self, shape: outShape, strides: strides, offset: offset)
    let inputShape = shape
    return Tensor.recorded("slice", out, inputs: [self]) { g in
      let dx = Tensor.zeros(inputShape)
      Kernels.stridedScatter(g, shape: outShape, into: dx, strides: strides, offset: offset, accumulate: false)
      return [dx]
    }
  }
}

// MARK: - Index select and gather

extension Tensor {
  /// Picks the entries at `indices` along `axis` (indices may repeat; each in 0..<extent).
  /// Shapes: [a..., d, b...] → [a..., indices.count, b...]. The pullback adds rows back
  /// (scatter-add), so repeated indices accumulate.
  public func indexSelect(_ indices: [Int], axis: Int = 0) -> Tensor {
    let a = normalizedAxis(axis)
    let extent = shape[a]
    for i in indices { precondition(i >= 0 && i < extent, "indexSelect: index \(i) out of range 0..<\(extent) (axis \(axis) of \(shape))") }
    let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
    var outShape = shape
    outShape[a] = indices.count
    let out = Kernels.indexSelect(self, outer: outer, axisIn: extent, inner: inner, indices: indices, outShape: outShape)
    let inputShape = shape
    return Tensor.recorded("indexSelect", out, inputs: [self]) { g in
      [Kernels.indexAdd(g, outer: outer, axisIn: extent, inner: inner, indices: indices, inputShape: inputShape)]
    }
  }

  /// Rows of a matrix (or slabs along axis 0) at `indices`, e.g. an embedding lookup.
  /// Shapes: [d, b...] → [indices.count, b...].
  public func selectingRows(_ indices: [Int]) -> Tensor { indexSelect(indices, axis: 0) }

  /// Gathers along `axis` with one index per output element (torch.gather):
  /// out[..., j, ...] = self[..., indices[..., j, ...], ...].
  /// `indices` is row-major with shape `indexShape`, which equals self's shape except along `axis`.
  /// Shapes: self [a..., d, b...], indices [a..., k, b...] → [a..., k, b...]. Pullback: scatter-add.
  public func gathered(alongAxis axis: Int, indices: [Int], indexShape: [Int]) -> Tensor {
    let a = normalizedAxis(axis)
    precondition(
      indexShape.count == rank && (0..<rank).allSatisfy { $0 == a || indexShape[$0] == shape[$0] }
        && indices.count == Tensor.elementCount(indexShape),
      "gathered: index shape \(indexShape) (\(indices.count) indices) must match \(shape) except on axis \(axis)")
    let extent = shape[a]
    for i in indices { precondition(i >= 0 && i < extent, "gathered: index \(i) out of range 0..<\(extent) (axis \(axis) of \(shape))") }
    let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
    let count = indexShape[a]
    let out = Kernels.gatherAxis(self, outer: outer, axisIn: extent, inner: inner, indices: indices, count: count, outShape: indexShape)
    let inputShape = shape
    return Tensor.recorded("gather", out, inputs: [self]) { g in
      [Kernels.scatterAddAxis(g, outer: outer, axisIn: extent, inner: inner, indices: indices, count: count, inputShape: inputShape)]
    }
  }

  /// One-hot encoding of class indices (not differentiable): out[..., c] = 1 where c = index.
  /// Shapes: indices of `shape` [a...] → [a..., classes]. An index of -1 gives an all-zero row
  /// (padding); other indices must lie in 0..<classes.
  public static func oneHot(_ indices: [Int], shape: [Int], classes: Int) -> Tensor {
    precondition(indices.count == elementCount(shape), "oneHot: \(indices.count) indices for shape \(shape)")
    var values = [Float](repeating: 0, count: indices.count * classes)
    for (r, c) in indices.enumerated() {
      precondition(c >= -1 && c < classes, "oneHot: index \(c) at position \(r) out of range -1..<\(classes)")
      if c >= 0 { values[r * classes + c] = 1 }
    }
    return Tensor(shape: shape + [classes], scalars: values)
  }

  /// One-hot encoding of a 1-D index list. Shapes: [n] → [n, classes].
  public static func oneHot(_ indices: [Int], classes: Int) -> Tensor {
    oneHot(indices, shape: [indices.count], classes: classes)
  }
}

// MARK: - Where and clamp

extension Tensor {
  /// Elementwise choice: `a` where `mask` is nonzero, else `b` (all three broadcast; the mask is
  /// not differentiated). Shapes: broadcast(mask, a, b).
  public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Kernels.ternary(CTK_SELECT, mask, a, b)
    let m = mask.detached
    return recorded("where", out, inputs: [a, b]) { g in
      // d/da = [mask], d/db = [not mask]; select the gradient instead of multiplying so that an
      // infinite gradient on one side cannot leak NaN into the other.
      let zero = Tensor(0)
      return [
        a.tapeIndex == nil ? nil : Kernels.ternary(CTK_SELECT, m, g, zero).summed(toShape: a.shape),
        b.tapeIndex == nil ? nil : Kernels.ternary(CTK_SELECT, m, zero, g).summed(toShape: b.shape),
      ]
    }
  }

  /// min(max(x, lower), upper) elementwise; the gradient passes where lower ≤ x ≤ upper
  /// (bounds included, as in PyTorch). Shapes: same as x.
  public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
    precondition(lower <= upper, "clamped: lower bound \(lower) exceeds upper bound \(upper)")
    let x = self.detached
    let out = Kernels.clamp(x, lo: lower, hi: upper)
    return Tensor.recorded("clamp", out, inputs: [self]) { g in [Kernels.clampBackward(x, lo: lower, hi: upper, dy: g)] }
  }
}
