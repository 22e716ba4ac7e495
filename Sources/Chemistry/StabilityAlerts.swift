// Named alerts for unstable, reactive or implausible groups: what a medicinal chemist rejects at
// sight in a proposed molecule. Each alert has a name, a SMARTS (RDKit syntax, the definition:
// scripts/stability-alerts-reference.py checks cfx against RDKit's matches of exactly these
// strings) and a one-line reason.
//
// Calibration (scripts/stability-alerts-reference.py, molecules/reference/stability-alerts-rdkit.tsv):
// MOSES training molecules are all considered realistic, and every alert fires on well under 0.5%
// of them. Deliberate choices:
//  * N–O single bonds: every neutral N–O single bond (hydroxylamines, alkoxyamines, oximes,
//    hydroxamic acids, N-hydroxy heterocycles) is flagged; nitro groups and N-oxides (charged
//    atoms) and aromatic N–O bonds (isoxazoles, oxadiazoles, furoxans) are not. Oximes and hydroxamic
//    acids occur in a few drugs but are absent from the training distribution.
//  * Enamines, enol ethers, imines, aminals, S–S and N–N bonds are flagged only outside rings:
//    ring enamines (Hantzsch/Biginelli products), vinyl ethers of chromenes and cyclic aminals
//    (dihydroquinazolinones) are common, stable library chemotypes.
//  * Michael acceptors: only terminal vinyl ketones (and acrolein-like enals through "aldehyde");
//    acrylamides and acrylates are the warheads of approved covalent drugs.
//  * Push-pull systems (2-amino-4H-chromenes, ketene aminals) are not flagged.
//
// Matching: the SMARTS subset of SMARTS.swift (tree patterns) enumerates every embedding of a
// pattern; what the subset cannot express (ring bonds `!@`, ring size `r3`, recursive `$(...)`) is
// a documented `Condition` on the embedding, so `smarts` stays the complete definition.

/// One named alert: SMARTS, reason, and how cfx evaluates it.
public struct StabilityAlert: Sendable {
  /// Short name, e.g. "acyl halide".
  public let name: String
  /// The definition in RDKit SMARTS syntax.
  public let smarts: String
  /// Why a chemist rejects the group, one line.
  public let reason: String

  /// A requirement on an embedding that the SMARTS subset cannot state.
  enum Condition: Sendable {
    /// The bond between pattern atoms i and j is not in a ring (SMARTS `!@`).
    case acyclicBond(Int, Int)
    /// Pattern atom i lies in a 3-membered ring (its smallest ring has 3 atoms, SMARTS `r3`).
    case inThreeRing(Int)
    /// Pattern atom i has no single bond to a non-carbon atom (SMARTS `!$(*-[!#6])`).
    case noSingleBondToHeteroatom(Int)
    /// Pattern atom i is not acylated: no single bond to a C or S that is double-bonded to O, S or
    /// N (SMARTS `!$(*-[#6,#16]=[O,S,N])`).
    case notAcylated(Int)
    /// Pattern atom i has no single bond to N, O or S (SMARTS `!$(*-[#7,#8,#16])`).
    case noSingleBondToNOS(Int)
  }

  let subset: CompiledPattern
  let conditions: [Condition]

  /// An alert evaluated with the SMARTS-subset pattern `subset` plus `conditions`.
  init(_ name: String, _ smarts: String, _ reason: String, subset: String? = nil, _ conditions: [Condition] = []) {
    guard let pattern = SMARTSPattern(subset ?? smarts) else {
      preconditionFailure("StabilityAlert \(name): '\(subset ?? smarts)' is outside the SMARTS subset")
    }
    self.name = name
    self.smarts = smarts
    self.reason = reason
    self.subset = CompiledPattern(pattern)
    self.conditions = conditions
  }
}

/// One alert that fires on a molecule, with the atoms of its first embedding.
public struct StabilityAlertHit: Sendable, Equatable {
  /// The alert's name.
  public var name: String
  /// Atom indices of the first embedding (pattern order).
  public var atoms: [Int]
}

