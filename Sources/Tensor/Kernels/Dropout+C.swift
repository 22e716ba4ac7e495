// Dropout masks (dropout.c).
//
// Pointer ownership: the generator state is copied into a local array for the C call and copied
// back; the mask tensor is freshly allocated here (unique).

import CTensorKernels

extension Kernels {
  /// A mask of `shape` holding 1/keep where the generator's next uniform is below `keep`, else 0.
  /// Advances `rng` by one draw per element, exactly as drawing in Swift would.
  static func dropoutMask(_ shape: [Int], keep: Float, using rng: inout RandomGenerator) -> Tensor {
    let out = Tensor.uninitialized(shape)
    var state = rng.state
    state.withUnsafeMutableBufferPointer { ps in
      out.storage.withUnsafeMutableBufferPointer { po in
        ctk_dropout_mask(ps.baseAddress!, keep, 1 / keep, po.baseAddress!, po.count)
      }
    }
    rng = RandomGenerator(state: state)
    return out
  }
}

extension Tensor {
  /// Inverted-dropout mask: 1/(1 − rate) with probability 1 − rate, else 0, one uniform draw of
  /// `rng` per element in row-major order (the stream `nextUniform() < 1 − rate` gives).
  /// Shapes: → shape.
  /// - Precondition: 0 ≤ rate < 1.
  public static func dropoutMask(_ shape: [Int], rate: Float, using rng: inout RandomGenerator) -> Tensor {
    precondition(rate >= 0 && rate < 1, "dropoutMask: rate \(rate) must be in [0, 1)")
    return Kernels.dropoutMask(shape, keep: 1 - rate, using: &rng)
  }
}
