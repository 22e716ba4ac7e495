import Basics
import Chemistry
import Diffusion
import DiffusionCore
import Foundation
@testable import Molecules
import NN
import Rendering
import Tensor
import Testing
import Workbench

/// The shipped 4,000-molecule ZINC/MOSES subset.
let zincSubsetPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("molecules/zinc-subset.smi").path

@Suite struct MoleculeDataTests {
  /// The valence budgets handed to the Diffusion module are RDKit's largest allowed valences
  /// (RDKit 2026.09.1: P 5, S 6, I 5, N+ 4).
  @Test func vocabularyGoldenValues() {
    let v = MoleculeData.vocabulary
    #expect(v.nodeClassNames == ["C", "N", "O", "F", "P", "S", "Cl", "Br", "I", "N+", "O-"])
    #expect(v.maximumValences == [4, 3, 2, 1, 5, 6, 1, 1, 5, 4, 1])
    #expect(v.bondOrders == [0, 1, 2, 3])
    #expect(abs(v.atomWeights[0] - 12.011) < 1e-4 && abs(v.atomWeights[7] - 79.904) < 1e-4)
  }

  @Test func targetParsing() throws {
    #expect(try PropertyTarget.parse("1.7:3.8", property: .logp) == .drugLikeLogP)
    let above = try PropertyTarget.parse(">=2.5", property: .logp)
    #expect(above.lower == 2.5 && above.upper == nil && above.contains(2.5) && !above.contains(2.49))
    let below = try PropertyTarget.parse("<=3", property: .mw)
    #expect(below.upper == 3 && below.lower == nil && below.description == "mw <= 3.0")
    for bad in ["abc", "3:1", ">=x", ":", "2.5"] {
      #expect(throws: MoleculeDataError.self, "\(bad)") { try PropertyTarget.parse(bad, property: .logp) }
    }
  }

  /// Molecules → examples: graphs round-trip, logP is Crippen's on the decoded graph, and the
  /// window class is the indicator of [1.7, 3.8].
  @Test func subsetBecomesExamples() throws {
    let (entries, skipped) = try MoleculeData.loadFile(zincSubsetPath, limit: 120)
    #expect(entries.count == 120 && skipped.isEmpty)
    let window = MoleculeData.examples(entries, kind: .window), continuous = MoleculeData.examples(entries, kind: .continuous)
    for (i, e) in entries.enumerated() {
      #expect(MoleculeData.molecularGraph(window[i].graph) == e.graph)
      let logp = Crippen.logP(MoleculeData.encoding.decode(e.graph))
      #expect(abs(logp - e.logp) < 1e-9)
      #expect(window[i].target == [(1.7...3.8).contains(e.logp) ? 1 : 0])
      #expect(continuous[i].target == [Float(e.logp)])
    }
    #expect(Set(window.map { $0.target[0] }) == [0, 1])
  }

  /// `cfx data molecules` JSON lines load, and a malformed line is reported by number.
  @Test func jsonLinesLoading() throws {
    let dir = temporaryDirectory()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let good = #"{"smiles":"CCO","nodes":[0,0,2],"edges":[[0,1,1],[1,2,1]],"logp":-0.0014,"mw":46.069,"tpsa":20.23,"heavy_atoms":3,"rings":0}"#
    let url = dir.appendingPathComponent("train.jsonl")
    try (good + "\n" + good + "\n").write(to: url, atomically: true, encoding: .utf8)
    let entries = try MoleculeData.loadJSONLines(url, namePrefix: "train")
    #expect(entries.count == 2 && entries[1].name == "train-1" && entries[0].graph.edges.count == 2)
    #expect(try MoleculeData.loadJSONLines(url, limit: 1, namePrefix: "t").count == 1)
    try (good + "\n" + #"{"smiles":"C","nodes":[0],"edges":[[0,5,1]],"logp":0}"# + "\n").write(to: url, atomically: true, encoding: .utf8)
    #expect { try MoleculeData.loadJSONLines(url, namePrefix: "t") } throws: { ($0 as? MoleculeDataError)?.message.contains("train.jsonl:2") == true }
  }

  /// A window model answers only its own window; a continuous model asks for the midpoint, or
  /// half a unit inside a one-sided bound.
  @Test func conditionTargets() throws {
    var info = MoleculeExperimentInfo(
      domain: "molecules", conditionKind: .window, property: .logp, window: .drugLikeLogP, trainingData: "x",
      trainingDataSHA256: "0", trainingCount: 1, validationCount: 0, size: .tiny)
    #expect(try info.conditionTarget(for: .drugLikeLogP) == [1])
    #expect(throws: MoleculeCounterfactualError.self) { try info.conditionTarget(for: PropertyTarget(property: .logp, lower: 2.5, upper: nil)) }
    info.conditionKind = .continuous
    #expect(try info.conditionTarget(for: .drugLikeLogP) == [Float(2.75)])
    #expect(try info.conditionTarget(for: PropertyTarget(property: .logp, lower: 2.5, upper: nil)) == [3])
    #expect(try info.conditionTarget(for: PropertyTarget(property: .logp, lower: nil, upper: 3)) == [2.5])
    #expect(throws: MoleculeCounterfactualError.self) { try info.conditionTarget(for: PropertyTarget(property: .tpsa, lower: 1, upper: 2)) }
  }
}

@Suite(.serialized) struct MoleculePipelineTests {
  static func trainingRequest(_ dir: URL, limit: Int = 200, steps: Int, resume: Bool = false, condition: MoleculeConditionKind = .window,
                              diffusionSteps: Int = 20, initialWeights: URL? = nil) -> MoleculeTrainingRequest {
    let options = TrainingOptions(
      steps: steps, batchSize: 16, schedule: .warmupCosine(peak: 3e-3, floor: 3e-4, warmup: 5, total: 40), clipNorm: 10,
      validateEvery: 0, checkpointEvery: 10, seed: 7)
    return MoleculeTrainingRequest(
      dataFile: URL(fileURLWithPath: zincSubsetPath), limit: limit, validationCount: 20, outputDirectory: dir, size: .tiny,
      conditionKind: condition, diffusionSteps: diffusionSteps, extraFeatures: .cycles, options: options, resume: resume, quiet: true,
      initialWeights: initialWeights)
  }

  /// A continuous-logP model warm-started from a window model: everything but the condition
  /// inputs is copied, experiment.json records the source, resume keeps it, an incompatible
  /// source is refused, and the model explains towards one- and two-sided targets.
  @Test func continuousModelWarmStartedFromAWindowModel() throws {
    let windowDir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(windowDir, steps: 5))
    let (windowModel, windowSum) = try GraphDiffusionModel.load(from: windowDir, domainFeatures: [MolecularVocabulary.self])

    let entries = try MoleculeTrainingJob.load(URL(fileURLWithPath: zincSubsetPath), limit: 200).entries.dropLast(20)
    let configuration = MoleculeExperiment.configuration(training: Array(entries), kind: .continuous, size: .tiny, diffusionSteps: 20)
    var rng = RandomGenerator(seed: 1)
    var model = GraphDiffusionModel(configuration, using: &rng)
    let fresh = Dictionary(uniqueKeysWithValues: model.namedParameters)
    let record = try MoleculeWarmStart.apply(from: windowDir, to: &model)
    #expect(record.sourceModelSHA256 == windowSum && record.sourceCondition == "window")
    #expect(record.freshParameters.count == 4 && record.freshParameters.contains("model.cf_null_token"))
    let trained = Dictionary(uniqueKeysWithValues: windowModel.namedParameters)
    for (name, value) in model.namedParameters {
      let expected = record.freshParameters.contains(name) ? fresh[name]! : trained[name]!
      #expect(value.isBitwiseEqual(to: expected), "\(name)")
    }
    #expect(record.copiedParameterCount + record.freshParameters.count == model.namedParameters.count)

