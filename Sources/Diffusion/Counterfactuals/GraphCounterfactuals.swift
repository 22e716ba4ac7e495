// GDCE counterfactuals for abstract graphs (`cfx explain` on graph6 input) and the FreeGress
// baseline (`cfx sample`), with the per-sample facts every evaluation reports: validity
// (connected and planar), whether the target edge count is met, and the exact graph edit
// distance to the input.

import Basics
import DiffusionCore
import Foundation
import Graphs
import NN

/// One generated graph with everything needed to check it independently.
public struct GraphCounterfactualRow: Codable, Sendable, Equatable {
  /// Index of the input graph (0-based, in input order).
  public var inputId: Int
  /// "gdce" (noise to tau, denoise under the target) or "freegress" (sample from pure noise).
  public var method: String
  /// Noise step tau (FreeGress: T).
  public var tau: Int
  /// Guidance scale s.
  public var guidanceScale: Float
  /// Seed of the run.
  public var seed: UInt64
  /// The input graph.
  public var originalGraph6: String
  /// Edge count of the input.
  public var originalEdges: Int
  /// Requested edge count.
  public var targetEdges: Int
  /// The generated graph.
  public var counterfactualGraph6: String
  /// Its edge count.
  public var counterfactualEdges: Int
  /// Connected.
  public var connected: Bool
  /// Planar.
  public var planar: Bool
  /// Connected and planar (the experiment's validity).
  public var valid: Bool
  /// Edge count equals the target.
  public var targetMet: Bool
  /// Exact graph edit distance to the input (unit costs).
  public var graphEditDistance: Int
  /// SHA-256 of the model weights.
  public var modelChecksum: String

  /// A row with every field given.
  public init(inputId: Int, method: String, tau: Int, guidanceScale: Float, seed: UInt64, originalGraph6: String, originalEdges: Int,
              targetEdges: Int, counterfactualGraph6: String, counterfactualEdges: Int, connected: Bool, planar: Bool, valid: Bool,
              targetMet: Bool, graphEditDistance: Int, modelChecksum: String) {
    (self.inputId, self.method, self.tau, self.guidanceScale, self.seed) = (inputId, method, tau, guidanceScale, seed)
    (self.originalGraph6, self.originalEdges, self.targetEdges) = (originalGraph6, originalEdges, targetEdges)
    (self.counterfactualGraph6, self.counterfactualEdges, self.connected, self.planar) = (counterfactualGraph6, counterfactualEdges, connected, planar)
    (self.valid, self.targetMet, self.graphEditDistance, self.modelChecksum) = (valid, targetMet, graphEditDistance, modelChecksum)
  }

  /// CSV header, in field order.
  public static let csvHeader =
    "input_id,method,tau,guidance_scale,seed,original_graph6,original_edges,target_edges,counterfactual_graph6,counterfactual_edges,connected,planar,valid,target_met,ged,model_sha256"

  /// One CSV line (graph6 never contains commas or quotes except '"'... graph6 uses bytes 63–126,
  /// which include no comma; quotes are escaped anyway).
  public var csvLine: String {
    let q = CSV.escape
    return [
      "\(inputId)", method, "\(tau)", "\(guidanceScale)", "\(seed)", q(originalGraph6), "\(originalEdges)", "\(targetEdges)",
      q(counterfactualGraph6), "\(counterfactualEdges)", "\(connected)", "\(planar)", "\(valid)", "\(targetMet)",
      "\(graphEditDistance)", modelChecksum,
    ].joined(separator: ",")
  }

  /// Ranking for users: valid and target-meeting first, then closest, then generation order.
  public static func ranked(_ rows: [GraphCounterfactualRow]) -> [GraphCounterfactualRow] {
    rows.enumerated().sorted { a, b in
      let ka = (a.element.valid && a.element.targetMet ? 0 : 1, a.element.graphEditDistance, a.offset)
      let kb = (b.element.valid && b.element.targetMet ? 0 : 1, b.element.graphEditDistance, b.offset)
      return ka < kb
    }.map(\.element)
  }
}

/// A trained planar model ready to sample.
public struct GraphCounterfactualEngine: Sendable {
  /// The defaults of every graph command: τ 50, 100 samples per input, guidance scale 1.5.
  public static let recommended = SamplingSettings(taus: [50], samples: 100, guidanceScale: 1.5)
  /// The model.
  public let model: GraphDiffusionModel
  /// SHA-256 of its weights.
  public let checksum: String

  /// Loads a model directory; refuses models of other domains and models not conditioned on an edge count.
  public init(modelDirectory: URL) throws {
    // Models of another domain carry its features and are refused by the loader.
    (model, checksum) = try GraphDiffusionModel.load(from: modelDirectory)
    guard case .classes = model.configuration.condition else {
      throw GraphCounterfactualError("\(modelDirectory.path): the model is not conditioned on an edge count (condition \(model.configuration.condition)); train one with `cfx train planar`")
    }
  }

