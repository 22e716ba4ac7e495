// A strict check of MDL molfile records (V2000 and V3000, alone or in an SD file) that runs before
// Open Babel, which repairs silently what RDKit refuses: it ignores a V3000 counts line entirely
// ("COUNTS 999999 999999" over 2 atoms reads as a molecule), reads an unknown V2000 charge code as
// neutral, and kekulises aromatic bonds (type 4) that lie on no ring into alternating chains.
//
// Rules (CTfile formats, BIOVIA 2020):
//  * V2000: the counts line holds the atom and bond counts in columns 1-3 and 4-6; that many
//    atom and bond lines follow; the charge field (columns 37-39) is 0-7;
//  * V3000: "COUNTS na nb" with non-negative integers; exactly na atom lines and nb bond lines;
//  * both: every bond joins two distinct existing atoms, no pair twice, with a type 1-4 (single,
//    double, triple, aromatic; the query types 5-8 and others are refused); aromatic bonds lie on
//    a ring (RDKit: "non-ring atom marked aromatic").

/// The strict molfile check.
public enum MolfileSyntax {
  /// Refuses the molfile record `text` when it breaks a rule above.
  /// - Throws: `.invalidInput(record:message:)` naming `record` and the line within the record.
  public static func check(_ text: String, record: String) throws(ChemistryError) {
    if let problem = problem(in: text) { throw .invalidInput(record: record, message: problem) }
  }