/// The alert list and its evaluation.
public enum StabilityAlerts {
  /// Every alert, in reporting order.
  public static let all: [StabilityAlert] = [
    .init("enol", "[OX2H][CX3]=[CX3]", "enols tautomerise to the carbonyl compound"),
    .init(
      "acyclic enol ether", "[OX2]([#6])[CX3]=!@[CX3]",
      "open-chain enol ethers and esters hydrolyse to carbonyls in acid", subset: "[OX2]([#6])[CX3]=[CX3]",
      [.acyclicBond(2, 3)]),
    .init(
      "enamine methylene", "[NX3][CX3]=[CH2]",
      "an amide or ketone C=O turned into C=CH2 next to N: a hydrolytically labile enamine"),
    .init(
      "acyclic enamine", "[NX3][CX3]=!@[CX3]", "open-chain enamines hydrolyse to carbonyl + amine",
      subset: "[NX3][CX3]=[CX3]", [.acyclicBond(1, 2)]),
    .init("vinyl halide", "[CX3]=[CX3][F,Cl,Br,I]", "halogen on a C=C: reactive, rare in drugs"),
    .init("acyl halide", "[CX3](=[OX1])[F,Cl,Br,I]", "acylating agent, hydrolyses in water"),
    .init("sulfonyl halide", "[SX4](=[OX1])(=[OX1])[F,Cl,Br,I]", "sulfonylating agent, hydrolyses in water"),
    .init(
      "N–O single bond", "[#7;+0]-[#8;+0]",
      "labile N–O bond (hydroxylamines, oximes, hydroxamic acids): reductive cleavage, rearrangements"),
    .init("hemiaminal", "[NX3][CX4][OX2H]", "falls apart into amine + carbonyl"),
    .init(
      "acyclic aminal", "[NX3]-!@[CX4]-!@[NX3]", "open-chain aminals hydrolyse to carbonyl + amines",
      subset: "[NX3]-[CX4]-[NX3]", [.acyclicBond(0, 1), .acyclicBond(1, 2)]),
    .init("hemiacetal", "[OX2H][CX4][OX2]", "hemiacetals and hydrates are in equilibrium with the carbonyl"),
    .init("peroxide", "[OX2][OX2]", "O–O bond: oxidant, thermally and metabolically unstable"),
    .init(
      "thioketone or thioaldehyde", "[CX3;!$(C-[!#6])]=[SX1]",
      "C=S without a heteroatom on carbon: unstable, oligomerises and oxidises", subset: "[CX3]=[SX1]",
      [.noSingleBondToHeteroatom(0)]),
    .init("C=S at a substituted sulfur", "[#6]=[#16;!X1]", "sulfines, sulfenes and ylidic C=S are not isolable drug groups"),
    .init("allene", "[#6]=[#6]=[#6]", "cumulated C=C=C: reactive, rare in drugs"),
    .init("ketene or ketenimine", "[#6]=[#6]=[#7,#8,#16]", "cumulated C=C=X: acylating, not isolable"),
    .init(
      "heterocumulene", "[#7]=[#6]=[#7,#8,#16]",
      "isocyanates, isothiocyanates and carbodiimides react with water and nucleophiles"),
    .init("azide", "[NX2]=[NX2+]=[NX1-]", "energetic, explosive in small molecules"),
    .init("diazo", "[#6]=[NX2+]=[NX1-]", "loses N2 to carbenes: reactive, explosive"),
    .init("diazonium", "[#6][NX2+]#[NX1]", "loses N2: reactive, explosive"),
    .init("anhydride", "[CX3](=[OX1])[OX2][CX3]=[OX1]", "acylating agent, hydrolyses in water"),
    .init("aldehyde", "[CX3H1](=[OX1])[#6]", "reactive electrophile, oxidised in vivo"),
    .init(
      "terminal vinyl ketone", "[CH2]=[CX3][CX3](=[OX1])[#6]",
      "unhindered enone: promiscuous Michael acceptor (acrylamides are not flagged)"),
    .init(
      "three-membered heterocycle", "[!#6;r3]",
      "epoxides, aziridines and thiiranes are alkylating agents", subset: "[!#6]", [.inThreeRing(0)]),
    .init(
      "acyclic disulfide", "[#16]-!@[#16]", "open-chain S–S bonds are reduced and exchanged in vivo",
      subset: "[#16]-[#16]", [.acyclicBond(0, 1)]),
    .init("α-halo carbonyl", "[CX4]([Cl,Br,I])[CX3]=[OX1]", "reactive alkylating agent"),
    .init("acyl cyanide", "[CX3](=[OX1])C#N", "acylating agent, releases cyanide"),
    .init(
      "heteroatom–halogen bond", "[#7,#8,#16X2][F,Cl,Br,I]",
      "N-, O- and S-halides are oxidants and halogenating agents"),
    .init("nitroso", "[#6,#7][NX2]=[OX1]", "nitroso compounds and nitrosamines: reactive, carcinogenic"),
    .init("isonitrile", "[C-]#[N+]", "isocyanides: reactive, rare in drugs"),
    .init("ynamine or ynol ether", "[#7,#8,#16]-[CX2]#[CX2]", "heteroatom on a C≡C: hydrolytically unstable"),
    .init(
      "acyclic imine", "[CX3;!$(C-[#7,#8,#16])]=!@[NX2]-[#6]",
      "open-chain Schiff bases hydrolyse to carbonyl + amine (amidines, oximes, hydrazones excluded)",
      subset: "[CX3]=[NX2]-[#6]", [.noSingleBondToNOS(0), .acyclicBond(0, 1)]),
    .init("carbamic acid", "[NX3][CX3](=[OX1])[OX2H]", "loses CO2 spontaneously"),
    .init("orthoester", "[CX4]([OX2])([OX2])[OX2]", "hydrolyses to an ester in acid"),
    .init(
      "acyclic hydrazine", "[NX3;!$(N-[#6,#16]=[O,S,N])]-!@[NX3;!$(N-[#6,#16]=[O,S,N])]",
      "non-acylated open-chain hydrazines: reducing, toxic", subset: "[NX3]-[NX3]",
      [.notAcylated(0), .notAcylated(1), .acyclicBond(0, 1)]),
    .init(
      "acyclic azo", "[#6]-[NX2]=!@[NX2]-[#6]", "azo compounds are reduced in vivo to anilines, and colour assays",
      subset: "[#6]-[NX2]=[NX2]-[#6]", [.acyclicBond(1, 2)]),
    .init("polyyne", "C#CC#C", "conjugated diynes are unstable and reactive"),
    .init("thiol", "[SX2H]", "oxidises to disulfides, chelates metals, interferes with assays"),
    .init("alkyl iodide", "[CX4]I", "reactive alkylating agent"),
    .init(
      "alkyl sulfonate", "[SX4](=[OX1])(=[OX1])[OX2][CX4]", "sulfonate esters are alkylating agents (genotoxic)"),
  ]

