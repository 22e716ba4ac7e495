import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// Every shipped image classifier (images/models/SET-classifier, and the attribute oracles
/// SET-FACTOR-oracle) loads, names its set's classes,
/// and its evaluation.json agrees with its own test-predictions.csv (accuracy, confusion matrix,
/// predictions the arg-max of their probabilities). scripts/check-classifier.py recomputes the
/// same against the built set's labels.
@Suite struct ShippedImageClassifiersTests {
  static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("images/models")

  static let classNames: [String: [String]] = [
    "fashion-mnist": FashionMNIST.classNames, "shapes-modes": ShapesModes.classNames, "toy-birds": ToyBirds.classNames,
    "attribute-shapes": AttributeShapes.classNames, "animals": AnimalSilhouettes.classNames, "animals-on-texture": AnimalSilhouettes.classNames,
    "shapes-modes-mode-oracle": ["mode=0", "mode=1", "mode=2"],
    "fashion-mnist-merged": ["T-shirt/top", "Trouser+Bag", "Pullover", "Dress", "Coat", "Sandal+Sneaker+Ankle boot", "Shirt"],
  ]

  @Test func everyShippedClassifierIsConsistent() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.models.path).filter { $0.hasSuffix("-classifier") || $0.hasSuffix("-oracle") }.sorted()
    #expect(names.contains("fashion-mnist-classifier"))
    for name in names {
      let directory = Self.models.appendingPathComponent(name)
      let set = name.hasSuffix("-oracle") ? name : String(name.dropLast("-classifier".count))
      let (model, checksum) = try ImageClassifier.load(from: directory)
      #expect(model.configuration.classNames == Self.classNames[set], "\(name): classes")
      let evaluation = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("evaluation.json"))) as? [String: Any])
      #expect(evaluation["modelSHA256"] as? String == checksum, "\(name): evaluation of another model")
      let test = try #require(evaluation["test"] as? [String: Any])
      let rows = try String(contentsOf: directory.appendingPathComponent("test-predictions.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
      var confusion = [[Int]](repeating: [Int](repeating: 0, count: model.configuration.classNames.count), count: model.configuration.classNames.count)
      for row in rows {
        let fields = row.split(separator: ",")
        let (label, predicted) = (Int(fields[1])!, Int(fields[2])!)
        let p = fields[3...].map { Double($0)! }
        #expect(p.indices.max { p[$0] < p[$1] } == predicted || p.max()! - p[predicted] < 1e-6, "\(name): prediction not the arg-max")
        confusion[label][predicted] += 1
      }
      #expect(confusion == test["confusion"] as? [[Int]], "\(name): confusion matrix")
      let correct = confusion.indices.map { confusion[$0][$0] }.reduce(0, +)
      #expect(abs(Double(correct) / Double(rows.count) - (test["accuracy"] as? Double ?? -1)) < 1e-12, "\(name): accuracy")
    }
  }
}
