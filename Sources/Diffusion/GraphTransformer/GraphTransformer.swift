// The DiGress denoiser (port of DiGress src/models/transformer_model.py, GraphTransformer) with
// FreeGress-style conditioning: the condition vector is an extra input of the node, edge and
// global input MLPs.
//
// Input layers are `PartitionedLinear`s: a Linear on the concatenation [part₁, part₂, ...] written
// as Σ partᵢ Wᵢᵀ. This is the same function with the same parameter count, but the condition
// (one vector per graph) is projected once per graph and broadcast, instead of being copied into
// all n² edge vectors and multiplied there.

/// A linear map of the concatenation of several inputs, computed part by part.
/// Shapes: parts [..., wᵢ] (each broadcastable to a common leading shape) → [..., outputs].
public struct PartitionedLinear: ParameterTree, Sendable {
  /// One map per input part (the first carries the bias).
  public var parts: [Linear]

  /// A map from parts of widths `inputs` (zero widths allowed and skipped) to `outputs`,
  /// initialised as one Linear(Σ widths → outputs) would be in PyTorch.
  public init(inputs: [Int], outputs: Int, using rng: inout RandomGenerator) {
    let fanIn = Swift.max(1, inputs.reduce(0, +))
    let bound = 1 / Float(fanIn).squareRoot()
    parts = inputs.enumerated().map { i, w in
      Linear(
        weight: Tensor.uniform([outputs, w], low: -bound, high: bound, using: &rng),
        bias: i == 0 ? Tensor.uniform([outputs], low: -bound, high: bound, using: &rng) : nil)
    }
  }

  /// Applies the map; `inputs[i]` has last extent `parts[i].inputs` (nil for zero-width parts).
  public func callAsFunction(_ inputs: [Tensor?]) -> Tensor {
    precondition(inputs.count == parts.count, "PartitionedLinear: \(inputs.count) inputs for \(parts.count) parts")
    var sum: Tensor? = nil
    for (part, x) in zip(parts, inputs) {
      guard part.inputs > 0 else { continue }
      guard let x else { preconditionFailure("PartitionedLinear: missing input for a part of width \(part.inputs)") }
      let y = part(x)
      sum = sum.map { $0 + y } ?? y
    }
    guard let sum else { preconditionFailure("PartitionedLinear: all parts have zero width") }
    return sum
  }

  /// Parts are named `parts.0.weight`, ...
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("parts", &parts, body)
  }
}

/// Sizes of a graph transformer.
public struct GraphTransformerConfiguration: Codable, Sendable, Equatable {
  /// Node classes a (one-hot width of X) and edge classes b (incl. "no edge").
  public var nodeClasses: Int, edgeClasses: Int
  /// Extra input widths: per-node features, per-graph features (incl. the time t/T).
  public var extraNodeFeatures: Int, extraGlobalFeatures: Int
  /// Width of the condition vector (0 = unconditional).
  public var conditionWidth: Int
  /// Hidden widths of the input/output MLPs for X, E, y.
  public var hiddenX: Int, hiddenE: Int, hiddenY: Int
  /// Layer dimensions.
  public var layer: GraphTransformerDimensions
  /// Number of transformer layers.
  public var layers: Int

  /// A configuration.
  public init(nodeClasses: Int, edgeClasses: Int, extraNodeFeatures: Int, extraGlobalFeatures: Int, conditionWidth: Int,
              hiddenX: Int, hiddenE: Int, hiddenY: Int, layer: GraphTransformerDimensions, layers: Int) {
    (self.nodeClasses, self.edgeClasses, self.extraNodeFeatures, self.extraGlobalFeatures) = (nodeClasses, edgeClasses, extraNodeFeatures, extraGlobalFeatures)
    (self.conditionWidth, self.hiddenX, self.hiddenE, self.hiddenY, self.layer, self.layers) = (conditionWidth, hiddenX, hiddenE, hiddenY, layer, layers)
  }
}

/// What the denoiser sees: the noisy graph, its extra features, and the condition.
public struct DenoiserInput {
  /// Noisy node one-hots [bs, n, a].
  public var nodes: Tensor
  /// Noisy edge one-hots [bs, n, n, b] (symmetric).
  public var edges: Tensor
  /// Extra node features [bs, n, fx] (fx may be 0: pass nil).
  public var extraNodes: Tensor?
  /// Per-graph features [bs, fy], normally including t/T.
  public var globals: Tensor
  /// Condition vectors [bs, c] (already the null token where unconditioned), or nil.
  public var condition: Tensor?
  /// Node mask [bs, n] of 0/1.
  public var nodeMask: Tensor

  /// An input bundle.
  public init(nodes: Tensor, edges: Tensor, extraNodes: Tensor?, globals: Tensor, condition: Tensor?, nodeMask: Tensor) {
    (self.nodes, self.edges, self.extraNodes, self.globals, self.condition, self.nodeMask) = (nodes, edges, extraNodes, globals, condition, nodeMask)
  }
}

/// The DiGress graph transformer with a learned null condition (FreeGress).
public struct GraphTransformer: ParameterTree, Sendable {
  /// Sizes.
  public let configuration: GraphTransformerConfiguration
  /// Input MLPs: first map on the parts, then Linear to the layer width (ReLU after each).
  public var inputX: PartitionedLinear, inputX2: Linear
  /// Edge input.
  public var inputE: PartitionedLinear, inputE2: Linear
  /// Global input.
  public var inputY: PartitionedLinear, inputY2: Linear
  /// The transformer layers.
  public var layers: [GraphTransformerLayer]
  /// Output MLPs to node and edge logits.
  public var outputX: MLP, outputE: MLP
  /// The learned "no condition" vector [c] (N(0,1) initialised), used with probability p_uncond
  /// in training and for the unconditional branch of guidance.
  public var nullCondition: Tensor

