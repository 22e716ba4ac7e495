// Agglomerative clustering with Ward's criterion (Ward 1963) by the nearest-neighbour chain
// (Murtagh 1983; Müllner 2011, "Modern hierarchical, agglomerative clustering algorithms").
//
// Distances. Between singletons d(i, j) = ‖xᵢ − xⱼ‖. Merging clusters s and t (sizes n_s, n_t)
// raises the within-cluster sum of squares by ΔE = n_s n_t / (n_s + n_t) · ‖c_s − c_t‖², and the
// Ward distance is d(s, t) = √(2ΔE) (equal to the Euclidean distance for singletons). This is
// the merge height SciPy's `linkage(method="ward")` reports.
//
// Lance–Williams update for Ward (on squared distances): for any other cluster v,
//   d²(v, s∪t) = [(n_v + n_s) d²(v, s) + (n_v + n_t) d²(v, t) − n_v d²(s, t)] / (n_v + n_s + n_t).
// Derivation: with centroids, d²(v, u) = 2 n_v n_u/(n_v + n_u) ‖c_v − c_u‖² and
// c_{s∪t} = (n_s c_s + n_t c_t)/(n_s + n_t); expanding ‖c_v − c_{s∪t}‖² by the parallelogram
// identity and substituting gives the weights above.
//
// NN-chain: follow nearest neighbours from any cluster, pushing them on a chain, until the top
// two are each other's nearest neighbours ("reciprocal"); merge them. Ward's distance is
// reducible (d(v, s∪t) ≥ min(d(v, s), d(v, t))), so merging a reciprocal pair never changes the
// nearest neighbours deeper in the chain, and the chain can be kept. Each merge costs O(n), and
// there are O(n) chain steps per merge amortised, so O(n²) time; the distance matrix is O(n²)
// memory (condensed upper triangle).
//
// The merges come out not in height order; they are then sorted by height (stable) and the
// cluster ids renumbered as SciPy does: leaves are 0..<n, merge m creates cluster n + m.

/// Ward agglomerative clustering (builds the merge tree; cut it with `MergeTree.labels`).
public enum WardClustering {
  /// The Ward merge tree of n × d `points` (n ≥ 1): n − 1 merges in ascending height.
  public static func mergeTree(_ points: PointMatrix) -> MergeTree {
    let n = points.rows
    precondition(n >= 1, "WardClustering: needs at least one point, got \(n)")
    var distances = CondensedDistances(count: n)
    for i in 0..<n {
      for j in (i + 1)..<n { distances[i, j] = points.squaredDistance(row: i, to: points, row: j) }
    }
    // Clusters live in the slot of one of their members; `active` marks live slots.
    var size = [Int](repeating: 1, count: n)
    var active = [Bool](repeating: true, count: n)
    var activeCount = n
    var chain: [Int] = []
    var rawMerges: [(first: Int, second: Int, height: Double)] = []  // slots, in merge order
    while activeCount > 1 {
      if chain.isEmpty { chain.append(active.firstIndex(of: true)!) }
      let top = chain[chain.count - 1]
      let previous = chain.count >= 2 ? chain[chain.count - 2] : -1
      // Nearest active neighbour of `top`, preferring the previous chain element on ties so that
      // the chain cannot cycle.
      var nearest = previous
      var nearestDistance = previous >= 0 ? distances[top, previous] : .infinity
      for other in 0..<n where active[other] && other != top {
        let distance = distances[top, other]
        if distance < nearestDistance { (nearest, nearestDistance) = (other, distance) }
      }
      guard nearest == previous else {
        chain.append(nearest)
        continue
      }
      // `top` and `previous` are reciprocal nearest neighbours: merge them into the lower slot.
      chain.removeLast(2)
      let (kept, removed) = (Swift.min(top, previous), Swift.max(top, previous))
      rawMerges.append((kept, removed, nearestDistance.squareRoot()))
      let (sizeS, sizeT) = (Double(size[kept]), Double(size[removed]))
      for other in 0..<n where active[other] && other != kept && other != removed {
        let sizeV = Double(size[other])
        distances[other, kept] =
          ((sizeV + sizeS) * distances[other, kept] + (sizeV + sizeT) * distances[other, removed]
            - sizeV * nearestDistance) / (sizeV + sizeS + sizeT)
      }
      size[kept] += size[removed]
      active[removed] = false
      activeCount -= 1
    }
    return MergeTree(pointCount: n, slotMerges: rawMerges)
  }

