// Splitting kernel work across the CPU cores.
//
// Every kernel split this way is independent per element or per row, so the result does not
// depend on how the work is split (or on the core count): each element is computed by exactly
// the same code in the same order whichever chunk it falls in. Small work runs inline, because
// waking threads costs a few microseconds.

import Dispatch
import Foundation
import Synchronization

extension Kernels {
  /// Cores the kernels split work across (at least 1): CFX_THREADS when set, else every active
  /// core; `Tensor.limitKernelThreads` lowers it at start-up (one MPI rank per core).
  /// Written only before the first kernel runs, read afterwards.
  nonisolated(unsafe) static var coreCount = defaultCoreCount

  /// CFX_THREADS when it is a positive integer, else the active cores.
  static var defaultCoreCount: Int {
    if let text = ProcessInfo.processInfo.environment["CFX_THREADS"], let n = Int(text), n > 0 { return n }
    return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
  }

  /// Calls `body(start, count)` on disjoint consecutive ranges covering 0..<total, in parallel
  /// when each range would still hold at least `minimumPerChunk` items.
  static func forEachChunk(total: Int, minimumPerChunk: Int, _ body: (_ start: Int, _ count: Int) -> Void) {
    let chunks = Swift.min(coreCount, total / Swift.max(minimumPerChunk, 1))
    if chunks <= 1 {
      if total > 0 { body(0, total) }
      return
    }
    // The chunks write disjoint ranges of buffers the caller keeps alive for this call, so
    // sharing `body` across the worker threads is safe although the compiler cannot prove it.
    withoutActuallyEscaping(body) { escapable in
      let chunk: (Int) -> Void = { c in
        let start = total * c / chunks, end = total * (c + 1) / chunks
        if end > start { escapable(start, end - start) }
      }
      // The pool serves one caller at a time; a caller that finds it busy (another thread's
      // kernel, or a kernel inside a chunk) uses libdispatch instead. The chunks are the same
      // either way, so the result is too.
      if WorkerPool.shared.run(chunks: chunks, chunk) { return }
      let shared = UncheckedSendableBox(value: chunk)
      DispatchQueue.concurrentPerform(iterations: chunks) { c in shared.value(c) }
    }
  }

  /// Runs `body(start, count)` on disjoint consecutive ranges of 0..<total, one per core, and
  /// tells whether every call succeeded (each range keeps its own result: no flag is shared
  /// between threads).
  static func allChunksSucceed(total: Int, _ body: (_ start: Int, _ count: Int) -> Bool) -> Bool {
    var results = [Bool](repeating: true, count: Swift.max(total, 1))
    results.withUnsafeMutableBufferPointer { r in
      forEachChunk(total: total, minimumPerChunk: 1) { start, count in r[start] = body(start, count) }
    }
    return results.allSatisfy { $0 }
  }

  /// Adds Σ over items 0..<items of their contributions (each `size` values) to `out`: the items
  /// fall into a fixed number of groups of consecutive items (at most 8, whatever the core
  /// count), `body(items, partial)` adds one group's contributions to its zeroed partial on the
  /// cores, and the partials are added to `out` in group order, so the sum does not depend on
  /// the machine. Returns false when a call of `body` does.
  static func sumInFixedGroups(items: Int, size: Int, into out: UnsafeMutablePointer<Float>,
                               _ body: (_ items: Range<Int>, _ partial: UnsafeMutablePointer<Float>) -> Bool) -> Bool {
    let groups = Swift.max(1, Swift.min(items, 8))
    let partials = UnsafeMutablePointer<Float>.allocate(capacity: groups * size)
    defer { partials.deallocate() }
    partials.update(repeating: 0, count: groups * size)
    let ok = allChunksSucceed(total: groups) { first, count in
      (first..<(first + count)).allSatisfy { g in body((g * items / groups)..<((g + 1) * items / groups), partials + g * size) }
    }
    guard ok else { return false }
    for g in 0..<groups {
      let partial = partials + g * size
      for j in 0..<size { out[j] += partial[j] }
    }
    return true
  }

  /// Elements (or element-equivalents of work) below which a kernel runs on one core.
  static let parallelThreshold = 1 << 16
}

/// Carries a value into concurrently running code whose safety the caller has established.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
  let value: Value
}

/// Worker threads that stay awake between kernels: a thread spins on the job word for a short
/// while after each job before it sleeps, so the consecutive small kernels of a training step
/// start on every core within a microsecond instead of waiting for libdispatch to wake a thread
/// (tens of microseconds, as long as many elementwise kernels take).
final class WorkerPool: @unchecked Sendable {
  /// The kernels' pool: one thread fewer than `Kernels.coreCount` (the caller runs chunk 0),
  /// started on first use.
  nonisolated(unsafe) static var shared = WorkerPool(threads: Kernels.coreCount - 1)

