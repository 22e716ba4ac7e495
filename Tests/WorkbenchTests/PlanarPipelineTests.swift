import Basics
import Diffusion
import DiffusionCore
import Foundation
import Graphs
import Testing
import Workbench

func temporaryDirectory() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent("cfx-wb-\(UUID().uuidString)")
}

/// Connected planar graphs on 6 nodes (112 graphs), split 80/10/10.
let smallSplit = DatasetSplit(GraphEnumeration.planarGraphs(nodeCount: 6, connectedOnly: true), seed: 1)

func tinyTrainer(steps: Int, seed: UInt64 = 3) throws -> GraphTrainer {
  let configuration = PlanarExperiment.configuration(training: smallSplit.train, size: .tiny, diffusionSteps: 50, extraFeatures: .all)
  var rng = RandomGenerator(seed: seed)
  let model = GraphDiffusionModel(configuration, using: &rng)
  let options = TrainingOptions(
    steps: steps, batchSize: 16, schedule: .warmupCosine(peak: 3e-3, floor: 3e-4, warmup: 10, total: steps), clipNorm: 10,
    validateEvery: 0, checkpointEvery: 10, seed: seed)
  return try GraphTrainer(
    model: model, training: PlanarExperiment.examples(smallSplit.train), validation: PlanarExperiment.examples(smallSplit.validation),
    options: options)
}

@Suite(.serialized) struct PlanarPipelineTests {
  @Test func tinyModelLearnsWithinSeconds() throws {
    var trainer = try tinyTrainer(steps: 300)
    let (before, nllBefore) = (trainer.validationLoss(), trainer.validationNLL())
    try trainer.train(checkpointDirectory: nil, progress: nil)
    let (after, nllAfter) = (trainer.validationLoss(), trainer.validationNLL())
    #expect(after < before * 0.88, "validation loss \(before) → \(after)")
    // The bound on −log p(G) falls with the loss (nats per 8-node graph; 28 pairs, 8 nodes).
    #expect(nllBefore.isFinite && nllAfter > 0 && nllAfter < nllBefore * 0.9, "validation NLL \(nllBefore) → \(nllAfter)")
  }

