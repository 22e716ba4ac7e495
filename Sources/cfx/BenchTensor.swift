// `cfx bench tensor`: tensor-core benchmark as JSON.

import ArgumentParser
import Workbench

struct BenchTensor: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tensor",
    abstract: "Benchmark sgemm, elementwise kernels and a graph-transformer layer; prints JSON.",
    discussion: """
      Every throughput is compared with the sgemm peak measured in the same run. Build with \
      `swift build -c release` for meaningful numbers; OPENBLAS_CORETYPE changes the BLAS kernels.
      """)

  @Option(help: "Seconds to spend per measurement (best of repeated runs).")
  var seconds: Double = 0.5

  @Option(help: "OpenBLAS threads (default 1: the Tensor kernels split large products across cores themselves).")
  var threads: Int?

  @Flag(help: "Measure only the transformer layer (and one sgemm shape as the peak reference), for profiling.")
  var layerOnly = false

  func run() throws {
    let report = TensorBenchmark.run(secondsPerMeasurement: seconds, threads: threads, layerOnly: layerOnly)
    print(report.json)
  }
}
