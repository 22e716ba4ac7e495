// The MOSES medicinal-chemistry filters: `moses.metrics.utils.mol_passes_filters` of the molsets
// 0.3.1 package (Polykovskiy et al., "Molecular Sets (MOSES)", Front. Pharmacol. 2020), which
// MOSES applied to build its data set, so every MOSES training molecule passes. A molecule passes
// when
//  * no SSSR ring has 8 or more atoms,
//  * no atom carries a formal charge,
//  * every atom is C, N, S, O, F, Cl, Br or H,
//  * none of the 22 MCF and 480 PAINS SMARTS (MedicinalChemistryTables.swift) matches the molecule
//    with every hydrogen as an atom (RDKit `Chem.AddHs`, as MOSES matches them).
// MOSES finally checks that RDKit can write and reread the molecule's SMILES; cfx molecules are
// checked by `Molecule.validity` instead, so that step is not repeated here.

/// The MOSES filters (MCF, PAINS, allowed atoms, charges, large rings) with named failures.
public enum MedicinalChemistryFilters {
  /// The outcome for one molecule: every rule it breaks, by name.
  public struct Verdict: Sendable, Equatable, Codable {
    /// Broken rules in check order: "ring>=8", "charge", "atom:<symbol>" (one per disallowed
    /// element, sorted by symbol), then the names of matching MCF filters ("MCF7") and PAINS
    /// filters ("ene_five_het_A(201)") in table order. Empty when the molecule passes.
    public var failures: [String]

    /// Whether the molecule passes every filter.
    public var passes: Bool { failures.isEmpty }
  }

  /// Elements MOSES allows.
  public static let allowedElements: Set<Int> = [1, 6, 7, 8, 9, 16, 17, 35]

  /// MCF then PAINS filters, parsed once.
  static let filters: [(name: String, pattern: SMARTSPattern)] = (mosesMCFFilters + mosesPAINSFilters).map { row in
    do { return (row.name, try SMARTSPattern(row.smarts)) } catch {
      preconditionFailure("MOSES filter \(row.name): \(error)")
    }
  }

  /// Every rule `molecule` breaks.
  public static func check(_ molecule: Molecule) -> Verdict {
    var failures: [String] = []
    if molecule.rings.contains(where: { $0.count >= 8 }) { failures.append("ring>=8") }
    if molecule.atoms.contains(where: { $0.formalCharge != 0 }) { failures.append("charge") }
    let disallowed = Set(molecule.atoms.map(\.atomicNumber)).subtracting(allowedElements)
    failures += disallowed.map { "atom:" + Element.periodicSymbol($0) }.sorted()
    let target = SMARTSTarget(molecule, hydrogens: .explicit)
    for filter in filters where filter.pattern.matches(target) { failures.append(filter.name) }
    return Verdict(failures: failures)
  }

  /// Whether `molecule` passes (stops at the first broken rule).
  public static func passes(_ molecule: Molecule) -> Bool {
    if molecule.rings.contains(where: { $0.count >= 8 }) { return false }
    if molecule.atoms.contains(where: { $0.formalCharge != 0 || !allowedElements.contains($0.atomicNumber) }) {
      return false
    }
    let target = SMARTSTarget(molecule, hydrogens: .explicit)
    return !filters.contains { $0.pattern.matches(target) }
  }
}
