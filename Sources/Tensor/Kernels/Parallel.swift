// Splitting kernel work across the CPU cores.
//
// Every kernel split this way is independent per element or per row, so the result does not
// depend on how the work is split (or on the core count): each element is computed by exactly
// the same code in the same order whichever chunk it falls in. Small work runs inline, because
// waking threads costs a few microseconds.

import Dispatch
import Foundation

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
      let shared = UncheckedSendableBox(value: escapable)
      DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let start = total * c / chunks, end = total * (c + 1) / chunks
        if end > start { shared.value(start, end - start) }
      }
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
