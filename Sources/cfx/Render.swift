// `cfx render`: draws graphs, diffs and counterfactual tables to SVG/PNG/DOT, and writes
// reports as notebooks or HTML pages. Parsing only; the work is in Workbench.RenderJob.

import ArgumentParser
import Workbench

extension RenderNotation: ExpressibleByArgument {}

struct Render: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw a graph, an original/counterfactual diff, or a CSV of counterfactuals.",
    discussion: """
      Inputs are SMILES, graph6 strings or edge lists such as "0-1,1-2,2-0" (vertices 0-based); \
      the notation is guessed per string, or set with --notation (e.g. "CC" is both SMILES and \
      graph6). Graph diffs match nodes by the optimal graph-edit mapping; molecule diffs by atom \
      index. Output format follows the extension: \
      .svg, .png (needs Graphviz's cairo plugin) or .dot; reports: .ipynb or .html. Files are \
      written atomically: on error nothing is written.
      """)

  @Option(help: "A graph or molecule: SMILES, graph6, or an edge list such as \"0-1,1-2,2-0\".")
  var graph: String?

  @Option(help: "Notation of the inputs: \(RenderNotation.allCases.map(\.rawValue).joined(separator: ", ")) (default: guessed).")
  var notation: RenderNotation?

  @Option(help: "A molecule file (.sdf, .mol, .mol2, .smi or any Open Babel format): all its molecules in one SVG grid.")
  var moleculeFile: String?

  @Option(help: "A counterfactual of --graph (same notation): draws a diff.")
  var counterfactual: String?

  @Option(help: "A CSV of counterfactuals with original and counterfactual columns (SMILES, graph6 or edge lists).")
  var csv: String?

  @Option(name: [.short, .long], help: "Output picture (.svg, .png or .dot).")
  var output: String?

  @Option(help: "Also write a report for --csv (.ipynb or .html); repeat for both.")
  var report: [String] = []

  @Option(help: "Title above the picture.")
  var title: String = ""

  @Option(help: "Name of the property in CSV value_before/value_after columns.")
  var property: String = "value"

  @Option(help: "Grid columns for --csv.")
  var columns: Int?

  @Option(help: "Largest graph drawn (nodes); larger inputs are refused.")
  var maxNodes: Int = 250

  @Flag(help: "Show node indices.")
  var indices = false

  @Flag(help: "Use the colour-blind-safe palette (blue/orange/purple).")
  var colorBlindSafe = false

  func validate() throws {
    let inputs = [graph, csv, moleculeFile].compactMap { $0 }.count
    guard inputs == 1 else { throw ValidationError("give exactly one of --graph, --molecule-file or --csv") }
    if counterfactual != nil && graph == nil { throw ValidationError("--counterfactual needs --graph") }
    if output == nil && report.isEmpty { throw ValidationError("give --output (and/or --report for --csv)") }
    if !report.isEmpty && csv == nil { throw ValidationError("--report works with --csv") }
    if maxNodes < 1 { throw ValidationError("--max-nodes must be at least 1, got \(maxNodes)") }
  }

  func run() throws {
    var request = RenderRequest()
    request.graph = graph
    request.counterfactual = counterfactual
    request.csv = csv
    request.output = output
    request.reports = report
    request.title = title
    request.property = property
    request.columns = columns
    request.showIndices = indices
    request.colorBlindSafe = colorBlindSafe
    request.maximumNodes = maxNodes
    request.notation = notation
    request.moleculeFile = moleculeFile
    try request.run()
  }
}
