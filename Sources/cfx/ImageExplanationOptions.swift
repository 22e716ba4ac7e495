// The settings of the image explanation methods, given the same way to `cfx explain images` and
// `cfx eval saliency`.

import ArgumentParser
import Images

/// Settings of the counterfactual methods (partition, greedy, similarity).
struct CounterfactualOptions: ParsableArguments {
  @Option(help: "Reference images per input (correctly classified validation images of the target class, nearest first).")
  var references = 20
  @Option(help: "partition: keep the M reference cells most similar to the chosen cell.")
  var topM = 50
  @Option(help: "partition: σ of the reversed Gaussian kernel, in cells of the last convolution map.")
  var sigma: Float = 0.8
  @Option(help: "Edits before a counterfactual search counts as failed.")
  var maxSteps = 100
  @Option(help: "similarity: weight λ of the similarity term.")
  var lambda: Float = 0.4
  @Option(help: "similarity: temperature τ of the similarity softmax.")
  var temperature: Float = 0.1
  @Option(help: "similarity: fraction of (cell, reference cell) pairs kept, most similar first.")
  var keepFraction: Float = 0.2

  func validate() throws {
    guard references > 0, topM > 0, sigma > 0, maxSteps > 0 else { throw ValidationError("--references, --top-m, --sigma and --max-steps must be positive") }
    guard lambda >= 0, temperature > 0, keepFraction > 0, keepFraction <= 1 else { throw ValidationError("--lambda ≥ 0, --temperature > 0, 0 < --keep-fraction ≤ 1") }
  }

  /// The settings.
  var settings: FeatureReplacement.Settings {
    var s = FeatureReplacement.Settings()
    (s.references, s.topM, s.sigma, s.maxSteps, s.lambda, s.temperature, s.keepFraction) = (references, topM, sigma, maxSteps, lambda, temperature, keepFraction)
    return s
  }
}

/// Settings of the saliency methods that have them.
struct SaliencyOptions: ParsableArguments {
  @Option(help: "occlusion: patch side in pixels.")
  var patch = 8
  @Option(help: "occlusion: stride in pixels.")
  var stride = 4
  @Option(help: "rise: random masks.")
  var riseMasks = 256
  @Option(help: "Random seed (RISE's masks).")
  var seed: UInt64 = 0

  func validate() throws {
    guard patch > 0, stride > 0, riseMasks > 0 else { throw ValidationError("--patch, --stride and --rise-masks must be positive") }
  }

  /// The settings.
  var settings: SaliencyMethod.Settings {
    var s = SaliencyMethod.Settings()
    (s.occlusionPatch, s.occlusionStride, s.riseMasks, s.seed) = (patch, stride, riseMasks, seed)
    return s
  }
}