    // Through the training job: recorded, kept on resume, refused for another T or with --resume.
    let dir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 10, condition: .continuous, initialWeights: windowDir))
    let info = try #require(try MoleculeExperimentInfo.load(from: dir))
    #expect(info.conditionKind == .continuous && info.warmStart == record)
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 20, resume: true, condition: .continuous))
    #expect(try MoleculeExperimentInfo.load(from: dir)?.warmStart == record)
    #expect(throws: TrainingError.self) {
      try MoleculeTrainingJob.run(Self.trainingRequest(temporaryDirectory(), steps: 5, condition: .continuous, diffusionSteps: 30, initialWeights: windowDir))
    }
    #expect(throws: TrainingError.self) {
      try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 30, resume: true, condition: .continuous, initialWeights: windowDir))
    }

    // The continuous model answers any logP target, one-sided included (the window model refuses these).
    let engine = try MoleculeCounterfactualEngine.load(from: dir)
    let glycerol = MoleculeData.parse([("x", "OCC(O)CO")]).entries[0]
    let settings = MoleculeCounterfactualSettings(method: .gdce, sampling: SamplingSettings(taus: [10], samples: 3, guidanceScale: 2, seed: 2), constrained: true)
    for target in [PropertyTarget(property: .logp, lower: 2.5, upper: nil), .drugLikeLogP] {
      let rows = try engine.counterfactuals(of: glycerol, inputId: 0, target: target, settings: settings).map(\.row)
      #expect(rows.count == 3 && rows.allSatisfy { $0.target == target.description && !$0.validity.contains("valence") })
    }
  }

  /// Fine-tuning keeps the source model's whole configuration and copies every weight, trains
  /// on molecules larger than the source's largest (which a fresh configuration check refuses),
  /// records the source in experiment.json, resumes with the source given again, and refuses to
  /// be combined with --init-from.
  @Test func fineTuningKeepsTheModelAndTakesLargerMolecules() throws {
    let sourceDir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(sourceDir, limit: 100, steps: 5))
    let (source, sourceSum) = try GraphDiffusionModel.load(from: sourceDir, domainFeatures: [MolecularVocabulary.self])
    let largest = source.configuration.maximumNodes
    // Subset molecules with three drug-sized ones among the training part (atorvastatin 41,
    // imatinib 37, a 30-atom peptide-like chain), the last 20 lines for validation.
    let large = ["CC(C)c1c(C(=O)Nc2ccccc2)c(-c2ccccc2)c(-c2ccc(F)cc2)n1CCC(O)CC(O)CC(=O)O",
                 "Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1",
                 "CC(C)CC(NC(=O)C(CC(C)C)NC(=O)C(CC(C)C)NC(=O)C(C)NC(=O)CN)C(=O)O"]
    let subset = try String(contentsOfFile: zincSubsetPath, encoding: .utf8).split(separator: "\n").prefix(60).map(String.init)
    let lines = large.enumerated().map { "\($1) large-\($0)" } + subset
    let data = temporaryDirectory().appendingPathExtension("smi")
    try lines.joined(separator: "\n").appending("\n").write(to: data, atomically: true, encoding: .utf8)
    let sizes = try MoleculeTrainingJob.load(data, limit: nil).entries.prefix(3).map { $0.graph.nodeClasses.count }
    #expect(sizes.allSatisfy { $0 > largest }, "\(sizes) against \(largest)")

    func request(_ dir: URL, steps: Int, resume: Bool = false, initialWeights: URL? = nil) -> MoleculeTrainingRequest {
      var r = Self.trainingRequest(dir, limit: 1_000, steps: steps, resume: resume, condition: .continuous, diffusionSteps: 30, initialWeights: initialWeights)
      (r.dataFile, r.fineTuneSource) = (data, sourceDir)
      return r
    }
    let dir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(request(dir, steps: 6))
    let (tuned, _) = try GraphDiffusionModel.load(from: dir, domainFeatures: [MolecularVocabulary.self])
    // The source's configuration, not the options' (continuous, T 30) nor one built from the data.
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    #expect(try encoder.encode(tuned.configuration) == encoder.encode(source.configuration))
    let info = try #require(try MoleculeExperimentInfo.load(from: dir))
    #expect(info.conditionKind == .window && info.size == .tiny && info.trainingCount == 43)
    let warmStart = try #require(info.warmStart)
    #expect(warmStart.keepsConfiguration == true && warmStart.freshParameters.isEmpty && warmStart.sourceModelSHA256 == sourceSum)
    #expect(warmStart.copiedParameterCount == source.namedParameters.count)
    let before = Dictionary(uniqueKeysWithValues: source.namedParameters)
    #expect(tuned.namedParameters.contains { !$0.1.isBitwiseEqual(to: before[$0.0]!) })
    // Resume: the source given again, its record kept.
    let resumed = try MoleculeTrainingJob.run(request(dir, steps: 10, resume: true))
    let resumedInfo = try MoleculeExperimentInfo.load(from: dir)
    #expect(resumed.steps == 10 && resumedInfo?.warmStart == warmStart)
    #expect(throws: TrainingError.self) { try MoleculeTrainingJob.run(request(temporaryDirectory(), steps: 2, initialWeights: sourceDir)) }
    // Resuming needs the source exactly when the run fine-tunes.
    var withoutSource = request(dir, steps: 12, resume: true)
    withoutSource.fineTuneSource = nil
    #expect(throws: TrainingError.self) { try MoleculeTrainingJob.run(withoutSource) }
    let plainDir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(plainDir, limit: 100, steps: 2))
    var plainWithSource = Self.trainingRequest(plainDir, limit: 100, steps: 4, resume: true)
    plainWithSource.fineTuneSource = sourceDir
    #expect(throws: TrainingError.self) { try MoleculeTrainingJob.run(plainWithSource) }
    // Without fine-tuning the source's configuration takes no larger molecule.
    let examples = MoleculeData.examples(try MoleculeTrainingJob.load(data, limit: 40).entries, kind: .window)
    let options = TrainingOptions(steps: 1, batchSize: 4, schedule: .constant(1e-3), validateEvery: 0, checkpointEvery: 0, seed: 1)
    #expect(throws: TrainingError.self) { _ = try GraphTrainer(model: source, training: examples, validation: [], options: options) }
    _ = try GraphTrainer(model: source, training: examples, validation: [], options: options, allowsLargerGraphs: true)
  }

  /// Training writes the checkpoint and experiment.json with the data checksum; resuming with
  /// other data is refused; the model then explains molecules with every reported fact checkable.
  @Test func trainResumeAndExplain() throws {
    let dir = temporaryDirectory()
    let first = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 10))
    #expect(first.steps == 10)
    let info = try #require(try MoleculeExperimentInfo.load(from: dir))
    #expect(info.trainingDataSHA256 == SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: zincSubsetPath)))))
    #expect(info.trainingCount == 180 && info.validationCount == 20 && info.domain == "molecules")
    #expect(throws: TrainingError.self) { try MoleculeTrainingJob.run(Self.trainingRequest(dir, limit: 150, steps: 20, resume: true)) }
    let resumed = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 20, resume: true))
    #expect(resumed.steps == 20 && resumed.log.last?.step == 20)
    // Exact resume: 10 + 10 steps give the same weights as 20 straight.
    let straightDirectory = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(straightDirectory, steps: 20))
    let weights = { (d: URL) in try Data(contentsOf: d.appendingPathComponent("model.safetensors")) }
    #expect(try weights(straightDirectory) == weights(dir))

    let out = temporaryDirectory()
    let request = ExplainMoleculesRequest(
      modelDirectory: dir, smiles: [("argument 1", "CCCCCCCCCCCCOc1ccccc1 ether"), ("argument 2", "C1CC"), ("argument 3", "OCC(O)CO glycerol")],
      inputFiles: [], target: .drugLikeLogP,
      settings: MoleculeCounterfactualSettings(method: .gdce, sampling: SamplingSettings(taus: [5, 15], samples: 4, guidanceScale: 2, seed: 1), constrained: true),
      referenceFile: nil, referenceLimit: nil, outputDirectory: out, show: 3, quiet: true)
    let outcome = try #require(try ExplainMoleculesJob.run(request))
    #expect(outcome.skipped.count == 1 && outcome.skipped[0].hasPrefix("argument 2"))
    // Samples that reproduce their input are dropped and counted; none is left in the rows.
    #expect(outcome.rows.count + outcome.inputs.reduce(0) { $0 + $1.identityRowsDropped } == 2 * 2 * 4)
    #expect(!outcome.rows.contains(where: \.isIdentity) && outcome.inputs.allSatisfy { $0.status == "needs a counterfactual" })
    // The metrics over all inputs, per τ, as the evaluation computes them (no novelty without a reference).
    let tau5 = outcome.rows.filter { $0.tau == 5 }, tau15 = outcome.rows.filter { $0.tau == 15 }
    #expect(outcome.summary.map(\.tau) == [5, 15] && outcome.summary.map(\.generated) == [tau5.count, tau15.count] && outcome.summary.allSatisfy { $0.novelty.isNaN })
    #expect(outcome.summary[0].validity == Double(tau5.filter(\.valid).count) / Double(tau5.count))
    #expect(outcome.summary[0].bestOfKSuccess == Double(Set(tau5.filter { $0.valid && $0.inTarget }.map(\.inputId)).count) / 2)
    for row in outcome.rows {
      // Constrained sampling never leaves an atom above its valence.
      #expect(!row.validity.contains("valence"), "\(row.counterfactualSMILES): \(row.validity)")
      #expect(row.fingerprint == "morgan-r2-bit2048" && row.atomsChanged != nil && row.bondsChanged != nil)
      if row.valid && !row.counterfactualSMILES.isEmpty {
        let molecule = try MoleculeReader.parseSMILES(row.counterfactualSMILES).molecule
        #expect(abs(Crippen.logP(molecule) - row.propertyAfter) < 1e-3, "\(row.counterfactualSMILES)")
        #expect(row.inTarget == PropertyTarget.drugLikeLogP.contains(row.propertyAfter))
      }
    }
    let csv = try String(contentsOf: out.appendingPathComponent("counterfactuals.csv"), encoding: .utf8)
    #expect(csv.hasPrefix("input_id,input_name,original_smiles,counterfactual_smiles,tau,method"))
    #expect(csv.split(separator: "\n").count == 1 + outcome.rows.count)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("counterfactuals.json"))) as? [String: Any]
    #expect((json?["summary"] as? [Any])?.count == 2)
    // The manifests name the arithmetic that made them (BLAS core, kernel code path).
    let arithmetic = json?["arithmetic"] as? [String: String]
    #expect(arithmetic?["blasCore"] == ArithmeticProvenance.current.blasCore && arithmetic?["kernelDispatch"] == ArithmeticProvenance.current.kernelDispatch)
    #expect(info.arithmetic == nil || info.arithmetic?.last == .current)
    #expect(try MoleculeExperimentInfo.load(from: dir)?.arithmetic == [.current])
    for file in ["counterfactuals.json", "counterfactuals.sdf", "input-0.svg", "input-1.svg"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
    }

    // Graph mode refuses a molecule model with a message naming its domain instead of trapping.
    do {
      _ = try GraphCounterfactualEngine(modelDirectory: dir)
      Issue.record("the graph engine loaded a molecule model")
    } catch {
      #expect("\(error)".contains("'molecular' domain features") && "\(error)".contains("cfx explain molecules"), "\(error)")
    }
    // The explain benchmark times the bundled example molecules.
    let bench = try ExplainBenchmark.runMolecules(
      modelDirectory: dir, settings: MoleculeCounterfactualSettings(method: .gdce, sampling: SamplingSettings(taus: [3], samples: 2, guidanceScale: 2), constrained: true), repeats: 1)
    #expect(bench.domain == "molecules" && bench.graphs.count == bench.bestSeconds.count && bench.graphs.count >= 5)
    #expect(bench.bestSeconds.allSatisfy { $0 > 0 && $0.isFinite })

    // A target the window model was not conditioned on: refused without steering (the message
    // says how), reached by steering the unconditional model with it; rows record λ.
    let lowTarget = PropertyTarget(property: .logp, lower: nil, upper: 0.5)
    let glycerol = MoleculeData.parse([("x", "OCC(O)CO")]).entries[0]
    let steeringEngine = try MoleculeCounterfactualEngine.load(from: dir)
    #expect(throws: MoleculeCounterfactualError.self) {
      try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: lowTarget, settings: request.settings)
    }
    var steered = request.settings
    steered.steering = 4
    let steeredRows = try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: lowTarget, settings: steered).map(\.row)
    #expect(steeredRows.count == 8 && steeredRows.allSatisfy { $0.steering == 4 && $0.target == lowTarget.description })
    #expect(steeredRows == (try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: lowTarget, settings: steered).map(\.row)))
    // More particles than answers: still K rows per τ, the particle count recorded; refused without steering.
    var crowded = steered
    crowded.particles = 3
    let crowdedRows = try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: lowTarget, settings: crowded).map(\.row)
    // (The realism guard may leave out answers much harder to make than the input: counted.)
    func answered(_ rows: [MoleculeCounterfactualRow]) -> Int { rows.count + (MoleculeCounterfactualRow.harderLeftOut(of: rows) ?? 0) }
    #expect(answered(crowdedRows) == 8 && crowdedRows.allSatisfy { $0.particles == 3 })
    var unsteeredCrowd = request.settings
    unsteeredCrowd.particles = 3
    #expect(throws: MoleculeCounterfactualError.self) {
      try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: .drugLikeLogP, settings: unsteeredCrowd)
    }
    // Proximity: recorded in every row, and a term of the steering potential only (refused without it).
    var near = crowded
    near.proximity = 5
    let nearRows = try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: lowTarget, settings: near).map(\.row)
    #expect(answered(nearRows) == 8 && nearRows.allSatisfy { $0.proximity == 5 && $0.particles == 3 })
    // Refinement: recorded, and the best in-target answer is at least as close as without it
    // (the same particles; refinement never lowers a candidate's similarity).
    var refinedSettings = crowded
    refinedSettings.refine = true
    let refinedRows = try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: lowTarget, settings: refinedSettings).map(\.row)
    #expect(answered(refinedRows) == 8 && refinedRows.allSatisfy { $0.refined } && crowdedRows.allSatisfy { !$0.refined })
    func bestHit(_ rows: [MoleculeCounterfactualRow]) -> Double { rows.filter { $0.valid && $0.inTarget }.map(\.tanimoto).max() ?? -1 }
    #expect(bestHit(refinedRows) >= bestHit(crowdedRows))
    var unsteeredNear = request.settings
    unsteeredNear.proximity = 5
    #expect(throws: MoleculeCounterfactualError.self) {
      try steeringEngine.counterfactuals(of: glycerol, inputId: 0, target: .drugLikeLogP, settings: unsteeredNear)
    }

    // FreeGress: samples from T with the input's atom count, no slot correspondence.
    var settings = request.settings
    settings.method = .freegress
    let engine = try MoleculeCounterfactualEngine.load(from: dir)
    let input = MoleculeData.parse([("x", "OCC(O)CO")]).entries[0]
    let free = try engine.counterfactuals(of: input, inputId: 0, target: .drugLikeLogP, settings: settings)
    // A τ's rows do not depend on the other τ values of the request.
    var single = request.settings
    single.sampling.taus = [15]
    let alone = try engine.counterfactuals(of: input, inputId: 2, target: .drugLikeLogP, settings: single).map(\.row)
    let together = try engine.counterfactuals(of: input, inputId: 2, target: .drugLikeLogP, settings: request.settings).map(\.row)
    #expect(alone == together.filter { $0.tau == 15 })
    #expect(free.count == 4 && free.allSatisfy { $0.row.tau == 20 && $0.row.atomsChanged == nil && $0.graph.nodeClasses.count == 6 })

    // The Table 2 job end to end on the tiny model: 2 + 2 inputs, one τ, both baselines.
    let evalOut = temporaryDirectory()
    let evaluation = try #require(try MoleculeEvaluationJob.run(MoleculeEvaluationRequest(
      modelDirectory: dir, testFile: URL(fileURLWithPath: zincSubsetPath), referenceFile: URL(fileURLWithPath: zincSubsetPath),
      referenceLimit: 200, inputsPerSide: 2, sampling: SamplingSettings(taus: [5], samples: 3, guidanceScale: 2, seed: 4), constrained: true, baselines: true,
      outputDirectory: evalOut, notebook: nil, quiet: true)))
    #expect(evaluation.summary.columns.map(\.method) == ["gdce", "freegress", "nearest"])
    #expect(evaluation.summary.columns.map(\.generated) == [12, 12, 4])
    #expect(evaluation.summary.columns[2].validity == 1 && evaluation.summary.columns[2].accuracy == 1 && evaluation.summary.columns[2].novelty == 0)
    let evalCSV = try String(contentsOf: evalOut.appendingPathComponent("counterfactuals.csv"), encoding: .utf8)
    #expect(evalCSV.split(separator: "\n").count == 1 + 28)
    for file in ["summary.json", "notebooks-export/molecules.ipynb", "notebooks-export/molecules.html"] {
      #expect(FileManager.default.fileExists(atPath: evalOut.appendingPathComponent(file).path), "\(file)")
    }
    // The journal holds the GDCE and FreeGress pair of each of the 4 inputs (retrieval is
    // always recomputed).
    let evalJournal = try Data(contentsOf: evalOut.appendingPathComponent(RunJournal.fileName))
    #expect(evalJournal.split(separator: 0x0A).count == 1 + 4 * 2)

    // Killed while writing the fourth pair: its line is torn. The resumed run writes the same
    // files as the straight one.
    let resumedOut = temporaryDirectory()
    try FileManager.default.createDirectory(at: resumedOut, withIntermediateDirectories: true)
    let fourthLineEnd = evalJournal.indices.filter { evalJournal[$0] == 0x0A }[4]
    try evalJournal.prefix(fourthLineEnd - 40).write(to: resumedOut.appendingPathComponent(RunJournal.fileName))
    func evaluationRequest(_ out: URL, scale: Float = 2) -> MoleculeEvaluationRequest {
      MoleculeEvaluationRequest(
        modelDirectory: dir, testFile: URL(fileURLWithPath: zincSubsetPath), referenceFile: URL(fileURLWithPath: zincSubsetPath),
        referenceLimit: 200, inputsPerSide: 2, sampling: SamplingSettings(taus: [5], samples: 3, guidanceScale: scale, seed: 4), constrained: true, baselines: true,
        outputDirectory: out, notebook: nil, quiet: true)
    }
    let resumed2 = try #require(try MoleculeEvaluationJob.run(evaluationRequest(resumedOut)))
    #expect(try String(contentsOf: resumedOut.appendingPathComponent("counterfactuals.csv"), encoding: .utf8) == evalCSV)
    // Compared as text: a column without any success has NaN best-of-K values (NaN ≠ NaN).
    #expect(String(describing: resumed2.summary.columns) == String(describing: evaluation.summary.columns))
    // Another guidance scale is another run: refused, naming the difference, unless restarted.
    #expect(throws: RunJournalError.self) { try MoleculeEvaluationJob.run(evaluationRequest(resumedOut, scale: 3)) }
    var restarted = evaluationRequest(resumedOut, scale: 3)
    restarted.restart = true
    #expect(try #require(try MoleculeEvaluationJob.run(restarted)).summary.guidanceScale == 3)

    // Shards: inputs 0..<1 and 1..<4 computed in directories of their own, merged into the
    // full run, which then writes the straight run's file without computing a pair again.
    var shardDirectories: [URL] = []
    for range in [0..<1, 1..<4] {
      var shard = evaluationRequest(temporaryDirectory())
      shard.inputRange = range
      let shardOutcome = try #require(try MoleculeEvaluationJob.run(shard))
      #expect(shardOutcome.summary.columns[0].generated == 3 * range.count)
      shardDirectories.append(shard.outputDirectory)
    }
    let mergedOut = temporaryDirectory()
    var merged = evaluationRequest(mergedOut)
    merged.mergeFrom = shardDirectories
    _ = try #require(try MoleculeEvaluationJob.run(merged))
    #expect(try String(contentsOf: mergedOut.appendingPathComponent("counterfactuals.csv"), encoding: .utf8) == evalCSV)
    #expect(try Data(contentsOf: mergedOut.appendingPathComponent(RunJournal.fileName)).split(separator: 0x0A).count == 1 + 4 * 2)

    // Several steering strengths: one GDCE column each, the steered one recorded as such.
    var steeredRequest = MoleculeEvaluationRequest(
      modelDirectory: dir, testFile: URL(fileURLWithPath: zincSubsetPath), referenceFile: URL(fileURLWithPath: zincSubsetPath),
      referenceLimit: 200, inputsPerSide: 1, sampling: SamplingSettings(taus: [5], samples: 3, guidanceScale: 2, seed: 4), constrained: true, baselines: false,
      outputDirectory: temporaryDirectory(), notebook: nil, quiet: true)
    steeredRequest.steerings = [0, 3]
    steeredRequest.budgets = [3, 12]
    let steeredEvaluation = try #require(try MoleculeEvaluationJob.run(steeredRequest))
    let columns = steeredEvaluation.summary.columns
    #expect(columns.prefix(2).map(\.steering) == [0, 3] && columns.prefix(2).allSatisfy { $0.generated == 6 && $0.budget == nil })
    // Budget columns: GDCE and the mutation baseline per budget, neither spending more than B
    // per input; at B = 3 GDCE draws B − 1 = 2 answers per input.
    #expect(columns.dropFirst(2).map(\.method) == ["gdce", "mutate", "gdce", "mutate"] && columns.dropFirst(2).map(\.budget) == [3, 3, 12, 12])
    for column in columns.dropFirst(2) { #expect(column.meanEvaluations.map { $0 >= 1 && $0 <= Double(column.budget!) } == true, "\(column)") }
    #expect(columns[2].generated + (columns[2].harderLeftOut ?? 0) == 4)
    // Chosen answers count what the realism guard left out (plain rounds choose nothing), and
    // the table says so.
    #expect(columns.prefix(1).allSatisfy { $0.harderLeftOut == nil } && columns.dropFirst(2).allSatisfy { $0.harderLeftOut != nil })
    #expect(steeredEvaluation.text.contains("left out as harder to make than the input"))
    let budgetRows = try String(contentsOf: steeredRequest.outputDirectory.appendingPathComponent("counterfactuals.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().compactMap { MoleculeCounterfactualRow(csvLine: $0) }.filter { $0.budget != nil }
    #expect(!budgetRows.isEmpty && budgetRows.allSatisfy { $0.evaluations! <= $0.budget! })
  }

  /// Rows survive the CSV round trip exactly, quoted fields included.
  @Test func rowCSVRoundTrip() throws {
    let row = MoleculeCounterfactualRow(
      inputId: 7, inputName: "aspirin, \"batch 2\"", method: .gdce, tau: 50, guidanceScale: 2.5, seed: 9, constrained: true, steering: 2.5, particles: 3,
      proximity: 0.1 + 0.7, originalSMILES: "CC(=O)Oc1ccccc1C(=O)O", counterfactualSMILES: "CC(=O)Oc1ccccc1C(=O)N", valid: false,
      validity: "N1: valence 4 > 3, charge", target: "logp in [1.7, 3.8]", propertyBefore: 1.3101, propertyAfter: 0.1 + 0.2,
      inTarget: false, tanimoto: 1.0 / 3.0, fingerprint: "morgan-r2-bit2048", atomsChanged: 1, bondsChanged: nil, modelChecksum: "abc")
    #expect(MoleculeCounterfactualRow(csvLine: Substring(row.csvLine)) == row)
    for inputInTarget in [true, false] {
      var other = row
      other.inputInTarget = inputInTarget
      #expect(MoleculeCounterfactualRow(csvLine: Substring(other.csvLine)) == other)
      #expect(other.csvLine.hasSuffix(inputInTarget ? ",true,,,variant,,,,,,,,,," : ",false,,,counterfactual,,,,,,,,,,"))
    }
    var standardized = row
    (standardized.inputSMILES, standardized.standardization) = ("CC(=O)Oc1ccccc1C(=O)[O-].[Na+]", "kept C9H7O4-; removed Na+, \"x\"")
    #expect(MoleculeCounterfactualRow(csvLine: Substring(standardized.csvLine)) == standardized)
    var counted = row
    (counted.evaluations, counted.budget) = (87, 100)
    #expect(MoleculeCounterfactualRow(csvLine: Substring(counted.csvLine)) == counted && counted.csvLine.hasSuffix(",87,100,,,,,,,,"))
    var judged = counted
    (judged.sa, judged.alerts) = (2.875, "vinyl halide; enol")
    #expect(MoleculeCounterfactualRow(csvLine: Substring(judged.csvLine)) == judged && judged.csvLine.hasSuffix(",87,100,2.875,vinyl halide; enol,,,,,,"))
    judged.alerts = ""
    #expect(MoleculeCounterfactualRow(csvLine: Substring(judged.csvLine)) == judged)
    judged.keepFailed = "sa <= 3.0"
    #expect(MoleculeCounterfactualRow(csvLine: Substring(judged.csvLine)) == judged && !judged.isSuccess)
    (judged.qed, judged.mosesFilters) = (0.61, "MCF7; charge")
    #expect(MoleculeCounterfactualRow(csvLine: Substring(judged.csvLine)) == judged && judged.csvLine.hasSuffix(",0.61,MCF7; charge,,,"))
    var drawn = judged
    drawn.drawnTau = 17
    #expect(MoleculeCounterfactualRow(csvLine: Substring(drawn.csvLine)) == drawn && drawn.csvLine.hasSuffix(",0.61,MCF7; charge,17,,"))
    var compared = drawn
    compared.saBefore = 2.25
    #expect(MoleculeCounterfactualRow(csvLine: Substring(compared.csvLine)) == compared && compared.csvLine.hasSuffix(",17,2.25,"))
    var thinned = compared
    thinned.harderLeftOut = 3
    #expect(MoleculeCounterfactualRow(csvLine: Substring(thinned.csvLine)) == thinned && thinned.csvLine.hasSuffix(",17,2.25,3"))
    // Lines written before harder_left_out (37 columns), sa_before (36) and drawn_tau (35) read
    // back without them.
    #expect(MoleculeCounterfactualRow(csvLine: Substring(thinned.csvLine.dropLast(2))) == compared)
    #expect(MoleculeCounterfactualRow(csvLine: Substring(compared.csvLine.dropLast(6))) == drawn)
    #expect(MoleculeCounterfactualRow(csvLine: Substring(compared.csvLine.dropLast(9))) == judged)
    var identity = row
    identity.counterfactualSMILES = row.originalSMILES
    #expect(identity.isIdentity && identity.csvLine.hasSuffix(",identity,,,,,,,,,,") && !identity.isSuccess)
    #expect(MoleculeCounterfactualRow(csvLine: Substring(row.csvLine.dropLast(13))) != row)
    #expect(MoleculeCounterfactualRow(csvLine: "7,\"unbalanced,x") == nil)
  }

  /// An input already in the target is reported as such (terminal, JSON, status column), and
  /// retrieval never returns the input itself even when it is in the reference set.
  @Test func inputAlreadyInTargetIsReportedAndNeverItsOwnCounterfactual() throws {
    let reference = try MoleculeData.loadFile(zincSubsetPath, limit: 150).entries
    let inside = try #require(reference.first { PropertyTarget.drugLikeLogP.contains($0.logp) })
    let outside = try #require(reference.first { !PropertyTarget.drugLikeLogP.contains($0.logp) })
    let dataDirectory = temporaryDirectory()
    try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
    let data = dataDirectory.appendingPathComponent("reference.smi")
    try reference.map { "\($0.smiles) \($0.name)" }.joined(separator: "\n").write(to: data, atomically: true, encoding: .utf8)
    let out = temporaryDirectory()
    let request = ExplainMoleculesRequest(
      modelDirectory: nil, smiles: [("argument 1", inside.smiles), ("argument 2", outside.smiles)], inputFiles: [], target: .drugLikeLogP,
      settings: MoleculeCounterfactualSettings(method: .nearest, sampling: SamplingSettings(taus: [], samples: 1, guidanceScale: 1, seed: 0), constrained: false),
      referenceFile: data, referenceLimit: nil, outputDirectory: out, show: 3, quiet: true)
    let outcome = try #require(try ExplainMoleculesJob.run(request))
    #expect(outcome.inputs.map(\.status) == ["already in target", "needs a counterfactual"])
    #expect(outcome.rows.count == 2 && !outcome.rows.contains(where: \.isIdentity))
    #expect(outcome.rows.map(\.status) == ["variant", "counterfactual"])
    #expect(outcome.text.contains("already in target: logp") && outcome.text.contains("1 of 2 input(s) already in target"))
    // The summary counts the one input that needed a counterfactual.
    #expect(outcome.summary.count == 1 && outcome.summary[0].generated == 1 && outcome.summary[0].bestOfKSuccess == 1)
    let csv = try String(contentsOf: out.appendingPathComponent("counterfactuals.csv"), encoding: .utf8)
    #expect(csv.split(separator: "\n")[0].hasSuffix(",input_in_target,input_smiles_as_given,standardization,status,evaluations,budget,sa,alerts,keep_failed,qed,moses_filters,drawn_tau,sa_before,harder_left_out"))
    #expect(csv.contains(",true,\(inside.smiles),,variant,"))
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("counterfactuals.json"))) as? [String: Any]
    #expect(((json?["inputs"] as? [[String: Any]])?.map { $0["status"] as? String }) == ["already in target", "needs a counterfactual"])
  }

  /// With a budget, GDCE draws further rounds while the budget left covers the last round:
  /// it spends more than one round's evaluations and never more than the budget, and its answers
  /// are the best of all rounds, so the best answer is at least as good as one round's (round 0
  /// draws what a run without rounds draws).
  @Test func budgetRoundsSpendTheBudgetOnBetterAnswers() throws {
    let dir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 10))
    let engine = try MoleculeCounterfactualEngine.load(from: dir)
    let input = try #require(try MoleculeData.loadFile(zincSubsetPath, limit: 60).entries.first { $0.logp > 3.8 })
    func run(rounds: Bool, keepAtomCount: Bool = false) throws -> (rows: [MoleculeCounterfactual], evaluations: Int) {
      var settings = MoleculeCounterfactualSettings(
        method: .gdce, sampling: SamplingSettings(taus: [10], samples: 3, guidanceScale: 2, seed: 5), constrained: true)
      (settings.budget, settings.budgetRounds, settings.keepAtomCount) = (40, rounds, keepAtomCount)
      let scorer = PropertyScorer(.builtin(.logp), budget: 40)
      let rows = try engine.counterfactuals(of: input, inputId: 0, target: .drugLikeLogP, settings: settings, scorer: scorer)
      return (rows, scorer.evaluations)
    }
    let one = try run(rounds: false), many = try run(rounds: true)
    // Three answers each, less those the realism guard left out as much harder to make.
    #expect([one, many].allSatisfy { $0.rows.count + ($0.rows.first?.row.harderLeftOut ?? 0) == 3 })
    #expect(one.evaluations <= 4 && many.evaluations > one.evaluations && many.evaluations <= 40, "\(one.evaluations) → \(many.evaluations)")
    #expect(many.rows.allSatisfy { $0.row.evaluations == many.evaluations && $0.row.budget == 40 })
    func best(_ rows: [MoleculeCounterfactual]) -> (group: Int, score: Double) {
      rows.map { $0.row.rankingKey(target: .drugLikeLogP) }.min { $0.group != $1.group ? $0.group < $1.group : $0.score < $1.score }!
    }
    let (a, b) = (best(one.rows), best(many.rows))
    #expect(b.group < a.group || (b.group == a.group && b.score <= a.score), "\(a) → \(b)")
    // Only rounds record where they drew; every τ they drew at lies in 1…T.
    #expect(one.rows.allSatisfy { $0.row.drawnTau == nil && $0.row.tau == 10 })
    #expect(many.rows.allSatisfy { $0.row.tau == 10 && (1...engine.model!.diffusion.stepCount).contains($0.row.drawnTau ?? 0) })
    // Every answer says which slot each input atom became, and its change counts follow from
    // that matching (answers of resized rounds have an atom more or fewer); with the atom count
    // kept, every answer has the input's atoms.
    let n = input.graph.nodeClasses.count
    for r in many.rows {
      let matching = try #require(r.inputMatching)
      let slots = matching.compactMap { $0 }
      #expect(matching.count == n && Set(slots).count == slots.count && slots.allSatisfy { $0 < r.graph.nodeClasses.count })
      #expect(abs(r.graph.nodeClasses.count - n) <= 1 && r.graph.nodeClasses.count == slots.count + (r.graph.nodeClasses.count > n ? 1 : 0))
      let changes = MoleculeCounterfactualEngine.changes(from: MoleculeData.graph(input.graph), to: MoleculeData.graph(r.graph), matching: matching)
      #expect(r.row.atomsChanged == changes.atoms && r.row.bondsChanged == changes.bonds)
    }
    let kept = try run(rounds: true, keepAtomCount: true)
    #expect(kept.rows.allSatisfy { $0.graph.nodeClasses.count == n && $0.inputMatching == Array(0..<n) })
  }

  /// A budgeted search whose first round spends the whole budget (as many evaluations as
  /// answers) still returns its answers ranked, distinct first, like one of many rounds.
  @Test func aBudgetSpentInTheFirstRoundIsRanked() throws {
    let dir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 10))
    let engine = try MoleculeCounterfactualEngine.load(from: dir)
    let inputs = try MoleculeData.loadFile(zincSubsetPath, limit: 60).entries.filter { $0.logp > 3.8 }.prefix(3)
    for (k, input) in inputs.enumerated() {
      for seed in UInt64(1)...3 {
        var settings = MoleculeCounterfactualSettings(
          method: .gdce, sampling: SamplingSettings(taus: [12], samples: 4, guidanceScale: 2, seed: seed), constrained: true)
        settings.budget = 4
        let scorer = PropertyScorer(.builtin(.logp), budget: 4)
        let rows = try engine.counterfactuals(of: input, inputId: k, target: .drugLikeLogP, settings: settings, scorer: scorer)
        #expect(rows.count + (rows.first?.row.harderLeftOut ?? 0) == 4 && scorer.remaining == 0)
        let smiles = rows.map(\.row.counterfactualSMILES)
        let distinct = smiles.enumerated().filter { i, s in !smiles[..<i].contains(s) }.map(\.offset)
        let ranked = MoleculeCounterfactual.rankedIndices(rows, target: .drugLikeLogP)
        // Distinct answers first, each group in ranking order.
        #expect(distinct == Array(0..<distinct.count), "\(smiles)")
        #expect(ranked.filter { distinct.contains($0) } == distinct, "input \(k), seed \(seed): \(rows.map { $0.row.rankingKey(target: .drugLikeLogP) })")
      }
    }
  }

  /// A target the model was not conditioned on (TPSA for a logP-window model) is refused
  /// unsteered without a budget, and answered by a budgeted search: the unconditional model
  /// proposes, the property scores, the staircase widens τ until answers reach the target.
  @Test func budgetedSearchAnswersAnUnconditionedTarget() throws {
    let dir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 10))
    let engine = try MoleculeCounterfactualEngine.load(from: dir)
    let input = try #require(try MoleculeData.loadFile(zincSubsetPath, limit: 60).entries.first { TargetProperty.tpsa.value(of: MoleculeData.encoding.decode($0.graph)) > 40 })
    let target = try PropertyTarget.parse("<=40", property: .tpsa)
    var settings = MoleculeCounterfactualSettings(
      method: .gdce, sampling: SamplingSettings(taus: [5], samples: 3, guidanceScale: 2, seed: 1), constrained: true)
    // A model trained for 10 steps rarely draws a realistic molecule, and the realism guard ranks
    // realistic misses above unrealistic hits: this test is about reaching the target only.
    settings.realismGuard = false
    #expect(throws: MoleculeCounterfactualError.self) { try engine.counterfactuals(of: input, inputId: 0, target: target, settings: settings) }
    settings.budget = 200
    let scorer = PropertyScorer(.builtin(.tpsa), budget: 200)
    let rows = try engine.counterfactuals(of: input, inputId: 0, target: target, settings: settings, scorer: scorer)
    #expect(rows.count == 3 && scorer.evaluations <= 200)
    #expect(rows.contains { $0.row.isSuccess }, "no answer in target after \(scorer.evaluations) evaluations")
    // Every reported property is TPSA, recomputed from the answer.
    for r in rows where r.row.valid { #expect(abs(r.row.propertyAfter - TargetProperty.tpsa.value(of: MoleculeData.encoding.decode(r.graph))) < 1e-9) }
  }

  /// A run mostly of inputs larger than the model's largest training molecule uses the settings
  /// it was given for them (a larger budget, as `cfx explain` gives, or steering), and says so;
  /// with a minority of such inputs the settings stay and the report names the risk.
  @Test func runsMostlyOfOversizedInputsUseTheirSettings() throws {
    let dir = temporaryDirectory()
    _ = try MoleculeTrainingJob.run(Self.trainingRequest(dir, steps: 10))
    let maximum = try #require(try MoleculeCounterfactualEngine.load(from: dir).model).configuration.maximumNodes
    let big = String(repeating: "C", count: maximum + 4), bigger = "O" + String(repeating: "C", count: maximum + 6)
    let steered = MoleculeCounterfactualSettings(
      method: .gdce, sampling: SamplingSettings(taus: [5], samples: 2, guidanceScale: 2, seed: 1), constrained: true, steering: 10, particles: 2)
    func run(_ smiles: [String], oversized: MoleculeCounterfactualSettings = steered) throws -> ExplainMoleculesOutcome {
      var settings = MoleculeCounterfactualSettings(
        method: .gdce, sampling: SamplingSettings(taus: [3], samples: 2, guidanceScale: 2, seed: 1), constrained: true)
      settings.budget = 12
      var request = ExplainMoleculesRequest(
        modelDirectory: dir, smiles: smiles.enumerated().map { ("argument \($0.offset + 1)", $0.element) }, inputFiles: [], target: .drugLikeLogP,
        settings: settings, referenceFile: nil, referenceLimit: nil, outputDirectory: nil, show: 0, quiet: true)
      request.oversizedSettings = oversized
      return try #require(try ExplainMoleculesJob.run(request))
    }
    let mostly = try run([big, bigger, "CCO"])
    #expect(mostly.text.contains("2 of 3 inputs have more heavy atoms than the model's largest training molecule (\(maximum)): steered"))
    #expect(!mostly.rows.isEmpty && mostly.rows.allSatisfy { $0.steering == 10 && $0.tau == 5 && $0.particles == 2 })
    var larger = MoleculeCounterfactualSettings(
      method: .gdce, sampling: SamplingSettings(taus: [3], samples: 2, guidanceScale: 2, seed: 1), constrained: true)
    larger.budget = 30
    let budgeted = try run([big, bigger, "CCO"], oversized: larger)
    #expect(budgeted.text.contains("2 of 3 inputs have more heavy atoms than the model's largest training molecule (\(maximum)): budget rounds of 30 evaluations per input"))
    #expect(!budgeted.rows.isEmpty && budgeted.rows.allSatisfy { $0.budget == 30 && $0.steering == 0 } && budgeted.rows.contains { ($0.evaluations ?? 0) > 12 })
    // Per input, the answers, the samples that reproduced the input and those the realism guard
    // left out as much harder to make add up to the answers asked; the report says how many went.
    for status in budgeted.inputs {
      let rows = budgeted.rows.filter { $0.inputId == status.inputId }
      #expect(status.harderLeftOut == MoleculeCounterfactualRow.harderLeftOut(of: rows))
      #expect(rows.count + status.identityRowsDropped + (status.harderLeftOut ?? 0) == 2, "\(status)")
    }
    let leftOut = budgeted.inputs.reduce(0) { $0 + ($1.harderLeftOut ?? 0) }
    #expect(budgeted.text.contains("\(leftOut) answer(s) left out as more than") == (leftOut > 0))
    let few = try run([big, "CCO", "CCCO"])
    #expect(few.text.contains("1 of 3 inputs have more heavy atoms") && few.text.contains("may stray"))
    #expect(!few.rows.isEmpty && few.rows.allSatisfy { $0.steering == 0 && $0.tau == 3 })
    #expect(MoleculeCounterfactualSettings.mostlyOversized([30, 30, 10], modelMaximum: 27))
    #expect(!MoleculeCounterfactualSettings.mostlyOversized([30, 10], modelMaximum: 27))
  }

  /// The budget rounds' τ staircase: a quarter down after a round that reached the target, a
  /// quarter up (at least one step) after one that did not, within 1…T.
  @Test func budgetRoundTauStaircase() {
    #expect(MoleculeCounterfactualEngine.nextRoundTau(after: 40, reached: true, stepCount: 500) == 30)
    #expect(MoleculeCounterfactualEngine.nextRoundTau(after: 40, reached: false, stepCount: 500) == 50)
    #expect(MoleculeCounterfactualEngine.nextRoundTau(after: 2, reached: false, stepCount: 500) == 3)
    #expect(MoleculeCounterfactualEngine.nextRoundTau(after: 1, reached: true, stepCount: 500) == 1)
    #expect(MoleculeCounterfactualEngine.nextRoundTau(after: 490, reached: false, stepCount: 500) == 500)
    // Any sequence of outcomes keeps τ in 1…T.
    var tau = 50
    for step in 0..<40 { tau = MoleculeCounterfactualEngine.nextRoundTau(after: tau, reached: step % 3 != 0, stepCount: 500); #expect((1...500).contains(tau)) }
  }

  /// Salts are explained after standardisation, with the SMILES as given and the changes in
  /// every row; switched off, the same input is skipped with the reason.
  @Test func saltsAreStandardisedAndTheInputKept() throws {
    let reference = try MoleculeData.loadFile(zincSubsetPath, limit: 100).entries
    let dataDirectory = temporaryDirectory()
    try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
    let data = dataDirectory.appendingPathComponent("reference.smi")
    try reference.map { "\($0.smiles) \($0.name)" }.joined(separator: "\n").write(to: data, atomically: true, encoding: .utf8)
    let salt = "CCCCCCCCCCCCOc1ccccc1C(=O)[O-].[Na+] salt"
    var request = ExplainMoleculesRequest(
      modelDirectory: nil, smiles: [("argument 1", salt), ("argument 2", "C[C@@H](N)CCCCCCCCCCCC chiral")], inputFiles: [], target: .drugLikeLogP,
      settings: MoleculeCounterfactualSettings(method: .nearest, sampling: SamplingSettings(taus: [], samples: 1, guidanceScale: 1, seed: 0), constrained: false),
      referenceFile: data, referenceLimit: nil, outputDirectory: nil, show: 1, quiet: true)
    let outcome = try #require(try ExplainMoleculesJob.run(request))
    #expect(outcome.skipped.isEmpty && outcome.rows.count == 2)
    #expect(outcome.rows[0].inputSMILES == "CCCCCCCCCCCCOc1ccccc1C(=O)[O-].[Na+]")
    #expect(outcome.rows[0].standardization == "kept the largest organic fragment C19H29O3- (22 heavy atoms); removed Na+; neutralised: atom 22 O- gained H+")
    #expect(outcome.rows[1].standardization == "stereo dropped (the graph encoding has none): 1 chirality mark")
    #expect(outcome.text.contains("  as given: CCCCCCCCCCCCOc1ccccc1C(=O)[O-].[Na+]\n  standardised: kept the largest organic fragment"))
    request.standardization = .none
    let plain = try #require(try ExplainMoleculesJob.run(request))
    #expect(plain.skipped.count == 1 && plain.skipped[0].hasPrefix("argument 1: invalid molecule:") && plain.skipped[0].contains("fragments: 2 fragments"))
    #expect(plain.rows.count == 1 && plain.rows[0].inputSMILES == nil && plain.rows[0].standardization == nil)
  }

  /// Retrieval returns the most similar in-target reference molecule (checked by brute force).
  @Test func nearestIsTheMostSimilarInTargetMolecule() throws {
    let reference = try MoleculeData.loadFile(zincSubsetPath, limit: 150).entries
    let engine = MoleculeCounterfactualEngine(model: nil, modelChecksum: "", info: nil, reference: MoleculeReferenceSet(reference))
    let input = MoleculeData.parse([("x", "CCCCCCCCCCCCOc1ccccc1")]).entries[0]
    let target = PropertyTarget(property: .logp, lower: nil, upper: 2.0)
    let settings = MoleculeCounterfactualSettings(method: .nearest, sampling: SamplingSettings(taus: [], samples: 1, guidanceScale: 1, seed: 0), constrained: false)
    let rows = try engine.counterfactuals(of: input, inputId: 0, target: target, settings: settings)
    #expect(rows.count == 1)
    let original = Morgan.bits(MoleculeData.encoding.decode(input.graph))
    let best = reference.filter { target.contains($0.logp) }.map { Morgan.bits(MoleculeData.encoding.decode($0.graph)).tanimoto(original) }.max()!
    #expect(rows[0].row.inTarget && rows[0].row.valid && rows[0].row.tanimoto == best)
  }
}

