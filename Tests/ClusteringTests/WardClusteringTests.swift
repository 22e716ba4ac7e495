import Testing
@testable import Clustering

@Suite struct WardClusteringTests {
  @Test(arguments: Goldens.shared.ward.indices)
  func treeAndLabelsMatchSciPyAndScikitLearn(_ index: Int) {
    let golden = Goldens.shared.ward[index]
    let tree = WardClustering.mergeTree(PointMatrix(golden.points))
    #expect(tree.merges.count == golden.points.count - 1)
    let heights = tree.merges.map(\.height)
    let worst = zip(heights, golden.heights).map { abs($0 - $1) / max(1, abs($1)) }.max()!
    #expect(worst <= 1e-9, "largest height difference \(worst)")
    #expect(tree.merges.map(\.size) == golden.sizes)
    let labels = tree.labels(clusterCount: golden.clusters)
    #expect(ClusteringMetrics.adjustedRandIndex(labels, golden.labels) == 1)
    #expect(Set(labels) == Set(0..<golden.clusters))
  }

  @Test func heightsAscendAndMergeIdsFollowSciPyConvention() {
    let points = Goldens.shared.ward[1].points
    let n = points.count
    let tree = WardClustering.mergeTree(PointMatrix(points))
    #expect(zip(tree.merges, tree.merges.dropFirst()).allSatisfy { $0.height <= $1.height })
    var used = Set<Int>()
    for (index, merge) in tree.merges.enumerated() {
      #expect(merge.first < merge.second && merge.second < n + index, "merge \(index) joins existing clusters")
      #expect(used.insert(merge.first).inserted && used.insert(merge.second).inserted, "each cluster merged once")
    }
    #expect(tree.merges.last!.size == n)
  }

  @Test func cutsAtEveryLevel() {
    let tree = WardClustering.mergeTree(Goldens.shared.blobPoints)
    #expect(Set(tree.labels(clusterCount: 1)) == [0])
    #expect(tree.labels(clusterCount: 60) == Array(0..<60))
    #expect(tree.labels(clusterCount: 3).first == 0, "labels numbered by first point")
  }

  @Test func twoPointsMergeAtTheirDistance() {
    let tree = WardClustering.mergeTree(PointMatrix([[0, 0], [3, 4]]))
    #expect(tree.merges == [MergeTree.Merge(first: 0, second: 1, height: 5, size: 2)])
    #expect(WardClustering.mergeTree(PointMatrix([[1, 2]])).merges.isEmpty)
  }
}
