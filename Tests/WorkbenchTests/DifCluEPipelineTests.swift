import Basics
import Foundation
import Images
import NN
import Testing
import Workbench

/// DifCluE end to end on tiny models: `cfx explain images --method difclue` writes one
/// counterfactual per input and mode whose numbers match its files, and `cfx eval difclue`
/// scores every method from rows it writes, and continues an interrupted run to the same table.
@Suite(.serialized) struct DifCluEPipelineTests {
  @Test func explainsAndEvaluates() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-difclue-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = ImageDataRequest(sets: [.shapesModes], cacheDirectory: root, seed: 2, generatedTrainingCount: 160)
    _ = try ImageDataJob.run(data) { _ in }
    let set = data.directory(.shapesModes)
    let (diffusion, classifier, oracle) = (root.appendingPathComponent("diffae"), root.appendingPathComponent("classifier"), root.appendingPathComponent("oracle"))
    let quick = TrainingOptions(steps: 3, batchSize: 8, schedule: .constant(1e-3), validateEvery: 0, checkpointEvery: 3, seed: 1)
    var training = DiffusionTrainingRequest(dataDirectory: set, outputDirectory: diffusion, options: quick, baseChannels: 8, stepCount: 10, resume: false, quiet: true)
    (training.latentWidth, training.attention) = (4, false)
    let trainText = try DiffusionTrainingJob.run(training)
    #expect(trainText.contains("reconstruction MSE") && FileManager.default.fileExists(atPath: diffusion.appendingPathComponent("reconstructions.png").path))
    let learn = TrainingOptions(steps: 80, batchSize: 16, schedule: .constant(3e-3), validateEvery: 0, checkpointEvery: 80, seed: 1)
    _ = try ClassifierTrainingJob.run(ClassifierTrainingRequest(dataDirectory: set, outputDirectory: classifier, options: learn, baseChannels: 8, stages: 2, quiet: true))
    var oracleRequest = ClassifierTrainingRequest(dataDirectory: set, outputDirectory: oracle, options: learn, baseChannels: 8, stages: 2, quiet: true)
    oracleRequest.labels = .factor("mode")
    _ = try ClassifierTrainingJob.run(oracleRequest)

    // Explain: three inputs outside the target, two modes each.
    var explain = DifCluERequest(dataDirectory: set, classifierDirectory: classifier, diffusionDirectory: diffusion, outputDirectory: root.appendingPathComponent("explain"),
                                 inputs: .outsideTarget(3), target: "positive")
    (explain.modes, explain.strengths, explain.moves, explain.quiet) = (2, [0.5, 1, 2], 2, true)
    let (report, _) = try DifCluEJob.run(explain)
    #expect(report.explanations.count == 3 && report.explanations.allSatisfy { $0.counterfactuals.map(\.mode) == [0, 1] && $0.predictedClass == 0 })
    let csv = try String(contentsOf: explain.outputDirectory.appendingPathComponent("counterfactuals.csv"), encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 1 + 6)
    for e in report.explanations {
      for r in e.counterfactuals {
        #expect(r.flipped == (r.predictedAfter == 1 && r.probabilitiesAfter[1] >= explain.confidence))
        let png = try PNG.read(explain.outputDirectory.appendingPathComponent(r.file).path, channels: [3])
        #expect(png.height == 32 && png.width == 32)
      }
    }
    for name in ["counterfactuals.json", "input-0.png", "input-0.svg", "modes.png", "modes.svg"] {
      #expect(FileManager.default.fileExists(atPath: explain.outputDirectory.appendingPathComponent(name).path), "\(name) missing")
    }

