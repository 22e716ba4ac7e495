// Target distances that make stress layouts look like chemical drawings: rings as regular
// polygons, 120° angles at ordinary atoms, straight lines through triple bonds and allenes.

import Foundation

/// Helper distances for molecule layouts (units: one bond = 1).
enum MoleculeGeometry {
  /// Extra weighted edges (u, v, target distance) added to the layout graph only.
  ///
  /// Ring members get regular-polygon chord lengths: in a k-ring with unit sides the
  /// circumradius is R = 1 / (2 sin(π/k)), so atoms s steps apart sit 2R·sin(sπ/k) apart.
  /// Two neighbours of an atom get the law-of-cosines distance for the angle at that atom:
  /// |a − b| = 2 sin(θ/2) for unit bonds, with θ = 180° at linear atoms (a triple bond or two
  /// double bonds), 120° at atoms with at most three neighbours, 90° for four or more.
  static func helperEdges(_ graph: DrawingGraph) -> [(Int, Int, Double)] {
    let adjacency = graph.adjacency
    var target: [[Int]: Double] = [:]
    var bondOrders: [[Int]: Int] = [:]
    for edge in graph.edges { bondOrders[[edge.sortedEndpoints.0, edge.sortedEndpoints.1]] = edge.order }
    for center in adjacency.indices where adjacency[center].count >= 2 {
      let neighbours = adjacency[center]
      let orders = neighbours.map { bondOrders[[min(center, $0), max(center, $0)]] ?? 1 }
      let isLinear = neighbours.count == 2 && (orders.contains(3) || orders.allSatisfy { $0 == 2 })
      let angle = isLinear ? Double.pi : (neighbours.count <= 3 ? 2 * Double.pi / 3 : Double.pi / 2)
      let distance = 2 * sin(angle / 2)
      for i in 0..<neighbours.count {
        for j in (i + 1)..<neighbours.count {
          let key = [min(neighbours[i], neighbours[j]), max(neighbours[i], neighbours[j])]
          if bondOrders[key] == nil { target[key] = distance }
        }
      }
    }
    // Rings override angle targets (smaller rings win where fused rings share atoms).
    let rings = GraphStructure.smallestRings(adjacency).sorted { $0.count > $1.count }
    for ring in rings {
      let k = ring.count
      let radius = 1 / (2 * sin(Double.pi / Double(k)))
      for i in 0..<k {
        for j in (i + 1)..<k {
          let steps = min(j - i, k - (j - i))
          guard steps >= 2 else { continue }
          let key = [min(ring[i], ring[j]), max(ring[i], ring[j])]
          target[key] = 2 * radius * sin(Double(steps) * Double.pi / Double(k))
        }
      }
    }
    return target.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { ($0[0], $0[1], target[$0]!) }
  }
}
