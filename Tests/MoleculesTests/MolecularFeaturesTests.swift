import Diffusion
import DiffusionCore
import Foundation
@testable import Molecules
import Tensor
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

  /// A molecular model's configuration round-trips through JSON with its vocabulary under
  /// "molecular" when the loader reads molecular features; a loader that does not is refused
  /// with a message naming them, and so are widths that do not add up; a configuration without
  /// domain features (abstract graphs) decodes with none.
  @Test func configurationCoding() throws {
    let widths = GraphDiffusionConfiguration.extraWidths(.none, domainFeatures: toyVocabulary)
    #expect(widths.nodes == 3 && widths.globals == 3)
    func transformer(_ widths: (nodes: Int, globals: Int)) -> GraphTransformerConfiguration {
      GraphTransformerConfiguration(
        nodeClasses: 3, edgeClasses: 4, extraNodeFeatures: widths.nodes, extraGlobalFeatures: widths.globals, conditionWidth: 1,
        hiddenX: 4, hiddenE: 4, hiddenY: 4,
        layer: GraphTransformerDimensions(dx: 4, de: 4, dy: 4, heads: 1, ffX: 4, ffE: 4, ffy: 4, dropout: 0), layers: 1)
    }
    let process = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 10), nodeTransition: .uniform(classCount: 3), edgeTransition: .uniform(classCount: 4))
    let configuration = GraphDiffusionConfiguration(
      diffusion: process, transformer: transformer(widths), extraFeatures: .none, maximumNodes: 5,
      condition: .continuous(mean: [2.5], scale: [1.5]), nodeCountHistogram: [0, 1], description: "toy", domainFeatures: toyVocabulary)
    let data = try JSONEncoder().encode(configuration)
    let molecular = JSONDecoder()
    molecular.userInfo[GraphDomainFeatureTypes.userInfoKey] = GraphDomainFeatureTypes([MolecularVocabulary.self])
    let decoded = try molecular.decode(GraphDiffusionConfiguration.self, from: data)
    #expect(decoded.domainFeatures as? MolecularVocabulary == toyVocabulary)
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["molecular"] != nil)
    do {
      _ = try JSONDecoder().decode(GraphDiffusionConfiguration.self, from: data)
      Issue.record("a loader without molecular features read a molecular model")
    } catch DecodingError.dataCorrupted(let context) {
      #expect(context.debugDescription.contains("'molecular' domain features"))
    }
    object["molecular"] = nil
    #expect(throws: DecodingError.self) {
      try molecular.decode(GraphDiffusionConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
    }
    object["transformer"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(transformer(GraphDiffusionConfiguration.extraWidths(.none, domainFeatures: nil))))
    let abstract = try molecular.decode(GraphDiffusionConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
    #expect(abstract.domainFeatures == nil)
    // The model sees the molecular features: predict runs with the widened input.
    var rng = RandomGenerator(seed: 1)
    let model = GraphDiffusionModel(configuration, using: &rng)
    var none: RandomGenerator? = nil
    let prediction = model.predict(noisy: toyMolecule(), steps: [3], condition: nil, rng: &none)
    #expect(prediction.nodeLogits.shape == [1, 5, 3] && prediction.edgeLogits.shape == [1, 5, 5, 4])
  }
}
