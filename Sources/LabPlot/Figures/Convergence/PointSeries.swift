// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// Points drawn on top of summarised curves, e.g. the recorded real run of an algorithm.
public struct PointSeries: Sendable, Hashable {
  public var label: String
  public var panel: String?
  public var x: [Double]
  public var y: [Double]

  /// - Throws: `.invalidInput` when `x` and `y` differ in length.
  public init(label: String, panel: String? = nil, x: [Double], y: [Double]) throws {
    guard x.count == y.count else {
      throw LabError(.invalidInput, "point series '\(label)' has \(x.count) x values but \(y.count) y values")
    }
    self.label = label
    self.panel = panel
    self.x = x
    self.y = y
  }
}
