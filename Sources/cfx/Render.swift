// `cfx render`: draws graphs, diffs and counterfactual tables to SVG/PNG/DOT, and writes
// reports as notebooks or HTML pages. Parsing only; the work is in Workbench.RenderJob.

import ArgumentParser
import Foundation
import Workbench

extension RenderNotation: ExpressibleByArgument {}

struct Render: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw a graph, an original/counterfactual diff, a molecule file, or a CSV of counterfactuals.",
    discussion: """
      One argument draws it; two draw the second as a counterfactual of the first (a diff); a \
      file (as the argument or with --input) is a CSV of counterfactuals (.csv) or a molecule \
      file (.sdf, .smi, … : all its molecules in one grid). \
      Inputs are SMILES, graph6 strings or edge lists such as "0-1,1-2,2-0" (vertices 0-based); \
      the notation is guessed per string, or set with --notation (e.g. "CC" is both SMILES and \
      graph6). Graph diffs match nodes by the optimal graph-edit mapping; molecule diffs by their \
      maximum common substructure (elements and bond orders, as RDKit's FMCS). Output format \
      follows the extension: \
      .svg, .png (needs Graphviz's cairo plugin) or .dot; reports: .ipynb or .html. Files are \
      written atomically: on error nothing is written.
      Examples:
        cfx render 'CCO' 'CC=O' --out diff.svg
        cfx render 'G?`DF{' --out graph.png
        cfx render results/counterfactuals.csv --out grid.svg --report report.html
      """)

  @Argument(help: "A graph or molecule (SMILES, graph6 or edge list), optionally followed by a counterfactual of it; or a file.")
  var inputs: [String] = []

  @Option(help: "A file to draw: a CSV of counterfactuals (.csv) or a molecule file (.sdf, .mol, .mol2, .smi or any Open Babel format).")
  var input: String?

  /// Spellings from before inputs were arguments, kept as aliases.
  @Option(help: .private) var graph: String?

  @Option(help: "Notation of the inputs: \(RenderNotation.allCases.map(\.rawValue).joined(separator: ", ")) (default: guessed).")
  var notation: RenderNotation?

  @Option(help: .private) var moleculeFile: String?
  @Option(help: .private) var counterfactual: String?
  @Option(help: .private) var csv: String?
  @Option(help: .private) var output: String?

  @Option(name: [.customShort("o"), .long], help: "Output picture (.svg, .png or .dot).")
  var out: String?

  @Option(help: "Also write a report for a CSV of counterfactuals (.ipynb or .html); repeat for both.")
  var report: [String] = []

  @Option(help: "Title above the picture.")
  var title: String = ""

  @Option(help: "Name of the property in CSV value_before/value_after columns.")
  var property: String = "value"

  @Option(help: "Grid columns for a CSV of counterfactuals.")
  var columns: Int?

  @Option(help: "Largest graph drawn (nodes); larger inputs are refused.")
  var maxNodes: Int = 250

  @Flag(help: "Show node indices.")
  var indices = false

  @Flag(help: "Use the colour-blind-safe palette (blue/orange/purple).")
  var colorBlindSafe = false

  /// The request with what to draw and where, from the arguments, --input and the old spellings.
  func resolved() throws -> RenderRequest {
    var files = inputs.filter(ExplainInputOutputOptions.isFile) + [input].compactMap { $0 }
    let inline = inputs.filter { !ExplainInputOutputOptions.isFile($0) }
    guard files.count + inline.count <= 2, files.count <= 1, files.isEmpty || inline.isEmpty else {
      throw ValidationError("give one input (a graph, molecule or file), or a graph and its counterfactual; got \(inputs.count + (input == nil ? 0 : 1))")
    }
    var r = RenderRequest()
    (r.graph, r.counterfactual) = (graph ?? inline.first, counterfactual ?? (inline.count == 2 ? inline[1] : nil))
    (r.csv, r.moleculeFile) = (csv, moleculeFile)
    if let file = files.popLast() {
      if URL(fileURLWithPath: file).pathExtension.lowercased() == "csv" { r.csv = file } else { r.moleculeFile = file }
    }
    guard out == nil || output == nil else { throw ValidationError("--output is the old spelling of --out: give one of them") }
    r.output = out ?? output
    return r
  }

  func validate() throws {
    let r = try resolved()
    let given = [r.graph, r.csv, r.moleculeFile].compactMap { $0 }.count
    guard given == 1 else { throw ValidationError(given == 0 ? "give a graph, molecule or file to draw (cfx render --help shows examples)" : "give one thing to draw: a graph (and its counterfactual), a CSV or a molecule file") }
    if r.counterfactual != nil && r.graph == nil { throw ValidationError("a counterfactual needs the graph it is a counterfactual of") }
    if r.output == nil && report.isEmpty { throw ValidationError("give --out FILE (and/or --report for a CSV)") }
    if !report.isEmpty && r.csv == nil { throw ValidationError("--report needs a CSV of counterfactuals") }
    if maxNodes < 1 { throw ValidationError("--max-nodes must be at least 1, got \(maxNodes)") }
  }

  func run() throws {
    var request = try resolved()
    (request.reports, request.title, request.property, request.columns) = (report, title, property, columns)
    (request.showIndices, request.colorBlindSafe, request.maximumNodes, request.notation) = (indices, colorBlindSafe, maxNodes, notation)
    try request.run()
  }
}
