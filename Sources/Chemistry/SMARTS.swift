// SMARTS patterns with RDKit's semantics: parsing, compilation and subgraph matching.
//
// Supported (everything RDKit's Crippen, QED, Lipinski and the MOSES MCF/PAINS tables use):
//  * atoms: organic-subset symbols outside brackets (B C N O S P F Cl Br I, aromatic b c n o s p),
//    `*`, `a`, `A`; in brackets any element symbol (`[Fe]`, aromatic `[se]`), `#n`, isotopes
//    (`[15N]`), `[H]`/`[2H]`/`[H+]` as a hydrogen atom, and the primitives `H<n>` (total
//    hydrogens), `h<n>` (implicit hydrogens; bare `h`: at least one), `D<n>` (explicit degree),
//    `X<n>` (total connections), `v<n>` (total valence), `R<n>` (number of SSSR rings; bare `R`:
//    in a ring), `r<n>` (smallest SSSR ring size; bare `r`: in a ring; `r0`: not in a ring),
//    `x<n>` (ring bonds), charges (`+`, `--`, `+2`, `+0`) and recursive SMARTS `$(...)`;
//    operators `!` > `&`/juxtaposition > `,` > `;`;
//  * bonds `-` `=` `#` `:` `~` `@` (ring bond) with the same operators (`=&!@`, `-,:;!@`); an
//    unwritten bond is single or aromatic; `/` and `\` match as single bonds;
//  * branches, ring closures (`1`…`9`, `%nn`, with a bond symbol on either side) and
//    disconnected components separated by `.` (which may match in the same fragment, as in RDKit).
// Accepted and ignored: atom maps (`:1`) and chirality (`@`, `@@`): RDKit's substructure search
// ignores chirality by default, so ignoring it gives the same matches. Refused with a
// `SMARTSError`: hybridization `^`, RDKit's `z`/`Z`/range extensions, bare `x`, component
// grouping `(C.C)` and anything else outside the list above.
//
// Element symbols follow RDKit's lexer: the organic subset (and aromatic symbols) also require
// aliphatic (aromatic) atoms, other elements only fix the atomic number. Two-letter symbols are
// read greedily (`[Cs]` is caesium), except `Nh`, which RDKit reads as N with an implicit H.
//
// Matching is backtracking subgraph isomorphism over the pattern's atoms in writing order (each
// atom's parent is written before it; ring-closure bonds are checked when their second atom is
// placed). Recursive SMARTS are evaluated once per (pattern, target atom) and cached. A target
// either holds heavy atoms only (RDKit after `RemoveHs`) or every hydrogen as an atom (RDKit after
// `AddHs`, which the MOSES filters match against): see `SMARTSHydrogens`.

/// Why a SMARTS string was refused: the text, the 0-based character offset and the reason.
public struct SMARTSError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The SMARTS text.
  public var smarts: String
  /// Offset of the offending character (UTF-8 bytes from 0).
  public var offset: Int
  /// What is wrong or unsupported there.
  public var reason: String

  /// "SMARTS '…' at character n: reason".
  public var description: String { "SMARTS '\(smarts)' at character \(offset + 1): \(reason)" }
}

/// Which hydrogens a SMARTS target holds as atoms.
public enum SMARTSHydrogens: Sendable {
  /// Heavy atoms only, hydrogens as counts (RDKit's molecule after `RemoveHs`).
  case implicit
  /// Every hydrogen as an atom, numbered after the heavy atoms in the order of the heavy atom that
  /// carries it (RDKit's `AddHs`): `[#1]`, `*` and `A` can then match hydrogens.
  case explicit
}

/// A parsed SMARTS pattern; match it against a `Molecule` or a prebuilt `SMARTSTarget`.
public struct SMARTSPattern: Sendable {
  /// Atom expression tree.
  indirect enum Expression: Sendable {
    /// `*`, and chirality (ignored).
    case any
    /// An element; `aromatic` nil = either (non-organic symbols, `#n`).
    case element(Int, aromatic: Bool?)
    case aromatic(Bool)
    case hydrogens(Int), implicitHydrogens(Int), hasImplicitHydrogen, connections(Int), degree(Int)
    case ringCount(Int), inRing, smallestRing(Int), ringBonds(Int), valence(Int)
    case charge(Int), isotope(Int)
    /// `$(...)`: index into the pattern's recursive sub-patterns.
    case recursive(Int)
    case not(Expression), and([Expression]), or([Expression])
  }

  /// The parsed pattern, shared by copies (one reference to count when a table is scanned).
  final class Storage: Sendable {
    let text: String
    let graph: PatternGraph
    /// `graph` re-rooted at its most selective atoms, for whole-molecule searches.
    let searchGraph: PatternGraph
    let recursions: [PatternGraph]

    init(text: String, graph: PatternGraph, recursions: [PatternGraph]) {
      self.text = text
      self.graph = graph
      searchGraph = graph.rerooted()
      self.recursions = recursions
    }
  }

  let storage: Storage

  /// The SMARTS text.
  public var text: String { storage.text }
  /// The top-level pattern graph.
  var graph: PatternGraph { storage.graph }
  /// Sub-patterns of `$(...)`, nested ones included, referenced by `Expression.recursive`.
  var recursions: [PatternGraph] { storage.recursions }

  /// Number of pattern atoms (components together).
  public var atomCount: Int { graph.count }

  /// Parses `text`; throws a `SMARTSError` naming the position for syntax outside the supported set.
  public init(_ text: String) throws(SMARTSError) {
    var parser = SMARTSParser(text)
    let graph = try parser.parseChain(from: 0, to: parser.s.count)
    storage = Storage(text: text, graph: graph, recursions: parser.recursions)
  }

  /// Whether the pattern matches `molecule` at least once.
  public func matches(_ molecule: Molecule, hydrogens: SMARTSHydrogens = .implicit) -> Bool {
    matches(SMARTSTarget(molecule, hydrogens: hydrogens))
  }

  /// Number of matches with distinct atom sets (RDKit `len(GetSubstructMatches(q, uniquify=True))`
  /// without its 1,000-match cap).
  public func matchCount(_ molecule: Molecule, hydrogens: SMARTSHydrogens = .implicit) -> Int {
    matchCount(SMARTSTarget(molecule, hydrogens: hydrogens))
  }

