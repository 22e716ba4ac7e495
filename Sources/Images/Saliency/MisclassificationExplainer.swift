// Explains one misclassified image by feature replacement (FeatureReplacement.swift): the
// reference set U is the `references` correctly classified images of the true class nearest to
// the image in pooled-feature space (Euclidean), drawn from a pool the classifier was not trained
// on (cfx uses the set's validation split); the counterfactual's maps are upsampled to the image.

import Tensor

/// A classifier with its reference pool, ready to explain misclassifications.
public struct MisclassificationExplainer: Sendable {
  /// The classifier and its last layer.
  public let classifier: ImageClassifier, head: PooledLinearHead
  /// The pool: its images, their last convolution maps, pooled features and predictions.
  public let pool: ImageDataSet, poolGrids: [FeatureGrid], poolFeatures: [[Float]], poolPredictions: [Int]

  /// Computes the pool's maps and predictions (no gradients), in batches of 256.
  public init(classifier: ImageClassifier, pool: ImageDataSet) {
    precondition(pool.count > 0 && classifier.configuration.classNames.count == pool.classNames.count,
                 "MisclassificationExplainer: a pool of \(pool.count) images in \(pool.classNames.count) classes for a classifier of \(classifier.configuration.classNames.count)")
    self.classifier = classifier
    let head = PooledLinearHead(classifier)
    self.head = head
    self.pool = pool
    var grids: [FeatureGrid] = []
    for start in stride(from: 0, to: pool.count, by: 256) {
      grids += FeatureGrid.grids(of: classifier.featureMap(pool.batch(Array(start..<Swift.min(start + 256, pool.count)))))
    }
    poolGrids = grids
    poolFeatures = grids.map(\.pooled)
    poolPredictions = poolFeatures.map { argmax(head.logits($0)) }
  }

  /// One explanation: the search's result, the pool indices of the references (the edits'
  /// `reference` indexes this list), and the dual maps upsampled to the image (H·W values each,
  /// scaled to maximum 1).
  public struct Explanation: Sendable {
    public var result: FeatureReplacement.Result, references: [Int]
    public var invariantMap: [Float], dominantMap: [Float]
  }

  /// Explains image [1, C, H, W] whose true class is `trueClass` with counterfactual method
  /// `method` (FeatureReplacement.Settings.methods) and its settings.
  public func explain(_ image: Tensor, trueClass: Int, settings: FeatureReplacement.Settings, method: String) -> Explanation? {
    explain(image, trueClass: trueClass, strategy: settings.strategy(method), references: settings.references, maxSteps: settings.maxSteps, sigma: settings.sigma)
  }

  /// Explains image [1, C, H, W] whose true class is `trueClass` with `strategy`; nil when the
  /// pool holds no correctly classified image of that class.
  public func explain(_ image: Tensor, trueClass: Int, strategy: FeatureReplacement.Strategy, references count: Int = 20,
                      maxSteps: Int = 100, sigma: Float = 0.8) -> Explanation? {
    precondition(image.rank == 4 && image.shape[0] == 1, "MisclassificationExplainer.explain: image \(image.shape) is not [1, C, H, W]")
    let grid = FeatureGrid.grids(of: classifier.featureMap(image))[0]
    let chosen = FeatureReplacement.nearestCorrect(to: grid.pooled, pool: poolFeatures, labels: pool.labels, predictions: poolPredictions,
                                                   trueClass: trueClass, count: count)
    guard !chosen.isEmpty else { return nil }
    let result = FeatureReplacement.search(query: grid, references: chosen.map { poolGrids[$0] }, head: head, trueClass: trueClass,
                                           strategy: strategy, maxSteps: maxSteps, dualMapSigma: sigma)
    let (height, width) = (image.shape[2], image.shape[3])
    func upsampled(_ map: [Float]) -> [Float] { Saliency.normalised(Saliency.bilinear(map, from: (grid.height, grid.width), to: (height, width))) }
    return Explanation(result: result, references: chosen, invariantMap: upsampled(result.invariantMap), dominantMap: upsampled(result.dominantMap))
  }
}
