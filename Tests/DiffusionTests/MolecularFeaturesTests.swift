@testable import Diffusion
import DiffusionCore
import Foundation
import Testing

@Suite struct MolecularFeaturesTests {
  /// Golden values on C–C(=O)–F: valences are bond-order sums (a double bond counts 2, not its
  /// class index), maxima come from the classes, weight is the heavy-atom mass.
  @Test func realValences() {
    let molecule = toyMolecule()
    let features = toyVocabulary.features(nodes: molecule.nodes, edges: molecule.edges, nodeMask: molecule.nodeMask)
    let scale = toyVocabulary.valenceScale
    let expected: [[Float]] = [[1, 4, 3], [4, 4, 0], [2, 2, 0], [1, 1, 0], [0, 0, 0]]
    #expect(features.nodes.shape == [1, 5, 3])
    for (i, row) in expected.enumerated() {
      for k in 0..<3 { #expect(features.nodes.scalars[i * 3 + k] == row[k] / scale, "node \(i) feature \(k)") }
    }
    let weight: Float = 2 * 12.011 + 15.999 + 18.998
    #expect(abs(features.globals.scalars[0] - weight / toyVocabulary.weightScale) < 1e-6)
    #expect(toyVocabulary.overValentNodes(molecule) == [[]])
  }

  /// A molecular model's configuration round-trips through JSON with its vocabulary, and a
  /// configuration without the field (older planar checkpoints) decodes with nil.
  @Test func configurationCoding() throws {
    let widths = GraphDiffusionConfiguration.extraWidths(.none, molecular: toyVocabulary)
    #expect(widths.nodes == 3 && widths.globals == 3)
    let transformer = GraphTransformerConfiguration(
      nodeClasses: 3, edgeClasses: 4, extraNodeFeatures: widths.nodes, extraGlobalFeatures: widths.globals, conditionWidth: 1,
      hiddenX: 4, hiddenE: 4, hiddenY: 4,
      layer: GraphTransformerDimensions(dx: 4, de: 4, dy: 4, heads: 1, ffX: 4, ffE: 4, ffy: 4, dropout: 0), layers: 1)
    let process = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 10), nodeTransition: .uniform(classCount: 3), edgeTransition: .uniform(classCount: 4))
    let configuration = GraphDiffusionConfiguration(
      diffusion: process, transformer: transformer, extraFeatures: .none, maximumNodes: 5,
      condition: .continuous(mean: [2.5], scale: [1.5]), nodeCountHistogram: [0, 1], description: "toy", molecular: toyVocabulary)
    let data = try JSONEncoder().encode(configuration)
    let decoded = try JSONDecoder().decode(GraphDiffusionConfiguration.self, from: data)
    #expect(decoded.molecular == toyVocabulary)
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    object["molecular"] = nil
    object["transformer"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(transformer))
    let legacy = try JSONDecoder().decode(GraphDiffusionConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(legacy.molecular == nil)
    // The model sees the molecular features: predict runs with the widened input.
    var rng = RandomGenerator(seed: 1)
    let model = GraphDiffusionModel(configuration, using: &rng)
    var none: RandomGenerator? = nil
    let prediction = model.predict(noisy: toyMolecule(), steps: [3], condition: nil, rng: &none)
    #expect(prediction.nodeLogits.shape == [1, 5, 3] && prediction.edgeLogits.shape == [1, 5, 5, 4])
  }
}