  /// Worker threads (chunks 1...threadCount).
  let threadCount: Int
  /// Seconds a worker spins for the next job before it sleeps: most gaps between the kernels of
  /// a training step are shorter, and spinning much longer slows other processes sharing the
  /// cores (two small-model trainings at once on 2 cores: 200 µs cost 5–10%, 50 µs nothing).
  static let spinSeconds = 50e-6

  /// Set while a caller owns the pool.
  private let busy = Atomic<Bool>(false)
  /// The job word: job number × 256 + chunk count. A worker w runs chunk w + 1 of a job whose
  /// chunk count exceeds w + 1; the owner bumps the word only after every chunk of the previous
  /// job finished, so a worker sees each job it takes part in.
  private let job = Atomic<Int>(0)
  /// Chunks of the current job that have not finished (the owner's excluded).
  private let pending = Atomic<Int>(0)
  /// Bit w set while worker w sleeps (or is about to) on its semaphore.
  private let sleeping = Atomic<Int>(0)
  private let wakeUps: [DispatchSemaphore]
  /// The current job's body: written by the owner before the job word (release), read by the
  /// job's workers after they see it (acquire), unchanged until they all finished.
  nonisolated(unsafe) private var body: ((Int) -> Void)? = nil

  init(threads: Int) {
    threadCount = Swift.min(Swift.max(0, threads), 63)
    wakeUps = (0..<threadCount).map { _ in DispatchSemaphore(value: 0) }
    for w in 0..<threadCount {
      let thread = Thread { [unowned self] in self.workerLoop(w) }
      thread.stackSize = 8 << 20
      thread.name = "cfx-kernels-\(w + 1)"
      thread.start()
    }
  }

  /// Runs `chunk(c)` for c in 0..<chunks, chunk 0 on the calling thread and chunk c on worker
  /// c − 1; returns false without running anything when the pool is busy or too small.
  func run(chunks: Int, _ chunk: @escaping (Int) -> Void) -> Bool {
    guard chunks >= 1, chunks - 1 <= threadCount,
      busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    defer { busy.store(false, ordering: .releasing) }
    body = chunk
    pending.store(chunks - 1, ordering: .relaxed)
    let word = (job.load(ordering: .relaxed) >> 8 + 1) << 8 | chunks
    job.store(word, ordering: .sequentiallyConsistent)
    let workers = (1 << (chunks - 1)) - 1
    let asleep = sleeping.bitwiseAnd(~workers, ordering: .sequentiallyConsistent).oldValue & workers
    for w in 0..<(chunks - 1) where asleep & (1 << w) != 0 { wakeUps[w].signal() }
    chunk(0)
    var spins = 0
    while pending.load(ordering: .acquiring) > 0 {
      spins += 1
      if spins & 1023 == 0 { sched_yield() }
    }
    body = nil
    return true
  }

  /// Worker w: waits for each job word, runs its chunk when the job has one for it.
  private func workerLoop(_ w: Int) {
    var seen = 0
    while true {
      let word = nextJob(after: seen, worker: w)
      seen = word
      guard word & 255 > w + 1 else { continue }
      runChunk(w + 1)
      pending.subtract(1, ordering: .releasing)
    }
  }

  /// Runs chunk c of the current job; the body's reference is released on return, before the
  /// chunk counts as finished, so the owner's non-escaping closure has not escaped.
  @inline(never)
  private func runChunk(_ c: Int) { body?(c) }

  /// The first job word other than `seen`: spinning for `spinSeconds`, then asleep until a job
  /// for this worker signals.
  private func nextJob(after seen: Int, worker w: Int) -> Int {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
    var spins = 0
    while true {
      let word = job.load(ordering: .acquiring)
      if word != seen { return word }
      spins += 1
      guard spins & 255 == 0 else { continue }
      // Let another runnable thread on this core go first (another process's work when the
      // machine is shared), then sleep once the spin time is over.
      sched_yield()
      guard DispatchTime.now().uptimeNanoseconds > deadline else { continue }
      // Announce the sleep, then look once more: a job posted in between either sees the flag
      // (and signals) or is seen here.
      sleeping.bitwiseOr(1 << w, ordering: .sequentiallyConsistent)
      let late = job.load(ordering: .sequentiallyConsistent)
      if late != seen {
        // Take the flag back; when the job's owner already took it, it also signalled: consume it.
        if sleeping.bitwiseAnd(~(1 << w), ordering: .sequentiallyConsistent).oldValue & (1 << w) == 0 { wakeUps[w].wait() }
        return late
      }
      wakeUps[w].wait()
      return job.load(ordering: .acquiring)
    }
  }
}
