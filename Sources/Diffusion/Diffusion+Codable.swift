// JSON (Codable) forms of the process configuration, for checkpoint configs. Only the defining
// parameters are stored; derived tables (β, ᾱ) are recomputed on decoding, and decoded values
// are validated like constructed ones (a bad file throws DecodingError, it never traps).

import DiffusionCore

extension CosineNoiseSchedule: Codable {
  private enum CodingKeys: String, CodingKey { case stepCount, offset }

  /// Decodes `{"stepCount": T, "offset": s}` and recomputes the tables.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let steps = try container.decode(Int.self, forKey: .stepCount)
    let offset = try container.decodeIfPresent(Double.self, forKey: .offset) ?? 0.008
    guard steps >= 1, offset > 0 else {
      throw DecodingError.dataCorruptedError(
        forKey: .stepCount, in: container,
        debugDescription: "noise schedule needs stepCount ≥ 1 and offset > 0, got \(steps) and \(offset); fix the config")
    }
    self.init(stepCount: steps, offset: offset)
  }

  /// Encodes `{"stepCount": T, "offset": s}`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(stepCount, forKey: .stepCount)
    try container.encode(offset, forKey: .offset)
  }
}

extension CategoricalTransition: Codable {
  private enum CodingKeys: String, CodingKey { case limitDistribution }

  /// Decodes `{"limitDistribution": [...]}` (non-negative weights with a positive sum).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let weights = try container.decode([Double].self, forKey: .limitDistribution)
    guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 && $0.isFinite }), weights.reduce(0, +) > 0 else {
      throw DecodingError.dataCorruptedError(
        forKey: .limitDistribution, in: container,
        debugDescription: "limit distribution \(weights) needs non-negative finite weights with a positive sum; fix the config")
    }
    self.init(limitDistribution: weights)
  }

  /// Encodes `{"limitDistribution": [...]}`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(limitDistribution, forKey: .limitDistribution)
  }
}

extension DiscreteDiffusion: Codable {
  private enum CodingKeys: String, CodingKey { case schedule, nodeTransition, edgeTransition }

  /// Decodes the schedule and the node and edge transitions (edges need ≥ 2 classes).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let edges = try container.decode(CategoricalTransition.self, forKey: .edgeTransition)
    guard edges.classCount >= 2 else {
      throw DecodingError.dataCorruptedError(
        forKey: .edgeTransition, in: container, debugDescription: "edges need at least 2 classes (0 = no edge); fix the config")
    }
    self.init(
      schedule: try container.decode(CosineNoiseSchedule.self, forKey: .schedule),
      nodeTransition: try container.decode(CategoricalTransition.self, forKey: .nodeTransition), edgeTransition: edges)
  }

  /// Encodes the schedule and the node and edge transitions.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(schedule, forKey: .schedule)
    try container.encode(nodeTransition, forKey: .nodeTransition)
    try container.encode(edgeTransition, forKey: .edgeTransition)
  }
}

extension NodeCountDistribution: Codable {
  private enum CodingKeys: String, CodingKey { case probabilities }

  /// Decodes `{"probabilities": [P(n = 0), P(n = 1), …]}` (non-negative, summing to 1 ± 1e-6).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let probabilities = try container.decode([Double].self, forKey: .probabilities)
    guard probabilities.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(probabilities.reduce(0, +) - 1) < 1e-6 else {
      throw DecodingError.dataCorruptedError(
        forKey: .probabilities, in: container,
        debugDescription: "node-count probabilities must be non-negative and sum to 1, got \(probabilities.prefix(8)); fix the config")
    }
    self.init(probabilities: probabilities)
  }

  /// Encodes `{"probabilities": [...]}`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(probabilities, forKey: .probabilities)
  }
}
