import LabCore
import LabData
import LabStatistics
import Testing

/// |a − b| ≤ tolerance, with the tolerance stated at each call.
func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool { abs(a - b) <= tolerance }

@Suite struct DescriptiveTests {
  @Test func quantilesAreType7LikeNumPy() {
    // numpy.quantile([3,1,4,1,5,9,2,6], [0.1, 0.25, 0.5, 0.9]) = [1, 1.75, 3.5, 6.9]
    let x: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
    #expect(close(Descriptive.quantile(x, 0.1), 1, 1e-12))
    #expect(close(Descriptive.quantile(x, 0.25), 1.75, 1e-12))
    #expect(close(Descriptive.median(x), 3.5, 1e-12))
    #expect(close(Descriptive.quantile(x, 0.9), 6.9, 1e-12))
    #expect(Descriptive.quantile([], 0.5).isNaN)
  }

  @Test func interquartileMeanTrimsAQuarterAtEachEndLikeScipy() {
    // scipy.stats.trim_mean([3,1,4,1,5,9,2,6,5,3,5], 0.25) = 3.857142857142857 (drops 2 at each end)
    #expect(close(Descriptive.interquartileMean([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]), 3.857142857142857, 1e-12))
  }

  @Test func bootstrapIntervalIsReproducibleForASeedAndContainsTheIQM() {
    let sample: [Double] = (0..<30).map { Double(($0 * 37) % 30) / 10 }
    var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
    let ia = Descriptive.bootstrapIQM(sample, using: &a)
    let ib = Descriptive.bootstrapIQM(sample, using: &b)
    let ic = Descriptive.bootstrapIQM(sample, using: &c)
    #expect(ia == ib)
    #expect(ia != ic)
    let iqm = Descriptive.interquartileMean(sample)
    let interval = try! #require(ia)
    #expect(interval.contains(iqm))
    #expect(interval.lowerBound > 0.5 && interval.upperBound < 2.5)
  }

  @Test func summaryDoesNotDependOnTheOrderOfTheSample() {
    var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
    let x: [Double] = [0.3, 0.1, 0.4, 0.1, 0.5, 0.9, 0.2, 0.6]
    #expect(Summary(x, using: &a) == Summary(x.reversed(), using: &b))
  }
}

@Suite struct DistributionTests {
  @Test func tailsMatchScipy() {
    // scipy.stats.chi2.sf(9.28, 3), f.sf(3.69, 3, 39), chi2.sf(0.5, 1), chi2.sf(40, 10)
    #expect(close(Distributions.chiSquareSF(9.28, degrees: 3), 0.025790724198756772, 1e-12))
    #expect(close(Distributions.fSF(3.69, d1: 3, d2: 39), 0.01974409968948888, 1e-12))
    #expect(close(Distributions.chiSquareSF(0.5, degrees: 1), 0.47950012218695337, 1e-12))
    #expect(close(Distributions.chiSquareSF(40, degrees: 10), 1.694474393006737e-05, 1e-15))
    #expect(close(Distributions.normalSF(1.959963984540054), 0.025, 1e-15))
  }
}

@Suite struct RankTestTests {
  @Test func mannWhitneyExactMatchesTheTablesForFiveAndFive() {
    // n1 = n2 = 5: the published two-sided 5 % critical value is U_min = 2 (U_max = 23);
    // P = 2 · 4/252 = 0.031746 (scipy: statistic 23, p 0.031746031746031744).
    let x = [0.61, 0.55, 0.72, 0.69, 0.58], y = [0.48, 0.52, 0.60, 0.45, 0.50]
    let r = try! #require(mannWhitneyU(x, y))
    #expect(r.method == .exact)
    #expect(r.statistic == 23)
    #expect(close(r.p, 8.0 / 252, 1e-15))
    // U_min = 3 is not significant: P(U ≤ 3) = 7/252, two-sided 0.0556.
    let r3 = try! #require(mannWhitneyU([1, 2, 3, 5, 7], [4, 6, 8, 9, 10]))
    #expect(close(r3.p, 14.0 / 252, 1e-15))
  }

