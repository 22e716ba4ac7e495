// Deterministic train/validation/test splits of a list of graphs.

import Tensor

/// Fractions of a data set that go to training and validation; the test split gets the rest.
public struct SplitFractions: Sendable, Equatable, Codable {
  /// Fraction for training (rounded down to whole graphs).
  public var train: Double
  /// Fraction for validation (rounded down to whole graphs).
  public var validation: Double
  /// Fraction for testing: whatever training and validation leave (rounded to 12 decimals so
  /// 1 − 0.8 − 0.1 reads 0.1).
  public var test: Double { ((1 - train - validation) * 1e12).rounded() / 1e12 }

  /// The split fractions; each in [0, 1] and `train + validation <= 1`.
  public init(train: Double, validation: Double) {
    precondition(train >= 0 && validation >= 0 && train + validation <= 1,
                 "SplitFractions: train \(train) and validation \(validation) must be >= 0 with a sum <= 1")
    (self.train, self.validation) = (train, validation)
  }

  /// cfx's default: 80% training, 10% validation, 10% test.
  public static let standard = SplitFractions(train: 0.8, validation: 0.1)
}

/// A data set divided into training, validation and test graphs.
public struct DatasetSplit: Sendable, Equatable {
  /// Training graphs.
  public var train: [Graph]
  /// Validation graphs.
  public var validation: [Graph]
  /// Test graphs.
  public var test: [Graph]

  /// A split from given parts (e.g. read back from split files).
  public init(train: [Graph], validation: [Graph], test: [Graph]) {
    (self.train, self.validation, self.test) = (train, validation, test)
  }

  /// Splits `graphs` by a seeded shuffle: the graphs are permuted with a Fisher–Yates shuffle
  /// drawn from `RandomGenerator(seed:)`, the first ⌊train·N⌋ go to training, the next
  /// ⌊validation·N⌋ to validation and the rest to test. Each split keeps the input's relative
  /// order, so a sorted input gives sorted split files. Same input and seed, same split, on any
  /// machine.
  public init(_ graphs: [Graph], fractions: SplitFractions = .standard, seed: UInt64) {
    let n = graphs.count
    var rng = RandomGenerator(seed: seed)
    let permutation = rng.permutation(n)
    let trainCount = Int((fractions.train * Double(n)).rounded(.down))
    let validationCount = Int((fractions.validation * Double(n)).rounded(.down))
    var assignment = [Int](repeating: 2, count: n)
    for (position, index) in permutation.enumerated() {
      assignment[index] = position < trainCount ? 0 : (position < trainCount + validationCount ? 1 : 2)
    }
    train = (0..<n).filter { assignment[$0] == 0 }.map { graphs[$0] }
    validation = (0..<n).filter { assignment[$0] == 1 }.map { graphs[$0] }
    test = (0..<n).filter { assignment[$0] == 2 }.map { graphs[$0] }
  }
}
