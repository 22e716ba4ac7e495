// The molecule type of cfx: heavy atoms with implicit hydrogens and Kekulé bonds, plus the
// perceived ring and aromaticity information every property needs.
//
// Hydrogens are never atoms here: explicit hydrogens from an input file are folded into their
// neighbour's `implicitHydrogens` when the molecule is read (see `Molecule(openBabelAtoms:…)`).
// Bonds carry Kekulé orders 1/2/3; aromaticity is *perceived* from them with RDKit's model
// (Aromaticity.swift), so a molecule's aromaticity does not depend on how its input was written.

/// One heavy atom: element, formal charge and attached hydrogens.
public struct Atom: Sendable, Hashable, Codable {
  /// Atomic number (6 = carbon).
  public var atomicNumber: Int
  /// Formal charge.
  public var formalCharge: Int
  /// Hydrogens attached to this atom (not represented as atoms).
  public var implicitHydrogens: Int
  /// Mass number, 0 when unspecified.
  public var isotope: Int

  /// An atom of element `atomicNumber` with `formalCharge` and `implicitHydrogens`.
  public init(atomicNumber: Int, formalCharge: Int = 0, implicitHydrogens: Int = 0, isotope: Int = 0) {
    self.atomicNumber = atomicNumber
    self.formalCharge = formalCharge
    self.implicitHydrogens = implicitHydrogens
    self.isotope = isotope
  }

  /// The element symbol, e.g. "Cl".
  public var symbol: String { Element.symbol(atomicNumber) }
}

/// One bond between two atoms (0-based indices) with Kekulé order 1, 2 or 3.
public struct Bond: Sendable, Hashable, Codable {
  /// First atom.
  public var begin: Int
  /// Second atom.
  public var end: Int
  /// Kekulé bond order (1 single, 2 double, 3 triple).
  public var order: Int

  /// A bond between `begin` and `end` of `order`.
  public init(_ begin: Int, _ end: Int, order: Int) {
    self.begin = begin
    self.end = end
    self.order = order
  }

  /// The atom at the other end from `atom`.
  public func other(_ atom: Int) -> Int { atom == begin ? end : begin }
}

/// A neighbour of an atom: the atom and the bond that leads there.
public struct Neighbor: Sendable, Hashable {
  /// The neighbouring atom.
  public var atom: Int
  /// The bond index.
  public var bond: Int
}

/// A named key/value property (an SDF tag).
public struct MoleculeProperty: Sendable, Hashable, Codable {
  /// Tag name.
  public var key: String
  /// Tag value.
  public var value: String

  /// A property `key` = `value`.
  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

/// A molecule: heavy atoms, Kekulé bonds, name, properties and perceived rings/aromaticity.
public struct Molecule: Sendable {
  /// Name (SMILES title, SDF first line), may be empty.
  public var name: String
  /// Heavy atoms.
  public let atoms: [Atom]
  /// Bonds with Kekulé orders.
  public let bonds: [Bond]
  /// Properties carried from the input or attached for output.
  public var properties: [MoleculeProperty]
  /// Messages the reader logged for this record (e.g. Open Babel's "Failed to kekulize").
  public var readerWarnings: [String]

  /// Neighbours of each atom.
  public let neighbors: [[Neighbor]]
  /// Smallest set of smallest rings, each as sorted atom indices.
  public let rings: [[Int]]
  /// The same rings as bond indices.
  public let ringBondSets: [[Int]]
  /// Number of SSSR rings each bond lies in.
  public let bondRingCount: [Int]
  /// Number of SSSR rings each atom lies in.
  public let atomRingCount: [Int]
  /// RDKit-model aromaticity of each atom.
  public let isAromaticAtom: [Bool]
  /// RDKit-model aromaticity of each bond.
  public let isAromaticBond: [Bool]

