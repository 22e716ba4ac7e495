// The data every clustering algorithm reads: n points × d features, row-major, in Double.
//
// Double rather than the Tensor module's Float: the algorithms sum many squared distances
// (inertia, covariances, log-likelihoods) and are checked against scikit-learn, which works in
// float64. Converting from a Float tensor is exact.

import Tensor

/// n points × d features, row-major Doubles: `values[row * columns + column]`. All values finite.
public struct PointMatrix: Sendable, Equatable {
  /// Number of points n.
  public let rows: Int
  /// Number of features d.
  public let columns: Int
  /// The n·d values, row-major.
  public private(set) var values: [Double]

  /// Points from row-major `values` of `rows` × `columns`. Traps on a size mismatch or on NaN/inf.
  public init(rows: Int, columns: Int, values: [Double]) {
    precondition(rows >= 0 && columns >= 0, "PointMatrix: negative size \(rows) × \(columns)")
    precondition(
      values.count == rows * columns,
      "PointMatrix: \(rows) × \(columns) needs \(rows * columns) values, got \(values.count)")
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      preconditionFailure(
        "PointMatrix: value \(values[bad]) at row \(bad / columns), column \(bad % columns) is not finite")
    }
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// Points from an array of equally long rows: [n][d] → n × d.
  public init(_ points: [[Double]]) {
    let columns = points.first?.count ?? 0
    for (index, point) in points.enumerated() where point.count != columns {
      preconditionFailure("PointMatrix: row \(index) has \(point.count) features, row 0 has \(columns)")
    }
    self.init(rows: points.count, columns: columns, values: points.flatMap { $0 })
  }

  /// Points from a rank-2 Float tensor [n, d] (exact conversion).
  public init(_ tensor: Tensor) {
    precondition(tensor.rank == 2, "PointMatrix: needs a [n, d] tensor, got shape \(tensor.shape)")
    self.init(rows: tensor.shape[0], columns: tensor.shape[1], values: tensor.scalars.map(Double.init))
  }

  /// A zero matrix of `rows` × `columns`.
  public static func zeros(rows: Int, columns: Int) -> PointMatrix {
    PointMatrix(rows: rows, columns: columns, values: [Double](repeating: 0, count: rows * columns))
  }

  /// The value at (`row`, `column`).
  public subscript(row: Int, column: Int) -> Double {
    get { values[row * columns + column] }
    set {
      precondition(newValue.isFinite, "PointMatrix: cannot store non-finite \(newValue) at (\(row), \(column))")
      values[row * columns + column] = newValue
    }
  }

  /// Row `index` as an array of d values.
  public func row(_ index: Int) -> [Double] {
    precondition(index >= 0 && index < rows, "PointMatrix: row \(index) out of range 0..<\(rows)")
    return Array(values[(index * columns)..<((index + 1) * columns)])
  }

  /// The points as a Float tensor [n, d] (rounded to Float).
  public var tensor: Tensor { Tensor(shape: [rows, columns], scalars: values.map(Float.init)) }

  /// Squared Euclidean distance between row `i` of `self` and row `j` of `other` (same d).
  func squaredDistance(row i: Int, to other: PointMatrix, row j: Int) -> Double {
    var sum = 0.0
    let a = i * columns, b = j * other.columns
    for feature in 0..<columns {
      let difference = values[a + feature] - other.values[b + feature]
      sum += difference * difference
    }
    return sum
  }
}

/// Traps unless `labels` has one entry per point of `points` (shared by the fitting APIs).
func requireMatchingCount(_ labels: [Int], _ points: PointMatrix, _ caller: String) {
  precondition(labels.count == points.rows, "\(caller): \(labels.count) labels for \(points.rows) points")
}
