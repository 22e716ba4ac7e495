// `cfx train export`: copy a checkpoint for shipping.

import ArgumentParser
import Basics
import Diffusion
import Foundation
import Molecules
import NN
import Workbench

struct TrainExport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Copy a checkpoint's model (weights + config, no optimizer state) for shipping.",
    discussion: """
      The weights file is copied byte for byte, so the model SHA-256 stays the same; the training \
      log (and a molecule model's experiment.json, an image classifier's evaluation, a diffusion autoencoder's reconstructions) is copied too and --note key=value pairs are recorded in config.json.
      Example: cfx train export --from ~/.cache/cfx/planar-small --to molecules/models/planar --note command="cfx train planar ..."
      """)

  @Option(help: "Checkpoint directory.")
  var from: String
  @Option(help: "Destination directory.")
  var to: String
  @Option(help: "key=value notes to record (repeat).")
  var note: [String] = []

  func run() throws {
    var notes: [String: String] = [:]
    for n in note {
      guard let eq = n.firstIndex(of: "=") else { throw ValidationError("--note \(n): expected key=value") }
      notes[String(n[..<eq])] = String(n[n.index(after: eq)...])
    }
    let sum = try Checkpoint.exportForInference(from: URL(fileURLWithPath: from), to: URL(fileURLWithPath: to), notes: notes)
    // The training log; for molecule models experiment.json (what the condition means and which
    // data trained it), which explain and eval need; for image classifiers their test evaluation
    // and predictions; for diffusion autoencoders their reconstruction grid.
    for name in ["training-log.jsonl", MoleculeExperimentInfo.fileName, "evaluation.json", "test-predictions.csv", "reconstructions.png", "reconstructions.svg"] {
      if let data = try? Data(contentsOf: URL(fileURLWithPath: from).appendingPathComponent(name)) {
        try AtomicFile.write(data, to: URL(fileURLWithPath: to).appendingPathComponent(name))
      }
    }
    print("exported \(from) → \(to) (model SHA-256 \(sum))")
  }
}
