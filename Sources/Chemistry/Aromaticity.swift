// Aromaticity perception with RDKit's default model, so that Crippen atom typing (which depends
// on aromatic atoms and bonds) and canonical SMILES agree with RDKit for every input spelling.
//
// Port of RDKit Code/GraphMol/Aromaticity.cpp as of 2024–2026 (BSD licence; `aromaticityHelper` with
// includeFused = true, `getAtomDonorTypeArom`, `countAtomElec`, `isAtomCandForArom`,
// `applyHuckelToFused`). Summary of the model:
//  * every SSSR ring whose atoms are all candidates is a candidate ring;
//  * an atom's π-electron contribution is derived from its default valence, degree, lone pairs and
//    charge (`electronCount`), adjusted for exocyclic multiple bonds to more electronegative atoms;
//    a neutral ether-like O or S whose smallest ring has more than 8 atoms contributes none
//    (RDKit 2026.09, `isMacrocyclicEther`);
//  * candidate rings that share exactly one bond are neighbours, and neighbours form fused systems; every connected combination of up to 6
//    rings of a system is tested with Hückel's 4n+2 rule on the union of its atoms; an aromatic
//    combination marks its atoms aromatic and the bonds that occur in exactly one of its rings;
//    the search stops once every bond of the system is aromatic.

/// Aromaticity perception (RDKit default model) on Kekulé structures.
public enum AromaticityPerception {
  /// RDKit's electron donor classification of a ring atom.
  enum DonorType { case vacant, one, two, none }

  /// Per-atom and per-bond aromatic flags.
  public static func perceive(
    atoms: [Atom], bonds: [Bond], neighbors: [[Neighbor]], rings: [[Int]], ringBonds: [[Int]],
    bondRingCount: [Int]
  ) -> (atoms: [Bool], bonds: [Bool]) {
    var atomFlags = [Bool](repeating: false, count: atoms.count)
    var bondFlags = [Bool](repeating: false, count: bonds.count)
    guard !rings.isEmpty else { return (atomFlags, bondFlags) }
    var donor = [DonorType?](repeating: nil, count: atoms.count)
    var candidate = [Bool](repeating: false, count: atoms.count)
    var candidateRings: [Int] = []
    // Smallest ring of each atom, for the macrocycle rule of `donorType`.
    var smallestRing = [Int](repeating: Int.max, count: atoms.count)
    for ring in rings { for a in ring { smallestRing[a] = min(smallestRing[a], ring.count) } }
    for (r, ring) in rings.enumerated() {
      var all = true
      for a in ring {
        if donor[a] == nil {
          var type = donorType(a, atoms: atoms, bonds: bonds, neighbors: neighbors, bondRingCount: bondRingCount)
          if isMacrocyclicEther(a, smallestRing: smallestRing[a], atoms: atoms, bonds: bonds, neighbors: neighbors) { type = .none }
          donor[a] = type
          candidate[a] = isCandidate(a, donor: type, atoms: atoms, bonds: bonds, neighbors: neighbors)
        }
        if !candidate[a] { all = false }
      }
      if all { candidateRings.append(r) }
    }
    guard !candidateRings.isEmpty else { return (atomFlags, bondFlags) }
    // Ring neighbour map over candidate rings: rings of ≤ 24 atoms that share exactly one bond
    // (RDKit's makeRingNeighborMap with maxOverlapSize 1: rings sharing two or more bonds, e.g.
    // a 4-ring bridging a benzene or the envelopes of a symmetrized SSSR, are not fused partners).
    let count = candidateRings.count
    var ringNeighbors = [[Int]](repeating: [], count: count)
    for i in 0..<count where rings[candidateRings[i]].count <= 24 {
      let bondsI = Set(ringBonds[candidateRings[i]])
      for j in (i + 1)..<max(i + 1, count) where rings[candidateRings[j]].count <= 24 {
        if bondsI.intersection(ringBonds[candidateRings[j]]).count == 1 {
          ringNeighbors[i].append(j)
          ringNeighbors[j].append(i)
        }
      }
    }
    var systemDone = [Bool](repeating: false, count: count)
    for start in 0..<count where !systemDone[start] {
      // pickFusedRings: depth-first order of the fused system containing `start`.
      var fused: [Int] = []
      var stack = [start]
      while let r = stack.popLast() {
        if systemDone[r] { continue }
        systemDone[r] = true
        fused.append(r)
        for n in ringNeighbors[r].reversed() where !systemDone[n] { stack.append(n) }
      }
      applyHuckelToFused(
        fused: fused, candidateRings: candidateRings, rings: rings, ringBonds: ringBonds,
        ringNeighbors: ringNeighbors, donor: donor, bonds: bonds,
        atomFlags: &atomFlags, bondFlags: &bondFlags)
    }
    return (atomFlags, bondFlags)
  }

