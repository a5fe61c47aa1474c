// Notation
//   a (n1), b (n2)   final scores of two algorithms, oriented so that larger is better
//                    (a minimised metric is negated first: see `Direction.objective`)
//   Δ                the median difference: median(a) − median(b) for independent samples,
//                    median(a_i − b_i) for samples paired by seed
//   B                bootstrap resamples;  CI = [Q(0.025), Q(0.975)] of the B resampled Δ (type-7 quantiles)
//   A12              Vargha–Delaney A = (#{a_i > b_j} + ½ #{a_i = b_j}) / (n1 n2) = U1 / (n1 n2)
//   δ                Cliff's delta = (#{a_i > b_j} − #{a_i < b_j}) / (n1 n2) = 2 A12 − 1
//   r                the region of practical equivalence (ROPE) half-width: differences in [−r, r] do not matter

import LabCore

/// What a pairwise comparison concludes about A against B, read from the CI of Δ and the ROPE.
///
/// The decision rule is Kruschke's interval + ROPE rule (Kruschke 2018, "Rejecting or accepting
/// parameter values in Bayesian estimation", *Advances in Methods and Practices in Psychological
/// Science* 1(2)), applied to the percentile-bootstrap interval:
/// - ``practicallyEquivalent``: the whole CI lies inside [−r, r] (checked first);
/// - ``better``: the whole CI lies above +r (A is better by more than the ROPE);
/// - ``worse``: the whole CI lies below −r;
/// - ``undecided``: anything else — the data cannot tell (a CI that excludes 0 but reaches into
///   the ROPE is undecided: "significant" is not "meaningful").
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
  case better
  case worse
  case practicallyEquivalent = "practically equivalent"
  case undecided

  /// The verdict for an interval [lower, upper] of Δ (A − B, larger is better) and ROPE half-width `rope` ≥ 0.
  /// A NaN bound gives ``undecided``.
  public init(lower: Double, upper: Double, rope: Double) {
    let r = max(0, rope)
    if lower.isNaN || upper.isNaN {
      self = .undecided
    } else if lower >= -r && upper <= r {
      self = .practicallyEquivalent
    } else if lower > r {
      self = .better
    } else if upper < -r {
      self = .worse
    } else {
      self = .undecided
    }
  }

  /// The verdict seen from B's side (better ↔ worse).
  public var reversed: Verdict {
    switch self {
    case .better: return .worse
    case .worse: return .better
    case .practicallyEquivalent, .undecided: return self
    }
  }
}

/// Effect sizes and the bootstrap interval of the median difference between two samples.
///
/// Both samples must be oriented so that larger is better. Δ is in the metric's units
/// (e.g. HellaSwag accuracy), which is what a ROPE is stated in; A12 and δ are scale-free.
public enum PracticalSignificance {
  /// Vargha and Delaney's A (Vargha and Delaney 2000, "A critique and improvement of the CL common
  /// language effect size statistics of McGraw and Wong", *J. Educ. Behav. Stat.* 25(2)):
  /// the probability that a random draw of `a` beats one of `b`, ties counting half.
  /// 0.5 = no effect; 0.56 / 0.64 / 0.71 are their small / medium / large thresholds.
  /// - Returns: NaN when a sample is empty.
  /// - Complexity: O(n1 · n2).
  public static func varghaDelaneyA(_ a: [Double], _ b: [Double]) -> Double {
    guard !a.isEmpty, !b.isEmpty else { return .nan }
    var wins = 0.0
    for x in a {
      for y in b { wins += x > y ? 1 : (x == y ? 0.5 : 0) }
    }
    return wins / Double(a.count * b.count)
  }

  /// Cliff's delta (Cliff 1993, "Dominance statistics: ordinal analyses to answer ordinal questions",
  /// *Psychological Bulletin* 114(3)): P(a > b) − P(a < b) = 2·A12 − 1, in [−1, 1].
  public static func cliffsDelta(_ a: [Double], _ b: [Double]) -> Double { 2 * varghaDelaneyA(a, b) - 1 }

