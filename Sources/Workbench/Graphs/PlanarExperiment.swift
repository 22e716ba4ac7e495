// The planar-graph experiment (Bechtoldt and Bender, "Graph Diffusion Counterfactual Explanation", Table 1): a diffusion model over connected planar
// graphs conditioned on the edge count, trained by `cfx train planar`, used by `cfx explain`
// and evaluated by `cfx eval planar`.

import Diffusion
import DiffusionCore
import Foundation
import Graphs
import NN

/// Model sizes for the planar experiment.
public enum PlanarModelSize: String, CaseIterable, Sendable, Codable {
  /// For tests: trains in seconds.
  case tiny
  /// The shipped model: trains within an hour on 2 cores.
  case small
  /// DiGress's planar configuration (10 layers, dx 256): far beyond this machine's hour.
  case digress

  /// The transformer for one node class and two edge classes (edge / no edge).
  func transformer(extra: ExtraFeatureSet, conditionWidth: Int) -> GraphTransformerConfiguration {
    let preset: TransformerPreset = switch self {
    case .tiny: .tiny
    case .small: .small
    case .digress: .digress
    }
    return preset.configuration(
      nodeClasses: 1, edgeClasses: 2, extraNodes: extra.nodeWidth, extraGlobals: extra.globalWidth + 1, conditionWidth: conditionWidth)
  }
}

/// The planar experiment's data and model conventions.
public enum PlanarExperiment {
  /// Number of edge-count classes for graphs on `n` nodes (a planar graph has at most 3n − 6 edges).
  public static func edgeCountClasses(nodes n: Int) -> Int { Swift.max(3 * n - 6, n) + 1 }

  /// The training examples: each graph with its edge count as the class target.
  public static func examples(_ graphs: [Graph]) -> [GraphExample] {
    graphs.map { GraphExample(graph: $0, target: [Float($0.edgeCount)]) }
  }

  /// The model configuration for graphs like `training`.
  public static func configuration(training: [Graph], size: PlanarModelSize, diffusionSteps: Int,
                                   extraFeatures: ExtraFeatureSet = .all) -> GraphDiffusionConfiguration {
    let n = training.map(\.nodeCount).max() ?? 8
    let classes = edgeCountClasses(nodes: n)
    let state = GraphState(graphs: training, nodeClassCount: 1, edgeClassCount: 2)
    let frequencies = state.classFrequencies()
    var histogram = [Int](repeating: 0, count: n + 1)
    for g in training { histogram[g.nodeCount] += 1 }
    let diffusion = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: diffusionSteps),
      nodeTransition: .marginal(frequencies: frequencies.nodes), edgeTransition: .marginal(frequencies: frequencies.edges))
    return GraphDiffusionConfiguration(
      diffusion: diffusion, transformer: size.transformer(extra: extraFeatures, conditionWidth: classes),
      extraFeatures: extraFeatures, maximumNodes: n, condition: .classes(count: classes),
      nodeCountHistogram: histogram,
      description: "connected planar graphs on \(n) nodes; condition = edge count (one-hot, \(classes) classes); model size \(size.rawValue)")
  }

  /// Reads a split file written by `cfx data planar` (graph6, one graph per line).
  public static func readSplit(_ url: URL) throws -> [Graph] {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw TrainingError.data("\(url.path): cannot read (\(error.localizedDescription)); run `cfx data planar --out DIR` first")
    }
    var graphs: [Graph] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed == Graph6.header { continue }
      graphs.append(try Graph6.decode(trimmed, source: url.path, line: i + 1))
    }
    return graphs
  }

  /// The train/validation/test split: from `directory` (written by `cfx data planar`) when
  /// given, else enumerated in memory with the standard split and `seed`.
  public static func split(directory: URL?, seed: UInt64, nodes: Int = 8) throws -> DatasetSplit {
    if let directory {
      return DatasetSplit(
        train: try readSplit(directory.appendingPathComponent("train.g6")),
        validation: try readSplit(directory.appendingPathComponent("validation.g6")),
        test: try readSplit(directory.appendingPathComponent("test.g6")))
    }
    return DatasetSplit(GraphEnumeration.planarGraphs(nodeCount: nodes, connectedOnly: true), fractions: .standard, seed: seed)
  }
}
