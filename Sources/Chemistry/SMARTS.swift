// A small SMARTS subset: enough for atom-typing tables such as Wildman–Crippen's.
//
// Supported: bracket atoms with element symbols (aliphatic upper case, aromatic lower case),
// `#n`, `A`, `a`, `H<n>` (total hydrogens), `X<n>` (total connections incl. H), `D<n>` (explicit
// degree), charges (`+`, `-`, `+2`, `-0`), `!`, `&`/juxtaposition, `,` and `;`; organic-subset
// atoms outside brackets; bonds `-`, `=`, `#`, `:`, `~` and the default single-or-aromatic; and
// branches. Ring closures and recursive SMARTS are not supported (the parser refuses them).
// Patterns are trees; matching maps pattern atom 0 onto a given target atom and the rest
// injectively onto its surroundings (backtracking), as RDKit's SubstructMatch does for the first
// atom of each match.

/// A parsed SMARTS pattern (tree-shaped).
public struct SMARTSPattern: Sendable {
  /// Atom expression tree.
  indirect enum Expression: Sendable {
    case atomicNumber(Int), aromatic(Bool), hydrogens(Int), connections(Int), degree(Int)
    case charge(Int), not(Expression), and([Expression]), or([Expression])
  }

  /// Bond requirement.
  enum BondQuery: Sendable { case singleOrAromatic, single, double, triple, aromatic, any }

  /// One pattern atom: expression, parent (-1 for the root) and the bond to the parent.
  struct Node: Sendable {
    var expression: Expression
    var parent: Int
    var bond: BondQuery
  }

  /// The SMARTS text.
  public let text: String
  let nodes: [Node]

  /// Parses `text`; returns nil for syntax outside the supported subset.
  public init?(_ text: String) {
    var parser = SMARTSParser(Array(text.utf8))
    guard let nodes = parser.parsePattern() else { return nil }
    self.text = text
    self.nodes = nodes
  }
}

/// A compiled atom expression: postfix operations evaluated on a bit stack, so matching allocates
/// nothing and never recurses through the expression tree.
struct CompiledExpression: Sendable {
  /// Primitive kinds and combinators.
  enum Op: Sendable {
    case atomicNumber(Int), aromatic(Bool), hydrogens(Int), connections(Int), degree(Int), charge(Int)
    case and(Int), or(Int), not
  }

  let ops: [Op]

  init(_ e: SMARTSPattern.Expression) {
    var ops: [Op] = []
    func emit(_ e: SMARTSPattern.Expression) {
      switch e {
      case .atomicNumber(let z): ops.append(.atomicNumber(z))
      case .aromatic(let a): ops.append(.aromatic(a))
      case .hydrogens(let n): ops.append(.hydrogens(n))
      case .connections(let n): ops.append(.connections(n))
      case .degree(let n): ops.append(.degree(n))
      case .charge(let q): ops.append(.charge(q))
      case .not(let inner): emit(inner); ops.append(.not)
      case .and(let parts): parts.forEach(emit); ops.append(.and(parts.count))
      case .or(let parts): parts.forEach(emit); ops.append(.or(parts.count))
      }
    }
    emit(e)
    precondition(ops.count < 64, "SMARTS expression too long for the bit stack: \(ops.count) operations")
    self.ops = ops
  }
}

/// A compiled tree pattern: per node its expression, parent and bond query.
struct CompiledPattern: Sendable {
  let expressions: [CompiledExpression]
  let parents: [Int]
  let bonds: [SMARTSPattern.BondQuery]

  init(_ pattern: SMARTSPattern) {
    expressions = pattern.nodes.map { CompiledExpression($0.expression) }
    parents = pattern.nodes.map(\.parent)
    bonds = pattern.nodes.map(\.bond)
  }
}

/// The target graph a SMARTS pattern is matched against, in flat arrays (neighbours in CSR form:
/// the neighbours of atom a are `neighborAtom[neighborStart[a]..<neighborStart[a + 1]]`).
struct SMARTSTarget {
  var atomicNumber: [Int] = []
  var isAromatic: [Bool] = []
  var charge: [Int] = []
  /// Total hydrogens (the SMARTS `H` primitive).
  var hydrogens: [Int] = []
  /// Total connections incl. all hydrogens (the SMARTS `X` primitive).
  var connections: [Int] = []
  var neighborStart: [Int] = [0]
  var neighborAtom: [Int] = []
  /// Bond kind per neighbour entry: 1, 2, 3 or 4 = aromatic.
  var neighborKind: [Int] = []

