// Standardisation of input molecules as chemistry tools do it before modelling (RDKit's
// MolStandardize: LargestFragmentChooser, Uncharger), every change reported, nothing silent:
//  * fragments: a salt or mixture keeps its largest organic (carbon-bearing) fragment, by heavy
//    atoms; the removed ones are named by formula. No organic fragment, or two different largest
//    ones of equal size, is refused (there is no parent to choose);
//  * charges: a cation with hydrogens loses H+ ([NH3+] → NH2, [nH+] → n); an anion not paired
//    with an adjacent cation gains H+ ([O-] → OH, [N-] → NH), except as many as there are
//    unpaired cations that cannot lose H+ (a quaternary ammonium keeps its carboxylate: a
//    betaine stays a zwitterion); charge-separated pairs (nitro, N-oxide) stay, except S+–O-,
//    Se+–O- and P+–O-, which the encoding lacks and which are the same molecule as S=O, Se=O and
//    P=O; each change is kept only if the atom's new valence is allowed (Elements.swift);
//  * isotope labels are dropped (the graph encoding has no isotopes): on heavy atoms the label
//    is cleared, isotopic hydrogens (2H, 3H) become plain hydrogens;
//  * stereo: the graph encoding has none; `stereoNotes(ofSMILES:)` counts the marks a SMILES
//    carries so that callers can report them as dropped.

/// What standardisation may do.
public struct StandardizationOptions: Sendable, Equatable {
  /// Keep the largest organic fragment of a multi-fragment input.
  public var keepLargestOrganicFragment: Bool
  /// Neutralise charges where a neutral form exists.
  public var neutralize: Bool
  /// Drop isotope labels.
  public var dropIsotopes: Bool

  /// Everything on (what `cfx explain` does unless told `--no-standardize`).
  public static let standard = StandardizationOptions(keepLargestOrganicFragment: true, neutralize: true, dropIsotopes: true)
  /// Nothing changed.
  public static let none = StandardizationOptions(keepLargestOrganicFragment: false, neutralize: false, dropIsotopes: false)
}

/// A standardised molecule and what was changed, for people.
public struct StandardizedMolecule: Sendable {
  /// The molecule after standardisation.
  public var molecule: Molecule
  /// One line per change ("removed fragment Na+ (1 atom)"); empty when nothing changed.
  public var notes: [String]
}

/// Standardisation of input molecules.
public enum MoleculeStandardizer {
  /// Standardises `molecule` under `options`.
  /// - Throws: `.invalidInput(record:message:)` naming `record` when no parent fragment exists.
  public static func standardize(
    _ molecule: Molecule, options: StandardizationOptions = .standard, record: String
  ) throws(ChemistryError) -> StandardizedMolecule {
    var molecule = molecule
    var notes: [String] = []
    if options.dropIsotopes { molecule = droppingIsotopes(molecule, notes: &notes) }
    if options.keepLargestOrganicFragment {
      molecule = try largestOrganicFragment(molecule, notes: &notes, record: record)
    }
    if options.neutralize { molecule = neutralized(molecule, notes: &notes) }
    return StandardizedMolecule(molecule: molecule, notes: notes)
  }

  /// A molecule made of `keep` atoms of `molecule` (in order) with the bonds among them.
  static func subset(_ molecule: Molecule, keep: [Int], atoms: [Atom]? = nil) -> Molecule {
    var index = [Int](repeating: -1, count: molecule.atoms.count)
    for (new, old) in keep.enumerated() { index[old] = new }
    let bonds = molecule.bonds.compactMap { b -> Bond? in
      index[b.begin] >= 0 && index[b.end] >= 0 ? Bond(index[b.begin], index[b.end], order: b.order) : nil
    }
    return Molecule(
      name: molecule.name, atoms: atoms ?? keep.map { molecule.atoms[$0] }, bonds: bonds,
      properties: molecule.properties, readerWarnings: molecule.readerWarnings)
  }

