// Wildman–Crippen logP ("logp" everywhere in cfx): the sum of per-atom contributions, with each
// atom (hydrogens included) typed by the first matching SMARTS row of RDKit's table
// (CrippenParameters.swift). This reproduces RDKit's `Crippen.MolLogP` /
// `Descriptors.MolLogP`:
//   logP = Σ_heavy atoms c(type(a)) + Σ_hydrogens c(type(h)),
// where RDKit adds explicit hydrogens before typing (`addHs`), so hydrogens are typed by their
// heavy neighbour's environment (H1 on carbon, H2 on alcohols, H3 on amines, H4 on acids).
// Aromatic atoms and bonds come from cfx's RDKit-model perception (Aromaticity.swift): the typing
// of c/n/o/s atoms and ':' bonds depends on it.

/// Crippen logP and molar refractivity.
public enum Crippen {
  /// Compiled table: rows with parsed patterns, bucketed by the atomic numbers a row's root
  /// atom can have (rows whose root could be any element go into every bucket).
  struct Table: Sendable {
    let rows: [CrippenRow]
    let patterns: [SMARTSPattern]
    /// Row indices by atomic number (0...118), in table order.
    let buckets: [[Int]]
  }

  static let table: Table = {
    var patterns: [SMARTSPattern] = []
    var buckets = [[Int]](repeating: [], count: 119)
    for (index, row) in crippenRows.enumerated() {
      guard let pattern = SMARTSPattern(row.smarts) else {
        preconditionFailure("Crippen: SMARTS \(row.smarts) of row \(row.label) is outside the supported subset")
      }
      patterns.append(pattern)
      let roots = possibleAtomicNumbers(pattern.nodes[0].expression)
      for z in roots ?? Array(0...118) { buckets[z].append(index) }
    }
    return Table(rows: crippenRows, patterns: patterns, buckets: buckets)
  }()

  /// Atomic numbers an expression can match, or nil if not restricted to a finite set.
  static func possibleAtomicNumbers(_ e: SMARTSPattern.Expression) -> [Int]? {
    switch e {
    case .atomicNumber(let z): return [z]
    case .or(let parts):
      var all: [Int] = []
      for p in parts {
        guard let zs = possibleAtomicNumbers(p) else { return nil }
        all += zs
      }
      return all
    case .and(let parts):
      var result: Set<Int>?
      for p in parts {
        if let zs = possibleAtomicNumbers(p) { result = result.map { $0.intersection(zs) } ?? Set(zs) }
      }
      return result.map { Array($0) }
    default: return nil
    }
  }

  /// Per-atom result: the Crippen type label and contributions.
  public struct Contribution: Sendable, Equatable {
    /// Crippen type ("C18", "N11", "H1").
    public var label: String
    /// logP contribution.
    public var logP: Double
    /// Molar refractivity contribution.
    public var molarRefractivity: Double
  }

  /// Contributions of each heavy atom and of the hydrogens on it.
  public struct Breakdown: Sendable {
    /// Heavy atom contributions, by atom index.
    public var atoms: [Contribution]
    /// For each heavy atom, the contribution of one of its hydrogens (nil without hydrogens).
    public var hydrogens: [Contribution?]
    /// Total logP.
    public var logP: Double
    /// Total molar refractivity.
    public var molarRefractivity: Double
  }

  /// Wildman–Crippen logP of `molecule` (RDKit MolLogP).
  public static func logP(_ molecule: Molecule) -> Double { breakdown(molecule).logP }

  /// Per-atom Crippen types and contributions plus totals.
  public static func breakdown(_ molecule: Molecule) -> Breakdown {
    let target = hydrogenExpandedTarget(molecule)
    let heavy = molecule.atoms.count
    var atoms: [Contribution] = []
    atoms.reserveCapacity(heavy)
    var hydrogens = [Contribution?](repeating: nil, count: heavy)
    var logP = 0.0, refractivity = 0.0
    for a in 0..<heavy {
      let c = contribution(target, a)
      atoms.append(c)
      logP += c.logP
      refractivity += c.molarRefractivity
    }
    // Every hydrogen on the same heavy atom has the same environment, hence the same type.
    var firstHydrogen = heavy
    for a in 0..<heavy {
      let count = molecule.atoms[a].implicitHydrogens
      guard count > 0 else { continue }
      let c = contribution(target, firstHydrogen)
      hydrogens[a] = c
      logP += Double(count) * c.logP
      refractivity += Double(count) * c.molarRefractivity
      firstHydrogen += count
    }
    return Breakdown(atoms: atoms, hydrogens: hydrogens, logP: logP, molarRefractivity: refractivity)
  }

  static func contribution(_ target: SMARTSTarget, _ a: Int) -> Contribution {
    let z = target.atomicNumber[a]
    for index in table.buckets[min(max(z, 0), 118)] where target.matches(table.patterns[index], at: a) {
      let row = table.rows[index]
      return Contribution(label: row.label, logP: row.logP, molarRefractivity: row.molarRefractivity)
    }
    return Contribution(label: "none", logP: 0, molarRefractivity: 0)
  }

  /// The molecule with every hydrogen as an explicit atom (heavy atoms keep their indices;
  /// hydrogens of atom a follow in atom order), as RDKit's `addHs` before typing.
  static func hydrogenExpandedTarget(_ molecule: Molecule) -> SMARTSTarget {
    let heavy = molecule.atoms.count
    let total = heavy + molecule.atoms.reduce(0) { $0 + $1.implicitHydrogens }
    var target = SMARTSTarget(
      atomicNumber: [Int](repeating: 1, count: total), isAromatic: [Bool](repeating: false, count: total),
      charge: [Int](repeating: 0, count: total), hydrogens: [Int](repeating: 0, count: total),
      neighbors: [[(atom: Int, kind: Int)]](repeating: [], count: total))
    for (a, atom) in molecule.atoms.enumerated() {
      target.atomicNumber[a] = atom.atomicNumber
      target.isAromatic[a] = molecule.isAromaticAtom[a]
      target.charge[a] = atom.formalCharge
      target.hydrogens[a] = atom.implicitHydrogens
    }
    for (index, bond) in molecule.bonds.enumerated() {
      let kind = molecule.isAromaticBond[index] ? 4 : bond.order
      target.neighbors[bond.begin].append((bond.end, kind))
      target.neighbors[bond.end].append((bond.begin, kind))
    }
    var next = heavy
    for (a, atom) in molecule.atoms.enumerated() {
      for _ in 0..<atom.implicitHydrogens {
        target.neighbors[a].append((next, 1))
        target.neighbors[next].append((a, 1))
        next += 1
      }
    }
    return target
  }
}
