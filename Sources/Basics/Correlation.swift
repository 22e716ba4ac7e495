// Correlation coefficients of paired samples.
//   Pearson: r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² · Σ(y − ȳ)²), in Double.
//   Spearman: Pearson's r of the ranks, tied values sharing the mean of the ranks they span
//     (as scipy.stats.spearmanr), so ρ = 1 exactly when y never decreases where x increases
//     and strictly increases with it.
// Both are nil when a sample has fewer than two pairs or either side is constant.

/// Pearson and Spearman correlation.
public enum Correlation {
  /// Pearson's r of `x` and `y` (same length); nil when undefined.
  public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
    precondition(x.count == y.count, "Correlation.pearson: \(x.count) x values, \(y.count) y values")
    guard x.count >= 2 else { return nil }
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
      sxy += (a - mx) * (b - my)
      sxx += (a - mx) * (a - mx)
      syy += (b - my) * (b - my)
    }
    guard sxx > 0 && syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
  }

  /// Spearman's ρ of `x` and `y` (same length); nil when undefined.
  public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
    precondition(x.count == y.count, "Correlation.spearman: \(x.count) x values, \(y.count) y values")
    return pearson(ranks(x), ranks(y))
  }

  /// 1-based ranks; tied values get the mean of the ranks they occupy.
  public static func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
      // Positions start…end (0-based) hold equal values: each gets the mean rank (start + end) / 2 + 1.
      let shared = Double(start + end) / 2 + 1
      for position in start...end { ranks[order[position]] = shared }
      start = end + 1
    }
    return ranks
  }
}
