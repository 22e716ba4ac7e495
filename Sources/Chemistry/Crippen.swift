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
    /// The patterns' graphs (no Crippen row uses recursive SMARTS).
    let graphs: [PatternGraph]
    /// Row indices by atomic number (0...118), in table order.
    let buckets: [[Int]]
  }

  static let table: Table = {
    var patterns: [SMARTSPattern] = []
    var buckets = [[Int]](repeating: [], count: 119)
    for (index, row) in crippenRows.enumerated() {
      let pattern: SMARTSPattern
      do { pattern = try SMARTSPattern(row.smarts) } catch {
        preconditionFailure("Crippen: row \(row.label): \(error)")
      }
      patterns.append(pattern)
      let roots = possibleAtomicNumbers(pattern.graph.expressions[0])
      for z in roots ?? Array(0...118) { buckets[z].append(index) }
    }
    precondition(patterns.allSatisfy { $0.recursions.isEmpty }, "Crippen: a row uses recursive SMARTS")
    return Table(rows: crippenRows, patterns: patterns, graphs: patterns.map(\.graph), buckets: buckets)
  }()

  /// Atomic numbers an expression can match, or nil if not restricted to a finite set.
  static func possibleAtomicNumbers(_ e: SMARTSPattern.Expression) -> [Int]? {
    switch e {
    case .element(let z, _): return [z]
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
    let (target, firstHydrogen) = hydrogenExpandedTarget(molecule)
    let heavy = molecule.atoms.count
    var atoms: [Contribution] = []
    atoms.reserveCapacity(heavy)
    var hydrogens = [Contribution?](repeating: nil, count: heavy)
    var logP = 0.0, refractivity = 0.0
    var scratch = [Int](repeating: -1, count: 8)
    for a in 0..<heavy {
      let c = contribution(target, a, &scratch)
      atoms.append(c)
      logP += c.logP
      refractivity += c.molarRefractivity
    }
    // Every hydrogen on the same heavy atom has the same environment, hence the same type: the
    // first explicit representative is typed and counted implicitHydrogens times.
    for a in 0..<heavy where firstHydrogen[a] >= 0 {
      let c = contribution(target, firstHydrogen[a], &scratch)
      let count = Double(molecule.atoms[a].implicitHydrogens)
      hydrogens[a] = c
      logP += count * c.logP
      refractivity += count * c.molarRefractivity
    }
    return Breakdown(atoms: atoms, hydrogens: hydrogens, logP: logP, molarRefractivity: refractivity)
  }

  static func contribution(_ target: SMARTSTarget, _ a: Int, _ scratch: inout [Int]) -> Contribution {
    let z = target.atomicNumber[a]
    var state = RecursionState(graphs: [], atomCount: 0)
    for index in table.buckets[min(max(z, 0), 118)] where target.matches(table.graphs[index], at: a, mapping: &scratch, state: &state) {
      let row = table.rows[index]
      return Contribution(label: row.label, logP: row.logP, molarRefractivity: row.molarRefractivity)
    }
    return Contribution(label: "none", logP: 0, molarRefractivity: 0)
  }

  /// The molecule with hydrogens as explicit atoms, as RDKit's `addHs` before typing, except that
  /// each heavy atom gets at most two explicit hydrogens: no Crippen row looks at more than two
  /// hydrogens on one atom (`[#1]O[!#6;!#7;!#8;!#16]` on water), while the H-count and
  /// connectivity primitives use the full counts. Returns the target and, per heavy atom, the
  /// index of its first explicit hydrogen (-1 without hydrogens).
  static func hydrogenExpandedTarget(_ molecule: Molecule) -> (SMARTSTarget, [Int]) {
    let target = SMARTSTarget(molecule, hydrogenAtomsPerHeavyAtom: 2)
    return (target, target.firstHydrogen)
  }
}
