// Potential tetrahedral stereocentres and ring-junction atoms, as RDKit counts them for descriptors.
//
// Stereocentres follow RDKit's legacy perception (the default of `FindMolChiralCenters` with
// `includeUnassigned=True`, Code/GraphMol/Chirality.cpp: `assignAtomCIPRanks`, `iterateCIPRanks`,
// `isAtomPotentialChiralCenter`; BSD licence). cfx molecules carry no stereo marks, so the count is
// the number of atoms that *could* be tetrahedral stereocentres:
//  * legal centre: at most 4 neighbours + hydrogens and at least 3; fewer than 3 heavy neighbours only
//    for P/As; 3 heavy neighbours without H only for N in a 3-ring or at a bridgehead and without a
//    conjugated bond (RDKit's Github #7434: an sp2 or conjugated N is never a centre), for P/As, and
//    for S/Se with explicit valence 4 (sulfoxide) or valence 3 and charge +1 (sulfonium);
//  * no two heavy neighbours in the same "CIP rank" class. The classes come from iterated
//    refinement: start from (atomic number, isotope), then repeatedly rank each atom by its previous
//    rank and the multiset of its neighbours' ranks, each neighbour repeated twice its bond order
//    (aromatic 3; a double bond to a 3- or 4-coordinate P counts 1), plus one 0 per hydrogen; stop
//    when all ranks differ, the number of ranks stops growing, or after atoms/2 + 1 rounds.
// Spiro and bridgehead atoms follow RDKit's CalcNumSpiroAtoms / CalcNumBridgeheadAtoms on the
// symmetrized SSSR: an atom that is the only common atom of two rings, and an atom that ends a run of
// at least two bonds shared by two rings.

/// Stereocentre and ring-junction counts of a molecule (RDKit descriptor semantics).
public enum Stereocentres {
  /// Atoms that could be tetrahedral stereocentres (RDKit legacy `FindMolChiralCenters` with
  /// `includeUnassigned=True` on a molecule without stereo marks), ascending.
  public static func potentialTetrahedral(_ molecule: Molecule) -> [Int] {
    let candidates = molecule.atoms.indices.filter { isLegalCentre(molecule, $0) }
    guard !candidates.isEmpty else { return [] }
    let ranks = cipRankClasses(molecule)
    var centres: [Int] = []
    for atom in candidates {
      var seen = Set<Int>()
      if molecule.neighbors[atom].allSatisfy({ seen.insert(ranks[$0.atom]).inserted }) { centres.append(atom) }
    }
    return centres
  }

  /// RDKit's legacy CIP rank of each atom (dense, 0-based; only equality is meaningful here).
  static func cipRankClasses(_ molecule: Molecule) -> [Int] {
    let n = molecule.atoms.count
    guard n > 0 else { return [] }
    // Initial invariant: atomic number and isotope (RDKit also packs the atom-map number, absent here).
    var ranks = denseRanks(molecule.atoms.map { [$0.atomicNumber, $0.isotope] })
    var entries = (0..<n).map { [molecule.atoms[$0].atomicNumber, ranks[$0]] }
    let weights: [[Int]] = (0..<n).map { i in
      molecule.neighbors[i].map { nb in
        let bond = molecule.bonds[nb.bond]
        if molecule.isAromaticBond[nb.bond] { return 3 }
        if bond.order == 2, molecule.atoms[nb.atom].atomicNumber == 15,
          (3...4).contains(molecule.degree(nb.atom))
        {
          return 1
        }
        return 2 * bond.order
      }
    }
    let maxIterations = n / 2 + 1
    var iterations = 0
    var lastCount = -1
    var count = (ranks.max() ?? 0) + 1
    while count < n && iterations < maxIterations && (lastCount < 0 || lastCount < count) {
      var longest = 0
      for i in 0..<n {
        let order = molecule.neighbors[i].indices.sorted { ranks[molecule.neighbors[i][$0].atom] > ranks[molecule.neighbors[i][$1].atom] }
        for k in order {
          entries[i] += [Int](repeating: ranks[molecule.neighbors[i][k].atom] + 1, count: weights[i][k])
        }
        entries[i] += [Int](repeating: 0, count: molecule.atoms[i].implicitHydrogens)
        longest = max(longest, entries[i].count)
      }
      for i in 0..<n where entries[i].count < longest {
        entries[i] += [Int](repeating: -1, count: longest - entries[i].count)
      }
      lastCount = count
      ranks = denseRanks(entries)
      count = (ranks.max() ?? 0) + 1
      if lastCount != count {
        for i in 0..<n {
          entries[i][iterations + 1] = ranks[i]
          entries[i].removeSubrange((iterations + 2)...)
        }
      }
      iterations += 1
    }
    return ranks
  }