  /// Labels [n] of the `clusterCount` clusters of the Ward tree of n × d `points`.
  public static func labels(_ points: PointMatrix, clusterCount: Int) -> [Int] {
    mergeTree(points).labels(clusterCount: clusterCount)
  }
}

/// A binary merge tree over n points (SciPy linkage convention: leaves 0..<n, merge m makes n + m).
public struct MergeTree: Sendable, Equatable {
  /// One merge: the two clusters joined, the height (distance) at which, and the new size.
  public struct Merge: Sendable, Equatable {
    /// Id of the first merged cluster (the smaller id).
    public var first: Int
    /// Id of the second merged cluster.
    public var second: Int
    /// Linkage distance between them.
    public var height: Double
    /// Number of points in the merged cluster.
    public var size: Int
  }

  /// Number of leaves n.
  public let pointCount: Int
  /// The n − 1 merges, heights ascending; merge m creates cluster id n + m.
  public let merges: [Merge]

  /// Renumbers merges given by representative slot (in any order) into sorted SciPy form.
  init(pointCount: Int, slotMerges: [(first: Int, second: Int, height: Double)]) {
    self.pointCount = pointCount
    // Stable sort by height: equal heights keep their discovery order.
    let ordered = slotMerges.enumerated().sorted { ($0.element.height, $0.offset) < ($1.element.height, $1.offset) }
    // A slot names the cluster containing that point; find its current id through union–find.
    var parent = Array(0..<(2 * pointCount - 1))
    var sizes = [Int](repeating: 1, count: 2 * pointCount - 1)
    func root(_ node: Int) -> Int {
      var node = node
      while parent[node] != node {
        parent[node] = parent[parent[node]]
        node = parent[node]
      }
      return node
    }
    var merges: [Merge] = []
    for (index, merge) in ordered.map(\.element).enumerated() {
      let a = root(merge.first), b = root(merge.second)
      let newId = pointCount + index
      parent[a] = newId
      parent[b] = newId
      sizes[newId] = sizes[a] + sizes[b]
      merges.append(Merge(first: Swift.min(a, b), second: Swift.max(a, b), height: merge.height, size: sizes[newId]))
    }
    self.merges = merges
  }

  /// Labels [n] after the first n − `clusterCount` merges (1 ≤ clusterCount ≤ n), numbered
  /// 0, 1, … in order of each cluster's first point.
  public func labels(clusterCount: Int) -> [Int] {
    precondition(
      clusterCount >= 1 && clusterCount <= pointCount,
      "MergeTree.labels: clusterCount \(clusterCount) must be in 1...\(pointCount)")
    var representative = Array(0..<(2 * pointCount - 1))  // each id's cluster after the cut
    for (index, merge) in merges.prefix(pointCount - clusterCount).enumerated() {
      representative[merge.first] = pointCount + index
      representative[merge.second] = pointCount + index
    }
    func finalCluster(_ leaf: Int) -> Int {
      var node = leaf
      while representative[node] != node { node = representative[node] }
      return node
    }
    var labelOfCluster: [Int: Int] = [:]
    return (0..<pointCount).map { leaf in
      let cluster = finalCluster(leaf)
      if let label = labelOfCluster[cluster] { return label }
      labelOfCluster[cluster] = labelOfCluster.count
      return labelOfCluster.count - 1
    }
  }
}

/// A symmetric n × n matrix with zero diagonal, storing only i < j (n(n − 1)/2 Doubles).
struct CondensedDistances {
  let count: Int
  private var storage: [Double]

  init(count: Int) {
    self.count = count
    storage = [Double](repeating: 0, count: count * (count - 1) / 2)
  }

  /// Entry (i, j) = (j, i), for i ≠ j.
  subscript(i: Int, j: Int) -> Double {
    get { storage[index(i, j)] }
    set { storage[index(i, j)] = newValue }
  }

  private func index(_ i: Int, _ j: Int) -> Int {
    let (low, high) = i < j ? (i, j) : (j, i)
    // Rows 0..<low hold (n − 1) + (n − 2) + … + (n − low) entries before row `low`.
    return low * count - low * (low + 1) / 2 + (high - low - 1)
  }
}
