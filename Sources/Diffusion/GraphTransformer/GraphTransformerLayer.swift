// The DiGress graph-transformer layer (port of DiGress src/models/transformer_model.py,
// XEyTransformerLayer and NodeEdgeBlock, `fixed_bug` branch semantics).
//
// Shapes: X [bs, n, dx] nodes, E [bs, n, n, de] edges, y [bs, dy] globals, nodeMask [bs, n].
// Decisions on the quirks of DiGress's reference layer:
//  - Attention scores are per channel (Q_i ⊙ K_j / √df, no dot product), as DiGress.
//  - PNA pooling statistics (Xtoy, Etoy) are masked (fixed_bug / FreeGress), not the `main` bug.
//  - The y feed-forward width is a real configuration value (`ffy`); DiGress's accidental 2048 is
//    only the default to stay comparable.
//  - Post-LayerNorm, eps 1e-5, dropout configurable (DiGress hard-codes 0.1).

/// Dimensions of one graph-transformer layer.
public struct GraphTransformerDimensions: Codable, Sendable, Equatable {
  /// Node features.
  public var dx: Int
  /// Edge features.
  public var de: Int
  /// Global features.
  public var dy: Int
  /// Attention heads (dx must be divisible by heads).
  public var heads: Int
  /// Feed-forward widths of the node, edge and global streams.
  public var ffX: Int, ffE: Int, ffy: Int
  /// Dropout rate inside the layer (training only).
  public var dropout: Float

  /// Dimensions with DiGress's defaults for the feed-forward widths.
  public init(dx: Int, de: Int, dy: Int, heads: Int, ffX: Int = 256, ffE: Int = 128, ffy: Int = 2048, dropout: Float = 0.1) {
    precondition(dx % heads == 0, "GraphTransformer: dx \(dx) not divisible by heads \(heads)")
    (self.dx, self.de, self.dy, self.heads, self.ffX, self.ffE, self.ffy, self.dropout) = (dx, de, dy, heads, ffX, ffE, ffy, dropout)
  }
}

/// Masks derived from the node mask, shaped for broadcasting.
public struct GraphMasks {
  /// [bs, n, 1] for node features.
  public var node: Tensor
  /// [bs, n, 1, 1]: the row node i of an edge (i, j).
  public var edgeRow: Tensor
  /// [bs, 1, n, 1]: the column node j of an edge (i, j).
  public var edgeColumn: Tensor
  /// [bs, n, n, 1]: both endpoints real.
  public var edge: Tensor
  /// Real node counts per graph [bs, 1].
  public var nodeCount: Tensor

  /// Masks from a node mask [bs, n] of 0/1.
  public init(nodeMask: Tensor) {
    precondition(nodeMask.rank == 2, "GraphMasks: nodeMask must be [bs, n], got \(nodeMask.shape)")
    let (bs, n) = (nodeMask.shape[0], nodeMask.shape[1])
    let m = nodeMask.detached
    node = m.reshaped([bs, n, 1])
    edgeRow = m.reshaped([bs, n, 1, 1])
    edgeColumn = m.reshaped([bs, 1, n, 1])
    edge = edgeRow * edgeColumn
    nodeCount = m.sum(axis: 1, keepingDims: true)
  }
}

/// residual + dropout(update) in one pass (a fused multiply-add with the dropout mask); the same
/// values and generator stream as `residual + dropout(update, ...)`. Shapes: same as residual.
func residualDropout(_ residual: Tensor, _ update: Tensor, rate: Float, rng: inout RandomGenerator?) -> Tensor {
  guard rate > 0, var r = rng else { return residual + update }
  let mask = Tensor.dropoutMask(update.shape, rate: rate, using: &r)
  rng = r
  return Tensor.fusedMultiplyAdd(update, mask, residual)
}

/// Self-attention over nodes with edge FiLM, edge and global updates (DiGress NodeEdgeBlock).
public struct NodeEdgeBlock: ParameterTree, Sendable {
  /// Query, key, value projections dx → dx.
  public var query: Linear, key: Linear, value: Linear
  /// Edge FiLM into the scores: de → dx (multiplicative and additive).
  public var edgeMultiply: Linear, edgeAdd: Linear
  /// Global FiLM of the edge update: dy → dx.
  public var yEdgeAdd: Linear, yEdgeMultiply: Linear
  /// Global FiLM of the node update: dy → dx.
  public var yNodeAdd: Linear, yNodeMultiply: Linear
  /// Global self-map dy → dy.
  public var yToY: Linear
  /// PNA pooling of nodes and edges into the global stream.
  public var nodesToY: PNAPooling, edgesToY: PNAPooling
  /// Output maps: dx → dx (nodes), dx → de (edges), and the global MLP dy → dy → dy.
  public var nodeOut: Linear, edgeOut: Linear, yOut: MLP
  /// Heads.
  public let heads: Int

