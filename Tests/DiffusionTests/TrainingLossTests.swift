import Foundation
import Testing
import TestSupport
@testable import Diffusion

@Suite struct TrainingLossTests {
  let clean = DiffusionFixtures.smallBatch()  // 7 real nodes, 18 ordered off-diagonal pairs

  @Test func uniformLogitsGiveLogClassCounts() {
    let prediction = GraphPrediction(nodeLogits: .zeros([2, 5, 2]), edgeLogits: .zeros([2, 5, 5, 3]))
    let loss = denoisingLoss(prediction: prediction, clean: clean)
    #expect(abs(loss.nodes.scalar - Float(log(2.0))) < 1e-6)
    #expect(abs(loss.edges.scalar - Float(log(3.0))) < 1e-6)
    #expect(abs(loss.total.scalar - Float(log(2.0) + 5 * log(3.0))) < 1e-5)
    let freeGress = denoisingLoss(prediction: prediction, clean: clean, edgeWeight: 2)
    #expect(abs(freeGress.total.scalar - Float(log(2.0) + 2 * log(3.0))) < 1e-5)
  }

  /// Double reference: mean CE over real nodes plus λ · mean CE over ordered off-diagonal pairs.
  static func referenceLoss(nodeLogits: [Double], edgeLogits: [Double], clean: GraphState, edgeWeight: Double) -> Double {
    let (n, a, b) = (clean.nodeCapacity, clean.nodeClassCount, clean.edgeClassCount)
    func crossEntropy(_ logits: ArraySlice<Double>, _ target: Int) -> Double {
      let top = logits.max()!
      return top + log(logits.reduce(0) { $0 + exp($1 - top) }) - logits[logits.startIndex + target]
    }
    var nodeTotal = 0.0, nodeCount = 0.0, edgeTotal = 0.0, edgeCount = 0.0
    for g in 0..<clean.batchSize {
      let nodes = clean.nodeClasses(ofGraph: g), edges = clean.edgeClasses(ofGraph: g)
      for i in nodes.indices {
        let offset = (g * n + i) * a
        nodeTotal += crossEntropy(nodeLogits[offset..<(offset + a)], nodes[i])
        nodeCount += 1
        for j in nodes.indices where j != i {
          let offset = ((g * n + i) * n + j) * b
          edgeTotal += crossEntropy(edgeLogits[offset..<(offset + b)], edges[i][j])
          edgeCount += 1
        }
      }
    }
    return nodeTotal / nodeCount + edgeWeight * edgeTotal / edgeCount
  }

  @Test func matchesTheReferenceAndItsGradients() {
    let nodeLogits = testTensor([2, 5, 2], seed: 21, in: -3...3)
    let edgeLogits = testTensor([2, 5, 5, 3], seed: 22, in: -3...3)
    let loss = denoisingLoss(prediction: GraphPrediction(nodeLogits: nodeLogits, edgeLogits: edgeLogits), clean: clean)
    let expected = Self.referenceLoss(
      nodeLogits: nodeLogits.scalars.map(Double.init), edgeLogits: edgeLogits.scalars.map(Double.init), clean: clean, edgeWeight: 5)
    #expect(abs(Double(loss.total.scalar) - expected) < 1e-4)
    let clean = self.clean
    let check = checkGradients(
      inputs: [nodeLogits, edgeLogits],
      f: { denoisingLoss(prediction: GraphPrediction(nodeLogits: $0[0], edgeLogits: $0[1]), clean: clean).total.reshaped([1]) },
      reference: { [Self.referenceLoss(nodeLogits: $0[0], edgeLogits: $0[1], clean: clean, edgeWeight: 5)] })
    #expect(check.maxError < 1e-3, "\(check)")
  }

  /// Padding, the diagonal and everything outside the real graphs do not change the loss.
  @Test func paddingAndDiagonalAreIgnored() {
    let nodeLogits = testTensor([2, 5, 2], seed: 31)
    let edgeLogits = testTensor([2, 5, 5, 3], seed: 32)
    let base = denoisingLoss(prediction: GraphPrediction(nodeLogits: nodeLogits, edgeLogits: edgeLogits), clean: clean).total.scalar
    var changedNodes = nodeLogits, changedEdges = edgeLogits
    changedNodes[1, 4, 0] = 40
    changedNodes[0, 4, 1] = -40
    changedEdges[0, 2, 2, 1] = 50      // diagonal of a real node
    changedEdges[1, 3, 0, 2] = -30     // pair with a padded node
    changedEdges[0, 4, 4, 0] = 12
    let changed = denoisingLoss(prediction: GraphPrediction(nodeLogits: changedNodes, edgeLogits: changedEdges), clean: clean).total.scalar
    #expect(changed == base)
    // …while a real pair does.
    changedEdges[0, 0, 1, 1] += 1
    let moved = denoisingLoss(prediction: GraphPrediction(nodeLogits: changedNodes, edgeLogits: changedEdges), clean: clean).total.scalar
    #expect(moved != base)
  }
}

@Suite struct DataParallelShareTests {
  /// The ranks' shares of a batch are contiguous, disjoint, cover it in rank order and differ
  /// in size by at most one; a batch smaller than the rank count leaves some ranks idle.
  @Test func sharesPartitionTheBatch() {
    for count in 0...23 {
      for ranks in 1...5 {
        let shares = (0..<ranks).map { GraphTrainer.share(of: count, rank: $0, ranks: ranks) }
        #expect(shares.first?.lowerBound == 0 && shares.last?.upperBound == count)
        for (a, b) in zip(shares, shares.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        let sizes = shares.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1, "count \(count), ranks \(ranks): \(sizes)")
      }
    }
  }
}
