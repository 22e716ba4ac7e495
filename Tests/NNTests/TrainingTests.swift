import Foundation
import NN
import Testing
import TestSupport

/// A two-spirals-like toy problem: points in the plane, label = which side of a circle.
func circleData(count: Int, seed: UInt64) -> (x: Tensor, y: [Int]) {
  var rng = RandomGenerator(seed: seed)
  var xs: [Float] = []
  var ys: [Int] = []
  for _ in 0..<count {
    let a = rng.nextUniform() * 2 - 1, b = rng.nextUniform() * 2 - 1
    xs += [a, b]
    ys.append(a * a + b * b < 0.5 ? 1 : 0)
  }
  return (Tensor(shape: [count, 2], scalars: xs), ys)
}

/// Mean negative log-likelihood of integer labels under logits [n, c].
func nll(_ logits: Tensor, _ labels: [Int]) -> Tensor {
  let c = logits.shape[1]
  var oneHot = [Float](repeating: 0, count: labels.count * c)
  for (i, l) in labels.enumerated() { oneHot[i * c + l] = 1 }
  return -(logits.logSoftmax() * Tensor(shape: logits.shape, scalars: oneHot)).sum() * (1 / Float(labels.count))
}

func accuracy(_ logits: Tensor, _ labels: [Int]) -> Double {
  let p = logits.scalars, c = logits.shape[1]
  var right = 0
  for (i, l) in labels.enumerated() {
    let row = p[(i * c)..<((i + 1) * c)]
    if row.firstIndex(of: row.max()!)! - i * c == l { right += 1 }
  }
  return Double(right) / Double(labels.count)
}

struct TinyRun {
  var model: MLP
  var optimizer: AdamW
  var losses: [Float] = []

  init(seed: UInt64) {
    var rng = RandomGenerator(seed: seed)
    model = MLP(widths: [2, 32, 32, 2], activation: .relu, using: &rng)
    optimizer = AdamW(learningRate: 0.01, weightDecay: 1e-4, amsgrad: true)
  }

  mutating func train(steps: Int, data: (x: Tensor, y: [Int])) {
    for _ in 0..<steps {
      let (loss, g) = valueAndGrad(at: model) { m in nll(m(data.x), data.y) }
      var grads = g
      clipGradientNorm(&grads, maxNorm: 5)
      optimizer.update(&model, gradients: grads)
      losses.append(loss.scalar)
    }
  }
}

@Suite struct TrainingTests {
  @Test func tinyMLPLearnsACircle() {
    let train = circleData(count: 256, seed: 1), test = circleData(count: 256, seed: 2)
    var run = TinyRun(seed: 0)
    let before = accuracy(run.model(test.x), test.y)
    run.train(steps: 300, data: train)
    let after = accuracy(run.model(test.x), test.y)
    #expect(run.losses.last! < run.losses.first! * 0.3, "loss \(run.losses.first!) → \(run.losses.last!)")
    #expect(after > 0.9, "test accuracy \(before) → \(after)")
  }

