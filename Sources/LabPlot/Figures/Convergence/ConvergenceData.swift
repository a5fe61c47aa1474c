// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// Best-so-far curves of several algorithms, possibly in one panel per worker count.
public struct ConvergenceData: Sendable, Hashable {
  /// The metric whose best-so-far value is drawn (e.g. `hellaswag.acc`).
  public var metric: String
  public var axis: ConvergenceAxis
  public var series: [ConvergenceSeries]
  /// Individual runs drawn as points (the recorded real runs).
  public var recorded: [PointSeries]
  /// What the figure compares, e.g. `study paper, 10 seeds, W = 1`.
  public var subtitle: String
  /// Whether the metric is maximised (curves rise) or minimised (curves fall); places the key where curves are not.
  public var direction: Direction

  public init(
    metric: String, axis: ConvergenceAxis, series: [ConvergenceSeries], recorded: [PointSeries] = [], subtitle: String = "",
    direction: Direction = .maximize
  ) {
    self.direction = direction
    self.metric = metric
    self.axis = axis
    self.series = series
    self.recorded = recorded
    self.subtitle = subtitle
  }

  /// The panels in order of first appearance (one nil panel when no series names one).
  public var panels: [String?] {
    var out: [String?] = []
    for p in series.map(\.panel) + recorded.map(\.panel) where !out.contains(p) { out.append(p) }
    return out.isEmpty ? [nil] : out
  }
}