  /// Tests connected combinations of 1...min(6, n) rings of one fused system, smallest first,
  /// until every bond of the system is aromatic (RDKit 2024+ `applyHuckelToFused`). The electron
  /// count of a combination runs over the atoms that lie in one or two of its rings (RDKit #2895:
  /// atoms buried in three rings do not count).
  static func applyHuckelToFused(
    fused: [Int], candidateRings: [Int], rings: [[Int]], ringBonds: [[Int]],
    ringNeighbors: [[Int]], donor: [DonorType?], bonds: [Bond],
    atomFlags: inout [Bool], bondFlags: inout [Bool]
  ) {
    var systemBonds = Set<Int>()
    for r in fused { systemBonds.formUnion(ringBonds[candidateRings[r]]) }
    var doneBonds = Set<Int>()
    let n = fused.count
    var size = 0
    while true {
      // RDKit stops after pairs for systems of more than 300 rings (combinatorial blow-up).
      if size == 2 && n > 300 { break }
      size += 1
      if size > min(n, 6) || doneBonds.count >= systemBonds.count { break }
      var combination = Array(0..<size)
      repeat {
        let chosen = combination.map { fused[$0] }
        if isConnected(chosen, ringNeighbors: ringNeighbors) {
          var membership: [Int: Int] = [:]
          for r in chosen { for a in rings[candidateRings[r]] { membership[a, default: 0] += 1 } }
          let counted = Set(membership.filter { $0.value <= 2 }.keys)
          if satisfiesHuckel(counted, donor: donor) {
            var bondUse: [Int: Int] = [:]
            for r in chosen {
              for a in rings[candidateRings[r]] { atomFlags[a] = true }
              for b in ringBonds[candidateRings[r]] { bondUse[b, default: 0] += 1 }
            }
            // A triple bond stays a triple bond inside an aromatic ring (RDKit writes `c#c`).
            for (b, uses) in bondUse where uses == 1 {
              if bonds[b].order != 3 { bondFlags[b] = true }
              doneBonds.insert(b)
            }
          }
        }
      } while nextCombination(&combination, n: n)
    }
  }

  /// Whether the chosen rings form one connected piece of the ring neighbour graph.
  static func isConnected(_ chosen: [Int], ringNeighbors: [[Int]]) -> Bool {
    if chosen.count == 1 { return true }
    let members = Set(chosen)
    var seen: Set<Int> = [chosen[0]]
    var stack = [chosen[0]]
    while let r = stack.popLast() {
      for n in ringNeighbors[r] where members.contains(n) && !seen.contains(n) {
        seen.insert(n)
        stack.append(n)
      }
    }
    return seen.count == chosen.count
  }

  /// Advances a lexicographic k-combination of 0..<n; false after the last one.
  static func nextCombination(_ c: inout [Int], n: Int) -> Bool {
    let k = c.count
    var i = k - 1
    while i >= 0 && c[i] == n - k + i { i -= 1 }
    if i < 0 { return false }
    c[i] += 1
    for j in (i + 1)..<max(i + 1, k) { c[j] = c[j - 1] + 1 }
    return true
  }

  /// Hückel's rule on electron bounds: 4n+2 reachable within [lower, upper] (upper ≥ 6), or
  /// exactly 2 electrons (cyclopropenyl cation-like rings).
  static func satisfiesHuckel(_ atoms: Set<Int>, donor: [DonorType?]) -> Bool {
    var lower = 0, upper = 0
    for a in atoms {
      switch donor[a] {
      case .one?: lower += 1; upper += 1
      case .two?: lower += 2; upper += 2
      default: break
      }
    }
    if upper >= 6 { return (lower...upper).contains { ($0 - 2) % 4 == 0 } }
    return upper == 2
  }

