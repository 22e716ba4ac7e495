import Diffusion
import Foundation
import Tensor
import Testing
import Workbench

/// `cfx bench train` on the tiny molecule preset: a fraction of a second of steps, and a report
/// whose numbers agree with each other (no wall-clock thresholds).
@Suite(.serialized) struct TrainingBenchmarkTests {
  @Test func tinyPresetReportIsConsistent() throws {
    let report = try TrainingBenchmark.run(presets: [.moleculesTiny], batchSize: 8, seconds: 0.2, seed: 3, peakSeconds: 0.01)
    #expect(report.presets.count == 1)
    let r = try #require(report.presets.first)
    #expect(r.preset == "molecules-tiny")
    #expect(r.steps >= 3)
    #expect(r.medianSecondsPerStep > 0)
    #expect(abs(r.stepsPerSecond * r.medianSecondsPerStep - 1) < 1e-12)
    #expect(r.matmulFlopsPerStep > 0)
    #expect(abs(r.gflops - r.matmulFlopsPerStep / r.medianSecondsPerStep / 1e9) <= 1e-9 * r.gflops)
    if let fraction = r.fractionOfPeak { #expect(fraction > 0 && fraction <= 1) }
    #expect(r.batchSize == 8 && r.nodes > 0 && r.nodes <= 27)
    #expect(r.firstLoss.isFinite && r.lastLoss.isFinite)
    // The parameter count is the model's own: the tiny transformer with the shipped molecule inputs.
    let workload = try TrainingBenchmark.workload(.moleculesTiny, batchSize: 8, seed: 3)
    var rng = RandomGenerator(seed: 0)
    #expect(r.parameters == GraphDiffusionModel(workload.configuration, using: &rng).parameterCount)
    #expect(workload.examples.allSatisfy { $0.graph.nodeCount == r.nodes })
    // The JSON round-trips.
    let decoded = try JSONDecoder().decode(TrainingBenchmark.self, from: Data(report.json.utf8))
    #expect(decoded.presets.first?.medianSecondsPerStep == r.medianSecondsPerStep)
  }

  @Test func flopCountAddsTheInputAndOutputMapsToTheLayers() {
    let c = TransformerPreset.small.configuration(nodeClasses: 11, edgeClasses: 4, extraNodes: 6, extraGlobals: 7, conditionWidth: 2)
    let layers = 4 * GraphTransformerLayer.forwardMatmulFlops(c.layer, batch: 2, nodes: 3)
    let forward = TrainingBenchmark.forwardMatmulFlops(c, batch: 2, nodes: 3)
    // By hand for bs 2, n 3 (6 node rows, 18 edge rows): inputs and outputs in multiply-adds.
    let inputX: Int = 6 * 17 * 64 + 2 * 2 * 64 + 6 * 64 * 64
    let inputE: Int = 18 * 4 * 32 + 2 * 2 * 32 + 18 * 32 * 32
    let inputY: Int = 2 * 9 * 64 + 2 * 64 * 32
    let output: Int = 6 * (64 * 64 + 64 * 11) + 18 * (32 * 32 + 32 * 4)
    let macs: Int = inputX + inputE + inputY + output
    #expect(forward == layers + 2 * Double(macs))
    #expect(TrainingBenchmark.matmulFlopsPerStep(c, batch: 2, nodes: 3) == 3 * forward)
  }

  @Test func exportWritesACheckpointAndTheReferenceBatch() throws {
    let directory = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let workload = try TrainingBenchmark.workload(.moleculesTiny, batchSize: 4, seed: 1)
    let reference = try TrainingBenchmark.writeReference(workload, seed: 1, to: directory)
    #expect(reference.loss.isFinite && reference.loss > 0 && reference.gradientNorm > 0)
    let batch = try SafeTensorsFile.read(from: directory.appendingPathComponent("batch.safetensors"))
    #expect(batch.tensors["noisy_edges"]?.shape == [4, workload.nodes, workload.nodes, 4])
    #expect(batch.metadata["loss"] == "\(reference.loss)")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path))
  }
}