  func satisfies(_ e: CompiledExpression, _ a: Int) -> Bool {
    var stack: UInt64 = 0
    for op in e.ops {
      switch op {
      case .atomicNumber(let z): stack = stack << 1 | (atomicNumber[a] == z ? 1 : 0)
      case .aromatic(let flag): stack = stack << 1 | (isAromatic[a] == flag ? 1 : 0)
      case .hydrogens(let n): stack = stack << 1 | (hydrogens[a] == n ? 1 : 0)
      case .connections(let n): stack = stack << 1 | (connections[a] == n ? 1 : 0)
      case .degree(let n): stack = stack << 1 | (neighborStart[a + 1] - neighborStart[a] == n ? 1 : 0)
      case .charge(let q): stack = stack << 1 | (charge[a] == q ? 1 : 0)
      case .not: stack ^= 1
      case .and(let n):
        let mask: UInt64 = (1 << UInt64(n)) - 1
        let top = stack & mask
        stack = (stack >> UInt64(n)) << 1 | (top == mask ? 1 : 0)
      case .or(let n):
        let mask: UInt64 = (1 << UInt64(n)) - 1
        let top = stack & mask
        stack = (stack >> UInt64(n)) << 1 | (top != 0 ? 1 : 0)
      }
    }
    return stack & 1 == 1
  }

  static func bondMatches(_ q: SMARTSPattern.BondQuery, _ kind: Int) -> Bool {
    switch q {
    case .singleOrAromatic: return kind == 1 || kind == 4
    case .single: return kind == 1
    case .double: return kind == 2
    case .triple: return kind == 3
    case .aromatic: return kind == 4
    case .any: return true
    }
  }

  /// Whether `pattern` matches with its first atom on `root`; `mapping` is scratch space.
  func matches(_ pattern: CompiledPattern, at root: Int, mapping: inout [Int]) -> Bool {
    guard satisfies(pattern.expressions[0], root) else { return false }
    let count = pattern.parents.count
    if count == 1 { return true }
    if mapping.count < count { mapping = [Int](repeating: -1, count: count) }
    mapping[0] = root
    return extend(pattern, 1, count, &mapping)
  }

  private func extend(_ pattern: CompiledPattern, _ i: Int, _ count: Int, _ mapping: inout [Int]) -> Bool {
    if i == count { return true }
    let parentAtom = mapping[pattern.parents[i]]
    for slot in neighborStart[parentAtom]..<neighborStart[parentAtom + 1] {
      let atom = neighborAtom[slot]
      var used = false
      for j in 0..<i where mapping[j] == atom { used = true; break }
      guard !used, Self.bondMatches(pattern.bonds[i], neighborKind[slot]),
        satisfies(pattern.expressions[i], atom)
      else { continue }
      mapping[i] = atom
      if extend(pattern, i + 1, count, &mapping) { return true }
    }
    return false
  }
}

/// Recursive-descent parser for the supported SMARTS subset.
struct SMARTSParser {
  let s: [UInt8]
  var i = 0

  init(_ s: [UInt8]) { self.s = s }

  var peek: UInt8? { i < s.count ? s[i] : nil }

