// `cfx bench explain`: GDCE timing on one graph.

import ArgumentParser
import Diffusion
import DiffusionCore
import Foundation
import Molecules
import Workbench

struct BenchExplain: ParsableCommand {
  /// What cfx explain uses: the planar model's defaults, or the recommended molecule ones.
  enum Defaults: SamplingDefaults {
    static var sampling: SamplingSettings { GraphCounterfactualEngine.recommended }
    static var helpDefaults: (taus: String, samples: String, scale: String) {
      let molecules = MoleculeCounterfactualSettings.recommended.sampling
      return ("\(sampling.taus[0]) for graphs, \(molecules.taus[0]) for molecules", "\(sampling.samples) for graphs, \(molecules.samples) for molecules",
              "\(sampling.guidanceScale) for graphs, \(molecules.guidanceScale) for molecules")
    }
    static var samplesMeaning: String { "samples per input" }
  }

  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Time GDCE on one input (graphs: 100 samples at tau 50; molecules: 10 samples at tau 50); prints JSON.",
    discussion: """
      Model loading is excluded; each bundled demo graph (or, with a molecule model, each molecule of \
      molecules/examples/example.smi, target logP in [1.7, 3.8]) is timed --repeats times and the best is kept.
      Examples: cfx bench explain; cfx bench explain --model molecules/models/molecules
      """)

  @Option(help: "Model directory (default: the shipped planar model). A molecule model times molecule GDCE.")
  var model: String?
  @OptionGroup var sampling: SamplingOptions<Defaults>
  @OptionGroup(title: "Molecule models") var steering: SteeringOptions
  @Option(help: "Repeats per graph.")
  var repeats = 3

  func validate() throws {
    guard sampling.givenTaus.count <= 1 else { throw ValidationError("--tau: the benchmark times one τ, got \(sampling.givenTaus)") }
    try steering.checkNeedsSteering(for: .gdce)
  }

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    if try MoleculeExperimentInfo.load(from: modelURL) != nil {
      let settings = steering.settings(
        method: .gdce, sampling: sampling.settings(defaults: MoleculeCounterfactualSettings.recommended.sampling), constrained: true)
      print(try reportingOptionNames { try ExplainBenchmark.runMolecules(modelDirectory: modelURL, settings: settings, repeats: repeats).json })
    } else {
      print(try ExplainBenchmark.run(modelDirectory: modelURL, sampling: sampling.settings(), repeats: repeats).json)
    }
  }
}
