// Simple molecular descriptors computed in Swift from the molecule graph.

/// Descriptors of a molecule that need no Open Babel call.
public enum Descriptors {
  /// Average molecular weight (g/mol) with RDKit's atomic weights, hydrogens included
  /// (RDKit `Descriptors.MolWt`). Isotopes are counted at their mass number.
  public static func molecularWeight(_ molecule: Molecule) -> Double {
    let hydrogen = Element.table[1]!.atomicWeight
    var total = 0.0
    for atom in molecule.atoms {
      let weight = atom.isotope > 0 ? Double(atom.isotope) : (Element.table[atom.atomicNumber]?.atomicWeight ?? 0)
      total += weight + Double(atom.implicitHydrogens) * hydrogen
    }
    return total
  }

  /// Number of SSSR rings (RDKit `CalcNumRings` for non-cage molecules).
  public static func ringCount(_ molecule: Molecule) -> Int { molecule.rings.count }

  /// Number of aromatic rings (rings whose atoms are all aromatic).
  public static func aromaticRingCount(_ molecule: Molecule) -> Int {
    molecule.rings.filter { $0.allSatisfy { molecule.isAromaticAtom[$0] } }.count
  }
}
