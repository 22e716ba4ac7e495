import CTensorKernels
import Dispatch
import Testing
import TestSupport
@testable import Tensor

/// Large inputs run split across cores; small ones inline. Splitting must not change a single bit:
/// an op on a large tensor equals the same op on its row blocks (each small), concatenated.
@Suite struct ParallelKernelTests {
  static let rows = 512, cols = 384  // 196,608 elements: above the parallel threshold
  let x = testTensor([rows, cols], seed: 101, in: -4...4)

  /// op(x) computed on 64-row blocks (each below the threshold) and joined.
  func blockwise(_ op: (Tensor) -> Tensor) -> Tensor {
    Tensor.concat(stride(from: 0, to: Self.rows, by: 64).map { op(x.narrowed(axis: 0, start: $0, length: 64)) }, axis: 0)
  }

  @Test func rowIndependentOpsAreBitIdenticalWhenSplit() {
    let bias = testTensor([Self.cols], seed: 102)
    let ops: [(String, (Tensor) -> Tensor)] = [
      ("exp", { $0.exp() }), ("gelu", { $0.gelu() }), ("affine", { $0.affine(scale: 3, shift: 1) }),
      ("add broadcast", { $0 + bias }), ("fma", { Tensor.fusedMultiplyAdd($0, bias, $0) }),
      ("clamp", { $0.clamped(min: -1, max: 1) }), ("softmax", { $0.softmax() }), ("logSoftmax", { $0.logSoftmax() }),
      ("layerNorm", { $0.layerNormalized(gamma: nil, beta: nil) }), ("biasActivation", { $0.biasActivation(bias, .silu) }),
      ("softmax axis 1 of [b, 6, 64]", { $0.reshaped([-1, 6, 64]).softmax(axis: 1).reshaped([-1, Self.cols]) }),
    ]
    for (name, op) in ops {
      #expect(op(x).isBitwiseEqual(to: blockwise(op)), "\(name)")
    }
  }

  /// Image ops split over the batch (max and average pooling, the fused group norm with SiLU):
  /// the same bits as computed on blocks of images each below the threshold.
  @Test func imageOpsAreBitIdenticalWhenSplitOverImages() {
    let images = x.reshaped([48, 16, 16, 16])  // 48 images of 4,096 values
    let (gamma, beta) = (testTensor([16], seed: 104), testTensor([16], seed: 105))
    let (scale, shift) = (testTensor([48, 16], seed: 106), testTensor([48, 16], seed: 107))
    let ops: [(String, (Tensor, Range<Int>) -> Tensor)] = [
      ("max pool", { t, _ in t.maxPooled2d(kernel: (2, 2), stride: (2, 2)) }),
      ("max pool 3×3", { t, _ in t.maxPooled2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }),
      ("average pool", { t, _ in t.avgPooled2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }),
      ("group norm SiLU", { t, r in
        t.groupNormalizedSiLU(groups: 4, gamma: gamma, beta: beta, scale: scale.narrowed(axis: 0, start: r.lowerBound, length: r.count),
                              shift: shift.narrowed(axis: 0, start: r.lowerBound, length: r.count))
      }),
    ]
    for (name, op) in ops {
      let whole = op(images, 0..<48)
      let blocks = Tensor.concat(stride(from: 0, to: 48, by: 2).map { op(images.narrowed(axis: 0, start: $0, length: 2), $0..<($0 + 2)) }, axis: 0)
      #expect(whole.isBitwiseEqual(to: blocks), "\(name)")
      // Backward too: the gradient of Σ y · r on the whole batch and on the blocks.
      let r = testTensor(whole.shape, seed: 108)
      let dWhole = grad(at: [images]) { v in (op(v[0], 0..<48) * r).sum() }[0]
      let dBlocks = Tensor.concat(stride(from: 0, to: 48, by: 2).map { start in
        grad(at: [images.narrowed(axis: 0, start: start, length: 2)]) { v in
          (op(v[0], start..<(start + 2)) * r.narrowed(axis: 0, start: start, length: 2)).sum()
        }[0]
      }, axis: 0)
      #expect(dWhole.isBitwiseEqual(to: dBlocks), "\(name) backward")
    }
  }

  @Test func splitBackwardAndCopyKernelsAreBitIdentical() {
    let dy = testTensor([Self.rows, Self.cols], seed: 103)
    let y = x.softmax()
    let fast = Kernels.softmaxRowsBackward(y: y, dy: dy, rows: Self.rows, cols: Self.cols, log: false)
    let rowByRow = Tensor.concat((0..<Self.rows).map { r in
      Kernels.softmaxRowsBackward(y: y.narrowed(axis: 0, start: r, length: 1), dy: dy.narrowed(axis: 0, start: r, length: 1),
                                  rows: 1, cols: Self.cols, log: false)
    }, axis: 0)
    #expect(fast.isBitwiseEqual(to: rowByRow))
    #expect(Kernels.unaryBackward(CTK_TANH, x: x, y: x.tanh(), dy: dy).isBitwiseEqual(to: NaiveUnaryBlocks.tanhBackward(x, dy)))
    #expect(x.transposed().isBitwiseEqual(to: NaiveKernels.stridedCopy(x, shape: [Self.cols, Self.rows], strides: [1, Self.cols])))
  }