/// Pictures of answers without an atom correspondence of their own.
@Suite struct MoleculeDiffPictureTests {
  /// A retrieved answer has no slot correspondence: its picture matches it to the input by their
  /// maximum common substructure, so the shared atoms are drawn unchanged (and the layout aligned
  /// on them), and reports how it was drawn; a GDCE slot matching is kept as given.
  @Test func retrievedAnswersAreMatchedByTheirCommonSubstructure() throws {
    let reference = try MoleculeData.loadFile(zincSubsetPath, limit: 150).entries
    let engine = MoleculeCounterfactualEngine(model: nil, modelChecksum: "", info: nil, reference: MoleculeReferenceSet(reference))
    let input = MoleculeData.parse([("x", "CCCCCCCCCCCCOc1ccccc1")]).entries[0]
    let settings = MoleculeCounterfactualSettings(method: .nearest, sampling: SamplingSettings(taus: [], samples: 1, guidanceScale: 1, seed: 0), constrained: false)
    let answers = try engine.counterfactuals(of: input, inputId: 0, target: PropertyTarget(property: .logp, lower: nil, upper: 2.0), settings: settings)
    let (svg, drawings) = try ExplainMoleculesJob.checkedGrid(input: input, counterfactuals: answers)
    #expect(drawings.count == 1 && drawings[0].smiles == answers[0].row.counterfactualSMILES)
    let inputDrawing = DrawingGraph(MoleculeData.encoding.decode(input.graph))
    let answerDrawing = DrawingGraph(MoleculeData.encoding.decode(answers[0].graph))
    let common = try #require(DiffMatching.commonSubstructure(inputDrawing, answerDrawing))
    #expect(drawings[0].matching == (common.substructure.isProvenOptimal ? "mcs" : "mcs (search capped)"))
    // Unchanged atoms are the common ones with the same charge (here: all of them).
    #expect(drawings[0].check.anchors == common.substructure.nodeCount && drawings[0].check.anchors >= 2)
    let added = svg.components(separatedBy: "cf-added").count - 1
    #expect(added < answerDrawing.nodes.count + answerDrawing.edges.count, "every atom and bond drawn as added")
    // With the identity slot matching (as GDCE gives) nothing is searched.
    var slotted = answers[0]
    slotted.graph = input.graph
    slotted.row.counterfactualSMILES = "slots"
    slotted.inputMatching = Array(input.graph.nodeClasses.indices)
    let kept = try ExplainMoleculesJob.checkedGrid(input: input, counterfactuals: [slotted]).drawings
    #expect(kept.map(\.matching) == ["slots"] && kept[0].check.anchors == input.graph.nodeClasses.count && !kept[0].check.addsCrossings)
  }

