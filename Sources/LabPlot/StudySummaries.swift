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

/// A worker count and execution mode: the panels of study figures.
struct Setting: Hashable, Comparable {
  var workers: Int
  var mode: ExecutionMode
  static func < (a: Setting, b: Setting) -> Bool { (a.workers, a.mode.rawValue) < (b.workers, b.mode.rawValue) }
  func title(withMode: Bool) -> String { withMode ? "W = \(workers), \(mode.rawValue)" : "W = \(workers)" }
}
