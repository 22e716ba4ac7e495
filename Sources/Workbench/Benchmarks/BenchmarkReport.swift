// What every benchmark result shares: printed as pretty JSON with sorted keys, and medians of
// repeated timings.

import Foundation

/// A benchmark result printed as JSON.
public protocol BenchmarkReport: Encodable {}

extension BenchmarkReport {
  /// Pretty-printed JSON with sorted keys.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }
}

/// The median of `values` (the mean of the middle two for an even count; NaN when empty).
func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