  /// A model with freshly initialised parameters.
  public init(_ c: GraphTransformerConfiguration, using rng: inout RandomGenerator) {
    configuration = c
    let d = c.layer
    inputX = PartitionedLinear(inputs: [c.nodeClasses, c.extraNodeFeatures, c.conditionWidth], outputs: c.hiddenX, using: &rng)
    inputX2 = Linear(inputs: c.hiddenX, outputs: d.dx, using: &rng)
    inputE = PartitionedLinear(inputs: [c.edgeClasses, c.conditionWidth], outputs: c.hiddenE, using: &rng)
    inputE2 = Linear(inputs: c.hiddenE, outputs: d.de, using: &rng)
    inputY = PartitionedLinear(inputs: [c.extraGlobalFeatures, c.conditionWidth], outputs: c.hiddenY, using: &rng)
    inputY2 = Linear(inputs: c.hiddenY, outputs: d.dy, using: &rng)
    layers = (0..<c.layers).map { _ in GraphTransformerLayer(d, using: &rng) }
    outputX = MLP(widths: [d.dx, c.hiddenX, c.nodeClasses], using: &rng)
    outputE = MLP(widths: [d.de, c.hiddenE, c.edgeClasses], using: &rng)
    nullCondition = Tensor.normal([c.conditionWidth], using: &rng)
  }

  /// Predicted clean-graph logits: nodes [bs, n, a], edges [bs, n, n, b] (symmetric, diagonal 0,
  /// padded rows 0). `rng` nil = evaluation (no dropout).
  public func callAsFunction(_ input: DenoiserInput, rng: inout RandomGenerator?) -> (nodes: Tensor, edges: Tensor) {
    let c = configuration
    let (bs, n) = (input.nodes.shape[0], input.nodes.shape[1])
    precondition(input.nodes.shape == [bs, n, c.nodeClasses], "GraphTransformer: nodes \(input.nodes.shape), expected [\(bs), \(n), \(c.nodeClasses)]")
    precondition(input.edges.shape == [bs, n, n, c.edgeClasses], "GraphTransformer: edges \(input.edges.shape)")
    precondition(input.globals.shape == [bs, c.extraGlobalFeatures], "GraphTransformer: globals \(input.globals.shape), expected [\(bs), \(c.extraGlobalFeatures)]")
    precondition(c.conditionWidth == 0 || input.condition?.shape == [bs, c.conditionWidth],
                 "GraphTransformer: condition \(input.condition?.shape ?? []), expected [\(bs), \(c.conditionWidth)]")
    let masks = GraphMasks(nodeMask: input.nodeMask)
    let cond = input.condition
    var x = inputX([input.nodes, input.extraNodes, cond?.reshaped([bs, 1, c.conditionWidth])]).relu()
    x = inputX2(x).relu() * masks.node
    var e = inputE([input.edges, cond?.reshaped([bs, 1, 1, c.conditionWidth])]).relu()
    e = inputE2(e).relu()
    e = (e + e.transposed(1, 2)) * 0.5 * masks.edge
    var y = inputY2(inputY([input.globals, cond]).relu()).relu()
    for layer in layers { (x, e, y) = layer(x: x, e: e, y: y, masks: masks, rng: &rng) }
    // Residual on logits: the noisy one-hots are added back (DiGress).
    let nodeLogits = (outputX(x) + input.nodes) * masks.node
    var edgeLogits = outputE(e) + input.edges
    let offDiagonal = 1 - Tensor.eye(n).reshaped([1, n, n, 1])
    edgeLogits = (edgeLogits + edgeLogits.transposed(1, 2)) * 0.5 * offDiagonal * masks.edge
    return (nodeLogits, edgeLogits)
  }

  /// Replaces the condition by the learned null vector for graphs where `dropped[b]` is true.
  /// Shapes: condition [bs, c] → [bs, c]. Differentiable in both the condition and the null token.
  public func conditionWithNull(_ condition: Tensor, dropped: [Bool]) -> Tensor {
    let bs = condition.shape[0]
    precondition(dropped.count == bs, "conditionWithNull: \(dropped.count) flags for batch \(bs)")
    let keep = Tensor(shape: [bs, 1], scalars: dropped.map { $0 ? 0 : 1 })
    return condition * keep + nullCondition.reshaped([1, -1]) * (1 - keep)
  }

  /// Parameter paths as in DiGress where they correspond.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("mlp_in_X.0", &inputX, body); try visitChild("mlp_in_X.2", &inputX2, body)
    try visitChild("mlp_in_E.0", &inputE, body); try visitChild("mlp_in_E.2", &inputE2, body)
    try visitChild("mlp_in_y.0", &inputY, body); try visitChild("mlp_in_y.2", &inputY2, body)
    try visitChild("tf_layers", &layers, body)
    try visitChild("mlp_out_X", &outputX, body); try visitChild("mlp_out_E", &outputE, body)
    if configuration.conditionWidth > 0 { try body("cf_null_token", &nullCondition) }
  }
}

extension Tensor {
  /// The n×n identity matrix.
  public static func eye(_ n: Int) -> Tensor {
    var s = [Float](repeating: 0, count: n * n)
    for i in 0..<n { s[i * n + i] = 1 }
    return Tensor(shape: [n, n], scalars: s)
  }
}
