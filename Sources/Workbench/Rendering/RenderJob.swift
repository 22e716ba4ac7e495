// Render jobs: a picture (one drawing, a diff, or a counterfactual grid) rendered in memory
// and written atomically as SVG, PNG or DOT; reports written as notebook and HTML.
// SMILES, graph6 and molecule files are parsed through RenderInputs.swift.

import Chemistry
import Foundation
import Graphs
import Molecules
import Rendering

/// One picture to render and write.
public struct RenderJob: Sendable {
  /// What to draw.
  public enum Picture: Sendable {
    /// A single molecule or graph.
    case single(DrawingGraph)
    /// Original and counterfactual side by side.
    case diff(CounterfactualDiff)
    /// The input, then counterfactuals sorted by similarity.
    case grid(input: DrawingGraph, counterfactuals: [CounterfactualEntry], layout: GridLayout)
  }

  /// What to draw.
  public var picture: Picture
  /// Title above the picture (grids use their layout's title).
  public var title: String
  /// Style options.
  public var options: DrawingOptions

  /// Creates a job.
  public init(picture: Picture, title: String = "", options: DrawingOptions = DrawingOptions()) {
    self.picture = picture
    self.title = title
    self.options = options
  }

  /// The DOT text (render it with Graphviz's pinned engine).
  public func dot() throws -> String {
    switch picture {
    case .single(let graph): return try Drawing.dot(of: graph, title: title, options: options).text
    case .diff(let diff): return try Drawing.diffDOT(diff, title: title, options: options).text
    case .grid(let input, let counterfactuals, let layout):
      return try Drawing.counterfactualGridDOT(input: input, counterfactuals: counterfactuals, layout: layout, options: options).text
    }
  }

  /// The finished bytes in `format` (svg, png or dot), built entirely in memory.
  public func render(format: RenderOutputFormat) throws -> [UInt8] {
    let source = try dot()
    switch format {
    case .dot: return Array(source.utf8)
    case .svg: return try Graphviz.renderData(dot: source, engine: .pinned, format: .svg)
    case .png:
      guard Graphviz.canRenderPNG else {
        throw RenderJobError.unsupportedFormat(
          path: "png", reason: "PNG needs Graphviz's cairo plugin (libgvplugin_pango, Debian package libgvc6); write .svg instead")
      }
      return try Graphviz.renderData(dot: source, engine: .pinned, format: .png)
    case .ipynb, .html:
      throw RenderJobError.unsupportedFormat(path: format.rawValue, reason: "a picture is written as .svg, .png or .dot; reports as .ipynb or .html")
    }
  }

  /// Renders and writes to `path`, the format taken from its extension; nothing is written on error.
  public func write(to path: String) throws {
    let format = try RenderOutputFormat.forPath(path)
    let bytes: [UInt8]
    do { bytes = try render(format: format) } catch let error as RenderJobError {
      if case .unsupportedFormat(_, let reason) = error { throw RenderJobError.unsupportedFormat(path: path, reason: reason) }
      throw error
    }
    try RenderOutput.write(bytes, to: path)
  }

  /// One grid job per input of a counterfactual table.
  ///
  /// `convert` turns a row into drawings (and optionally a node matching); errors it throws
  /// are reported with the file and line of the row.
  public static func grids(
    from table: CounterfactualTable, propertyName: String = "value", layout: GridLayout = GridLayout(),
    options: DrawingOptions = DrawingOptions(),
    convert: (CounterfactualRow) throws -> (original: DrawingGraph, counterfactual: DrawingGraph, matching: [Int?]?)
  ) throws -> [RenderJob] {
    var jobs: [RenderJob] = []
    for group in table.groups {
      var input: DrawingGraph? = nil
      var entries: [CounterfactualEntry] = []
      for row in group.rows {
        let converted: (original: DrawingGraph, counterfactual: DrawingGraph, matching: [Int?]?)
        do { converted = try convert(row) } catch {
          throw RenderJobError.badRecord(file: table.file, line: row.line, reason: "\(error)")
        }
        input = input ?? converted.original
        var property: PropertyChange? = nil
        if let before = row.valueBefore, let after = row.valueAfter {
          property = PropertyChange(name: propertyName, before: before, after: after)
        }
        entries.append(CounterfactualEntry(
          graph: converted.counterfactual, matching: converted.matching, similarity: row.similarity, property: property,
          isValid: row.isValid, note: row.counterfactual.count <= 40 ? row.counterfactual : ""))
      }
      var groupLayout = layout
      if groupLayout.title.isEmpty { groupLayout.title = group.inputID }
      jobs.append(RenderJob(picture: .grid(input: input!, counterfactuals: entries, layout: groupLayout), options: options))
    }
    return jobs
  }
}