  /// RDKit's `countAtomElec`: electrons an atom can donate into a π system, or -1.
  static func electronCount(_ a: Int, atoms: [Atom], bonds: [Bond], neighbors: [[Neighbor]]) -> Int {
    let atom = atoms[a]
    guard let element = Element.table[atom.atomicNumber] else { return -1 }
    let defaultValence = element.defaultValence
    if defaultValence <= 1 { return -1 }
    let degree = neighbors[a].count + atom.implicitHydrogens
    if degree > 3 { return -1 }
    // Lone-pair electrons = outer electrons − default valence, minus the charge.
    let lonePairs = max(element.outerElectrons - defaultValence - atom.formalCharge, 0)
    var result = (defaultValence - degree) + lonePairs
    if result > 1 {
      let orderSum = neighbors[a].reduce(0) { $0 + bonds[$1.bond].order }
      if orderSum - neighbors[a].count > 1 { result = 1 }
    }
    return result
  }

  /// RDKit's `getAtomDonorTypeArom` (exocyclic bonds steal electrons).
  static func donorType(
    _ a: Int, atoms: [Atom], bonds: [Bond], neighbors: [[Neighbor]], bondRingCount: [Int]
  ) -> DonorType {
    var electrons = electronCount(a, atoms: atoms, bonds: bonds, neighbors: neighbors)
    if electrons < 0 { return .none }
    // First non-ring multiple bond, as RDKit's incidentNonCyclicMultipleBond.
    let exocyclic = neighbors[a].first { bondRingCount[$0.bond] == 0 && bonds[$0.bond].order >= 2 }
    let cyclicMultiple = neighbors[a].contains { bondRingCount[$0.bond] > 0 && bonds[$0.bond].order >= 2 }
    let anyMultiple = neighbors[a].contains { bonds[$0.bond].order >= 2 }
    let z = atoms[a].atomicNumber
    switch electrons {
    case 0:
      if exocyclic != nil { return .vacant }
      return cyclicMultiple ? .one : .none
    case 1:
      if let exo = exocyclic {
        return Element.isMoreElectronegative(atoms[exo.atom].atomicNumber, than: z) ? .vacant : .one
      }
      if anyMultiple { return .one }
      return atoms[a].formalCharge == 1 ? .vacant : .none
    default:
      if let exo = exocyclic, Element.isMoreElectronegative(atoms[exo.atom].atomicNumber, than: z) {
        electrons -= 1
      }
      return electrons % 2 == 1 ? .one : .two
    }
  }

  /// RDKit 2026.09 (PR #9414): a neutral two-connected O or S with only single bonds donates no
  /// electrons when its ring is a macrocycle. The PR text says "larger than 10"; the release
  /// measured here (RDKit 2026.09.1) already refuses 9-rings and accepts 8-rings (oxonin
  /// `C1=CC=COC=CC=C1` and thionin are not aromatic, `C1=CC=C[N-]C=CO1` is; Se and NH are
  /// unaffected), so the bound used is more than 8 atoms in the atom's smallest ring.
  static func isMacrocyclicEther(_ a: Int, smallestRing: Int, atoms: [Atom], bonds: [Bond], neighbors: [[Neighbor]]) -> Bool {
    let atom = atoms[a]
    guard atom.atomicNumber == 8 || atom.atomicNumber == 16, atom.formalCharge == 0, smallestRing > 8 else { return false }
    return neighbors[a].count + atom.implicitHydrogens == 2 && neighbors[a].allSatisfy { bonds[$0.bond].order == 1 }
  }

  /// RDKit's `isAtomCandForArom` with the default model's settings.
  static func isCandidate(
    _ a: Int, donor: DonorType, atoms: [Atom], bonds: [Bond], neighbors: [[Neighbor]]
  ) -> Bool {
    let atom = atoms[a]
    if atom.atomicNumber > 18 && atom.atomicNumber != 34 && atom.atomicNumber != 52 { return false }
    if donor == .none { return false }
    // Atoms above the default valence of element Z − charge are excluded (RDKit does exactly this).
    if let element = Element.table[atom.atomicNumber], element.defaultValence > 0 {
      let orderSum = neighbors[a].reduce(0) { $0 + bonds[$1.bond].order }
      let iso = Element.table[atom.atomicNumber - atom.formalCharge]?.defaultValence ?? element.defaultValence
      if orderSum + atom.implicitHydrogens > iso { return false }
    }
    // More than one double/triple bond disqualifies (e.g. allenes, C1=C=NC=N1).
    let multiples = neighbors[a].filter { bonds[$0.bond].order >= 2 }.count
    return multiples <= 1
  }
}