  /// A block with freshly initialised parameters.
  public init(_ d: GraphTransformerDimensions, using rng: inout RandomGenerator) {
    heads = d.heads
    query = Linear(inputs: d.dx, outputs: d.dx, using: &rng)
    key = Linear(inputs: d.dx, outputs: d.dx, using: &rng)
    value = Linear(inputs: d.dx, outputs: d.dx, using: &rng)
    edgeMultiply = Linear(inputs: d.de, outputs: d.dx, using: &rng)
    edgeAdd = Linear(inputs: d.de, outputs: d.dx, using: &rng)
    yEdgeAdd = Linear(inputs: d.dy, outputs: d.dx, using: &rng)
    yEdgeMultiply = Linear(inputs: d.dy, outputs: d.dx, using: &rng)
    yNodeAdd = Linear(inputs: d.dy, outputs: d.dx, using: &rng)
    yNodeMultiply = Linear(inputs: d.dy, outputs: d.dx, using: &rng)
    yToY = Linear(inputs: d.dy, outputs: d.dy, using: &rng)
    nodesToY = PNAPooling(features: d.dx, outputs: d.dy, using: &rng)
    edgesToY = PNAPooling(features: d.de, outputs: d.dy, using: &rng)
    nodeOut = Linear(inputs: d.dx, outputs: d.dx, using: &rng)
    edgeOut = Linear(inputs: d.dx, outputs: d.de, using: &rng)
    yOut = MLP(widths: [d.dy, d.dy, d.dy], activation: .relu, using: &rng)
  }

  /// Returns the updates (ΔX [bs,n,dx], ΔE [bs,n,n,de], Δy [bs,dy]).
  /// The fused path: q/k/v as one sgemm (dx → 3dx) on the concatenated DiGress weights, then
  /// `Tensor.graphAttention` with e_mul/e_add as one de → 2dx projection computed per graph, the
  /// scores, edge FiLM, masked softmax over keys and the weighted values in one pass. Equal to
  /// `composed` up to rounding.
  public func callAsFunction(x: Tensor, e: Tensor, y: Tensor, masks: GraphMasks) -> (Tensor, Tensor, Tensor) {
    let (bs, n, dx) = (x.shape[0], x.shape[1], x.shape[2])
    let df = dx / heads
    let qkv = fusedLinear([query, key, value], x)  // [bs, n, 3dx]
    // e_mul and e_add as one [2dx, de] projection, computed inside the attention op graph by graph.
    let (filmWeight, filmBias) = concatenated([edgeMultiply, edgeAdd])
    let (scores, weighted) = Tensor.graphAttention(
      qkv: qkv, edges: e, filmWeight: filmWeight, filmBias: filmBias ?? Tensor.zeros([2 * dx]),
      nodeMask: masks.node.reshaped([bs, n]), globalAdd: yEdgeAdd(y), globalMultiply: yEdgeMultiply(y),
      scale: 1 / Float(df).squareRoot())
    let newE = Tensor.linear(scores, weight: edgeOut.weight, bias: edgeOut.bias) * masks.edge
    let yx1 = yNodeAdd(y).reshaped([bs, 1, dx]), yx2 = yNodeMultiply(y).reshaped([bs, 1, dx])
    let newX = Tensor.linear(yx1 + (yx2 + 1) * weighted, weight: nodeOut.weight, bias: nodeOut.bias) * masks.node
    return (newX, newE, globalUpdate(x: x, e: e, y: y, masks: masks))
  }