  @Test func sameSeedGivesBitIdenticalTraining() {
    let data = circleData(count: 64, seed: 5)
    var a = TinyRun(seed: 9), b = TinyRun(seed: 9)
    a.train(steps: 20, data: data)
    b.train(steps: 20, data: data)
    #expect(a.losses.map(\.bitPattern) == b.losses.map(\.bitPattern))
    for ((_, x), (_, y)) in zip(a.model.namedParameters, b.model.namedParameters) { #expect(x.isBitwiseEqual(to: y)) }
  }

  @Test func adamWMatchesTheUpdateRuleByHand() {
    // One step from zero moments: m = (1-b1) g, v = (1-b2) g², bias-corrected m̂ = g, v̂ = g²,
    // so p ← p(1 − lr·wd) − lr · g / (|g| + eps).
    var p = [Tensor([1, -2])]
    var opt = AdamW(learningRate: 0.1, weightDecay: 0.5)
    opt.update(&p, gradients: [Tensor([0.5, -4])])
    let expected: [Float] = [1 * (1 - 0.05) - 0.1 * 0.5 / (0.5 + 1e-8), -2 * (1 - 0.05) + 0.1 * 4 / (4 + 1e-8)]
    #expect(isClose(p[0], Tensor(expected), rtol: 1e-6))
    #expect(opt.step == 1)
  }

  @Test func amsgradKeepsTheLargestSecondMoment() {
    var p = [Tensor([0])]
    var opt = AdamW(learningRate: 0.1, beta2: 0.5, weightDecay: 0, amsgrad: true)
    opt.update(&p, gradients: [Tensor([10])])
    opt.update(&p, gradients: [Tensor([0.1])])
    let vmax = opt.maxSecondMoments["0"]!.scalars[0]
    let v = opt.secondMoments["0"]!.scalars[0]
    #expect(vmax > v)
    #expect(abs(vmax - 50) < 1e-3)  // (1 - 0.5)·10² after the first step
  }

  @Test func gradientClippingBoundsTheGlobalNorm() {
    var g = [Tensor([3, 0]), Tensor([4])]
    let norm = clipGradientNorm(&g, maxNorm: 1)
    #expect(abs(norm - 5) < 1e-6)
    let clipped = (g[0].squared().sum() + g[1].squared().sum()).scalar.squareRoot()
    #expect(abs(clipped - 1) < 1e-5)
  }

  @Test func learningRateSchedulesHitTheirGoldenValues() {
    let cos = LearningRateSchedule.warmupCosine(peak: 1, floor: 0.1, warmup: 10, total: 110)
    #expect(cos.rate(at: 5) == 0.5)
    #expect(abs(cos.rate(at: 10) - 1) < 1e-6)
    #expect(abs(cos.rate(at: 60) - 0.55) < 1e-6)  // halfway: floor + (peak − floor)/2
    #expect(abs(cos.rate(at: 110) - 0.1) < 1e-6)
    #expect(LearningRateSchedule.stepDecay(initial: 1, factor: 0.5, every: 10).rate(at: 21) == 0.25)
    #expect(LearningRateSchedule.warmup(peak: 2, warmup: 4).rate(at: 1) == 0.5)
  }

  @Test func layersHaveTheRightShapesAndNames() {
    var rng = RandomGenerator(seed: 1)
    let lin = Linear(inputs: 4, outputs: 3, using: &rng)
    #expect(lin(Tensor.zeros([2, 5, 4])).shape == [2, 5, 3])
    let mlp = MLP(widths: [4, 8, 2], using: &rng)
    #expect(mlp.namedParameters.map(\.0) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
    #expect(mlp.parameterCount == 4 * 8 + 8 + 8 * 2 + 2)
    let emb = Embedding(count: 5, dimension: 3, using: &rng)
    let rows = emb([4, 0, 4])
    #expect(rows.shape == [3, 3])
    #expect(Array(rows.scalars[0..<3]) == Array(emb.table.scalars[12..<15]))
    let ln = LayerNorm(features: 6)
    let y = ln(testTensor([2, 6], seed: 4))
    #expect(abs(y.mean(axis: -1).scalars[0]) < 1e-5)
  }

  @Test(arguments: Activation.allCases) func mlpFusedLayersEqualLinearThenActivation(_ activation: Activation) {
    // MLP runs ReLU layers as linearReLU and other activations as a product plus a fused bias +
    // activation pass; both equal Linear followed by the activation, in values and gradients.
    var rng = RandomGenerator(seed: 2)
    let mlp = MLP(widths: [6, 40, 9], activation: activation, activateOutput: true, using: &rng)
    let x = testTensor([3, 11, 6], seed: 7)
    func composed(_ m: MLP, _ x: Tensor) -> Tensor { m.layers.reduce(x) { h, layer in m.activation(layer(h)) } }
    #expect(isClose(mlp(x), composed(mlp, x), rtol: 1e-5, atol: 1e-6))
    let (_, fused) = valueAndGrad(at: mlp) { m in (m(x) * x.sum(axis: -1, keepingDims: true)).sum() }
    let (_, plain) = valueAndGrad(at: mlp) { m in (composed(m, x) * x.sum(axis: -1, keepingDims: true)).sum() }
    for ((name, a), (_, b)) in zip(fused.namedParameters, plain.namedParameters) {
      #expect(isClose(a, b, rtol: 1e-4, atol: 1e-5), "\(activation) \(name)")
    }
  }

  @Test func embeddingGradientReachesOnlyUsedRows() {
    var rng = RandomGenerator(seed: 2)
    let emb = Embedding(count: 4, dimension: 2, using: &rng)
    let g = grad(at: emb) { e in e([1, 1, 3]).sum() }
    #expect(g.table.scalars == [0, 0, 2, 2, 0, 0, 1, 1])
  }
}

@Suite struct ConvolutionLayerTests {
  @Test func convNetLearnsToTellStripesApart() {
    // 6×6 images with a horizontal or a vertical bar; a tiny conv net must separate them.
    var rng = RandomGenerator(seed: 11)
    var images: [Float] = []
    var labels: [Int] = []
    for i in 0..<32 {
      var img = [Float](repeating: 0, count: 36)
      let line = i % 6, vertical = i % 2 == 0
      for k in 0..<6 { img[vertical ? k * 6 + line : line * 6 + k] = 1 }
      for j in 0..<36 { img[j] += 0.1 * rng.nextNormal() }
      images += img
      labels.append(vertical ? 1 : 0)
    }
    let x = Tensor(shape: [32, 1, 6, 6], scalars: images)
    struct Net: ParameterTree {
      var conv: Conv2d, head: Linear
      func callAsFunction(_ x: Tensor) -> Tensor {
        let h = conv(x).relu().maxPooled2d(kernel: (6, 6)).reshaped([x.shape[0], -1])
        return head(h)
      }
      mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
        try visitChild("conv", &conv, body); try visitChild("head", &head, body)
      }
    }
    var net = Net(conv: Conv2d(inChannels: 1, outChannels: 4, kernel: (3, 3), padding: (1, 1), using: &rng),
                  head: Linear(inputs: 4, outputs: 2, using: &rng))
    #expect(net.conv(x).shape == [32, 4, 6, 6])
    var opt = AdamW(learningRate: 0.05, weightDecay: 0)
    var first: Float = 0, last: Float = 0
    for step in 0..<60 {
      let (loss, g) = valueAndGrad(at: net) { n in nll(n(x), labels) }
      opt.update(&net, gradients: g)
      if step == 0 { first = loss.scalar }
      last = loss.scalar
    }
    #expect(last < first * 0.5, "loss \(first) → \(last)")
    #expect(accuracy(net(x), labels) > 0.9)
  }
}