  /// Wraps an in-memory model (tests).
  public init(model: GraphDiffusionModel, checksum: String) {
    self.model = model
    self.checksum = checksum
  }

  func rows(for samples: GraphState, input: Graph, inputId: Int, method: String, tau: Int, scale: Float, seed: UInt64,
            target: Int) -> [GraphCounterfactualRow] {
    let graphs = samples.graphs()
    let distances = GraphEditDistance.distances(graphs.map { (input, $0) })
    let original6 = Graph6.encode(input)
    return zip(graphs, distances).map { g, ged in
      let connected = g.isConnected, planar = g.isPlanar
      return GraphCounterfactualRow(
        inputId: inputId, method: method, tau: tau, guidanceScale: scale, seed: seed, originalGraph6: original6,
        originalEdges: input.edgeCount, targetEdges: target, counterfactualGraph6: Graph6.encode(g), counterfactualEdges: g.edgeCount,
        connected: connected, planar: planar, valid: connected && planar, targetMet: g.edgeCount == target,
        graphEditDistance: ged, modelChecksum: checksum)
    }
  }

  /// GDCE: `samples` counterfactuals of `graph` with `targetEdges` edges at noise step `tau`.
  public func counterfactuals(of graph: Graph, inputId: Int = 0, targetEdges: Int, tau: Int, samples: Int, scale: Float,
                              seed: UInt64, batchSize: Int? = nil) throws -> [GraphCounterfactualRow] {
    let c = model.configuration
    precondition(tau >= 1 && tau <= c.diffusion.stepCount, "counterfactuals: tau \(tau) outside 1...\(c.diffusion.stepCount)")
    var rng = RandomGenerator(seed: seed &+ UInt64(inputId) &* 0x9E37_79B9 &+ UInt64(tau))
    let state = GraphState(graphs: [graph], nodeClassCount: c.transformer.nodeClasses, edgeClassCount: c.transformer.edgeClasses)
    let out = model.counterfactuals(
      of: state, target: [Float(targetEdges)], noiseStep: tau, sampleCount: samples, guidanceScale: scale, batchSize: batchSize, using: &rng)
    return rows(for: out, input: graph, inputId: inputId, method: "gdce", tau: tau, scale: scale, seed: seed, target: targetEdges)
  }

  /// FreeGress samples: `samples` graphs with `nodes` nodes generated from pure noise under the
  /// target. They do not depend on any input graph, only on (target, nodes, seed).
  public func freeGressSamples(nodes: Int, targetEdges: Int, samples: Int, scale: Float, seed: UInt64, batchSize: Int? = nil) throws -> [Graph] {
    var rng = RandomGenerator(seed: seed &+ UInt64(targetEdges) &* 0x9E37_79B9 &+ UInt64(nodes) &* 0x85EB_CA6B &+ 0xF4EE)
    let out = model.generated(
      nodeCounts: Array(repeating: nodes, count: samples), target: [Float(targetEdges)], guidanceScale: scale, batchSize: batchSize, using: &rng)
    return out.graphs()
  }

  /// Rows comparing given FreeGress samples with an input graph.
  public func freeGressRows(_ samples: [Graph], for graph: Graph, inputId: Int, targetEdges: Int, scale: Float, seed: UInt64) throws -> [GraphCounterfactualRow] {
    let c = model.configuration
    let state = GraphState(graphs: samples, nodeClassCount: c.transformer.nodeClasses, edgeClassCount: c.transformer.edgeClasses)
    return rows(for: state, input: graph, inputId: inputId, method: "freegress", tau: c.diffusion.stepCount, scale: scale, seed: seed, target: targetEdges)
  }

  /// FreeGress baseline: `samples` graphs with the input's node count generated from pure noise
  /// under the target, compared with the input.
  public func freeGress(for graph: Graph, inputId: Int = 0, targetEdges: Int, samples: Int, scale: Float, seed: UInt64,
                        batchSize: Int? = nil) throws -> [GraphCounterfactualRow] {
    let c = model.configuration
    var rng = RandomGenerator(seed: seed &+ UInt64(inputId) &* 0x9E37_79B9 &+ 0xF4EE)
    let out = model.generated(
      nodeCounts: Array(repeating: graph.nodeCount, count: samples), target: [Float(targetEdges)], guidanceScale: scale,
      batchSize: batchSize, using: &rng)
    return rows(for: out, input: graph, inputId: inputId, method: "freegress", tau: c.diffusion.stepCount, scale: scale,
                seed: seed, target: targetEdges)
  }
}

/// Why graph counterfactuals cannot be made with a model (the message says how to fix it).
public struct GraphCounterfactualError: Error, CustomStringConvertible {
  /// What went wrong and how to fix it.
  public var description: String
  /// An error with a message.
  public init(_ description: String) { self.description = description }
}