  /// Dense ranks (0, 1, ...) of integer vectors in lexicographic order; equal vectors share a rank.
  static func denseRanks(_ values: [[Int]]) -> [Int] {
    let order = values.indices.sorted { values[$0].lexicographicallyPrecedes(values[$1]) }
    var ranks = [Int](repeating: 0, count: values.count)
    var rank = 0
    for (position, index) in order.enumerated() {
      if position > 0 && values[index] != values[order[position - 1]] { rank += 1 }
      ranks[index] = rank
    }
    return ranks
  }

  /// RDKit's `isAtomPotentialChiralCenter` legality part (neighbour ranks are checked by the caller).
  static func isLegalCentre(_ molecule: Molecule, _ atom: Int) -> Bool {
    let a = molecule.atoms[atom]
    let heavy = molecule.degree(atom)
    let total = heavy + a.implicitHydrogens
    let z = a.atomicNumber
    if total > 4 || total < 3 { return false }
    if heavy < 3 { return z == 15 || z == 33 }
    guard heavy == 3, a.implicitHydrogens == 0 else { return true }
    switch z {
    case 7:
      guard !hasConjugatedBond(molecule, nitrogen: atom) else { return false }
      return molecule.rings.contains { $0.count == 3 && $0.contains(atom) } || isBridgeheadQuery(molecule, atom)
    case 15, 33: return true
    case 16, 34:
      let valence = molecule.bondOrderSum(atom)
      return valence == 4 || (valence == 3 && a.formalCharge == 1)
    default: return false
    }
  }

  /// Whether a 3-coordinate nitrogen has a bond RDKit marks conjugated (`setConjugation`): an
  /// aromatic or multiple bond of its own, or a single bond to a 2- or 3-coordinate neighbour
  /// (heavy atoms + H) that has an aromatic or multiple bond elsewhere. That second rule is
  /// `markConjAtomBonds` run at the neighbour with this nitrogen as the partner: a neutral
  /// 3-coordinate N has a lone pair to give, so it is always a conjugation candidate.
  static func hasConjugatedBond(_ molecule: Molecule, nitrogen atom: Int) -> Bool {
    let isMultiple = { (bond: Int) in molecule.isAromaticBond[bond] || molecule.bonds[bond].order >= 2 }
    if molecule.neighbors[atom].contains(where: { isMultiple($0.bond) }) { return true }
    return molecule.neighbors[atom].contains { link in
      let coordination = molecule.degree(link.atom) + molecule.atoms[link.atom].implicitHydrogens
      return (2...3).contains(coordination) && molecule.neighbors[link.atom].contains { $0.bond != link.bond && isMultiple($0.bond) }
    }
  }

  /// RDKit's `queryIsAtomBridgehead`: at least 3 ring bonds, and every ring through the atom shares
  /// at least two bonds with another ring through the atom.
  static func isBridgeheadQuery(_ molecule: Molecule, _ atom: Int) -> Bool {
    guard molecule.degree(atom) >= 3,
      molecule.neighbors[atom].filter({ molecule.isInRing(bond: $0.bond) }).count >= 3
    else { return false }
    let through = molecule.rings.indices.filter { molecule.rings[$0].contains(atom) }
    var overlaps = Set<Int>()
    for (x, i) in through.enumerated() {
      let bondsOfI = Set(molecule.ringBondSets[i])
      for j in through[(x + 1)...] where molecule.ringBondSets[j].filter(bondsOfI.contains).count >= 2 {
        overlaps.formUnion([i, j])
      }
      if !overlaps.contains(i) { return false }
    }
    return true
  }

  /// Spiro atoms (RDKit `CalcNumSpiroAtoms`): atoms that are the single common atom of two rings.
  public static func spiroAtoms(_ molecule: Molecule) -> [Int] {
    var atoms = Set<Int>()
    let rings = molecule.rings.map(Set.init)
    for i in rings.indices {
      for j in rings.indices where j > i {
        let common = rings[i].intersection(rings[j])
        if common.count == 1 { atoms.formUnion(common) }
      }
    }
    return atoms.sorted()
  }

  /// Bridgehead atoms (RDKit `CalcNumBridgeheadAtoms`): for two rings sharing at least two bonds,
  /// the atoms at the ends of the shared bonds (atoms touched by exactly one shared bond).
  public static func bridgeheadAtoms(_ molecule: Molecule) -> [Int] {
    var atoms = Set<Int>()
    let rings = molecule.ringBondSets.map(Set.init)
    for i in rings.indices {
      for j in rings.indices where j > i {
        let shared = rings[i].intersection(rings[j])
        guard shared.count > 1 else { continue }
        var touches: [Int: Int] = [:]
        for b in shared {
          touches[molecule.bonds[b].begin, default: 0] += 1
          touches[molecule.bonds[b].end, default: 0] += 1
        }
        for (atom, count) in touches where count == 1 { atoms.insert(atom) }
      }
    }
    return atoms.sorted()
  }
}
