// Deterministic data set splits.

import Graphs
import Testing

@Suite struct DatasetSplitTests {
  @Test func splitIsAPartitionWithTheStatedSizes() {
    let graphs = GraphEnumeration.planarGraphs(nodeCount: 6, connectedOnly: true)  // 99 graphs
    let split = DatasetSplit(graphs, seed: 3)
    #expect(split.train.count == 79 && split.validation.count == 9 && split.test.count == 11)
    #expect(Set(split.train + split.validation + split.test) == Set(graphs))
    #expect(split.train.count + split.validation.count + split.test.count == graphs.count)
    // Relative order is kept.
    let position = Dictionary(uniqueKeysWithValues: graphs.enumerated().map { ($1, $0) })
    for part in [split.train, split.validation, split.test] {
      #expect(zip(part, part.dropFirst()).allSatisfy { position[$0]! < position[$1]! })
    }
  }

  @Test func sameSeedSameSplitOtherSeedOtherSplit() {
    let graphs = GraphEnumeration.graphs(nodeCount: 5)
    #expect(DatasetSplit(graphs, seed: 1) == DatasetSplit(graphs, seed: 1))
    #expect(DatasetSplit(graphs, seed: 1) != DatasetSplit(graphs, seed: 2))
    let custom = DatasetSplit(graphs, fractions: SplitFractions(train: 0.5, validation: 0.5), seed: 9)
    #expect(custom.train.count == 17 && custom.validation.count == 17 && custom.test.isEmpty)
  }
}
