// cfx's own validity check. Open Babel checks SMILES syntax only (it accepts pentavalent carbon,
// neutral four-bonded nitrogen and divalent fluorine), so every molecule is checked here against
// the rules of RDKit's sanitization for the supported elements:
//  * size: 1 ... maxHeavyAtoms heavy atoms;
//  * element: only supported elements;
//  * valence: total valence (Kekulé bond orders + hydrogens) must be an allowed valence of the
//    element with its formal charge (RDKit's charge rule, Elements.swift);
//  * kekulization: aromatic input must have a Kekulé structure (Open Babel reports the failure
//    while reading; the atoms it leaves under-valent are named by the valence rule);
//  * fragments: exactly one connected fragment; all fragments are reported, none is dropped.

/// The rule a molecule broke.
public enum ValidityRule: String, Sendable, Codable, CaseIterable {
  /// Too few or too many heavy atoms.
  case size
  /// An element cfx does not support.
  case element
  /// An atom whose valence is not allowed for its element and charge.
  case valence
  /// An aromatic system without a Kekulé structure.
  case kekulization
  /// More than one connected fragment.
  case fragments
}

/// One broken rule, naming the atom where there is one.
public struct ValidityProblem: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The rule.
  public var rule: ValidityRule
  /// The 0-based atom index, when the problem is at one atom.
  public var atom: Int?
  /// What is wrong, for people.
  public var message: String

  /// "valence: atom 3 (N) …".
  public var description: String { "\(rule.rawValue): \(message)" }
}

/// The outcome of the validity check.
public struct ValidityReport: Sendable, Equatable, Codable {
  /// Every broken rule (empty when valid).
  public var problems: [ValidityProblem]
  /// Whether the molecule passed every rule.
  public var isValid: Bool { problems.isEmpty }
  /// The problems joined for one table cell ("ok" when valid).
  public var summary: String { isValid ? "ok" : problems.map(\.description).joined(separator: "; ") }
}

/// The validity check and its parameters.
public struct ValidityChecker: Sendable {
  /// Largest accepted heavy-atom count.
  public var maxHeavyAtoms: Int
  /// Supported elements (atomic numbers).
  public var supportedElements: Set<Int>

  /// Default: up to 128 heavy atoms of B C N O F Si P S Cl Se Br I.
  public static let standard = ValidityChecker(
    maxHeavyAtoms: 128, supportedElements: [5, 6, 7, 8, 9, 14, 15, 16, 17, 34, 35, 53])

  /// Checks `molecule` against every rule.
  public func check(_ molecule: Molecule) -> ValidityReport {
    var problems: [ValidityProblem] = []
    let n = molecule.atoms.count
    if n == 0 {
      problems.append(.init(rule: .size, atom: nil, message: "no heavy atoms"))
    } else if n > maxHeavyAtoms {
      problems.append(.init(rule: .size, atom: nil, message: "\(n) heavy atoms, the limit is \(maxHeavyAtoms)"))
    }
    for warning in molecule.readerWarnings where warning.lowercased().contains("kekulize") {
      problems.append(.init(rule: .kekulization, atom: nil, message: "aromatic system has no Kekulé structure (\(warning))"))
    }
    for (i, atom) in molecule.atoms.enumerated() {
      guard supportedElements.contains(atom.atomicNumber) else {
        problems.append(.init(rule: .element, atom: i, message: "atom \(i) (\(atom.symbol)) is not a supported element"))
        continue
      }
      let allowed = Element.allowedValences(atomicNumber: atom.atomicNumber, charge: atom.formalCharge)
      let valence = molecule.totalValence(i)
      if !allowed.contains(valence) {
        let charge = atom.formalCharge == 0 ? "neutral" : "charge \(atom.formalCharge > 0 ? "+" : "")\(atom.formalCharge)"
        let list = allowed.isEmpty ? "none" : allowed.map(String.init).joined(separator: ", ")
        problems.append(.init(
          rule: .valence, atom: i,
          message: "atom \(i) (\(atom.symbol), \(charge)) has valence \(valence) (\(molecule.bondOrderSum(i)) from bonds + \(atom.implicitHydrogens) H); allowed: \(list)"))
      }
    }
    let fragments = molecule.fragments
    if fragments.count > 1 {
      let parts = fragments.map { f in
        "\(f.count) atom\(f.count == 1 ? "" : "s") from atom \(f[0]) (\(Molecule.formula(of: f, in: molecule)))"
      }
      problems.append(.init(rule: .fragments, atom: nil, message: "\(fragments.count) fragments: " + parts.joined(separator: ", ")))
    }
    return ValidityReport(problems: problems)
  }
}

extension Molecule {
  /// Validity against the standard rules.
  public var validity: ValidityReport { ValidityChecker.standard.check(self) }

  /// Hill formula of a subset of atoms.
  static func formula(of atoms: [Int], in molecule: Molecule) -> String {
    let sub = Molecule(atoms: atoms.map { molecule.atoms[$0] }, bonds: [])
    return sub.formula
  }
}
