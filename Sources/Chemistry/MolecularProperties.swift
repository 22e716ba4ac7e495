// Everything `cfx props` reports for one molecule, computed in one place.

/// The properties of one molecule, with the fingerprint named next to any similarity.
public struct MolecularProperties: Sendable, Codable, Equatable {
  /// Molecule name (may be empty).
  public var name: String
  /// Canonical SMILES (Open Babel canonical order, RDKit-model aromaticity, no stereo).
  public var canonicalSMILES: String
  /// Whether the validity check passed.
  public var valid: Bool
  /// Broken validity rules ("ok" when valid).
  public var validity: String
  /// Wildman–Crippen logP (RDKit MolLogP).
  public var logp: Double
  /// Open Babel's group-contribution logP.
  public var logpOpenBabel: Double
  /// Molecular weight (g/mol).
  public var molecularWeight: Double
  /// Topological polar surface area (Å², N and O, RDKit CalcTPSA).
  public var tpsa: Double
  /// Heavy atoms.
  public var heavyAtoms: Int
  /// Rings (symmetrized SSSR).
  public var rings: Int
  /// Aromatic rings.
  public var aromaticRings: Int
  /// Ertl–Schuffenhauer synthetic accessibility, 1 (easy) … 10 (hard) (RDKit's sascorer).
  public var sa: Double
  /// Names of the stability alerts that fire (StabilityAlerts), in list order; empty when none.
  public var alerts: [String]
  /// QED drug-likeness (RDKit `QED.qed`, mean weights), in (0, 1].
  public var qed: Double
  /// MOSES medicinal-chemistry filters the molecule fails (empty when it passes).
  public var mosesFilterFailures: [String]
  /// Tanimoto similarity to the reference molecule, when one was given.
  public var similarity: Double?
  /// The fingerprint the similarity used (e.g. "morgan-r2-bit2048"), when one was given.
  public var fingerprint: String?

  /// Computes the properties of a parsed record. `parsed` must carry Open Babel's logP (and
  /// ECFP4 when `reference` is an ECFP4 fingerprint).
  public static func compute(
    _ parsed: OpenBabel.Parsed, reference: Fingerprint? = nil
  ) throws(ChemistryError) -> MolecularProperties {
    let m = parsed.molecule
    guard let obLogP = parsed.logP else {
      throw .internalError("logp-openbabel was not computed for \(m.name)")
    }
    let report = m.validity
    var similarity: Double?
    if let reference {
      let fingerprint: Fingerprint
      switch reference.kind {
      case .openBabelECFP4:
        guard let fp = parsed.ecfp4 else { throw .internalError("ECFP4 was not computed for \(m.name)") }
        fingerprint = fp
      case .morganBits: fingerprint = Morgan.bits(m)
      case .morganCounts: fingerprint = Morgan.counts(m)
      }
      similarity = fingerprint.tanimoto(reference)
    }
    return MolecularProperties(
      name: m.name, canonicalSMILES: try OpenBabel.canonicalSMILES(of: m), valid: report.isValid,
      validity: report.summary, logp: Crippen.logP(m), logpOpenBabel: obLogP,
      molecularWeight: Descriptors.molecularWeight(m), tpsa: TPSA.value(m), heavyAtoms: m.heavyAtomCount,
      rings: Descriptors.ringCount(m), aromaticRings: Descriptors.aromaticRingCount(m),
      sa: SyntheticAccessibility.score(m), alerts: StabilityAlerts.names(m), qed: QED.value(m),
      mosesFilterFailures: MedicinalChemistryFilters.check(m).failures, similarity: similarity, fingerprint: reference?.kind.rawValue)
  }

  /// The fingerprint of `kind` for a parsed record (ECFP4 must have been requested).
  public static func fingerprint(_ parsed: OpenBabel.Parsed, kind: FingerprintKind) throws(ChemistryError) -> Fingerprint {
    switch kind {
    case .openBabelECFP4:
      guard let fp = parsed.ecfp4 else { throw .internalError("ECFP4 was not computed") }
      return fp
    case .morganBits: return Morgan.bits(parsed.molecule)
    case .morganCounts: return Morgan.counts(parsed.molecule)
    }
  }
}
