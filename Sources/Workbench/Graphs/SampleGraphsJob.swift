// The job behind `cfx sample`: FreeGress generation from pure noise under a condition.

import Basics
import Diffusion
import DiffusionCore
import Foundation
import Graphs

/// A request of `cfx sample`.
public struct SampleGraphsRequest: Sendable {
  /// Model directory.
  public var modelDirectory: URL
  /// Target edge count (nil: unconditional, the learned null condition).
  public var targetEdges: Int?
  /// Graphs to generate (`sampling.samples`), guidance scale and seed; sampling starts from
  /// noise, so `sampling.taus` is empty.
  public var sampling: SamplingSettings
  /// Node count of every graph (nil: drawn from the training histogram).
  public var nodes: Int?
  /// Output directory (samples.g6 and samples.csv), or nil.
  public var outputDirectory: URL?

  /// A request.
  public init(modelDirectory: URL, targetEdges: Int?, sampling: SamplingSettings, nodes: Int?, outputDirectory: URL?) {
    precondition(sampling.taus.isEmpty, "SampleGraphsRequest: sampling from noise has no τ to choose, got \(sampling.taus)")
    (self.modelDirectory, self.targetEdges, self.sampling, self.nodes, self.outputDirectory) = (modelDirectory, targetEdges, sampling, nodes, outputDirectory)
  }
}

/// Samples graphs from a model.
public enum SampleGraphsJob {
  /// Generates the graphs; returns them and a report.
  public static func run(_ request: SampleGraphsRequest) throws -> (graphs: [Graph], text: String) {
    let engine = try GraphCounterfactualEngine(modelDirectory: request.modelDirectory)
    let model = engine.model
    let c = model.configuration
    if let t = request.targetEdges, case .classes(let classes) = c.condition, t < 0 || t >= classes {
      throw ExplainError("--target-edges \(t) is outside what the model was trained on (0...\(classes - 1))")
    }
    if let n = request.nodes, n < 1 || n > c.maximumNodes {
      throw ExplainError("--nodes \(n) is outside 1...\(c.maximumNodes) (the model's largest graph)")
    }
    var rng = RandomGenerator(seed: request.sampling.seed)
    let counts = (0..<request.sampling.samples).map { _ in request.nodes ?? model.nodeCountDistribution.sample(using: &rng) }
    let target = request.targetEdges.map { [Float($0)] }
    let state = model.generated(
      nodeCounts: counts, nodeCapacity: c.maximumNodes, target: target, guidanceScale: request.sampling.guidanceScale, batchSize: 100, using: &rng)
    let graphs = state.graphs()
    let valid = graphs.filter { $0.isConnected && $0.isPlanar }.count
    let onTarget = request.targetEdges.map { t in graphs.filter { $0.edgeCount == t }.count }
    let unique = Set(graphs.map(\.canonicalForm)).count
    var lines = [
      "generated \(graphs.count) graphs (model \(engine.checksum.prefix(12))…, seed \(request.sampling.seed), s = \(request.sampling.guidanceScale)):",
      "  connected and planar: \(valid) (\(String(format: "%.2f", Double(valid) / Double(graphs.count))))",
      "  unique up to isomorphism: \(unique)",
    ]
    if let onTarget, let t = request.targetEdges { lines.append("  with \(t) edges: \(onTarget)") }
    if let out = request.outputDirectory {
      try AtomicFile.write(Data((graphs.map(Graph6.encode).joined(separator: "\n") + "\n").utf8), to: out.appendingPathComponent("samples.g6"))
      let csv = ["index,graph6,nodes,edges,connected,planar,target_edges,seed,guidance_scale,model_sha256"] + graphs.enumerated().map { i, g in
        "\(i),\(Graph6.encode(g)),\(g.nodeCount),\(g.edgeCount),\(g.isConnected),\(g.isPlanar),\(request.targetEdges.map(String.init) ?? ""),\(request.sampling.seed),\(request.sampling.guidanceScale),\(engine.checksum)"
      }
      try AtomicFile.write(Data((csv.joined(separator: "\n") + "\n").utf8), to: out.appendingPathComponent("samples.csv"))
      lines.append("wrote \(out.path)/samples.g6 and samples.csv")
    } else {
      lines += graphs.prefix(20).map { "  \(Graph6.encode($0))  \($0.edgeCount) edges" }
    }
    return (graphs, lines.joined(separator: "\n"))
  }
}