  /// The matches with distinct atom sets: for each, the target atom of every pattern atom (in
  /// pattern order), in the order found.
  public func allMatches(_ molecule: Molecule, hydrogens: SMARTSHydrogens = .implicit) -> [[Int]] {
    allMatches(SMARTSTarget(molecule, hydrogens: hydrogens))
  }

  /// Whether the pattern matches `target` at least once.
  public func matches(_ target: SMARTSTarget) -> Bool {
    var collector = MatchCollector(stopAtFirst: true)
    search(target, &collector)
    return collector.found
  }

  /// The first match found in `target` (target atom per pattern atom, in written order), or nil.
  public func firstMatch(_ target: SMARTSTarget) -> [Int]? {
    var collector = MatchCollector(stopAtFirst: true)
    search(target, &collector)
    return collector.matches.first
  }

  /// Number of matches with distinct atom sets in `target`.
  public func matchCount(_ target: SMARTSTarget) -> Int {
    var collector = MatchCollector(stopAtFirst: false)
    search(target, &collector)
    return collector.matches.count
  }

  /// The matches with distinct atom sets in `target` (see `allMatches(_:hydrogens:)`).
  public func allMatches(_ target: SMARTSTarget) -> [[Int]] {
    var collector = MatchCollector(stopAtFirst: false)
    search(target, &collector)
    return collector.matches
  }

  private func search(_ target: SMARTSTarget, _ collector: inout MatchCollector) {
    for (z, needed) in storage.graph.requiredElements where z >= 119 || target.elementCounts[z] < needed { return }
    var state = RecursionState(graphs: recursions, atomCount: target.atomCount)
    let graph = storage.searchGraph
    var mapping = [Int](repeating: -1, count: graph.count)
    _ = target.extend(graph, 0, &mapping, &state, &collector)
  }
}

/// One pattern graph: per atom (in writing order) its expression, parent (-1 for the first atom
/// of a component), the bond mask to the parent, and ring-closure bonds to earlier atoms.
final class PatternGraph: Sendable {
  let expressions: [SMARTSPattern.Expression]
  let compiled: [CompiledExpression]
  let parent: [Int]
  /// Bond masks over the 8 bond classes (see `SMARTSTarget.bondClass`).
  let bondMask: [UInt8]
  /// Closures of atom i are `closureAtom/closureMask[closureStart[i]..<closureStart[i + 1]]`.
  let closureStart: [Int]
  let closureAtom: [Int]
  let closureMask: [UInt8]
  /// The written position of each atom (the identity unless re-rooted); matches are reported in
  /// written order.
  let writtenIndex: [Int]
  /// The atomic number each atom's expression requires, -1 when it admits several (a cheap test
  /// before the expression is evaluated).
  let fixedElement: [Int]

  /// Elements some pattern atoms must have, with how many atoms need each: a target with fewer
  /// atoms of one of them cannot match (atoms map injectively), so the search is skipped.
  let requiredElements: [(atomicNumber: Int, count: Int)]

  var count: Int { parent.count }

  /// Selectivity rank of an atom expression as a search root (lower is rarer in molecules):
  /// heteroatoms other than hydrogen, then carbon, then anything else.
  static func rootRank(_ e: SMARTSPattern.Expression) -> Int {
    switch onlyElement(e) {
    case .some(1): return 3
    case .some(6): return 1
    case .some: return 0
    case .none: return 2
    }
  }

  /// The same pattern with each component searched from its most selective atom (depth-first
  /// from there; bonds off the new tree become ring closures). Used for whole-molecule searches
  /// only: recursive SMARTS stay anchored at their first atom.
  func rerooted() -> PatternGraph {
    var adjacency = [[(atom: Int, mask: UInt8)]](repeating: [], count: count)
    for i in 0..<count where parent[i] >= 0 {
      adjacency[i].append((parent[i], bondMask[i]))
      adjacency[parent[i]].append((i, bondMask[i]))
    }
    for i in 0..<count {
      for c in closureStart[i]..<closureStart[i + 1] {
        adjacency[i].append((closureAtom[c], closureMask[c]))
        adjacency[closureAtom[c]].append((i, closureMask[c]))
      }
    }
    // Components in written order, each rooted at its lowest-ranked atom (first on ties).
    var component = [Int](repeating: -1, count: count)
    var order: [Int] = [], newParent: [Int] = [], newMask: [UInt8] = []
    var position = [Int](repeating: -1, count: count)
    for start in 0..<count where component[start] < 0 {
      var members = [start]
      component[start] = start
      var k = 0
      while k < members.count {
        for n in adjacency[members[k]] where component[n.atom] < 0 {
          component[n.atom] = start
          members.append(n.atom)
        }
        k += 1
      }
      let root = members.min { (Self.rootRank(expressions[$0]), $0) < (Self.rootRank(expressions[$1]), $1) }!
      // Depth-first from the root; each atom's parent is the placed neighbour it was reached from.
      var stack: [(atom: Int, parent: Int, mask: UInt8)] = [(root, -1, BondMask.any)]
      while let (atom, from, mask) = stack.popLast() {
        if position[atom] >= 0 { continue }
        position[atom] = order.count
        order.append(atom)
        newParent.append(from < 0 ? -1 : position[from])
        newMask.append(mask)
        for n in adjacency[atom].reversed() where position[n.atom] < 0 { stack.append((n.atom, atom, n.mask)) }
      }
    }
    var closures: [(later: Int, earlier: Int, mask: UInt8)] = []
    for a in 0..<count {
      for n in adjacency[a] where position[n.atom] < position[a] && newParent[position[a]] != position[n.atom] {
        closures.append((position[a], position[n.atom], n.mask))
      }
    }
    return PatternGraph(
      expressions: order.map { expressions[$0] }, parent: newParent, bondMask: newMask, closures: closures,
      writtenIndex: order.map { writtenIndex[$0] })
  }

  /// The only atomic number `e` admits, if it admits exactly one.
  static func onlyElement(_ e: SMARTSPattern.Expression) -> Int? {
    switch e {
    case .element(let z, _): return z
    case .and(let parts):
      let fixed = Set(parts.compactMap(onlyElement))
      return fixed.count == 1 ? fixed.first : nil
    case .or(let parts):
      let fixed = parts.map(onlyElement)
      guard let first = fixed.first ?? nil, fixed.allSatisfy({ $0 == first }) else { return nil }
      return first
    default: return nil
    }
  }

