// Pictures of graph counterfactuals: the input first, then the ranked counterfactuals drawn as
// diffs in the input's frame (nodes matched by the optimal graph-edit mapping, so the picture
// shows exactly the edits the reported GED counts).

import Foundation
import Diffusion
import Graphs
import Rendering

extension DrawingGraph {
  /// A drawing of an abstract graph (nodes labelled by index when `labels` is set).
  public init(_ graph: Graph, name: String = "") {
    self = DrawingGraph.graph(vertexCount: graph.nodeCount, edges: graph.edges.map { ($0.u, $0.v) }, name: name)
  }
}

/// SVG pictures for graph counterfactual results.
public enum GraphPictures {
  /// A grid: input, then up to `limit` rows in the given order, each captioned with its edge
  /// change, GED, validity and rank.
  public static func counterfactualGrid(input: Graph, rows: [GraphCounterfactualRow], limit: Int = 8, title: String = "") throws -> String {
    var entries: [CounterfactualEntry] = []
    for (rank, row) in rows.prefix(limit).enumerated() {
      let g = try Graph6.decode(row.counterfactualGraph6, source: "counterfactual \(rank + 1)")
      let mapping = GraphEditDistance.compute(input, g).mapping
      entries.append(CounterfactualEntry(
        graph: DrawingGraph(g), matching: mapping, similarity: nil,
        property: PropertyChange(name: "edges", before: Double(input.edgeCount), after: Double(g.edgeCount)),
        isValid: row.valid, note: "#\(rank + 1) · GED \(row.graphEditDistance) · τ \(row.tau)"))
    }
    return try Drawing.counterfactualGridSVG(
      input: DrawingGraph(input), inputCaption: ["input · \(input.edgeCount) edges", Graph6.encode(input)],
      counterfactuals: entries, layout: GridLayout(columns: 3, title: title))
  }
}