  /// The same block composed from primitive ops (the direct port, kept as the test oracle for
  /// the fused path). Shapes as `callAsFunction`.
  public func composed(x: Tensor, e: Tensor, y: Tensor, masks: GraphMasks) -> (Tensor, Tensor, Tensor) {
    let (bs, n, dx) = (x.shape[0], x.shape[1], x.shape[2])
    let df = dx / heads
    let q = (query(x) * masks.node).reshaped([bs, n, 1, heads, df])
    let k = (key(x) * masks.node).reshaped([bs, 1, n, heads, df])
    // Per-channel scores: Y_ij = Q_i ⊙ K_j / √df, shape [bs, n, n, heads, df].
    var scores = (q * k) * (1 / Float(df).squareRoot())
    // Edge FiLM: Y ← Y ⊙ (E1 + 1) + E2, with E1, E2 masked on both endpoints.
    let e1 = (edgeMultiply(e) * masks.edge).reshaped([bs, n, n, heads, df])
    let e2 = (edgeAdd(e) * masks.edge).reshaped([bs, n, n, heads, df])
    scores = scores * (e1 + 1) + e2
    // Edge update: FiLM the flattened scores with y, project to de, mask.
    let flat = scores.reshaped([bs, n, n, dx])
    let ye1 = yEdgeAdd(y).reshaped([bs, 1, 1, dx]), ye2 = yEdgeMultiply(y).reshaped([bs, 1, 1, dx])
    let newE = edgeOut(ye1 + (ye2 + 1) * flat) * masks.edge
    // Attention over keys j per head and channel: move j last, masked softmax, weight V.
    let byKey = scores.permuted([0, 1, 3, 4, 2])  // [bs, i, heads, df, j]
    let keyMask = masks.node.reshaped([bs, 1, 1, 1, n])
    let attention = byKey.softmax(mask: keyMask)
    let v = (value(x) * masks.node).reshaped([bs, n, heads, df]).permuted([0, 2, 3, 1]).reshaped([bs, 1, heads, df, n])
    let weighted = (attention * v).sum(axis: 4).reshaped([bs, n, dx])  // X'_i = Σ_j attn_ij ⊙ V_j
    let yx1 = yNodeAdd(y).reshaped([bs, 1, dx]), yx2 = yNodeMultiply(y).reshaped([bs, 1, dx])
    let newX = nodeOut(yx1 + (yx2 + 1) * weighted) * masks.node
    return (newX, newE, globalUpdate(x: x, e: e, y: y, masks: masks))
  }

  /// Global update from the pre-update X and E: y_y(y) + PNA(X) + PNA(E), then the y MLP.
  func globalUpdate(x: Tensor, e: Tensor, y: Tensor, masks: GraphMasks) -> Tensor {
    let (bs, n) = (x.shape[0], x.shape[1])
    let pooled = yToY(y) + nodesToY(x, mask: masks.node)
      + edgesToY(e.reshaped([bs, n * n, e.shape[3]]), mask: masks.edge.reshaped([bs, n * n, 1]))
    return yOut(pooled)
  }

  /// Several Linear maps of the same input as one sgemm on their concatenated weights
  /// (checkpoints keep the separate DiGress names). Shapes: [..., in] → [..., Σ out].
  func fusedLinear(_ layers: [Linear], _ x: Tensor) -> Tensor {
    let (weight, bias) = concatenated(layers)
    return Tensor.linear(x, weight: weight, bias: bias)
  }

  /// The weights [Σ out, in] and biases [Σ out] (nil when no layer has one) of several Linear
  /// maps stacked in order; differentiable, so gradients flow back to each layer's parameters.
  func concatenated(_ layers: [Linear]) -> (weight: Tensor, bias: Tensor?) {
    let weight = Tensor.concat(layers.map(\.weight), axis: 0)
    let bias = layers.allSatisfy { $0.bias == nil } ? nil
      : Tensor.concat(layers.map { $0.bias ?? Tensor.zeros([$0.outputs]) }, axis: 0)
    return (weight, bias)
  }

  /// Parameter paths follow DiGress's names where they exist.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("q", &query, body); try visitChild("k", &key, body); try visitChild("v", &value, body)
    try visitChild("e_mul", &edgeMultiply, body); try visitChild("e_add", &edgeAdd, body)
    try visitChild("y_e_add", &yEdgeAdd, body); try visitChild("y_e_mul", &yEdgeMultiply, body)
    try visitChild("y_x_add", &yNodeAdd, body); try visitChild("y_x_mul", &yNodeMultiply, body)
    try visitChild("y_y", &yToY, body); try visitChild("x_y", &nodesToY, body); try visitChild("e_y", &edgesToY, body)
    try visitChild("x_out", &nodeOut, body); try visitChild("e_out", &edgeOut, body); try visitChild("y_out", &yOut, body)
  }
}

