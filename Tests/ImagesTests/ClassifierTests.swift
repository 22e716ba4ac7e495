import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// The image classifier: shapes through the network, a tiny model that learns Shapes-modes in
/// seconds, exact resume, and the report's arithmetic.
@Suite(.serialized) struct ClassifierTests {
  let data = ShapesModes.generate(count: 480, seed: 5)

  func trainer(steps: Int) throws -> ClassifierTrainer {
    let configuration = ImageClassifierConfiguration(channels: 3, height: 32, width: 32, classNames: ShapesModes.classNames, baseChannels: 16, stages: 2, convsPerStage: 1)
    var rng = RandomGenerator(seed: 1)
    let options = TrainingOptions(
      steps: steps, batchSize: 32, schedule: .warmupCosine(peak: 3e-3, floor: 3e-4, warmup: 10, total: steps), weightDecay: 1e-4,
      validateEvery: 0, checkpointEvery: 10, seed: 2)
    return try ClassifierTrainer(
      model: ImageClassifier(configuration, using: &rng), training: data.subset(Array(0..<400)), validation: data.subset(Array(400..<480)), options: options)
  }

  @Test func shapesFlowThroughTheNetwork() {
    let configuration = ImageClassifierConfiguration(channels: 1, height: 28, width: 28, classNames: (0..<10).map(String.init), baseChannels: 4, stages: 3)
    var rng = RandomGenerator(seed: 0)
    let model = ImageClassifier(configuration, using: &rng)
    let x = Tensor.uniform([2, 1, 28, 28], low: 0, high: 1, using: &rng)
    #expect(model.featureMap(x).shape == [2, 16, 7, 7])
    #expect(model.features(x).shape == [2, 16] && model(x).shape == [2, 10])
    #expect(model.namedParameters.map(\.0) == ["conv0.weight", "conv0.bias", "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                               "conv3.weight", "conv3.bias", "conv4.weight", "conv4.bias", "conv5.weight", "conv5.bias", "head.weight", "head.bias"])
  }

  /// Colour decides the label here, so a small CNN learns it within 300 steps.
  @Test func aTinyClassifierLearnsShapesModes() throws {
    var t = try trainer(steps: 300)
    let before = t.validationAccuracy()
    try t.train(checkpointDirectory: nil, progress: nil)
    let after = t.validationAccuracy()
    #expect(after >= 0.8 && after > before + 0.2, "validation accuracy \(before) → \(after)")
  }

  @Test func resumingContinuesBitExactly() throws {
    var straight = try trainer(steps: 20)
    try straight.train(checkpointDirectory: nil, progress: nil)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-clf-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var first = try trainer(steps: 20)
    // Stop after 10 steps: train a copy whose options end there, checkpointing at 10.
    var short = try trainer(steps: 10)
    try short.train(checkpointDirectory: directory, progress: nil)
    try first.resume(from: directory)
    #expect(first.step == 10)
    try first.train(checkpointDirectory: nil, progress: nil)
    for ((name, a), (_, b)) in zip(straight.model.namedParameters, first.model.namedParameters) {
      #expect(a.isBitwiseEqual(to: b), "\(name) differs after resuming")
    }
  }

  @Test func reportCountsAndAccuracy() {
    let report = ClassificationReport(predicted: [0, 1, 1, 2, 2, 2], labels: [0, 1, 2, 2, 2, 0], classes: 3)
    #expect(report.confusion == [[1, 0, 1], [0, 1, 0], [0, 1, 2]])
    #expect(report.accuracy == 4.0 / 6 && report.count == 6)
  }
}
