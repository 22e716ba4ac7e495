// The training loss: cross-entropy between the predicted clean graph and the true clean graph.
// Port of DiGress src/metrics/train_metrics.py `TrainLossDiscrete` (without the y term: λ_y = 0).
//
//   L = CE_X + λ_E · CE_E
//   CE_X = −(1 / N_nodes) Σ_{real nodes i} Σ_c x_i[c] · log softmax(ℓ_i)[c]
//   CE_E = −(1 / N_pairs) Σ_{ordered pairs i ≠ j of real nodes} Σ_c e_ij[c] · log softmax(ℓ_ij)[c]
// N_nodes and N_pairs count over the whole batch (torchmetrics accumulates the summed CE and the
// row count, then divides), so larger graphs weigh more, as in DiGress. DiGress drops rows whose
// true one-hot is all zero (padding and its zero diagonal); with our canonical diagonal the
// same rows are dropped by `offDiagonalPairMask`. There is no time weighting: the model simply
// predicts G_0 from G_t. λ_E = 5 in DiGress, 2 in FreeGress's configs.

/// The parts of the denoising loss; `total` is differentiable with respect to the logits.
public struct DenoisingLoss {
  /// CE_X + λ_E · CE_E (scalar).
  public var total: Tensor
  /// Mean node cross-entropy over real nodes (scalar).
  public var nodes: Tensor
  /// Mean edge cross-entropy over ordered pairs of distinct real nodes (scalar).
  public var edges: Tensor
}

/// DiGress's default weight λ_E of the edge cross-entropy.
public let defaultEdgeLossWeight: Float = 5

/// Cross-entropy of `prediction` against the canonical clean graph `clean`, as a Tensor
/// expression (logSoftmax, mask, sum) so gradients flow into the logits.
/// Shapes: logits [bs, n, a] / [bs, n, n, b], clean the same → scalars.
public func denoisingLoss(
  prediction: GraphPrediction, clean: GraphState, edgeWeight: Float = defaultEdgeLossWeight
) -> DenoisingLoss {
  precondition(
    prediction.nodeLogits.shape == clean.nodes.shape && prediction.edgeLogits.shape == clean.edges.shape,
    "denoisingLoss: logits \(prediction.nodeLogits.shape), \(prediction.edgeLogits.shape) do not match the clean graph \(clean.nodes.shape), \(clean.edges.shape)")
  let (bs, n) = (clean.batchSize, clean.nodeCapacity)
  let nodeWeights = clean.nodes.detached * clean.nodeFeatureMask.detached          // [bs, n, a]
  let edgeWeights = clean.edges.detached * clean.offDiagonalPairMask.reshaped([bs, n, n, 1])  // [bs, n, n, b]
  let nodeCount = Swift.max(nodeWeights.sum().scalar, 1)
  let pairCount = Swift.max(edgeWeights.sum().scalar, 1)
  let nodeLoss = -(prediction.nodeLogits.logSoftmax() * nodeWeights).sum() / nodeCount
  let edgeLoss = -(prediction.edgeLogits.logSoftmax() * edgeWeights).sum() / pairCount
  return DenoisingLoss(total: nodeLoss + edgeLoss * edgeWeight, nodes: nodeLoss, edges: edgeLoss)
}