  /// Builds a molecule and perceives rings and aromaticity.
  /// - Precondition: every bond joins two distinct existing atoms with order 1...3.
  public init(
    name: String = "", atoms: [Atom], bonds: [Bond], properties: [MoleculeProperty] = [],
    readerWarnings: [String] = []
  ) {
    var neighbors = [[Neighbor]](repeating: [], count: atoms.count)
    for (index, bond) in bonds.enumerated() {
      precondition(
        bond.begin >= 0 && bond.end >= 0 && bond.begin < atoms.count && bond.end < atoms.count
          && bond.begin != bond.end && (1...3).contains(bond.order),
        "Molecule: bond \(index) = \(bond) is invalid for \(atoms.count) atoms")
      neighbors[bond.begin].append(Neighbor(atom: bond.end, bond: index))
      neighbors[bond.end].append(Neighbor(atom: bond.begin, bond: index))
    }
    self.name = name
    self.atoms = atoms
    self.bonds = bonds
    self.properties = properties
    self.readerWarnings = readerWarnings
    self.neighbors = neighbors
    let ringSet = RingPerception.smallestSetOfSmallestRings(
      atomCount: atoms.count, bonds: bonds, neighbors: neighbors)
    rings = ringSet.atoms
    ringBondSets = ringSet.bonds
    var bondCount = [Int](repeating: 0, count: bonds.count)
    var atomCount = [Int](repeating: 0, count: atoms.count)
    for ring in ringSet.bonds { for b in ring { bondCount[b] += 1 } }
    for ring in ringSet.atoms { for a in ring { atomCount[a] += 1 } }
    bondRingCount = bondCount
    atomRingCount = atomCount
    let aromaticity = AromaticityPerception.perceive(
      atoms: atoms, bonds: bonds, neighbors: neighbors, rings: ringSet.atoms,
      ringBonds: ringSet.bonds, bondRingCount: bondCount)
    isAromaticAtom = aromaticity.atoms
    isAromaticBond = aromaticity.bonds
  }

  /// Number of heavy atoms.
  public var heavyAtomCount: Int { atoms.count }

  /// Heavy-atom degree of `atom`.
  public func degree(_ atom: Int) -> Int { neighbors[atom].count }

  /// Sum of Kekulé bond orders at `atom` (hydrogens excluded).
  public func bondOrderSum(_ atom: Int) -> Int {
    neighbors[atom].reduce(0) { $0 + bonds[$1.bond].order }
  }

  /// Total valence of `atom`: bond orders plus hydrogens.
  public func totalValence(_ atom: Int) -> Int { bondOrderSum(atom) + atoms[atom].implicitHydrogens }

  /// Whether `atom` lies in a ring.
  public func isInRing(atom: Int) -> Bool { atomRingCount[atom] > 0 }

  /// Whether `bond` lies in a ring.
  public func isInRing(bond: Int) -> Bool { bondRingCount[bond] > 0 }

  /// Connected components, each as sorted atom indices (largest first, then by first atom).
  public var fragments: [[Int]] {
    var component = [Int](repeating: -1, count: atoms.count)
    var result: [[Int]] = []
    for start in 0..<atoms.count where component[start] < 0 {
      var stack = [start], members: [Int] = []
      component[start] = result.count
      while let a = stack.popLast() {
        members.append(a)
        for n in neighbors[a] where component[n.atom] < 0 {
          component[n.atom] = result.count
          stack.append(n.atom)
        }
      }
      result.append(members.sorted())
    }
    return result.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
  }

  /// Molecular formula in Hill order ("C6H6O").
  public var formula: String {
    var counts: [Int: Int] = [:]
    var hydrogens = 0
    for atom in atoms {
      counts[atom.atomicNumber, default: 0] += 1
      hydrogens += atom.implicitHydrogens
    }
    if hydrogens > 0 { counts[1, default: 0] += hydrogens }
    func part(_ z: Int) -> String {
      guard let n = counts[z] else { return "" }
      return Element.symbol(z) + (n > 1 ? "\(n)" : "")
    }
    var text = ""
    var rest = Set(counts.keys)
    if counts[6] != nil {
      text += part(6) + part(1)
      rest.subtract([6, 1])
    }
    for z in rest.sorted(by: { Element.symbol($0) < Element.symbol($1) }) { text += part(z) }
    return text
  }
}
