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
  public static func summarizing(
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
