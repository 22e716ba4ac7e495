import Foundation
import Molecules
import Testing
import Workbench

/// Summaries must not depend on the order of their rows: rows arrive ranked (and the ranking
/// changes with floating-point rounding on other BLAS kernels), read back from a resumed run,
/// or grouped through dictionaries whose order changes from process to process.
@Suite struct SummaryOrderTests {
  /// Rows of two inputs at τ 5 and 15 with varied similarities, some invalid or off target.
  static func rows() -> [MoleculeCounterfactualRow] {
    var rows: [MoleculeCounterfactualRow] = []
    let tanimotos = [0.1, 0.7, 1.0 / 3.0, 0.2 + 0.1, 0.45, 0.9, 0.05, 0.6]
    for (k, t) in tanimotos.enumerated() {
      let tau = k % 2 == 0 ? 5 : 15
      rows.append(MoleculeCounterfactualRow(
        inputId: k / 4, inputName: "m\(k / 4)", method: .gdce, tau: tau, guidanceScale: 2, seed: 0, constrained: true, steering: 0,
        particles: 1, proximity: 0, originalSMILES: "CCO", counterfactualSMILES: "C\(String(repeating: "C", count: k))O", valid: k != 3,
        validity: k == 3 ? "disconnected" : "", target: "logp in [1.7, 3.8]", propertyBefore: 0, propertyAfter: 2,
        inTarget: k % 3 != 1, tanimoto: t, fingerprint: "morgan-r2-bit2048", atomsChanged: 1, bondsChanged: 1, modelChecksum: "x"))
    }
    return rows
  }

  /// The columns follow the requested τ order, whatever τ the best-ranked row has.
  @Test func explainSummaryFollowsTheRequestedTauOrder() {
    // Ranked as a run might rank them: τ 15's best row first.
    let ranked = Self.rows().sorted { $0.tanimoto > $1.tanimoto }
    #expect(ranked[0].tau == 15)
    #expect(ExplainMoleculesJob.summary(ranked, taus: [5, 15], inputs: 2, steering: 0).map(\.tau) == [5, 15])
    #expect(ExplainMoleculesJob.summary(ranked, taus: [15, 5], inputs: 2, steering: 0).map(\.tau) == [15, 5])
    #expect(ExplainMoleculesJob.summary(ranked, taus: [5, 5, 15], inputs: 2, steering: 0).map(\.tau) == [5, 15])
    // τ values of rows that were not requested (FreeGress's T) follow in ascending order.
    #expect(ExplainMoleculesJob.summary(ranked, taus: [], inputs: 2, steering: 0).map(\.tau) == [5, 15])
  }

  /// Every permutation of the rows gives the same column, to the last bit (compared as text:
  /// NaN ≠ NaN).
  @Test func evaluationColumnIsIndependentOfRowOrder() {
    let rows = Self.rows()
    let reference = String(describing: MoleculeEvaluationJob.column(method: "gdce", tau: 5, rows: rows, inputs: 2, novel: nil))
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<50 {
      let shuffled = rows.shuffled(using: &generator)
      #expect(String(describing: MoleculeEvaluationJob.column(method: "gdce", tau: 5, rows: shuffled, inputs: 2, novel: nil)) == reference)
    }
    // And it is the column computed by hand: valid 7 of 8; hits among them; best per input.
    let column = MoleculeEvaluationJob.column(method: "gdce", tau: 5, rows: rows, inputs: 2, novel: nil)
    let valid = rows.filter(\.valid), hits = valid.filter(\.inTarget)
    #expect(column.validity == 7.0 / 8 && column.accuracy == Double(hits.count) / 7)
    let best = [0, 1].compactMap { id in hits.filter { $0.inputId == id }.map(\.tanimoto).max() }
    #expect(abs(column.bestOfKMeanTanimoto - best.reduce(0, +) / Double(best.count)) < 1e-15)
    // Row 1 ("CCO") is the input itself: valid, but never in a similarity mean.
    let counted = valid.filter { !$0.isIdentity }
    #expect(counted.count == 6)
    #expect(abs(column.meanTanimoto - counted.map(\.tanimoto).reduce(0, +) / 6) < 1e-15)
  }
}
