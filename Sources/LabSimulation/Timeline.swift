// Notation
//   W            spec.workers
//   makespan     the end of the last trial (simulated seconds)
//   busy_w       Σ (end − start) over the completed and failed trials of worker w
//   utilisation  Σ_w busy_w / (W · makespan), in [0, 1] (0 for an empty run)
//   best(t)      the best metric among completed trials with end ≤ t, in the metric's direction

import LabCore

/// One row of a run's timeline: which trial ran where, when, and how it ended.
public struct TimelineEntry: Sendable, Hashable, Codable {
  public var trial: TrialID
  /// The worker (-1 for an approximated trial, which uses none).
  public var worker: Int
  public var start: Double
  public var end: Double
  public var state: TrialState

  public init(trial: TrialID, worker: Int, start: Double, end: Double, state: TrialState) {
    self.trial = trial
    self.worker = worker
    self.start = start
    self.end = end
    self.state = state
  }
}

/// Timeline helpers over a finished run: who ran what when, best-so-far against evaluations and hours, utilisation.
extension RunRecord {
  /// Every trial as (trial, worker, start, end, state), in trial id order.
  public var timeline: [TimelineEntry] {
    trials.map { TimelineEntry(trial: $0.id, worker: $0.worker, start: $0.start, end: $0.end, state: $0.state) }
  }

  /// The trials that occupied a worker (completed or failed).
  public var evaluated: [TrialRecord] { trials.filter { $0.state == .completed || $0.state == .failed } }

  /// Seconds each worker spent running trials, indexed by worker id (`spec.workers` entries).
  public var busySeconds: [Double] {
    var busy = [Double](repeating: 0, count: max(spec.workers, 0))
    for t in trials where (t.state == .completed || t.state == .failed) && busy.indices.contains(t.worker) {
      busy[t.worker] += t.end - t.start
    }
    return busy
  }

  /// The fraction of worker time spent running trials between time 0 and the makespan (0 for an empty run).
  public var utilization: Double {
    guard makespan > 0, spec.workers > 0 else { return 0 }
    return busySeconds.reduce(0, +) / (Double(spec.workers) * makespan)
  }

  /// The best value of the spec's metric after 1, 2, … evaluations, in order of completion (NaN before the first success).
  public func bestSoFarByEvaluations() -> [Double] { bestSoFar().map(\.best) }

  /// The best-so-far as a step function of simulated hours: one step per evaluation that ends, `(hours, best)`.
  public func bestSoFarByHours() -> [(hours: Double, best: Double)] {
    bestSoFar().map { (hours: $0.time / 3600, best: $0.best) }
  }

  /// The best value of the spec's metric among the trials completed by `hours` simulated hours, or nil if none.
  public func best(atHours hours: Double) -> Double? {
    let limit = hours * 3600
    var best: Double? = nil
    for t in trials where t.state == .completed && t.end <= limit {
      guard let v = t.metrics[spec.metric] else { continue }
      if let b = best, !spec.direction.isBetter(v, than: b) { continue }
      best = v
    }
    return best
  }

  /// The number of real evaluations (completed or failed trials).
  public var evaluationCount: Int { trials.reduce(0) { $0 + (($1.state == .completed || $1.state == .failed) ? 1 : 0) } }
}
