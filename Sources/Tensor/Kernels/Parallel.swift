// Splitting kernel work across the CPU cores.
//
// Every kernel split this way is independent per element or per row, so the result does not
// depend on how the work is split (or on the core count): each element is computed by exactly
// the same code in the same order whichever chunk it falls in. Small work runs inline, because
// waking threads costs a few microseconds.

import Dispatch
import Foundation

extension Kernels {
  /// Cores available to the kernels (at least 1).
  static let coreCount = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

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

  /// Elements (or element-equivalents of work) below which a kernel runs on one core.
  static let parallelThreshold = 1 << 16
}

/// Carries a value into concurrently running code whose safety the caller has established.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
  let value: Value
}
