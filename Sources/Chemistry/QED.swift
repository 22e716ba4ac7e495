// QED, the quantitative estimate of drug-likeness (Bickerton, Paolini, Besnard, Muresan & Hopkins,
// "Quantifying the chemical beauty of drugs", Nat. Chem. 4, 90–98 (2012)), as RDKit's
// rdkit/Chem/QED.py computes it (`qed(mol)`, mean weights):
//   QED = exp( Σ_i w_i ln d_i(p_i) / Σ_i w_i ),
// a weighted geometric mean of eight desirabilities d_i of the properties p_i, each an
// asymmetric double sigmoid (ADS) fitted to the property's distribution over oral drugs:
//   d(x) = [A + B / (1 + e^{-(x - C + D/2)/E}) · (1 − 1 / (1 + e^{-(x - C - D/2)/F}))] / DMAX.
// Properties as QED.py computes them:
//   MW     average molecular weight (Descriptors.molecularWeight),
//   ALOGP  Wildman–Crippen logP (Crippen.logP),
//   HBA    Σ over QED's 11 acceptor SMARTS of their unique-match counts,
//   HBD    Lipinski donors (RDKit CalcNumHBD: unique matches of `hydrogenBondDonorSMARTS`),
//   PSA    TPSA (TPSA.value),
//   ROTB   rotatable bonds, RDKit's strict definition (CalcNumRotatableBonds, Strict),
//   AROM   rings left after deleting every aliphatic ring atom that has a non-aromatic neighbour
//          (`[$([A;R][!a])]`): RDKit counts the SSSR of the remainder, whose size is the
//          remainder's cycle rank (bonds − atoms + components),
//   ALERTS number of QED's 116 structural-alert SMARTS that match.
// QED.py first removes hydrogen atoms; cfx molecules hold hydrogens as counts already.

import Foundation

/// QED drug-likeness (RDKit `rdkit.Chem.QED.qed`) and the properties it combines.
public enum QED {
  /// The eight QED properties of one molecule.
  public struct Properties: Sendable, Equatable, Codable {
    /// Molecular weight (g/mol).
    public var molecularWeight: Double
    /// Wildman–Crippen logP.
    public var logP: Double
    /// Hydrogen-bond acceptors (QED's acceptor SMARTS).
    public var acceptors: Int
    /// Hydrogen-bond donors (Lipinski, RDKit CalcNumHBD).
    public var donors: Int
    /// Topological polar surface area (Å²).
    public var polarSurfaceArea: Double
    /// Rotatable bonds (RDKit's strict definition).
    public var rotatableBonds: Int
    /// Aromatic rings as QED counts them.
    public var aromaticRings: Int
    /// Matching structural alerts.
    public var alerts: Int

    /// The properties in QED's order (MW, ALOGP, HBA, HBD, PSA, ROTB, AROM, ALERTS).
    public var values: [Double] {
      [molecularWeight, logP, Double(acceptors), Double(donors), polarSurfaceArea, Double(rotatableBonds),
       Double(aromaticRings), Double(alerts)]
    }
  }

  /// Parameters of one asymmetric double sigmoid.
  struct ADS: Sendable {
    let a, b, c, d, e, f, dmax: Double

    /// The desirability of property value `x` (see the file header).
    func callAsFunction(_ x: Double) -> Double {
      let rise = 1 + exp(-(x - c + d / 2) / e)
      let fall = 1 + exp(-(x - c - d / 2) / f)
      return (a + b / rise * (1 - 1 / fall)) / dmax
    }
  }

  /// QED.py's `adsParameters`, in property order.
  static let parameters: [ADS] = [
    ADS(a: 2.817065973, b: 392.5754953, c: 290.7489764, d: 2.419764353, e: 49.22325677, f: 65.37051707, dmax: 104.9805561),
    ADS(a: 3.172690585, b: 137.8624751, c: 2.534937431, d: 4.581497897, e: 0.822739154, f: 0.576295591, dmax: 131.3186604),
    ADS(a: 2.948620388, b: 160.4605972, c: 3.615294657, d: 4.435986202, e: 0.290141953, f: 1.300669958, dmax: 148.7763046),
    ADS(a: 1.618662227, b: 1010.051101, c: 0.985094388, d: 0.000000001, e: 0.713820843, f: 0.920922555, dmax: 258.1632616),
    ADS(a: 1.876861559, b: 125.2232657, c: 62.90773554, d: 87.83366614, e: 12.01999824, f: 28.51324732, dmax: 104.5686167),
    ADS(a: 0.010000000, b: 272.4121427, c: 2.558379970, d: 1.565547684, e: 1.271567166, f: 2.758063707, dmax: 105.4420403),
    ADS(a: 3.217788970, b: 957.7374108, c: 2.274627939, d: 0.000000001, e: 1.317690384, f: 0.375760881, dmax: 312.3372610),
    ADS(a: 0.010000000, b: 1199.094025, c: -0.09002883, d: 0.000000001, e: 0.185904477, f: 0.875193782, dmax: 417.7253140),
  ]

  /// QED.py's WEIGHT_MEAN (the weights of `qed(mol)`), in property order.
  public static let meanWeights: [Double] = [0.66, 0.46, 0.05, 0.61, 0.06, 0.65, 0.48, 0.95]