  mutating func parsePattern() -> [SMARTSPattern.Node]? {
    var nodes: [SMARTSPattern.Node] = []
    var branchStack: [Int] = []
    var previous = -1
    var pendingBond: SMARTSPattern.BondQuery = .singleOrAromatic
    while let c = peek {
      switch c {
      case UInt8(ascii: "("):
        guard previous >= 0 else { return nil }
        branchStack.append(previous)
        i += 1
      case UInt8(ascii: ")"):
        guard let top = branchStack.popLast() else { return nil }
        previous = top
        i += 1
      case UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: ":"), UInt8(ascii: "~"):
        pendingBond = [UInt8(ascii: "-"): .single, UInt8(ascii: "="): .double, UInt8(ascii: "#"): .triple,
                       UInt8(ascii: ":"): .aromatic, UInt8(ascii: "~"): .any][c]!
        i += 1
      default:
        guard let expression = parseAtom() else { return nil }
        nodes.append(.init(expression: expression, parent: previous, bond: pendingBond))
        previous = nodes.count - 1
        pendingBond = .singleOrAromatic
      }
    }
    return nodes.isEmpty || !branchStack.isEmpty ? nil : nodes
  }

  mutating func parseAtom() -> SMARTSPattern.Expression? {
    if peek == UInt8(ascii: "[") {
      i += 1
      guard let e = parseLowAnd(), peek == UInt8(ascii: "]") else { return nil }
      i += 1
      return e
    }
    return parseElement()
  }

  /// Element symbols (organic subset plus Cl/Br), `a`/`A` and aromatic lower case.
  mutating func parseElement() -> SMARTSPattern.Expression? {
    let two: [String: Int] = ["Cl": 17, "Br": 35]
    if i + 1 < s.count, let z = two[String(decoding: s[i...i + 1], as: UTF8.self)] {
      i += 2
      return .and([.atomicNumber(z), .aromatic(false)])
    }
    guard let c = peek else { return nil }
    let aliphatic: [UInt8: Int] = [
      UInt8(ascii: "B"): 5, UInt8(ascii: "C"): 6, UInt8(ascii: "N"): 7, UInt8(ascii: "O"): 8,
      UInt8(ascii: "F"): 9, UInt8(ascii: "P"): 15, UInt8(ascii: "S"): 16, UInt8(ascii: "I"): 53,
    ]
    let aromatic: [UInt8: Int] = [
      UInt8(ascii: "c"): 6, UInt8(ascii: "n"): 7, UInt8(ascii: "o"): 8, UInt8(ascii: "s"): 16,
      UInt8(ascii: "p"): 15,
    ]
    if let z = aliphatic[c] { i += 1; return .and([.atomicNumber(z), .aromatic(false)]) }
    if let z = aromatic[c] { i += 1; return .and([.atomicNumber(z), .aromatic(true)]) }
    if c == UInt8(ascii: "A") { i += 1; return .aromatic(false) }
    if c == UInt8(ascii: "a") { i += 1; return .aromatic(true) }
    return nil
  }

  mutating func parseLowAnd() -> SMARTSPattern.Expression? {
    var parts: [SMARTSPattern.Expression] = []
    repeat {
      if peek == UInt8(ascii: ";") { i += 1 }
      guard let e = parseOr() else { return nil }
      parts.append(e)
    } while peek == UInt8(ascii: ";")
    return parts.count == 1 ? parts[0] : .and(parts)
  }

  mutating func parseOr() -> SMARTSPattern.Expression? {
    var parts: [SMARTSPattern.Expression] = []
    repeat {
      if peek == UInt8(ascii: ",") { i += 1 }
      guard let e = parseHighAnd() else { return nil }
      parts.append(e)
    } while peek == UInt8(ascii: ",")
    return parts.count == 1 ? parts[0] : .or(parts)
  }

  mutating func parseHighAnd() -> SMARTSPattern.Expression? {
    var parts: [SMARTSPattern.Expression] = []
    while let c = peek, c != UInt8(ascii: ","), c != UInt8(ascii: ";"), c != UInt8(ascii: "]") {
      if c == UInt8(ascii: "&") { i += 1; continue }
      guard let e = parseUnary() else { return nil }
      parts.append(e)
    }
    if parts.isEmpty { return nil }
    return parts.count == 1 ? parts[0] : .and(parts)
  }

  mutating func parseUnary() -> SMARTSPattern.Expression? {
    if peek == UInt8(ascii: "!") {
      i += 1
      guard let inner = parseUnary() else { return nil }
      return .not(inner)
    }
    return parsePrimitive()
  }

  mutating func number() -> Int? {
    var value: Int?
    while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
      value = (value ?? 0) * 10 + Int(c - UInt8(ascii: "0"))
      i += 1
    }
    return value
  }

  mutating func parsePrimitive() -> SMARTSPattern.Expression? {
    guard let c = peek else { return nil }
    switch c {
    case UInt8(ascii: "#"):
      i += 1
      guard let z = number() else { return nil }
      return .atomicNumber(z)
    case UInt8(ascii: "H"):
      i += 1
      return .hydrogens(number() ?? 1)
    case UInt8(ascii: "X"):
      i += 1
      return .connections(number() ?? 1)
    case UInt8(ascii: "D"):
      i += 1
      return .degree(number() ?? 1)
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
      let sign = c == UInt8(ascii: "+") ? 1 : -1
      i += 1
      if let n = number() { return .charge(sign * n) }
      var magnitude = 1
      while peek == c { magnitude += 1; i += 1 }
      return .charge(sign * magnitude)
    default:
      return parseElement()
    }
  }
}
