import Chemistry
import Testing
import Molecules

/// Minimal-edit refinement undoes the edits a counterfactual does not need (values: RDKit
/// MolLogP and Morgan r2 2048-bit Tanimoto of the same molecules).
@Suite struct MinimalEditsTests {
  func graph(_ smiles: String) -> MolecularGraph { MoleculeData.parse([("x", smiles)]).entries[0].graph }

  @Test func undoesTheEditTheTargetDoesNotNeed() throws {
    // Hexane-1,6-diol (logP 0.53) → octane (both O → C; logP 3.37, Tanimoto 0.231): one O → C
    // already reaches the window (heptan-1-ol, logP 1.95, Tanimoto 0.615); both O back is 0.53.
    let input = graph("OCCCCCCO"), candidate = graph("CCCCCCCC")
    let fingerprint = Morgan.bits(MoleculeData.encoding.decode(input))
    let outcome = try MinimalEdits.refined(candidate, input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)))
    let molecule = MoleculeData.encoding.decode(outcome.graph)
    let changed = (0..<8).filter { outcome.graph.nodeClasses[$0] != input.nodeClasses[$0] }
    #expect(changed.count == 1 && [0, 7].contains(changed[0]), "\(outcome.graph.nodeClasses)")
    #expect(outcome.graph.edges == input.edges && outcome.steps >= 1)
    #expect(abs(Crippen.logP(molecule) - 1.949) < 0.01)
    #expect(abs(Morgan.bits(molecule).tanimoto(fingerprint) - 0.615) < 0.001)
    #expect(molecule.validity.isValid && PropertyTarget.drugLikeLogP.contains(Crippen.logP(molecule)))
  }

  /// Every trial refinement paid for is reported once, the candidate and the result among
  /// them, never the input: as many distinct molecules as the scorer counted evaluations.
  @Test func reportsEveryScoredTrialOnce() throws {
    let input = graph("OCCCCCCO"), candidate = graph("CCCCCCCC")
    let fingerprint = Morgan.bits(MoleculeData.encoding.decode(input))
    let scorer = PropertyScorer(.builtin(.logp))
    let outcome = try MinimalEdits.refined(candidate, input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: scorer)
    let smiles = outcome.scoredTrials.map(\.smiles)
    #expect(smiles.count == scorer.evaluations && Set(smiles).count == smiles.count, "\(smiles) for \(scorer.evaluations) evaluations")
    let written = { (g: MolecularGraph) in ScoredMolecule(g).smiles }
    #expect(smiles.contains(written(candidate)) && smiles.contains(written(outcome.graph)) && !smiles.contains(written(input)))
    for trial in outcome.scoredTrials { #expect(written(trial.graph) == trial.smiles) }
    // Outside the target: only the candidate was scored.
    let below = try MinimalEdits.refined(graph("OCCCCCCN"), input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)))
    #expect(below.scoredTrials.map(\.smiles) == [written(graph("OCCCCCCN"))])
  }

  /// For an input already in the target, undoing every edit would give the input back:
  /// refinement stops one edit short (a counterfactual differs from its input).
  @Test func neverRefinesBackToTheInput() throws {
    // Heptan-1-ol (logP 1.95, in the window) → octane (O → C, logP 3.37, also in the window).
    let input = graph("OCCCCCCC"), candidate = graph("CCCCCCCC")
    let fingerprint = Morgan.bits(MoleculeData.encoding.decode(input))
    let outcome = try MinimalEdits.refined(candidate, input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)))
    #expect(outcome.graph != input && outcome.graph == candidate && outcome.steps == 0)
  }

  /// A guard counts as part of the target: octane (logP 3.37) misses `logp <= 1.9`, so there is
  /// nothing to keep; a guard it meets changes nothing.
  @Test func guardsArePartOfTheTarget() throws {
    let input = graph("OCCCCCCO"), candidate = graph("CCCCCCCC")
    let fingerprint = Morgan.bits(MoleculeData.encoding.decode(input))
    let strict = try MinimalEdits.refined(
      candidate, input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)),
      keeps: [try PropertyTarget.parseGuard("logp<=1.9")])
    #expect(strict.graph == candidate && strict.steps == 0)
    let loose = try MinimalEdits.refined(
      candidate, input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)),
      keeps: [try PropertyTarget.parseGuard("mw=100:200")])
    #expect(loose.steps >= 1 && loose.graph != candidate)
  }

  @Test func guardsParse() throws {
    #expect(try PropertyTarget.parseGuard("sa<=3.5") == PropertyTarget(property: .sa, lower: nil, upper: 3.5))
    #expect(try PropertyTarget.parseGuard(" TPSA = 20:90 ") == PropertyTarget(property: .tpsa, lower: 20, upper: 90))
    #expect(try PropertyTarget.parseGuard("logp>=1") == PropertyTarget(property: .logp, lower: 1, upper: nil))
    for bad in ["sa", "oracle<=1", "qedx>=1", "sa<=x", "mw=5:1"] {
      #expect(throws: MoleculeDataError.self, "\(bad)") { try PropertyTarget.parseGuard(bad) }
    }
  }

  @Test func leavesCandidatesOutsideTheTargetOrInvalidAlone() throws {
    let input = graph("OCCCCCCO")
    let fingerprint = Morgan.bits(MoleculeData.encoding.decode(input))
    // Out of the window (logP 0.53 → pentan… still below 1.7): nothing to keep.
    let below = graph("OCCCCCCN")
    #expect(try MinimalEdits.refined(below, input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp))).graph == below)
    // Invalid (a pentavalent carbon): unchanged.
    var broken = graph("CCCCCCCC")
    broken.edges.append(MolecularGraph.Edge(begin: 1, end: 3, bondClass: 3))
    broken.edges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    let outcome = try MinimalEdits.refined(broken, input: input, inputFingerprint: fingerprint, target: .drugLikeLogP, scorer: PropertyScorer(.builtin(.logp)))
    #expect(outcome.graph == broken && outcome.steps == 0)
  }
}