  static func droppingIsotopes(_ molecule: Molecule, notes: inout [String]) -> Molecule {
    guard molecule.atoms.contains(where: { $0.isotope != 0 }) else { return molecule }
    var atoms = molecule.atoms
    var keep: [Int] = []
    var labels: [String] = []
    for (i, atom) in molecule.atoms.enumerated() {
      if atom.atomicNumber == 1, atom.isotope != 0, atom.formalCharge == 0, molecule.neighbors[i].count == 1 {
        // An isotopic hydrogen: a plain hydrogen of its neighbour.
        atoms[molecule.neighbors[i][0].atom].implicitHydrogens += 1 + atom.implicitHydrogens
        labels.append("\(atom.isotope)H")
        continue
      }
      if atom.isotope != 0 {
        labels.append("\(atom.isotope)\(atom.symbol)")
        atoms[i].isotope = 0
      }
      keep.append(i)
    }
    notes.append("isotope labels dropped (the graph encoding has none): " + labels.joined(separator: ", "))
    return subset(molecule, keep: keep, atoms: keep.map { atoms[$0] })
  }

  static func largestOrganicFragment(
    _ molecule: Molecule, notes: inout [String], record: String
  ) throws(ChemistryError) -> Molecule {
    let fragments = molecule.fragments
    guard fragments.count > 1 else { return molecule }
    func formula(_ f: [Int]) -> String {
      let charge = f.reduce(0) { $0 + molecule.atoms[$1].formalCharge }
      let sign = charge == 0 ? "" : charge > 0 ? (charge == 1 ? "+" : "\(charge)+") : (charge == -1 ? "-" : "\(-charge)-")
      return Molecule.formula(of: f, in: molecule) + sign
    }
    let organic = fragments.filter { f in f.contains { molecule.atoms[$0].atomicNumber == 6 } }
    guard let largest = organic.first else {
      throw .invalidInput(record: record, message: "no organic fragment to keep: \(fragments.map(formula).joined(separator: ", "))")
    }
    // `fragments` is sorted largest first; a different fragment of the same size leaves no parent.
    if let rival = organic.dropFirst().first(where: { $0.count == largest.count }), formula(rival) != formula(largest) {
      throw .invalidInput(record: record, message: "two largest organic fragments of equal size (\(formula(largest)), \(formula(rival))): cannot tell the parent; give one of them")
    }
    let removed = fragments.filter { $0 != largest }
    notes.append("kept the largest organic fragment \(formula(largest)) (\(largest.count) heavy atoms); removed " + removed.map { "\(formula($0))" }.joined(separator: ", "))
    return subset(molecule, keep: largest)
  }

  /// Charge-separated S+–O-, Se+–O- and P+–O- (sulfoxides, phosphine oxides written as ylides)
  /// become S=O, Se=O and P=O: the same molecule in the form the graph encoding has.
  static func unseparated(_ molecule: Molecule, notes: inout [String]) -> Molecule {
    var atoms = molecule.atoms, bonds = molecule.bonds
    var changed: [String] = []
    for (index, bond) in molecule.bonds.enumerated() where bond.order == 1 {
      for (x, o) in [(bond.begin, bond.end), (bond.end, bond.begin)]
      where [15, 16, 34].contains(atoms[x].atomicNumber) && atoms[x].formalCharge == 1
        && atoms[o].atomicNumber == 8 && atoms[o].formalCharge == -1 && atoms[o].implicitHydrogens == 0 {
        atoms[x].formalCharge = 0
        atoms[o].formalCharge = 0
        bonds[index].order = 2
        changed.append("\(atoms[x].symbol)+–O- (atoms \(x + 1), \(o + 1)) written as \(atoms[x].symbol)=O")
      }
    }
    guard !changed.isEmpty else { return molecule }
    notes.append("charge-separated " + changed.joined(separator: ", "))
    return Molecule(
      name: molecule.name, atoms: atoms, bonds: bonds, properties: molecule.properties,
      readerWarnings: molecule.readerWarnings)
  }