  @Test func mannWhitneyExactMatchesScipyForNineAndNine() {
    let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.07, 3.14, 1.28]
    // scipy.stats.mannwhitneyu(x, y, method="exact") → U = 58, p = 0.13591114767585355
    let r = try! #require(mannWhitneyU(x, y))
    #expect(r.method == .exact)
    #expect(r.statistic == 58)
    #expect(close(r.p, 0.13591114767585355, 1e-12))
  }

  @Test func mannWhitneyWithTiesBeyondTheExactLimitUsesTheCorrectedNormalApproximation() {
    // scipy.stats.mannwhitneyu(a, b, method="asymptotic") → U = 9.5, p = 0.020023596346503462
    let r = try! #require(mannWhitneyU([3, 4, 2, 6, 2, 5, 5, 7], [9, 7, 5, 10, 6, 8, 8, 4], exactLimit: 0))
    #expect(r.method == .normal)
    #expect(r.statistic == 9.5)
    #expect(close(r.p, 0.020023596346503462, 1e-12))
  }

  @Test func wilcoxonExactAndNormalMatchScipy() {
    // scipy.stats.wilcoxon: exact (n = 9, no ties) T = 5, p = 0.0390625
    let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    let r = try! #require(wilcoxonSignedRank(x, y))
    #expect(r.method == .exact)
    #expect(r.statistic == 5)
    #expect(close(r.p, 0.0390625, 1e-15))
    // One zero dropped, |d| ties (5, 5), beyond the exact limit → normal approximation: T = 18;
    // scipy.stats.wilcoxon(d1, d2, method="approx") → p = 0.5936305914425295.
    let d1: [Double] = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135]
    let d2: [Double] = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145]
    let t = try! #require(wilcoxonSignedRank(d1, d2, exactLimit: 0))
    #expect(t.method == .normal)
    #expect(t.statistic == 18)
    // mean 9·10/4 = 22.5, variance 9·10·19/24 − (2³ − 2)/48 = 71.25 − 0.125
    #expect(close(try! #require(t.z), (18 - 22.5) / 71.125.squareRoot(), 1e-12))
    #expect(close(t.p, 0.5936305914425295, 1e-12))
  }

  @Test func holmAdjustsAHandExample() {
    // sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1) = 0.06
    let adjusted = holmAdjusted([0.01, 0.04, 0.03, 0.005])
    let expected = [0.03, 0.06, 0.06, 0.02]
    for (a, e) in zip(adjusted, expected) { #expect(close(a, e, 1e-15)) }
    // 0.2·2 = 0.4, then max(0.4, 0.3·1) = 0.4; and adjusted values are capped at 1.
    #expect(holmAdjusted([0.3, 0.2]) == [0.4, 0.4])
    #expect(holmAdjusted([0.9, 0.8]) == [1, 1])
  }

  @Test func friedmanReproducesDemsarsWorkedExample() {
    // Demšar (2006), section 3.2.2: average ranks 3.143, 2.000, 2.893, 1.964 over N = 14 data sets
    // give χ²_F = 9.28, F_F = 3.69 and, at α = 0.05 with k = 4, CD = 1.25.
    let f = FriedmanResult(averageRanks: [3.143, 2.000, 2.893, 1.964], blocks: 14)
    #expect(close(f.chiSquare, 9.28, 0.005))
    #expect(close(f.imanDavenport, 3.69, 0.005))
    #expect(close(try! #require(f.criticalDifference), 1.25, 0.005))
  }

  @Test func friedmanWithTiesMatchesScipy() {
    // scipy.stats.friedmanchisquare over these 14 × 4 AUCs: 10.952380952380956, p 0.011986176325417788;
    // average ranks (1 = highest) 3.142857, 2, 2.928571, 1.928571.
    let scores: [[Double]] = [
      [0.763, 0.768, 0.771, 0.798], [0.599, 0.591, 0.590, 0.569], [0.954, 0.971, 0.968, 0.967],
      [0.628, 0.661, 0.654, 0.657], [0.882, 0.888, 0.886, 0.898], [0.936, 0.931, 0.916, 0.931],
      [0.661, 0.668, 0.609, 0.685], [0.583, 0.583, 0.563, 0.625], [0.775, 0.838, 0.866, 0.875],
      [1.000, 1.000, 1.000, 1.000], [0.940, 0.962, 0.965, 0.962], [0.619, 0.666, 0.614, 0.669],
      [0.972, 0.981, 0.975, 0.975], [0.957, 0.978, 0.946, 0.970],
    ]
    let f = try! #require(FriedmanResult(scores: scores, higherIsBetter: true))
    #expect(close(f.chiSquare, 10.952380952380956, 1e-10))
    #expect(close(f.pChiSquare, 0.011986176325417788, 1e-12))
    let ranks = [3.142857142857143, 2, 2.928571428571429, 1.9285714285714286]
    for (a, e) in zip(f.averageRanks, ranks) { #expect(close(a, e, 1e-12)) }
  }
}

@Suite struct CurveTests {
  func run(_ values: [Double], durations: [Double], direction: Direction = .maximize) -> RunRecord {
    let space = SearchSpace.llama32_1B
    var t = 0.0
    var trials: [TrialRecord] = []
    for (i, (v, d)) in zip(values, durations).enumerated() {
      let p = space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
      trials.append(TrialRecord(
        id: i, point: p, configuration: space.configuration(for: p), state: v.isNaN ? .failed : .completed,
        metrics: v.isNaN ? Metrics() : Metrics(["value": v]), durations: Durations(training: d, evaluation: 0), worker: 0,
        start: t, end: t + d, source: .function(name: "f")))
      t += d
    }
    let spec = RunSpec(algorithm: "random", evaluator: "function:f", space: space, metric: "value", direction: direction)
    return RunRecord(spec: spec, trials: trials, makespan: t)
  }

  @Test func bestSoFarStepsAndGridSummaries() {
    let a = BestSoFar.evaluations(run([.nan, 0.2, 0.1, 0.5], durations: [3600, 3600, 3600, 3600]))
    #expect(a.value(at: 1).isNaN)
    #expect(a.value(at: 2) == 0.2)
    #expect(a.value(at: 3) == 0.2)
    #expect(a.value(at: 9) == 0.5)
    let h = BestSoFar.hours(run([0.1, 0.3], durations: [1800, 1800]))
    #expect(h.value(at: 0.4).isNaN)
    #expect(h.value(at: 0.5) == 0.1)
    #expect(h.value(at: 1.0) == 0.3)
    let s = CurveSummary(curves: [a, h], grid: [1, 2])
    #expect(s.count == [1, 2])
    #expect(s.median[1] == (0.2 + 0.3) / 2)
  }

  @Test func timeToTargetIsCensoredAndKaplanMeierHandlesIt() {
    // Minimised metric, target 0.1.
    let reached = TimeToTarget(run([0.5, 0.05], durations: [3600, 7200], direction: .minimize), target: 0.1)
    #expect(reached == TimeToTarget(hours: 3, reached: true))
    let never = TimeToTarget(run([0.5, 0.4], durations: [3600, 3600], direction: .minimize), target: 0.1)
    #expect(never == TimeToTarget(hours: 2, reached: false))
    // Times 1, 2+, 3, 4, 5+ : S = 4/5 after 1; at 3 risk 3 → 8/15; at 4 risk 2 → 4/15. Median 4.
    let km = KaplanMeier([
      .init(hours: 1, reached: true), .init(hours: 2, reached: false), .init(hours: 3, reached: true),
      .init(hours: 4, reached: true), .init(hours: 5, reached: false),
    ])
    #expect(km.times == [1, 3, 4])
    #expect(close(km.survival[1], 8.0 / 15, 1e-15))
    #expect(km.median == 4)
    #expect(KaplanMeier([.init(hours: 1, reached: true), .init(hours: 2, reached: false), .init(hours: 3, reached: false)]).median == nil)
  }

  @Test func speedUpIsRelativeToOneWorker() {
    let table = SpeedUp.table([1: 8.0, 2: 4.0, 4: 4.0, 8: nil])
    #expect(table.map(\.workers) == [1, 2, 4, 8])
    #expect(table[1].speedUp == 2 && table[1].efficiency == 1)
    #expect(table[2].efficiency == 0.5)
    #expect(table[3].speedUp == nil)
  }
}
