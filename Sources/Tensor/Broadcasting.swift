// Broadcasting rules (NumPy's):
//  1. Shapes are aligned at their last axis; the shorter shape is padded with 1s on the left.
//  2. Two extents are compatible when they are equal or one of them is 1.
//  3. The result extent is the larger of the two; an operand with extent 1 is repeated along it.
// Example: [32, 27, 27, 64] and [64] → [32, 27, 27, 64]; [32, 27, 1, 8] and [32, 1, 27, 8] →
// [32, 27, 27, 8]. Gradients flowing back through a broadcast are summed over the repeated axes
// (`Tensor.summed(toShape:)`).

extension Tensor {
  /// The broadcast shape of `a` and `b`, or nil when they are incompatible.
  public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
    }
    return out
  }

  /// Strides (in elements) that read a contiguous tensor of `shape` as if it had `target` shape:
  /// 0 on broadcast axes. `shape` must broadcast to `target`.
  static func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
    let own = Tensor.strides(of: shape)
    let offset = target.count - shape.count
    precondition(offset >= 0, "broadcast: \(shape) has more axes than \(target)")
    return (0..<target.count).map { i in
      if i < offset { return 0 }
      let d = shape[i - offset]
      precondition(d == target[i] || d == 1, "broadcast: \(shape) cannot broadcast to \(target)")
      return d == 1 && target[i] != 1 ? 0 : own[i - offset]
    }
  }
}

/// Collapses adjacent axes of an iteration space that are contiguous for every operand, so
/// kernels iterate over as few (and as long) axes as possible. Axes of extent 1 are dropped.
/// Returns the collapsed shape and strides per operand.
func collapseAxes(shape: [Int], strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
  var outShape: [Int] = []
  var outStrides: [[Int]] = strides.map { _ in [] }
  for axis in 0..<shape.count where shape[axis] != 1 {
    if let last = outShape.indices.last {
      // Merge with the previous axis when, for every operand, stepping the previous axis once
      // equals stepping this axis over its whole extent.
      let mergeable = strides.indices.allSatisfy { k in
        outStrides[k][last] == strides[k][axis] * shape[axis]
      }
      if mergeable {
        outShape[last] *= shape[axis]
        for k in strides.indices { outStrides[k][last] = strides[k][axis] }
        continue
      }
    }
    outShape.append(shape[axis])
    for k in strides.indices { outStrides[k].append(strides[k][axis]) }
  }
  if outShape.isEmpty { return ([1], strides.map { _ in [1] }) }
  return (outShape, outStrides)
}