  static func neutralized(_ molecule: Molecule, notes: inout [String]) -> Molecule {
    let molecule = unseparated(molecule, notes: &notes)
    var atoms = molecule.atoms
    func allowed(_ atom: Atom, _ i: Int) -> Bool {
      Element.allowedValences(atomicNumber: atom.atomicNumber, charge: atom.formalCharge)
        .contains(molecule.bondOrderSum(i) + atom.implicitHydrogens)
    }
    func paired(_ i: Int) -> Bool {
      molecule.neighbors[i].contains { atoms[$0.atom].formalCharge * atoms[i].formalCharge < 0 }
    }
    var changes: [String] = []
    // Cations lose H+ while they have hydrogens and the valence stays allowed.
    for i in atoms.indices where atoms[i].formalCharge > 0 && !paired(i) {
      var atom = atoms[i]
      while atom.formalCharge > 0 && atom.implicitHydrogens > 0 {
        var next = atom
        next.formalCharge -= 1
        next.implicitHydrogens -= 1
        guard allowed(next, i) else { break }
        atom = next
      }
      if atom != atoms[i] {
        changes.append("atom \(i + 1) \(atoms[i].symbol)\(sign(atoms[i].formalCharge)) lost H+")
        atoms[i] = atom
      }
    }
    // Unpaired cations left (quaternary ammonium) keep as many anions charged.
    var balance = atoms.indices.filter { atoms[$0].formalCharge > 0 && !paired($0) }.reduce(0) { $0 + atoms[$1].formalCharge }
    for i in atoms.indices where atoms[i].formalCharge < 0 && !paired(i) {
      if balance > 0 {
        balance -= 1
        continue
      }
      var atom = atoms[i]
      while atom.formalCharge < 0 {
        var next = atom
        next.formalCharge += 1
        next.implicitHydrogens += 1
        guard allowed(next, i) else { break }
        atom = next
      }
      if atom != atoms[i] {
        changes.append("atom \(i + 1) \(atoms[i].symbol)\(sign(atoms[i].formalCharge)) gained H+")
        atoms[i] = atom
      }
    }
    guard !changes.isEmpty else { return molecule }
    notes.append("neutralised: " + changes.joined(separator: ", "))
    return Molecule(
      name: molecule.name, atoms: atoms, bonds: molecule.bonds, properties: molecule.properties,
      readerWarnings: molecule.readerWarnings)
  }

  static func sign(_ charge: Int) -> String {
    charge == 0 ? "" : charge > 0 ? (charge == 1 ? "+" : "\(charge)+") : (charge == -1 ? "-" : "\(-charge)-")
  }

  /// What a SMILES says about stereo that the graph encoding drops: "stereo dropped (the graph
  /// encoding has none): 2 chirality marks, 1 double-bond direction mark", or nil when none.
  public static func stereoNote(ofSMILES smiles: String) -> String? {
    var chiral = 0, directions = 0, inBracket = false, previousAt = false
    for c in smiles.utf8 {
      switch c {
      case UInt8(ascii: "["): inBracket = true
      case UInt8(ascii: "]"): inBracket = false
      case UInt8(ascii: "@"): if inBracket && !previousAt { chiral += 1 }
      case UInt8(ascii: "/"), UInt8(ascii: "\\"): directions += 1
      default: break
      }
      previousAt = c == UInt8(ascii: "@")
    }
    guard chiral + directions > 0 else { return nil }
    var parts: [String] = []
    if chiral > 0 { parts.append("\(chiral) chirality mark\(chiral == 1 ? "" : "s")") }
    if directions > 0 { parts.append("\(directions) double-bond direction mark\(directions == 1 ? "" : "s")") }
    return "stereo dropped (the graph encoding has none): " + parts.joined(separator: ", ")
  }
}
