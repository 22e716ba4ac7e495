// Fingerprints and Tanimoto similarity. A fingerprint always carries its kind, so every output
// that shows a similarity can name the fingerprint it used.

/// Which fingerprint a bit or count vector is.
public enum FingerprintKind: String, Sendable, Codable, CaseIterable {
  /// Open Babel's ECFP4 (circular, radius 2), 4096 bits.
  case openBabelECFP4 = "openbabel-ecfp4-bit4096"
  /// Morgan radius 2 (RDKit invariants), folded to 2048 bits.
  case morganBits = "morgan-r2-bit2048"
  /// Morgan radius 2 (RDKit invariants), counts folded to 2048 slots.
  case morganCounts = "morgan-r2-count2048"

  /// Number of bits or count slots.
  public var size: Int {
    switch self {
    case .openBabelECFP4: return 4096
    case .morganBits, .morganCounts: return 2048
    }
  }
}

/// A bit-vector (or count-vector) fingerprint of a known kind.
public struct Fingerprint: Sendable, Hashable {
  /// The fingerprint's kind.
  public let kind: FingerprintKind
  /// Bits, 64 per word, bit i in word i/64 at position i%64 (bit kinds only).
  public let words: [UInt64]
  /// Sparse counts by slot (count kinds only).
  public let counts: [Int: Int]

  /// A bit fingerprint from Open Babel's 32-bit words (LSB first).
  public init(kind: FingerprintKind, words32: [UInt32]) {
    var words = [UInt64](repeating: 0, count: (words32.count + 1) / 2)
    for (i, w) in words32.enumerated() { words[i / 2] |= UInt64(w) << (i % 2 == 0 ? 0 : 32) }
    self.kind = kind
    self.words = words
    self.counts = [:]
  }

  /// A bit fingerprint with the given set bits.
  public init(kind: FingerprintKind, setBits: some Sequence<Int>) {
    var words = [UInt64](repeating: 0, count: (kind.size + 63) / 64)
    for bit in setBits {
      precondition(bit >= 0 && bit < kind.size, "Fingerprint: bit \(bit) outside 0..<\(kind.size)")
      words[bit >> 6] |= 1 << UInt64(bit & 63)
    }
    self.kind = kind
    self.words = words
    self.counts = [:]
  }

  /// A count fingerprint.
  public init(kind: FingerprintKind, counts: [Int: Int]) {
    self.kind = kind
    self.words = []
    self.counts = counts
  }

  /// Whether this is a count fingerprint.
  public var isCount: Bool { kind == .morganCounts }

  /// Indices of set bits (bit kinds) or occupied slots (count kinds), ascending.
  public var setBits: [Int] {
    if isCount { return counts.keys.sorted() }
    var bits: [Int] = []
    for (w, word) in words.enumerated() {
      var rest = word
      while rest != 0 {
        bits.append(w * 64 + rest.trailingZeroBitCount)
        rest &= rest - 1
      }
    }
    return bits
  }

  /// Number of set bits (or the sum of counts).
  public var popCount: Int {
    isCount ? counts.values.reduce(0, +) : words.reduce(0) { $0 + $1.nonzeroBitCount }
  }

  /// Tanimoto similarity: |A∩B| / |A∪B| for bits; Σmin / Σmax for counts. 1 for two empty.
  /// - Precondition: both fingerprints are of the same kind.
  public func tanimoto(_ other: Fingerprint) -> Double {
    precondition(kind == other.kind, "Tanimoto of different fingerprints: \(kind.rawValue) vs \(other.kind.rawValue)")
    var shared = 0, union = 0
    if isCount {
      for key in Set(counts.keys).union(other.counts.keys) {
        let a = counts[key] ?? 0, b = other.counts[key] ?? 0
        shared += min(a, b)
        union += max(a, b)
      }
    } else {
      for (a, b) in zip(words, other.words) {
        shared += (a & b).nonzeroBitCount
        union += (a | b).nonzeroBitCount
      }
    }
    return union == 0 ? 1 : Double(shared) / Double(union)
  }
}
