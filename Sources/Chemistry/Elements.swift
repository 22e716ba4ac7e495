// Per-element constants: symbols, standard atomic weights, valence models.
//
// The valence model follows RDKit's periodic table (Code/GraphMol/atomic_data.cpp, BSD) as of
// RDKit 2026.09.1 (`GetValenceList`: P and As 3/5, Al 3, Si 4; older releases also allowed P 7,
// which generated molecules exposed): the default valence drives implicit hydrogens and
// aromaticity electron counts, the allowed list drives validity. RDKit's "-1" entries (any
// valence) of Li, Na, K, Mg, Ca are not modelled: those elements are outside cfx's molecule set. Charged atoms follow RDKit's rule (see `allowedValences(atomicNumber:charge:)`),
// checked against RDKit's sanitization on edited molecules (ValidityReferenceTests).

/// Constants of one chemical element.
public struct Element: Sendable, Hashable {
  /// Atomic number (6 = carbon).
  public var atomicNumber: Int
  /// Element symbol ("C", "Cl").
  public var symbol: String
  /// Standard atomic weight in g/mol (RDKit's table).
  public var atomicWeight: Double
  /// Valence electrons in the outer shell.
  public var outerElectrons: Int
  /// Allowed total valences of the neutral atom, lowest first; empty = unconstrained.
  public var allowedValences: [Int]

  /// The default (lowest allowed) valence, or -1 when unconstrained.
  public var defaultValence: Int { allowedValences.first ?? -1 }
}

extension Element {
  /// The elements cfx knows, by atomic number.
  public static let table: [Int: Element] = {
    let rows: [(Int, String, Double, Int, [Int])] = [
      (1, "H", 1.008, 1, [1]), (2, "He", 4.003, 2, [0]), (3, "Li", 6.941, 1, [1]),
      (4, "Be", 9.012, 2, [2]), (5, "B", 10.812, 3, [3]), (6, "C", 12.011, 4, [4]),
      (7, "N", 14.007, 5, [3]), (8, "O", 15.999, 6, [2]), (9, "F", 18.998, 7, [1]),
      (10, "Ne", 20.18, 8, [0]), (11, "Na", 22.99, 1, [1]), (12, "Mg", 24.305, 2, [2]),
      (13, "Al", 26.982, 3, [3]), (14, "Si", 28.086, 4, [4]), (15, "P", 30.974, 5, [3, 5]),
      (16, "S", 32.067, 6, [2, 4, 6]), (17, "Cl", 35.453, 7, [1]), (18, "Ar", 39.948, 8, [0]),
      (19, "K", 39.098, 1, [1]), (20, "Ca", 40.078, 2, [2]), (33, "As", 74.922, 5, [3, 5]),
      (34, "Se", 78.96, 6, [2, 4, 6]), (35, "Br", 79.904, 7, [1]), (52, "Te", 127.6, 6, [2, 4, 6]),
      (53, "I", 126.904, 7, [1, 3, 5]),
    ]
    var table: [Int: Element] = [:]
    for (z, symbol, weight, outer, valences) in rows {
      table[z] = Element(
        atomicNumber: z, symbol: symbol, atomicWeight: weight, outerElectrons: outer,
        allowedValences: valences)
    }
    return table
  }()

  /// Element symbols of the periodic table by atomic number (index 0 is unused), for parsers
  /// that name any element (SMARTS), not only those with weights and valences in `table`.
  public static let periodicSymbols: [String] = [
    "", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar",
    "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr",
    "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe",
    "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
    "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra",
    "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db",
    "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
  ]

  /// The symbol of any element by atomic number ("#z" outside 1...118).
  public static func periodicSymbol(_ z: Int) -> String {
    z > 0 && z < periodicSymbols.count ? periodicSymbols[z] : "#\(z)"
  }

  /// The element with atomic number `z`, if cfx knows it.
  public static func named(atomicNumber z: Int) -> Element? { table[z] }

  /// The element whose symbol is `symbol` (case-sensitive, "Cl").
  public static func named(symbol: String) -> Element? {
    table.values.first { $0.symbol == symbol }
  }

  /// The symbol for atomic number `z`, or "#z" when unknown.
  public static func symbol(_ z: Int) -> String { table[z]?.symbol ?? "#\(z)" }

  /// Allowed total valences of element `z` with formal charge `charge`, RDKit's rule: for
  /// elements with five or more outer electrons each neutral valence shifts by the charge (N⁺ 4,
  /// O⁻ 1, S⁻ 1/3/5, S⁺ 3/5/7); for carbon-group and earlier elements any charge removes one
  /// bond (C⁺ and C⁻ 3), except that B⁻ is carbon-like (4). Empty when the element is unknown.
  public static func allowedValences(atomicNumber z: Int, charge: Int) -> [Int] {
    guard let element = table[z] else { return [] }
    if charge == 0 { return element.allowedValences }
    if element.outerElectrons >= 5 {
      return element.allowedValences.map { $0 + charge }.filter { $0 >= 0 }
    }
    if z == 5 && charge == -1 { return [4] }
    let shifted = element.defaultValence - abs(charge)
    return shifted >= 0 ? [shifted] : []
  }

  /// RDKit's `moreElectroNegative(a, b)`: more outer electrons wins, then the lower atomic number.
  public static func isMoreElectronegative(_ a: Int, than b: Int) -> Bool {
    let ea = table[a]?.outerElectrons ?? 0, eb = table[b]?.outerElectrons ?? 0
    if ea != eb { return ea > eb }
    return a < b
  }
}
