import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// The shipped Fashion-MNIST classifier is what its evaluation says: it loads, and on the test
/// images it predicts the classes its test-predictions.csv records (up to near-ties, which
/// another BLAS kernel may round the other way).
@Suite struct ShippedClassifierTests {
  @Test func shippedClassifierReproducesItsEvaluation() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("images/models/fashion-mnist-classifier")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("config.json"))) as? [String: Any])
    let configuration = try JSONDecoder().decode(ImageClassifierConfiguration.self, from: JSONSerialization.data(withJSONObject: document["model"]!))
    var rng = RandomGenerator(seed: 0)
    var model = ImageClassifier(configuration, using: &rng)
    _ = try Checkpoint.load(into: &model, from: directory)
    let test = try FashionMNIST.load("t10k")
    let recorded = try String(contentsOf: directory.appendingPathComponent("test-predictions.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().map { Int($0.split(separator: ",")[2])! }
    let indices = Array(0..<1000)
    let predicted = model.predictions(test.subset(indices)).classes
    let agreement = Double(zip(predicted, recorded.prefix(1000)).filter { $0 == $1 }.count) / 1000
    #expect(agreement >= 0.995, "agreement \(agreement) with the recorded predictions")
    let accuracy = Double(zip(predicted, indices.map { test.labels[$0] }).filter { $0 == $1 }.count) / 1000
    #expect(accuracy >= 0.89, "accuracy \(accuracy) on the first 1000 test images")
  }
}
