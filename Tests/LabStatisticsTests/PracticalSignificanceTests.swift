import LabCore
import LabStatistics
import Testing

@Suite struct PracticalSignificanceTests {
  // Two samples of HellaSwag-like accuracies (made up for the test, 11 each so that medians are sample values).
  let a: [Double] = [0.4712, 0.4731, 0.4698, 0.4745, 0.4720, 0.4739, 0.4705, 0.4727, 0.4751, 0.4716, 0.4733]
  let b: [Double] = [0.4690, 0.4702, 0.4721, 0.4685, 0.4711, 0.4696, 0.4708, 0.4679, 0.4717, 0.4699, 0.4688]

  @Test func verdictFollowsTheIntervalAndTheROPE() {
    // Hand-made intervals against ROPE 0.004 (Kruschke's rule: equivalence first, then outside ±r).
    #expect(Verdict(lower: -0.001, upper: 0.003, rope: 0.004) == .practicallyEquivalent)
    #expect(Verdict(lower: 0.001, upper: 0.003, rope: 0.004) == .practicallyEquivalent)  // "significant", not meaningful
    #expect(Verdict(lower: -0.004, upper: 0.004, rope: 0.004) == .practicallyEquivalent)  // bounds inclusive
    #expect(Verdict(lower: 0.0041, upper: 0.02, rope: 0.004) == .better)
    #expect(Verdict(lower: -0.02, upper: -0.0041, rope: 0.004) == .worse)
    #expect(Verdict(lower: 0.001, upper: 0.006, rope: 0.004) == .undecided)  // excludes 0, reaches into the ROPE
    #expect(Verdict(lower: -0.01, upper: 0.01, rope: 0.004) == .undecided)
    #expect(Verdict(lower: -0.006, upper: -0.001, rope: 0.004) == .undecided)
    // No ROPE: equivalence only for an interval of exactly 0; any interval clear of 0 decides.
    #expect(Verdict(lower: 0.0001, upper: 0.0002, rope: 0) == .better)
    #expect(Verdict(lower: 0, upper: 0, rope: 0) == .practicallyEquivalent)
    #expect(Verdict(lower: -0.0001, upper: 0.0002, rope: 0) == .undecided)
    #expect(Verdict(lower: .nan, upper: 1, rope: 0.1) == .undecided)
    #expect(Verdict.better.reversed == .worse && Verdict.undecided.reversed == .undecided)
  }

  @Test func effectSizesByHand() {
    // a = [1, 2, 3], b = [2, 2, 0]: pairs won by a: 1 → (0, 0, 1), 2 → (½, ½, 1), 3 → (1, 1, 1): 6 of 9.
    #expect(close(PracticalSignificance.varghaDelaneyA([1, 2, 3], [2, 2, 0]), 6.0 / 9, 1e-15))
    // Cliff's δ = (#a>b − #a<b)/9 = (5 − 2)/9.
    #expect(close(PracticalSignificance.cliffsDelta([1, 2, 3], [2, 2, 0]), 3.0 / 9, 1e-15))
    #expect(PracticalSignificance.varghaDelaneyA([1], []).isNaN)
    // A12 = U1 / (n1 n2), U1 as scipy.stats.mannwhitneyu returns it (checked against scipy in RankTests).
    let u1 = mannWhitneyU(a, b)?.statistic ?? .nan
    #expect(close(PracticalSignificance.varghaDelaneyA(a, b), u1 / 121, 1e-15))
    // scipy.stats.mannwhitneyu(a, b).statistic = 106.0 → A12 = 106/121 = 0.8760330578512396.
    #expect(close(PracticalSignificance.varghaDelaneyA(a, b), 106.0 / 121, 1e-15))
  }

  @Test func medianDifferencesByHand() {
    // sorted a: 6th value 0.4727; sorted b: 6th value 0.4699 → 0.0028.
    #expect(close(PracticalSignificance.medianDifference(a, b, paired: false), 0.0028, 1e-12))
    // Paired differences a_i − b_i sorted, 6th: 0.0029 (numpy.median(a − b) = 0.0029000000000000137).
    #expect(close(PracticalSignificance.medianDifference(a, b, paired: true), 0.0029, 1e-12))
    #expect(PracticalSignificance.medianDifference(a, [1], paired: true).isNaN)
  }

