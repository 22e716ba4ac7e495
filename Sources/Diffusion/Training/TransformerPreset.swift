// Graph-transformer size presets shared by the planar and molecule experiments.


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
  /// 6 layers, dx 128 (the medium molecule model).
  public static let medium = TransformerPreset(
    layer: GraphTransformerDimensions(dx: 128, de: 32, dy: 64, heads: 8, ffX: 256, ffE: 64, ffy: 128, dropout: 0),
    hidden: (128, 64, 128), layers: 6)
  /// DiGress's planar configuration: 10 layers, dx 256.
  public static let digress = TransformerPreset(
    layer: GraphTransformerDimensions(dx: 256, de: 64, dy: 64, heads: 8, ffX: 256, ffE: 64, ffy: 2048, dropout: 0.1),
    hidden: (128, 64, 128), layers: 10)

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
