// Synthetic accessibility (SA) score: P. Ertl and A. Schuffenhauer, "Estimation of synthetic
// accessibility score of drug-like molecules based on molecular complexity and fragment
// contributions", J. Cheminform. 1, 8 (2009), computed as RDKit's Contrib/SA_Score/sascorer.py does
// (Ertl and Landrum, 2013), from 1 (easy to make) to 10 (very hard).
//
//  raw = fragment + complexity + symmetry
//  fragment   = Σ_e score(e) / #environments over the Morgan radius-2 environments e (RDKit ids with
//               multiplicity); ids missing from the table score −4
//  complexity = −(n^1.005 − n) − log10(stereo + 1) − log10(spiro + 1) − log10(bridgeheads + 1)
//               − (log10 2 if any ring has more than 8 atoms), n = heavy atoms, stereo = potential
//               tetrahedral stereocentres (assigned or not; cfx molecules carry no stereo marks)
//  symmetry   = ½ ln(n / #distinct ids) when n exceeds the number of distinct ids, else 0
//  sa = 11 − (raw + 5) / 6.5 · 9  (raw −4 … 2.5 onto 10 … 1); above 8 it is smoothed to
//       8 + ln(sa − 8); finally clamped to [1, 10].

import Foundation

/// The Ertl–Schuffenhauer synthetic accessibility score.
public enum SyntheticAccessibility {
  /// The terms the score is made of (for tests and explanations).
  public struct Components: Sendable, Equatable {
    /// Mean fragment contribution over all radius-2 environments.
    public var fragment: Double
    /// Environments counted with multiplicity.
    public var environments: Int
    /// Distinct environment ids.
    public var distinctEnvironments: Int
    /// Heavy atoms.
    public var atoms: Int
    /// Potential tetrahedral stereocentres.
    public var stereocentres: Int
    /// Spiro atoms.
    public var spiroAtoms: Int
    /// Bridgehead atoms.
    public var bridgeheadAtoms: Int
    /// Rings of more than 8 atoms.
    public var macrocycles: Int
    /// The score, 1 (easy) … 10 (hard).
    public var score: Double
  }

  /// The SA score of `molecule`, 1 (easy to synthesise) … 10 (hard). An empty molecule scores 10
  /// (RDKit's sascorer returns None for it).
  public static func score(_ molecule: Molecule) -> Double { components(molecule).score }

  /// The score with all its terms.
  public static func components(_ molecule: Molecule) -> Components {
    let n = molecule.atoms.count
    guard n > 0 else {
      return Components(
        fragment: 0, environments: 0, distinctEnvironments: 0, atoms: 0, stereocentres: 0, spiroAtoms: 0,
        bridgeheadAtoms: 0, macrocycles: 0, score: 10)
    }
    let codes = Morgan.environmentCodes(molecule)
    let table = SAFragmentTable.shared
    var fragment = 0.0
    for code in codes { fragment += table.score(code) ?? -4 }
    fragment /= Double(codes.count)
    let distinct = Set(codes).count
    let stereo = Stereocentres.potentialTetrahedral(molecule).count
    let spiro = Stereocentres.spiroAtoms(molecule).count
    let bridgeheads = Stereocentres.bridgeheadAtoms(molecule).count
    let macrocycles = molecule.rings.filter { $0.count > 8 }.count
    let atoms = Double(n)
    var complexity = -(pow(atoms, 1.005) - atoms)
    complexity -= log10(Double(stereo + 1)) + log10(Double(spiro + 1)) + log10(Double(bridgeheads + 1))
    if macrocycles > 0 { complexity -= log10(2.0) }
    let symmetry = n > distinct ? log(atoms / Double(distinct)) * 0.5 : 0
    var sa = 11 - (fragment + complexity + symmetry + 4 + 1) / 6.5 * 9
    if sa > 8 { sa = 8 + log(sa + 1 - 9) }
    sa = min(max(sa, 1), 10)
    return Components(
      fragment: fragment, environments: codes.count, distinctEnvironments: distinct, atoms: n,
      stereocentres: stereo, spiroAtoms: spiro, bridgeheadAtoms: bridgeheads, macrocycles: macrocycles,
      score: sa)
  }
}

