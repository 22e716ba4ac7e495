// Tensor: a Float32, contiguous, row-major n-dimensional array with value semantics.
//
// Copy-on-write: copies of a Tensor share one `TensorStorage` until one of them is mutated, at
// which point `makeUnique()` gives the mutating copy its own buffer. Reshaping shares storage;
// every other op writes a new contiguous result.
//
// Autodiff: a Tensor produced inside `valueAndGrad` / `grad` by a differentiable op carries the
// index of its node on the active tape (`tapeIndex`); everything else has `tapeIndex == nil`.

/// A Float32 n-dimensional array, contiguous and row-major, with value semantics.
public struct Tensor: @unchecked Sendable {
  /// The extent of each axis; `[]` is a scalar.
  public internal(set) var shape: [Int]
  @usableFromInline var storage: TensorStorage
  /// Index of this tensor's node on the active tape, or nil when it is not being differentiated.
  public internal(set) var tapeIndex: Int?

  @usableFromInline init(shape: [Int], storage: TensorStorage, tapeIndex: Int? = nil) {
    precondition(
      shape.allSatisfy { $0 >= 0 } && storage.count == Tensor.elementCount(shape),
      "Tensor: storage of \(storage.count) elements does not match shape \(shape)")
    self.shape = shape
    self.storage = storage
    self.tapeIndex = tapeIndex
  }

  /// A tensor of the given shape holding `scalars` in row-major order.
  public init(shape: [Int], scalars: [Float]) {
    precondition(
      scalars.count == Tensor.elementCount(shape),
      "Tensor(shape: \(shape)): expected \(Tensor.elementCount(shape)) scalars, got \(scalars.count)")
    self.init(shape: shape, storage: TensorStorage(copying: scalars))
  }

  /// A 1-D tensor holding `scalars`, shape `[scalars.count]`.
  public init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

  /// A scalar (rank-0) tensor.
  public init(_ scalar: Float) { self.init(shape: [], scalars: [scalar]) }

  /// A tensor of the given shape filled with `value`.
  public init(repeating value: Float, shape: [Int]) {
    self.init(shape: shape, storage: TensorStorage(repeating: value, count: Tensor.elementCount(shape)))
  }

  /// Zeros of the given shape.
  public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }
  /// Ones of the given shape.
  public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }
  /// Zeros with the shape of `other`.
  public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }
  /// `[0, 1, ..., count-1]` as Floats, shape `[count]`.
  public static func arange(_ count: Int) -> Tensor { Tensor((0..<count).map { Float($0) }) }

  /// An uninitialised tensor for kernels to fill (every element must be written).
  @usableFromInline static func uninitialized(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, storage: TensorStorage(uninitializedCount: elementCount(shape)))
  }

  /// Number of axes.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { storage.count }
  /// Product of the extents in `shape` (1 for a scalar).
  public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

  /// The elements in row-major order (a copy).
  public var scalars: [Float] { storage.withUnsafeBufferPointer { Array($0) } }

  /// The single element of a one-element tensor.
  public var scalar: Float {
    precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
    return storage.withUnsafeBufferPointer { $0[0] }
  }

  /// Element at a multi-index.
  public subscript(indices: Int...) -> Float {
    get { storage.withUnsafeBufferPointer { $0[flatIndex(indices)] } }
    set {
      let i = flatIndex(indices)
      makeUnique()
      storage.withUnsafeMutableBufferPointer { $0[i] = newValue }
    }
  }

  func flatIndex(_ indices: [Int]) -> Int {
    precondition(indices.count == rank, "Tensor: index \(indices) has wrong rank for shape \(shape)")
    var flat = 0
    for (axis, i) in indices.enumerated() {
      precondition(i >= 0 && i < shape[axis], "Tensor: index \(indices) out of range for shape \(shape)")
      flat = flat * shape[axis] + i
    }
    return flat
  }

  /// Gives this value its own storage if the storage is shared (copy-on-write).
  public mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
  }

  /// The same values, detached from any tape (gradients do not flow through it).
  public var detached: Tensor { Tensor(shape: shape, storage: storage) }

  /// Row-major strides (in elements) of a shape.
  public static func strides(of shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = s
      s *= shape[axis]
    }
    return strides
  }

  /// Normalises a possibly negative axis (-1 = last) and checks it is in range.
  public func normalizedAxis(_ axis: Int) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "Tensor: axis \(axis) out of range for shape \(shape)")
    return a
  }
}

extension Tensor: CustomStringConvertible {
  /// Shape and (for small tensors) values.
  public var description: String {
    let values = count <= 64 ? scalars.map { "\($0)" }.joined(separator: ", ") : "\(count) values"
    return "Tensor(shape: \(shape), [\(values)])"
  }
}

extension Tensor {
  /// Whether two tensors have the same shape and bit-identical elements.
  public func isBitwiseEqual(to other: Tensor) -> Bool {
    shape == other.shape && scalars.elementsEqual(other.scalars) { $0.bitPattern == $1.bitPattern }
  }
}
