import LabStatistics
import Testing

/// Exact small-sample p-values with ties (issue 18), against scipy 1.17.1.
///
/// Reference values: `scipy.stats.mannwhitneyu(x, y, method=PermutationMethod(n_resamples=numpy.inf))`
/// and `scipy.stats.wilcoxon(x, y, method=PermutationMethod(n_resamples=numpy.inf))` — exact
/// enumeration of every split / sign pattern — run in ~/.cache/hpolab/venv-peers (scipy 1.17.1,
/// numpy 2). The 20 × 20 Mann–Whitney case is beyond scipy's enumeration (C(40, 20) ≈ 1.4·10¹¹
/// splits): its value is an exact rational computed by a Python generating-function program
/// over `fractions.Fraction` that reproduces scipy's values on the smaller cases.
@Suite struct ExactRankTests {
  /// (x, y, U1, p), scipy's permutation p-values.
  static let mannWhitneyCases: [([Double], [Double], Double, Double)] = [
    // Issue 18: the normal approximation gave 0.37 here.
    ([1, 2, 3], [2, 3, 4], 2, 0.5),
    ([3, 4, 2, 6, 2, 5, 5, 7], [9, 7, 5, 10, 6, 8, 8, 4], 9.5, 0.017094017094017096),
    (
      [0.44, 0.43, 0.46, 0.43, 0.49, 0.47, 0.44, 0.46, 0.48, 0.51], [0.44, 0.48, 0.47, 0.45, 0.48, 0.47, 0.48, 0.45, 0.46],
      38.5, 0.6164238238541644
    ),
    ([1, 3, 2, 0, 3, 3, 4, 3, 4, 0, 0, 4], [5, 1, 2, 2, 5, 3, 5, 4, 3, 3, 1], 48.5, 0.2794823967256327),
    ([1, 1, 1, 1], [1, 1, 1, 2], 6, 1.0),
    ([0.5, 0.5, 0.5], [0.5, 0.5, 0.5], 4.5, 1.0),
    // 20 × 20 (exact rational, see above); asymptotic would say 0.004221516340453577.
    (
      [0.43, 0.45, 0.41, 0.48, 0.46, 0.44, 0.44, 0.46, 0.44, 0.45, 0.46, 0.46, 0.45, 0.45, 0.45, 0.44, 0.44, 0.46, 0.45, 0.42],
      [0.45, 0.47, 0.46, 0.46, 0.47, 0.5, 0.45, 0.49, 0.44, 0.46, 0.44, 0.49, 0.48, 0.48, 0.44, 0.47, 0.45, 0.45, 0.47, 0.48],
      95.5, 0.0033334005573692183
    ),
  ]

  @Test(arguments: mannWhitneyCases)
  func mannWhitneyWithTiesIsTheExactPermutationTest(x: [Double], y: [Double], u1: Double, p: Double) throws {
    let r = try #require(mannWhitneyU(x, y))
    #expect(r.method == .permutation)
    #expect(r.statistic == u1, "U1, the U of x, as scipy returns")
    #expect(abs(r.p - p) <= 1e-12, "\(r.p) vs scipy \(p)")
    // Swapping the samples gives U2 = n1·n2 − U1 and the same two-sided p.
    let swapped = try #require(mannWhitneyU(y, x))
    #expect(swapped.statistic == Double(x.count * y.count) - u1)
    #expect(abs(swapped.p - p) <= 1e-12)
  }

  @Test func mannWhitneyReportsU1NotTheLargerU() throws {
    // scipy.stats.mannwhitneyu([1, 2, 3, 5, 7], [4, 6, 8, 9, 10], method="exact") → statistic 3.0, p 0.05555555555555555
    let r = try #require(mannWhitneyU([1, 2, 3, 5, 7], [4, 6, 8, 9, 10]))
    #expect(r.method == .exact)
    #expect(r.statistic == 3)
    #expect(abs(r.p - 0.05555555555555555) <= 1e-12)
  }

  /// (x, y, T, p), scipy's permutation p-values (zero differences dropped, `zero_method="wilcox"`).
  static let wilcoxonCases: [([Double], [Double], Double, Double)] = [
    // n = 5 with |d| all 1: the normal approximation said 0.65.
    ([1, 2, 3, 4, 5], [0, 3, 2, 5, 4], 6, 1.0),
    ([125, 115, 130, 140, 140, 115, 140, 125, 140, 135], [110, 122, 125, 120, 140, 124, 123, 137, 135, 145], 18, 0.6328125),
    (
      [2, 5, 5, 3, 2, 4, 5, 5, 1, 2, 3, 4, 5, 4], [0, 0, 1, 0, 4, 2, 0, 5, 0, 5, 1, 4, 2, 2],
      12, 0.03271484375
    ),
    (
      [0.47, 0.53, 0.55, 0.55, 0.59, 0.48, 0.53, 0.48, 0.43, 0.46, 0.51, 0.45, 0.49, 0.56, 0.53, 0.53],
      [0.5, 0.47, 0.39, 0.53, 0.4, 0.49, 0.47, 0.49, 0.49, 0.46, 0.53, 0.42, 0.52, 0.4, 0.54, 0.45],
      33.5, 0.138916015625
    ),
  ]

  @Test(arguments: wilcoxonCases)
  func wilcoxonWithTiesIsTheExactSignFlipTest(x: [Double], y: [Double], t: Double, p: Double) throws {
    let r = try #require(wilcoxonSignedRank(x, y))
    #expect(r.method == .permutation)
    #expect(r.statistic == t)
    #expect(abs(r.p - p) <= 1e-12, "\(r.p) vs scipy \(p)")
  }
}