  init(
    expressions: [SMARTSPattern.Expression], parent: [Int], bondMask: [UInt8],
    closures: [(later: Int, earlier: Int, mask: UInt8)], writtenIndex: [Int]? = nil
  ) {
    self.writtenIndex = writtenIndex ?? Array(expressions.indices)
    fixedElement = expressions.map { Self.onlyElement($0) ?? -1 }
    self.expressions = expressions
    compiled = expressions.map(CompiledExpression.init)
    self.parent = parent
    self.bondMask = bondMask
    var start = [0], atoms: [Int] = [], masks: [UInt8] = []
    for i in expressions.indices {
      for c in closures where c.later == i {
        atoms.append(c.earlier)
        masks.append(c.mask)
      }
      start.append(atoms.count)
    }
    closureStart = start
    closureAtom = atoms
    closureMask = masks
    var required: [Int: Int] = [:]
    for e in expressions { if let z = Self.onlyElement(e) { required[z, default: 0] += 1 } }
    requiredElements = required.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

/// Bond masks: bit `2 * (kind - 1) + inRing` for kind 1 single, 2 double, 3 triple, 4 aromatic.
enum BondMask {
  static let single: UInt8 = 0x03, double: UInt8 = 0x0C, triple: UInt8 = 0x30, aromatic: UInt8 = 0xC0
  static let any: UInt8 = 0xFF, ring: UInt8 = 0xAA
  /// An unwritten bond: single or aromatic.
  static let implicit: UInt8 = single | aromatic
}

/// A compiled atom expression: postfix operations evaluated on a bit stack, so matching allocates
/// nothing and never recurses through the expression tree.
struct CompiledExpression: Sendable {
  /// Primitive kinds and combinators (`and(n)`/`or(n)` combine the top n bits).
  enum Op: Sendable {
    case any, atomType(Int, aromatic: Bool), atomicNumber(Int), aromatic(Bool)
    case hydrogens(Int), implicitHydrogens(Int), hasImplicitHydrogen, connections(Int), degree(Int)
    case ringCount(Int), inRing, smallestRing(Int), ringBonds(Int), valence(Int), charge(Int), isotope(Int)
    case recursive(Int), and(Int), or(Int), not
  }

  let ops: [Op]

  init(_ e: SMARTSPattern.Expression) {
    var ops: [Op] = []
    var depth = 0, maxDepth = 0
    func push() { depth += 1; maxDepth = max(maxDepth, depth) }
    func emit(_ e: SMARTSPattern.Expression) {
      switch e {
      case .any: ops.append(.any); push()
      case .element(let z, let aromatic):
        if let aromatic { ops.append(.atomType(z, aromatic: aromatic)) } else { ops.append(.atomicNumber(z)) }
        push()
      case .aromatic(let a): ops.append(.aromatic(a)); push()
      case .hydrogens(let n): ops.append(.hydrogens(n)); push()
      case .implicitHydrogens(let n): ops.append(.implicitHydrogens(n)); push()
      case .hasImplicitHydrogen: ops.append(.hasImplicitHydrogen); push()
      case .connections(let n): ops.append(.connections(n)); push()
      case .degree(let n): ops.append(.degree(n)); push()
      case .ringCount(let n): ops.append(.ringCount(n)); push()
      case .inRing: ops.append(.inRing); push()
      case .smallestRing(let n): ops.append(.smallestRing(n)); push()
      case .ringBonds(let n): ops.append(.ringBonds(n)); push()
      case .valence(let n): ops.append(.valence(n)); push()
      case .charge(let q): ops.append(.charge(q)); push()
      case .isotope(let m): ops.append(.isotope(m)); push()
      case .recursive(let id): ops.append(.recursive(id)); push()
      case .not(let inner): emit(inner); ops.append(.not)
      case .and(let parts): parts.forEach(emit); ops.append(.and(parts.count)); depth -= parts.count - 1
      case .or(let parts): parts.forEach(emit); ops.append(.or(parts.count)); depth -= parts.count - 1
      }
    }
    emit(e)
    precondition(maxDepth <= 64, "SMARTS expression needs a stack of \(maxDepth) > 64 bits")
    self.ops = ops
  }
}

/// Cache of recursive-SMARTS results per (sub-pattern, target atom): 0 unknown, 1 no, 2 yes.
struct RecursionState {
  let graphs: [PatternGraph]
  var memo: [UInt8]
  let atomCount: Int

  init(graphs: [PatternGraph], atomCount: Int) {
    self.graphs = graphs
    self.atomCount = atomCount
    memo = graphs.isEmpty ? [] : [UInt8](repeating: 0, count: graphs.count * atomCount)
  }
}

/// Collects complete matches: stops at the first, or keeps those with a new atom set.
struct MatchCollector {
  let stopAtFirst: Bool
  var found = false
  var matches: [[Int]] = []
  var seen = Set<[Int]>()

  init(stopAtFirst: Bool) { self.stopAtFirst = stopAtFirst }

  /// Records the match `mapping` of `graph` (in written atom order); returns true when the
  /// search should stop.
  mutating func record(_ mapping: [Int], _ graph: PatternGraph) -> Bool {
    found = true
    var match = [Int](repeating: -1, count: graph.count)
    for k in 0..<graph.count { match[graph.writtenIndex[k]] = mapping[k] }
    if stopAtFirst {
      matches = [match]
      return true
    }
    if seen.insert(match.sorted()).inserted { matches.append(match) }
    return false
  }
}

/// The graph a SMARTS pattern is matched against, in flat arrays (neighbours in CSR form: the
/// neighbours of atom a are `neighborAtom[neighborStart[a]..<neighborStart[a + 1]]`). Build it once
/// per molecule to match many patterns. A class so that the matcher's recursion shares one
/// reference; immutable.
public final class SMARTSTarget: Sendable {
  /// Number of atoms (heavy atoms first, then explicit hydrogens, if any).
  public let atomCount: Int
  /// Number of heavy atoms (indices below it are the molecule's atoms).
  public let heavyAtomCount: Int
  let atomicNumber: [Int]
  let isAromatic: [Bool]
  let charge: [Int]
  let isotope: [Int]
  /// Total hydrogens, attached atoms included (SMARTS `H`).
  let hydrogens: [Int]
  /// Hydrogens not present as atoms (SMARTS `h`).
  let implicitHydrogens: [Int]
  /// Total connections incl. all hydrogens (SMARTS `X`).
  let connections: [Int]
  /// Total valence: bond orders plus hydrogens (SMARTS `v`).
  let valence: [Int]
  /// SSSR rings through the atom (SMARTS `R`).
  let ringCount: [Int]
  /// Smallest SSSR ring size, 0 outside rings (SMARTS `r`).
  let smallestRing: [Int]
  /// Ring bonds at the atom (SMARTS `x`).
  let ringBonds: [Int]
  let neighborStart: [Int]
  let neighborAtom: [Int]
  /// Bond class per neighbour entry: 2 * (kind - 1) + inRing, kind 1, 2, 3 or 4 = aromatic.
  let neighborClass: [UInt8]
  /// For each heavy atom the index of its first hydrogen atom (-1 when none are atoms).
  let firstHydrogen: [Int]
  /// Atoms per atomic number (0...118).
  let elementCounts: [Int]

  /// The target graph of `molecule` with hydrogens as counts or as atoms.
  public convenience init(_ molecule: Molecule, hydrogens mode: SMARTSHydrogens = .implicit) {
    self.init(molecule, hydrogenAtomsPerHeavyAtom: mode == .implicit ? 0 : Int.max)
  }

  /// The target graph with at most `cap` hydrogens per heavy atom as atoms; the `H` and `X`
  /// primitives still count every hydrogen (Crippen's typing needs at most two per atom).
  init(_ molecule: Molecule, hydrogenAtomsPerHeavyAtom cap: Int) {
    let heavy = molecule.atoms.count
    var firstHydrogen = [Int](repeating: -1, count: heavy)
    var next = heavy
    for (a, atom) in molecule.atoms.enumerated() where atom.implicitHydrogens > 0 && cap > 0 {
      firstHydrogen[a] = next
      next += min(atom.implicitHydrogens, cap)
    }
    let total = next
    var smallest = [Int](repeating: 0, count: heavy)
    for ring in molecule.rings {
      for a in ring where smallest[a] == 0 || ring.count < smallest[a] { smallest[a] = ring.count }
    }
    var atomicNumber: [Int] = [], isAromatic: [Bool] = [], charge: [Int] = [], isotope: [Int] = []
    var hydrogens: [Int] = [], implicitHydrogens: [Int] = [], connections: [Int] = [], valence: [Int] = []
    var ringCount: [Int] = [], smallestRing: [Int] = [], ringBonds: [Int] = []
    // One allocation per array: a target is built for every molecule Crippen types.
    atomicNumber.reserveCapacity(total)
    isAromatic.reserveCapacity(total)
    charge.reserveCapacity(total)
    isotope.reserveCapacity(total)
    hydrogens.reserveCapacity(total)
    implicitHydrogens.reserveCapacity(total)
    connections.reserveCapacity(total)
    valence.reserveCapacity(total)
    ringCount.reserveCapacity(total)
    smallestRing.reserveCapacity(total)
    ringBonds.reserveCapacity(total)
    for (a, atom) in molecule.atoms.enumerated() {
      let asAtoms = firstHydrogen[a] >= 0 ? min(atom.implicitHydrogens, cap) : 0
      atomicNumber.append(atom.atomicNumber)
      isAromatic.append(molecule.isAromaticAtom[a])
      charge.append(atom.formalCharge)
      isotope.append(atom.isotope)
      // Hydrogens the molecule keeps as atoms (isotopes such as [2H]) count as RDKit's
      // getTotalNumHs(true) counts them: in `H`, not in `h`.
      var hydrogenNeighbors = 0, ringBondCount = 0
      for n in molecule.neighbors[a] {
        if molecule.atoms[n.atom].atomicNumber == 1 { hydrogenNeighbors += 1 }
        if molecule.bondRingCount[n.bond] > 0 { ringBondCount += 1 }
      }
      hydrogens.append(atom.implicitHydrogens + hydrogenNeighbors)
      implicitHydrogens.append(atom.implicitHydrogens - asAtoms)
      connections.append(molecule.neighbors[a].count + atom.implicitHydrogens)
      valence.append(molecule.totalValence(a))
      ringCount.append(molecule.atomRingCount[a])
      smallestRing.append(smallest[a])
      ringBonds.append(ringBondCount)
    }
    var owner = [Int](repeating: -1, count: total)
    for a in 0..<heavy where firstHydrogen[a] >= 0 {
      for h in firstHydrogen[a]..<(firstHydrogen[a] + min(molecule.atoms[a].implicitHydrogens, cap)) { owner[h] = a }
    }
    for _ in heavy..<total {
      atomicNumber.append(1)
      isAromatic.append(false)
      charge.append(0)
      isotope.append(0)
      hydrogens.append(0)
      implicitHydrogens.append(0)
      connections.append(1)
      valence.append(1)
      ringCount.append(0)
      smallestRing.append(0)
      ringBonds.append(0)
    }
    var neighborStart = [0], neighborAtom: [Int] = [], neighborClass: [UInt8] = []
    neighborAtom.reserveCapacity(2 * molecule.bonds.count + 2 * (total - heavy))
    neighborClass.reserveCapacity(2 * molecule.bonds.count + 2 * (total - heavy))
    neighborStart.reserveCapacity(total + 1)
    for a in 0..<total {
      if a < heavy {
        for n in molecule.neighbors[a] {
          let kind = molecule.isAromaticBond[n.bond] ? 4 : molecule.bonds[n.bond].order
          neighborAtom.append(n.atom)
          neighborClass.append(UInt8(2 * (kind - 1) + (molecule.bondRingCount[n.bond] > 0 ? 1 : 0)))
        }
        if firstHydrogen[a] >= 0 {
          for h in firstHydrogen[a]..<(firstHydrogen[a] + min(molecule.atoms[a].implicitHydrogens, cap)) {
            neighborAtom.append(h)
            neighborClass.append(0)
          }
        }
      } else {
        neighborAtom.append(owner[a])
        neighborClass.append(0)
      }
      neighborStart.append(neighborAtom.count)
    }
    var elementCounts = [Int](repeating: 0, count: 119)
    for z in atomicNumber where z >= 0 && z < 119 { elementCounts[z] += 1 }
    self.atomCount = total
    self.heavyAtomCount = heavy
    self.atomicNumber = atomicNumber
    self.isAromatic = isAromatic
    self.charge = charge
    self.isotope = isotope
    self.hydrogens = hydrogens
    self.implicitHydrogens = implicitHydrogens
    self.connections = connections
    self.valence = valence
    self.ringCount = ringCount
    self.smallestRing = smallestRing
    self.ringBonds = ringBonds
    self.neighborStart = neighborStart
    self.neighborAtom = neighborAtom
    self.neighborClass = neighborClass
    self.firstHydrogen = firstHydrogen
    self.elementCounts = elementCounts
  }

  /// Whether atom `a` satisfies `e`.
  func satisfies(_ e: CompiledExpression, _ a: Int, _ state: inout RecursionState) -> Bool {
    var stack: UInt64 = 0
    for op in e.ops {
      let bit: Bool
      switch op {
      case .any: bit = true
      case .atomType(let z, let aromatic): bit = atomicNumber[a] == z && isAromatic[a] == aromatic
      case .atomicNumber(let z): bit = atomicNumber[a] == z
      case .aromatic(let flag): bit = isAromatic[a] == flag
      case .hydrogens(let n): bit = hydrogens[a] == n
      case .implicitHydrogens(let n): bit = implicitHydrogens[a] == n
      case .hasImplicitHydrogen: bit = implicitHydrogens[a] > 0
      case .connections(let n): bit = connections[a] == n
      case .degree(let n): bit = neighborStart[a + 1] - neighborStart[a] == n
      case .ringCount(let n): bit = ringCount[a] == n
      case .inRing: bit = ringCount[a] > 0
      case .smallestRing(let n): bit = smallestRing[a] == n
      case .ringBonds(let n): bit = ringBonds[a] == n
      case .valence(let n): bit = valence[a] == n
      case .charge(let q): bit = charge[a] == q
      case .isotope(let m): bit = isotope[a] == m
      case .recursive(let id): bit = recursiveMatch(id, a, &state)
      case .not:
        stack ^= 1
        continue
      case .and(let n):
        let mask: UInt64 = n >= 64 ? ~0 : (1 << UInt64(n)) - 1
        let top = stack & mask
        stack = (n >= 64 ? 0 : stack >> UInt64(n)) << 1 | (top == mask ? 1 : 0)
        continue
      case .or(let n):
        let mask: UInt64 = n >= 64 ? ~0 : (1 << UInt64(n)) - 1
        let top = stack & mask
        stack = (n >= 64 ? 0 : stack >> UInt64(n)) << 1 | (top != 0 ? 1 : 0)
        continue
      }
      stack = stack << 1 | (bit ? 1 : 0)
    }
    return stack & 1 == 1
  }

  /// Whether recursive sub-pattern `id` matches with its first atom on `a` (cached).
  func recursiveMatch(_ id: Int, _ a: Int, _ state: inout RecursionState) -> Bool {
    let key = id * state.atomCount + a
    if state.memo[key] != 0 { return state.memo[key] == 2 }
    let graph = state.graphs[id]
    var mapping = [Int](repeating: -1, count: graph.count)
    var found = false
    if satisfies(graph.compiled[0], a, &state) {
      mapping[0] = a
      found = extendToFirst(graph, 1, &mapping, &state)
    }
    state.memo[key] = found ? 2 : 1
    return found
  }

  /// Whether `pattern` matches with its first atom on `root`. `mapping` is scratch space.
  func matches(_ pattern: SMARTSPattern, at root: Int, mapping: inout [Int]) -> Bool {
    var state = RecursionState(graphs: pattern.recursions, atomCount: pattern.recursions.isEmpty ? 0 : atomCount)
    return matches(pattern.graph, at: root, mapping: &mapping, state: &state)
  }

  /// The fast path of atom typing (Crippen): whether `g` matches with its first atom on `root`,
  /// with the caller's scratch `mapping` and recursion `state` reused across calls.
  func matches(_ g: PatternGraph, at root: Int, mapping: inout [Int], state: inout RecursionState) -> Bool {
    if mapping.count < g.count { mapping = [Int](repeating: -1, count: g.count) }
    guard satisfies(g.compiled[0], root, &state) else { return false }
    mapping[0] = root
    return extendToFirst(g, 1, &mapping, &state)
  }

  /// `extend` for a search that stops at the first match (no collector): whether atoms i... can
  /// be placed given atoms 0..<i.
  func extendToFirst(_ g: PatternGraph, _ i: Int, _ mapping: inout [Int], _ state: inout RecursionState) -> Bool {
    if i == g.count { return true }
    let parent = g.parent[i]
    if parent < 0 {
      var collector = MatchCollector(stopAtFirst: true)
      return extend(g, i, &mapping, &state, &collector)
    }
    let expression = g.compiled[i]
    let element = g.fixedElement[i]
    let parentAtom = mapping[parent]
    let bondMask = g.bondMask[i]
    let hasClosures = g.closureStart[i] != g.closureStart[i + 1]
    for slot in neighborStart[parentAtom]..<neighborStart[parentAtom + 1] {
      if bondMask & (1 << neighborClass[slot]) == 0 { continue }
      let atom = neighborAtom[slot]
      if element >= 0 && atomicNumber[atom] != element { continue }
      var used = false
      for j in 0..<i where mapping[j] == atom { used = true; break }
      if used || !satisfies(expression, atom, &state) { continue }
      if hasClosures && !closuresHold(g, i, atom, mapping) { continue }
      mapping[i] = atom
      if extendToFirst(g, i + 1, &mapping, &state) { return true }
    }
    return false
  }

  /// Places pattern atoms i... given atoms 0..<i; returns true when the collector says stop.
  func extend(
    _ g: PatternGraph, _ i: Int, _ mapping: inout [Int], _ state: inout RecursionState,
    _ collector: inout MatchCollector
  ) -> Bool {
    if i == g.count { return collector.record(mapping, g) }
    let expression = g.compiled[i]
    let parent = g.parent[i]
    let element = g.fixedElement[i]
    if parent < 0 {
      for atom in 0..<atomCount where element < 0 || atomicNumber[atom] == element {
        var used = false
        for j in 0..<i where mapping[j] == atom { used = true; break }
        if used || !satisfies(expression, atom, &state) || !closuresHold(g, i, atom, mapping) { continue }
        mapping[i] = atom
        if extend(g, i + 1, &mapping, &state, &collector) { return true }
      }
      return false
    }
    let parentAtom = mapping[parent]
    let bondMask = g.bondMask[i]
    let hasClosures = g.closureStart[i] != g.closureStart[i + 1]
    for slot in neighborStart[parentAtom]..<neighborStart[parentAtom + 1] {
      if bondMask & (1 << neighborClass[slot]) == 0 { continue }
      let atom = neighborAtom[slot]
      if element >= 0 && atomicNumber[atom] != element { continue }
      var used = false
      for j in 0..<i where mapping[j] == atom { used = true; break }
      if used || !satisfies(expression, atom, &state) { continue }
      if hasClosures && !closuresHold(g, i, atom, mapping) { continue }
      mapping[i] = atom
      if extend(g, i + 1, &mapping, &state, &collector) { return true }
    }
    return false
  }

  /// Whether every ring-closure bond of pattern atom i exists from `atom` with an allowed class.
  private func closuresHold(_ g: PatternGraph, _ i: Int, _ atom: Int, _ mapping: [Int]) -> Bool {
    for c in g.closureStart[i]..<g.closureStart[i + 1] {
      let other = mapping[g.closureAtom[c]]
      var bonded = false
      for slot in neighborStart[atom]..<neighborStart[atom + 1] where neighborAtom[slot] == other {
        bonded = g.closureMask[c] & (1 << neighborClass[slot]) != 0
        break
      }
      if !bonded { return false }
    }
    return true
  }
}

/// Recursive-descent SMARTS parser over UTF-8 bytes; errors name the byte offset.
struct SMARTSParser {
  let text: String
  let s: [UInt8]
  var i = 0
  /// Recursive sub-patterns found so far (all nesting levels).
  var recursions: [PatternGraph] = []

  init(_ text: String) {
    self.text = text
    s = Array(text.utf8)
  }

  func error(_ reason: String, at offset: Int? = nil) -> SMARTSError {
    SMARTSError(smarts: text, offset: offset ?? i, reason: reason)
  }

  var peek: UInt8? { i < s.count ? s[i] : nil }

  static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

  /// Parses atoms, bonds, branches, ring closures and dots in `start..<end`.
  mutating func parseChain(from start: Int, to end: Int) throws(SMARTSError) -> PatternGraph {
    i = start
    var expressions: [SMARTSPattern.Expression] = []
    var parents: [Int] = [], masks: [UInt8] = []
    var closures: [(later: Int, earlier: Int, mask: UInt8)] = []
    var branchStack: [Int] = []
    var openRings: [Int: (atom: Int, bond: UInt8?, offset: Int)] = [:]
    var previous = -1
    var pendingBond: UInt8?
    while i < end {
      let c = s[i]
      switch c {
      case UInt8(ascii: "("):
        guard previous >= 0, pendingBond == nil else { throw error("a branch must follow an atom") }
        branchStack.append(previous)
        i += 1
      case UInt8(ascii: ")"):
        guard pendingBond == nil else { throw error("a bond must be followed by an atom") }
        guard let top = branchStack.popLast() else { throw error("unmatched ')'") }
        previous = top
        i += 1
      case UInt8(ascii: "."):
        guard previous >= 0, pendingBond == nil else { throw error("'.' must follow an atom") }
        guard branchStack.isEmpty else { throw error("'.' inside a branch is not supported") }
        previous = -1
        i += 1
      case UInt8(ascii: "%"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        let offset = i
        guard previous >= 0 else { throw error("a ring closure must follow an atom") }
        let number: Int
        if c == UInt8(ascii: "%") {
          guard i + 2 < end, Self.isDigit(s[i + 1]), Self.isDigit(s[i + 2]) else {
            throw error("'%' must be followed by two digits")
          }
          number = Int(s[i + 1] - 48) * 10 + Int(s[i + 2] - 48)
          i += 3
        } else {
          number = Int(c - 48)
          i += 1
        }
        if let open = openRings.removeValue(forKey: number) {
          if let a = open.bond, let b = pendingBond, a != b {
            throw error("ring closure \(number) has different bonds at its two ends", at: offset)
          }
          guard open.atom != previous, parents[previous] != open.atom,
            !closures.contains(where: { $0.later == previous && $0.earlier == open.atom })
          else { throw error("ring closure \(number) duplicates a bond", at: offset) }
          closures.append((previous, open.atom, pendingBond ?? open.bond ?? BondMask.implicit))
        } else {
          openRings[number] = (previous, pendingBond, offset)
        }
        pendingBond = nil
      case UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: ":"), UInt8(ascii: "~"),
        UInt8(ascii: "@"), UInt8(ascii: "!"), UInt8(ascii: "&"), UInt8(ascii: ","), UInt8(ascii: ";"),
        UInt8(ascii: "/"), UInt8(ascii: "\\"):
        guard previous >= 0, pendingBond == nil else { throw error("a bond must join two atoms") }
        pendingBond = try parseBondLowAnd(end)
      default:
        let expression = try parseAtom(end)
        expressions.append(expression)
        parents.append(previous)
        masks.append(previous >= 0 ? (pendingBond ?? BondMask.implicit) : BondMask.any)
        previous = expressions.count - 1
        pendingBond = nil
      }
    }
    if let open = openRings.values.min(by: { $0.offset < $1.offset }) {
      throw error("ring closure opened here is never closed", at: open.offset)
    }
    guard branchStack.isEmpty else { throw error("unclosed branch '('") }
    guard pendingBond == nil else { throw error("a bond at the end has no atom after it") }
    guard !expressions.isEmpty, previous >= 0 else { throw error("empty pattern or component") }
    return PatternGraph(expressions: expressions, parent: parents, bondMask: masks, closures: closures)
  }

  // MARK: Bonds (masks over the 8 bond classes; precedence ! > & > , > ;)

  mutating func parseBondLowAnd(_ end: Int) throws(SMARTSError) -> UInt8 {
    var mask = try parseBondOr(end)
    while i < end, s[i] == UInt8(ascii: ";") {
      i += 1
      mask &= try parseBondOr(end)
    }
    return mask
  }

  mutating func parseBondOr(_ end: Int) throws(SMARTSError) -> UInt8 {
    var mask = try parseBondHighAnd(end)
    while i < end, s[i] == UInt8(ascii: ",") {
      i += 1
      mask |= try parseBondHighAnd(end)
    }
    return mask
  }

  mutating func parseBondHighAnd(_ end: Int) throws(SMARTSError) -> UInt8 {
    var mask: UInt8 = BondMask.any
    var parts = 0
    while i < end {
      if s[i] == UInt8(ascii: "&") {
        guard parts > 0 else { throw error("'&' needs a bond primitive before it") }
        i += 1
        continue
      }
      guard let m = try parseBondUnary(end) else { break }
      mask &= m
      parts += 1
    }
    guard parts > 0 else { throw error("expected a bond primitive") }
    return mask
  }

  mutating func parseBondUnary(_ end: Int) throws(SMARTSError) -> UInt8? {
    guard i < end else { return nil }
    if s[i] == UInt8(ascii: "!") {
      i += 1
      guard let inner = try parseBondUnary(end) else { throw error("'!' needs a bond primitive after it") }
      return ~inner
    }
    let masks: [UInt8: UInt8] = [
      UInt8(ascii: "-"): BondMask.single, UInt8(ascii: "="): BondMask.double, UInt8(ascii: "#"): BondMask.triple,
      UInt8(ascii: ":"): BondMask.aromatic, UInt8(ascii: "~"): BondMask.any, UInt8(ascii: "@"): BondMask.ring,
      UInt8(ascii: "/"): BondMask.single, UInt8(ascii: "\\"): BondMask.single,
    ]
    guard let m = masks[s[i]] else { return nil }
    i += 1
    return m
  }

  // MARK: Atoms

  mutating func parseAtom(_ end: Int) throws(SMARTSError) -> SMARTSPattern.Expression {
    guard i < end else { throw error("expected an atom") }
    if s[i] == UInt8(ascii: "[") {
      i += 1
      if let hydrogen = parseHydrogenAtom(end) { return hydrogen }
      let e = try parseLowAnd(end)
      guard i < end, s[i] == UInt8(ascii: "]") else { throw error("expected ']'") }
      i += 1
      return e
    }
    if s[i] == UInt8(ascii: "*") { i += 1; return .any }
    if s[i] == UInt8(ascii: "a") { i += 1; return .aromatic(true) }
    if s[i] == UInt8(ascii: "A") { i += 1; return .aromatic(false) }
    for (symbol, z) in [("Cl", 17), ("Br", 35)] where matchesText(symbol, end) {
      i += 2
      return .element(z, aromatic: false)
    }
    let organic: [UInt8: Int] = [
      UInt8(ascii: "B"): 5, UInt8(ascii: "C"): 6, UInt8(ascii: "N"): 7, UInt8(ascii: "O"): 8,
      UInt8(ascii: "F"): 9, UInt8(ascii: "P"): 15, UInt8(ascii: "S"): 16, UInt8(ascii: "I"): 53,
    ]
    let aromatic: [UInt8: Int] = [
      UInt8(ascii: "b"): 5, UInt8(ascii: "c"): 6, UInt8(ascii: "n"): 7, UInt8(ascii: "o"): 8,
      UInt8(ascii: "p"): 15, UInt8(ascii: "s"): 16,
    ]
    if let z = organic[s[i]] { i += 1; return .element(z, aromatic: false) }
    if let z = aromatic[s[i]] { i += 1; return .element(z, aromatic: true) }
    throw error("'\(Character(UnicodeScalar(s[i])))' is not an atom outside brackets")
  }

  func matchesText(_ text: String, _ end: Int) -> Bool {
    let bytes = Array(text.utf8)
    guard i + bytes.count <= end else { return false }
    return Array(s[i..<(i + bytes.count)]) == bytes
  }

  /// `[H]`, `[2H]`, `[H+]`, `[H:1]`: a hydrogen atom (any other `H` counts hydrogens).
  mutating func parseHydrogenAtom(_ end: Int) -> SMARTSPattern.Expression? {
    var j = i
    var mass: Int?
    while j < end, Self.isDigit(s[j]) { mass = (mass ?? 0) * 10 + Int(s[j] - 48); j += 1 }
    guard j < end, s[j] == UInt8(ascii: "H") else { return nil }
    j += 1
    var charge = 0
    if j < end, s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-") {
      let sign = s[j] == UInt8(ascii: "+") ? 1 : -1
      let symbol = s[j]
      j += 1
      var digits: Int?
      while j < end, Self.isDigit(s[j]) { digits = (digits ?? 0) * 10 + Int(s[j] - 48); j += 1 }
      var magnitude = 1
      if digits == nil { while j < end, s[j] == symbol { magnitude += 1; j += 1 } }
      charge = sign * (digits ?? magnitude)
    }
    if j < end, s[j] == UInt8(ascii: ":") {
      j += 1
      while j < end, Self.isDigit(s[j]) { j += 1 }
    }
    guard j < end, s[j] == UInt8(ascii: "]") else { return nil }
    i = j + 1
    var parts: [SMARTSPattern.Expression] = [.element(1, aromatic: nil), .charge(charge)]
    if let mass { parts.append(.isotope(mass)) }
    return .and(parts)
  }

  mutating func parseLowAnd(_ end: Int) throws(SMARTSError) -> SMARTSPattern.Expression {
    var parts = [try parseOr(end)]
    while i < end, s[i] == UInt8(ascii: ";") {
      i += 1
      parts.append(try parseOr(end))
    }
    return parts.count == 1 ? parts[0] : .and(parts)
  }

  mutating func parseOr(_ end: Int) throws(SMARTSError) -> SMARTSPattern.Expression {
    var parts = [try parseHighAnd(end)]
    while i < end, s[i] == UInt8(ascii: ",") {
      i += 1
      parts.append(try parseHighAnd(end))
    }
    return parts.count == 1 ? parts[0] : .or(parts)
  }

  mutating func parseHighAnd(_ end: Int) throws(SMARTSError) -> SMARTSPattern.Expression {
    var parts: [SMARTSPattern.Expression] = []
    while i < end {
      let c = s[i]
      if c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: "]") { break }
      if c == UInt8(ascii: "&") {
        guard !parts.isEmpty else { throw error("'&' needs a primitive before it") }
        i += 1
        continue
      }
      if c == UInt8(ascii: ":") {
        // Atom map: ignored; only digits and ']' may follow.
        i += 1
        guard i < end, Self.isDigit(s[i]) else { throw error("':' in an atom must be an atom map number") }
        while i < end, Self.isDigit(s[i]) { i += 1 }
        guard i < end, s[i] == UInt8(ascii: "]") else { throw error("an atom map must end the atom") }
        break
      }
      parts.append(try parseUnary(end))
    }
    guard !parts.isEmpty else { throw error("expected an atom primitive") }
    return parts.count == 1 ? parts[0] : .and(parts)
  }

