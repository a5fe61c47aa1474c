// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// One trial as a bar on its worker's row.
public struct TimelineBar: Sendable, Hashable {
  public var trial: TrialID
  public var worker: Int
  /// Seconds since the run started.
  public var start: Double
  public var end: Double
  /// The optimised metric, nil for a failed trial.
  public var score: Double?
  public var state: TrialState
  public init(trial: TrialID, worker: Int, start: Double, end: Double, score: Double?, state: TrialState) {
    self.trial = trial
    self.worker = worker
    self.start = start
    self.end = end
    self.score = score
    self.state = state
  }
}
