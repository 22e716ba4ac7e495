import Basics
import Foundation
import Images
import NN
import Testing
@testable import Workbench

/// `cfx eval saliency` end to end on a tiny classifier: every requested method scored, scores in
/// range, every map written, the overlays drawn.
@Suite struct SaliencyEvaluationTests {
  /// The report's method column is as wide as the longest name: the three coalition variants
  /// were once all printed as "coalitions".
  @Test func reportNamesEveryMethodInFull() {
    let names = SaliencyEvaluationJob.alignedNames(["rise", "coalitions", "coalitions-no-consistency", "coalitions-single"])
    #expect(names.map { $0.trimmingCharacters(in: .whitespaces) } == ["rise", "coalitions", "coalitions-no-consistency", "coalitions-single"])
    #expect(Set(names.map(\.count)) == [25])
  }

  @Test func scoresAndWritesEveryMethod() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-evalsal-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = ImageDataRequest(sets: [.shapesModes], cacheDirectory: root, seed: 2, generatedTrainingCount: 40)
    _ = try ImageDataJob.run(data) { _ in }
    let options = TrainingOptions(steps: 2, batchSize: 8, schedule: .constant(1e-3), validateEvery: 0, checkpointEvery: 2, seed: 1)
    let classifier = root.appendingPathComponent("classifier")
    _ = try ClassifierTrainingJob.run(ClassifierTrainingRequest(
      dataDirectory: data.directory(.shapesModes), outputDirectory: classifier, options: options, baseChannels: 8, stages: 2, quiet: true))
    var request = SaliencyEvaluationRequest(dataDirectory: data.directory(.shapesModes), classifierDirectory: classifier,
                                            outputDirectory: root.appendingPathComponent("eval"))
    (request.saliency.occlusionPatch, request.saliency.occlusionStride, request.saliency.riseMasks, request.quiet) = (8, 8, 16, true)
    let evaluation = try SaliencyEvaluationJob.run(request).evaluation
    #expect(evaluation.images == 4 && evaluation.selection == "all" && evaluation.explainedClass == "true")
    #expect(Set(evaluation.methods.keys) == Set(SaliencyEvaluationRequest.quickMethods))
    #expect(evaluation.meanObjectArea.map { $0 > 0 && $0 < 1 } == true)
    for (_, s) in evaluation.methods {
      #expect([s.pointingGame!, s.energyOnMask!, s.deletionAUC, s.insertionAUC].allSatisfy { (0...1).contains($0) })
      #expect((0...100).contains(s.averageDrop) && (0...100).contains(s.increaseInConfidence) && (0...100).contains(s.averageDropTopHalf))
      #expect(s.partHit == nil && s.failureRate == nil)
    }
    for file in ["summary.json", "summary.csv", "scores.csv"] + SaliencyEvaluationRequest.quickMethods.flatMap({ ["maps-\($0).csv", "overlays-\($0).png"] }) {
      #expect(FileManager.default.fileExists(atPath: request.outputDirectory.appendingPathComponent(file).path), "\(file)")
    }
    let rows = try String(contentsOf: request.outputDirectory.appendingPathComponent("maps-gradcam.csv"), encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 1 + 4 && rows[1].split(separator: ",").count == 3 + 32 * 32)
    let table = try String(contentsOf: request.outputDirectory.appendingPathComponent("summary.csv"), encoding: .utf8).split(separator: "\n")
    #expect(table.count == 1 + SaliencyEvaluationRequest.quickMethods.count)
    // Killed while writing the second method's batch: the rerun continues to the same numbers.
    let journal = request.outputDirectory.appendingPathComponent(RunJournal.fileName)
    let lines = try Data(contentsOf: journal).split(separator: 0x0A)
    #expect(lines.count == 1 + SaliencyEvaluationRequest.quickMethods.count)
    try Data(lines.prefix(2).joined(separator: [0x0A]) + [0x0A] + lines[2].prefix(40)).write(to: journal)
    let resumed = try SaliencyEvaluationJob.run(request).evaluation
    // Seconds differ between runs; every score else is the same.
    func scores(_ e: SaliencyEvaluation) -> String {
      String(describing: e.methods.sorted { $0.key < $1.key }.map { ($0.key, $0.value.deletionAUC, $0.value.insertionAUC, $0.value.averageDrop, $0.value.pointingGame) })
    }
    #expect(scores(resumed) == scores(evaluation))
  }

  /// Misclassified toy birds: the counterfactual methods are scored beside a saliency baseline,
  /// with edits, failures, ΔM_Dom maps and the mass on the differing part.
  @Test func scoresCounterfactualsOfMisclassifiedImages() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-evalcf-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = ImageDataRequest(sets: [.toyBirds], cacheDirectory: root, seed: 2, generatedTrainingCount: 80)
    _ = try ImageDataJob.run(data) { _ in }
    let options = TrainingOptions(steps: 3, batchSize: 8, schedule: .constant(1e-3), validateEvery: 0, checkpointEvery: 3, seed: 1)
    let classifier = root.appendingPathComponent("classifier")
    _ = try ClassifierTrainingJob.run(ClassifierTrainingRequest(
      dataDirectory: data.directory(.toyBirds), outputDirectory: classifier, options: options, baseChannels: 4, stages: 2, quiet: true))
    var request = SaliencyEvaluationRequest(dataDirectory: data.directory(.toyBirds), classifierDirectory: classifier,
                                            outputDirectory: root.appendingPathComponent("eval"), methods: ["partition", "greedy", "gradcam"], limit: 6)
    (request.selection, request.counterfactual.maxSteps, request.quiet) = (.misclassified, 40, true)
    request.notebook = root.appendingPathComponent("report.ipynb")
    let evaluation = try SaliencyEvaluationJob.run(request).evaluation
    #expect(evaluation.selection == "misclassified" && evaluation.explainedClass == "predicted" && evaluation.images == 6)
    for method in ["partition", "greedy"] {
      let s = evaluation.methods[method]!
      #expect(s.failureRate.map { (0...1).contains($0) } == true)
      #expect(s.failureRate == 1 || s.meanEdits.map { $0 >= 1 && $0 <= 40 } == true)
      #expect(FileManager.default.fileExists(atPath: request.outputDirectory.appendingPathComponent("maps-\(method)-dominant.csv").path))
      if let hit = s.partHit { #expect((0...1).contains(hit) && s.partHitDominant.map { (0...1).contains($0) } == true) }
    }
    #expect(evaluation.methods["gradcam"]!.failureRate == nil)
    let rows = try String(contentsOf: request.outputDirectory.appendingPathComponent("scores.csv"), encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 1 + 3 * 6)
    let notebook = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("report.ipynb"))) as? [String: Any]
    #expect((notebook?["cells"] as? [Any])?.count ?? 0 >= 3)
    #expect(try String(contentsOf: root.appendingPathComponent("report.html"), encoding: .utf8).contains("partition"))
    // Part-removed images with the shipped classifier: every scored image has the part it lost
    // and a prediction that differs from its label.
    let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("images/models/toy-birds-classifier")
    var removal = SaliencyEvaluationRequest(dataDirectory: data.directory(.toyBirds), classifierDirectory: shipped,
                                            outputDirectory: root.appendingPathComponent("eval-removed"), methods: ["partition", "gradcam"], limit: 4)
    (removal.selection, removal.quiet) = (.partRemoved, true)
    let removed = try SaliencyEvaluationJob.run(removal).evaluation
    #expect(removed.selection == "part-removed" && removed.images >= 1 && removed.images <= 4)
    #expect(removed.methods["partition"]!.partImages == removed.images && removed.methods["partition"]!.partHit.map { (0...1).contains($0) } == true)
    let removedRows = try String(contentsOf: removal.outputDirectory.appendingPathComponent("scores.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
    for row in removedRows {
      let f = row.split(separator: ",", omittingEmptySubsequences: false)
      #expect(f[2] != f[3] && !f[12].isEmpty, "\(row)")
    }
    // Counterfactual methods on every image are refused with the way out.
    request.selection = .all
    request.outputDirectory = root.appendingPathComponent("eval-all")
    #expect(throws: TrainingError.self) { try SaliencyEvaluationJob.run(request) }
  }
}
