import Tensor
import Testing
import Workbench

@Suite struct NativeLibraryReportTests {
  /// Advice only when OpenBLAS picked kernels older than the CPU by itself.
  @Test func blasAdviceOnlyForAnOutdatedOwnChoice() {
    func arithmetic(_ core: String, _ set: String, _ level: String) -> ArithmeticProvenance {
      ArithmeticProvenance(blas: "OpenBLAS 0.3.21", blasCore: core, openblasCoretype: set, kernelDispatch: level)
    }
    #expect(NativeLibraryReport.blasAdvice(arithmetic("Prescott", "unset", "x86-64-v4"))?.contains("OPENBLAS_CORETYPE=SkylakeX") == true)
    #expect(NativeLibraryReport.blasAdvice(arithmetic("Prescott", "unset", "x86-64-v3"))?.contains("OPENBLAS_CORETYPE=Haswell") == true)
    #expect(NativeLibraryReport.blasAdvice(arithmetic("Prescott", "Prescott", "x86-64-v4")) == nil)
    #expect(NativeLibraryReport.blasAdvice(arithmetic("Prescott", "unset", "baseline")) == nil)
    #expect(NativeLibraryReport.blasAdvice(arithmetic("Cooperlake", "unset", "x86-64-v4")) == nil)
    #expect(NativeLibraryReport.blasAdvice(arithmetic("Haswell", "unset", "x86-64-v3")) == nil)
  }
}
