// Notation
//   x_(1) ≤ … ≤ x_(n)   the sorted sample (0-based x[0 ..< n] in code)
//   Q(p)                quantile of Hyndman and Fan (1996) type 7 (R's default, NumPy's "linear"):
//                       h = (n − 1)·p,  Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋])
//   IQM                 interquartile mean: the mean of the sample after removing ⌊n/4⌋ values at
//                       each end (scipy.stats.trim_mean(x, 0.25); Agarwal et al. 2021, NeurIPS)
//   B                   number of bootstrap resamples

import LabCore

/// Order statistics and robust summaries of one sample.
///
/// Quantiles follow Hyndman and Fan (1996), "Sample quantiles in statistical
/// packages", *The American Statistician* 50(4), definition 7. Non-finite
/// values are the caller's responsibility: the functions here expect finite input.
public enum Descriptive {
  /// The type-7 quantile of `sample` at probability `p` ∈ [0, 1]; NaN for an empty sample.
  /// - Complexity: O(n log n) (sorts a copy).
  public static func quantile(_ sample: [Double], _ p: Double) -> Double {
    quantileSorted(sample.sorted(), p)
  }

  /// ``quantile(_:_:)`` for a sample already sorted ascending.
  /// - Complexity: O(1).
  public static func quantileSorted(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let h = Double(sorted.count - 1) * min(max(p, 0), 1)
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
  }

  /// The median (type-7 quantile at 0.5).
  public static func median(_ sample: [Double]) -> Double { quantile(sample, 0.5) }

  /// The arithmetic mean; NaN when empty.
  public static func mean(_ sample: [Double]) -> Double {
    sample.isEmpty ? .nan : sample.reduce(0, +) / Double(sample.count)
  }

  /// The interquartile mean: the mean of the middle values after trimming ⌊n/4⌋ at each end.
  /// - Complexity: O(n log n).
  public static func interquartileMean(_ sample: [Double]) -> Double {
    interquartileMeanSorted(sample.sorted())
  }

  /// ``interquartileMean(_:)`` of a sorted sample.
  public static func interquartileMeanSorted(_ sorted: [Double]) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let cut = sorted.count / 4
    let middle = sorted[cut..<(sorted.count - cut)]
    return middle.reduce(0, +) / Double(middle.count)
  }

  /// A percentile-bootstrap confidence interval (Efron and Tibshirani 1993, ch. 13) of the IQM.
  ///
  /// Draws `resamples` samples of size n with replacement from `rng`, computes
  /// each one's IQM and returns the type-7 quantiles at (1 − level)/2 and
  /// (1 + level)/2. The same generator state gives the same interval.
  /// - Complexity: O(B · n log n).
  public static func bootstrapIQM(
    _ sample: [Double], level: Double = 0.95, resamples: Int = 2000, using rng: inout SeededGenerator
  ) -> ClosedRange<Double>? {
    guard !sample.isEmpty, resamples > 0 else { return nil }
    var statistics = [Double](repeating: 0, count: resamples)
    var draw = [Double](repeating: 0, count: sample.count)
    for b in 0..<resamples {
      for i in draw.indices { draw[i] = sample[rng.index(below: sample.count)] }
      draw.sort()
      statistics[b] = interquartileMeanSorted(draw)
    }
    statistics.sort()
    let lower = quantileSorted(statistics, (1 - level) / 2)
    let upper = quantileSorted(statistics, (1 + level) / 2)
    return lower...upper
  }
}

/// The usual robust summary of a sample: count, median, quartiles, IQM and its bootstrap interval.
public struct Summary: Sendable, Hashable, Codable {
  public var count: Int
  public var median: Double
  public var q1: Double
  public var q3: Double
  public var min: Double
  public var max: Double
  public var mean: Double
  public var iqm: Double
  /// The 95 % percentile-bootstrap interval of the IQM (nil for an empty sample).
  public var iqmLower: Double?
  public var iqmUpper: Double?

  /// Summarises `sample`; the bootstrap draws from `rng`.
  public init(_ sample: [Double], resamples: Int = 2000, using rng: inout SeededGenerator) {
    let sorted = sample.sorted()
    count = sorted.count
    median = Descriptive.quantileSorted(sorted, 0.5)
    q1 = Descriptive.quantileSorted(sorted, 0.25)
    q3 = Descriptive.quantileSorted(sorted, 0.75)
    min = sorted.first ?? .nan
    max = sorted.last ?? .nan
    mean = Descriptive.mean(sorted)
    iqm = Descriptive.interquartileMeanSorted(sorted)
    let interval = Descriptive.bootstrapIQM(sorted, resamples: resamples, using: &rng)
    iqmLower = interval?.lowerBound
    iqmUpper = interval?.upperBound
  }
}