/// The fragment contributions, decoded once from `saFragmentTableEncoded` into an open-addressing
/// hash table (keys: environment ids; values: index into `scores`).
struct SAFragmentTable: Sendable {
  /// The shared decoded table.
  static let shared = SAFragmentTable(saFragmentTableEncoded)

  private let keys: [UInt32]
  private let slots: [UInt16]
  private let scores: [Double]
  private let mask: Int
  /// Number of ids in the table.
  let count: Int

  private static let empty = UInt16.max

  /// Slot of `id` for a table of `mask + 1` slots (Fibonacci hashing).
  @inline(__always) private static func home(_ id: UInt32, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (UInt64(id) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
  }

  /// The contribution of environment id `id`, nil when the table does not know it.
  func score(_ id: UInt32) -> Double? {
    var slot = Self.home(id, mask)
    while slots[slot] != Self.empty {
      if keys[slot] == id { return scores[Int(slots[slot])] }
      slot = (slot + 1) & mask
    }
    return nil
  }

  init(_ encoded: StaticString) {
    var reader = Base64BitReader(encoded)
    let groups = reader.read(16)
    var decodedScores: [Double] = []
    var entries: [(id: UInt32, group: UInt16)] = []
    for group in 0..<groups {
      let raw = Int16(bitPattern: UInt16(reader.read(16)))
      // score × 10000 is exact in the source, so the division gives the same double as Python's float.
      decodedScores.append(Double(raw) / 10000)
      let count = reader.read(20)
      let k = reader.read(5)
      var id = 0
      for _ in 0..<count {
        var quotient = 0
        while reader.read(1) == 1 { quotient += 1 }
        id += quotient << k | reader.read(k)
        entries.append((UInt32(id), UInt16(group)))
      }
    }
    precondition(!reader.overran && decodedScores.count < Int(Self.empty), "SA fragment table is corrupt")
    var capacity = 1
    while capacity < entries.count * 2 { capacity <<= 1 }
    var keys = [UInt32](repeating: 0, count: capacity)
    var slots = [UInt16](repeating: Self.empty, count: capacity)
    for (id, group) in entries {
      var slot = Self.home(id, capacity - 1)
      while slots[slot] != Self.empty { slot = (slot + 1) & (capacity - 1) }
      keys[slot] = id
      slots[slot] = group
    }
    self.keys = keys
    self.slots = slots
    self.scores = decodedScores
    self.mask = capacity - 1
    self.count = entries.count
  }
}

/// Reads a base64 text (standard alphabet, other characters skipped) as a bit stream, most
/// significant bit first.
struct Base64BitReader {
  private let text: StaticString
  private var position = 0
  private var buffer: UInt64 = 0
  private var buffered = 0
  /// Whether a read went past the end of the text.
  private(set) var overran = false

  init(_ text: StaticString) { self.text = text }

  private static let values: [Int8] = {
    var table = [Int8](repeating: -1, count: 256)
    for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
      table[Int(c)] = Int8(i)
    }
    return table
  }()

  /// The next `width` bits (0...32) as an unsigned number.
  mutating func read(_ width: Int) -> Int {
    while buffered < width {
      guard position < text.utf8CodeUnitCount else {
        overran = true
        return 0
      }
      let value = Self.values[Int(text.utf8Start[position])]
      position += 1
      if value >= 0 {
        buffer = buffer << 6 | UInt64(value)
        buffered += 6
      }
    }
    buffered -= width
    return Int(truncatingIfNeeded: (buffer >> UInt64(buffered)) & ((1 << UInt64(width)) - 1))
  }
}
