import Diffusion
import DiffusionCore
import Foundation
@testable import Molecules
import Tensor
import Testing

/// A small chemistry: C (valence 4), O (2), F (1); no bond, single, double, triple.
let toyVocabulary = MolecularVocabulary(
  nodeClassNames: ["C", "O", "F"], bondOrders: [0, 1, 2, 3], maximumValences: [4, 2, 1], atomWeights: [12.011, 15.999, 18.998])

/// Propane-like chain C–C(=O)–F on 4 nodes with one padded slot (n = 5).
func toyMolecule() -> GraphState {
  var nodes = [Float](repeating: 0, count: 5 * 3), edges = [Float](repeating: 0, count: 5 * 5 * 4)
  for (i, c) in [0, 0, 1, 2].enumerated() { nodes[i * 3 + c] = 1 }
  for i in 0..<4 { for j in 0..<4 { edges[(i * 5 + j) * 4] = 1 } }
  func bond(_ i: Int, _ j: Int, _ c: Int) {
    for (u, v) in [(i, j), (j, i)] { edges[(u * 5 + v) * 4] = 0; edges[(u * 5 + v) * 4 + c] = 1 }
  }
  bond(0, 1, 1); bond(1, 2, 2); bond(1, 3, 1)
  return GraphState(
    nodes: Tensor(shape: [1, 5, 3], scalars: nodes), edges: Tensor(shape: [1, 5, 5, 4], scalars: edges),
    globals: .zeros([1, 0]), nodeMask: Tensor(shape: [1, 5], scalars: [1, 1, 1, 1, 0]))
}

@Suite struct ValenceConstraintTests {
  let process = DiscreteDiffusion(
    schedule: CosineNoiseSchedule(stepCount: 50), nodeTransition: .marginal(frequencies: [0.7, 0.2, 0.1]),
    edgeTransition: .marginal(frequencies: [0.85, 0.1, 0.04, 0.01]))

