import Testing
import TestSupport
@testable import Diffusion

/// Shared small graphs for the diffusion tests.
enum DiffusionFixtures {
  /// Symmetric edge-class matrix of `count` nodes from (i, j, class) triples.
  static func edgeMatrix(_ count: Int, _ edges: [(Int, Int, Int)]) -> [[Int]] {
    var e = [[Int]](repeating: [Int](repeating: 0, count: count), count: count)
    for (i, j, c) in edges {
      e[i][j] = c
      e[j][i] = c
    }
    return e
  }

  /// A batch of two graphs padded to 5 nodes: a 4-node path with two edge types, and a triangle.
  /// 2 node classes, 3 edge classes.
  static func smallBatch(globals: Tensor? = nil) -> GraphState {
    GraphState(
      nodeClasses: [[0, 1, 1, 0], [1, 0, 1]],
      edgeClasses: [edgeMatrix(4, [(0, 1, 1), (1, 2, 2), (2, 3, 1)]), edgeMatrix(3, [(0, 1, 1), (1, 2, 1), (0, 2, 2)])],
      nodeClassCount: 2, edgeClassCount: 3, nodeCapacity: 5, globals: globals)
  }

  /// The 8-node wheel-like planar graph (a cycle 0…6 plus hub 7 joined to 0, 2, 4) with 1 node
  /// class and 2 edge classes, as in the planar experiment.
  static func planarGraph() -> GraphState {
    var edges = (0..<7).map { ($0, ($0 + 1) % 7, 1) }
    edges += [(7, 0, 1), (7, 2, 1), (7, 4, 1)]
    return GraphState(
      nodeClasses: [[Int](repeating: 0, count: 8)], edgeClasses: [edgeMatrix(8, edges)], nodeClassCount: 1, edgeClassCount: 2)
  }
}

@Suite struct GraphStateTests {
  @Test func classIndicesRoundTrip() {
    let state = DiffusionFixtures.smallBatch()
    #expect(state.batchSize == 2 && state.nodeCapacity == 5 && state.nodeClassCount == 2 && state.edgeClassCount == 3)
    #expect(state.nodeCounts == [4, 3])
    #expect(state.nodeClasses(ofGraph: 0) == [0, 1, 1, 0])
    #expect(state.nodeClasses(ofGraph: 1) == [1, 0, 1])
    #expect(state.edgeClasses(ofGraph: 0) == DiffusionFixtures.edgeMatrix(4, [(0, 1, 1), (1, 2, 2), (2, 3, 1)]))
    #expect(state.edgeClasses(ofGraph: 1) == DiffusionFixtures.edgeMatrix(3, [(0, 1, 1), (1, 2, 1), (0, 2, 2)]))
    #expect(state.allNodeClasses() == [state.nodeClasses(ofGraph: 0), state.nodeClasses(ofGraph: 1)])
    #expect(state.allEdgeClasses() == [state.edgeClasses(ofGraph: 0), state.edgeClasses(ofGraph: 1)])
    #expect(state.globals.shape == [2, 0])
    #expect(state.isCanonical())
  }

  @Test func diagonalConventionAndPadding() {
    let state = DiffusionFixtures.smallBatch()
    // Real node: class-0 one-hot on the diagonal. Padded node: zero everywhere.
    #expect(state.edges[0, 2, 2, 0] == 1 && state.edges[0, 2, 2, 1] == 0)
    #expect((0..<3).allSatisfy { state.edges[1, 3, 3, $0] == 0 && state.edges[1, 0, 4, $0] == 0 })
    #expect((0..<2).allSatisfy { state.nodes[1, 4, $0] == 0 })
    // canonicalized() restores the convention on a state with a zero diagonal (DiGress's clean
    // encoding) and with junk in the padding.
    var edges = state.edges
    for c in 0..<3 { edges[0, 1, 1, c] = 0 }
    edges[1, 4, 4, 2] = 1
    var nodes = state.nodes
    nodes[1, 3, 1] = 1
    let messy = GraphState(nodes: nodes, edges: edges, globals: state.globals, nodeMask: state.nodeMask)
    #expect(!messy.isCanonical())
    let fixed = messy.canonicalized()
    #expect(fixed.isCanonical())
    #expect(fixed.edges.isBitwiseEqual(to: state.edges) && fixed.nodes.isBitwiseEqual(to: state.nodes))
  }

  @Test func masks() {
    let state = DiffusionFixtures.smallBatch()
    #expect(state.pairMask.sum().scalar == 16 + 9)
    #expect(state.offDiagonalPairMask.sum().scalar == 12 + 6)
    #expect(state.offDiagonalPairMask[1, 2, 2] == 0 && state.offDiagonalPairMask[1, 0, 2] == 1 && state.offDiagonalPairMask[1, 0, 3] == 0)
    let features = testTensor([2, 5, 5, 4], seed: 3)
    let masked = state.maskingEdgeFeatures(features)
    #expect(masked[0, 3, 2, 1] == features[0, 3, 2, 1])
    #expect(masked[0, 4, 2, 1] == 0 && masked[1, 1, 3, 0] == 0)
    let nodeFeatures = state.maskingNodeFeatures(testTensor([2, 5, 7], seed: 4))
    #expect((0..<7).allSatisfy { nodeFeatures[1, 3, $0] == 0 && nodeFeatures[0, 4, $0] == 0 })
    // The masks are differentiable: gradients vanish on padding.
    let g = grad(at: features) { state.maskingEdgeFeatures($0).sum() }
    #expect(g.sum().scalar == Float(25 * 4))
  }

  @Test func selectingReplicatingConcatenating() {
    let globals = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    let state = DiffusionFixtures.smallBatch(globals: globals)
    let swapped = state.selecting(graphs: [1, 0])
    #expect(swapped.nodeClasses(ofGraph: 0) == [1, 0, 1] && swapped.globals.scalars == [3, 4, 1, 2])
    let copies = state.replicated(count: 3)
    #expect(copies.batchSize == 6 && copies.nodeCounts == [4, 4, 4, 3, 3, 3])
    let joined = GraphState.concatenated([state, swapped])
    #expect(joined.batchSize == 4 && joined.nodeCounts == [4, 3, 3, 4])
    #expect(joined.edgeClasses(ofGraph: 3) == state.edgeClasses(ofGraph: 0))
    #expect(joined.isCanonical())
  }

  @Test func classFrequenciesCountOrderedOffDiagonalPairs() {
    let (nodes, edges) = DiffusionFixtures.smallBatch().classFrequencies()
    let expectedNodes: [Double] = [3.0 / 7, 4.0 / 7]
    #expect(nodes == expectedNodes)
    // Ordered pairs: 12 + 6 = 18; class 1: 2·2 + 2·2 = 8; class 2: 2 + 2 = 4; class 0: 6.
    let expectedEdges: [Double] = [6.0 / 18, 8.0 / 18, 4.0 / 18]
    #expect(edges == expectedEdges)
  }
}
