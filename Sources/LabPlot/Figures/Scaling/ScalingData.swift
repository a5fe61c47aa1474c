// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// How time-to-target and speed-up change with the number of workers.
public struct ScalingData: Sendable, Hashable {
  public var metric: String
  public var target: Double
  /// Whether the target is reached from below (maximised metric) or from above.
  public var direction: Direction
  public var series: [ScalingSeries]
  public var subtitle: String
  public init(metric: String, target: Double, series: [ScalingSeries], subtitle: String = "", direction: Direction = .maximize) {
    self.direction = direction
    self.metric = metric
    self.target = target
    self.series = series
    self.subtitle = subtitle
  }
}