  /// The first rule the record breaks, or nil when it passes (or is too short to be a molfile;
  /// Open Babel reports those).
  public static func problem(in text: String) -> String? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.last == "\r" ? String($0.dropLast()) : String($0)
    }
    guard lines.count >= 4 else { return nil }
    let counts = lines[3]
    if counts.contains("V3000") { return v3000Problem(lines) }
    return v2000Problem(lines)
  }

  /// The integer in columns `range` (0-based, end exclusive) of `line`, trimmed; nil if absent.
  static func field(_ line: String, _ range: Range<Int>) -> Int? {
    let chars = Array(line)
    guard chars.count > range.lowerBound else { return nil }
    let text = String(chars[range.lowerBound..<min(range.upperBound, chars.count)])
      .trimmingCharacters(in: .whitespaces)
    return text.isEmpty ? 0 : Int(text)
  }

  static func v2000Problem(_ lines: [String]) -> String? {
    guard let atomCount = field(lines[3], 0..<3), let bondCount = field(lines[3], 3..<6),
      atomCount >= 0, bondCount >= 0
    else {
      return "counts line (line 4 of the record) does not start with the atom and bond counts in columns 1-3 and 4-6: '\(lines[3])'"
    }
    let atomEnd = 4 + atomCount, bondEnd = atomEnd + bondCount
    let present = lines[4...].prefix { !$0.hasPrefix("M  END") && !$0.hasPrefix("$$$$") }.count
    if present < atomCount + bondCount {
      return "counts line (line 4 of the record) announces \(atomCount) atoms and \(bondCount) bonds, but only \(present) atom and bond lines follow"
    }
    for number in 4..<atomEnd {
      let line = lines[number]
      if let code = field(line, 36..<39), !(0...7).contains(code) {
        return "atom line \(number + 1) of the record has charge code \(code) in columns 37-39; allowed: 0-7"
      }
    }
    var bonds: [(Int, Int, Int, Int)] = []
    for number in atomEnd..<bondEnd {
      let line = lines[number]
      guard let a = field(line, 0..<3), let b = field(line, 3..<6), let type = field(line, 6..<9) else {
        return "bond line \(number + 1) of the record is not three 3-column integers: '\(line)'"
      }
      bonds.append((a, b, type, number + 1))
    }
    return bondProblem(bonds, atoms: atomCount > 0 ? Set(1...atomCount) : [])
  }

  static func v3000Problem(_ lines: [String]) -> String? {
    // Logical "M  V30" lines (a trailing '-' continues a line) with their first line number.
    var logical: [(text: String, line: Int)] = []
    var carry: (text: String, line: Int)? = nil
    for (number, line) in lines.enumerated() where line.hasPrefix("M  V30 ") {
      var body = String(line.dropFirst(7))
      let continues = body.hasSuffix("-")
      if continues { body.removeLast() }
      if var open = carry {
        open.text += body
        carry = continues ? open : nil
        if !continues { logical.append(open) }
      } else if continues {
        carry = (body, number + 1)
      } else {
        logical.append((body, number + 1))
      }
    }
    if let carry { return "line \(carry.line) of the record continues ('-') past the end of the block" }
    guard let countsLine = logical.first(where: { $0.text.hasPrefix("COUNTS") }) else {
      return "V3000 record has no 'M  V30 COUNTS' line"
    }
    let words = countsLine.text.split(separator: " ")
    guard words.count >= 3, let atomCount = Int(words[1]), let bondCount = Int(words[2]),
      atomCount >= 0, bondCount >= 0
    else {
      return "V3000 counts line (line \(countsLine.line) of the record) does not give non-negative atom and bond counts: '\(countsLine.text)'"
    }
    func section(_ name: String) -> [(text: String, line: Int)]? {
      guard let begin = logical.firstIndex(where: { $0.text == "BEGIN \(name)" }) else { return nil }
      let rest = logical[(begin + 1)...]
      guard let end = rest.firstIndex(where: { $0.text == "END \(name)" }) else { return nil }
      return Array(logical[(begin + 1)..<end])
    }
    let atomLines = section("ATOM") ?? []
    let bondLines = section("BOND") ?? []
    if atomLines.count != atomCount || bondLines.count != bondCount {
      return "V3000 counts line (line \(countsLine.line) of the record) announces \(atomCount) atoms and \(bondCount) bonds, but the record holds \(atomLines.count) atom and \(bondLines.count) bond lines"
    }
    var atoms = Set<Int>()
    for atom in atomLines {
      guard let id = atom.text.split(separator: " ").first.flatMap({ Int($0) }) else {
        return "V3000 atom line \(atom.line) of the record does not start with an atom number"
      }
      atoms.insert(id)
    }
    var bonds: [(Int, Int, Int, Int)] = []
    for bond in bondLines {
      let w = bond.text.split(separator: " ")
      guard w.count >= 4, let type = Int(w[1]), let a = Int(w[2]), let b = Int(w[3]) else {
        return "V3000 bond line \(bond.line) of the record is not 'number type atom atom': '\(bond.text)'"
      }
      bonds.append((a, b, type, bond.line))
    }
    return bondProblem(bonds, atoms: atoms)
  }

  /// Rules shared by both versions; bonds are (atom, atom, type, line of the record).
  static func bondProblem(_ bonds: [(Int, Int, Int, Int)], atoms: Set<Int>) -> String? {
    var seen = Set<[Int]>()
    for (a, b, type, line) in bonds {
      guard atoms.contains(a), atoms.contains(b) else {
        return "bond on line \(line) of the record joins atom \(atoms.contains(a) ? b : a), which does not exist"
      }
      if a == b { return "bond on line \(line) of the record joins atom \(a) to itself" }
      guard seen.insert([min(a, b), max(a, b)]).inserted else {
        return "bond on line \(line) of the record joins atoms \(a) and \(b) a second time"
      }
      guard (1...4).contains(type) else {
        return "bond on line \(line) of the record has type \(type); cfx reads 1-4 (single, double, triple, aromatic), not query or coordination bonds"
      }
    }
    // Aromatic bonds on no ring: Tarjan's bridges over the bond graph (RingPerception).
    let ids = atoms.sorted()
    let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    var neighbors = [[Neighbor]](repeating: [], count: ids.count)
    var graph: [Bond] = []
    for (n, (a, b, _, _)) in bonds.enumerated() {
      let u = index[a]!, v = index[b]!
      neighbors[u].append(Neighbor(atom: v, bond: n))
      neighbors[v].append(Neighbor(atom: u, bond: n))
      graph.append(Bond(u, v, order: 1))
    }
    let ringBond = RingPerception.ringBondFlags(atomCount: ids.count, bonds: graph, neighbors: neighbors)
    for (n, (a, b, type, line)) in bonds.enumerated() where type == 4 && !ringBond[n] {
      return "aromatic bond (type 4) on line \(line) of the record between atoms \(a) and \(b) lies on no ring; aromatic bonds must be ring bonds"
    }
    return nil
  }
}
