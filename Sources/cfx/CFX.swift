// The cfx command-line tool: parses arguments and calls library code; no logic lives here.

import ArgumentParser

@main
struct CFX: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cfx",
    abstract: "Counterfactual explanations on graphs and molecules.",
    discussion: """
      cfx edits a given graph or molecule just enough to reach a target (an edge count, a logP \
      window) with graph diffusion and classifier-free guidance, and reports the closest valid \
      variants with honest numbers.
      """,
    version: "0.1.0",
    subcommands: [Demo.self, Explain.self, Sample.self, Eval.self, Cluster.self, Render.self, Props.self, DataCommand.self, Train.self, Doctor.self, Bench.self])

  /// Parses and runs the command, on every rank when an MPI launcher started cfx.
  static func main() { Ranks.main(self) }
}
