// TensorStorage: the one place that owns raw Float buffers.
//
// Ownership: a `TensorStorage` owns `base` (count Floats, 64-byte aligned) from init until deinit.
// On deinit the buffer goes back to `BufferPool.shared`, which either keeps it for the next
// allocation of the same size (a training step allocates the same shapes every step, so steady
// state allocates nothing new) or frees it when the pool is over its byte budget.
// Pointers handed out by `withUnsafe...` are valid only inside the closure.

import Synchronization

/// Reference-counted, pool-backed Float32 buffer behind `Tensor`'s copy-on-write value semantics.
public final class TensorStorage: @unchecked Sendable {
  /// Number of Float elements.
  public let count: Int
  @usableFromInline let base: UnsafeMutablePointer<Float>

  /// Allocates `count` uninitialised Floats (from the pool when a buffer of that size is free).
  @usableFromInline init(uninitializedCount count: Int) {
    self.count = count
    self.base = BufferPool.shared.take(count: count)
  }

  /// Allocates `count` Floats set to `value`.
  convenience init(repeating value: Float, count: Int) {
    self.init(uninitializedCount: count)
    base.update(repeating: value, count: count)
  }

  /// Copies `values` into a new buffer.
  convenience init<C: Collection>(copying values: C) where C.Element == Float {
    self.init(uninitializedCount: values.count)
    var i = 0
    for v in values {
      base[i] = v
      i += 1
    }
  }

  /// A new storage holding a copy of this one.
  func copy() -> TensorStorage {
    let s = TensorStorage(uninitializedCount: count)
    s.base.update(from: base, count: count)
    return s
  }

  deinit { BufferPool.shared.give(base, count: count) }

  /// Read access to the elements.
  @inlinable func withUnsafeBufferPointer<R>(
    _ body: (UnsafeBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try body(UnsafeBufferPointer(start: base, count: count))
  }

  /// Write access to the elements (the caller guarantees uniqueness; see `Tensor.makeUnique`).
  @inlinable func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try body(UnsafeMutableBufferPointer(start: base, count: count))
  }
}

/// A size-keyed free list of Float buffers shared by all tensors of the process.
///
/// Buffers are keyed by size class: a request is rounded up to the next of four classes per
/// power of two (at most 25% more than asked), so that a training step whose batches differ in
/// node count (molecule batches of 9 to 27 atoms) reuses the buffers of earlier steps instead of
/// allocating fresh ones, which the kernel then has to fault in page by page. The pool keeps at
/// most `byteBudget` bytes; beyond that, returned buffers are freed.
public final class BufferPool: Sendable {
  /// The process-wide pool.
  public static let shared = BufferPool(byteBudget: 1 << 30)

  struct State {
    var free: [Int: [UInt]] = [:]  // buffer addresses by element count
    var pooledBytes = 0
    var hits = 0
    var misses = 0
  }

  private let state: Mutex<State>
  /// The most bytes kept in the free lists.
  public let byteBudget: Int

  /// Creates a pool that keeps at most `byteBudget` bytes of free buffers.
  public init(byteBudget: Int) {
    self.byteBudget = byteBudget
    self.state = Mutex(State())
  }

  /// Small buffers are cheap to allocate; only pool those of at least this many elements.
  static let minimumPooledCount = 256

  /// The element count a pooled buffer of at least `count` elements has: count itself below
  /// `minimumPooledCount`, else the smallest 2^e · (1 + k/4) (k = 1…4) not below it.
  static func sizeClass(_ count: Int) -> Int {
    guard count >= minimumPooledCount else { return count }
    let e = Int.bitWidth - 1 - count.leadingZeroBitCount  // 2^e ≤ count < 2^(e+1)
    let quarter = 1 << (e - 2)
    return ((count + quarter - 1) / quarter) * quarter
  }

  func take(count: Int) -> UnsafeMutablePointer<Float> {
    let capacity = Self.sizeClass(count)
    if count >= Self.minimumPooledCount {
      let reused: UInt? = state.withLock { s in
        if var list = s.free[capacity], let p = list.popLast() {
          s.free[capacity] = list.isEmpty ? nil : list
          s.pooledBytes -= capacity * 4
          s.hits += 1
          return p
        }
        s.misses += 1
        return nil
      }
      if let reused { return UnsafeMutablePointer<Float>(bitPattern: reused)! }
    }
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1) * 4, alignment: 64)
    return raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
  }

  func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
    if count >= Self.minimumPooledCount {
      let address = UInt(bitPattern: pointer), capacity = Self.sizeClass(count)
      let kept = state.withLock { s -> Bool in
        guard s.pooledBytes + capacity * 4 <= byteBudget else { return false }
        s.free[capacity, default: []].append(address)
        s.pooledBytes += capacity * 4
        return true
      }
      if kept { return }
    }
    UnsafeMutableRawPointer(pointer).deallocate()
  }

  /// Allocation statistics: buffers reused from the pool, fresh allocations, bytes held.
  public var statistics: (hits: Int, misses: Int, pooledBytes: Int) {
    state.withLock { ($0.hits, $0.misses, $0.pooledBytes) }
  }
}