  /// The percentile-bootstrap CI against scipy 1.17.1:
  /// `scipy.stats.bootstrap((a, b), stat, paired=P, vectorized=True, n_resamples=1_000_000, method='percentile',
  /// rng=numpy.random.default_rng(2026))` with stat = median(x) − median(y) (P = False) or median(x − y) (P = True)
  /// gives [0.0008, 0.0043] and [0.0009, 0.0045].
  ///
  /// Tolerance: the bootstrap distribution of a median difference is discrete, so both intervals are atoms of it.
  /// From 2,000,000 numpy resamples, P(Δ* < 0.0008) = 0.0201 and P(Δ* ≤ 0.0008) = 0.0351, P(Δ* < 0.0043) = 0.9460 and
  /// P(Δ* ≤ 0.0043) = 0.9802 (paired: 0.0073 / 0.0514 and 0.9490 / 0.9929). The 2.5 % and 97.5 % points sit ≥ 0.0049
  /// inside those steps; with B = 50,000 resamples the Monte-Carlo standard deviation of the empirical CDF there is
  /// √(0.025 · 0.975 / 50,000) = 0.0007, so the quantiles land on the same atoms unless the error exceeds 7 SD:
  /// the bounds must then agree to rounding (1e-12).
  @Test func bootstrapIntervalMatchesScipy() throws {
    var rng = SeededGenerator.stream(14, 2, 4)
    let independent = try #require(
      PracticalSignificance.bootstrapMedianDifference(a, b, paired: false, resamples: 50_000, using: &rng))
    #expect(close(independent.lowerBound, 0.0008, 1e-12))
    #expect(close(independent.upperBound, 0.0043, 1e-12))
    let paired = try #require(
      PracticalSignificance.bootstrapMedianDifference(a, b, paired: true, resamples: 50_000, using: &rng))
    #expect(close(paired.lowerBound, 0.0009, 1e-12))
    #expect(close(paired.upperBound, 0.0045, 1e-12))
  }

  @Test func bootstrapIsSeededAndRefusesBadInput() {
    var r1 = SeededGenerator(seed: 7), r2 = SeededGenerator(seed: 7)
    #expect(
      PracticalSignificance.bootstrapMedianDifference(a, b, paired: false, using: &r1)
        == PracticalSignificance.bootstrapMedianDifference(a, b, paired: false, using: &r2))
    var r = SeededGenerator(seed: 1)
    #expect(PracticalSignificance.bootstrapMedianDifference([], b, paired: false, using: &r) == nil)
    #expect(PracticalSignificance.bootstrapMedianDifference(a, [1, 2], paired: true, using: &r) == nil)
  }

  @Test func pairEffectCombinesTheParts() throws {
    var rng = SeededGenerator(seed: 3)
    // ROPE 0.005 (HellaSwag's stderr at acc ≈ 0.47 over 10,042 items is 0.0050): the CI [≈0.0008, ≈0.0043] lies inside.
    let e = try #require(PairEffect(a, b, paired: false, rope: 0.005, using: &rng))
    #expect(e.verdict == .practicallyEquivalent)
    #expect(close(e.difference, 0.0028, 1e-12))
    #expect(close(e.cliffsDelta, 2 * e.a12 - 1, 1e-15))
    // ROPE 0.0005: the CI lies above +0.0005 only if its lower bound does; the bound is 0.0008 at B = 50,000,
    // and at B = 2000 it may sit on a neighbouring atom, so check the rule rather than a fixed verdict.
    var rng2 = SeededGenerator(seed: 3)
    let f = try #require(PairEffect(a, b, paired: false, rope: 0.0005, using: &rng2))
    #expect(f.verdict == Verdict(lower: f.lower, upper: f.upper, rope: 0.0005))
    #expect(f.lower > 0.0005 ? f.verdict == .better : f.verdict == .undecided)
  }
}
