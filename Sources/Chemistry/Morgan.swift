// Morgan (ECFP-like) fingerprint, radius 2, with RDKit's default invariants, hashing and
// duplicate-environment rule, folded to 2048 bits / count slots.
//
// Port of RDKit Code/GraphMol/Fingerprints/MorganGenerator.cpp (`MorganEnvGenerator`,
// `getConnectivityInvariants` in FingerprintUtil.cpp; BSD licence):
//  * atom invariant = hash of (atomic number, total degree, total H, formal charge, Δmass,
//    [1 if in a ring]);
//  * round r: invariant' = hash(r, invariant, sorted (bond type, neighbour invariant) pairs),
//    bond type 1/2/3 or 12 for aromatic;
//  * an environment (the set of bonds within radius r) already produced earlier, or by another
//    atom in the same round with a smaller (code, atom), is not added again and its atom stops;
//  * bit = code mod 2048; the count form counts environments per bit.
// Hashing is boost's `hash_combine` on 32-bit seeds: seed ^= v + 0x9e3779b9 + (seed<<6) + (seed>>2).

/// Morgan radius-2 fingerprints.
public enum Morgan {
  /// boost::hash_combine on a 32-bit seed.
  @inline(__always) static func combine(_ seed: inout UInt32, _ value: UInt32) {
    seed ^= value &+ 0x9e37_79b9 &+ (seed << 6) &+ (seed >> 2)
  }

  /// The unfolded environment codes (RDKit bit ids before folding), one per environment.
  public static func environmentCodes(_ molecule: Molecule, radius: Int = 2) -> [UInt32] {
    let n = molecule.atoms.count
    let bondCount = molecule.bonds.count
    var current = [UInt32](repeating: 0, count: n)
    for (i, atom) in molecule.atoms.enumerated() {
      var components: [UInt32] = [
        UInt32(atom.atomicNumber), UInt32(molecule.degree(i) + atom.implicitHydrogens),
        UInt32(atom.implicitHydrogens), UInt32(bitPattern: Int32(atom.formalCharge)),
        UInt32(bitPattern: Int32(atom.isotope > 0 ? Int(Double(atom.isotope) - (Element.table[atom.atomicNumber]?.atomicWeight ?? 0)) : 0)),
      ]
      if molecule.isInRing(atom: i) { components.append(1) }
      var seed: UInt32 = 0
      for c in components { combine(&seed, c) }
      current[i] = seed
    }
    var codes = current
    let words = max((bondCount + 63) / 64, 1)
    var atomNeighborhoods = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: n)
    var dead = [Bool](repeating: false, count: n)
    var seen = Set<[UInt64]>()
    let bondInvariant = molecule.bonds.indices.map { b in
      UInt32(molecule.isAromaticBond[b] ? 12 : molecule.bonds[b].order)
    }
    for layer in 0..<radius {
      var round: [(neighborhood: [UInt64], code: UInt32, atom: Int)] = []
      var next = [UInt32](repeating: 0, count: n)
      var roundNeighborhoods = atomNeighborhoods
      for i in 0..<n where !dead[i] {
        if molecule.neighbors[i].isEmpty {
          dead[i] = true
          continue
        }
        var pairs: [(UInt32, UInt32)] = []
        for nb in molecule.neighbors[i] {
          roundNeighborhoods[i][nb.bond >> 6] |= 1 << UInt64(nb.bond & 63)
          for w in 0..<words { roundNeighborhoods[i][w] |= atomNeighborhoods[nb.atom][w] }
          pairs.append((bondInvariant[nb.bond], current[nb.atom]))
        }
        // std::pair<int32_t, uint32_t> ordering: bond type first (signed), then invariant.
        pairs.sort { $0.0 != $1.0 ? Int32(bitPattern: $0.0) < Int32(bitPattern: $1.0) : $0.1 < $1.1 }
        var invariant = UInt32(layer)
        combine(&invariant, current[i])
        for (bond, neighbor) in pairs {
          var pairHash: UInt32 = 0
          combine(&pairHash, bond)
          combine(&pairHash, neighbor)
          combine(&invariant, pairHash)
        }
        next[i] = invariant
        round.append((roundNeighborhoods[i], invariant, i))
      }
      // Sorting by (neighbourhood, code, atom): only the order among equal neighbourhoods
      // matters, and there the smaller (code, atom) comes first.
      round.sort { a, b in
        if a.neighborhood != b.neighborhood { return a.neighborhood.lexicographicallyPrecedes(b.neighborhood) }
        return a.code != b.code ? a.code < b.code : a.atom < b.atom
      }
      for entry in round {
        if seen.insert(entry.neighborhood).inserted {
          codes.append(entry.code)
        } else {
          dead[entry.atom] = true
        }
      }
      current = next
      atomNeighborhoods = roundNeighborhoods
    }
    return codes
  }

  /// Morgan radius-2 bit fingerprint folded to 2048 bits.
  public static func bits(_ molecule: Molecule) -> Fingerprint {
    let size = UInt32(FingerprintKind.morganBits.size)
    return Fingerprint(kind: .morganBits, setBits: environmentCodes(molecule).map { Int($0 % size) })
  }

  /// Morgan radius-2 count fingerprint folded to 2048 slots.
  public static func counts(_ molecule: Molecule) -> Fingerprint {
    let size = UInt32(FingerprintKind.morganCounts.size)
    var counts: [Int: Int] = [:]
    for code in environmentCodes(molecule) { counts[Int(code % size), default: 0] += 1 }
    return Fingerprint(kind: .morganCounts, counts: counts)
  }
}