  /// The alerts that fire on `molecule`, in list order, each with the atoms of its first embedding.
  public static func hits(_ molecule: Molecule) -> [StabilityAlertHit] {
    let target = heavyAtomTarget(molecule)
    return all.compactMap { alert in
      firstEmbedding(alert, molecule, target).map { StabilityAlertHit(name: alert.name, atoms: $0) }
    }
  }

  /// The names of the alerts that fire on `molecule`.
  public static func names(_ molecule: Molecule) -> [String] { hits(molecule).map(\.name) }

  /// The molecule as a SMARTS target without hydrogen atoms (H counts are atom properties).
  static func heavyAtomTarget(_ molecule: Molecule) -> SMARTSTarget {
    var target = SMARTSTarget()
    for (a, atom) in molecule.atoms.enumerated() {
      target.atomicNumber.append(atom.atomicNumber)
      target.isAromatic.append(molecule.isAromaticAtom[a])
      target.charge.append(atom.formalCharge)
      target.hydrogens.append(atom.implicitHydrogens)
      target.connections.append(molecule.degree(a) + atom.implicitHydrogens)
      for n in molecule.neighbors[a] {
        target.neighborAtom.append(n.atom)
        target.neighborKind.append(molecule.isAromaticBond[n.bond] ? 4 : molecule.bonds[n.bond].order)
      }
      target.neighborStart.append(target.neighborAtom.count)
    }
    return target
  }

  /// The first embedding of `alert` (pattern atom → molecule atom) that meets its conditions.
  static func firstEmbedding(_ alert: StabilityAlert, _ molecule: Molecule, _ target: SMARTSTarget) -> [Int]? {
    let pattern = alert.subset
    let count = pattern.parents.count
    var mapping = [Int](repeating: -1, count: count)
    func extend(_ i: Int) -> Bool {
      if i == count { return alert.conditions.allSatisfy { holds($0, mapping, molecule) } }
      let parentAtom = mapping[pattern.parents[i]]
      for slot in target.neighborStart[parentAtom]..<target.neighborStart[parentAtom + 1] {
        let atom = target.neighborAtom[slot]
        guard !mapping[0..<i].contains(atom), SMARTSTarget.bondMatches(pattern.bonds[i], target.neighborKind[slot]),
          target.satisfies(pattern.expressions[i], atom)
        else { continue }
        mapping[i] = atom
        if extend(i + 1) { return true }
      }
      mapping[i] = -1
      return false
    }
    for root in molecule.atoms.indices where target.satisfies(pattern.expressions[0], root) {
      mapping[0] = root
      if extend(1) { return mapping }
    }
    return nil
  }

  /// Whether `condition` holds for the embedding `mapping`.
  static func holds(_ condition: StabilityAlert.Condition, _ mapping: [Int], _ m: Molecule) -> Bool {
    func singleBond(_ bond: Int) -> Bool { m.bonds[bond].order == 1 && !m.isAromaticBond[bond] }
    switch condition {
    case .acyclicBond(let i, let j):
      guard let link = m.neighbors[mapping[i]].first(where: { $0.atom == mapping[j] }) else { return false }
      return !m.isInRing(bond: link.bond)
    case .inThreeRing(let i):
      return m.rings.contains { $0.count == 3 && $0.contains(mapping[i]) }
    case .noSingleBondToHeteroatom(let i):
      return !m.neighbors[mapping[i]].contains { singleBond($0.bond) && m.atoms[$0.atom].atomicNumber != 6 }
    case .noSingleBondToNOS(let i):
      return !m.neighbors[mapping[i]].contains { singleBond($0.bond) && [7, 8, 16].contains(m.atoms[$0.atom].atomicNumber) }
    case .notAcylated(let i):
      return !m.neighbors[mapping[i]].contains { n in
        guard singleBond(n.bond), [6, 16].contains(m.atoms[n.atom].atomicNumber) else { return false }
        return m.neighbors[n.atom].contains { d in
          d.atom != mapping[i] && m.bonds[d.bond].order == 2 && !m.isAromaticBond[d.bond]
            && [7, 8, 16].contains(m.atoms[d.atom].atomicNumber)
        }
      }
    }
  }
}
