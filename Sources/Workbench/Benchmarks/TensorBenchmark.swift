// `cfx bench tensor`: sgemm GFLOP/s at the model's shapes, elementwise GB/s, and one
// forward+backward of a DiGress-style graph-transformer layer, all relative to the sgemm peak
// measured in the same run.

import Diffusion
import Foundation
import Tensor

/// Results of the tensor benchmark, printable as JSON.
public struct TensorBenchmark: Sendable {
  /// One sgemm measurement.
  public struct Gemm: Codable, Sendable {
    /// Shape m×k · k×n.
    public var m: Int, k: Int, n: Int
    /// Best achieved GFLOP/s.
    public var gflops: Double
  }

  /// One memory-bound kernel measurement.
  public struct Stream: Codable, Sendable {
    /// Kernel name.
    public var kernel: String
    /// Elements processed per call.
    public var elements: Int
    /// Bytes moved per call (reads + writes).
    public var bytes: Int
    /// Best achieved GB/s.
    public var gbPerSecond: Double
  }

  /// The forward+backward measurement of one graph-transformer layer.
  public struct LayerResult: Codable, Sendable {
    /// Which configuration ("zinc": ZINC-sized graphs at DiGress's widths; "planar": the planar model's size).
    public var name: String
    /// Layer configuration.
    public var batch: Int, nodes: Int, dx: Int, de: Int, dy: Int, heads: Int
    /// Counted FLOPs of the matmuls (forward + backward).
    public var matmulFlops: Double
    /// Best wall time of forward + backward in milliseconds.
    public var milliseconds: Double
    /// matmulFlops / time.
    public var gflops: Double
    /// gflops / sgemm peak: the larger of the run's sgemm peak and the best of a reference
    /// product (864×256·256×256) timed alternately with the layer steps.
    public var fractionOfPeak: Double
    /// The peak used for fractionOfPeak (GFLOP/s).
    public var peakGflops: Double
    /// Best wall time of one forward pass without a tape (evaluation, as in sampling).
    public var forwardMilliseconds: Double
    /// Buffer-pool allocations of one forward+backward step in steady state: reused buffers
    /// (hits) and fresh allocations (misses; only buffers of at least 256 floats are pooled).
    public var poolHitsPerStep: Int, poolMissesPerStep: Int
  }

  /// A fused implementation timed against its composition from primitive ops.
  public struct Comparison: Codable, Sendable {
    /// What was compared, with its shape.
    public var name: String
    /// Best times in milliseconds.
    public var fusedMilliseconds: Double, unfusedMilliseconds: Double
    /// unfused / fused.
    public var speedup: Double
  }

  /// The whole report.
  public struct Report: Codable, Sendable {
    /// OpenBLAS's configuration, the core type whose kernels it runs, OPENBLAS_CORETYPE and the
    /// C kernels' code path.
    public var arithmetic: ArithmeticProvenance
    /// Best sgemm GFLOP/s over all measured shapes (the reference peak).
    public var sgemmPeakGflops: Double
    /// Per-shape sgemm results.
    public var sgemm: [Gemm]
    /// Elementwise kernels.
    public var elementwise: [Stream]
    /// The transformer layer at ZINC-sized graphs and DiGress's widths ("zinc") and at the planar model's size.
    public var transformerLayers: [LayerResult]
    /// Load average (1, 5, 15 minutes) when the run ended, from /proc/loadavg (empty if unreadable):
    /// other processes on the machine lower every number here.
    public var loadAverage: [Double]
    /// NodeEdgeBlock alone (zinc shape, forward + backward): the fused path against the same block
    /// composed from primitive ops (absent with --layer-only).
    public var attentionBlock: Comparison?
    /// The Tensor kernel micro-benchmarks (absent with --layer-only).
    public var kernels: TensorKernelBenchmark.Report?
    /// What is not measured yet and why.
    public var notes: [String]
  }

  /// The report.
  public var report: Report

