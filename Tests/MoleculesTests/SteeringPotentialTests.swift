import Chemistry
import Diffusion
import Testing
@testable import Molecules

/// The molecule steering potential: −λ · distance outside the target + μ · Tanimoto to the input.
@Suite struct SteeringPotentialTests {
  @Test func potentialCombinesTargetDistanceAndProximity() {
    let entries = MoleculeData.parse([("glycerol", "OCC(O)CO"), ("propanol", "CCCO"), ("octanol", "CCCCCCCCO")]).entries
    let molecules = entries.map { MoleculeData.encoding.decode($0.graph) }
    let input = Morgan.bits(molecules[0])
    let v = MoleculeData.vocabulary
    let state = GraphState(graphs: entries.map { MoleculeData.graph($0.graph) }, nodeClassCount: v.nodeClassCount, edgeClassCount: v.edgeClassCount)
    let target = PropertyTarget.drugLikeLogP
    let (lambda, mu) = (3.0, 5.0)
    let plain = MoleculeCounterfactualEngine.propertySteering(target: target, strength: lambda, scorer: PropertyScorer(.builtin(.logp)), reserve: 0, failure: SteeringFailure()).logPotential(state)
    let near = MoleculeCounterfactualEngine.propertySteering(target: target, strength: lambda, scorer: PropertyScorer(.builtin(.logp)), reserve: 0, failure: SteeringFailure(), proximity: mu, to: input).logPotential(state)
    for (i, molecule) in molecules.enumerated() {
      let logP = Crippen.logP(molecule)
      let distance = logP < 1.7 ? 1.7 - logP : logP > 3.8 ? logP - 3.8 : 0
      #expect(abs(plain[i] - -lambda * distance) < 1e-9, "\(entries[i].name): \(plain[i]) vs logP \(logP)")
      let similarity = Morgan.bits(molecule).tanimoto(input)
      #expect(abs(near[i] - (-lambda * distance + mu * similarity)) < 1e-9, "\(entries[i].name)")
    }
    // The input itself: similarity 1; glycerol (logP ≈ −1.7) lies ≈ 3.4 below the window.
    #expect(abs(near[0] - plain[0] - mu) < 1e-12)
    #expect(plain[0] < -lambda * 3 && plain[2] > plain[1])
  }

