// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// Time-to-target and speed-up of one algorithm under one execution mode, for each worker count.
public struct ScalingSeries: Sendable, Hashable {
  public var algorithm: String
  public var mode: ExecutionMode
  public var workers: [Int]
  /// Median hours to reach the target (NaN: never reached by half of the seeds), with quartiles.
  public var hoursMedian: [Double]
  public var hoursQ1: [Double]
  public var hoursQ3: [Double]
  /// Speed-up over one worker: median hours at W = 1 divided by median hours at W.
  public var speedUp: [Double]

  /// - Throws: `.invalidInput` when the arrays differ in length or a worker count is below 1.
  public init(
    algorithm: String, mode: ExecutionMode, workers: [Int], hoursMedian: [Double], hoursQ1: [Double], hoursQ3: [Double],
    speedUp: [Double]
  ) throws {
    let n = workers.count
    guard hoursMedian.count == n, hoursQ1.count == n, hoursQ3.count == n, speedUp.count == n else {
      throw LabError(.invalidInput, "scaling series '\(algorithm) \(mode.rawValue)' has arrays of different lengths")
    }
    guard workers.allSatisfy({ $0 >= 1 }) else {
      throw LabError(.invalidInput, "scaling series '\(algorithm) \(mode.rawValue)' has a worker count below 1: \(workers)")
    }
    self.algorithm = algorithm
    self.mode = mode
    self.workers = workers
    self.hoursMedian = hoursMedian
    self.hoursQ1 = hoursQ1
    self.hoursQ3 = hoursQ3
    self.speedUp = speedUp
  }

  /// `algorithm · mode`, the series' legend.
  public var label: String { "\(algorithm) · \(mode.rawValue)" }
}
