// Molecular extra features with real valences, computed from the noisy graph G_t at every step.
//
// DiGress's molecular features (src/diffusion/extra_features_molecular.py) compute an atom's
// "valency" as Σ_j argmax(E_ij) · 1, i.e. the *class index* of the bond, and its weight from a
// per-dataset table: a double bond counts 2 only because its class index happens to be 2, and an
// aromatic class (index 4) counts 4. Here the chemistry is passed in as data instead
// (`MolecularVocabulary`, filled from the Chemistry module's tables by MoleculeData), so the
// numbers are real:
//   valence_i  = Σ_j Σ_c E_ijc · order[c]            (bond-order sum of node i, no hydrogens)
//   maximum_i  = Σ_a X_ia · maximumValence[a]        (largest allowed valence of i's class)
//   free_i     = maximum_i − valence_i               (negative = over-valent)
//   weight     = Σ_i Σ_a X_ia · atomWeight[a]        (heavy-atom mass; hydrogens omitted)
// Node features are [valence, maximum, free] / valenceScale; the graph feature is weight /
// weightScale. With one-hot states (training and sampling) the sums pick exactly one class.
// Features are inputs only: computed without gradients. They reach the denoiser as the model's
// domain features (Diffusion's GraphDomainFeatures), stored in config.json under "molecular".

import Diffusion
import Tensor

/// The chemistry the molecular features and the valence constraint need, as plain data.
public struct MolecularVocabulary: GraphDomainFeatures, Equatable {
  /// The key of the vocabulary in a molecule model's configuration.
  public static let configurationKey = "molecular"
  /// Name of each node class ("C", "N+", …), in class order.
  public var nodeClassNames: [String]
  /// Bond order of each edge class (class 0 = no bond = 0).
  public var bondOrders: [Int]
  /// Largest allowed valence (bond-order sum without hydrogens) of each node class.
  public var maximumValences: [Int]
  /// Atomic weight of each node class (g/mol).
  public var atomWeights: [Float]
  /// Divisor of the valence features.
  public var valenceScale: Float
  /// Divisor of the molecular-weight feature.
  public var weightScale: Float

  /// A vocabulary; the arrays per node class must have equal lengths and bond order 0 for class 0.
  public init(nodeClassNames: [String], bondOrders: [Int], maximumValences: [Int], atomWeights: [Float],
              valenceScale: Float = 6, weightScale: Float = 500) {
    precondition(nodeClassNames.count == maximumValences.count && nodeClassNames.count == atomWeights.count,
                 "MolecularVocabulary: \(nodeClassNames.count) names, \(maximumValences.count) valences, \(atomWeights.count) weights")
    precondition(bondOrders.first == 0 && bondOrders.dropFirst().allSatisfy { $0 >= 1 },
                 "MolecularVocabulary: bond orders \(bondOrders) must be 0 for class 0 and ≥ 1 otherwise")
    precondition(valenceScale > 0 && weightScale > 0, "MolecularVocabulary: scales \(valenceScale), \(weightScale) must be positive")
    (self.nodeClassNames, self.bondOrders, self.maximumValences, self.atomWeights) = (nodeClassNames, bondOrders, maximumValences, atomWeights)
    (self.valenceScale, self.weightScale) = (valenceScale, weightScale)
  }

  /// Node classes.
  public var nodeClassCount: Int { nodeClassNames.count }
  /// Edge classes.
  public var edgeClassCount: Int { bondOrders.count }

  /// Width of the per-node molecular features (valence, maximum, free).
  public var nodeWidth: Int { 3 }
  /// Width of the per-graph molecular features (heavy-atom weight).
  public var globalWidth: Int { 1 }

  /// Bond-order sums of every node of canonical (or soft) states. Shapes: edges [bs, n, n, b] → [bs·n].
  public func valences(edges: Tensor) -> [Float] {
    let (bs, n, b) = (edges.shape[0], edges.shape[1], edges.shape[3])
    precondition(b == bondOrders.count, "MolecularVocabulary: edges have \(b) classes, the vocabulary \(bondOrders.count)")
    let e = edges.detached.scalars
    var result = [Float](repeating: 0, count: bs * n)
    for row in 0..<(bs * n) {
      var sum: Float = 0
      for j in 0..<n {
        let offset = (row * n + j) * b
        for c in 1..<b { sum += e[offset + c] * Float(bondOrders[c]) }
      }
      result[row] = sum
    }
    return result
  }

  /// The molecular features of a batch: nodes [bs, n, 3] (valence, maximum, free; padded rows
  /// zero), globals [bs, 1] (heavy-atom weight). Shapes: nodes [bs, n, a], edges [bs, n, n, b],
  /// nodeMask [bs, n].
  public func features(nodes: Tensor, edges: Tensor, nodeMask: Tensor) -> (nodes: Tensor, globals: Tensor) {
    let (bs, n, a) = (nodes.shape[0], nodes.shape[1], nodes.shape[2])
    precondition(a == nodeClassCount, "MolecularVocabulary: nodes have \(a) classes, the vocabulary \(nodeClassCount)")
    let x = nodes.detached.scalars, mask = nodeMask.detached.scalars
    let valence = valences(edges: edges)
    var nodeFeatures = [Float](repeating: 0, count: bs * n * nodeWidth)
    var weights = [Float](repeating: 0, count: bs)
    for g in 0..<bs {
      for i in 0..<n where mask[g * n + i] > 0.5 {
        var maximum: Float = 0, weight: Float = 0
        for c in 0..<a {
          maximum += x[(g * n + i) * a + c] * Float(maximumValences[c])
          weight += x[(g * n + i) * a + c] * atomWeights[c]
        }
        let v = valence[g * n + i]
        let offset = (g * n + i) * nodeWidth
        nodeFeatures[offset] = v / valenceScale
        nodeFeatures[offset + 1] = maximum / valenceScale
        nodeFeatures[offset + 2] = (maximum - v) / valenceScale
        weights[g] += weight
      }
    }
    return (Tensor(shape: [bs, n, nodeWidth], scalars: nodeFeatures),
            Tensor(shape: [bs, globalWidth], scalars: weights.map { $0 / weightScale }))
  }

  /// Real nodes whose bond-order sum exceeds their class's maximum, per graph of a canonical state.
  public func overValentNodes(_ state: GraphState) -> [[Int]] {
    let (bs, n, a) = (state.batchSize, state.nodeCapacity, state.nodeClassCount)
    let valence = valences(edges: state.edges)
    let x = state.nodes.scalars, mask = state.nodeMask.scalars
    return (0..<bs).map { g in
      (0..<n).filter { i in
        guard mask[g * n + i] > 0.5 else { return false }
        let c = indexOfLargest(x, offset: (g * n + i) * a, count: a)
        return valence[g * n + i] > Float(maximumValences[c])
      }
    }
  }
}
