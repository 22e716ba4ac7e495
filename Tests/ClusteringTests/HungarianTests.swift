import Testing
@testable import Clustering

@Suite struct HungarianTests {
  @Test(arguments: Goldens.shared.assignments.indices)
  func optimalCostsMatchSciPy(_ index: Int) {
    let golden = Goldens.shared.assignments[index]
    let rows = golden.costs.count, columns = golden.costs[0].count
    let minimum = Hungarian.minimumCostAssignment(golden.costs)
    let maximum = Hungarian.maximumWeightAssignment(golden.costs)
    // Assignments may differ on ties; the optimal totals may not.
    #expect(abs(minimum.totalCost - golden.minimumCost) <= 1e-9 * max(1, abs(golden.minimumCost)), "\(rows) × \(columns)")
    #expect(abs(maximum.totalCost - golden.maximumWeight) <= 1e-9 * max(1, abs(golden.maximumWeight)), "\(rows) × \(columns)")
    for assignment in [minimum, maximum] {
      let pairs = assignment.pairs
      #expect(pairs.count == min(rows, columns))
      #expect(Set(pairs.map(\.column)).count == pairs.count, "each column used once")
      let recomputed = pairs.reduce(0.0) { $0 + golden.costs[$1.row][$1.column] }
      #expect(abs(recomputed - assignment.totalCost) <= 1e-9 * max(1, abs(recomputed)))
    }
  }

  @Test func smallSquareCaseByHand() {
    // Rows take columns 1, 0, 2: 1 + 2 + 2 = 5 beats every other permutation.
    let costs: [[Double]] = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
    let assignment = Hungarian.minimumCostAssignment(costs)
    #expect(assignment.columnForRow == [1, 0, 2])
    #expect(assignment.totalCost == 5)
  }

  @Test func rectangularShapesAndEmptyMatrix() {
    let wide = Hungarian.minimumCostAssignment([[5, 1, 9, 0]])
    #expect(wide.columnForRow == [3] && wide.totalCost == 0)
    let tall = Hungarian.minimumCostAssignment([[5], [1], [9]])
    #expect(tall.columnForRow == [nil, 0, nil] && tall.totalCost == 1)
    #expect(Hungarian.minimumCostAssignment([]).columnForRow.isEmpty)
  }
}
