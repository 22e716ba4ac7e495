// `cfx bench images`: the convolutions at the shapes the image models use (forward, and forward +
// backward), and one training step of the Fashion-MNIST classifier, each as GFLOP/s beside the
// sgemm peak measured in the same run, and one training step of the diffusion U-Net. Convolution FLOPs: forward 2·N·O·C·kh·kw·H'·W'; the
// backward pass adds the same again for the weight gradient and, where the input needs a
// gradient (every layer but the first), once more for the input gradient.

import Foundation
import Images
import NN
import Tensor

/// Image-model timings, printable as JSON.
public struct ImageBenchmark: Codable, Sendable, BenchmarkReport {
  /// One convolution shape.
  public struct Convolution: Codable, Sendable {
    /// Where the shape occurs ("classifier", "unet"), batch, channels in → out, input side.
    public var model: String, batch: Int, inChannels: Int, outChannels: Int, size: Int
    /// Whether the input needs a gradient (false for a first layer).
    public var inputGradient: Bool
    /// Best seconds and GFLOP/s of the forward pass and of forward + backward (from a fixed
    /// upstream gradient; bias included in both).
    public var forwardSeconds: Double, forwardGflops: Double, trainingSeconds: Double, trainingGflops: Double
    /// GFLOP/s over the run's sgemm peak.
    public var forwardFractionOfPeak: Double, trainingFractionOfPeak: Double
  }

  /// One classifier training step.
  public struct Step: Codable, Sendable {
    /// The model, batch, parameters.
    public var model: String, batch: Int, parameters: Int
    /// Best seconds per step (forward, backward, AdamW), images/s, GFLOP/s of its convolutions
    /// and linear layer, and the fraction of the sgemm peak.
    public var seconds: Double, imagesPerSecond: Double, gflops: Double, fractionOfPeak: Double
  }

  /// The arithmetic measured, the sgemm peak of this run, the load average.
  public var arithmetic: ArithmeticProvenance
  public var sgemmPeakGflops: Double
  public var convolutions: [Convolution]
  public var classifierStep: Step
  /// One training step of the diffusion U-Net (base 32, levels ×1 ×2 ×2, attention at 8 × 8) at
  /// batch 64 on 32 × 32 RGB, with the ε-loss and AdamW.
  public var unetStep: Step
  public var loadAverage: String

  /// One layer's forward and backward pass from a fixed upstream gradient dy, as inside a network
  /// (no loss reduction timed): weight and bias gradients, and the input's when asked for (a
  /// hidden layer; a first layer's input needs none).
  static func layerForwardBackward(_ conv: Conv2d, _ x: Tensor, upstream dy: Tensor, inputGradient: Bool) {
    let tape = Tape()
    var layer = conv
    layer.weight = tape.leaf(layer.weight)
    if let bias = layer.bias { layer.bias = tape.leaf(bias) }
    let input = inputGradient ? tape.leaf(x) : x
    let y = Tape.$current.withValue(tape) { layer(input) }
    _ = tape.backward(from: y, seed: dy)
  }

  /// Runs every measurement for about `seconds` each.
  public static func run(seconds: Double) -> ImageBenchmark {
    let peak = TensorBenchmark.sgemmPeak(seconds: seconds)
    var rng = RandomGenerator(seed: 0)
    let shapes: [(String, Int, Int, Int, Bool)] = [
      ("classifier", 1, 32, 28, false), ("classifier", 32, 32, 28, true), ("classifier", 32, 64, 14, true),
      ("classifier", 64, 64, 14, true), ("classifier", 64, 128, 7, true), ("classifier", 128, 128, 7, true),
      ("unet", 3, 32, 32, false), ("unet", 32, 32, 32, true), ("unet", 64, 64, 16, true), ("unet", 128, 128, 8, true),
    ]
    let batch = 64
    var convolutions: [Convolution] = []
    for (model, c, o, size, inputGradient) in shapes {
      let x = Tensor.uniform([batch, c, size, size], low: 0, high: 1, using: &rng)
      let conv = Conv2d(inChannels: c, outChannels: o, kernel: (3, 3), padding: (1, 1), using: &rng)
      let forwardFlops = 2 * Double(batch * o * c * 9 * size * size)
      let forward = TensorBenchmark.bestTime(seconds: seconds) { _ = conv(x) }
      let upstream = Tensor.uniform([batch, o, size, size], low: -1, high: 1, using: &rng)
      let training = TensorBenchmark.bestTime(seconds: seconds) {
        layerForwardBackward(conv, x, upstream: upstream, inputGradient: inputGradient)
      }
      let trainingFlops = forwardFlops * (inputGradient ? 3 : 2)
      convolutions.append(Convolution(
        model: model, batch: batch, inChannels: c, outChannels: o, size: size, inputGradient: inputGradient,
        forwardSeconds: forward, forwardGflops: forwardFlops / forward / 1e9, trainingSeconds: training, trainingGflops: trainingFlops / training / 1e9,
        forwardFractionOfPeak: forwardFlops / forward / 1e9 / peak, trainingFractionOfPeak: trainingFlops / training / 1e9 / peak))
    }
    // One training step of the Fashion-MNIST classifier (cfx train classifier's defaults).
    let configuration = ImageClassifierConfiguration(channels: 1, height: 28, width: 28, classNames: (0..<10).map(String.init))
    var model = ImageClassifier(configuration, using: &rng)
    var optimizer = AdamW(learningRate: 1e-3, weightDecay: 1e-4)
    let images = Tensor.uniform([batch, 1, 28, 28], low: 0, high: 1, using: &rng)
    let labels = (0..<batch).map { $0 % 10 }
    let stepSeconds = TensorBenchmark.bestTime(seconds: seconds) {
      let (_, gradient) = valueAndGrad(at: model) { Tensor.crossEntropy(logits: $0(images), classIndices: labels) }
      optimizer.update(&model, gradients: gradient, learningRate: 1e-3)
    }
    // FLOPs of the step: each convolution and the linear layer forward, twice more backward
    // (the first convolution once: its input needs no gradient).
    var flops = 0.0, channels = 1, side = 28
    for stage in 0..<configuration.stages {
      let out = configuration.baseChannels << stage
      for index in 0..<configuration.convsPerStage {
        let forward = 2 * Double(batch * out * channels * 9 * side * side)
        flops += forward * (stage == 0 && index == 0 ? 2 : 3)
        channels = out
      }
      if stage + 1 < configuration.stages { side /= 2 }
    }
    flops += 3 * 2 * Double(batch * channels * 10)
    let step = Step(
      model: "fashion-mnist classifier (base 32, 3 stages × 2 convs)", batch: batch, parameters: model.parameterCount, seconds: stepSeconds,
      imagesPerSecond: Double(batch) / stepSeconds, gflops: flops / stepSeconds / 1e9, fractionOfPeak: flops / stepSeconds / 1e9 / peak)
    let unet = unetStep(batch: batch, seconds: seconds, peak: peak, using: &rng)
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    return ImageBenchmark(arithmetic: .current, sgemmPeakGflops: peak, convolutions: convolutions, classifierStep: step, unetStep: unet, loadAverage: load)
  }

