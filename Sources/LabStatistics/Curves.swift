// Notation
//   run r          one RunRecord; its evaluated trials (completed or failed) in order of end time
//   b_r(e)         best-so-far of the metric after e evaluations (direction-aware); NaN before the first success
//   b_r(t)         best-so-far among trials that ended by simulated time t (hours)
//   grid g_1..g_G  common abscissae: evaluations 1…E, or G evenly spaced hours in [0, T]
//   curve summary  at each g: median, Q1, Q3 (type-7 quantiles) and IQM over the runs that have a value

import LabCore

/// A step function of best-so-far values: `best[i]` holds from `x[i]` on.
public struct BestSoFar: Sendable, Hashable, Codable {
  /// Abscissae (evaluation counts or simulated hours), non-decreasing.
  public var x: [Double]
  public var best: [Double]

  public init(x: [Double], best: [Double]) {
    self.x = x
    self.best = best
  }

  /// Best-so-far against evaluations (1, 2, …) of `record`'s metric.
  public static func evaluations(_ record: RunRecord) -> BestSoFar {
    let steps = record.bestSoFar()
    return BestSoFar(x: steps.map { Double($0.evaluations) }, best: steps.map(\.best))
  }

  /// Best-so-far against simulated hours (end time of each evaluated trial / 3600).
  public static func hours(_ record: RunRecord) -> BestSoFar {
    let steps = record.bestSoFar()
    return BestSoFar(x: steps.map { $0.time / 3600 }, best: steps.map(\.best))
  }

  /// The value in force at `x0` (the last step with x ≤ x0); NaN before the first step.
  /// - Complexity: O(log n).
  public func value(at x0: Double) -> Double {
    var lo = 0, hi = x.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if x[mid] <= x0 { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? .nan : best[lo - 1]
  }

  /// The final best value (NaN when nothing succeeded).
  public var final: Double { best.last ?? .nan }
}

/// Quantile bands of several best-so-far curves on a common grid.
public struct CurveSummary: Sendable, Hashable, Codable {
  public var grid: [Double]
  public var median: [Double]
  public var q1: [Double]
  public var q3: [Double]
  public var iqm: [Double]
  /// How many runs had a value at each grid point.
  public var count: [Int]

  /// Summarises `curves` at every grid point, over the runs that have a (non-NaN) value there.
  /// - Complexity: O(G · R log R).
  public init(curves: [BestSoFar], grid: [Double]) {
    self.grid = grid
    median = []; q1 = []; q3 = []; iqm = []; count = []
    for g in grid {
      let values = curves.map { $0.value(at: g) }.filter { !$0.isNaN }.sorted()
      median.append(Descriptive.quantileSorted(values, 0.5))
      q1.append(Descriptive.quantileSorted(values, 0.25))
      q3.append(Descriptive.quantileSorted(values, 0.75))
      iqm.append(Descriptive.interquartileMeanSorted(values))
      count.append(values.count)
    }
  }

  /// The evaluation grid 1, 2, …, `maximum`.
  public static func evaluationGrid(upTo maximum: Int) -> [Double] {
    maximum < 1 ? [] : (1...maximum).map(Double.init)
  }

  /// `points` evenly spaced abscissae from 0 to `upper` inclusive.
  public static func uniformGrid(upTo upper: Double, points: Int) -> [Double] {
    guard points > 1, upper > 0 else { return [upper] }
    return (0..<points).map { upper * Double($0) / Double(points - 1) }
  }
}

/// The simulated hours a run needs to reach `target`, or its censoring time when it never does.
public struct TimeToTarget: Sendable, Hashable, Codable {
  /// Hours at which the target was reached, or the run's end (censored).
  public var hours: Double
  /// Whether the target was reached (false: right-censored at `hours`).
  public var reached: Bool

  public init(hours: Double, reached: Bool) {
    self.hours = hours
    self.reached = reached
  }

  /// The first end time at which `record`'s best-so-far reaches `target` (≥ for maximised metrics, ≤ otherwise).
  public init(_ record: RunRecord, target: Double) {
    for step in record.bestSoFar() where !step.best.isNaN {
      let ok = record.spec.direction == .maximize ? step.best >= target : step.best <= target
      if ok {
        self.init(hours: step.time / 3600, reached: true)
        return
      }
    }
    self.init(hours: record.makespan / 3600, reached: false)
  }
}

/// The Kaplan–Meier estimate of the survival curve of time-to-target (Kaplan and Meier 1958, *JASA* 53).
///
/// S(t) = Π_{t_i ≤ t} (1 − d_i / n_i), with d_i runs reaching the target at t_i
/// and n_i runs still "at risk" (neither reached nor censored before t_i).
/// Censored runs (never reached) leave the risk set after their end, so a run
/// that stopped early does not count as a failure to reach it.
public struct KaplanMeier: Sendable, Hashable, Codable {
  /// Distinct event times and the survival just after each.
  public var times: [Double]
  public var survival: [Double]
  public var reachedCount: Int
  public var total: Int

  public init(_ observations: [TimeToTarget]) {
    total = observations.count
    reachedCount = observations.filter(\.reached).count
    let sorted = observations.sorted { ($0.hours, $0.reached ? 0 : 1) < ($1.hours, $1.reached ? 0 : 1) }
    var atRisk = sorted.count
    var s = 1.0
    times = []
    survival = []
    var i = 0
    while i < sorted.count {
      let t = sorted[i].hours
      var events = 0, leaving = 0
      while i < sorted.count && sorted[i].hours == t {
        if sorted[i].reached { events += 1 }
        leaving += 1
        i += 1
      }
      if events > 0 {
        s *= 1 - Double(events) / Double(atRisk)
        times.append(t)
        survival.append(s)
      }
      atRisk -= leaving
    }
  }

  /// The median time-to-target: the first event time where S(t) ≤ 0.5; nil when fewer than half are known to reach it.
  public var median: Double? { quantile(0.5) }

  /// The first event time where S(t) ≤ 1 − p.
  public func quantile(_ p: Double) -> Double? {
    for (t, s) in zip(times, survival) where s <= 1 - p + 1e-12 { return t }
    return nil
  }
}

/// Parallel speed-up and efficiency relative to one worker.
public struct SpeedUp: Sendable, Hashable, Codable {
  public var workers: Int
  /// The time measure at this worker count (e.g. median time-to-target, hours).
  public var time: Double?
  /// T(1) / T(W).
  public var speedUp: Double?
  /// Speed-up / W.
  public var efficiency: Double?

  /// Speed-ups for every worker count in `times`, relative to `times[1]`.
  public static func table(_ times: [Int: Double?]) -> [SpeedUp] {
    let base = times[1] ?? nil
    return times.keys.sorted().map { w in
      let t = times[w] ?? nil
      var s: Double? = nil
      if let base, let t, t > 0 { s = base / t }
      return SpeedUp(workers: w, time: t, speedUp: s, efficiency: s.map { $0 / Double(w) })
    }
  }
}
