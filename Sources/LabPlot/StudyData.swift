// Figure data computed from groups of runs with LabStatistics.
//
// Notation
//   group     runs sharing (algorithm, workers W, mode); one curve or one scaling point
//   panel     `W = n`, one per worker count; when a study mixes modes both share the panel, sync dashed
//   grid      evaluations 1…E (convergence) or 200 evenly spaced hours in [0, T_panel]
//   worst     a run with no finished trial at g counts as −∞ (maximised metric) in the quantiles
//   TTT       time-to-target in hours; its median and quartiles are Kaplan–Meier
//             estimates, so runs that never reach the target count as censored

import LabCore
import LabStatistics

extension ConvergenceData {
  /// Median and interquartile band of best-so-far curves, one series per algorithm (and mode), one panel per worker count.
  ///
  /// Algorithms keep the order of their first run; panels are sorted by worker count.
  /// - Parameters:
  ///   - runs: the study's runs (any mix of algorithms, worker counts and modes).
  ///   - axis: evaluations (grid 1…E) or simulated hours (`gridPoints` points up to the panel's longest run).
  ///   - recorded: individual runs drawn as points (e.g. the recorded real runs), labelled by algorithm, in the
  ///     one-worker panels (in every panel when there is none).
  /// - Throws: `.invalidInput` when `runs` is empty or the runs optimise different metrics.
  public static func summarising(
    _ runs: [RunRecord], axis: ConvergenceAxis, recorded: [RunRecord] = [], subtitle: String = "", gridPoints: Int = 200
  ) throws -> ConvergenceData {
    guard let first = runs.first else { throw LabError(.invalidInput, "no run to summarise into convergence curves") }
    let metric = first.spec.metric
    if let other = runs.first(where: { $0.spec.metric != metric }) {
      throw LabError(.invalidInput, "runs optimise different metrics: '\(metric)' and '\(other.spec.metric)'")
    }
    let settings = Set(runs.map { Setting(workers: $0.spec.workers, mode: $0.spec.mode) }).sorted()
    let mixedModes = Set(settings.map(\.mode)).count > 1
    let workerCounts = Figures.uniqueLabels(settings.map { String($0.workers) })
    let onePanel = workerCounts.count == 1 && axis == .evaluations && !mixedModes
    let algorithms = Figures.uniqueLabels(runs.map(\.spec.algorithm))
    var series: [ConvergenceSeries] = []
    var points: [PointSeries] = []
    for setting in settings {
      let inSetting = runs.filter { Setting(workers: $0.spec.workers, mode: $0.spec.mode) == setting }
      // One panel per worker count; both modes share it (synchronous dashed) and the label names the mode.
      let panel: String? = onePanel ? nil : "W = \(setting.workers)"
      let curve: @Sendable (RunRecord) -> BestSoFar = { run in
        axis == .evaluations ? BestSoFar.evaluations(run) : BestSoFar.hours(run)
      }
      let grid: [Double]
      switch axis {
      case .evaluations:
        grid = CurveSummary.evaluationGrid(upTo: inSetting.map { $0.bestSoFar().count }.max() ?? 0)
      case .hours:
        let longest = runs.filter { $0.spec.workers == setting.workers }.map { $0.makespan / 3600 }.max() ?? 0
        grid = CurveSummary.uniformGrid(upTo: longest, points: gridPoints)
      }
      for algorithm in algorithms {
        let group = inSetting.filter { $0.spec.algorithm == algorithm }
        guard !group.isEmpty else { continue }
        let (median, q1, q3) = quartiles(group.map(curve), grid: grid, worst: first.spec.direction == .maximize ? -.infinity : .infinity)
        series.append(
          try ConvergenceSeries(
            label: mixedModes ? "\(algorithm) · \(setting.mode.rawValue)" : algorithm, panel: panel,
            mode: mixedModes ? setting.mode : nil, x: grid, median: median, q1: q1, q3: q3))
      }
      // Recorded runs were sequential: drawn beside the one-worker curves (everywhere when there are none).
      let firstOfPanel = settings.first { $0.workers == setting.workers } == setting
      for run in recorded where firstOfPanel && (setting.workers == 1 || !settings.contains(where: { $0.workers == 1 })) {
        let c = curve(run)
        points.append(try PointSeries(label: run.spec.algorithm, panel: panel, x: c.x, y: c.best))
      }
    }
    let seeds = Set(runs.map(\.spec.seed)).count
    let modes = mixedModes ? "synchronous dashed, asynchronous solid" : ""
    let text = [subtitle, "\(runs.count) runs, \(seeds) seed\(seeds == 1 ? "" : "s")", onePanel ? settings[0].title(withMode: true) : "", modes]
      .filter { !$0.isEmpty }.joined(separator: "; ")
    return ConvergenceData(metric: metric, axis: axis, series: series, recorded: points, subtitle: text, direction: first.spec.direction)
  }
}