  mutating func parseUnary(_ end: Int) throws(SMARTSError) -> SMARTSPattern.Expression {
    if i < end, s[i] == UInt8(ascii: "!") {
      i += 1
      return .not(try parseUnary(end))
    }
    return try parsePrimitive(end)
  }

  mutating func number(_ end: Int) -> Int? {
    var value: Int?
    while i < end, Self.isDigit(s[i]) {
      value = (value ?? 0) * 10 + Int(s[i] - 48)
      i += 1
    }
    return value
  }

  /// Two-letter element symbols RDKit's SMARTS lexer does not read as elements ("Nh" is N with
  /// an implicit hydrogen; "Mc", "Ts", "Og" are syntax errors there).
  static let unreadSymbols: Set<String> = ["Nh", "Mc", "Ts", "Og"]
  /// Elements whose symbol also requires an aliphatic atom (RDKit's organic subset).
  static let organicSubset: Set<Int> = [5, 6, 7, 8, 9, 15, 16, 17, 35, 53]
  /// Atomic numbers by symbol.
  static let elementNumbers: [String: Int] = {
    var table: [String: Int] = [:]
    for (z, symbol) in Element.periodicSymbols.enumerated() where z > 0 { table[symbol] = z }
    return table
  }()

  mutating func parsePrimitive(_ end: Int) throws(SMARTSError) -> SMARTSPattern.Expression {
    guard i < end else { throw error("expected an atom primitive") }
    let c = s[i]
    let start = i
    func letter(_ k: Int) -> UInt8? { k < end ? s[k] : nil }
    switch c {
    case UInt8(ascii: "*"):
      i += 1
      return .any
    case UInt8(ascii: "$"):
      guard letter(i + 1) == UInt8(ascii: "(") else { throw error("'$' must be followed by '('") }
      // Find the matching ')' (parentheses nest; brackets hold none).
      var depth = 0, j = i + 1
      while j < end {
        if s[j] == UInt8(ascii: "(") { depth += 1 } else if s[j] == UInt8(ascii: ")") {
          depth -= 1
          if depth == 0 { break }
        }
        j += 1
      }
      guard j < end else { throw error("unclosed '$('") }
      let graph = try parseChain(from: start + 2, to: j)
      i = j + 1
      recursions.append(graph)
      return .recursive(recursions.count - 1)
    case UInt8(ascii: "#"):
      i += 1
      guard let z = number(end), z < Element.periodicSymbols.count else { throw error("'#' needs an atomic number") }
      return .element(z, aromatic: nil)
    case _ where Self.isDigit(c):
      return .isotope(number(end)!)
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      let sign = c == UInt8(ascii: "+") ? 1 : -1
      i += 1
      if let n = number(end) { return .charge(sign * n) }
      var magnitude = 1
      while i < end, s[i] == c { magnitude += 1; i += 1 }
      return .charge(sign * magnitude)
    case UInt8(ascii: "@"):
      // Chirality: RDKit's default substructure search ignores it.
      i += 1
      if letter(i) == UInt8(ascii: "@") { i += 1 }
      if let next = letter(i), (next >= UInt8(ascii: "A") && next <= UInt8(ascii: "Z") && next != UInt8(ascii: "H")
        && next != UInt8(ascii: "D") && next != UInt8(ascii: "X") && next != UInt8(ascii: "R"))
        || next == UInt8(ascii: "?")
      {
        throw error("chirality classes (@TH, @SP, @?...) are not supported")
      }
      return .any
    default:
      break
    }
    // Element symbols, greedy two letters first.
    if let second = letter(i + 1), c >= UInt8(ascii: "A"), c <= UInt8(ascii: "Z"), second >= UInt8(ascii: "a"),
      second <= UInt8(ascii: "z")
    {
      let symbol = String(decoding: [c, second], as: UTF8.self)
      if !Self.unreadSymbols.contains(symbol), let z = Self.elementNumbers[symbol] {
        i += 2
        return .element(z, aromatic: Self.organicSubset.contains(z) ? false : nil)
      }
    }
    if let second = letter(i + 1) {
      let pair = String(decoding: [c, second], as: UTF8.self)
      let aromaticPairs = ["se": 34, "te": 52, "as": 33, "si": 14]
      if let z = aromaticPairs[pair] {
        i += 2
        return .element(z, aromatic: true)
      }
    }
    i += 1
    switch c {
    case UInt8(ascii: "H"): return .hydrogens(number(end) ?? 1)
    case UInt8(ascii: "D"): return .degree(number(end) ?? 1)
    case UInt8(ascii: "X"): return .connections(number(end) ?? 1)
    case UInt8(ascii: "v"): return .valence(number(end) ?? 1)
    case UInt8(ascii: "R"):
      if let n = number(end) { return .ringCount(n) }
      return .inRing
    case UInt8(ascii: "r"):
      if let n = number(end) { return n == 0 ? .ringCount(0) : .smallestRing(n) }
      return .inRing
    case UInt8(ascii: "x"):
      guard let n = number(end) else { throw error("bare 'x' (ring connectivity without a number) is not supported", at: start) }
      return .ringBonds(n)
    case UInt8(ascii: "h"):
      if let n = number(end) { return .implicitHydrogens(n) }
      return .hasImplicitHydrogen
    case UInt8(ascii: "a"): return .aromatic(true)
    case UInt8(ascii: "A"): return .aromatic(false)
    default: break
    }
    let aromaticSingles: [UInt8: Int] = [
      UInt8(ascii: "b"): 5, UInt8(ascii: "c"): 6, UInt8(ascii: "n"): 7, UInt8(ascii: "o"): 8,
      UInt8(ascii: "p"): 15, UInt8(ascii: "s"): 16,
    ]
    if let z = aromaticSingles[c] { return .element(z, aromatic: true) }
    if c >= UInt8(ascii: "A"), c <= UInt8(ascii: "Z"), let z = Self.elementNumbers[String(UnicodeScalar(c))] {
      return .element(z, aromatic: Self.organicSubset.contains(z) ? false : nil)
    }
    throw error("'\(Character(UnicodeScalar(c)))' is not a supported SMARTS atom primitive", at: start)
  }
}
