// A strict SMILES syntax check that runs before Open Babel, which silently repairs what RDKit and
// the OpenSMILES grammar refuse: it reads "C12CCC12" (two ring closures between the same atoms)
// as cyclobutane, "C=1CCC#1" (ring-closure bonds of different orders) as cyclobutyne, drops an
// empty branch "()" and a bond symbol at the end, ignores "@@@", and kekulises the aromatic
// chain "cccc" into butadiene.
//
// The check tokenises the string once (OpenSMILES: atoms, bonds, branches, ring-bond digits,
// dots), builds the bond graph, and refuses with the column and the reason:
//  * an empty branch, a bond symbol with no atom after it (before ')', '.', or at the end), two
//    bond symbols in a row, a bond or '.' with no atom before it;
//  * a ring closure between atoms that are already bonded, or whose two ends carry different
//    bond symbols;
//  * a chirality mark that is not SMILES ('@@@', '@TH3') or cannot be honoured: a tetrahedral
//    mark on an atom with fewer than 3 or more than 4 neighbours (hydrogens counted), except the
//    centre of an allene (two double bonds); the explicit classes '@TH1', '@AL1' (Open Babel
//    cannot read them: write '@'/'@@') and the square-planar, trigonal-bipyramidal and
//    octahedral classes, which the graph encoding cannot carry;
//  * an aromatic (lower-case) atom that lies on no ring (RDKit: "non-ring atom marked aromatic").
// Everything else (element symbols, charges, unclosed rings) is left to Open Babel's parser.

/// The strict SMILES grammar check.
public enum SMILESSyntax {
  /// What a bond symbol means for comparison: '-', '/', '\' are single; ':' aromatic.
  static func order(_ symbol: UInt8) -> Int {
    switch symbol {
    case UInt8(ascii: "="): return 2
    case UInt8(ascii: "#"): return 3
    case UInt8(ascii: "$"): return 4
    case UInt8(ascii: ":"): return 5
    default: return 1
    }
  }

  /// A parsed atom: position in the string, aromatic flag, chirality and hydrogens in brackets.
  struct ParsedAtom {
    var column: Int
    var symbol: String
    var aromatic: Bool
    var chirality: String?
    var bracketHydrogens: Int
  }

  /// A bond between two atoms with the bond symbol written (0 when none was written).
  struct ParsedBond {
    var a: Int
    var b: Int
    var symbol: UInt8
  }

  /// Refuses `smiles` when it breaks one of the rules above; the message names the column.
  /// - Throws: `.invalidInput(record:message:)` naming `record`.
  public static func check(_ smiles: String, record: String) throws(ChemistryError) {
    if let problem = problem(in: smiles) { throw .invalidInput(record: record, message: problem) }
  }