/// One DiGress layer: attention block, then residual + LayerNorm and a feed-forward block per stream.
public struct GraphTransformerLayer: ParameterTree, Sendable {
  /// The attention block.
  public var attention: NodeEdgeBlock
  /// Post-attention norms.
  public var normX1: LayerNorm, normE1: LayerNorm, normY1: LayerNorm
  /// Feed-forward blocks (Linear, ReLU, Linear) per stream.
  public var ffX: MLP, ffE: MLP, ffY: MLP
  /// Post-feed-forward norms.
  public var normX2: LayerNorm, normE2: LayerNorm, normY2: LayerNorm
  /// Dimensions.
  public let dimensions: GraphTransformerDimensions

  /// A layer with freshly initialised parameters.
  public init(_ d: GraphTransformerDimensions, using rng: inout RandomGenerator) {
    dimensions = d
    attention = NodeEdgeBlock(d, using: &rng)
    normX1 = LayerNorm(features: d.dx); normE1 = LayerNorm(features: d.de); normY1 = LayerNorm(features: d.dy)
    ffX = MLP(widths: [d.dx, d.ffX, d.dx], using: &rng)
    ffE = MLP(widths: [d.de, d.ffE, d.de], using: &rng)
    ffY = MLP(widths: [d.dy, d.ffy, d.dy], using: &rng)
    normX2 = LayerNorm(features: d.dx); normE2 = LayerNorm(features: d.de); normY2 = LayerNorm(features: d.dy)
  }

  /// Shapes: X [bs,n,dx], E [bs,n,n,de], y [bs,dy] → same. `rng` nil = evaluation (no dropout).
  public func callAsFunction(x: Tensor, e: Tensor, y: Tensor, masks: GraphMasks, rng: inout RandomGenerator?) -> (Tensor, Tensor, Tensor) {
    let p = dimensions.dropout
    let (dX, dE, dY) = attention(x: x, e: e, y: y, masks: masks)
    var x1 = normX1(residualDropout(x, dX, rate: p, rng: &rng))
    var e1 = normE1(residualDropout(e, dE, rate: p, rng: &rng))
    var y1 = normY1(residualDropout(y, dY, rate: p, rng: &rng))
    x1 = normX2(residualDropout(x1, ffX(x1), rate: p, rng: &rng))
    e1 = normE2(residualDropout(e1, ffE(e1), rate: p, rng: &rng))
    y1 = normY2(residualDropout(y1, ffY(y1), rate: p, rng: &rng))
    return (x1, e1, y1)
  }

  /// Parameter paths: `self_attn.*`, `norm*`, `ff*`.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try visitChild("self_attn", &attention, body)
    try visitChild("normX1", &normX1, body); try visitChild("normE1", &normE1, body); try visitChild("norm_y1", &normY1, body)
    try visitChild("ffX", &ffX, body); try visitChild("ffE", &ffE, body); try visitChild("ffy", &ffY, body)
    try visitChild("normX2", &normX2, body); try visitChild("normE2", &normE2, body); try visitChild("norm_y2", &normY2, body)
  }

  /// Matmul FLOPs of one forward pass (2·m·k·n per product), for benchmarks.
  public static func forwardMatmulFlops(_ d: GraphTransformerDimensions, batch: Int, nodes: Int) -> Double {
    let nodesRows = Double(batch * nodes), edgeRows = Double(batch * nodes * nodes), b = Double(batch)
    let (dx, de, dy) = (Double(d.dx), Double(d.de), Double(d.dy))
    var macs = 4 * nodesRows * dx * dx                 // q, k, v, x_out
    macs += 2 * edgeRows * de * dx + edgeRows * dx * de  // e_mul, e_add, e_out
    macs += 4 * b * dy * dx + b * dy * dy * 3           // y FiLMs, y_y, y_out (2 layers)
    macs += b * 4 * dx * dy + b * 4 * de * dy           // PNA pooling maps
    macs += 2 * nodesRows * dx * Double(d.ffX) + 2 * edgeRows * de * Double(d.ffE) + 2 * b * dy * Double(d.ffy)
    return 2 * macs
  }
}
