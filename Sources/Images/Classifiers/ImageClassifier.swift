// The classifiers the image pipelines explain: a small VGG-style CNN whose last convolution map
// feeds global average pooling and one linear layer (the layout class-activation maps and the
// misclassification pipeline's saliency partition need):
//   stage s = 1…S:  [conv 3×3 (padding 1) → ReLU] × convsPerStage, then 2×2 max-pooling
//                   (not after the last stage)
//   logits = W · mean_{h,w}(last conv map) + b
// Channels double from `baseChannels` at every stage.

import Foundation
import NN
import Tensor

/// The shape of an image classifier.
public struct ImageClassifierConfiguration: Codable, Sendable, Equatable {
  /// Input channels, rows and columns.
  public var channels: Int, height: Int, width: Int
  /// Class names, by label.
  public var classNames: [String]
  /// Channels of the first stage (doubling per stage), stages, convolutions per stage.
  public var baseChannels: Int, stages: Int, convsPerStage: Int

  /// A configuration.
  public init(channels: Int, height: Int, width: Int, classNames: [String], baseChannels: Int = 32, stages: Int = 3, convsPerStage: Int = 2) {
    precondition(channels > 0 && height > 0 && width > 0 && classNames.count >= 2 && baseChannels > 0 && stages >= 1 && convsPerStage >= 1,
                 "ImageClassifierConfiguration: \(channels)×\(height)×\(width), \(classNames.count) classes, \(baseChannels) base channels, \(stages) stages")
    (self.channels, self.height, self.width, self.classNames) = (channels, height, width, classNames)
    (self.baseChannels, self.stages, self.convsPerStage) = (baseChannels, stages, convsPerStage)
  }

  /// Channels of the last convolution map.
  public var featureChannels: Int { baseChannels << (stages - 1) }
}

/// A CNN classifier: conv stages → global average pooling → linear.
public struct ImageClassifier: ParameterTree, Sendable {
  /// Its shape.
  public let configuration: ImageClassifierConfiguration
  /// The convolutions, stage by stage.
  public var convolutions: [Conv2d]
  /// The linear layer on the pooled features.
  public var head: Linear

  /// A freshly initialised classifier (PyTorch's default initialisation).
  public init(_ configuration: ImageClassifierConfiguration, using rng: inout RandomGenerator) {
    self.configuration = configuration
    var layers: [Conv2d] = []
    var channels = configuration.channels
    for stage in 0..<configuration.stages {
      let out = configuration.baseChannels << stage
      for _ in 0..<configuration.convsPerStage {
        layers.append(Conv2d(inChannels: channels, outChannels: out, kernel: (3, 3), padding: (1, 1), using: &rng))
        channels = out
      }
    }
    convolutions = layers
    head = Linear(inputs: channels, outputs: configuration.classNames.count, using: &rng)
  }

  /// The last convolution map. Shapes: [N, C, H, W] → [N, featureChannels, H / 2^(S−1), W / 2^(S−1)].
  public func featureMap(_ images: Tensor) -> Tensor { convolutionMaps(images).last! }

  /// Every stage's last convolution map (after its ReLU, before pooling). Shapes: [N, C, H, W] →
  /// S maps [N, baseChannels·2^s, H / 2^s, W / 2^s].
  public func convolutionMaps(_ images: Tensor) -> [Tensor] {
    var x = images
    var maps: [Tensor] = []
    for (index, conv) in convolutions.enumerated() {
      x = conv.relu(x)
      let endOfStage = (index + 1) % configuration.convsPerStage == 0
      if endOfStage { maps.append(x) }
      if endOfStage && index + 1 < convolutions.count { x = x.maxPooled2d(kernel: (2, 2)) }
    }
    return maps
  }

  /// Globally average-pooled features. Shapes: [N, C, H, W] → [N, featureChannels].
  public func features(_ images: Tensor) -> Tensor {
    let map = featureMap(images)
    return map.sum(axes: [2, 3]) * (1 / Float(map.shape[2] * map.shape[3]))
  }

  /// Class logits. Shapes: [N, C, H, W] → [N, classes].
  public func callAsFunction(_ images: Tensor) -> Tensor { head(features(images)) }

  /// Visits the convolutions ("conv0" …) and the head.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    for index in convolutions.indices { try visitChild("conv\(index)", &convolutions[index], body) }
    try visitChild("head", &head, body)
  }

  /// The trained classifier in checkpoint `directory` and its weights' SHA-256.
  public static func load(from directory: URL) throws(CheckpointError) -> (model: ImageClassifier, checksum: String) {
    let configuration = try Checkpoint.configuration(ImageClassifierConfiguration.self, in: directory)
    var initialisation = RandomGenerator(seed: 0)
    var model = ImageClassifier(configuration, using: &initialisation)
    let loaded = try Checkpoint.load(into: &model, from: directory)
    return (model, loaded.modelChecksum)
  }

  /// Pooled features ([n, featureChannels]) of a data set, in batches (no gradients).
  public func features(_ data: ImageDataSet, batchSize: Int = 256) -> [[Float]] {
    stride(from: 0, to: data.count, by: batchSize).flatMap { start in
      let f = features(data.batch(Array(start..<Swift.min(start + batchSize, data.count))))
      let d = f.shape[1], values = f.scalars
      return (0..<f.shape[0]).map { Array(values[$0 * d..<($0 + 1) * d]) }
    }
  }

  /// Predicted classes and softmax probabilities of a data set, in batches (no gradients).
  public func predictions(_ data: ImageDataSet, batchSize: Int = 256) -> (classes: [Int], probabilities: [[Float]]) {
    var classes: [Int] = [], probabilities: [[Float]] = []
    for start in stride(from: 0, to: data.count, by: batchSize) {
      let logits = self(data.batch(Array(start..<Swift.min(start + batchSize, data.count))))
      let p = logits.softmax(axis: 1).scalars, k = configuration.classNames.count
      for row in 0..<logits.shape[0] {
        let values = Array(p[row * k..<(row + 1) * k])
        probabilities.append(values)
        classes.append(values.indices.max { values[$0] < values[$1] }!)
      }
    }
    return (classes, probabilities)
  }
}

/// Accuracy and confusion matrix of predictions against labels.
public struct ClassificationReport: Codable, Sendable, Equatable {
  /// Fraction of correct predictions.
  public var accuracy: Double
  /// confusion[true][predicted] counts.
  public var confusion: [[Int]]
  /// Images evaluated.
  public var count: Int

  /// The report of `predicted` against `labels` over `classes` classes.
  public init(predicted: [Int], labels: [Int], classes: Int) {
    precondition(predicted.count == labels.count, "ClassificationReport: \(predicted.count) predictions for \(labels.count) labels")
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
    for (p, y) in zip(predicted, labels) { confusion[y][p] += 1 }
    self.confusion = confusion
    count = labels.count
    accuracy = labels.isEmpty ? .nan : Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }
}
