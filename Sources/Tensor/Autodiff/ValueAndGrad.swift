// The public differentiation API, after mlx-swift's `grad` / `valueAndGrad`: gradients come back
// shaped like the parameter tree that was passed in.

/// A value that holds trainable tensors in a fixed order, each with a dotted name
/// (e.g. `layers.0.weight`); models, layers, arrays of tensors and single tensors conform.
public protocol ParameterTree {
  /// Calls `body` on every parameter, in a fixed order, with its dotted path.
  mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows
}

extension Tensor: ParameterTree {
  /// A single tensor is a tree with one unnamed parameter.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    try body("", &self)
  }
}

extension Array: ParameterTree where Element: ParameterTree {
  /// Elements are named by index: `0.weight`, `1.weight`, ...
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    for i in indices {
      try self[i].forEachParameter { name, t in try body(joinParameterPath("\(i)", name), &t) }
    }
  }
}

extension Optional: ParameterTree where Wrapped: ParameterTree {
  /// A missing optional parameter (e.g. a bias that is switched off) has no parameters.
  public mutating func forEachParameter(_ body: (String, inout Tensor) throws -> Void) rethrows {
    if case .some(var w) = self {
      try w.forEachParameter(body)
      self = .some(w)
    }
  }
}

/// Joins a parent and child path with a dot, skipping empty parts.
public func joinParameterPath(_ parent: String, _ child: String) -> String {
  if parent.isEmpty { return child }
  if child.isEmpty { return parent }
  return parent + "." + child
}

extension ParameterTree {
  /// Visits a child tree under `prefix`, e.g. `visit("encoder", &encoder, body)`.
  public func visitChild<T: ParameterTree>(
    _ prefix: String, _ child: inout T, _ body: (String, inout Tensor) throws -> Void
  ) rethrows {
    try child.forEachParameter { name, t in try body(joinParameterPath(prefix, name), &t) }
  }

  /// All parameters as (path, tensor) in visiting order.
  public var namedParameters: [(String, Tensor)] {
    var copy = self
    var out: [(String, Tensor)] = []
    copy.forEachParameter { name, t in out.append((name, t)) }
    return out
  }

  /// Total number of scalar parameters.
  public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.1.count } }

  /// Replaces the parameters, in visiting order, with `tensors` (shapes must match).
  public mutating func replaceParameters(_ tensors: [Tensor]) {
    var i = 0
    forEachParameter { name, t in
      precondition(i < tensors.count, "replaceParameters: too few tensors (\(tensors.count))")
      precondition(
        tensors[i].shape == t.shape,
        "replaceParameters: \(name) has shape \(t.shape), replacement has \(tensors[i].shape)")
      t = tensors[i]
      i += 1
    }
    precondition(i == tensors.count, "replaceParameters: \(tensors.count) tensors for \(i) parameters")
  }

  /// Every parameter's values end to end, in visiting order: [parameterCount].
  public var flattenedParameters: [Float] {
    var flat: [Float] = []
    var copy = self
    copy.copyFlattenedParameters(into: &flat)
    return flat
  }

  /// Writes every parameter's values times `scale` end to end into `flat` (resized to
  /// [parameterCount]), in visiting order: `flattenedParameters` without fresh arrays per call.
  public mutating func copyFlattenedParameters(into flat: inout [Float], scale: Float = 1) {
    let count = parameterCount
    if flat.count != count { flat = [Float](repeating: 0, count: count) }
    var offset = 0
    flat.withUnsafeMutableBufferPointer { out in
      forEachParameter { _, t in
        t.storage.withUnsafeBufferPointer { p in
          for i in 0..<t.count { out[offset + i] = p[i] * scale }
        }
        offset += t.count
      }
    }
  }

  /// Sets every parameter's values from `flat` [parameterCount], in visiting order, writing into
  /// each parameter's own storage where no other value shares it (copy-on-write otherwise).
  public mutating func setParameters(flattened flat: [Float]) {
    precondition(flat.count == parameterCount, "setParameters(flattened:): \(flat.count) values for \(parameterCount) parameters")
    var offset = 0
    flat.withUnsafeBufferPointer { source in
      forEachParameter { _, t in
        t = t.detached
        t.makeUnique()
        let n = t.count
        t.storage.withUnsafeMutableBufferPointer { p in
          for i in 0..<n { p[i] = source[offset + i] }
        }
        offset += n
      }
    }
  }

}

/// Evaluates `f` at `parameters` and returns its value and its gradient with respect to every
/// parameter, shaped like `parameters`. `f` must return a scalar (any one-element tensor).
public func valueAndGrad<P: ParameterTree>(
  at parameters: P, of f: (P) throws -> Tensor
) rethrows -> (value: Tensor, gradient: P) {
  let tape = Tape()
  var tracked = parameters
  var leafIndices: [Int] = []
  tracked.forEachParameter { _, t in
    t = tape.leaf(t)
    leafIndices.append(t.tapeIndex!)
  }
  let value = try Tape.$current.withValue(tape) { try f(tracked) }
  precondition(value.count == 1, "valueAndGrad: f must return one element, got shape \(value.shape)")
  let grads = tape.backward(from: value)
  var gradient = parameters
  var i = 0
  gradient.forEachParameter { _, t in
    t = grads[leafIndices[i]]?.detached ?? Tensor.zeros(t.shape)
    i += 1
  }
  return (value.detached, gradient)
}

/// The gradient of scalar-valued `f` at `parameters`, shaped like `parameters`.
public func grad<P: ParameterTree>(at parameters: P, of f: (P) throws -> Tensor) rethrows -> P {
  try valueAndGrad(at: parameters, of: f).gradient
}
