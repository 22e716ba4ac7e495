// Molecule ⇄ graph encoding for graph diffusion: nodes carry an atom class (element plus formal
// charge), edges a bond class, hydrogens are implicit and recomputed from valence on decoding.
//
// Bond classes are Kekulé (single, double, triple), not aromatic, on purpose:
//  * valence is then local and exact: an atom's hydrogens and its validity follow from the orders
//    of its own bonds, so a denoiser's edits can be checked and repaired atom by atom;
//  * an "aromatic" edge class lets a generator emit aromatic rings that have no Kekulé structure
//    (the most common invalid output of aromatic-class generators) and leaves pyrrole-type [nH]
//    versus pyridine-type n ambiguous;
//  * aromaticity is perceived back deterministically (RDKit model, Aromaticity.swift), so the
//    canonical SMILES does not change. The cost: a ring system has several equivalent Kekulé
//    forms, so the same molecule can appear as different graphs (the one Open Babel's
//    kekulization picks is used when encoding).
// This type does not depend on the Graphs module; the Workbench bridges the two.

/// One node class: an element with a formal charge.
public struct AtomClass: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Atomic number.
  public var atomicNumber: Int
  /// Formal charge.
  public var formalCharge: Int

  /// "C", "N+", "O-".
  public var description: String {
    Element.symbol(atomicNumber) + (formalCharge == 0 ? "" : formalCharge > 0 ? String(repeating: "+", count: formalCharge) : String(repeating: "-", count: -formalCharge))
  }
}

/// A molecule as a graph of class indices (no hydrogens).
public struct MolecularGraph: Sendable, Hashable, Codable {
  /// One edge: atoms `begin < end` and a bond class (1 single, 2 double, 3 triple).
  public struct Edge: Sendable, Hashable, Codable {
    /// Smaller atom index.
    public var begin: Int
    /// Larger atom index.
    public var end: Int
    /// Bond class index (0 is "no bond" and never stored).
    public var bondClass: Int

    /// An edge between `begin` and `end` of `bondClass` (1 single, 2 double, 3 triple).
    public init(begin: Int, end: Int, bondClass: Int) {
      self.begin = begin
      self.end = end
      self.bondClass = bondClass
    }
  }

  /// Atom class index per node.
  public var nodeClasses: [Int]
  /// Edges, sorted by (begin, end).
  public var edges: [Edge]

  /// A graph with `nodeClasses` and `edges` (e.g. a diffusion sample).
  public init(nodeClasses: [Int], edges: [Edge]) {
    self.nodeClasses = nodeClasses
    self.edges = edges
  }

  /// A graph from a dense symmetric bond-class matrix, shape (n, n), 0 = no bond.
  /// - Precondition: the matrix is n × n with n = nodeClasses.count and symmetric.
  public init(nodeClasses: [Int], adjacency: [[Int]]) {
    let n = nodeClasses.count
    precondition(adjacency.count == n && adjacency.allSatisfy { $0.count == n },
                 "MolecularGraph: adjacency must be \(n)×\(n), got \(adjacency.count) rows")
    var edges: [Edge] = []
    for i in 0..<n {
      for j in (i + 1)..<max(i + 1, n) {
        precondition(adjacency[i][j] == adjacency[j][i], "MolecularGraph: adjacency not symmetric at (\(i), \(j))")
        if adjacency[i][j] != 0 { edges.append(Edge(begin: i, end: j, bondClass: adjacency[i][j])) }
      }
    }
    self.init(nodeClasses: nodeClasses, edges: edges)
  }

  /// Dense bond-class matrix, shape (n, n), symmetric, 0 where there is no bond.
  public var adjacency: [[Int]] {
    var matrix = [[Int]](repeating: [Int](repeating: 0, count: nodeClasses.count), count: nodeClasses.count)
    for e in edges {
      matrix[e.begin][e.end] = e.bondClass
      matrix[e.end][e.begin] = e.bondClass
    }
    return matrix
  }

  /// Atom indices bonded to exactly one other atom (terminal atoms), ascending.
  public var terminalAtoms: [Int] {
    var degree = [Int](repeating: 0, count: nodeClasses.count)
    for e in edges { degree[e.begin] += 1; degree[e.end] += 1 }
    return nodeClasses.indices.filter { degree[$0] == 1 }
  }

  /// The graph without atom `atom` and its bonds (later atoms move down by one), and where each
  /// atom of `self` went. Shapes: n atoms → n − 1; the matching has n entries, nil at `atom`.
  public func removingAtom(_ atom: Int) -> (graph: MolecularGraph, matching: [Int?]) {
    precondition(nodeClasses.indices.contains(atom), "removingAtom: atom \(atom) of \(nodeClasses.count)")
    var classes = nodeClasses
    classes.remove(at: atom)
    let moved = { (i: Int) in i > atom ? i - 1 : i }
    let kept = edges.filter { $0.begin != atom && $0.end != atom }.map { Edge(begin: moved($0.begin), end: moved($0.end), bondClass: $0.bondClass) }
    return (MolecularGraph(nodeClasses: classes, edges: kept), nodeClasses.indices.map { $0 == atom ? nil : moved($0) })
  }