  /// Search graphs compare elements, not charges, and bond orders, an aromatic bond also
  /// matching a single or a double one (RDKit's CompareOrder).
  @Test func searchGraphsCompareElementsAndBondKinds() throws {
    let phenol = DrawingGraph(try MoleculeReader.parseSMILES("Oc1ccccc1").molecule)
    let phenolate = DrawingGraph(try MoleculeReader.parseSMILES("[O-]c1ccccc1").molecule)
    let cyclohexanol = DrawingGraph(try MoleculeReader.parseSMILES("OC1CCCCC1").molecule)
    let full = try #require(DiffMatching.commonSubstructure(phenol, phenolate))
    #expect(full.substructure.edgeCount == 7 && full.substructure.nodeCount == 7)
    let diff = try CounterfactualDiff(original: phenol, counterfactual: phenolate, matching: full.matching)
    #expect(diff.counterfactualNodeStatus.filter { $0 == .changed }.count == 1)  // the charged O
    // A ring that lost its aromaticity stays matched: its six bonds show as changed.
    let saturated = try #require(DiffMatching.commonSubstructure(phenol, cyclohexanol))
    #expect(saturated.substructure.edgeCount == 7 && saturated.substructure.nodeCount == 7)
    let ringDiff = try CounterfactualDiff(original: phenol, counterfactual: cyclohexanol, matching: saturated.matching)
    #expect(ringDiff.counterfactualEdgeStatus.filter { $0 == .changed }.count == 6 && ringDiff.removedEdges.isEmpty)
    // A double bond does not match a single one: of C=C–O and C–C–O only the C–O bond is common.
    let ethene = DrawingGraph(try MoleculeReader.parseSMILES("C=CO").molecule), ethanol = DrawingGraph(try MoleculeReader.parseSMILES("CCO").molecule)
    #expect(DiffMatching.commonSubstructure(ethene, ethanol)?.substructure.edgeCount == 1)
    #expect(DiffMatching.commonSubstructure(phenol, DrawingGraph(try MoleculeReader.parseSMILES("N").molecule)) == nil)
  }
}

