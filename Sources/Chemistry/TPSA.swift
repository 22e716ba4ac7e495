// Topological polar surface area (Ertl, Rohde & Selzer, J. Med. Chem. 43, 3714 (2000)) with
// RDKit's defaults: nitrogen and oxygen contributions only, looked up by heavy-neighbour count,
// hydrogens, charge, bond kinds and 3-ring membership; unknown environments use Ertl's fallback
// formula. Port of RDKit Code/GraphMol/Descriptors/MolSurf.cpp `getTPSAAtomContribs` (BSD).

/// TPSA as RDKit's `CalcTPSA` computes it.
public enum TPSA {
  /// TPSA in Å² (sum of per-atom contributions of N and O).
  public static func value(_ molecule: Molecule) -> Double {
    molecule.atoms.indices.reduce(0) { $0 + contribution(molecule, $1) }
  }

  /// The contribution of atom `i` (0 for atoms other than N and O).
  public static func contribution(_ molecule: Molecule, _ i: Int) -> Double {
    let atom = molecule.atoms[i]
    guard atom.atomicNumber == 7 || atom.atomicNumber == 8 else { return 0 }
    var single = 0, double = 0, triple = 0, aromatic = 0
    for n in molecule.neighbors[i] {
      if molecule.isAromaticBond[n.bond] {
        aromatic += 1
      } else {
        switch molecule.bonds[n.bond].order {
        case 1: single += 1
        case 2: double += 1
        default: triple += 1
        }
      }
    }
    let neighbors = molecule.neighbors[i].count, hydrogens = atom.implicitHydrogens, charge = atom.formalCharge
    let in3Ring = molecule.rings.contains { $0.count == 3 && $0.contains(i) }
    var value: Double?
    if atom.atomicNumber == 7 {
      switch neighbors {
      case 1:
        if hydrogens == 0 && charge == 0 && triple == 1 { value = 23.79 }
        else if hydrogens == 1 && charge == 0 && double == 1 { value = 23.85 }
        else if hydrogens == 2 && charge == 0 && single == 1 { value = 26.02 }
        else if hydrogens == 2 && charge == 1 && double == 1 { value = 25.59 }
        else if hydrogens == 3 && charge == 1 && single == 1 { value = 27.64 }
      case 2:
        if hydrogens == 0 && charge == 0 && single == 1 && double == 1 { value = 12.36 }
        else if hydrogens == 0 && charge == 0 && triple == 1 && double == 1 { value = 13.60 }
        else if hydrogens == 1 && charge == 0 && single == 2 && in3Ring { value = 21.94 }
        else if hydrogens == 1 && charge == 0 && single == 2 && !in3Ring { value = 12.03 }
        else if hydrogens == 0 && charge == 1 && triple == 1 && single == 1 { value = 4.36 }
        else if hydrogens == 1 && charge == 1 && double == 1 && single == 1 { value = 13.97 }
        else if hydrogens == 2 && charge == 1 && single == 2 { value = 16.61 }
        else if hydrogens == 0 && charge == 0 && aromatic == 2 { value = 12.89 }
        else if hydrogens == 1 && charge == 0 && aromatic == 2 { value = 15.79 }
        else if hydrogens == 1 && charge == 1 && aromatic == 2 { value = 14.14 }
      case 3:
        if hydrogens == 0 && charge == 0 && single == 3 && in3Ring { value = 3.01 }
        else if hydrogens == 0 && charge == 0 && single == 3 && !in3Ring { value = 3.24 }
        else if hydrogens == 0 && charge == 0 && single == 1 && double == 2 { value = 11.68 }
        else if hydrogens == 0 && charge == 1 && single == 2 && double == 1 { value = 3.01 }
        else if hydrogens == 1 && charge == 1 && single == 3 { value = 4.44 }
        else if hydrogens == 0 && charge == 0 && aromatic == 3 { value = 4.41 }
        else if hydrogens == 0 && charge == 0 && single == 1 && aromatic == 2 { value = 4.93 }
        else if hydrogens == 0 && charge == 0 && double == 1 && aromatic == 2 { value = 8.39 }
        else if hydrogens == 0 && charge == 1 && aromatic == 3 { value = 4.10 }
        else if hydrogens == 0 && charge == 1 && single == 1 && aromatic == 2 { value = 3.88 }
      case 4:
        if hydrogens == 0 && single == 4 && charge == 1 { value = 0 }
      default: break
      }
      // Ertl's fallback for nitrogen environments outside the table.
      return value ?? max(30.5 - Double(neighbors) * 8.2 + Double(hydrogens) * 1.5, 0)
    }
    switch neighbors {
    case 1:
      if hydrogens == 0 && charge == 0 && double == 1 { value = 17.07 }
      else if hydrogens == 1 && charge == 0 && single == 1 { value = 20.23 }
      else if hydrogens == 0 && charge == -1 && single == 1 { value = 23.06 }
    case 2:
      if hydrogens == 0 && charge == 0 && single == 2 && in3Ring { value = 12.53 }
      else if hydrogens == 0 && charge == 0 && single == 2 && !in3Ring { value = 9.23 }
      else if hydrogens == 0 && charge == 0 && aromatic == 2 { value = 13.14 }
    default: break
    }
    return value ?? max(28.5 - Double(neighbors) * 8.6 + Double(hydrogens) * 1.5, 0)
  }
}