  static func compile(_ table: [String], _ what: String) -> [SMARTSPattern] {
    table.map { smarts in
      do { return try SMARTSPattern(smarts) } catch { preconditionFailure("QED \(what): \(error)") }
    }
  }

  static let acceptorPatterns = compile(qedAcceptors, "acceptor")
  static let alertPatterns = compile(qedStructuralAlerts, "alert")
  static let aliphaticRingAtom = compile(["[$([A;R][!a])]"], "aliphatic ring atom")[0]

  /// QED of `molecule` with QED.py's mean weights, in (0, 1].
  public static func value(_ molecule: Molecule) -> Double { value(properties(molecule)) }

  /// QED from precomputed properties and `weights` (eight, QED's property order).
  /// - Precondition: `weights` has 8 entries with a positive sum.
  public static func value(_ properties: Properties, weights: [Double] = meanWeights) -> Double {
    precondition(weights.count == 8 && weights.reduce(0, +) > 0, "QED weights: need 8 with a positive sum, got \(weights)")
    let values = properties.values
    var total = 0.0
    for i in 0..<8 { total += weights[i] * log(parameters[i](values[i])) }
    return exp(total / weights.reduce(0, +))
  }

  /// The eight desirabilities d_i in QED's property order.
  public static func desirabilities(_ properties: Properties) -> [Double] {
    zip(parameters, properties.values).map { $0($1) }
  }

  /// The eight QED properties of `molecule`.
  public static func properties(_ molecule: Molecule) -> Properties {
    let target = SMARTSTarget(molecule)
    return Properties(
      molecularWeight: Descriptors.molecularWeight(molecule), logP: Crippen.logP(molecule),
      acceptors: acceptorPatterns.reduce(0) { $0 + $1.matchCount(target) },
      donors: Descriptors.hydrogenBondDonors(target), polarSurfaceArea: TPSA.value(molecule),
      rotatableBonds: Descriptors.rotatableBonds(target), aromaticRings: aromaticRings(molecule, target),
      alerts: alertPatterns.reduce(0) { $0 + ($1.matches(target) ? 1 : 0) })
  }

  /// QED's AROM: the cycle rank of the molecule after deleting aliphatic ring atoms with a
  /// non-aromatic neighbour.
  static func aromaticRings(_ molecule: Molecule, _ target: SMARTSTarget) -> Int {
    var deleted = [Bool](repeating: false, count: molecule.atoms.count)
    for match in aliphaticRingAtom.allMatches(target) { deleted[match[0]] = true }
    let kept = molecule.atoms.indices.filter { !deleted[$0] }
    let bonds = molecule.bonds.filter { !deleted[$0.begin] && !deleted[$0.end] }.count
    var component = [Int](repeating: -1, count: molecule.atoms.count)
    var components = 0
    for start in kept where component[start] < 0 {
      components += 1
      var stack = [start]
      component[start] = components
      while let a = stack.popLast() {
        for n in molecule.neighbors[a] where !deleted[n.atom] && component[n.atom] < 0 {
          component[n.atom] = components
          stack.append(n.atom)
        }
      }
    }
    return bonds - kept.count + components
  }
}

extension Descriptors {
  /// RDKit's Lipinski donor SMARTS (Code/GraphMol/Descriptors/Lipinski.cpp, `CalcNumHBD`).
  public static let hydrogenBondDonorSMARTS = "[N&!H0&v3,N&!H0&+1&v4,O&H1&+0,S&H1&+0,n&H1&+0]"

  /// RDKit's strict rotatable-bond SMARTS (Lipinski.cpp, `NumRotatableBondsOptions::Strict`):
  /// single non-ring bonds between non-terminal atoms, not next to triple bonds, not in CF3/CCl3/
  /// CBr3/t-butyl/methyl groups, and not the C–N/O/S bond of amides, esters, thioamides or amidines.
  public static let strictRotatableBondSMARTS =
    "[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)&!$(C([CH3])([CH3])[CH3])&!$([CH3])"
    + "&!$([CD3](=[N,O,S])-!@[#7,O,S!D1])&!$([#7,O,S!D1]-!@[CD3]=[N,O,S])&!$([CD3](=[N+])-!@[#7!D1])"
    + "&!$([#7!D1]-!@[CD3]=[N+])]-,:;!@[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)"
    + "&!$(C([CH3])([CH3])[CH3])&!$([CH3])]"

  static let donorPattern = QED.compile([hydrogenBondDonorSMARTS], "donors")[0]
  static let rotatablePattern = QED.compile([strictRotatableBondSMARTS], "rotatable bonds")[0]

  /// Hydrogen-bond donors as RDKit's `CalcNumHBD` (Lipinski NumHDonors) counts them.
  public static func hydrogenBondDonors(_ molecule: Molecule) -> Int { hydrogenBondDonors(SMARTSTarget(molecule)) }

  /// Rotatable bonds as RDKit's `CalcNumRotatableBonds(mol, Strict)` counts them.
  public static func rotatableBonds(_ molecule: Molecule) -> Int { rotatableBonds(SMARTSTarget(molecule)) }

  static func hydrogenBondDonors(_ target: SMARTSTarget) -> Int { donorPattern.matchCount(target) }
  static func rotatableBonds(_ target: SMARTSTarget) -> Int { rotatablePattern.matchCount(target) }
}