    // Evaluate every method on four inputs; the summary's validity is the share of flipped rows.
    var evaluation = DifCluEEvaluationRequest(dataDirectory: set, classifierDirectory: classifier, diffusionDirectory: diffusion, oracleDirectory: oracle,
                                              outputDirectory: root.appendingPathComponent("eval"), target: "positive", attributes: ["mode=1", "mode=2"])
    (evaluation.trueModeFactor, evaluation.inputs, evaluation.strengths, evaluation.moves) = ("mode", 4, [0.5, 1, 2], 2)
    (evaluation.quiet, evaluation.dissectSteps, evaluation.batch, evaluation.autoencoderEpochs) = (true, 4, 3, 1)
    (evaluation.modeCheck, evaluation.split) = (true, "validation")
    let first = try DifCluEEvaluationJob.run(evaluation).evaluation
    #expect(Set(first.scores.keys) == Set(DirectionMethod.allCases.map(\.rawValue) + ["autoencoder"]))
    for (method, score) in first.scores {
      let rows = try String(contentsOf: evaluation.outputDirectory.appendingPathComponent("counterfactuals.\(method).csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
      #expect(rows.count == 4 * score.directions && score.counterfactuals == rows.count)
      let flipped = rows.filter { $0[6] == "true" }.count
      #expect(abs(score.validity - Double(flipped) / Double(rows.count)) < 1e-12)
      #expect((0...1).contains(score.modeAlignment.accuracy))
      // The mode check marks every counterfactual of a method with modes (difclue in either latent), no other.
      #expect(rows.allSatisfy { ($0[12] != "") == (method.hasPrefix("difclue") || method == "autoencoder") }, "\(method): mode_reached column")
      // Importance is recomputable from the trajectories written: every row's sweep, grouped.
      let probes = try String(contentsOf: evaluation.outputDirectory.appendingPathComponent("trajectories.\(method).csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { String($0) } }
      var sweeps: [String: [StrengthProbe]] = [:]
      for p in probes { sweeps["\(p[0]),\(p[1])", default: []].append(StrengthProbe(strength: Float(p[2])!, probability: Float(p[3])!)) }
      #expect(sweeps.count == rows.count && sweeps.values.allSatisfy { $0.first?.strength == 0 })
      #expect(CounterfactualMetrics.importance(Array(sweeps.values)).sweeps == score.importance?.sweeps)
      if let s = score.substitutability { #expect((0...1).contains(s.syntheticAccuracy) && s.trainingRows == 4 + flipped) }
    }
    #expect(first.scores["single"]!.directions == 1 && first.scores["difclue"]!.modeNMI != nil)
    // Ten seeded proposals of K; the first uses the fit's own seed, so it is the K the fit proposed.
    let proposals = first.scores["difclue"]!.modeProposals
    #expect(proposals?.count == 10 && proposals?.first == first.scores["difclue"]!.proposedModes && first.scores["single"]!.modeProposals == nil)
    #expect(first.scores["difclue"]!.gapProposals?.count == 10 && first.scores["difclue"]!.gapProposals!.allSatisfy { (1...6).contains($0) })
    // Interrupted after two methods: the rerun computes the rest and agrees.
    let journal = evaluation.outputDirectory.appendingPathComponent(RunJournal.fileName)
    let lines = try Data(contentsOf: journal).split(separator: 0x0A)
    try Data(lines.prefix(3).joined(separator: [0x0A]) + [0x0A]).write(to: journal)
    let resumed = try DifCluEEvaluationJob.run(evaluation).evaluation
    for (method, score) in first.scores {
      #expect(resumed.scores[method]!.validity == score.validity && resumed.scores[method]!.modeAlignment == score.modeAlignment, "\(method) differs after resuming")
    }
    // One input: no halves for the post-hoc distinctness classifier, so no distinctness, and no crash.
    (evaluation.inputs, evaluation.methods, evaluation.autoencoderEpochs) = (1, [.difclue], 0)
    evaluation.outputDirectory = root.appendingPathComponent("eval-one")
    let one = try DifCluEEvaluationJob.run(evaluation).evaluation
    #expect(one.inputs == 1 && one.scores["difclue"]!.distinctness == nil && one.scores["difclue"]!.counterfactuals == 2)
  }
}