  @Test func resumingContinuesBitExactly() throws {
    var straight = try tinyTrainer(steps: 20)
    try straight.train(checkpointDirectory: nil, progress: nil)
    let dir = temporaryDirectory()
    var first = try tinyTrainer(steps: 10)
    try first.train(checkpointDirectory: dir, progress: nil)
    var resumed = try tinyTrainer(steps: 20, seed: 3)
    try resumed.resume(from: dir)
    #expect(resumed.step == 10)
    try resumed.train(checkpointDirectory: nil, progress: nil)
    for ((name, a), (_, b)) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
      #expect(a.isBitwiseEqual(to: b), "parameter \(name) differs after resume")
    }
  }

  @Test func counterfactualRowsAreConsistentWithTheirGraphs() throws {
    var trainer = try tinyTrainer(steps: 30)
    let dir = temporaryDirectory()
    try trainer.train(checkpointDirectory: dir, progress: nil)
    let engine = try GraphCounterfactualEngine(modelDirectory: dir)
    let input = smallSplit.test.first { !$0.isTree }!
    let rows = try engine.counterfactuals(of: input, targetEdges: input.edgeCount - 1, tau: 10, samples: 12, scale: 2, seed: 5)
    #expect(rows.count == 12)
    for r in rows {
      // Every reported fact is recomputed from the graph6 strings.
      let g = try Graph6.decode(r.counterfactualGraph6)
      #expect(g.edgeCount == r.counterfactualEdges)
      #expect(g.isConnected == r.connected && g.isPlanar == r.planar)
      #expect(r.targetMet == (g.edgeCount == input.edgeCount - 1))
      #expect(GraphEditDistance.distance(input, g) == r.graphEditDistance)
      #expect(r.modelChecksum == engine.checksum)
    }
    // Same seed, same samples.
    let again = try engine.counterfactuals(of: input, targetEdges: input.edgeCount - 1, tau: 10, samples: 12, scale: 2, seed: 5)
    #expect(again == rows)
    let ranked = GraphCounterfactualRow.ranked(rows)
    if let firstBad = ranked.firstIndex(where: { !($0.valid && $0.targetMet) }) {
      #expect(ranked[firstBad...].allSatisfy { !($0.valid && $0.targetMet) })
    }
  }

  @Test func summaryCountsMatchTheDefinitions() throws {
    let tree = Graph(nodeCount: 3, edges: [(0, 1), (1, 2)])
    let cycle = Graph(nodeCount: 3, edges: [(0, 1), (1, 2), (0, 2)])
    func row(_ id: Int, _ input: Graph, valid: Bool, met: Bool, ged: Int) -> GraphCounterfactualRow {
      GraphCounterfactualRow(
        inputId: id, method: "gdce", tau: 5, guidanceScale: 1, seed: 0, originalGraph6: Graph6.encode(input),
        originalEdges: input.edgeCount, targetEdges: input.edgeCount - 1, counterfactualGraph6: "B?", counterfactualEdges: 0,
        connected: valid, planar: true, valid: valid, targetMet: met, graphEditDistance: ged, modelChecksum: "x")
    }
    let rows = [
      row(0, cycle, valid: true, met: true, ged: 1), row(0, cycle, valid: true, met: false, ged: 3),
      row(0, cycle, valid: false, met: true, ged: 2), row(1, tree, valid: true, met: false, ged: 2),
    ]
    let s = PlanarEvaluationJob.summarize(rows)[0]
    #expect(s.samples == 4)
    #expect(s.validity == 0.75)
    #expect(abs(s.accuracy - 1.0 / 3) < 1e-12)
    #expect(s.meanGED == 2)
    #expect(s.bestOfKInputs == 1 && s.bestOfKSuccess == 1 && s.bestOfKMeanGED == 1)
    #expect(abs(s.nonTreeValidity - 2.0 / 3) < 1e-12 && s.nonTreeAccuracy == 0.5 && s.nonTreeMeanGED == 2)
  }

  @Test func evaluationResumesAndAddsSettingsWithoutRecomputing() throws {
    var trainer = try tinyTrainer(steps: 10)
    let model = temporaryDirectory(), data = temporaryDirectory(), out = temporaryDirectory()
    try trainer.train(checkpointDirectory: model, progress: nil)
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    for (name, graphs) in [("train", smallSplit.train), ("validation", smallSplit.validation), ("test", smallSplit.test)] {
      try Graph6.encodeLines(graphs).write(to: data.appendingPathComponent("\(name).g6"), atomically: true, encoding: .utf8)
    }
    func request(_ taus: [Int], freeGress: Bool) -> PlanarEvaluationRequest {
      PlanarEvaluationRequest(modelDirectory: model, dataDirectory: data, splitSeed: 0, outputDirectory: out,
                              sampling: SamplingSettings(taus: taus, samples: 2, guidanceScale: 1.5, seed: 7), limit: 3, freeGress: freeGress, quiet: true)
    }
    let first = try PlanarEvaluationJob.run(request([1], freeGress: false))
    let rows1 = try String(contentsOf: out.appendingPathComponent("rows.csv"), encoding: .utf8)
    let journal1 = try Data(contentsOf: out.appendingPathComponent(RunJournal.fileName))
    let second = try PlanarEvaluationJob.run(request([1, 3], freeGress: true))
    let rows2 = try String(contentsOf: out.appendingPathComponent("rows.csv"), encoding: .utf8)
    #expect(first.summary.columns.count == 1 && second.summary.columns.count == 3)
    #expect(rows2.split(separator: "\n").count == 1 + 3 * 3 * 2)
    for line in rows1.split(separator: "\n").dropFirst() { #expect(rows2.contains(line)) }
    // The τ = 1 pairs were reused, not recomputed: the second journal continues the first.
    let journal2 = try Data(contentsOf: out.appendingPathComponent(RunJournal.fileName))
    #expect(journal2.prefix(journal1.count) == journal1 && journal2.split(separator: 0x0A).count == 1 + 3 * 3)

    // Killed in the middle of writing a pair: rerunning gives the straight run's rows.
    let resumedOut = temporaryDirectory()
    try FileManager.default.createDirectory(at: resumedOut, withIntermediateDirectories: true)
    let cut = journal2.indices.filter { journal2[$0] == 0x0A }[5] - 25
    try journal2.prefix(cut).write(to: resumedOut.appendingPathComponent(RunJournal.fileName))
    var resumed = request([1, 3], freeGress: true)
    resumed.outputDirectory = resumedOut
    _ = try PlanarEvaluationJob.run(resumed)
    #expect(try String(contentsOf: resumedOut.appendingPathComponent("rows.csv"), encoding: .utf8) == rows2)
  }
}
