import Basics
import Foundation
import Images
import NN
import Testing
import Workbench

/// `cfx eval diffusion` end to end on tiny models: the numbers are there and sane, every feature
/// behind them is written, and an interrupted run continues to the same summary.
@Suite struct DiffusionEvaluationTests {
  @Test func evaluatesWritesAndResumes() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-evaldiff-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let data = ImageDataRequest(sets: [.shapesModes], cacheDirectory: root, seed: 1, generatedTrainingCount: 40)
    _ = try ImageDataJob.run(data) { _ in }
    let options = TrainingOptions(steps: 2, batchSize: 8, schedule: .constant(1e-3), validateEvery: 0, checkpointEvery: 2, seed: 1)
    let (model, classifier) = (root.appendingPathComponent("diffusion"), root.appendingPathComponent("classifier"))
    var diffusion = DiffusionTrainingRequest(dataDirectory: data.directory(.shapesModes), outputDirectory: model, options: options,
                                             baseChannels: 8, stepCount: 10, resume: false, quiet: true)
    diffusion.attention = true
    _ = try DiffusionTrainingJob.run(diffusion)
    _ = try ClassifierTrainingJob.run(ClassifierTrainingRequest(
      dataDirectory: data.directory(.shapesModes), outputDirectory: classifier, options: options, baseChannels: 8, stages: 2, quiet: true))
    var request = DiffusionEvaluationRequest(modelDirectory: model, classifierDirectory: classifier, dataDirectory: data.directory(.shapesModes),
                                             outputDirectory: root.appendingPathComponent("eval"), samplesPerClass: 6, moves: 3, scale: 2, seed: 5, batchSize: 4)
    request.quiet = true
    let first = try DiffusionEvaluationJob.run(request).evaluation
    #expect(first.fidProxy.isFinite && first.fidProxy > 0 && first.fidProxyTrainingSplitHalf.isFinite)
    #expect((0...1).contains(first.classifierAgreement) && first.classifierAgreementPerClass.count == 2 && first.featureWidth == 16)
    let features = try String(contentsOf: request.outputDirectory.appendingPathComponent("features.csv"), encoding: .utf8).split(separator: "\n")
    #expect(features.count == 1 + 3 * 12 && features[0].hasPrefix("source,index,class,predicted,f0"))
    let samples = try ImageDataSet.read(split: "samples", from: request.outputDirectory, classNames: first.classNames)
    #expect(samples.count == 12 && samples.labels == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    // Killed after two of the three batches: the rerun samples the last one and agrees.
    let journal = request.outputDirectory.appendingPathComponent(RunJournal.fileName)
    let lines = try Data(contentsOf: journal).split(separator: 0x0A)
    try Data(lines.prefix(3).joined(separator: [0x0A]) + [0x0A]).write(to: journal)
    let resumed = try DiffusionEvaluationJob.run(request).evaluation
    #expect(resumed.fidProxy == first.fidProxy && resumed.classifierAgreement == first.classifierAgreement)
  }
}
