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
  @Option(help: "Molecules: property steering strength (0 = off; default what cfx explain uses).")
  var steer: Double?
  @Option(help: "Molecules: steering particles per sample (default what cfx explain uses when steering, else 1).")
  var particles: Int?
  @Flag(inversion: .prefixedNo, help: "Molecules: minimal-edit refinement (as cfx explain).")
  var refine = true
  @Option(help: "Molecules: proximity weight of steering (needs --steer).")
  var proximity: Double = 0
  @Option(help: "Repeats per graph.")
  var repeats = 3

  func validate() throws {
    guard sampling.givenTaus.count <= 1 else { throw ValidationError("--tau: the benchmark times one τ, got \(sampling.givenTaus)") }
  }

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    if try MoleculeExperimentInfo.load(from: modelURL) != nil {
      let r = MoleculeCounterfactualSettings.recommended
      let steering = steer ?? r.steering
      let settings = MoleculeCounterfactualSettings(
        method: .gdce, sampling: sampling.settings(defaults: r.sampling), constrained: true, steering: steering,
        particles: particles ?? (steering > 0 ? r.particles : 1), proximity: proximity, refine: refine)
      print(try reportingOptionNames { try ExplainBenchmark.runMolecules(modelDirectory: modelURL, settings: settings, repeats: repeats).json })
    } else {
      print(try ExplainBenchmark.run(modelDirectory: modelURL, sampling: sampling.settings(), repeats: repeats).json)
    }
  }
}