  /// The U-Net benchmarked, as `cfx train diffusion` builds it for a 10-class 32 × 32 RGB set.
  public static let unetConfiguration = UNetConfiguration(channels: 3, baseChannels: 32, multipliers: [1, 2, 2], groups: 8, embeddingWidth: 64, conditionWidth: 10, attention: true)

  /// One U-Net training step: forward, ε-loss, backward, AdamW.
  static func unetStep(batch: Int, seconds: Double, peak: Double, using rng: inout RandomGenerator) -> Step {
    let c = unetConfiguration, side = 32
    var model = UNet(c, using: &rng)
    var optimizer = AdamW(learningRate: 1e-3, weightDecay: 0)
    let x = Tensor.normal([batch, c.channels, side, side], using: &rng), noise = Tensor.normal(x.shape, using: &rng)
    let steps = (0..<batch).map { 1 + $0 * 7 % 500 }
    let condition = Tensor(shape: [batch, 10], scalars: (0..<(batch * 10)).map { $0 % 11 == 0 ? 1 : 0 })
    let stepSeconds = TensorBenchmark.bestTime(seconds: seconds) {
      let (_, gradient) = valueAndGrad(at: model) { GaussianDiffusion.loss(predictedNoise: $0(x, steps: steps, condition: condition), noise: noise) }
      optimizer.update(&model, gradients: gradient, learningRate: 1e-3)
    }
    let flops = 3 * unetForwardFlops(c, batch: batch, side: side)
    return Step(
      model: "diffusion U-Net (base 32, ×1 ×2 ×2, attention at 8 × 8), 32 × 32 RGB", batch: batch, parameters: model.parameterCount, seconds: stepSeconds,
      imagesPerSecond: Double(batch) / stepSeconds, gflops: flops / stepSeconds / 1e9, fractionOfPeak: flops / stepSeconds / 1e9 / peak)
  }

  /// Multiply-add FLOPs of the U-Net's convolutions and attention products in one forward pass
  /// (a training step counts three times this: forward, input and weight gradients).
  static func unetForwardFlops(_ c: UNetConfiguration, batch: Int, side: Int) -> Double {
    func conv(_ i: Int, _ o: Int, _ k: Int, _ s: Int) -> Double { 2 * Double(batch * i * o * k * k * s * s) }
    func block(_ i: Int, _ o: Int, _ s: Int) -> Double { conv(i, o, 3, s) + conv(o, o, 3, s) + (i == o ? 0 : conv(i, o, 1, s)) }
    var flops = conv(c.channels, c.baseChannels, 3, side), channels = c.baseChannels, s = side
    var skips: [Int] = []
    for (level, m) in c.multipliers.enumerated() {
      flops += block(channels, c.baseChannels * m, s)
      channels = c.baseChannels * m
      skips.append(channels)
      if level + 1 < c.multipliers.count { s /= 2; flops += conv(channels, channels, 3, s) }
    }
    flops += 2 * block(channels, channels, s)
    if c.attention {
      let positions = Double(s * s)
      flops += conv(channels, 3 * channels, 1, s) + conv(channels, channels, 1, s) + 2 * 2 * Double(batch) * positions * positions * Double(channels)
    }
    for (level, m) in c.multipliers.enumerated().reversed() {
      flops += block(channels + skips[level], c.baseChannels * m, s)
      channels = c.baseChannels * m
      if level > 0 { s *= 2; flops += conv(channels, channels, 3, s) }
    }
    return flops + conv(channels, c.channels, 3, s)
  }

}
