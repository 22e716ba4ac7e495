// Graph-transformer size presets shared by the planar and molecule experiments.

import Diffusion

/// A transformer size: layer dimensions, hidden widths of the input/output MLPs (X, E, y) and
/// the number of layers.
public struct TransformerPreset: Sendable {
  /// The dimensions of each transformer layer.
  public var layer: GraphTransformerDimensions
  /// Hidden widths of the input and output MLPs for nodes, edges and globals.
  public var hidden: (x: Int, e: Int, y: Int)
  /// Number of transformer layers.
  public var layers: Int

  /// A preset with every size given.
  public init(layer: GraphTransformerDimensions, hidden: (x: Int, e: Int, y: Int), layers: Int) {
    (self.layer, self.hidden, self.layers) = (layer, hidden, layers)
  }

  /// For tests: trains in seconds.
  public static let tiny = TransformerPreset(
    layer: GraphTransformerDimensions(dx: 16, de: 8, dy: 8, heads: 2, ffX: 16, ffE: 16, ffy: 16, dropout: 0),
    hidden: (16, 8, 16), layers: 1)
  /// 4 layers, dx 64: the size for this machine's CPU budget.
  public static let small = TransformerPreset(
    layer: GraphTransformerDimensions(dx: 64, de: 32, dy: 32, heads: 4, ffX: 128, ffE: 64, ffy: 64, dropout: 0),
    hidden: (64, 32, 64), layers: 4)

  /// The full configuration for the given class counts, extra-feature widths (globals include
  /// t/T) and condition width.
  public func configuration(nodeClasses: Int, edgeClasses: Int, extraNodes: Int, extraGlobals: Int, conditionWidth: Int)
    -> GraphTransformerConfiguration
  {
    GraphTransformerConfiguration(
      nodeClasses: nodeClasses, edgeClasses: edgeClasses, extraNodeFeatures: extraNodes, extraGlobalFeatures: extraGlobals,
      conditionWidth: conditionWidth, hiddenX: hidden.x, hiddenE: hidden.e, hiddenY: hidden.y, layer: layer, layers: layers)
  }
}