  /// The K best distinct of K·N particles: in target by similarity, then valid by distance to the
  /// target, then invalid; repeats of a molecule only fill up when distinct ones run out. The
  /// users' ranking uses the same key.
  @Test func bestDistinctRanksAndDeduplicates() {
    let graph = MoleculeData.parse([("x", "CCO")]).entries[0].graph
    func candidate(_ smiles: String, valid: Bool = true, after: Double, tanimoto: Double) -> MoleculeCounterfactual {
      let target = PropertyTarget.drugLikeLogP
      return MoleculeCounterfactual(row: MoleculeCounterfactualRow(
        inputId: 0, inputName: "x", method: .gdce, tau: 10, guidanceScale: 1, seed: 0, constrained: true, steering: 1, particles: 3,
        originalSMILES: "CCO", counterfactualSMILES: smiles, valid: valid, validity: valid ? "ok" : "bad", target: target.description,
        propertyBefore: 0, propertyAfter: after, inTarget: target.contains(after), tanimoto: tanimoto, fingerprint: "f",
        atomsChanged: 0, bondsChanged: 0, modelChecksum: ""), graph: graph)
    }
    let candidates = [
      candidate("A", after: 0.5, tanimoto: 0.9),   // valid, 1.2 below the window
      candidate("B", after: 2.0, tanimoto: 0.4),   // in the window
      candidate("C", after: 3.0, tanimoto: 0.7),   // in the window, closer to the input
      candidate("C", after: 3.0, tanimoto: 0.7),   // a resampled copy of C
      candidate("D", valid: false, after: 2.5, tanimoto: 0.95),
      candidate("E", after: 4.0, tanimoto: 0.8),   // valid, 0.2 above
    ]
    let names = { (k: Int) in MoleculeCounterfactualEngine.bestDistinct(candidates, count: k, target: .drugLikeLogP).map(\.row.counterfactualSMILES) }
    #expect(names(4) == ["C", "B", "E", "A"])
    #expect(names(5) == ["C", "B", "E", "A", "D"])
    #expect(names(6) == ["C", "B", "E", "A", "D", "C"])
    // Users' ranking: the same order, repeats where they fall.
    #expect(MoleculeCounterfactual.ranked(candidates, target: .drugLikeLogP).map(\.row.counterfactualSMILES) == ["C", "C", "B", "E", "A", "D"])
    // The realism guard: an in-target answer with an unstable group ranks after every realistic
    // molecule, the realistic near misses (closest to the target first) included, still before
    // the invalid ones; without the guard only the target and similarity count.
    var flagged = candidates
    flagged[2].row.alerts = "vinyl halide"
    flagged[3].row.alerts = "vinyl halide"
    #expect(MoleculeCounterfactual.ranked(flagged, target: .drugLikeLogP).map(\.row.counterfactualSMILES) == ["B", "E", "A", "C", "C", "D"])
    #expect(MoleculeCounterfactualEngine.bestDistinct(flagged, count: 4, target: .drugLikeLogP).map(\.row.counterfactualSMILES) == ["B", "E", "A", "C"])
    // When no realistic answer meets the target, the most similar unrealistic one leads.
    var onlyUnrealistic = flagged
    onlyUnrealistic[1].row.alerts = "acyl halide"
    #expect(MoleculeCounterfactual.ranked(onlyUnrealistic, target: .drugLikeLogP).map(\.row.counterfactualSMILES) == ["C", "E", "A", "C", "B", "D"])
    #expect(MoleculeCounterfactualEngine.bestDistinct(onlyUnrealistic, count: 3, target: .drugLikeLogP).map(\.row.counterfactualSMILES) == ["C", "E", "A"])
    #expect(MoleculeCounterfactual.ranked(flagged, target: .drugLikeLogP, realism: false).map(\.row.counterfactualSMILES) == ["C", "C", "B", "E", "A", "D"])
    // Much harder to make than the input (SA more than the margin above the input's): after the
    // answers that are not, before the realistic near misses and the unrealistic answers; at the
    // margin it still passes. The closest realistic answer leads even when it is harder.
    var harder = flagged
    for i in harder.indices { harder[i].row.saBefore = 2.0; harder[i].row.sa = 2.0 }
    harder[1].row.sa = 2.0 + MoleculeCounterfactualRow.accessibilityMargin + 0.01
    #expect(harder[1].row.isHarderToMake() && !harder[1].row.isHarderToMake(margin: 0.5))
    var g = candidate("G", after: 2.2, tanimoto: 0.35)
    (g.row.saBefore, g.row.sa) = (2.0, 2.4)
    let withFG = harder + [candidate("F", after: 2.5, tanimoto: 0.3), g]
    for i in withFG.indices.suffix(2) { #expect(withFG[i].row.meetsTarget) }
    #expect(MoleculeCounterfactual.ranked(withFG, target: .drugLikeLogP).map(\.row.counterfactualSMILES) == ["B", "F", "G", "E", "A", "C", "C", "D"])
    // A larger margin (--sa-margin 0.5): G, 0.4 harder to make, is an ordinary answer again.
    #expect(MoleculeCounterfactual.ranked(withFG, target: .drugLikeLogP, margin: 0.5).map(\.row.counterfactualSMILES) == ["B", "G", "F", "E", "A", "C", "C", "D"])
    #expect(MoleculeCounterfactual.ranked(withFG, target: .drugLikeLogP, realism: false).map(\.row.counterfactualSMILES) == ["C", "C", "B", "G", "F", "E", "A", "D"])
    // Chosen answers leave the harder ones out, the lead kept, and the places stay empty: the
    // near misses A and E are not promoted; every row says how many were left out.
    let best = MoleculeCounterfactualEngine.bestDistinct(withFG, count: 4, target: .drugLikeLogP)
    #expect(best.map(\.row.counterfactualSMILES) == ["B", "F", "G", "E"])
    let chosen = MoleculeCounterfactual.leavingOutHarder(best, margin: MoleculeCounterfactualRow.accessibilityMargin)
    #expect(chosen.map(\.row.counterfactualSMILES) == ["B", "F", "E"] && chosen.allSatisfy { $0.row.harderLeftOut == 1 })
    #expect(MoleculeCounterfactual.leavingOutHarder(best, margin: 0.5).map(\.row.counterfactualSMILES) == ["B", "F", "G", "E"])
    var settings = MoleculeCounterfactualSettings.recommended
    #expect(settings.chosen(best).count == 3)
    settings.realismGuard = false
    #expect(settings.chosen(best).map(\.row.counterfactualSMILES) == ["B", "F", "G", "E"] && settings.chosen(best).allSatisfy { $0.row.harderLeftOut == nil })
    // When the lead is not harder, every harder answer goes.
    harder[1].row.sa = 2.0 + MoleculeCounterfactualRow.accessibilityMargin
    #expect(!harder[1].row.isHarderToMake())
    #expect(MoleculeCounterfactual.ranked(harder, target: .drugLikeLogP).map(\.row.counterfactualSMILES) == ["B", "E", "A", "C", "C", "D"])
    var easyLead = harder + [g]
    easyLead[1].row.tanimoto = 0.9
    let easyChosen = MoleculeCounterfactual.leavingOutHarder(MoleculeCounterfactualEngine.bestDistinct(easyLead, count: 3, target: .drugLikeLogP), margin: 0.2)
    #expect(easyChosen.map(\.row.counterfactualSMILES) == ["B", "E"] && easyChosen[0].row.harderLeftOut == 1)
  }

  /// With the realism guard, a predicted molecule in target that is not realistic (an unstable
  /// group, a failed MOSES filter) loses the penalty (all three have logP in the window).
  @Test func realismPenaltyActsOnAlertedMolecules() {
    let entries = MoleculeData.parse([("chlorohexene", "ClC=CCCCC"), ("acyl chloride", "CCCCCC(=O)Cl"), ("hexyl chloride", "ClCCCCCC")]).entries
    let v = MoleculeData.vocabulary
    let state = GraphState(graphs: entries.map { MoleculeData.graph($0.graph) }, nodeClassCount: v.nodeClassCount, edgeClassCount: v.edgeClassCount)
    func potential(_ penalty: Double) -> [Double] {
      MoleculeCounterfactualEngine.propertySteering(
        target: .drugLikeLogP, strength: 2, scorer: PropertyScorer(.builtin(.logp)), reserve: 0, failure: SteeringFailure(), realismPenalty: penalty
      ).logPotential(state)
    }
    let (plain, guarded) = (potential(0), potential(7))
    for (i, entry) in entries.enumerated() {
      let realistic = RealismReport(MoleculeData.encoding.decode(entry.graph)).isRealistic
      #expect(abs(plain[i] - guarded[i] - (realistic ? 0 : 7)) < 1e-12, "\(entry.name): realistic \(realistic)")
    }
    let alerted = entries.map { !StabilityAlerts.hits(MoleculeData.encoding.decode($0.graph)).isEmpty }
    #expect(alerted == [true, true, false], "vinyl and acyl halides are alerts, an alkyl chloride is not")
  }
}
