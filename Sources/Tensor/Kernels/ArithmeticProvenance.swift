// Which kernels perform this process's floating-point arithmetic. OpenBLAS picks its kernels
// by CPU (or by OPENBLAS_CORETYPE) and our C kernels dispatch to one of three code paths; the
// same seed reproduces an output bit for bit only where all of these agree, so every output
// manifest records them.

import Foundation

/// The BLAS library, the core type whose kernels it runs, and the C kernels' code path.
public struct ArithmeticProvenance: Codable, Sendable, Hashable, CustomStringConvertible {
  /// The BLAS library and its build configuration (OpenBLAS's configuration string).
  public var blas: String
  /// The CPU core type whose kernels OpenBLAS uses (e.g. "Cooperlake", "Haswell").
  public var blasCore: String
  /// OPENBLAS_CORETYPE as set in the environment, or "unset".
  public var openblasCoretype: String
  /// The code path of cfx's C kernels: "x86-64-v4", "x86-64-v3" or "baseline".
  public var kernelDispatch: String

  /// A record with every field given.
  public init(blas: String, blasCore: String, openblasCoretype: String, kernelDispatch: String) {
    (self.blas, self.blasCore, self.openblasCoretype, self.kernelDispatch) = (blas, blasCore, openblasCoretype, kernelDispatch)
  }

  /// This process's arithmetic.
  public static var current: ArithmeticProvenance {
    let identity = Kernels.blasIdentity
    return ArithmeticProvenance(
      blas: identity.config, blasCore: identity.core,
      openblasCoretype: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset",
      kernelDispatch: Kernels.dispatchLevel)
  }

  /// What decides the rounding of results: the BLAS core type and the kernels' code path (the
  /// same core chosen by OpenBLAS or by OPENBLAS_CORETYPE computes the same numbers).
  public var resultsIdentity: String { "\(blas) (core \(blasCore)), kernels \(kernelDispatch)" }

  /// One line: "OpenBLAS 0.3.21 … (core Cooperlake, OPENBLAS_CORETYPE unset), kernels x86-64-v4".
  public var description: String {
    "\(blas) (core \(blasCore), OPENBLAS_CORETYPE \(openblasCoretype)), kernels \(kernelDispatch)"
  }
}
