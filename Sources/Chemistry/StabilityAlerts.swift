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
// Matching: SMARTS.swift on the molecule's heavy atoms (hydrogens as atom properties), as RDKit
// matches these strings on a molecule without explicit hydrogens.

/// One named alert: SMARTS, reason, and how cfx evaluates it.
public struct StabilityAlert: Sendable {
  /// Short name, e.g. "acyl halide".
  public let name: String
  /// The definition in RDKit SMARTS syntax.
  public let smarts: String
  /// Why a chemist rejects the group, one line.
  public let reason: String

  /// The compiled pattern.
  let pattern: SMARTSPattern

  /// An alert `name` defined by `smarts`, rejected for `reason`.
  init(_ name: String, _ smarts: String, _ reason: String) {
    do { pattern = try SMARTSPattern(smarts) } catch {
      preconditionFailure("StabilityAlert \(name): \(error)")
    }
    (self.name, self.smarts, self.reason) = (name, smarts, reason)
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
      "open-chain enol ethers and esters hydrolyse to carbonyls in acid"),
    .init(
      "cyclic enol ether", "[OX2]([#6])[CX3]=@[CX3]",
      "enol ethers in a non-aromatic ring (dihydropyrans, dihydrofurans) hydrolyse to carbonyls in acid"),
    .init(
      "enamine methylene", "[NX3][CX3]=[CH2]",
      "an amide or ketone C=O turned into C=CH2 next to N: a hydrolytically labile enamine"),
    .init(
      "acyclic enamine", "[NX3][CX3]=!@[CX3]", "open-chain enamines hydrolyse to carbonyl + amine"),
    .init("vinyl halide", "[CX3]=[CX3][F,Cl,Br,I]", "halogen on a C=C: reactive, rare in drugs"),
    .init("acyl halide", "[CX3](=[OX1])[F,Cl,Br,I]", "acylating agent, hydrolyses in water"),
    .init("sulfonyl halide", "[SX4](=[OX1])(=[OX1])[F,Cl,Br,I]", "sulfonylating agent, hydrolyses in water"),
    .init(
      "N–O single bond", "[#7;+0]-[#8;+0]",
      "labile N–O bond (hydroxylamines, oximes, hydroxamic acids): reductive cleavage, rearrangements"),
    .init("hemiaminal", "[NX3][CX4][OX2H]", "falls apart into amine + carbonyl"),
    .init(
      "acyclic aminal", "[NX3]-!@[CX4]-!@[NX3]", "open-chain aminals hydrolyse to carbonyl + amines"),
    .init(
      "cyclic aminal", "[NX3;!$(N-[#6,#16]=[#7,#8,#16])]-@[CX4]-[NX3;!$(N-[#6,#16]=[#7,#8,#16])]",
      "two amine nitrogens on one ring carbon (imidazolidines, tetrahydroquinazolines) open to imines in water; acyl, sulfonyl and amidine nitrogens excluded"),
    .init("hemiacetal", "[OX2H][CX4][OX2]", "hemiacetals and hydrates are in equilibrium with the carbonyl"),
    .init("peroxide", "[OX2][OX2]", "O–O bond: oxidant, thermally and metabolically unstable"),
    .init(
      "thioketone or thioaldehyde", "[CX3;!$(C-[!#6])]=[SX1]",
      "C=S without a heteroatom on carbon: unstable, oligomerises and oxidises"),
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
      "epoxides, aziridines and thiiranes are alkylating agents"),
    .init(
      "acyclic disulfide", "[#16]-!@[#16]", "open-chain S–S bonds are reduced and exchanged in vivo"),
    .init("α-halo carbonyl", "[CX4]([Cl,Br,I])[CX3]=[OX1]", "reactive alkylating agent"),
    .init(
      "α-halo ether or amine", "[CX4]([Cl,Br,I])[#7X3,#8X2]",
      "halomethyl ethers, esters and amines alkylate (chloromethyl ethers are carcinogens); α-haloamines ionise to iminium ions"),
    .init(
      "nitrogen or sulfur mustard", "[NX3,SX2;!$([#7,#16]-[#6,#16]=[#7,#8,#16])][CX4][CX4][Cl,Br,I]",
      "2-haloethyl amines and sulfides cyclise to aziridinium and episulfonium ions: DNA alkylators (acyl and sulfonyl nitrogens excluded)"),
    .init("acyl cyanide", "[CX3](=[OX1])C#N", "acylating agent, releases cyanide"),
    .init(
      "heteroatom–halogen bond", "[#7,#8,#16X2][F,Cl,Br,I]",
      "N-, O- and S-halides are oxidants and halogenating agents"),
    .init("nitroso", "[#6,#7][NX2]=[OX1]", "nitroso compounds and nitrosamines: reactive, carcinogenic"),
    .init("isonitrile", "[C-]#[N+]", "isocyanides: reactive, rare in drugs"),
    .init("ynamine or ynol ether", "[#7,#8,#16]-[CX2]#[CX2]", "heteroatom on a C≡C: hydrolytically unstable"),
    .init(
      "acyclic imine", "[CX3;!$(C-[#7,#8,#16])]=!@[NX2]-[#6]",
      "open-chain Schiff bases hydrolyse to carbonyl + amine (amidines, oximes, hydrazones excluded)"),
    .init("carbamic acid", "[NX3][CX3](=[OX1])[OX2H]", "loses CO2 spontaneously"),
    .init("orthoester", "[CX4]([OX2])([OX2])[OX2]", "hydrolyses to an ester in acid"),
    .init(
      "acyclic hydrazine", "[NX3;!$(N-[#6,#16]=[O,S,N])]-!@[NX3;!$(N-[#6,#16]=[O,S,N])]",
      "non-acylated open-chain hydrazines: reducing, toxic"),
    .init(
      "acyclic azo", "[#6]-[NX2]=!@[NX2]-[#6]", "azo compounds are reduced in vivo to anilines, and colour assays"),
    .init("polyyne", "C#CC#C", "conjugated diynes are unstable and reactive"),
    .init("thiol", "[SX2H]", "oxidises to disulfides, chelates metals, interferes with assays"),
    .init("alkyl iodide", "[CX4]I", "reactive alkylating agent"),
    .init(
      "alkyl sulfonate", "[SX4](=[OX1])(=[OX1])[OX2][CX4]", "sulfonate esters are alkylating agents (genotoxic)"),
  ]

  /// The alerts that fire on `molecule`, in list order, each with the atoms of its first embedding.
  public static func hits(_ molecule: Molecule) -> [StabilityAlertHit] {
    let target = SMARTSTarget(molecule)
    return all.compactMap { alert in alert.pattern.firstMatch(target).map { StabilityAlertHit(name: alert.name, atoms: $0) } }
  }

  /// The names of the alerts that fire on `molecule`.
  public static func names(_ molecule: Molecule) -> [String] { hits(molecule).map(\.name) }
}