@Suite struct CheckpointTests {
  func tempDir() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("cfx-ckpt-\(UUID().uuidString)")
  }

  struct Config: Codable, Equatable { var widths: [Int]; var note: String }

  @Test func checkpointsRoundTripBitExactly() throws {
    var run = TinyRun(seed: 3)
    run.train(steps: 5, data: circleData(count: 32, seed: 1))
    let dir = tempDir()
    let sum = try Checkpoint.save(model: run.model, configuration: Config(widths: [2, 32, 32, 2], note: "t"),
                                  optimizer: run.optimizer, trainingState: ["step": "5"], to: dir)
    var rng = RandomGenerator(seed: 99)
    var fresh = MLP(widths: [2, 32, 32, 2], using: &rng)
    let loaded = try Checkpoint.load(into: &fresh, from: dir)
    #expect(loaded.modelChecksum == sum)
    #expect(loaded.trainingState == ["step": "5"])
    #expect(try JSONDecoder().decode(Config.self, from: loaded.modelConfiguration) == Config(widths: [2, 32, 32, 2], note: "t"))
    for ((n1, a), (n2, b)) in zip(run.model.namedParameters, fresh.namedParameters) {
      #expect(n1 == n2 && a.isBitwiseEqual(to: b))
    }
    #expect(loaded.optimizer?.step == 5)
  }

  @Test func resumingFromACheckpointContinuesExactly() throws {
    let data = circleData(count: 32, seed: 4)
    var straight = TinyRun(seed: 8)
    straight.train(steps: 10, data: data)

    var first = TinyRun(seed: 8)
    first.train(steps: 5, data: data)
    let dir = tempDir()
    try Checkpoint.save(model: first.model, configuration: Config(widths: [], note: ""), optimizer: first.optimizer, to: dir)
    var resumed = TinyRun(seed: 1234)  // different init: everything must come from the checkpoint
    let loaded = try Checkpoint.load(into: &resumed.model, from: dir)
    resumed.optimizer = loaded.optimizer!
    resumed.train(steps: 5, data: data)
    for ((_, a), (_, b)) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
      #expect(a.isBitwiseEqual(to: b))
    }
  }

  @Test func corruptedOrMismatchedCheckpointsAreRefused() throws {
    let run = TinyRun(seed: 3)
    let dir = tempDir()
    try Checkpoint.save(model: run.model, configuration: Config(widths: [], note: ""), to: dir)
    // Wrong architecture.
    var rng = RandomGenerator(seed: 0)
    var other = MLP(widths: [2, 16, 2], using: &rng)
    #expect(throws: CheckpointError.self) { try Checkpoint.load(into: &other, from: dir) }
    // Flip one byte of the weights.
    let url = dir.appendingPathComponent("model.safetensors")
    var bytes = [UInt8](try Data(contentsOf: url))
    bytes[bytes.count - 10] ^= 1
    try Data(bytes).write(to: url)
    var same = run.model
    do {
      _ = try Checkpoint.load(into: &same, from: dir)
      Issue.record("corrupted checkpoint was accepted")
    } catch {
      #expect(error.description.contains("SHA-256"))
    }
    // Missing directory.
    #expect(throws: CheckpointError.self) { try Checkpoint.load(into: &same, from: tempDir()) }
  }

  /// Warm start copies the tensors of the same path and shape, keeps the rest as initialised,
  /// and says which is which; a model sharing nothing is refused.
  @Test func warmStartCopiesMatchingTensorsOnly() throws {
    var run = TinyRun(seed: 5)
    run.train(steps: 3, data: circleData(count: 16, seed: 2))
    let dir = tempDir()
    let sum = try Checkpoint.save(model: run.model, configuration: Config(widths: [2, 32, 32, 2], note: ""), to: dir)
    var rng = RandomGenerator(seed: 11)
    var wider = MLP(widths: [3, 32, 32, 2], using: &rng)  // first layer takes 3 inputs instead of 2
    let before = wider.namedParameters
    let report = try Checkpoint.warmStart(into: &wider, from: dir)
    #expect(report.sourceChecksum == sum)
    #expect(report.fresh == [before[0].0])
    #expect(report.copied == before.dropFirst().map(\.0))
    let source = Dictionary(uniqueKeysWithValues: run.model.namedParameters)
    for ((name, now), (_, old)) in zip(wider.namedParameters, before) {
      if report.copied.contains(name) {
        #expect(now.isBitwiseEqual(to: source[name]!), "\(name)")
      } else {
        #expect(now.isBitwiseEqual(to: old), "\(name)")
      }
    }
    var unrelated = MLP(widths: [5, 7], using: &rng)
    #expect(throws: CheckpointError.self) { try Checkpoint.warmStart(into: &unrelated, from: dir) }
  }

  @Test func exportKeepsTheWeightsAndDropsTheOptimizer() throws {
    var run = TinyRun(seed: 4)
    run.train(steps: 3, data: circleData(count: 16, seed: 1))
    let dir = tempDir(), export = tempDir()
    let sum = try Checkpoint.save(model: run.model, configuration: Config(widths: [1], note: "x"), optimizer: run.optimizer, to: dir)
    let exported = try Checkpoint.exportForInference(from: dir, to: export, notes: ["trained_by": "test"])
    #expect(exported == sum)
    #expect(!FileManager.default.fileExists(atPath: export.appendingPathComponent("optimizer.safetensors").path))
    var rng = RandomGenerator(seed: 1)
    var fresh = MLP(widths: [2, 32, 32, 2], using: &rng)
    let loaded = try Checkpoint.load(into: &fresh, from: export)
    #expect(loaded.optimizer == nil && loaded.modelChecksum == sum)
  }
}
