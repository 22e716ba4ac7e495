// In-place optimiser updates on tensor storage (C kernel in CTensorKernels/optim.c).
//
// Pointer ownership: each tensor is made unique (copy-on-write) before its storage is written, so
// an update never changes another value that shared the buffer.

import CTensorKernels

extension Tensor {
  /// One AdamW step in place on `parameter` with gradient `gradient` and moment buffers
  /// (same shapes). `maxSecondMoment` is used and updated when amsgrad is on.
  public static func adamWStep(
    parameter: inout Tensor, gradient: Tensor, firstMoment: inout Tensor, secondMoment: inout Tensor,
    maxSecondMoment: inout Tensor?, learningRate: Float, beta1: Float, beta2: Float, eps: Float,
    weightDecay: Float, step: Int
  ) {
    precondition(
      parameter.shape == gradient.shape && firstMoment.shape == parameter.shape && secondMoment.shape == parameter.shape,
      "adamWStep: parameter \(parameter.shape), gradient \(gradient.shape), moments \(firstMoment.shape) \(secondMoment.shape)")
    parameter = parameter.detached
    parameter.makeUnique()
    firstMoment.makeUnique()
    secondMoment.makeUnique()
    let bc1 = 1 - Float(integerPower(Double(beta1), Double(step)))
    let bc2 = 1 - Float(integerPower(Double(beta2), Double(step)))
    let n = parameter.count
    if var vmax = maxSecondMoment {
      vmax.makeUnique()
      parameter.storage.withUnsafeMutableBufferPointer { p in
        gradient.storage.withUnsafeBufferPointer { g in
          firstMoment.storage.withUnsafeMutableBufferPointer { m in
            secondMoment.storage.withUnsafeMutableBufferPointer { v in
              vmax.storage.withUnsafeMutableBufferPointer { vm in
                ctk_adamw_step(p.baseAddress, g.baseAddress, m.baseAddress, v.baseAddress, vm.baseAddress, n,
                               learningRate, beta1, beta2, eps, weightDecay, bc1, bc2, 1)
              }
            }
          }
        }
      }
      maxSecondMoment = vmax
    } else {
      parameter.storage.withUnsafeMutableBufferPointer { p in
        gradient.storage.withUnsafeBufferPointer { g in
          firstMoment.storage.withUnsafeMutableBufferPointer { m in
            secondMoment.storage.withUnsafeMutableBufferPointer { v in
              ctk_adamw_step(p.baseAddress, g.baseAddress, m.baseAddress, v.baseAddress, nil, n,
                             learningRate, beta1, beta2, eps, weightDecay, bc1, bc2, 0)
            }
          }
        }
      }
    }
  }
}

/// b^e in Double, by repeated squaring (exact for the integer exponents used here, and
/// independent of libm).
private func integerPower(_ b: Double, _ e: Double) -> Double {
  var result = 1.0, base = b, k = Int(e)
  while k > 0 {
    if k & 1 == 1 { result *= base }
    base *= base
    k >>= 1
  }
  return result
}
