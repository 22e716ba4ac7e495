import Chemistry
import Foundation
import Testing
@testable import Molecules

/// A user's model over the line protocol: answers read back exactly, every way an oracle can
/// misbehave named with the oracle and the molecule, evaluations counted and capped.
@Suite struct ExternalOracleTests {
  /// A POSIX-shell oracle that answers `answer` (shell code, the SMILES in $s) per SMILES and an
  /// empty line per batch (`read` takes one line at a time, so nothing waits in a buffer).
  static func shellOracle(_ answer: String, endOfBatch: String = "echo") -> String {
    #"while IFS= read -r s; do if [ -z "$s" ]; then \#(endOfBatch); else \#(answer); fi; done"#
  }
  /// An oracle answering the number of `O` characters of each SMILES.
  static let oxygenCounter = shellOracle(#"printf '%s\n' "$(printf %s "$s" | tr -cd O | wc -c)""#)

  func oracle(_ command: String, field: String? = nil, timeout: Double = 20, batch: Int = 256) throws -> ExternalOracle {
    try ExternalOracle(.init(name: "test", command: command, field: field, timeout: timeout, batchSize: batch))
  }

  @Test func answersComeBackInOrderAcrossBatches() throws {
    let o = try oracle(Self.oxygenCounter, batch: 2)
    defer { o.close() }
    #expect(try o.values(of: ["CCO", "OCCO", "CCC", "O=C(O)O", "c1ccccc1"]) == [1, 2, 0, 3, 0])
    #expect(try o.values(of: ["OO"]) == [2])
  }

  @Test func jsonObjectsNeedTheirField() throws {
    let json = Self.shellOracle(#"echo "{\"p\": 0.25, \"q\": ${#s}}""#)
    let withField = try oracle(json, field: "q")
    #expect(try withField.values(of: ["CCO", "CCCC"]) == [3, 4])
    withField.close()
    let without = try oracle(json)
    defer { without.close() }
    #expect(throws: OracleError.self) { try without.values(of: ["CCO"]) }
    do { _ = try without.values(of: ["CCO"]); Issue.record("no error") } catch {
      #expect(error.message.contains("--oracle-field") && error.message.contains("CCO"), "\(error)")
    }
  }

  /// Each misbehaviour gives an error naming the oracle and what went wrong with which molecule.
  @Test(arguments: [
    (shellOracle(":", endOfBatch: "echo 1; echo"), "answered 1 line(s) for a batch of 2"),
    (shellOracle("echo abc"), "not a number"),
    (shellOracle("echo nan"), "finite"),
    (shellOracle("echo 1; echo 2"), "more than 2"),
    ("echo 'model file missing' >&2; exit 3", "exited with status 3"),
    ("sleep 30", "no answer within"),
    ("/nonexistent/oracle-binary", "exited with status 127"),
  ])
  func misbehaviourIsReported(command: String, expected: String) throws {
    let o = try oracle(command, timeout: 1)
    defer { o.close() }
    do {
      _ = try o.values(of: ["CCO", "OCCN"])
      Issue.record("\(command): no error")
    } catch {
      #expect(error.oracle == "test")
      #expect(error.message.contains(expected), "\(command): \(error)")
      if expected.contains("status 3") { #expect(error.message.contains("model file missing") && error.message.contains("CCO")) }
      // The oracle's state is unknown after a failure: later calls fail the same way.
      #expect(throws: OracleError.self) { try o.values(of: ["C"]) }
    }
  }

  @Test func oracleFilesNameOracles() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-oracle-file-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("oracles.json")
    try Data(#"{"oxygens": {"command": "cat", "timeout": 5, "batch_size": 3}, "bad": {"timeout": 5}}"#.utf8).write(to: file)
    #expect(throws: OracleError.self) { try OracleFile.load(file) }  // "bad" has no command
    try Data(#"{"oxygens": {"command": "cat", "timeout": 5, "batch_size": 3}}"#.utf8).write(to: file)
    let entry = try OracleFile.resolve("oxygens", file: file)
    #expect(entry.name == "oxygens" && entry.command == "cat" && entry.timeout == 5 && entry.batchSize == 3 && entry.field == nil)
    #expect(throws: OracleError.self) { try OracleFile.resolve("toxicity", file: file) }
    #expect(try OracleFile.resolve("python3 tox.py", file: file).command == "python3 tox.py")
  }

  /// Evaluations are distinct molecules: repeats cost nothing, the budget caps new ones, a
  /// reserve is kept back, and all-or-nothing requests score none when they do not fit.
  @Test func scorerCountsDistinctMoleculesWithinTheBudget() throws {
    let molecules = ["CCO", "OCCO", "CCC", "CCCO", "OCCCO"].map { smiles in
      let m = try! MoleculeReader.parseSMILES(smiles, record: smiles).molecule
      return ScoredMolecule(molecule: m, smiles: try! OpenBabel.canonicalSMILES(of: m), isValid: m.validity.isValid)
    }
    let o = try oracle(Self.oxygenCounter)
    defer { o.close() }
    let scorer = PropertyScorer(.oracle(o), budget: 4)
    #expect(try scorer.values([molecules[0], molecules[1], molecules[0]]) == [1, 2, 1])
    #expect(scorer.evaluations == 2)
    // Two new molecules with one kept in reserve: all-or-nothing scores neither.
    #expect(try scorer.values([molecules[2], molecules[3], molecules[1]], reserve: 1, allOrNothing: true) == [nil, nil, 2])
    #expect(scorer.evaluations == 2 && scorer.unscored == 2)
    // Without the reserve both fit; then the budget is spent.
    #expect(try scorer.values([molecules[2], molecules[3]]) == [0, 1])
    #expect(try scorer.values([molecules[4], molecules[0]]) == [nil, 1])
    #expect(scorer.evaluations == 4 && scorer.remaining == 0)
    // Invalid molecules are never sent to an oracle (a built-in scores them).
    let invalid = ScoredMolecule(molecule: molecules[0].molecule, smiles: "C(C)(C)(C)(C)C", isValid: false)
    #expect(try PropertyScorer(.oracle(o)).value(invalid) == nil)
    #expect(try PropertyScorer(.builtin(.logp)).value(invalid) != nil)
  }

  /// The mutation baseline explains through the oracle alone (no model), within its budget,
  /// and its rows report values the oracle's rule gives.
  @Test func mutationSearchWithinBudget() throws {
    let o = try oracle(Self.oxygenCounter)
    defer { o.close() }
    let input = MoleculeData.parse([("diol", "OCCCCCCO")]).entries[0]
    let target = PropertyTarget(property: .oracle, lower: nil, upper: 0)
    let engine = MoleculeCounterfactualEngine(model: nil, modelChecksum: "", info: nil)
    let settings = MoleculeCounterfactualSettings(method: .mutate, sampling: .init(taus: [1], samples: 4, guidanceScale: 1, seed: 3), constrained: false)
    let scorer = PropertyScorer(.oracle(o), budget: 60)
    let rows = try engine.counterfactuals(of: input, inputId: 0, target: target, settings: settings, scorer: scorer).map(\.row)
    #expect(!rows.isEmpty && rows.count <= 4)
    #expect(scorer.evaluations <= 60 && rows.allSatisfy { $0.evaluations == scorer.evaluations })
    for row in rows {
      #expect(row.valid && row.propertyBefore == 2)
      #expect(row.propertyAfter == Double(row.counterfactualSMILES.filter { $0 == "O" }.count), "\(row.counterfactualSMILES)")
    }
    #expect(rows.contains { $0.inTarget }, "no mutant without O in 60 evaluations: \(rows.map(\.counterfactualSMILES))")
  }
}

/// The mutation baseline's answers are chosen by the ranking every method's answers share.
@Suite struct MutationSelectionTests {
  /// With the realism guard on, the baseline's closest realistic answer in target leads, then
  /// the realistic answers in target that are not much harder to make than the input, then its
  /// unrealistic ones, each tier most similar first, and the harder ones are left out (counted);
  /// off, the answers in target are ordered by similarity alone. The guard only chooses among
  /// the same scored mutants: it never costs evaluations, and it returns at least as many
  /// realistic answers in target that are as easy to make.
  @Test func realismGuardRanksMutants() throws {
    let input = MoleculeData.parse([("amide", "CC(=O)NCCc1ccccc1O")]).entries[0]
    let target = PropertyTarget(property: .logp, lower: 1.8, upper: nil)
    let engine = MoleculeCounterfactualEngine(model: nil, modelChecksum: "", info: nil)
    func answers(guard realism: Bool) throws -> (rows: [MoleculeCounterfactualRow], evaluations: Int) {
      var settings = MoleculeCounterfactualSettings(method: .mutate, sampling: .init(taus: [1], samples: 8, guidanceScale: 1, seed: 5), constrained: false)
      settings.realismGuard = realism
      let scorer = PropertyScorer(.builtin(.logp), budget: 200)
      let rows = try engine.counterfactuals(of: input, inputId: 0, target: target, settings: settings, scorer: scorer).map(\.row)
      return (rows, scorer.evaluations)
    }
    let (guarded, guardedCost) = try answers(guard: true)
    let (plain, plainCost) = try answers(guard: false)
    #expect(guardedCost == plainCost && plain.count == 8 && guarded.count + (guarded.first?.harderLeftOut ?? 0) == 8)
    #expect(guarded.allSatisfy { $0.harderLeftOut == guarded[0].harderLeftOut } && plain.allSatisfy { $0.harderLeftOut == nil })
    let hits = plain.filter(\.meetsTarget)
    #expect(hits.count == 8 && hits.contains(where: \.isUnrealistic), "the test needs unrealistic mutants in target: \(plain.map(\.counterfactualSMILES))")
    #expect(zip(plain, plain.dropFirst()).allSatisfy { $0.tanimoto >= $1.tanimoto })
    // The lead: the closest realistic answer in target of every mutant scored.
    #expect(guarded[0].meetsTarget && !guarded[0].isUnrealistic)
    #expect(plain.allSatisfy { !$0.meetsTarget || $0.isUnrealistic || $0.tanimoto <= guarded[0].tanimoto })
    // Tiers of the rest: realistic hits, realistic misses, unrealistic hits, the rest; none
    // harder to make than the margin allows.
    func tier(_ r: MoleculeCounterfactualRow) -> Int {
      r.meetsTarget ? (r.isUnrealistic ? 3 : r.isHarderToMake() ? 1 : 0) : r.isUnrealistic ? 4 : 2
    }
    let rest = Array(guarded.dropFirst())
    let tiers = rest.map(tier)
    #expect(zip(tiers, tiers.dropFirst()).allSatisfy { $0 <= $1 } && !rest.contains { $0.isHarderToMake() }, "\(tiers)")
    #expect(zip(rest, rest.dropFirst()).allSatisfy { a, b in tier(a) != tier(b) || !a.meetsTarget || a.tanimoto >= b.tanimoto })
    let easyHits = { (rows: [MoleculeCounterfactualRow]) in rows.filter { $0.meetsTarget && !$0.isUnrealistic && !$0.isHarderToMake() }.count }
    #expect(easyHits(guarded) > easyHits(plain), "\(guarded.map(\.counterfactualSMILES)) against \(plain.map(\.counterfactualSMILES))")
  }
}