@Suite struct MoleculeEvaluationTests {
  /// The metrics follow their definitions on hand-made rows.
  @Test func columnMetrics() {
    func row(_ input: Int, _ smiles: String, valid: Bool, inTarget: Bool, tanimoto: Double) -> MoleculeCounterfactualRow {
      MoleculeCounterfactualRow(
        inputId: input, inputName: "", method: .gdce, tau: 10, guidanceScale: 2, seed: 0, constrained: true, originalSMILES: "C",
        counterfactualSMILES: smiles, valid: valid, validity: valid ? "ok" : "x", target: "", propertyBefore: 0, propertyAfter: 0,
        inTarget: inTarget, tanimoto: tanimoto, fingerprint: "morgan-r2-bit2048", atomsChanged: 0, bondsChanged: 0, modelChecksum: "")
    }
    let rows = [
      row(0, "CCO", valid: true, inTarget: true, tanimoto: 0.5), row(0, "CCN", valid: true, inTarget: true, tanimoto: 0.7),
      row(0, "CCO", valid: true, inTarget: false, tanimoto: 0.9), row(1, "X", valid: false, inTarget: true, tanimoto: 0.1),
    ]
    let c = MoleculeEvaluationJob.column(method: "gdce", tau: 10, rows: rows, inputs: 2) { $0 != "CCN" }
    #expect(c.validity == 0.75 && abs(c.accuracy - 2.0 / 3) < 1e-12 && abs(c.meanTanimoto - 0.7) < 1e-12)
    #expect(abs(c.uniqueness - 2.0 / 3) < 1e-12 && abs(c.novelty - 2.0 / 3) < 1e-12)
    #expect(c.bestOfKSuccess == 0.5 && c.bestOfKMeanTanimoto == 0.7 && c.bestOfKNovelty == 0)
    // The input itself (input 1 reproduced as "C", in target, Tanimoto 1) is valid but never a
    // success nor in a similarity mean; so are the variants of an input already in the target.
    var variant = row(1, "CCCl", valid: true, inTarget: true, tanimoto: 0.95)
    variant.inputInTarget = true
    let withIdentity = rows + [row(1, "C", valid: true, inTarget: true, tanimoto: 1)]
    let d = MoleculeEvaluationJob.column(method: "gdce", tau: 10, rows: withIdentity, inputs: 2) { $0 != "CCN" }
    #expect(d.validity == 0.8 && abs(d.accuracy - 2.0 / 4) < 1e-12 && abs(d.meanTanimoto - 0.7) < 1e-12)
    #expect(d.bestOfKSuccess == 0.5 && d.bestOfKMeanTanimoto == 0.7)
    let e = MoleculeEvaluationJob.column(method: "gdce", tau: 10, rows: rows + [variant], inputs: 2) { $0 != "CCN" }
    #expect(e.bestOfKSuccess == 0.5 && abs(e.meanTanimoto - 0.7) < 1e-12)
    #expect(c.realisticBestSuccess == nil && c.realisticBestMeanTanimoto == nil)
    // With realism judged: the closest hit of input 0 (CCN, 0.7) carries an alert, so the
    // realistic best is CCO (0.5); input 1's only hit fails a filter and so has none.
    func judged(_ r: MoleculeCounterfactualRow, alerts: String, filters: String) -> MoleculeCounterfactualRow {
      var r = r
      (r.alerts, r.mosesFilters, r.sa, r.qed) = (alerts, filters, 2, 0.5)
      return r
    }
    let realism = [
      judged(rows[0], alerts: "", filters: ""), judged(rows[1], alerts: "enol", filters: ""), judged(rows[2], alerts: "", filters: ""),
      judged(row(1, "CCS", valid: true, inTarget: true, tanimoto: 0.8), alerts: "", filters: "MCF1"),
    ]
    let f = MoleculeEvaluationJob.column(method: "gdce", tau: 10, rows: realism, inputs: 2) { _ in true }
    #expect(f.bestOfKSuccess == 1 && abs(f.bestOfKMeanTanimoto - 0.75) < 1e-12)
    #expect(f.realisticBestSuccess == 0.5 && f.realisticBestMeanTanimoto == 0.5)
  }

  /// Inputs are drawn outside the window, half on each side, reproducibly.
  @Test func inputDraw() throws {
    let entries = try MoleculeData.loadFile(zincSubsetPath, limit: 300).entries
    let a = MoleculeEvaluationJob.drawInputs(entries, count: 5, seed: 3), b = MoleculeEvaluationJob.drawInputs(entries, count: 5, seed: 3)
    #expect(a.map(\.name) == b.map(\.name) && a.count == 10)
    #expect(a.prefix(5).allSatisfy { $0.logp < 1.7 } && a.suffix(5).allSatisfy { $0.logp > 3.8 })
  }
}
