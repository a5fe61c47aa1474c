// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// Surrogate predictions against recorded values, with prediction intervals.
public struct ParityData: Sendable, Hashable {
  /// One recorded trial and what the model predicted for it.
  public struct Point: Sendable, Hashable {
    public var recorded: Double
    public var predicted: Double
    public var lower: Double
    public var upper: Double
    /// The group it is drawn in (e.g. the recorded run).
    public var group: String
    public init(recorded: Double, predicted: Double, lower: Double, upper: Double, group: String) {
      self.recorded = recorded
      self.predicted = predicted
      self.lower = lower
      self.upper = upper
      self.group = group
    }
  }
  public var metric: String
  public var points: [Point]
  public var subtitle: String
  public init(metric: String, points: [Point], subtitle: String = "") {
    self.metric = metric
    self.points = points
    self.subtitle = subtitle
  }

  /// Fraction of points whose recorded value lies inside its interval.
  public var coverage: Double {
    guard !points.isEmpty else { return .nan }
    return Double(points.filter { $0.lower <= $0.recorded && $0.recorded <= $0.upper }.count) / Double(points.count)
  }
}
