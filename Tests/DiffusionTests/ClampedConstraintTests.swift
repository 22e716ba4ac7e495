@testable import Diffusion
import Graphs
import Tensor
import Testing

/// Inpainting by clamping: kept entries are the reference's whatever the probabilities say,
/// free entries follow the probabilities.
@Suite struct ClampedConstraintTests {
  @Test func keepsAllButTheFreeNodesAndTheirEdges() {
    let path = Graph(nodeLabels: [0, 1, 1, 0], labeledEdges: [(0, 1, 1), (1, 2, 2), (2, 3, 1)])
    let reference = GraphState(graphs: [path], nodeClassCount: 3, edgeClassCount: 3)
    let free = [false, false, true, false]
    let clamp = ClampedConstraint(reference: reference, freeNodes: free)
    #expect(clamp.referenceNodes == [0, 1, 1, 0] && clamp.referenceEdges[1 * 4 + 2] == 2 && clamp.referenceEdges[0 * 4 + 3] == 0)
    // Uniform probabilities: without the clamp every entry would be redrawn at random.
    let (bs, n) = (64, 4)
    let probabilities = GraphProbabilities(nodes: Tensor(repeating: 1, shape: [bs, n, 3]), edges: Tensor(repeating: 1, shape: [bs, n, n, 3]))
    let mask = Tensor(repeating: 1, shape: [bs, n]), globals = Tensor(repeating: 0, shape: [bs, 0])
    var rng = RandomGenerator(seed: 7)
    let drawn = clamp.sampled(from: probabilities, nodeMask: mask, globals: globals, isFinalStep: false, mostLikely: false, using: &rng).graphs()
    var freeClasses = Set<Int>(), freeBonds = Set<Int>()
    for graph in drawn {
      for i in 0..<n where !free[i] {
        #expect(graph.nodeLabels[i] == path.nodeLabels[i])
        for j in 0..<n where j != i && !free[j] { #expect(graph.edgeLabel(i, j) == path.edgeLabel(i, j)) }
      }
      freeClasses.insert(graph.nodeLabels[2])
      freeBonds.insert(graph.edgeLabel(0, 2))
    }
    // 64 uniform draws of 3 classes: all three appear (a miss has probability < 1e-10).
    #expect(freeClasses == [0, 1, 2] && freeBonds == [0, 1, 2])
    // The most likely state of uniform rows is class 0 on free entries, the reference elsewhere.
    let likely = clamp.sampled(from: probabilities, nodeMask: mask, globals: globals, isFinalStep: true, mostLikely: true, using: &rng).graphs()[0]
    #expect(likely.nodeLabels == [0, 1, 0, 0] && likely.edgeLabel(0, 1) == 1 && likely.edgeLabel(1, 2) == 0 && likely.edgeLabel(2, 3) == 0)
  }

  /// A node excluding its own class ends in another class on the final step (earlier steps
  /// draw freely), and keeps its class when the model gives every other class no weight.
  @Test func excludingItsOwnClassTakesTheNextChoice() {
    let path = Graph(nodeLabels: [0, 1, 1], labeledEdges: [(0, 1, 1), (1, 2, 1)])
    let reference = GraphState(graphs: [path], nodeClassCount: 3, edgeClassCount: 2)
    let clamp = ClampedConstraint(reference: reference, freeNodesPerSample: [[false, true, false]], excludedClasses: [[[], [1], []]])
    let bs = 64
    // Class 1 (the reference) is the model's clear favourite, class 2 its next choice.
    var rows = [Float]()
    for _ in 0..<(bs * 3) { rows += [0.001, 0.9, 0.099] }
    let probabilities = GraphProbabilities(nodes: Tensor(shape: [bs, 3, 3], scalars: rows), edges: Tensor(repeating: 1, shape: [bs, 3, 3, 2]))
    let mask = Tensor(repeating: 1, shape: [bs, 3]), globals = Tensor(repeating: 0, shape: [bs, 0])
    var rng = RandomGenerator(seed: 1)
    let final = clamp.sampled(from: probabilities, nodeMask: mask, globals: globals, isFinalStep: true, mostLikely: false, using: &rng).graphs()
    #expect(final.allSatisfy { $0.nodeLabels[1] != 1 && $0.nodeLabels[0] == 0 && $0.nodeLabels[2] == 1 })
    #expect(clamp.sampled(from: probabilities, nodeMask: mask, globals: globals, isFinalStep: true, mostLikely: true, using: &rng).graphs()[0].nodeLabels[1] == 2)
    let earlier = clamp.sampled(from: probabilities, nodeMask: mask, globals: globals, isFinalStep: false, mostLikely: false, using: &rng).graphs()
    #expect(earlier.contains { $0.nodeLabels[1] == 1 })
    // Nothing but the reference class: it stays.
    let certain = GraphProbabilities(
      nodes: Tensor(shape: [1, 3, 3], scalars: [0, 1, 0, 0, 1, 0, 0, 1, 0]), edges: Tensor(repeating: 1, shape: [1, 3, 3, 2]))
    let kept = clamp.sampled(from: certain, nodeMask: Tensor(repeating: 1, shape: [1, 3]), globals: Tensor(repeating: 0, shape: [1, 0]), isFinalStep: true, mostLikely: false, using: &rng)
    #expect(kept.graphs()[0].nodeLabels[1] == 1)
  }

  /// Rows per sample: sample g redraws only its own node and edges, and on the final step ends
  /// in none of its excluded classes (unless they are all that has weight).
  @Test func eachSampleFreesItsOwnNodes() {
    let path = Graph(nodeLabels: [0, 1, 2], labeledEdges: [(0, 1, 1), (1, 2, 1)])
    let reference = GraphState(graphs: [path], nodeClassCount: 4, edgeClassCount: 2)
    let free = (0..<3).map { g in (0..<3).map { $0 == g } }
    // Sample 0 may not end as 0 or 1 at node 0, sample 1 not as 1 at node 1, sample 2 anything.
    let excluded: [[Set<Int>]] = [[[0, 1], [], []], [[], [1], []], [[], [], []]]
    let clamp = ClampedConstraint(reference: reference, freeNodesPerSample: free, excludedClasses: excluded)
    let (bs, n) = (3, 3)
    let probabilities = GraphProbabilities(nodes: Tensor(repeating: 1, shape: [bs, n, 4]), edges: Tensor(repeating: 1, shape: [bs, n, n, 2]))
    let mask = Tensor(repeating: 1, shape: [bs, n]), globals = Tensor(repeating: 0, shape: [bs, 0])
    var rng = RandomGenerator(seed: 11)
    var endings: [Set<Int>] = Array(repeating: [], count: 3)
    for _ in 0..<200 {
      let drawn = clamp.sampled(from: probabilities, nodeMask: mask, globals: globals, isFinalStep: true, mostLikely: false, using: &rng).graphs()
      for (g, graph) in drawn.enumerated() {
        for i in 0..<n where i != g { #expect(graph.nodeLabels[i] == path.nodeLabels[i]) }
        for (i, j) in [(0, 1), (1, 2), (0, 2)] where i != g && j != g { #expect(graph.edgeLabel(i, j) == path.edgeLabel(i, j)) }
        endings[g].insert(graph.nodeLabels[g])
      }
    }
    // 200 uniform draws over the allowed classes: each appears (a miss has probability < 1e-24).
    #expect(endings == [[2, 3], [0, 2, 3], [0, 1, 2, 3]])
    // Before the final step nothing is excluded.
    var early = Set<Int>()
    for _ in 0..<200 {
      early.insert(clamp.sampled(from: probabilities, nodeMask: mask, globals: globals, isFinalStep: false, mostLikely: false, using: &rng).graphs()[0].nodeLabels[0])
    }
    #expect(early == [0, 1, 2, 3])
  }
}
