// Shape ops: reshape, permute, transpose, broadcast. Reshape shares storage (copy-on-write);
// the others write a contiguous result through the strided-copy kernel.

extension Tensor {
  /// The same elements viewed with a new shape (one extent may be -1 and is inferred).
  /// Shapes: [a...] → newShape with the same element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    var shape = newShape
    if let inferred = shape.firstIndex(of: -1) {
      let known = shape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
      precondition(known > 0 && count % known == 0, "reshaped: cannot infer -1 in \(newShape) for \(self.shape)")
      shape[inferred] = count / known
    }
    precondition(
      Tensor.elementCount(shape) == count && shape.allSatisfy { $0 >= 0 },
      "reshaped: \(self.shape) (\(count) elements) cannot be viewed as \(newShape)")
    let oldShape = self.shape
    let out = Tensor(shape: shape, storage: storage)
    return Tensor.recorded("reshape", out, inputs: [self]) { g in [g.reshaped(oldShape)] }
  }

  /// Axes reordered: result axis i is input axis `axes[i]`. Shapes: permutation of the input's.
  public func permuted(_ axes: [Int]) -> Tensor {
    precondition(
      axes.count == rank && Set(axes.map(normalizedAxis)).count == rank,
      "permuted: \(axes) is not a permutation of the \(rank) axes of \(shape)")
    let axes = axes.map(normalizedAxis)
    if axes == Array(0..<rank) { return self }
    let own = Tensor.strides(of: shape)
    let outShape = axes.map { shape[$0] }
    let out = Kernels.stridedCopy(self, shape: outShape, strides: axes.map { own[$0] })
    var inverse = [Int](repeating: 0, count: rank)
    for (i, a) in axes.enumerated() { inverse[a] = i }
    return Tensor.recorded("permute", out, inputs: [self]) { g in [g.permuted(inverse)] }
  }

  /// The last two axes swapped. Shapes: [..., m, n] → [..., n, m].
  public func transposed() -> Tensor {
    precondition(rank >= 2, "transposed: needs rank >= 2, got \(shape)")
    var axes = Array(0..<rank)
    axes.swapAt(rank - 1, rank - 2)
    return permuted(axes)
  }

  /// Two axes swapped.
  public func transposed(_ a: Int, _ b: Int) -> Tensor {
    var axes = Array(0..<rank)
    axes.swapAt(normalizedAxis(a), normalizedAxis(b))
    return permuted(axes)
  }

  /// Materialised broadcast to `shape` (see Broadcasting.swift). The pullback sums over the
  /// broadcast axes.
  public func broadcast(to target: [Int]) -> Tensor {
    if target == shape { return self }
    let out = Kernels.stridedCopy(self, shape: target, strides: Tensor.broadcastStrides(of: shape, to: target))
    let own = shape
    return Tensor.recorded("broadcast", out, inputs: [self]) { g in [g.summed(toShape: own)] }
  }

  /// A new axis of extent 1 inserted at `axis` (negative counts from the end of the result).
  public func expandingDims(at axis: Int) -> Tensor {
    let a = axis < 0 ? axis + rank + 1 : axis
    precondition(a >= 0 && a <= rank, "expandingDims: axis \(axis) out of range for \(shape)")
    var s = shape
    s.insert(1, at: a)
    return reshaped(s)
  }

  /// The axis of extent 1 at `axis` removed.
  public func squeezingDim(at axis: Int) -> Tensor {
    let a = normalizedAxis(axis)
    precondition(shape[a] == 1, "squeezingDim: axis \(axis) of \(shape) has extent \(shape[a]), not 1")
    var s = shape
    s.remove(at: a)
    return reshaped(s)
  }
}