/// Writes a report as a notebook and/or an HTML page, each atomically.
public enum ReportWriter {
  /// Writes `report` to each path (.ipynb or .html).
  public static func write(_ report: Report, to paths: [String]) throws {
    var outputs: [(String, String)] = []
    for path in paths {
      switch try RenderOutputFormat.forPath(path) {
      case .ipynb: outputs.append((path, NotebookExport.notebook(report)))
      case .html: outputs.append((path, HTMLExport.page(report)))
      default: throw RenderJobError.unsupportedFormat(path: path, reason: "reports are written as .ipynb or .html")
      }
    }
    for (path, text) in outputs { try RenderOutput.write(text, to: path) }
  }
}

/// Inputs cfx can parse without the Graphs and Chemistry parsers.
public enum RenderInput {
  /// An abstract graph from an edge list such as "0-1,1-2,2-0" (vertices 0-based; the vertex
  /// count is the largest index + 1, or `vertexCount` when given).
  public static func edgeList(_ text: String, vertexCount: Int? = nil, name: String = "") throws(RenderJobError) -> DrawingGraph {
    var edges: [(Int, Int)] = []
    let items = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" })
    for item in items {
      let ends = item.split(separator: "-")
      guard ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]), a >= 0, b >= 0 else {
        throw .badRecord(file: "edge list", line: 1, reason: "'\(item)' is not an edge like 0-1")
      }
      edges.append((a, b))
    }
    let count = vertexCount ?? ((edges.map { max($0.0, $0.1) }.max() ?? -1) + 1)
    guard count > 0 else { throw .badRecord(file: "edge list", line: 1, reason: "no vertices; give edges like 0-1,1-2") }
    return DrawingGraph.graph(vertexCount: count, edges: edges, name: name)
  }
}

/// What `cfx render` asked for, as plain values; `run()` does the work.
public struct RenderRequest: Sendable {
  /// A graph as an edge list.
  public var graph: String?
  /// A counterfactual of `graph` (edge list, same numbering): draw a diff.
  public var counterfactual: String?
  /// A CSV of counterfactuals whose cells are edge lists.
  public var csv: String?
  /// Output picture path (.svg, .png, .dot).
  public var output: String?
  /// Report paths (.ipynb, .html) for `csv`.
  public var reports: [String] = []
  /// Title.
  public var title: String = ""
  /// Property name for value_before/value_after.
  public var property: String = "value"
  /// Grid columns.
  public var columns: Int?
  /// Show node indices.
  public var showIndices = false
  /// Use the colour-blind-safe palette.
  public var colorBlindSafe = false
  /// Largest node count drawn.
  public var maximumNodes = DrawingLimits.maximumNodes
  /// Notation of `graph`, `counterfactual` and CSV cells (nil: guessed per string).
  public var notation: RenderNotation?
  /// A molecule file (any format Open Babel reads; by extension): one picture of all its
  /// molecules, captioned with their names; bad records are skipped and listed.
  public var moleculeFile: String?

  /// An empty request.
  public init() {}

