// `cfx bench images`: convolutions and a classifier training step, beside the sgemm peak.

import ArgumentParser
import Workbench

struct BenchImages: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "images",
    abstract: "Time 3×3 convolutions at the image models' shapes and a classifier training step; prints JSON.",
    discussion: """
      Batch 64. Each convolution forward and forward + backward, and one training step of the \
      Fashion-MNIST classifier (forward, backward, AdamW), in GFLOP/s and as a fraction of the \
      sgemm peak measured in the same run. Build with `swift build -c release`.
      """)

  @Option(help: "Seconds to spend per measurement (best of repeated runs).")
  var seconds: Double = 0.5

  func run() throws {
    print(ImageBenchmark.run(seconds: seconds).json)
  }
}
