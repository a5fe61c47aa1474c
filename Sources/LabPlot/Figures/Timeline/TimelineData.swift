// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// A Gantt chart of one run: which worker ran which trial when.
public struct TimelineData: Sendable, Hashable {
  public var metric: String
  public var workers: Int
  public var bars: [TimelineBar]
  public var subtitle: String
  /// The metric's direction: the palette's bright end is the better score.
  public var direction: Direction

  public init(metric: String, workers: Int, bars: [TimelineBar], subtitle: String = "", direction: Direction = .maximize) {
    self.direction = direction
    self.metric = metric
    self.workers = workers
    self.bars = bars
    self.subtitle = subtitle
  }

  /// The bars of a run's trials that occupied a worker (approximated trials use none and are left out).
  public init(run: RunRecord) {
    let bars = run.trials.filter { $0.worker >= 0 && ($0.state == .completed || $0.state == .failed || $0.state == .interrupted) }
      .map { t in
        TimelineBar(
          trial: t.id, worker: t.worker, start: t.start, end: t.end,
          score: t.state == .completed ? t.metrics[run.spec.metric] : nil, state: t.state)
      }
    let workers = max(run.spec.workers, (bars.map(\.worker).max() ?? -1) + 1)
    self.init(metric: run.spec.metric, workers: workers, bars: bars, subtitle: RunLabel.describe(run.spec), direction: run.spec.direction)
  }

  /// Fraction of the worker-time between 0 and the last end that no trial used, in [0, 1].
  public var idleFraction: Double {
    let makespan = bars.map(\.end).max() ?? 0
    guard makespan > 0, workers > 0 else { return 0 }
    let busy = bars.reduce(0) { $0 + max(0, $1.end - $1.start) }
    return max(0, 1 - busy / (makespan * Double(workers)))
  }
}
