// Reverse-mode automatic differentiation on a tape (micrograd's shape, recorded in execution order).
//
// While `valueAndGrad` runs the user's function, a `Tape` is active for the current task. Every
// differentiable op whose inputs include a tracked tensor appends one node: the indices of its
// inputs and a pullback closure that maps the gradient of its output to gradients of its inputs.
// Because nodes are appended in execution order, the tape is already topologically sorted, and
// `backward` walks it once in reverse, accumulating gradients by node index.
// Pullbacks run with no tape active, so the backward pass records nothing.

/// A record of differentiable operations, in execution order.
public final class Tape: @unchecked Sendable {
  struct Node {
    let name: String
    let inputs: [Int]
    let shape: [Int]
    let pullback: ((Tensor) -> [Tensor?])?
  }

  var nodes: [Node] = []

  /// The tape recording in the current task, if any.
  @TaskLocal public static var current: Tape?

  /// Creates an empty tape.
  public init() {}

  /// Number of recorded nodes (leaves included).
  public var count: Int { nodes.count }

  /// Adds a leaf (a tensor we differentiate with respect to) and returns it tracked.
  public func leaf(_ tensor: Tensor) -> Tensor {
    nodes.append(Node(name: "leaf", inputs: [], shape: tensor.shape, pullback: nil))
    var t = tensor
    t.tapeIndex = nodes.count - 1
    return t
  }

  func append(
    _ name: String, inputs: [Int], shape: [Int], pullback: @escaping (Tensor) -> [Tensor?]
  ) -> Int {
    nodes.append(Node(name: name, inputs: inputs, shape: shape, pullback: pullback))
    return nodes.count - 1
  }

  /// Back-propagates `seed` (the gradient of the final output, same shape as `output`) and returns
  /// the gradient of every node that received one, keyed by tape index.
  public func backward(from output: Tensor, seed: Tensor? = nil) -> [Int: Tensor] {
    guard let root = output.tapeIndex else { return [:] }
    let seedGradient = seed ?? Tensor.ones(output.shape)
    precondition(
      seedGradient.shape == output.shape,
      "Tape.backward: seed shape \(seedGradient.shape) != output shape \(output.shape)")
    var grads: [Int: Tensor] = [root: seedGradient.detached]
    Tape.$current.withValue(nil) {
      for index in stride(from: root, through: 0, by: -1) {
        guard let g = grads[index] else { continue }
        let node = nodes[index]
        guard let pullback = node.pullback else { continue }
        let inputGrads = pullback(g)
        precondition(
          inputGrads.count == node.inputs.count,
          "Tape: op \(node.name) returned \(inputGrads.count) gradients for \(node.inputs.count) inputs")
        for (input, ig) in zip(node.inputs, inputGrads) {
          guard input >= 0, let ig else { continue }
          precondition(
            ig.shape == nodes[input].shape,
            "Tape: op \(node.name) gave gradient of shape \(ig.shape) for input of shape \(nodes[input].shape)")
          if let existing = grads[input] { grads[input] = existing + ig } else { grads[input] = ig }
        }
        // Free intermediate gradients as soon as they are consumed (keep leaves).
        if !node.inputs.isEmpty { grads[index] = nil }
      }
    }
    return grads
  }
}

extension Tensor {
  /// Records a differentiable op on the active tape.
  ///
  /// `result` was computed from `inputs`; `pullback` receives the gradient of `result` (same shape)
  /// and returns one gradient per input (same shape as that input, or nil for "no gradient").
  /// If no tape is active or no input is tracked, `result` is returned untracked and `pullback`
  /// is never kept.
  public static func recorded(
    _ name: String, _ result: Tensor, inputs: [Tensor],
    pullback: @escaping (Tensor) -> [Tensor?]
  ) -> Tensor {
    guard inputs.contains(where: { $0.tapeIndex != nil }), let tape = Tape.current else {
      return result.detached
    }
    var out = result.detached
    out.tapeIndex = tape.append(
      name, inputs: inputs.map { $0.tapeIndex ?? -1 }, shape: result.shape, pullback: pullback)
    return out
  }

  /// Whether a tape is active and this tensor is tracked on it.
  public var isTracked: Bool { tapeIndex != nil && Tape.current != nil }
}
