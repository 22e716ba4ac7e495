import Basics
import Chemistry
import Foundation
import Molecules
import Testing
@testable import Workbench

@Suite struct MoleculeGenerationEvaluationTests {
  /// A row with the given judgements (valid rows carry logP, filters, alerts, SA and QED).
  static func row(_ column: String, _ index: Int, _ smiles: String, valid: Bool, filters: String = "", alerts: String = "",
                  inTarget: Bool = true, fragmented: Bool = false) -> GeneratedMoleculeRow {
    var row = GeneratedMoleculeRow(
      column: column, index: index, nodes: 5, smiles: smiles, valid: valid, validity: valid ? "ok" : "broken", fragmented: fragmented,
      overValent: !valid && !fragmented)
    if valid { (row.logp, row.inTarget, row.mosesFilters, row.alerts, row.sa, row.qed) = (2, inTarget, filters, alerts, 3, 0.5) }
    return row
  }

  /// Uniqueness counts first occurrences among valid rows only; novelty is of distinct valid
  /// SMILES; every "of valid" fraction ignores invalid rows; validAndFilterPass divides by all.
  @Test func columnNumbers() {
    let rows = MoleculeGenerationJob.markUniqueAndNovel([
      Self.row("c", 0, "CCO", valid: true),
      Self.row("c", 1, "CCO", valid: true, alerts: "enol"),
      Self.row("c", 2, "CCN", valid: true, filters: "MCF 3", inTarget: false),
      Self.row("c", 3, "C.C", valid: false, fragmented: true),
      Self.row("c", 4, "C(C)(C)(C)(C)C", valid: false),
    ], novel: { $0 != "CCN" })
    #expect(rows.map(\.unique) == [true, false, true, nil, nil])
    #expect(rows.map(\.novel) == [true, true, false, nil, nil])
    let c = MoleculeGenerationJob.column("c", rows: rows)
    #expect(c.samples == 5 && c.validity == 3.0 / 5 && c.fragmented == 1.0 / 5 && c.overValent == 1.0 / 5)
    #expect(c.uniqueness == 2.0 / 3 && c.novelty == 1.0 / 2)
    #expect(c.inTarget == 2.0 / 3 && c.filterPass == 2.0 / 3 && c.alertFree == 2.0 / 3 && c.realistic == 1.0 / 3)
    #expect(c.validAndFilterPass == 2.0 / 5 && c.meanSA == 3 && c.meanQED == 0.5 && c.meanLogP == 2)
    // Without a training set there is no novelty.
    #expect(MoleculeGenerationJob.column("t", rows: MoleculeGenerationJob.markUniqueAndNovel(rows, novel: nil)).novelty == nil)
  }

  /// A training molecule's row judges it as the generated ones are judged.
  @Test func knownMoleculesAreJudged() throws {
    let molecule = try MoleculeReader.parseSMILES("CC(=O)Nc1ccc(O)cc1").molecule
    let entry = try MoleculeData.entry(molecule, smiles: nil, name: "paracetamol").get()
    let row = MoleculeGenerationJob.row(entry.graph, column: "training", index: 0, target: .drugLikeLogP)
    #expect(row.valid && row.validity == "ok" && !row.fragmented && !row.overValent)
    #expect(row.logp.map { abs($0 - 1.3506) < 1e-3 } == true && row.inTarget == false)
    #expect(row.mosesFilters == "" && row.alerts == "" && row.sa != nil && row.qed != nil)
  }

  /// End to end on a tiny trained model: every file is written, samples.csv holds one row per
  /// molecule of each column and the summary is what its rows give; the valence-constrained
  /// column is all valid; a rerun continues from the journal and writes the same files; another
  /// seed is refused by the journal.
  @Test func evaluationWritesWhatItReports() throws {
    let model = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(MoleculePipelineTests.trainingRequest(model, steps: 10))
    let out = temporaryDirectory()
    let request = MoleculeGenerationRequest(
      modelDirectory: model, referenceFile: URL(fileURLWithPath: zincSubsetPath), outputDirectory: out, referenceLimit: 300, samples: 6,
      guidanceScale: 2, seed: 3, batchSize: 4)
    var quiet = request
    quiet.quiet = true
    let first = try MoleculeGenerationJob.run(quiet)
    #expect(first.evaluation.columns.map(\.name) == ["constrained", "unconstrained", "training"])
    #expect(first.evaluation.columns.allSatisfy { $0.samples == 6 } && first.evaluation.referenceCount == 300)
    // The valence constraint leaves no over-valent atom (fragments it cannot prevent).
    #expect(first.evaluation.columns[0].overValent == 0 && first.evaluation.columns[2].validity == 1)
    #expect(first.evaluation.targetLower == 1.7 && first.evaluation.targetUpper == 3.8)
    let csv = try String(contentsOf: out.appendingPathComponent("samples.csv"), encoding: .utf8)
    let records = try CSV.records(in: Substring(csv))
    let header = try #require(records.first?.fields)
    let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields)) }
    #expect(rows.count == 18)
    for column in first.evaluation.columns {
      let mine = rows.filter { $0["column"] == column.name }
      #expect(column.validity == Double(mine.filter { $0["valid"] == "1" }.count) / 6)
      let valid = mine.filter { $0["valid"] == "1" }
      let passing = Double(valid.filter { $0["moses_filters"] == "" }.count) / Double(valid.count)
      #expect(column.filterPass == passing || (valid.isEmpty && column.filterPass.isNaN))
    }
    let smi = try String(contentsOf: out.appendingPathComponent("samples.smi"), encoding: .utf8)
    #expect(smi.split(separator: "\n").count == rows.filter { $0["valid"] == "1" && $0["column"] != "training" }.count)
    let summary = try Data(contentsOf: out.appendingPathComponent("summary.json"))
    // A rerun takes every batch from the journal: the same files.
    _ = try MoleculeGenerationJob.run(quiet)
    #expect(try String(contentsOf: out.appendingPathComponent("samples.csv"), encoding: .utf8) == csv)
    #expect(try Data(contentsOf: out.appendingPathComponent("summary.json")) == summary)
    var other = quiet
    other.seed = 4
    #expect(throws: RunJournalError.self) { try MoleculeGenerationJob.run(other) }
  }
}
