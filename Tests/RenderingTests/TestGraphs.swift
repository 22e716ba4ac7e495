// Test inputs: a minimal graph6 decoder (test-only; the real parser lives in Graphs) and named
// planar graphs.

@testable import Rendering

/// Decodes a graph6 string with fewer than 63 vertices into an edge list.
func decodeGraph6(_ text: String) -> (vertexCount: Int, edges: [(Int, Int)]) {
  let bytes = Array(text.utf8).map { Int($0) - 63 }
  let n = bytes[0]
  var bits: [Bool] = []
  for value in bytes.dropFirst() {
    for shift in stride(from: 5, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
  }
  // Upper triangle column by column: (0,1), (0,2), (1,2), (0,3), ...
  var edges: [(Int, Int)] = []
  var k = 0
  for j in 1..<n {
    for i in 0..<j {
      if bits[k] { edges.append((i, j)) }
      k += 1
    }
  }
  return (n, edges)
}

/// Named planar graphs with the number of vertices.
let namedPlanarGraphs: [(name: String, vertexCount: Int, edges: [(Int, Int)])] = {
  var graphs: [(String, Int, [(Int, Int)])] = []
  let cube = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7)]
  graphs.append(("cube", 8, cube))
  let octahedron = [(0, 1), (0, 2), (0, 3), (0, 4), (5, 1), (5, 2), (5, 3), (5, 4), (1, 2), (2, 3), (3, 4), (4, 1)]
  graphs.append(("octahedron", 6, octahedron))
  var dodecahedron: [(Int, Int)] = []
  for i in 0..<5 {
    dodecahedron += [(i, (i + 1) % 5), (i, 5 + i), (5 + i, 10 + i), (5 + i, 10 + (i + 4) % 5), (10 + i, 15 + i),
                     (15 + i, 15 + (i + 1) % 5)]
  }
  graphs.append(("dodecahedron", 20, dodecahedron))
  var grid: [(Int, Int)] = []
  for r in 0..<4 {
    for c in 0..<4 {
      if c < 3 { grid.append((r * 4 + c, r * 4 + c + 1)) }
      if r < 3 { grid.append((r * 4 + c, (r + 1) * 4 + c)) }
    }
  }
  graphs.append(("grid4x4", 16, grid))
  let wheel = (1...8).flatMap { [(0, $0), ($0, $0 % 8 + 1)] }
  graphs.append(("wheel8", 9, wheel))
  let icosahedron = [
    (0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (1, 2), (2, 3), (3, 4), (4, 5), (5, 1), (1, 6), (2, 6), (2, 7), (3, 7),
    (3, 8), (4, 8), (4, 9), (5, 9), (5, 10), (1, 10), (6, 7), (7, 8), (8, 9), (9, 10), (10, 6), (11, 6), (11, 7),
    (11, 8), (11, 9), (11, 10),
  ]
  graphs.append(("icosahedron", 12, icosahedron))
  return graphs
}()

/// The drug-like fixture molecules as drawing inputs.
let drugMolecules: [DrawingGraph] = drugMoleculeRecords.map { record in
  let nodes = record.atoms.split(separator: " ").map { token -> DrawingNode in
    let f = token.split(separator: ":")
    return DrawingNode(label: String(f[0]), charge: Int(f[1])!, hydrogens: Int(f[2])!, isAromatic: f[3] == "1")
  }
  let edges = record.bonds.split(separator: " ").map { token -> DrawingEdge in
    let f = token.split(separator: "-").map { Int($0)! }
    return DrawingEdge(f[0], f[1], order: f[2], isAromatic: f[3] == 1)
  }
  return DrawingGraph(kind: .molecule, nodes: nodes, edges: edges, name: record.name)
}

/// One fixture molecule by name.
func drugMolecule(_ name: String) -> DrawingGraph { drugMolecules.first { $0.name == name }! }

/// A counterfactual of paracetamol (atoms: 0 C, 1 C, 2 O, 3 N, 4–7 c, 8 O, 9–10 c): the methyl
/// C0 is removed, O8 becomes Cl, an F is added on atom 5 and the C1=O2 bond becomes single.
/// Counterfactual indices: original i ↦ i − 1 for i ≥ 1; the F is node 10.
func paracetamolCounterfactual() -> (original: DrawingGraph, counterfactual: DrawingGraph, matching: [Int?]) {
  let original = drugMolecule("paracetamol")
  var nodes = Array(original.nodes.dropFirst())
  nodes[7] = DrawingNode(label: "Cl")
  nodes[1].hydrogens = 1
  nodes.append(DrawingNode(label: "F"))
  var edges: [DrawingEdge] = []
  for edge in original.edges where edge.source != 0 && edge.target != 0 {
    var copy = edge
    copy.source -= 1
    copy.target -= 1
    if copy.sortedEndpoints == (0, 1) { copy.order = 1 }
    edges.append(copy)
  }
  edges.append(DrawingEdge(4, 10))
  let counterfactual = DrawingGraph(kind: .molecule, nodes: nodes, edges: edges, name: "paracetamol-cf")
  let matching: [Int?] = [nil] + (0..<10).map { $0 }
  return (original, counterfactual, matching)
}