  /// The report as pretty-printed JSON.
  public var json: String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try! enc.encode(report), as: UTF8.self)
  }

  /// Best-of timing of `body` over about `seconds` seconds (at least 3 runs).
  static func bestTime(seconds: Double, _ body: () -> Void) -> Double {
    body()  // warm-up (pool, caches, OpenBLAS threads)
    var best = Double.infinity
    let start = DispatchTime.now().uptimeNanoseconds
    var runs = 0
    while runs < 3 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
      let t0 = DispatchTime.now().uptimeNanoseconds
      body()
      let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
      best = min(best, dt)
      runs += 1
      if runs > 10_000 { break }
    }
    return best
  }

  /// One forward+backward of a graph-transformer layer with dimensions `d` at `bs` graphs of `n`
  /// nodes; graph b has n − (b mod 8) real nodes (a size-grouped batch).
  static func measureLayer(
    name: String, _ d: GraphTransformerDimensions, batch bs: Int, nodes n: Int, seconds: Double, peak: Double
  ) -> LayerResult {
    var rng = RandomGenerator(seed: 1)
    let layer = GraphTransformerLayer(d, using: &rng)
    let x = Tensor.normal([bs, n, d.dx], using: &rng), e = Tensor.normal([bs, n, n, d.de], using: &rng)
    let y = Tensor.normal([bs, d.dy], using: &rng)
    var mask = [Float](repeating: 0, count: bs * n)
    for b in 0..<bs { for i in 0..<Swift.max(1, n - b % 8) { mask[b * n + i] = 1 } }
    let masks = GraphMasks(nodeMask: Tensor(shape: [bs, n], scalars: mask))
    func step() {
      var dropoutRNG: RandomGenerator? = RandomGenerator(seed: 2)
      _ = valueAndGrad(at: layer) { l in
        let (x1, e1, y1) = l(x: x, e: e, y: y, masks: masks, rng: &dropoutRNG)
        return x1.sum() + e1.sum() + y1.sum()
      }
    }
    // Steps alternate with the peak's reference product, so both see the same machine load
    // (other processes change it from second to second); the best of each counts, and the peak
    // is the larger of this and the run's sgemm peak.
    let referenceA = Tensor(repeating: 0.5, shape: [32 * 27, 256]), referenceB = Tensor(repeating: 0.25, shape: [256, 256])
    let referenceFlops = 2.0 * 32 * 27 * 256 * 256
    var (time, referenceTime) = (Double.infinity, Double.infinity)
    step()
    let start = DispatchTime.now().uptimeNanoseconds
    var rounds = 0
    while rounds < 3 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
      time = Swift.min(time, bestTime(seconds: 0, step))
      referenceTime = Swift.min(referenceTime, bestTime(seconds: 0) { _ = Tensor.matmul(referenceA, referenceB) })
      rounds += 1
    }
    let peak = Swift.max(peak, referenceFlops / referenceTime / 1e9)
    let before = BufferPool.shared.statistics
    step()
    let after = BufferPool.shared.statistics
    let forwardTime = bestTime(seconds: seconds / 2) {
      var none: RandomGenerator? = nil
      _ = layer(x: x, e: e, y: y, masks: masks, rng: &none)
    }
    let flops = 3 * GraphTransformerLayer.forwardMatmulFlops(d, batch: bs, nodes: n)  // backward = 2× forward
    let gflops = flops / time / 1e9
    return LayerResult(
      name: name, batch: bs, nodes: n, dx: d.dx, de: d.de, dy: d.dy, heads: d.heads, matmulFlops: flops,
      milliseconds: time * 1000, gflops: gflops, fractionOfPeak: gflops / peak, peakGflops: peak, forwardMilliseconds: forwardTime * 1000,
      poolHitsPerStep: after.hits - before.hits, poolMissesPerStep: after.misses - before.misses)
  }

  /// Forward + backward of the attention block alone, fused versus composed from primitives.
  static func measureAttentionBlock(seconds: Double) -> Comparison {
    let d = GraphTransformerDimensions(dx: 256, de: 64, dy: 64, heads: 8)
    let (bs, n) = (32, 27)
    var rng = RandomGenerator(seed: 3)
    let block = NodeEdgeBlock(d, using: &rng)
    let x = Tensor.normal([bs, n, d.dx], using: &rng), e = Tensor.normal([bs, n, n, d.de], using: &rng)
    let y = Tensor.normal([bs, d.dy], using: &rng)
    var mask = [Float](repeating: 0, count: bs * n)
    for b in 0..<bs { for i in 0..<(n - b % 8) { mask[b * n + i] = 1 } }
    let masks = GraphMasks(nodeMask: Tensor(shape: [bs, n], scalars: mask))
    func time(fused: Bool) -> Double {
      bestTime(seconds: seconds) {
        _ = valueAndGrad(at: block) { b in
          let (x1, e1, y1) = fused ? b(x: x, e: e, y: y, masks: masks) : b.composed(x: x, e: e, y: y, masks: masks)
          return x1.sum() + e1.sum() + y1.sum()
        }
      }
    }
    let (fusedTime, composedTime) = (time(fused: true), time(fused: false))
    return Comparison(
      name: "NodeEdgeBlock forward+backward [32, 27, 256], de 64", fusedMilliseconds: fusedTime * 1000,
      unfusedMilliseconds: composedTime * 1000, speedup: composedTime / fusedTime)
  }

  /// The 1-, 5- and 15-minute load averages, or [] where /proc/loadavg is unavailable.
  /// The best sgemm rate (GFLOP/s) on 512² and 1024² products, about `seconds` each: the
  /// reference every benchmark's fractions of peak are taken against.
  public static func sgemmPeak(seconds: Double) -> Double {
    [512, 1024].map { n in
      let a = Tensor(repeating: 0.5, shape: [n, n]), b = Tensor(repeating: 0.25, shape: [n, n])
      return 2 * Double(n * n * n) / bestTime(seconds: seconds) { _ = Tensor.matmul(a, b) } / 1e9
    }.max()!
  }

  static func loadAverage() -> [Double] {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
    return text.split(separator: " ").prefix(3).compactMap { Double($0) }
  }

  /// Runs every measurement.
  public static func run(secondsPerMeasurement seconds: Double, threads: Int?, layerOnly: Bool = false) -> TensorBenchmark {
    if let threads { Tensor.setBLASThreads(threads) }
    // sgemm at the shapes the graph transformer uses (rows = batch·n or batch·n² flattened).
    let shapes: [(Int, Int, Int)] = [
      (1024, 1024, 1024), (32 * 27, 256, 256), (32 * 27 * 27, 64, 256), (32 * 27 * 27, 256, 64),
      (32 * 27, 256, 1024), (32 * 27, 1024, 256),
    ]
    var gemms: [Gemm] = []
    for (m, k, n) in layerOnly ? [shapes[1]] : shapes {
      let a = Tensor(repeating: 0.5, shape: [m, k]), b = Tensor(repeating: 0.25, shape: [k, n])
      let t = bestTime(seconds: seconds) { _ = Tensor.matmul(a, b) }
      gemms.append(Gemm(m: m, k: k, n: n, gflops: 2 * Double(m * k * n) / t / 1e9))
    }
    let peak = gemms.map(\.gflops).max() ?? 0
    // Elementwise kernels on 32·27·27·256 elements (the size of a per-channel attention tensor).
    let count = 32 * 27 * 27 * 256
    let x = Tensor(repeating: 0.3, shape: [count]), y = Tensor(repeating: 0.7, shape: [count])
    var streams: [Stream] = []
    func stream(_ name: String, bytesPerElement: Int, _ body: @escaping () -> Void) {
      let t = bestTime(seconds: seconds, body)
      streams.append(Stream(
        kernel: name, elements: count, bytes: count * bytesPerElement,
        gbPerSecond: Double(count * bytesPerElement) / t / 1e9))
    }
    if !layerOnly {
    stream("add", bytesPerElement: 12) { _ = x + y }
    stream("mul", bytesPerElement: 12) { _ = x * y }
    stream("exp", bytesPerElement: 8) { _ = x.exp() }
    stream("relu", bytesPerElement: 8) { _ = x.relu() }
    let rows = x.reshaped([count / 256, 256])
    stream("softmax[256]", bytesPerElement: 8) { _ = rows.softmax() }
    stream("layerNorm[256]", bytesPerElement: 8) { _ = rows.layerNormalized(gamma: nil, beta: nil) }
    }
    // The target shape (ZINC-sized graphs, DiGress's dx/de/heads) and the planar model.
    let zinc = GraphTransformerDimensions(dx: 256, de: 64, dy: 64, heads: 8, ffX: 256, ffE: 128, ffy: 256, dropout: 0.1)
    let planar = GraphTransformerDimensions(dx: 64, de: 32, dy: 32, heads: 4, ffX: 128, ffE: 64, ffy: 64, dropout: 0)
    let layers = [
      measureLayer(name: "zinc", zinc, batch: 32, nodes: 27, seconds: seconds, peak: peak),
      measureLayer(name: "planar", planar, batch: 100, nodes: 8, seconds: seconds, peak: peak),
    ]
    let attentionBlock = layerOnly ? nil : measureAttentionBlock(seconds: seconds)
    let kernels = layerOnly ? nil : TensorKernelBenchmark.run()
    return TensorBenchmark(report: Report(
      arithmetic: .current, sgemmPeakGflops: peak, sgemm: gemms, elementwise: streams,
      transformerLayers: layers, loadAverage: loadAverage(), attentionBlock: attentionBlock, kernels: kernels,
      notes: [
        "transformer layers: DiGress XEyTransformerLayer; zinc: batch 32, n 27 (20...27 real nodes), dx 256, de 64, "
          + "dy 64, 8 heads, ffX/ffE/ffy 256/128/256, dropout 0.1; planar: batch 100, n 8 (1...8 real), dx 64, de 32, "
          + "dy 32, 4 heads, ffX/ffE/ffy 128/64/64, dropout 0. Forward + backward of sum(X') + sum(E') + sum(y') "
          + "w.r.t. all parameters; matmulFlops counts only the products (fused sgemms count as the separate ones)",
        "OpenBLAS runs single-threaded; the Tensor kernels split large products and elementwise work across "
          + "\(ProcessInfo.processInfo.activeProcessorCount) cores (--threads sets OpenBLAS's own threads on top)",
      ]))
  }
}
