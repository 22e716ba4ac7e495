// `cfx bench explain`: GDCE timing on one graph.

import ArgumentParser
import Diffusion
import Foundation
import Molecules
import Workbench

struct BenchExplain: ParsableCommand {
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
  @Option(help: "Samples per input (default 100 for graphs, 10 for molecules).")
  var samples: Int?
  @Option(help: "Noise step tau.")
  var tau = 50
  @Option(help: "Guidance scale (default \(GraphCounterfactualEngine.recommended.scale) for graphs; for molecules what cfx explain uses).")
  var scale: Float?
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

  func run() throws {
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    if try MoleculeExperimentInfo.load(from: modelURL) != nil {
      let r = MoleculeCounterfactualSettings.recommended
      let steering = steer ?? r.steering
      print(try reportingOptionNames {
        try ExplainBenchmark.runMolecules(
          modelDirectory: modelURL, samples: samples ?? 10, tau: tau, scale: scale ?? r.scale, steering: steering,
          particles: particles ?? (steering > 0 ? r.particles : 1), proximity: proximity, refine: refine, repeats: repeats).json
      })
    } else {
      print(try ExplainBenchmark.run(modelDirectory: modelURL, samples: samples ?? GraphCounterfactualEngine.recommended.samples, tau: tau, scale: scale ?? GraphCounterfactualEngine.recommended.scale, repeats: repeats).json)
    }
  }
}