  /// The first rule `smiles` breaks, for people, or nil when it passes.
  public static func problem(in smiles: String) -> String? {
    let bytes = Array(smiles.utf8)
    var atoms: [ParsedAtom] = []
    var bonds: [ParsedBond] = []
    var bonded = Set<[Int]>()
    var previous: Int? = nil
    var pending: (symbol: UInt8, column: Int)? = nil
    // Branch stack: the atom a branch hangs from and whether the branch has an atom yet.
    var branches: [(atom: Int, column: Int, hasAtom: Bool)] = []
    var openRings: [Int: (atom: Int, symbol: UInt8, column: Int)] = [:]
    var i = 0

    func column(_ index: Int) -> Int { index + 1 }
    func symbolText(_ byte: UInt8) -> String { String(UnicodeScalar(byte)) }
    func addBond(_ a: Int, _ b: Int, _ symbol: UInt8) {
      bonds.append(ParsedBond(a: a, b: b, symbol: symbol))
      bonded.insert([min(a, b), max(a, b)])
    }
    func addAtom(_ atom: ParsedAtom) {
      let index = atoms.count
      atoms.append(atom)
      if let previous { addBond(previous, index, pending?.symbol ?? 0) }
      pending = nil
      previous = index
      if !branches.isEmpty { branches[branches.count - 1].hasAtom = true }
    }

    while i < bytes.count {
      let byte = bytes[i]
      switch byte {
      case UInt8(ascii: "("):
        guard let previous else { return "branch '(' at column \(column(i)) has no atom before it" }
        if let pending {
          return "bond symbol '\(symbolText(pending.symbol))' at column \(column(pending.column)) is followed by a branch, not an atom"
        }
        branches.append((previous, i, false))
        i += 1
      case UInt8(ascii: ")"):
        guard let branch = branches.popLast() else { return "unmatched ')' at column \(column(i))" }
        if let pending {
          return "dangling bond: '\(symbolText(pending.symbol))' at column \(column(pending.column)) has no atom after it"
        }
        if !branch.hasAtom { return "empty branch '()' at column \(column(branch.column))" }
        previous = branch.atom
        i += 1
      case UInt8(ascii: "."):
        if let pending {
          return "dangling bond: '\(symbolText(pending.symbol))' at column \(column(pending.column)) has no atom after it"
        }
        if previous == nil { return "'.' at column \(column(i)) has no atom before it" }
        if i == bytes.count - 1 { return "the SMILES ends with '.' (no fragment after it)" }
        previous = nil
        i += 1
      case UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: ":"),
        UInt8(ascii: "/"), UInt8(ascii: "\\"):
        if let pending {
          return "two bond symbols in a row: '\(symbolText(pending.symbol))\(symbolText(byte))' at column \(column(pending.column))"
        }
        if previous == nil { return "bond symbol '\(symbolText(byte))' at column \(column(i)) has no atom before it" }
        pending = (byte, i)
        i += 1
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "%"):
        let start = i
        var number: Int
        if byte == UInt8(ascii: "%") {
          guard i + 2 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i + 1]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i + 2])
          else { return "'%' at column \(column(i)) must be followed by two digits" }
          number = Int(bytes[i + 1] - UInt8(ascii: "0")) * 10 + Int(bytes[i + 2] - UInt8(ascii: "0"))
          i += 3
        } else {
          number = Int(byte - UInt8(ascii: "0"))
          i += 1
        }
        guard let atom = previous else { return "ring-bond number \(number) at column \(column(start)) has no atom before it" }
        let symbol = pending?.symbol ?? 0
        pending = nil
        if let open = openRings.removeValue(forKey: number) {
          if open.atom == atom {
            return "ring-bond number \(number) at column \(column(start)) closes on the atom that opened it"
          }
          if bonded.contains([min(open.atom, atom), max(open.atom, atom)]) {
            return "ring-bond number \(number) at column \(column(start)) duplicates the bond between atom \(open.atom + 1) (\(atoms[open.atom].symbol)) and atom \(atom + 1) (\(atoms[atom].symbol)), which are already bonded"
          }
          if open.symbol != 0, symbol != 0, order(open.symbol) != order(symbol) {
            return "ring-bond number \(number) has conflicting bond symbols: '\(symbolText(open.symbol))' at column \(column(open.column)) and '\(symbolText(symbol))' at column \(column(start))"
          }
          addBond(open.atom, atom, open.symbol != 0 ? open.symbol : symbol)
        } else {
          openRings[number] = (atom, symbol, start)
        }
      case UInt8(ascii: "["):
        guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "]")) else {
          return "'[' at column \(column(i)) is never closed"
        }
        switch bracketAtom(Array(bytes[(i + 1)..<close]), column: column(i)) {
        case .failure(let message): return message.text
        case .success(var atom):
          atom.column = i
          addAtom(atom)
        }
        i = close + 1
      default:
        // Organic-subset atoms (Cl and Br take two letters) and the wildcard.
        let two = i + 1 < bytes.count ? String(decoding: bytes[i...(i + 1)], as: UTF8.self) : ""
        if two == "Cl" || two == "Br" {
          addAtom(ParsedAtom(column: i, symbol: two, aromatic: false, chirality: nil, bracketHydrogens: 0))
          i += 2
        } else if "BCNOPSFI*bcnops".contains(Character(UnicodeScalar(byte))) {
          let letter = Character(UnicodeScalar(byte))
          addAtom(ParsedAtom(
            column: i, symbol: String(letter), aromatic: letter.isLowercase, chirality: nil, bracketHydrogens: 0))
          i += 1
        } else {
          return nil  // not a character this check knows: Open Babel names it
        }
      }
    }
    if let pending {
      return "dangling bond: the SMILES ends with the bond symbol '\(symbolText(pending.symbol))' (column \(column(pending.column)))"
    }
    if !openRings.isEmpty { return nil }  // Open Babel reports unmatched ring bonds
    return graphProblem(atoms: atoms, bonds: bonds)
  }

  /// The rules that need the whole graph: chirality marks and aromatic atoms off rings.
  static func graphProblem(atoms: [ParsedAtom], bonds: [ParsedBond]) -> String? {
    var neighbors = [[Neighbor]](repeating: [], count: atoms.count)
    var graphBonds: [Bond] = []
    for (index, bond) in bonds.enumerated() {
      neighbors[bond.a].append(Neighbor(atom: bond.b, bond: index))
      neighbors[bond.b].append(Neighbor(atom: bond.a, bond: index))
      graphBonds.append(Bond(bond.a, bond.b, order: 1))
    }
    for (index, atom) in atoms.enumerated() {
      guard let chirality = atom.chirality else { continue }
      let count = neighbors[index].count + atom.bracketHydrogens
      let isAlleneCentre = neighbors[index].count == 2
        && neighbors[index].allSatisfy { bonds[$0.bond].symbol == UInt8(ascii: "=") }
      if !(3...4).contains(count) && !isAlleneCentre {
        return "chirality mark '\(chirality)' on atom \(index + 1) (\(atom.symbol), column \(atom.column + 1)) cannot be honoured: the atom has \(count) neighbour\(count == 1 ? "" : "s") (hydrogens counted); a stereocentre needs 3 or 4"
      }
    }
    let ringBond = RingPerception.ringBondFlags(atomCount: atoms.count, bonds: graphBonds, neighbors: neighbors)
    for (index, atom) in atoms.enumerated() where atom.aromatic {
      if !neighbors[index].contains(where: { ringBond[$0.bond] }) {
        return "aromatic atom \(index + 1) ('\(atom.symbol)', column \(atom.column + 1)) is not in a ring; aromatic (lower-case) atoms must lie on a ring (write the chain in upper case with its bonds)"
      }
    }
    return nil
  }

  /// A failure message as an Error so `Result` can carry it.
  struct Message: Error { var text: String }

  /// Reads the inside of a bracket atom: isotope, symbol, chirality, hydrogens (the rest, charge
  /// and class, is Open Babel's to check).
  static func bracketAtom(_ body: [UInt8], column: Int) -> Result<ParsedAtom, Message> {
    var i = 0
    while i < body.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[i]) { i += 1 }
    let symbolStart = i
    if i < body.count, body[i] == UInt8(ascii: "*") {
      i += 1
    } else {
      if i < body.count, Character(UnicodeScalar(body[i])).isLetter { i += 1 }
      // Second letter of a two-letter element ("Cl", "se", "as"); 'H' starts the hydrogen count.
      while i < body.count, Character(UnicodeScalar(body[i])).isLowercase { i += 1 }
    }
    let symbol = String(decoding: body[symbolStart..<i], as: UTF8.self)
    let aromatic = symbol.first?.isLowercase ?? false
    var chirality: String? = nil
    if i < body.count, body[i] == UInt8(ascii: "@") {
      let start = i
      while i < body.count, body[i] == UInt8(ascii: "@") { i += 1 }
      let ats = i - start
      if ats > 2 {
        return .failure(Message(text: "chirality mark '\(String(repeating: "@", count: ats))' in the bracket atom at column \(column) is not SMILES (use '@' or '@@')"))
      }
      var mark = String(repeating: "@", count: ats)
      let classes: [(String, ClosedRange<Int>)] = [("TH", 1...2), ("AL", 1...2), ("SP", 1...3), ("TB", 1...20), ("OH", 1...30)]
      if ats == 1, i + 1 < body.count {
        let name = String(decoding: body[i...(i + 1)], as: UTF8.self)
        if let (_, range) = classes.first(where: { $0.0 == name }) {
          var j = i + 2
          var number = 0, digits = 0
          while j < body.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[j]), digits < 2 {
            number = number * 10 + Int(body[j] - UInt8(ascii: "0"))
            j += 1
            digits += 1
          }
          mark += name + (digits > 0 ? String(number) : "")
          guard digits > 0, range.contains(number) else {
            return .failure(Message(text: "chirality mark '\(mark)' in the bracket atom at column \(column) is not SMILES (\(name) takes \(range.lowerBound)...\(range.upperBound))"))
          }
          if name == "TH" || name == "AL" {
            return .failure(Message(text: "chirality mark '\(mark)' in the bracket atom at column \(column) is not read by Open Babel; write '\(number == 1 ? "@" : "@@")' instead"))
          }
          return .failure(Message(text: "chirality mark '\(mark)' in the bracket atom at column \(column): square-planar, trigonal-bipyramidal and octahedral centres are not supported"))
        }
      }
      chirality = mark
    }
    var hydrogens = 0
    if i < body.count, body[i] == UInt8(ascii: "H") {
      i += 1
      hydrogens = 1
      if i < body.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[i]) {
        hydrogens = Int(body[i] - UInt8(ascii: "0"))
      }
    }
    return .success(ParsedAtom(
      column: column, symbol: symbol.isEmpty ? "?" : symbol, aromatic: aromatic, chirality: chirality,
      bracketHydrogens: hydrogens))
  }
}
