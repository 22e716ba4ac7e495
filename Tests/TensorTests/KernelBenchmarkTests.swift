import Foundation
import Testing
@testable import Tensor

@Suite struct KernelBenchmarkTests {
  /// The benchmark runs and its JSON decodes with every section filled (no timing is checked).
  @Test func benchmarkProducesCompleteJSON() throws {
    let json = TensorKernelBenchmark.json(repetitions: 1)
    let report = try JSONDecoder().decode(TensorKernelBenchmark.Report.self, from: Data(json.utf8))
    #expect(report.sgemm.count == 4 && report.elementwise.count == 9 && report.fusion.count == 5)
    #expect(report.sgemm.allSatisfy { ($0.gflops ?? 0) > 0 && $0.milliseconds > 0 })
    #expect(report.fusion.allSatisfy { $0.speedup > 0 })
    #expect(["baseline", "x86-64-v3", "x86-64-v4"].contains(ArithmeticProvenance.current.kernelDispatch))
  }
}
