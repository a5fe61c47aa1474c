import LabCore

/// The few lines `hpolab run` and `hpolab replay` print about a finished run.
public enum RunSummary {
  /// The summary of `record`: what ran, evaluations, best score and configuration, simulated hours, utilisation, notes.
  public static func text(of record: RunRecord) -> String {
    let spec = record.spec
    var lines: [String] = []
    lines.append("run:          \(spec.algorithm) on \(spec.evaluator), \(spec.workers) worker\(spec.workers == 1 ? "" : "s") (\(spec.mode.rawValue)), seed \(spec.seed)")
    let failed = record.trials.filter { $0.state == .failed }.count
    let approximated = record.trials.filter { $0.state == .approximated }.count
    var evaluations = "evaluations:  \(record.evaluationCount)"
    if failed > 0 || approximated > 0 { evaluations += " (\(failed) failed, \(approximated) approximated by the model)" }
    lines.append(evaluations)
    if let best = record.bestTrial, let value = best.metrics[spec.metric] {
      lines.append("best \(spec.metric): \(format(value)) (trial \(best.id), \(spec.direction == .maximize ? "maximised" : "minimised"))")
      lines.append("best config:  \(best.configuration.describe(in: spec.space))")
    } else {
      lines.append("best \(spec.metric): none (no trial completed)")
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