  /// The graph with a new last atom of class `atomClass` bonded to `anchor` by `bondClass`.
  /// Shapes: n atoms → n + 1 (atoms 0..<n keep their indices).
  public func addingAtom(_ atomClass: Int, bondedTo anchor: Int, bondClass: Int = 1) -> MolecularGraph {
    precondition(nodeClasses.indices.contains(anchor), "addingAtom: anchor \(anchor) of \(nodeClasses.count)")
    var result = self
    result.nodeClasses.append(atomClass)
    result.edges.append(Edge(begin: anchor, end: nodeClasses.count, bondClass: bondClass))
    result.edges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    return result
  }
}

/// Why a molecule cannot be encoded.
public enum GraphEncodingError: Error, Equatable, CustomStringConvertible {
  /// An atom's element/charge is not one of the encoding's classes.
  case unsupportedAtom(atom: Int, atomClass: String)
  /// An isotope label would be lost.
  case isotope(atom: Int)

  /// Message naming the atom.
  public var description: String {
    switch self {
    case .unsupportedAtom(let atom, let c): return "atom \(atom) (\(c)) has no atom class in the graph encoding"
    case .isotope(let atom): return "atom \(atom) carries an isotope label, which the graph encoding drops"
    }
  }
}

/// The atom and bond vocabularies of the molecule graph encoding.
public struct MolecularGraphEncoding: Sendable, Equatable {
  /// Node classes in index order.
  public var atomClasses: [AtomClass]
  /// Bond class names in index order (index 0 = no bond).
  public let bondClassNames = ["none", "single", "double", "triple"]

  /// C N O F P S Cl Br I, N+ and O− (nitro groups, N-oxides, pyridinium, carboxylates).
  public static let standard = MolecularGraphEncoding(atomClasses: [
    .init(atomicNumber: 6, formalCharge: 0), .init(atomicNumber: 7, formalCharge: 0),
    .init(atomicNumber: 8, formalCharge: 0), .init(atomicNumber: 9, formalCharge: 0),
    .init(atomicNumber: 15, formalCharge: 0), .init(atomicNumber: 16, formalCharge: 0),
    .init(atomicNumber: 17, formalCharge: 0), .init(atomicNumber: 35, formalCharge: 0),
    .init(atomicNumber: 53, formalCharge: 0), .init(atomicNumber: 7, formalCharge: 1),
    .init(atomicNumber: 8, formalCharge: -1),
  ])

  /// Encodes a molecule; fails for atoms outside the vocabulary or with isotopes.
  public func encode(_ molecule: Molecule) throws(GraphEncodingError) -> MolecularGraph {
    var classes: [Int] = []
    for (i, atom) in molecule.atoms.enumerated() {
      if atom.isotope != 0 { throw .isotope(atom: i) }
      let key = AtomClass(atomicNumber: atom.atomicNumber, formalCharge: atom.formalCharge)
      guard let index = atomClasses.firstIndex(of: key) else { throw .unsupportedAtom(atom: i, atomClass: key.description) }
      classes.append(index)
    }
    let edges = molecule.bonds.map { b in
      MolecularGraph.Edge(begin: min(b.begin, b.end), end: max(b.begin, b.end), bondClass: b.order)
    }.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
    return MolecularGraph(nodeClasses: classes, edges: edges)
  }

  /// Decodes a graph; each atom gets the hydrogens that fill it to its lowest allowed valence at
  /// or above its bond-order sum (RDKit's implicit-hydrogen rule), none when it is over-bonded
  /// (the validity check then names it).
  /// - Precondition: class indices are in range and edges join distinct atoms with class 1...3.
  public func decode(_ graph: MolecularGraph, name: String = "") -> Molecule {
    var orderSum = [Int](repeating: 0, count: graph.nodeClasses.count)
    var bonds: [Bond] = []
    for e in graph.edges {
      precondition((1...3).contains(e.bondClass), "decode: edge \(e) has bond class outside 1...3")
      orderSum[e.begin] += e.bondClass
      orderSum[e.end] += e.bondClass
      bonds.append(Bond(e.begin, e.end, order: e.bondClass))
    }
    let atoms = graph.nodeClasses.enumerated().map { i, c in
      precondition(c >= 0 && c < atomClasses.count, "decode: node \(i) has class \(c), vocabulary has \(atomClasses.count)")
      let cls = atomClasses[c]
      let allowed = Element.allowedValences(atomicNumber: cls.atomicNumber, charge: cls.formalCharge)
      let target = allowed.first { $0 >= orderSum[i] } ?? orderSum[i]
      return Atom(atomicNumber: cls.atomicNumber, formalCharge: cls.formalCharge, implicitHydrogens: target - orderSum[i])
    }
    return Molecule(name: name, atoms: atoms, bonds: bonds)
  }
}