  /// A randomly initialised (untrained) molecular model as the denoiser.
  func randomModel(seed: UInt64) -> GraphDiffusionModel {
    let widths = GraphDiffusionConfiguration.extraWidths(.cycles, domainFeatures: toyVocabulary)
    let transformer = GraphTransformerConfiguration(
      nodeClasses: 3, edgeClasses: 4, extraNodeFeatures: widths.nodes, extraGlobalFeatures: widths.globals, conditionWidth: 2,
      hiddenX: 8, hiddenE: 8, hiddenY: 8,
      layer: GraphTransformerDimensions(dx: 8, de: 8, dy: 8, heads: 2, ffX: 8, ffE: 8, ffy: 8, dropout: 0), layers: 1)
    let configuration = GraphDiffusionConfiguration(
      diffusion: process, transformer: transformer, extraFeatures: .cycles, maximumNodes: 9, condition: .classes(count: 2),
      nodeCountHistogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], description: "toy molecules", domainFeatures: toyVocabulary)
    var rng = RandomGenerator(seed: seed)
    return GraphDiffusionModel(configuration, using: &rng)
  }

  /// Logits that push every pair towards a triple bond and every node towards fluorine: the
  /// plainest way to over-bond atoms.
  let bondHungry: GraphDenoiser<[Float]> = { noisy, _, _ in
    GraphPrediction(
      nodeLogits: Tensor([0, 0, 2]).broadcast(to: noisy.nodes.shape),
      edgeLogits: Tensor([0, 1, 1, 2]).broadcast(to: noisy.edges.shape))
  }

  /// With an untrained denoiser, constrained generation never yields an over-valent atom and ends
  /// in one fragment; the same runs without the constraint do yield over-valent atoms.
  @Test func constrainedSamplingRespectsValences() throws {
    let model = randomModel(seed: 3)
    for (name, denoiser) in [("random model", model.denoiser()), ("bond-hungry", bondHungry)] {
      var rng = RandomGenerator(seed: 11)
      let constrained = try process.generated(
        nodeCounts: Array(repeating: 9, count: 12), condition: [1], guidanceScale: 1,
        constraint: ValenceConstraint(vocabulary: toyVocabulary), denoiser: denoiser, using: &rng)
      #expect(constrained.isCanonical())
      #expect(toyVocabulary.overValentNodes(constrained).allSatisfy { $0.isEmpty }, "\(name)")
      rng = RandomGenerator(seed: 11)
      let plain = try process.generated(
        nodeCounts: Array(repeating: 9, count: 12), condition: [1], guidanceScale: 1, denoiser: denoiser, using: &rng)
      #expect(toyVocabulary.overValentNodes(plain).contains { !$0.isEmpty }, "\(name): unconstrained sampling should over-bond")
    }
  }

  /// Fragments are joined on the last step when budgets allow: with the bond-hungry denoiser
  /// every sample has C atoms with free valence, so every result is one fragment.
  @Test func lastStepJoinsFragments() throws {
    let carbonOnly: GraphDenoiser<[Float]> = { noisy, _, _ in
      GraphPrediction(nodeLogits: Tensor([5, -5, -5]).broadcast(to: noisy.nodes.shape),
                      edgeLogits: Tensor([5, 0, -5, -5]).broadcast(to: noisy.edges.shape))
    }
    var rng = RandomGenerator(seed: 2)
    let joined = try process.generated(
      nodeCounts: [6, 7, 8, 9], nodeCapacity: 9, condition: nil, guidanceScale: 1,
      constraint: ValenceConstraint(vocabulary: toyVocabulary), denoiser: carbonOnly, using: &rng)
    #expect(joined.fragmentCounts() == [1, 1, 1, 1])
    #expect(toyVocabulary.overValentNodes(joined).allSatisfy { $0.isEmpty })
    rng = RandomGenerator(seed: 2)
    let loose = try process.generated(
      nodeCounts: [6, 7, 8, 9], nodeCapacity: 9, condition: nil, guidanceScale: 1,
      constraint: ValenceConstraint(vocabulary: toyVocabulary, connectFragments: false), denoiser: carbonOnly, using: &rng)
    #expect(loose.fragmentCounts().contains { $0 > 1 })
  }

  /// Saturated fragments (O=O pairs) are joined by lowering a double bond first.
  @Test func saturatedFragmentsAreOpened() throws {
    let oxygenPairs: GraphDenoiser<[Float]> = { noisy, _, _ in
      // Node i of a pair (2k, 2k+1) prefers a double bond to its partner and nothing else.
      let n = noisy.nodeCapacity
      var edges = [Float](repeating: 0, count: n * n * 4)
      for i in 0..<n { for j in 0..<n { edges[(i * n + j) * 4 + (i / 2 == j / 2 && i != j ? 2 : 0)] = 8 } }
      return GraphPrediction(
        nodeLogits: Tensor([-8, 8, -8]).broadcast(to: noisy.nodes.shape),
        edgeLogits: Tensor(shape: [1, n, n, 4], scalars: edges).broadcast(to: noisy.edges.shape))
    }
    var rng = RandomGenerator(seed: 9)
    let joined = try process.generated(
      nodeCounts: [6, 6], condition: nil, guidanceScale: 1, finalStep: .mostLikely,
      constraint: ValenceConstraint(vocabulary: toyVocabulary), denoiser: oxygenPairs, using: &rng)
    #expect(joined.fragmentCounts() == [1, 1])
    #expect(toyVocabulary.overValentNodes(joined).allSatisfy { $0.isEmpty })
  }

  /// The constrained step changes nothing when the prediction is already a valid molecule:
  /// GDCE with the oracle denoiser returns the input, with and without `.mostLikely`.
  @Test(arguments: [FinalStepRule.sample, .mostLikely])
  func oracleReturnsTheInput(finalStep: FinalStepRule) throws {
    let molecule = toyMolecule()
    let nodeLogits = (molecule.nodes - 1) * 1e4, edgeLogits = (molecule.edges - 1) * 1e4
    let oracle: GraphDenoiser<[Float]> = { noisy, _, _ in
      GraphPrediction(nodeLogits: nodeLogits.broadcast(to: noisy.nodes.shape), edgeLogits: edgeLogits.broadcast(to: noisy.edges.shape))
    }
    var rng = RandomGenerator(seed: 5)
    let samples = try process.counterfactuals(
      of: molecule, target: [0], noiseStep: 30, sampleCount: 4, guidanceScale: 1, finalStep: finalStep,
      constraint: ValenceConstraint(vocabulary: toyVocabulary), denoiser: oracle, using: &rng)
    #expect(samples.nodes.isBitwiseEqual(to: molecule.replicated(count: 4).nodes))
    #expect(samples.edges.isBitwiseEqual(to: molecule.replicated(count: 4).edges))
  }
}