  /// Δ: median(a) − median(b), or the median of the paired differences when `paired`.
  /// - Returns: NaN when a sample is empty (or, paired, when the lengths differ).
  public static func medianDifference(_ a: [Double], _ b: [Double], paired: Bool) -> Double {
    guard !a.isEmpty, !b.isEmpty else { return .nan }
    if paired {
      guard a.count == b.count else { return .nan }
      return Descriptive.median(zip(a, b).map { $0 - $1 })
    }
    return Descriptive.median(a) - Descriptive.median(b)
  }

  /// A percentile-bootstrap interval (Efron and Tibshirani 1993, ch. 13) of ``medianDifference(_:_:paired:)``.
  ///
  /// Independent samples (`paired == false`): each resample draws n1 values from `a` and, separately,
  /// n2 from `b`, with replacement (`scipy.stats.bootstrap((a, b), …, paired=False)`). Paired samples:
  /// each resample draws n seed indices and keeps the pairs together, i.e. resamples the differences
  /// (`paired=True`). The interval is the type-7 quantiles at (1 ∓ level)/2 of the B statistics.
  /// The same generator state gives the same interval.
  /// - Returns: nil for an empty sample, a paired call with unequal lengths, or `resamples` < 1.
  /// - Complexity: O(B · n log n).
  public static func bootstrapMedianDifference(
    _ a: [Double], _ b: [Double], paired: Bool, level: Double = 0.95, resamples: Int = 2000,
    using rng: inout SeededGenerator
  ) -> ClosedRange<Double>? {
    guard !a.isEmpty, !b.isEmpty, resamples > 0 else { return nil }
    var statistics = [Double](repeating: 0, count: resamples)
    if paired {
      guard a.count == b.count else { return nil }
      let d = zip(a, b).map { $0 - $1 }
      var draw = [Double](repeating: 0, count: d.count)
      for k in 0..<resamples {
        for i in draw.indices { draw[i] = d[rng.index(below: d.count)] }
        draw.sort()
        statistics[k] = Descriptive.quantileSorted(draw, 0.5)
      }
    } else {
      var drawA = [Double](repeating: 0, count: a.count)
      var drawB = [Double](repeating: 0, count: b.count)
      for k in 0..<resamples {
        for i in drawA.indices { drawA[i] = a[rng.index(below: a.count)] }
        for i in drawB.indices { drawB[i] = b[rng.index(below: b.count)] }
        drawA.sort()
        drawB.sort()
        statistics[k] = Descriptive.quantileSorted(drawA, 0.5) - Descriptive.quantileSorted(drawB, 0.5)
      }
    }
    statistics.sort()
    return Descriptive.quantileSorted(statistics, (1 - level) / 2)...Descriptive.quantileSorted(statistics, (1 + level) / 2)
  }
}

/// One pairwise comparison's practical significance: Δ with its bootstrap CI, A12, Cliff's δ and the verdict.
public struct PairEffect: Sendable, Hashable, Codable {
  /// Δ, A minus B, oriented so that positive means A is better.
  public var difference: Double
  public var lower: Double
  public var upper: Double
  /// Vargha–Delaney A of A over B (oriented: > 0.5 means A tends to be better).
  public var a12: Double
  public var cliffsDelta: Double
  /// The ROPE half-width the verdict used.
  public var rope: Double
  public var verdict: Verdict
  /// Whether Δ and its CI are paired by seed.
  public var paired: Bool

  /// Computes the effect of `a` over `b` (both oriented, larger is better).
  /// - Returns: nil when a sample is empty, or paired samples differ in length.
  public init?(
    _ a: [Double], _ b: [Double], paired: Bool, rope: Double, resamples: Int = 2000, using rng: inout SeededGenerator
  ) {
    guard let ci = PracticalSignificance.bootstrapMedianDifference(a, b, paired: paired, resamples: resamples, using: &rng)
    else { return nil }
    difference = PracticalSignificance.medianDifference(a, b, paired: paired)
    lower = ci.lowerBound
    upper = ci.upperBound
    a12 = PracticalSignificance.varghaDelaneyA(a, b)
    cliffsDelta = 2 * a12 - 1
    self.rope = rope
    verdict = Verdict(lower: lower, upper: upper, rope: rope)
    self.paired = paired
  }
}
