// `cfx explain`: counterfactuals of given graphs with GDCE.

import ArgumentParser
import Foundation
import Workbench

struct Explain: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Counterfactuals of a graph: the closest valid graphs that meet a target (GDCE).",
    discussion: """
      The input graph is noised to step --tau and denoised back under the target with \
      classifier-free guidance, --samples times; results are ranked valid-and-on-target first, \
      then by exact graph edit distance. Input: graph6 strings as arguments, a file of graph6 \
      lines with --input, or --input - for stdin.
      Examples:
        cfx explain 'G?`DF{'                      # one edge fewer, shipped planar model
        cfx explain --input test.g6 --tau 50 --samples 100 --out results/
      """)

  @Argument(help: "graph6 strings.")
  var graphs: [String] = []
  @Option(help: "A file of graph6 lines, or - for standard input.")
  var input: String?
  @Option(help: "Model directory (default: the shipped planar model, molecules/models/planar).")
  var model: String?
  @Option(help: "Target edge count (default: the input's edge count plus --delta).")
  var targetEdges: Int?
  @Option(help: "Target relative to the input's edge count.")
  var delta = -1
  @Option(help: "Noise step tau (repeat for several).")
  var tau: [Int] = [50]
  @Option(help: "Counterfactuals per input and tau.")
  var samples = 100
  @Option(help: "Guidance scale s (1 = conditional model; larger pushes harder to the target).")
  var scale: Float = 1.5
  @Option(help: "Random seed.")
  var seed: UInt64 = 0
  @Option(help: "Directory for counterfactuals.csv and counterfactuals.json.")
  var out: String?
  @Option(help: "Rows shown per input.")
  var show = 5

  func validate() throws {
    guard samples > 0, show >= 0 else { throw ValidationError("--samples must be positive") }
    guard !graphs.isEmpty || input != nil else { throw ValidationError("give graph6 strings as arguments or --input FILE (- for stdin)") }
  }

  func run() throws {
    var inputs = graphs.enumerated().map { (source: "argument \($0.offset + 1)", text: $0.element) }
    if let input {
      let text: String
      if input == "-" {
        text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
      } else {
        do { text = try String(contentsOfFile: input, encoding: .utf8) } catch {
          throw ValidationError("\(input): cannot read (\(error.localizedDescription))")
        }
      }
      let name = input == "-" ? "stdin" : input
      inputs += text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
        (source: "\(name):\($0.offset + 1)", text: String($0.element))
      }
    }
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? ShippedModels.directory("planar")
    let request = ExplainGraphsRequest(
      modelDirectory: modelURL, inputs: inputs, targetEdges: targetEdges, edgeDelta: delta, taus: tau, samples: samples,
      scale: scale, seed: seed, outputDirectory: out.map { URL(fileURLWithPath: $0) }, show: show)
    print(try ExplainGraphsJob.run(request))
  }
}
