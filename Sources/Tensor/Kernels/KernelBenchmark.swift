// Micro-benchmarks of the tensor kernels, printed as JSON by `cfx bench tensor`: sgemm GFLOP/s
// at the shapes the models use, GB/s of the main elementwise kernels, and fused versus unfused
// timings of the kernels fused for the graph-transformer step. Best of several repetitions.
// No timing is asserted anywhere (tests never depend on speed).

import CTensorKernels
import Foundation

/// Tensor kernel micro-benchmarks (results as JSON-encodable values).
public enum TensorKernelBenchmark {
  /// One measured kernel.
  public struct Measurement: Codable, Sendable {
    /// What ran, with its shape.
    public var name: String
    /// Best wall time of one call, in milliseconds.
    public var milliseconds: Double
    /// Achieved GFLOP/s (matrix products) or nil.
    public var gflops: Double?
    /// Achieved GB/s, counting each operand read once and the output written once, or nil.
    public var gigabytesPerSecond: Double?
  }

  /// A fused kernel against the unfused sequence of ops it replaces.
  public struct FusionComparison: Codable, Sendable {
    /// What was compared, with its shape.
    public var name: String
    /// Best time of the fused kernel, ms.
    public var fusedMilliseconds: Double
    /// Best time of the unfused op sequence, ms.
    public var unfusedMilliseconds: Double
    /// unfused / fused.
    public var speedup: Double
  }

  /// The whole report (the arithmetic that ran it is recorded by the enclosing report:
  /// `ArithmeticProvenance`).
  public struct Report: Codable, Sendable {
    /// Matrix products.
    public var sgemm: [Measurement]
    /// Elementwise and row kernels.
    public var elementwise: [Measurement]
    /// Fused kernels versus their unfused equivalents (forward and backward).
    public var fusion: [FusionComparison]
  }

  /// Best time in seconds of `body` over `repetitions` runs (after one warm-up run).
  static func bestTime(repetitions: Int, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    let clock = ContinuousClock()
    for _ in 0..<repetitions {
      let d = clock.measure(body)
      best = Swift.min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    return best
  }

  /// Runs every benchmark; `repetitions` per kernel (best time kept). Takes a few seconds.
  public static func run(repetitions: Int = 10) -> Report {
    var rng = RandomGenerator(seed: 1)
    func random(_ shape: [Int]) -> Tensor { Tensor.uniform(shape, low: -1, high: 1, using: &rng) }

    // sgemm at the DiGress layer shapes (bs = 32, n = 27, dx = 256, de = 64) and a square one.
    var sgemm: [Measurement] = []
    for (m, k, n, label) in [(32 * 27, 256, 256, "node linear"), (32 * 27 * 27, 64, 64, "edge linear"),
                             (32 * 27, 256, 1024, "node MLP up"), (1024, 1024, 1024, "square")] {
      let a = random([m, k]), b = random([k, n])
      let t = bestTime(repetitions: repetitions) { _ = Tensor.matmul(a, b) }
      sgemm.append(Measurement(name: "\(label) [\(m),\(k)]·[\(k),\(n)]", milliseconds: t * 1e3,
                               gflops: 2 * Double(m * n * k) / t / 1e9, gigabytesPerSecond: nil))
    }

    // Elementwise: bytes = 4 × (inputs + output) × count.
    let edge = [32, 27, 27, 64]
    let x = random(edge), y = random(edge)
    let count = Double(x.count)
    func stream(_ name: String, operands: Int, _ body: @escaping () -> Void) -> Measurement {
      let t = bestTime(repetitions: repetitions, body)
      return Measurement(name: "\(name) \(edge)", milliseconds: t * 1e3, gflops: nil,
                         gigabytesPerSecond: 4 * Double(operands) * count / t / 1e9)
    }
    let rowBias = random([64])
    let elementwise = [
      stream("add", operands: 3) { _ = x + y },
      stream("add broadcast [64]", operands: 2) { _ = x + rowBias },
      stream("exp", operands: 2) { _ = x.exp() },
      stream("gelu", operands: 2) { _ = x.gelu() },
      stream("affine", operands: 2) { _ = x.affine(scale: 2, shift: 1) },
      stream("softmax last axis", operands: 2) { _ = x.softmax() },
      stream("layer norm", operands: 2) { _ = x.layerNormalized(gamma: nil, beta: nil) },
      stream("permute [0,2,1,3]", operands: 2) { _ = x.permuted([0, 2, 1, 3]) },
      stream("sum axis 2", operands: 1) { _ = x.sum(axis: 2) },
    ]

    // Fused versus unfused.
    var fusion: [FusionComparison] = []
    func compare(_ name: String, fused: @escaping () -> Void, unfused: @escaping () -> Void) {
      let f = bestTime(repetitions: repetitions, fused), u = bestTime(repetitions: repetitions, unfused)
      fusion.append(FusionComparison(name: name, fusedMilliseconds: f * 1e3, unfusedMilliseconds: u * 1e3, speedup: u / f))
    }
    let film = random([32, 27, 27, 64]), scale = random([32, 1, 1, 64]), shift = random([32, 1, 1, 64])
    compare("FiLM a*b+c \(edge)·[32,1,1,64]", fused: { _ = Tensor.fusedMultiplyAdd(film, scale, shift) },
            unfused: { _ = film * scale + shift })
    // Attention scores [bs, n, n, heads, df] normalised over the keys (axis 2) with a key mask.
    let scores = random([32, 27, 27, 8, 8])
    let keyMask = Tensor(shape: [32, 1, 27, 1, 1], scalars: (0..<(32 * 27)).map { $0 % 27 < 20 ? 1 : 0 })
    compare("masked softmax axis 2 [32,27,27,8,8]", fused: { _ = scores.softmax(axis: 2, mask: keyMask) }, unfused: {
      let moved = scores.permuted([0, 1, 3, 4, 2])
      let m = keyMask.permuted([0, 1, 3, 4, 2])
      _ = moved.softmax(mask: m).permuted([0, 1, 4, 2, 3])
    })
    let probs = scores.softmax(axis: 2, mask: keyMask), upstream = random(scores.shape)
    compare("softmax axis 2 backward [32,27,27,8,8]",
            fused: { _ = Kernels.softmaxAxisBackward(y: probs, dy: upstream, axis: 2) },
            unfused: {
              let p = probs.permuted([0, 1, 3, 4, 2]), g = upstream.permuted([0, 1, 3, 4, 2])
              _ = Kernels.softmaxRowsBackward(y: p, dy: g, rows: p.count / 27, cols: 27, log: false).permuted([0, 1, 4, 2, 3])
            })
    let hidden = random([32 * 27, 1024]), bias = random([1024])
    compare("bias+gelu [864,1024]", fused: { _ = hidden.biasActivation(bias, .gelu) }, unfused: { _ = (hidden + bias).gelu() })
    let dy = random(hidden.shape)
    compare("bias+gelu backward [864,1024]",
            fused: { _ = Kernels.biasActivationBackward(CTK_GELU, hidden, bias: bias, dy: dy) },
            unfused: {
              let pre = hidden + bias
              let dz = Kernels.unaryBackward(CTK_GELU, x: pre, y: pre, dy: dy)
              _ = dz.sum(axis: 0)
            })

    return Report(sgemm: sgemm, elementwise: elementwise, fusion: fusion)
  }

  /// The report as pretty-printed JSON with sorted keys.
  public static func json(repetitions: Int = 10) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = (try? encoder.encode(run(repetitions: repetitions))) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
