@testable import Diffusion
import DiffusionCore
import Graphs
import Testing

@Suite struct GraphBridgeTests {
  @Test func graphsRoundTripThroughTheState() {
    let path = Graph(nodeLabels: [0, 1, 1, 0], labeledEdges: [(0, 1, 1), (1, 2, 2), (2, 3, 1)])
    let triangle = Graph(nodeLabels: [1, 0, 1], labeledEdges: [(0, 1, 1), (1, 2, 1), (0, 2, 2)])
    let state = GraphState(graphs: [path, triangle], nodeClassCount: 2, edgeClassCount: 3, nodeCapacity: 5)
    #expect(state.isCanonical())
    // Identical to the state built from class indices.
    let fixture = DiffusionFixtures.smallBatch()
    #expect(state.nodes.isBitwiseEqual(to: fixture.nodes) && state.edges.isBitwiseEqual(to: fixture.edges))
    #expect(state.nodeMask.isBitwiseEqual(to: fixture.nodeMask))
    #expect(state.graphs() == [path, triangle])
    // DiGress's zero-vector diagonal is canonicalised on the way in.
    let digressStyle = DenseGraphBatch(graphs: [path], nodeClassCount: 2, edgeClassCount: 3, diagonal: .zeroVector)
    #expect(GraphState(batch: digressStyle).edges.isBitwiseEqual(to: GraphState(graphs: [path], nodeClassCount: 2, edgeClassCount: 3).edges))
  }

  @Test func sampledStatesDecodeToValidGraphs() {
    let process = DiscreteDiffusion(
      schedule: CosineNoiseSchedule(stepCount: 10), nodeTransition: .uniform(classCount: 1), edgeTransition: .uniform(classCount: 2))
    var rng = RandomGenerator(seed: 1)
    let state = process.sampleLimit(nodeMask: Tensor.ones([3, 6]), using: &rng)
    let graphs = state.graphs()
    #expect(graphs.count == 3 && graphs.allSatisfy { $0.nodeCount == 6 })
    #expect(state.denseBatch.graphs() == graphs)
    #expect(GraphState(graphs: graphs, nodeClassCount: 1, edgeClassCount: 2).edges.isBitwiseEqual(to: state.edges))
  }
}