  /// Renders and writes every requested file; throws a message naming the bad input or file.
  public func run() throws {
    var options = DrawingOptions()
    options.showIndices = showIndices
    options.maximumNodes = maximumNodes
    if colorBlindSafe { options.palette = .colorBlindSafe }
    if let moleculeFile {
      let records = try MoleculeReader.readAll(path: moleculeFile)
      var items: [(graph: DrawingGraph, caption: [String])] = []
      var skipped: [String] = []
      for record in records {
        switch record.result {
        case .success(let molecule):
          let name = molecule.name.isEmpty ? "#\(record.index)" : molecule.name
          items.append((DrawingGraph(molecule, name: name), [name, molecule.formula]))
        case .failure(let error):
          skipped.append(MoleculeData.located("\(error)", at: record.source))
        }
      }
      for line in skipped { FileHandle.standardError.write(Data("skipped: \(line)\n".utf8)) }
      guard !items.isEmpty else {
        throw RenderJobError.badRecord(file: moleculeFile, line: 0, reason: "no readable molecule (\(skipped.count) bad record(s))")
      }
      guard let output else { return }
      let svg = try Drawing.gridSVG(items, layout: GridLayout(columns: columns, title: title), options: options)
      let format = try RenderOutputFormat.forPath(output)
      guard format == .svg else {
        throw RenderJobError.unsupportedFormat(path: output, reason: "a molecule file is drawn as an SVG grid; use a .svg output")
      }
      try RenderOutput.write(svg, to: output)
      return
    }
    if let graph {
      var job = RenderJob(picture: .single(try parse(graph, source: "graph")), title: title, options: options)
      if let counterfactual {
        job.picture = .diff(try diff(graph, counterfactual, source: "graph"))
      }
      if let output { try job.write(to: output) }
      return
    }
    guard let csv else { throw RenderJobError.badRecord(file: "cfx render", line: 0, reason: "give a graph or a CSV file") }
    let table = try CounterfactualTable.read(path: csv)
    let jobs = try RenderJob.grids(from: table, propertyName: property, layout: GridLayout(columns: columns), options: options) { row in
      let d = try diff(row.original, row.counterfactual, source: "\(csv):\(row.line)")
      return (d.original, d.counterfactual, d.matching)
    }
    if let output {
      guard jobs.count == 1 else {
        throw RenderJobError.unsupportedFormat(
          path: output, reason: "\(csv) holds \(jobs.count) inputs and one picture holds one input's grid; write a report instead")
      }
      try jobs[0].write(to: output)
    }
    if !reports.isEmpty {
      let document = try RenderReport.counterfactualReport(
        title: title.isEmpty ? "Counterfactuals from \(csv)" : title, table: table, jobs: jobs, propertyName: property)
      try ReportWriter.write(document, to: reports)
    }
  }

  func parse(_ text: String, source: String) throws -> DrawingGraph {
    try RenderInput.parse(text, notation: notation ?? RenderInput.guessNotation(text), source: source)
  }

  /// Original and counterfactual compared. Edge lists and graph6 are matched by the optimal
  /// graph-edit mapping when both are small enough for exact GED (so the picture shows the
  /// edits GED counts), else by vertex index; molecules by their maximum common substructure
  /// (`DiffMatching`: two SMILES seldom number their atoms alike), by atom index when it has
  /// fewer than 2 atoms.
  func diff(_ original: String, _ counterfactual: String, source: String) throws -> CounterfactualDiff {
    let a = try parse(original, source: source + " original"), b = try parse(counterfactual, source: source + " counterfactual")
    var matching: [Int?]? = nil
    if a.kind == .graph, b.kind == .graph, Swift.max(a.nodes.count, b.nodes.count) <= 10 {
      let ga = Graph(nodeCount: a.nodes.count, edges: a.edges.map { ($0.source, $0.target) })
      let gb = Graph(nodeCount: b.nodes.count, edges: b.edges.map { ($0.source, $0.target) })
      matching = GraphEditDistance.compute(ga, gb).mapping
    }
    if a.kind == .molecule, b.kind == .molecule, let common = DiffMatching.commonSubstructure(a, b) { matching = common.matching }
    return try CounterfactualDiff(original: a, counterfactual: b, matching: matching, maximumNodes: maximumNodes)
  }
}
