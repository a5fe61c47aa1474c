// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// One summarised best-so-far curve: the median over seeds with its interquartile band at each x.
public struct ConvergenceSeries: Sendable, Hashable {
  /// What the curve is (an algorithm name, e.g. `bo`).
  public var label: String
  /// The panel it belongs to (e.g. `W = 4`); nil for a one-panel figure.
  public var panel: String?
  /// The execution mode when a panel mixes both (synchronous curves are dashed); nil otherwise.
  public var mode: ExecutionMode?
  public var x: [Double]
  public var median: [Double]
  public var q1: [Double]
  public var q3: [Double]

  /// A series; the four arrays must have the same length.
  /// - Throws: `.invalidInput` naming the series when lengths differ.
  public init(
    label: String, panel: String? = nil, mode: ExecutionMode? = nil, x: [Double], median: [Double], q1: [Double], q3: [Double]
  ) throws {
    self.mode = mode
    guard median.count == x.count, q1.count == x.count, q3.count == x.count else {
      throw LabError(
        .invalidInput,
        "convergence series '\(label)' has \(x.count) x values but \(median.count) medians, \(q1.count) first and \(q3.count) third quartiles")
    }
    self.label = label
    self.panel = panel
    self.x = x
    self.median = median
    self.q1 = q1
    self.q3 = q3
  }
}
