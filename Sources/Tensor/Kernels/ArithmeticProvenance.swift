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
  /// Who computes matrix products: cfx's own AVX-512 kernel, or OpenBLAS.
  public var gemm: String

  /// A record with every field given.
  public init(blas: String, blasCore: String, openblasCoretype: String, kernelDispatch: String, gemm: String = "OpenBLAS") {
    (self.blas, self.blasCore, self.openblasCoretype, self.kernelDispatch, self.gemm) = (blas, blasCore, openblasCoretype, kernelDispatch, gemm)
  }

  enum CodingKeys: String, CodingKey { case blas, blasCore, openblasCoretype, kernelDispatch, gemm }

  /// Decodes a record; one written before cfx had its own matrix product says OpenBLAS.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(blas: try c.decode(String.self, forKey: .blas), blasCore: try c.decode(String.self, forKey: .blasCore),
              openblasCoretype: try c.decode(String.self, forKey: .openblasCoretype), kernelDispatch: try c.decode(String.self, forKey: .kernelDispatch),
              gemm: try c.decodeIfPresent(String.self, forKey: .gemm) ?? "OpenBLAS")
  }

  /// This process's arithmetic.
  public static var current: ArithmeticProvenance {
    let identity = Kernels.blasIdentity
    return ArithmeticProvenance(
      blas: identity.config, blasCore: identity.core,
      openblasCoretype: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset",
      kernelDispatch: Kernels.dispatchLevel, gemm: Kernels.ownGemm ? Kernels.ownGemmName : "OpenBLAS")
  }

  /// What decides the rounding of results: the BLAS core type and the kernels' code path (the
  /// same core chosen by OpenBLAS or by OPENBLAS_CORETYPE computes the same numbers).
  public var resultsIdentity: String {
    gemm == "OpenBLAS" ? "\(blas) (core \(blasCore)), kernels \(kernelDispatch)" : "products \(gemm), \(blas) (core \(blasCore)), kernels \(kernelDispatch)"
  }

  /// One line: "OpenBLAS 0.3.21 … (core Cooperlake, OPENBLAS_CORETYPE unset), kernels x86-64-v4".
  public var description: String {
    "\(gemm == "OpenBLAS" ? "" : "products \(gemm), ")\(blas) (core \(blasCore), OPENBLAS_CORETYPE \(openblasCoretype)), kernels \(kernelDispatch)"
  }
}
