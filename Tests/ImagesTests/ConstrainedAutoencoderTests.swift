import Basics
import Clustering
import Foundation
import NN
import Testing
import Tensor
@testable import Images

@Suite struct ConstrainedAutoencoderTests {
  static let shapes = AttributeShapes.generate(count: 96, seed: 5)
  static var shapeTags: [[Float]] { try! AttributeTable.attributeShapes.tags(of: shapes).map { $0.map { $0 ? 1 : 0 } } }
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Accuracy of the best constant predictor per tag (the chance level of tag accuracy).
  static func majorityAccuracy(_ tags: [[Float]]) -> Double {
    let n = Double(tags.count)
    var total = 0.0
    for j in 0..<tags[0].count {
      let on = Double(tags.filter { $0[j] > 0.5 }.count)
      total += Swift.max(on, n - on) / n
    }
    return total / Double(tags[0].count)
  }

  @Test(arguments: AutoencoderKind.allCases)
  func tinyAutoencoderLearnsImagesAndTags(_ kind: AutoencoderKind) {
    let data = Self.shapes
    let configuration = ConstrainedAutoencoderConfiguration(channels: 3, height: 32, width: 32, kind: kind, hidden: kind == .dense ? [64] : [8, 16],
                                                            latent: 8, tagCount: 12)
    var rng = RandomGenerator(seed: 1)
    var model = ConstrainedAutoencoder(configuration, using: &rng)
    #expect(model.decode(model.encode(data.batch([0, 1]))).shape == [2, 3, 32, 32])
    let log = AutoencoderTraining.train(&model, data: data, tags: Self.shapeTags, tagWeight: 0.5, epochs: 25, batchSize: 16, learningRate: 3e-3, seed: 2)
    #expect(log.count == 25)
    let (first, last) = (log.first!, log.last!)
    #expect(last.mse < 0.7 * first.mse, "reconstruction \(first.mse) → \(last.mse)")
    let (bce0, bce1): (Double, Double) = (first.bce!, last.bce!)
    #expect(bce1 < bce0)
    let chance = Self.majorityAccuracy(Self.shapeTags), accuracy: Double = last.tagAccuracy!
    #expect(accuracy > chance + 0.05, "tag accuracy \(accuracy) vs constant predictor \(chance)")
  }

  @Test func convolutionalDecoderRestoresOddSizes() {
    var rng = RandomGenerator(seed: 3)
    let model = ConstrainedAutoencoder(ConstrainedAutoencoderConfiguration(channels: 1, height: 28, width: 28, kind: .convolutional, hidden: [4, 4, 4]), using: &rng)
    let x = Tensor.uniform([2, 1, 28, 28], using: &rng)
    #expect(model.decode(model.encode(x)).shape == [2, 1, 28, 28])
    #expect(model.tagHead == nil)
  }

  @Test func checkpointRoundTrip() throws {
    var rng = RandomGenerator(seed: 4)
    let model = ConstrainedAutoencoder(ConstrainedAutoencoderConfiguration(channels: 3, height: 32, width: 32, kind: .dense, hidden: [16], latent: 4, tagCount: 12), using: &rng)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-cae-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try Checkpoint.save(model: model, configuration: model.configuration, to: directory)
    let loaded = try ConstrainedAutoencoder.load(from: directory).model
    let x = Self.shapes.batch([0, 1, 2])
    #expect(loaded.encode(x).isBitwiseEqual(to: model.encode(x)))
    #expect(loaded.configuration == model.configuration)
  }

  @Test func shippedAttributeTablesFitTheirSets() throws {
    let fashion = try AttributeTable.read(from: Self.repository.appendingPathComponent("images/attributes/fashion-mnist.csv"), classNames: FashionMNIST.classNames)
    #expect(fashion.tagNames.count >= 16 && fashion.tagNames.contains("handle") && fashion.tagNames.contains("heel"))
    // Every class has a tag row of its own (the table tells the classes apart).
    #expect(Set(fashion.classTags!).count == 10)
    let animals = try AttributeTable.read(from: Self.repository.appendingPathComponent("images/attributes/animals.csv"),
                                          classNames: ["bear", "bird", "cat", "cow", "dog", "elephant", "giraffe", "horse", "sheep", "zebra"])
    #expect(Set(animals.classTags!).count == 10)
    // Per-image tags of attribute shapes: five on per image, the class's defining tags among them.
    let tags = try AttributeTable.attributeShapes.tags(of: Self.shapes)
    let defining = AttributeTable.attributeShapes.definingTags
    for (row, label) in zip(tags, Self.shapes.labels) {
      #expect(row.filter { $0 }.count == 5)
      #expect(zip(row, defining[label]).allSatisfy { !$1 || $0 })
    }
  }

  @Test func malformedAttributeTablesNameTheLine() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-attributes-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data("class,a,b\nx,1,0\ny,1,2\n".utf8).write(to: file)
    #expect { try AttributeTable.read(from: file, classNames: ["x", "y"]) } throws: { "\($0)".contains("line 3") && "\($0)".contains("not 0 or 1") }
    #expect { try AttributeTable.read(from: file, classNames: ["x", "z"]) } throws: { "\($0)".contains("expected 'z'") }
  }

  @Test func deccsRunsRoundsAndResumesFromItsJournal() throws {
    let data = Self.shapes
    var rng = RandomGenerator(seed: 6)
    var model = ConstrainedAutoencoder(ConstrainedAutoencoderConfiguration(channels: 3, height: 32, width: 32, kind: .dense, hidden: [32], latent: 4, tagCount: 12), using: &rng)
    _ = AutoencoderTraining.train(&model, data: data, tags: Self.shapeTags, tagWeight: 0.5, epochs: 5, batchSize: 16, seed: 7)
    var settings = DECCSSettings(clusterCount: 6, seed: 8)
    (settings.subsample, settings.maxRounds, settings.batchSize, settings.classifierEpochs, settings.tolerance) = (60, 3, 16, 5, -1)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfx-deccs-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let identity = ["test": "deccs"]
    let first = try DECCS.run(model, data: data, tags: nil, settings: settings, directory: directory,
                              journal: RunJournal(directory: directory, identity: identity), truth: data.labels, quiet: true)
    // Tolerance −1: every round counts as improving, so all three run; the last one is kept.
    let roundNumbers: [Int] = first.rounds.map { $0.round }
    #expect(roundNumbers == [0, 1, 2])
    #expect(first.bestRound == 2)
    for round in first.rounds {
      #expect(round.agreement >= 0 && round.agreement <= 1 + 1e-12)
      let total: Double = round.weights.reduce(0, +)
      #expect(Swift.abs(total - 1) < 1e-9)
    }
    let updated: [Bool] = first.rounds.map { $0.updateLoss != nil }
    #expect(updated == [true, true, false])
    #expect(first.labels.count == data.count)
    #expect(first.labels.allSatisfy { $0 >= 0 && $0 < 6 })
    // A rerun finds every round in the journal and gives the same clustering.
    let again = try DECCS.run(model, data: data, tags: nil, settings: settings, directory: directory,
                              journal: RunJournal(directory: directory, identity: identity), quiet: true)
    #expect(again.labels == first.labels && again.rounds == first.rounds)
  }
}
