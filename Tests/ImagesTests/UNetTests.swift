import Foundation
@testable import Images
import NN
import Tensor
import Testing

/// The U-Net: shapes at the models' sizes, ε̂ = 0 before training, the null condition, and a tiny
/// model that learns to predict the noise of a toy image set within seconds.
@Suite(.serialized) struct UNetTests {
  @Test func shapesAndStart() {
    var rng = RandomGenerator(seed: 0)
    let net = UNet(UNetConfiguration(channels: 1, baseChannels: 8, multipliers: [1, 2, 2], groups: 4, embeddingWidth: 16, conditionWidth: 3), using: &rng)
    let x = Tensor.normal([2, 1, 28, 28], using: &rng)
    let y = net(x, steps: [3, 90], condition: Tensor(shape: [2, 3], scalars: [1, 0, 0, 0, 1, 0]))
    #expect(y.shape == [2, 1, 28, 28] && y.scalars.allSatisfy { $0 == 0 })
    #expect(net(x, steps: [1, 2]).shape == [2, 1, 28, 28])
    #expect(net.namedParameters.contains { $0.0 == "nullCondition" } && net.parameterCount > 10_000)
  }

  /// Toy data: 8 × 8 images, bright on the left half or on the right half; ε-loss with AdamW.
  @Test func aTinyUNetLearnsToPredictTheNoise() {
    let process = GaussianDiffusion(stepCount: 100)
    var rng = RandomGenerator(seed: 1)
    var net = UNet(UNetConfiguration(channels: 1, baseChannels: 8, multipliers: [1, 2], groups: 4, embeddingWidth: 16), using: &rng)
    var optimizer = AdamW(learningRate: 3e-3, weightDecay: 0)
    func batch(_ n: Int) -> Tensor {
      var values: [Float] = []
      for _ in 0..<n {
        let left = rng.nextInt(below: 2) == 0
        for _ in 0..<8 { for x in 0..<8 { values.append((x < 4) == left ? 0.8 : -0.8) } }
      }
      return Tensor(shape: [n, 1, 8, 8], scalars: values)
    }
    func heldOutLoss() -> Float {
      var evaluation = RandomGenerator(seed: 99)
      let x0 = batch(64), noise = Tensor.normal(x0.shape, using: &evaluation)
      let steps = (0..<64).map { 1 + ($0 * 37) % 100 }
      return GaussianDiffusion.loss(predictedNoise: net(process.noised(x0, steps: steps, noise: noise), steps: steps), noise: noise).scalar
    }
    let before = heldOutLoss()
    for _ in 0..<150 {
      let x0 = batch(32), noise = Tensor.normal(x0.shape, using: &rng)
      let steps = (0..<32).map { _ in 1 + rng.nextInt(below: 100) }
      let xt = process.noised(x0, steps: steps, noise: noise)
      let (_, gradient) = valueAndGrad(at: net) { GaussianDiffusion.loss(predictedNoise: $0(xt, steps: steps), noise: noise) }
      optimizer.update(&net, gradients: gradient, learningRate: 3e-3)
    }
    let after = heldOutLoss()
    #expect(abs(before - 1) < 0.2 && after < 0.5 * before, "held-out ε-loss \(before) → \(after)")
  }
}
