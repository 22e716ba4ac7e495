import Diffusion
import Foundation
import Molecules
import Testing
import Workbench

/// The shipped molecule models: which one answers which target, and that each is what its
/// experiment.json says (condition, warm start, checksums).
@Suite struct ShippedModelsTests {
  @Test func moleculeTargetsPickTheirModel() throws {
    let window = try ShippedModels.moleculeModel(for: .drugLikeLogP)
    #expect(window.lastPathComponent == "molecules")
    #expect(try ShippedModels.moleculeModel(for: PropertyTarget(property: .logp, lower: nil, upper: 1)).lastPathComponent == "molecules-logp")
    #expect(try ShippedModels.moleculeModel(for: PropertyTarget(property: .logp, lower: 4, upper: 5)).lastPathComponent == "molecules-logp")
    #expect(try ShippedModels.moleculeModel(for: PropertyTarget(property: .tpsa, lower: 60, upper: 90)).lastPathComponent == "molecules")
  }

  @Test func shippedMoleculeModelsAreWhatTheySay() throws {
    let windowDir = try ShippedModels.directory("molecules"), logpDir = try ShippedModels.directory("molecules-logp")
    let (windowModel, windowSum) = try GraphDiffusionModel.load(from: windowDir, domainFeatures: [MolecularVocabulary.self])
    let (logpModel, logpSum) = try GraphDiffusionModel.load(from: logpDir, domainFeatures: [MolecularVocabulary.self])
    let windowInfo = try #require(try MoleculeExperimentInfo.load(from: windowDir))
    let logpInfo = try #require(try MoleculeExperimentInfo.load(from: logpDir))
    #expect(windowInfo.conditionKind == .window && windowModel.configuration.condition == .classes(count: 2))
    #expect(logpInfo.conditionKind == .continuous && logpModel.configuration.condition.width == 1)
    // Trained on the same data; the continuous model started from the shipped window model.
    #expect(logpInfo.trainingDataSHA256 == windowInfo.trainingDataSHA256)
    #expect(logpInfo.warmStart?.sourceModelSHA256 == windowSum && logpSum != windowSum)
    #expect(MoleculeWarmStart.compatibilityProblems(source: windowModel.configuration, target: logpModel.configuration).isEmpty)
    // A one-sided target asks the continuous model for half a unit inside its bound.
    #expect(try logpInfo.conditionTarget(for: PropertyTarget(property: .logp, lower: 4.5, upper: nil)) == [5])
  }

  /// Every shipped model's configuration reads and writes back to the same JSON, molecule models
  /// with their vocabulary as domain features; the planar model reads without any, and a molecule
  /// model is refused by a loader that reads none.
  @Test func shippedConfigurationsRoundTrip() throws {
    for (name, domain) in [("planar", [any GraphDomainFeatures.Type]()), ("molecules", [MolecularVocabulary.self]), ("molecules-logp", [MolecularVocabulary.self])] {
      let directory = try ShippedModels.directory(name)
      let configuration = try GraphDiffusionModel.configuration(in: directory, domainFeatures: domain)
      #expect((configuration.domainFeatures is MolecularVocabulary) == !domain.isEmpty, "\(name)")
      let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("config.json"))) as? [String: Any])
      let stored = try JSONSerialization.data(withJSONObject: try #require(document["model"]), options: .sortedKeys)
      let written = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)), options: .sortedKeys)
      #expect(stored == written, "\(name): the configuration does not write back as stored")
    }
    #expect(throws: (any Error).self) { try GraphDiffusionModel.configuration(in: ShippedModels.directory("molecules")) }
  }
}
