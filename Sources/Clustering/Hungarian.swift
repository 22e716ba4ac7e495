// Optimal assignment on a rectangular cost matrix (the Hungarian method; Kuhn 1955, Munkres
// 1957), in the O(r²·c) shortest-augmenting-path form with row and column potentials
// (Jonker and Volgenant 1987; Edmonds and Karp 1972 for the potentials).
//
// With r ≤ c rows are added one at a time. Potentials u (rows) and v (columns) keep every
// reduced cost cost[i][j] − u[i] − v[j] ≥ 0, and reduced costs are zero on assigned pairs. Adding
// row i runs Dijkstra over reduced costs from i until it reaches a free column; raising the
// potentials by the distances keeps reduced costs non-negative and makes the augmenting path
// tight, so flipping it keeps the partial assignment optimal. Each row costs O(r·c) work.
// With r > c the transposed problem is solved and mapped back.

/// The optimal one-to-one assignment of rows to columns of an r × c cost matrix.
public struct LinearAssignment: Sendable, Equatable {
  /// Column assigned to each row, or nil for rows left over when r > c; [r].
  public var columnForRow: [Int?]
  /// Sum of the costs of the assigned pairs.
  public var totalCost: Double

  /// The assigned (row, column) pairs in row order; min(r, c) of them.
  public var pairs: [(row: Int, column: Int)] {
    columnForRow.enumerated().compactMap { row, column in column.map { (row, $0) } }
  }

  /// Equal when the same pairs are assigned with the same total.
  public static func == (lhs: LinearAssignment, rhs: LinearAssignment) -> Bool {
    lhs.columnForRow == rhs.columnForRow && lhs.totalCost == rhs.totalCost
  }
}

/// Optimal assignment of rows to columns (Hungarian method), minimising or maximising.
public enum Hungarian {
  /// The assignment of min(r, c) pairs with the least total cost; `costs` is r × c, finite.
  public static func minimumCostAssignment(_ costs: [[Double]]) -> LinearAssignment {
    let (rows, columns) = validatedShape(costs, "Hungarian.minimumCostAssignment")
    if rows == 0 || columns == 0 {
      return LinearAssignment(columnForRow: [Int?](repeating: nil, count: rows), totalCost: 0)
    }
    var columnForRow = [Int?](repeating: nil, count: rows)
    if rows <= columns {
      let rowForColumn = assignRows(costs, rows: rows, columns: columns)
      for (column, row) in rowForColumn.enumerated() where row >= 0 { columnForRow[row] = column }
    } else {
      let transposed = (0..<columns).map { j in (0..<rows).map { i in costs[i][j] } }
      let columnForTransposedColumn = assignRows(transposed, rows: columns, columns: rows)
      for (row, column) in columnForTransposedColumn.enumerated() where column >= 0 { columnForRow[row] = column }
    }
    var total = 0.0
    for (row, column) in columnForRow.enumerated() { if let column { total += costs[row][column] } }
    return LinearAssignment(columnForRow: columnForRow, totalCost: total)
  }

  /// The assignment of min(r, c) pairs with the greatest total weight; `weights` is r × c, finite.
  /// `totalCost` is then the total weight.
  public static func maximumWeightAssignment(_ weights: [[Double]]) -> LinearAssignment {
    _ = validatedShape(weights, "Hungarian.maximumWeightAssignment")
    // max Σ w = −min Σ (−w): negate, minimise, report the original weights.
    var assignment = minimumCostAssignment(weights.map { $0.map { -$0 } })
    assignment.totalCost = -assignment.totalCost
    return assignment
  }

  /// (r, c) of a rectangular, finite matrix; traps otherwise.
  private static func validatedShape(_ matrix: [[Double]], _ caller: String) -> (Int, Int) {
    let columns = matrix.first?.count ?? 0
    for (index, row) in matrix.enumerated() {
      precondition(row.count == columns, "\(caller): row \(index) has \(row.count) entries, row 0 has \(columns)")
      if let bad = row.firstIndex(where: { !$0.isFinite }) {
        preconditionFailure("\(caller): entry (\(index), \(bad)) = \(row[bad]) is not finite")
      }
    }
    return (matrix.count, columns)
  }

  /// Row assigned to each column (−1 when none) for r ≤ c: every row gets a column.
  private static func assignRows(_ costs: [[Double]], rows: Int, columns: Int) -> [Int] {
    var rowPotential = [Double](repeating: 0, count: rows)
    var columnPotential = [Double](repeating: 0, count: columns)
    var rowForColumn = [Int](repeating: -1, count: columns)
    for newRow in 0..<rows {
      // Dijkstra from newRow over reduced costs. distance[j]: shortest alternating path to
      // column j; previousColumn[j]: the column before j on it (−1: reached from newRow).
      var distance = [Double](repeating: .infinity, count: columns)
      var previousColumn = [Int](repeating: -1, count: columns)
      var finished = [Bool](repeating: false, count: columns)
      var currentRow = newRow
      var currentColumn = -1  // the column whose row is being scanned (−1 for newRow)
      var pathStart = 0.0     // distance of the current row from newRow
      var freeColumn = -1
      while freeColumn < 0 {
        var nearestColumn = -1
        var nearestDistance = Double.infinity
        for j in 0..<columns where !finished[j] {
          let throughCurrent = pathStart + costs[currentRow][j] - rowPotential[currentRow] - columnPotential[j]
          if throughCurrent < distance[j] { (distance[j], previousColumn[j]) = (throughCurrent, currentColumn) }
          if distance[j] < nearestDistance { (nearestColumn, nearestDistance) = (j, distance[j]) }
        }
        finished[nearestColumn] = true
        if rowForColumn[nearestColumn] < 0 {
          freeColumn = nearestColumn
        } else {
          (currentRow, currentColumn, pathStart) = (rowForColumn[nearestColumn], nearestColumn, nearestDistance)
        }
      }
      // Potential update: for each finished column j (on the shortest-path tree, distance ≤ the
      // final distance D), v[j] −= D − distance[j] and its row's u += D − distance[j]; newRow's
      // u += D (the free column's change is D − D = 0). Assigned pairs stay tight, every reduced
      // cost stays ≥ 0 (Dijkstra's distances satisfy d_j ≤ d_row + reduced cost), and the
      // augmenting path becomes tight.
      let finalDistance = distance[freeColumn]
      rowPotential[newRow] += finalDistance
      for j in 0..<columns where finished[j] && j != freeColumn {
        let slack = finalDistance - distance[j]
        columnPotential[j] -= slack
        rowPotential[rowForColumn[j]] += slack
      }
      // Flip the augmenting path: walk back from the free column, shifting rows along it.
      var column = freeColumn
      while column >= 0 {
        let before = previousColumn[column]
        rowForColumn[column] = before >= 0 ? rowForColumn[before] : newRow
        column = before
      }
    }
    return rowForColumn
  }
}