  @Test func blockedRowSumsMatchNaive() {
    // dgamma/dbeta and dbias are summed over fixed row blocks (in parallel), then in block order.
    let dy = testTensor([Self.rows, Self.cols], seed: 104)
    let gamma = testTensor([Self.cols], seed: 105, in: 0.5...1.5)
    let (_, mean, rstd) = Kernels.layerNorm(x, gamma: gamma, beta: gamma, eps: 1e-5)
    let (dx, dgamma, dbeta) = Kernels.layerNormBackward(x: x, gamma: gamma, mean: mean, rstd: rstd, dy: dy, wantAffine: true)
    let (ndx, ndgamma, ndbeta) = NaiveKernels.layerNormBackward(x, gamma: gamma, dy: dy, eps: 1e-5)
    #expect(isClose(dx, ndx, rtol: 1e-3, atol: 1e-4))
    #expect(isClose(dgamma!, ndgamma, rtol: 1e-4, atol: 1e-4) && isClose(dbeta!, ndbeta, rtol: 1e-4, atol: 1e-4))
    let (_, dbias) = Kernels.biasActivationBackward(CTK_RELU, x, bias: gamma, dy: dy)
    let expected = (dy * (x + gamma).isGreaterOrEqual(Tensor(0))).sum(axis: 0)
    #expect(isClose(dbias!, expected, rtol: 1e-4, atol: 1e-4))
  }
}

/// Blockwise tanh backward (each block below the parallel threshold).
enum NaiveUnaryBlocks {
  static func tanhBackward(_ x: Tensor, _ dy: Tensor) -> Tensor {
    let rows = x.shape[0]
    return Tensor.concat(stride(from: 0, to: rows, by: 64).map { r in
      let xs = x.narrowed(axis: 0, start: r, length: 64), gs = dy.narrowed(axis: 0, start: r, length: 64)
      return Kernels.unaryBackward(CTK_TANH, x: xs, y: xs.tanh(), dy: gs)
    }, axis: 0)
  }
}

/// The worker pool that runs split kernels: every chunk runs exactly once, on any number of
/// chunks, from several threads at once, nested inside a chunk, and after its workers slept.
@Suite struct WorkerPoolTests {
  /// Counts per chunk of one `run` (each chunk bumps its own slot).
  func counts(_ pool: WorkerPool, chunks: Int) -> [Int]? {
    let slots = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
    defer { slots.deallocate() }
    slots.initialize(repeating: 0)
    let box = UncheckedSendableBox(value: slots)
    guard pool.run(chunks: chunks, { c in box.value[c] += 1 }) else { return nil }
    return Array(slots)
  }

  @Test func everyChunkRunsOnceOnEveryWorkerCount() {
    let pool = WorkerPool(threads: 3)
    for round in 0..<200 {
      let chunks = 1 + round % 4
      #expect(counts(pool, chunks: chunks) == [Int](repeating: 1, count: chunks), "round \(round), \(chunks) chunks")
    }
    #expect(counts(pool, chunks: 5) == nil, "more chunks than threads + 1 are refused")
  }

  @Test func workersThatSleptWakeForTheNextJob() async throws {
    let pool = WorkerPool(threads: 2)
    for _ in 0..<3 {
      #expect(counts(pool, chunks: 3) == [1, 1, 1])
      // Longer than the spin: the workers are asleep on their semaphores when the next job comes.
      try await Task.sleep(nanoseconds: UInt64(WorkerPool.spinSeconds * 1e9) * 20)
    }
  }

  @Test func concurrentAndNestedCallersGetTheSameSums() {
    // Several threads run split kernels at once (the pool serves one, the others use
    // libdispatch), and a kernel inside a chunk runs while the pool is busy.
    let x = testTensor([600, 400], seed: 111, in: -2...2)
    let expected = x.exp().sum(axis: 1)
    let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 8)
    defer { results.deallocate() }
    results.initialize(repeating: false)
    let box = UncheckedSendableBox(value: results)
    DispatchQueue.concurrentPerform(iterations: 8) { i in
      var ok = true
      for _ in 0..<5 { ok = ok && x.exp().sum(axis: 1).isBitwiseEqual(to: expected) }
      box.value[i] = ok
    }
    #expect(results.allSatisfy { $0 })
    var nested = [Bool](repeating: false, count: 2)
    nested.withUnsafeMutableBufferPointer { n in
      let inner = UncheckedSendableBox(value: n)
      Kernels.forEachChunk(total: 2, minimumPerChunk: 1) { start, count in
        for c in start..<(start + count) { inner.value[c] = x.exp().sum(axis: 1).isBitwiseEqual(to: expected) }
      }
    }
    #expect(nested == [true, true])
  }
}
