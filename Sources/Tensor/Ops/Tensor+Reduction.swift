// Reductions: sum, mean, max, min, variance over axes; and `summed(toShape:)`, the
// unbroadcasting helper every binary op's pullback uses.

import CTensorKernels

extension Tensor {
  /// Sum over `axes` (all axes when nil). `keepingDims` keeps reduced axes with extent 1.
  /// Shapes: [a...] → [a...] without (or with extent 1 at) the reduced axes.
  public func sum(axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    let reduced = Set((axes ?? Array(0..<rank)).map(normalizedAxis))
    var out = self.detached
    for axis in reduced.sorted() { out = Kernels.reduce(CTK_SUM, out, axis: axis) }
    let keptShape = out.shape
    if !keepingDims { out = out.detached.reshaped(shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)) }
    let inputShape = shape
    return Tensor.recorded("sum", out, inputs: [self]) { g in
      [g.reshaped(keptShape).broadcast(to: inputShape)]
    }
  }

  /// Sum over one axis.
  public func sum(axis: Int, keepingDims: Bool = false) -> Tensor { sum(axes: [axis], keepingDims: keepingDims) }

  /// Mean over `axes` (all axes when nil).
  public func mean(axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    let reduced = (axes ?? Array(0..<rank)).map(normalizedAxis)
    let n = Set(reduced).reduce(1) { $0 * shape[$1] }
    return sum(axes: axes, keepingDims: keepingDims) * (1 / Float(Swift.max(n, 1)))
  }

  /// Mean over one axis.
  public func mean(axis: Int, keepingDims: Bool = false) -> Tensor { mean(axes: [axis], keepingDims: keepingDims) }

  /// Biased variance (mean of squared deviations) over `axes` (all when nil).
  public func variance(axes: [Int]? = nil, keepingDims: Bool = false) -> Tensor {
    let mu = mean(axes: axes, keepingDims: true)
    return (self - mu).squared().mean(axes: axes, keepingDims: keepingDims)
  }

  /// Maximum over one axis. The gradient goes to every position equal to the maximum, split
  /// equally between ties (tinygrad's convention).
  public func max(axis: Int, keepingDims: Bool = false) -> Tensor { extremum(CTK_MAX, "max", axis: axis, keepingDims: keepingDims) }

  /// Minimum over one axis; ties split the gradient equally.
  public func min(axis: Int, keepingDims: Bool = false) -> Tensor { extremum(CTK_MIN, "min", axis: axis, keepingDims: keepingDims) }

  /// Maximum of all elements (scalar).
  public func max() -> Tensor { reshaped([count]).max(axis: 0) }
  /// Minimum of all elements (scalar).
  public func min() -> Tensor { reshaped([count]).min(axis: 0) }

  private func extremum(_ op: ctk_reduce_op, _ name: String, axis: Int, keepingDims: Bool) -> Tensor {
    let a = normalizedAxis(axis)
    let kept = Kernels.reduce(op, self.detached, axis: a)
    var outShape = shape
    outShape.remove(at: a)
    let out = keepingDims ? kept : kept.reshaped(outShape)
    let x = self.detached
    return Tensor.recorded(name, out, inputs: [self]) { g in
      let hit = x.isEqualMask(kept.broadcast(to: x.shape))
      let ties = Kernels.reduce(CTK_SUM, hit, axis: a)
      let share = hit / ties.broadcast(to: x.shape)
      return [share * g.reshaped(kept.shape).broadcast(to: x.shape)]
    }
  }

  /// 1 where the elements are equal, else 0 (same shapes; not differentiable).
  func isEqualMask(_ other: Tensor) -> Tensor {
    precondition(shape == other.shape, "isEqualMask: \(shape) vs \(other.shape)")
    return Kernels.binary(CTK_EQUAL, self, other)
  }

  /// Sums a broadcast gradient back to `target` (the shape of the operand before broadcasting).
  /// Shapes: broadcast(target, x) → target.
  public func summed(toShape target: [Int]) -> Tensor {
    if shape == target { return self }
    precondition(rank >= target.count, "summed(toShape:): \(shape) cannot reduce to \(target)")
    let lead = rank - target.count
    var axes = Array(0..<lead)
    for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
    return sum(axes: axes, keepingDims: true).reshaped(target)
  }
}
