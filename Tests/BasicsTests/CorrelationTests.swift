import Basics
import Testing

/// Pearson and Spearman against scipy's values on fixed samples (golden numbers from
/// `python -c "from scipy.stats import spearmanr, pearsonr; print(spearmanr(x, y).statistic, pearsonr(x, y).statistic)"`
/// with scipy 1.17 on the samples below), tie handling, and the undefined cases.
@Suite struct CorrelationTests {
  @Test func matchesScipyOnFixedSamples() {
    let x = [0, 0.25, 0.5, 0.75, 1.0, 1.25], y = [0.1, 0.3, 0.3, 0.2, 0.9, 0.95]
    #expect(abs(Correlation.spearman(x, y)! - 0.8116794499134279) < 1e-12)
    #expect(abs(Correlation.pearson(x, y)! - 0.861091350548247) < 1e-12)
    let a: [Double] = [3, 1, 4, 1, 5, 9, 2, 6], b: [Double] = [2, 7, 1, 8, 2, 8, 1, 8]
    #expect(abs(Correlation.spearman(a, b)! - 0.19885368120992467) < 1e-12)
    #expect(abs(Correlation.pearson(a, b)! - 0.2096553190730121) < 1e-12)
    #expect(Correlation.ranks(a) == [4, 1.5, 5, 1.5, 6, 8, 3, 7])
  }

  @Test func monotoneSamplesAndUndefinedCases() {
    let x: [Double] = [0, 1, 2, 3, 4]
    #expect(Correlation.spearman(x, x.map { $0 * $0 * $0 }) == 1)
    #expect(Correlation.spearman(x, x.map { -$0 }) == -1)
    #expect(Correlation.pearson([1], [2]) == nil)
    #expect(Correlation.pearson(x, [1, 1, 1, 1, 1]) == nil)
    #expect(Correlation.spearman([2, 2, 2], [1, 2, 3]) == nil)
  }
}
