// `cfx bench explain`: wall time of GDCE on one input (K samples at tau), as JSON. For graphs
// the planar issue's number (100 samples at tau = 50 within 2 s, bundled demo graphs); for
// molecule models the molecule issue's (10 samples at tau = 50 within 10 s, the bundled example
// molecules, each counterfactual fully evaluated: validity, SMILES, logP, fingerprint).

import Diffusion
import DiffusionCore
import Foundation
import Graphs
import Molecules
import Tensor

/// Timing of `cfx explain` work, printable as JSON.
public struct ExplainBenchmark: Codable, Sendable, BenchmarkReport {
  /// "graphs" or "molecules".
  public var domain: String
  /// Model SHA-256.
  public var modelSha256: String
  /// Samples per graph, tau, guidance scale.
  public var samples: Int, tau: Int, guidanceScale: Float
  /// Property steering strength (molecules; 0: off) and particles per returned sample.
  public var steering: Double = 0, particles: Int = 1
  /// Proximity weight of steering (molecules; 0: off).
  public var proximity: Double = 0
  /// Minimal-edit refinement (molecules).
  public var refine: Bool = false
  /// Inputs timed (graph6 or SMILES).
  public var graphs: [String]
  /// Best wall seconds per graph over the repeats, per graph.
  public var bestSeconds: [Double]
  /// Mean of bestSeconds.
  public var meanBestSeconds: Double
  /// Denoiser calls per input of one round (tau steps, one batched call each: conditional and
  /// null together); a budgeted run draws further rounds while its budget lasts.
  public var denoiserCallsPerGraph: Int
  /// Most property evaluations per input (molecules; nil: unlimited) and the mean used.
  public var budget: Int? = nil, meanEvaluations: Double? = nil
  /// Load average when measured (other processes share the 2 cores).
  public var loadAverage: String
  /// The BLAS library, its core type and the C kernels' code path that were timed.
  public var arithmetic: ArithmeticProvenance = .current

  /// Times GDCE (model loading excluded) on the bundled demo graphs at the one τ of `sampling`;
  /// repeat r samples with seed `sampling.seed` + r.
  public static func run(modelDirectory: URL, sampling: SamplingSettings, repeats: Int) throws -> ExplainBenchmark {
    precondition(sampling.taus.count == 1, "ExplainBenchmark.run: times one τ, got \(sampling.taus)")
    let (tau, samples, scale) = (sampling.taus[0], sampling.samples, sampling.guidanceScale)
    let engine = try GraphCounterfactualEngine(modelDirectory: modelDirectory)
    let graphs = try DemoJob.exampleGraphs.map { try Graph6.decode($0) }
    var best: [Double] = []
    for (i, g) in graphs.enumerated() {
      var b = Double.infinity
      for r in 0..<Swift.max(repeats, 1) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = try engine.counterfactuals(of: g, inputId: i, targetEdges: g.edgeCount - 1, tau: tau, samples: samples, scale: scale, seed: sampling.seed &+ UInt64(r))
        b = Swift.min(b, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
      }
      best.append(b)
    }
    let load = loadAverage()
    return ExplainBenchmark(
      domain: "graphs", modelSha256: engine.checksum, samples: samples, tau: tau, guidanceScale: scale, graphs: DemoJob.exampleGraphs,
      bestSeconds: best, meanBestSeconds: best.reduce(0, +) / Double(best.count), denoiserCallsPerGraph: tau, loadAverage: load)
  }

  /// Times molecule GDCE (model loading excluded) on the bundled example molecules
  /// (molecules/examples/example.smi), target logP in [1.7, 3.8], at the one τ of `settings`;
  /// repeat r samples with seed `settings.sampling.seed` + r.
  public static func runMolecules(modelDirectory: URL, settings: MoleculeCounterfactualSettings, repeats: Int) throws -> ExplainBenchmark {
    precondition(settings.method == .gdce && settings.sampling.taus.count == 1, "ExplainBenchmark.runMolecules: times GDCE at one τ, got \(settings.method) at \(settings.sampling.taus)")
    let engine = try MoleculeCounterfactualEngine.load(from: modelDirectory)
    let examples = try MoleculeData.loadFile(ShippedModels.moleculesDirectory().appendingPathComponent("examples/example.smi").path)
    var best: [Double] = [], evaluations: [Int] = []
    for (i, input) in examples.entries.enumerated() {
      var b = Double.infinity
      for r in 0..<Swift.max(repeats, 1) {
        var seeded = settings
        seeded.sampling.seed = settings.sampling.seed &+ UInt64(r)
        let t0 = DispatchTime.now().uptimeNanoseconds
        let rows = try engine.counterfactuals(of: input, inputId: i, target: .drugLikeLogP, settings: seeded)
        b = Swift.min(b, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        if let used = rows.first?.row.evaluations { evaluations.append(used) }
      }
      best.append(b)
    }
    return ExplainBenchmark(
      domain: "molecules", modelSha256: engine.modelChecksum, samples: settings.sampling.samples, tau: settings.sampling.taus[0], guidanceScale: settings.sampling.guidanceScale,
      steering: settings.steering, particles: settings.particles, proximity: settings.proximity, refine: settings.refine,
      graphs: examples.entries.map(\.smiles), bestSeconds: best, meanBestSeconds: best.reduce(0, +) / Double(Swift.max(best.count, 1)),
      denoiserCallsPerGraph: settings.sampling.taus[0], budget: settings.budget,
      meanEvaluations: evaluations.isEmpty ? nil : Double(evaluations.reduce(0, +)) / Double(evaluations.count), loadAverage: loadAverage())
  }

  static func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
  }

}
