import LabCore

/// The few lines `hpolab run` and `hpolab replay` print about a finished run.
public enum RunSummary {
  /// The summary of `record`: what ran, evaluations, best score and configuration, simulated hours, utilisation, notes.
  ///
  /// The best score is the run's result, ``RunRecord/bestTrialWithinHorizon``: with an hours or node-hours
  /// limit, only trials that ended by the horizon count; a better value from a trial that ended later is
  /// shown on its own `after horizon:` line.
  public static func text(of record: RunRecord) -> String {
    let spec = record.spec
    var lines: [String] = []
    lines.append("run:          \(spec.algorithm) on \(spec.evaluator), \(spec.workers) worker\(spec.workers == 1 ? "" : "s") (\(spec.mode.rawValue)), seed \(spec.seed)")
    let failed = record.trials.filter { $0.state == .failed }.count
    let approximated = record.trials.filter { $0.state == .approximated }.count
    let discarded = record.trials.filter { $0.state == .discarded }.count
    var evaluations = "evaluations:  \(record.evaluationCount)"
    var extras: [String] = []
    if failed > 0 || approximated > 0 { extras.append("\(failed) failed, \(approximated) approximated by the model") }
    if discarded > 0 { extras.append("\(discarded) proposal\(discarded == 1 ? "" : "s") discarded: ready after the target was reached") }
    if !extras.isEmpty { evaluations += " (" + extras.joined(separator: "; ") + ")" }
    lines.append(evaluations)
    let horizon = spec.horizonHours
    if let best = record.bestTrialWithinHorizon, let value = best.metrics[spec.metric] {
      let at = horizon.map { "; trials ended by the \(format($0)) h horizon" } ?? ""
      lines.append("best \(spec.metric): \(format(value)) (trial \(best.id), \(spec.direction == .maximize ? "maximised" : "minimised")\(at))")
      lines.append("best config:  \(best.configuration.describe(in: spec.space))")
    } else {
      lines.append("best \(spec.metric): none (no trial completed\(horizon.map { " by the \(format($0)) h horizon" } ?? ""))")
    }
    if let horizon, let late = record.bestTrial, late.end > horizon * 3600, let value = late.metrics[spec.metric],
      record.bestTrialWithinHorizon?.id != late.id
    {
      lines.append("after horizon: \(format(value)) (trial \(late.id), started before it, ended at \(format(late.end / 3600)) h; not counted)")
    }
    lines.append("wall-clock:   \(format(record.makespan / 3600)) simulated hours")
    lines.append("utilisation:  \(((1000 * record.utilization).rounded() / 10))% of \(spec.workers) worker\(spec.workers == 1 ? "" : "s")")
    for note in record.notes { lines.append("note:         \(note)") }
    return lines.joined(separator: "\n")
  }

  /// A number with up to 4 decimals, for people.
  public static func format(_ value: Double) -> String {
    let rounded = (value * 10_000).rounded() / 10_000
    return "\(rounded)"
  }
}
