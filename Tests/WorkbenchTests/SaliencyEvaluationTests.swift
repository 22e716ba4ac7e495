import Basics
import Foundation
import Images
import NN
import Testing
import Workbench

/// `cfx eval saliency` end to end on a tiny classifier: every requested method scored, scores in
/// range, every map written, the overlays drawn.
@Suite struct SaliencyEvaluationTests {
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
                                            outputDirectory: root.appendingPathComponent("eval"), patch: 8, stride: 8)
    (request.riseMasks, request.quiet) = (16, true)
    let evaluation = try SaliencyEvaluationJob.run(request).evaluation
    #expect(evaluation.images == 4 && Set(evaluation.methods.keys) == ["gradcam", "occlusion", "rise"])
    #expect(evaluation.meanObjectArea > 0 && evaluation.meanObjectArea < 1)
    for (_, s) in evaluation.methods {
      #expect([s.pointingGame, s.energyOnMask, s.deletionAUC, s.insertionAUC].allSatisfy { (0...1).contains($0) })
    }
    for file in ["summary.json", "maps-gradcam.csv", "maps-occlusion.csv", "maps-rise.csv", "overlays-gradcam.png", "overlays-occlusion.png", "overlays-rise.png"] {
      #expect(FileManager.default.fileExists(atPath: request.outputDirectory.appendingPathComponent(file).path), "\(file)")
    }
    let rows = try String(contentsOf: request.outputDirectory.appendingPathComponent("maps-gradcam.csv"), encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 1 + 4 && rows[1].split(separator: ",").count == 2 + 32 * 32)
    // Killed while writing the second method's batch: the rerun continues to the same numbers.
    let journal = request.outputDirectory.appendingPathComponent(RunJournal.fileName)
    let lines = try Data(contentsOf: journal).split(separator: 0x0A)
    #expect(lines.count == 1 + 3)
    try Data(lines.prefix(2).joined(separator: [0x0A]) + [0x0A] + lines[2].prefix(40)).write(to: journal)
    let resumed = try SaliencyEvaluationJob.run(request).evaluation
    #expect(String(describing: resumed.methods.sorted { $0.key < $1.key }) == String(describing: evaluation.methods.sorted { $0.key < $1.key }))
  }
}
