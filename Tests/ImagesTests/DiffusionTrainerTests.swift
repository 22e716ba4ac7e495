import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// The image diffusion trainer resumes bit-exactly (weights, optimiser, data position and noise
/// stream), and samples stay in [0, 1] with the classes asked for.
@Suite(.serialized) struct DiffusionTrainerTests {
  let data = ShapesModes.generate(count: 48, seed: 7)

  func trainer(steps: Int) throws -> DiffusionTrainer {
    let configuration = ImageDiffusionConfiguration(
      unet: UNetConfiguration(channels: 3, baseChannels: 8, multipliers: [1, 2], groups: 4, embeddingWidth: 16, conditionWidth: 2),
      stepCount: 20, height: 32, width: 32, classNames: ShapesModes.classNames, unconditionalProbability: 0.3)
    let options = TrainingOptions(steps: steps, batchSize: 8, schedule: .constant(1e-3), validateEvery: 0, checkpointEvery: 2, seed: 4)
    return try DiffusionTrainer(configuration: configuration, training: data.subset(Array(0..<40)), validation: data.subset(Array(40..<48)), options: options)
  }

  @Test func resumingContinuesBitExactly() throws {
    var straight = try trainer(steps: 6)
    try straight.train(checkpointDirectory: nil, progress: nil)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-dif-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var first = try trainer(steps: 3)
    try first.train(checkpointDirectory: directory, progress: nil)
    var resumed = try trainer(steps: 6)
    try resumed.resume(from: directory)
    #expect(resumed.step == 3)
    try resumed.train(checkpointDirectory: nil, progress: nil)
    for ((name, a), (_, b)) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
      #expect(a.isBitwiseEqual(to: b), "\(name) differs after resuming")
    }
    let samples = resumed.samples(classes: [0, 1], moves: 5, scale: 2, seed: 1)
    #expect(samples.count == 2 && samples.allSatisfy { $0.channels == 3 && $0.height == 32 && $0.values.allSatisfy { $0 >= 0 && $0 <= 1 } })
  }
}
