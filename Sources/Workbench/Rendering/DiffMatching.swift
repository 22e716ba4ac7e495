// Atom correspondences for diff drawings of molecules that have none of their own (retrieval,
// FreeGress, mutants): the maximum common substructure, compared the way RDKit's rdFMCS does by
// default (elements; bond orders, an aromatic bond also matching a single or a double one; a
// connected common edge subgraph), so the picture highlights the atoms and bonds outside it, as
// exmol's and RDKit's MCS diffs do. A ring that lost its aromaticity then stays matched and its
// bonds show as changed, instead of the whole ring as removed and added again.

import Graphs
import Rendering

/// Node matchings between an original drawing and a counterfactual for `CounterfactualDiff`.
public enum DiffMatching {
  /// Fewer common atoms than this: no useful alignment, every atom is drawn unmatched.
  public static let minimumAnchors = 2

  /// The edge label of an aromatic bond in `searchGraphs`.
  public static let aromaticBond = 4

  /// Bond labels that match besides equal ones: aromatic with single and with double (RDKit's
  /// `BondCompare.CompareOrder`, which ignores aromatisation).
  public static let alsoMatching = [(aromaticBond, 1), (aromaticBond, 2)]

  /// The labelled graphs of two drawings for common-substructure search: node label = a code
  /// per element symbol shared by both (charges may differ: the diff shows them as changed),
  /// edge label = bond order 1...3, or `aromaticBond` for an aromatic bond. Shapes: node counts kept.
  public static func searchGraphs(_ original: DrawingGraph, _ counterfactual: DrawingGraph) -> (Graph, Graph) {
    let symbols = Set(original.nodes.map(\.label) + counterfactual.nodes.map(\.label)).sorted()
    let code = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { ($1, $0) })
    func graph(_ drawing: DrawingGraph) -> Graph {
      Graph(nodeLabels: drawing.nodes.map { code[$0.label]! }, labeledEdges: drawing.edges.map { ($0.source, $0.target, $0.isAromatic ? aromaticBond : $0.order) })
    }
    return (graph(original), graph(counterfactual))
  }

  /// The maximum-common-substructure matching (original node → counterfactual node, nil outside
  /// it; shapes: original node count entries) and the search's result, or nil when fewer than
  /// `minimumAnchors` atoms are common. One connected substructure, as RDKit's: matching
  /// further disjoint fragments too (measured on the drug fixtures' mutants and nearest
  /// neighbours) added crossings to more pictures than it saved.
  public static func commonSubstructure(
    _ original: DrawingGraph, _ counterfactual: DrawingGraph, expansionLimit: Int = MaximumCommonSubstructure.defaultExpansionLimit
  ) -> (matching: [Int?], substructure: CommonSubstructure)? {
    let (a, b) = searchGraphs(original, counterfactual)
    let result = MaximumCommonSubstructure.compute(a, b, alsoMatching: alsoMatching, expansionLimit: expansionLimit)
    return result.nodeCount < minimumAnchors ? nil : (result.mapping, result)
  }
}