/// Median and quartiles of best-so-far curves at each grid point, a run without a value yet counting as the worst.
///
/// A run that has not finished a trial at `g` ranks below every run that has
/// (rather than being left out, which would let the median fall when a slow
/// run's first result arrives): the quantiles are then non-decreasing in g, and
/// NaN while the quantile falls among the runs without a value.
func quartiles(_ curves: [BestSoFar], grid: [Double], worst: Double) -> ([Double], [Double], [Double]) {
  var median: [Double] = [], q1: [Double] = [], q3: [Double] = []
  for g in grid {
    let values = curves.map { c -> Double in
      let v = c.value(at: g)
      return v.isNaN ? worst : v
    }.sorted()
    func finite(_ p: Double) -> Double {
      let q = Descriptive.quantileSorted(values, p)
      return q.isFinite ? q : .nan
    }
    median.append(finite(0.5))
    q1.append(finite(0.25))
    q3.append(finite(0.75))
  }
  return (median, q1, q3)
}

extension ScalingData {
  /// Kaplan–Meier time-to-target and speed-up over one worker for every (algorithm, mode, W) group of `runs`.
  ///
  /// The speed-up divides the median time at W = 1 by the median at W; W = 1 of
  /// the other mode is used when a mode has no one-worker runs (with one worker
  /// both modes are the same schedule).
  /// - Throws: `.invalidInput` when `runs` is empty.
  public static func summarising(_ runs: [RunRecord], target: Double, subtitle: String = "") throws -> ScalingData {
    guard let first = runs.first else { throw LabError(.invalidInput, "no run to summarise into a scaling figure") }
    let algorithms = Figures.uniqueLabels(runs.map(\.spec.algorithm))
    func medianHours(_ algorithm: String, _ mode: ExecutionMode?, _ w: Int) -> Double? {
      let group = runs.filter { $0.spec.algorithm == algorithm && $0.spec.workers == w && (mode == nil || $0.spec.mode == mode) }
      guard !group.isEmpty else { return nil }
      return KaplanMeier(group.map { TimeToTarget($0, target: target) }).median
    }
    var series: [ScalingSeries] = []
    for algorithm in algorithms {
      for mode in ExecutionMode.allCases {
        let group = runs.filter { $0.spec.algorithm == algorithm && $0.spec.mode == mode }
        let workers = Set(group.map(\.spec.workers)).sorted()
        guard !workers.isEmpty else { continue }
        let base = medianHours(algorithm, mode, 1) ?? medianHours(algorithm, nil, 1)
        var med: [Double] = [], q1: [Double] = [], q3: [Double] = [], speed: [Double] = []
        for w in workers {
          let km = KaplanMeier(group.filter { $0.spec.workers == w }.map { TimeToTarget($0, target: target) })
          med.append(km.median ?? .nan)
          q1.append(km.quantile(0.25) ?? .nan)
          q3.append(km.quantile(0.75) ?? .nan)
          if let base, let m = km.median, m > 0 { speed.append(base / m) } else { speed.append(.nan) }
        }
        series.append(
          try ScalingSeries(algorithm: algorithm, mode: mode, workers: workers, hoursMedian: med, hoursQ1: q1, hoursQ3: q3, speedUp: speed))
      }
    }
    let seeds = Set(runs.map(\.spec.seed)).count
    let text = [subtitle, "\(seeds) seed\(seeds == 1 ? "" : "s") per setting; median and quartiles are Kaplan–Meier estimates"]
      .filter { !$0.isEmpty }.joined(separator: "; ")
    return ScalingData(metric: first.spec.metric, target: target, series: series, subtitle: text, direction: first.spec.direction)
  }
}

extension RanksData {
  /// The average ranks and Nemenyi critical difference of a Friedman test whose treatments are `algorithms`.
  /// - Throws: `.invalidInput` when the counts differ or the test has no critical difference (more than 10 algorithms).
  public init(friedman: FriedmanResult, algorithms: [String], subtitle: String = "") throws {
    guard let cd = friedman.criticalDifference else {
      throw LabError(.invalidInput, "no Nemenyi critical difference for \(friedman.treatments) algorithms (tabulated for 2 to 10)")
    }
    let p = DataFormat.fixed(friedman.pImanDavenport, decimals: 4)
    let text = [subtitle, "Iman–Davenport p = \(p)"].filter { !$0.isEmpty }.joined(separator: "; ")
    try self.init(algorithms: algorithms, ranks: friedman.averageRanks, criticalDifference: cd, alpha: 0.05, problems: friedman.blocks, subtitle: text)
  }
}

/// A worker count and execution mode: the panels of study figures.
struct Setting: Hashable, Comparable {
  var workers: Int
  var mode: ExecutionMode
  static func < (a: Setting, b: Setting) -> Bool { (a.workers, a.mode.rawValue) < (b.workers, b.mode.rawValue) }
  func title(withMode: Bool) -> String { withMode ? "W = \(workers), \(mode.rawValue)" : "W = \(workers)" }
}
