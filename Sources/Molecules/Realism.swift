// What cfx calls realistic in a molecule it proposes: no unstable or implausible group
// (Chemistry's StabilityAlerts) and the MOSES medicinal-chemistry filters passed (MCF and PAINS
// SMARTS, allowed atoms, no charge, no ring of 8 or more atoms; every MOSES training molecule
// passes them). Steering, refinement, ranking and the reports all use this one definition.

import Chemistry

/// Realism problems of a molecule.
public struct RealismReport: Sendable, Equatable {
  /// Names of the unstable or implausible groups found.
  public var alerts: [String]
  /// Names of the MOSES filters failed.
  public var filterFailures: [String]

  /// Judges `molecule`.
  public init(_ molecule: Molecule) {
    alerts = StabilityAlerts.names(molecule)
    filterFailures = MedicinalChemistryFilters.check(molecule).failures
  }

  /// Number of problems (alerts plus failed filters).
  public var problems: Int { alerts.count + filterFailures.count }

  /// Whether the molecule is realistic: no alert and every filter passed.
  public var isRealistic: Bool { problems == 0 }

  /// Whether `molecule` is realistic, stopping at the first problem.
  public static func isRealistic(_ molecule: Molecule) -> Bool {
    StabilityAlerts.hits(molecule).isEmpty && MedicinalChemistryFilters.passes(molecule)
  }
}
