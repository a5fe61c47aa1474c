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

extension ScalingData {
  /// Kaplan–Meier time-to-target and speed-up over one worker for every (algorithm, mode, W) group of `runs`.
  ///
  /// The speed-up divides the median time at W = 1 by the median at W; W = 1 of
  /// the other mode is used when a mode has no one-worker runs (with one worker
  /// both modes are the same schedule).
  /// - Throws: `.invalidInput` when `runs` is empty.
  public static func summarizing(_ runs: [RunRecord], target: Double, subtitle: String = "") throws -> ScalingData {
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
