// Input features a domain adds to the denoiser's: computed from the noisy graph G_t at every
// step, like the structural extra features, but defined by the module that knows the domain
// (molecules: real valences and weight). The model only concatenates them; the domain module
// supplies the type when it loads a model, and its parameters are stored in config.json under
// the type's own key, so a model file says which domain it belongs to.

import Foundation

/// A domain's extra input features, computed from the noisy graph and stored with the model.
public protocol GraphDomainFeatures: Codable, Sendable {
  /// The key of the features' parameters in a model's configuration (e.g. "molecular").
  static var configurationKey: String { get }
  /// Node classes and edge classes the features are defined for.
  var nodeClassCount: Int { get }
  var edgeClassCount: Int { get }
  /// Widths of the per-node and per-graph features.
  var nodeWidth: Int { get }
  var globalWidth: Int { get }
  /// The features of a batch, without gradients. Shapes: nodes [bs, n, a], edges
  /// [bs, n, n, b], nodeMask [bs, n] → nodes [bs, n, nodeWidth], globals [bs, globalWidth].
  func features(nodes: Tensor, edges: Tensor, nodeMask: Tensor) -> (nodes: Tensor, globals: Tensor)
}

/// The domain feature types a loader can read, handed to the configuration's decoder.
public struct GraphDomainFeatureTypes: @unchecked Sendable {
  /// The types (their metatypes are immutable, hence the unchecked Sendable).
  public var types: [any GraphDomainFeatures.Type]
  /// The decoder's user-info key.
  public static let userInfoKey = CodingUserInfoKey(rawValue: "cfx.graphDomainFeatureTypes")!
  /// Types.
  public init(_ types: [any GraphDomainFeatures.Type]) { self.types = types }
}

extension GraphDiffusionConfiguration: Codable {
  private enum CodingKeys: String, CodingKey, CaseIterable {
    case diffusion, transformer, extraFeatures, maximumNodes, condition, unconditionalProbability, edgeLossWeight
    case nodeCountHistogram, description
  }

  private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  /// Decodes a configuration. Domain features are read with the types in the decoder's user
  /// info under `GraphDomainFeatureTypes.userInfoKey`; a configuration with features of another
  /// domain is refused with a message naming them, and widths that do not add up are refused
  /// too (a model file edited by hand, or of another version).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let all = try decoder.container(keyedBy: AnyKey.self)
    let known = (decoder.userInfo[GraphDomainFeatureTypes.userInfoKey] as? GraphDomainFeatureTypes)?.types ?? []
    var domain: (any GraphDomainFeatures)? = nil
    for type in known where all.contains(AnyKey(stringValue: type.configurationKey)) {
      domain = try type.init(from: all.superDecoder(forKey: AnyKey(stringValue: type.configurationKey)))
    }
    let fields = Set(CodingKeys.allCases.map(\.stringValue))
    if domain == nil, let other = all.allKeys.map(\.stringValue).first(where: { !fields.contains($0) }) {
      throw DecodingError.dataCorruptedError(
        forKey: AnyKey(stringValue: other), in: all,
        debugDescription: "the model carries '\(other)' domain features, which this command does not read: it is a model of another domain (a 'molecular' model is for `cfx explain molecules`)")
    }
    let transformer = try c.decode(GraphTransformerConfiguration.self, forKey: .transformer)
    let extraFeatures = try c.decode(ExtraFeatureSet.self, forKey: .extraFeatures)
    let condition = try c.decode(ConditionEncoding.self, forKey: .condition)
    if let problem = Self.inconsistency(transformer: transformer, extraFeatures: extraFeatures, condition: condition, domainFeatures: domain) {
      throw DecodingError.dataCorruptedError(forKey: .transformer, in: c, debugDescription: problem)
    }
    self.init(
      diffusion: try c.decode(DiscreteDiffusion.self, forKey: .diffusion), transformer: transformer, extraFeatures: extraFeatures,
      maximumNodes: try c.decode(Int.self, forKey: .maximumNodes), condition: condition,
      unconditionalProbability: try c.decode(Double.self, forKey: .unconditionalProbability),
      edgeLossWeight: try c.decode(Float.self, forKey: .edgeLossWeight),
      nodeCountHistogram: try c.decode([Int].self, forKey: .nodeCountHistogram), description: try c.decode(String.self, forKey: .description),
      domainFeatures: domain)
  }

  /// Encodes the fields, and the domain features under their own key.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(diffusion, forKey: .diffusion)
    try c.encode(transformer, forKey: .transformer)
    try c.encode(extraFeatures, forKey: .extraFeatures)
    try c.encode(maximumNodes, forKey: .maximumNodes)
    try c.encode(condition, forKey: .condition)
    try c.encode(unconditionalProbability, forKey: .unconditionalProbability)
    try c.encode(edgeLossWeight, forKey: .edgeLossWeight)
    try c.encode(nodeCountHistogram, forKey: .nodeCountHistogram)
    try c.encode(description, forKey: .description)
    if let domainFeatures {
      var all = encoder.container(keyedBy: AnyKey.self)
      try domainFeatures.encode(to: all.superEncoder(forKey: AnyKey(stringValue: type(of: domainFeatures).configurationKey)))
    }
  }
}
