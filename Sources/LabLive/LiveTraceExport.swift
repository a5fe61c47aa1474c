// Live trials written as recorded traces (the JSON-lines format of traces/README.md).
//
// One line per trial, keys in the recorded order:
//   timing    opening_time, end_training_time, ending_time   ("YYYY-MM-DD HH:MM:SS", local time)
//   solution  base_value (5 numbers), converted_values (integers printed without a fraction)
//   score     {task: {"metric,none": value}} for every task.metric of the trial, or {"UCB", "LCB"}
//   info      the proposer's info (numbers as numbers), plus score_state for partition-based runs

import LabCore

/// Writes the trials of a live run as lines of the recorded traces' format, so a live run can be imported, replayed and refitted.
///
/// Only trials that produced a score are traces: completed trials
/// (`score_state` evaluated) and approximated ones (`UCB`/`LCB`). Failed and
/// interrupted trials have no score in the recorded format and are left out;
/// the count left out is returned so that callers can say so.
public enum LiveTraceExport {
  /// The JSON lines (without newlines) of `record`'s scored trials, in trial-id order, and how many trials were left out.
  public static func lines(for record: RunRecord) -> (lines: [String], skipped: Int) {
    var lines: [String] = []
    var skipped = 0
    let tracksState = record.trials.contains { $0.state == .approximated } || ["soo", "bamsoo"].contains(record.spec.algorithm)
    for trial in record.trials.sorted(by: { $0.id < $1.id }) {
      guard let line = line(for: trial, space: record.spec.space, scoreState: tracksState) else {
        skipped += 1
        continue
      }
      lines.append(line)
    }
    return (lines, skipped)
  }

  /// The line of one trial, or nil when it has no score (failed, interrupted, running).
  public static func line(for trial: TrialRecord, space: SearchSpace, scoreState: Bool) -> String? {
    let score: JSONValue
    switch trial.state {
    case .completed:
      var tasks: [(key: String, value: JSONValue)] = []
      for (name, value) in trial.metrics {
        guard let dot = name.firstIndex(of: ".") else { continue }
        let task = String(name[..<dot])
        let metric = String(name[name.index(after: dot)...]) + ",none"
        let entry = (key: metric, value: number(value))
        if let i = tasks.firstIndex(where: { $0.key == task }), case .object(var members) = tasks[i].value {
          members.append(entry)
          tasks[i].value = .object(members)
        } else {
          tasks.append((key: task, value: .object([entry])))
        }
      }
      score = .object(tasks.map { (key: $0.key, value: ordered($0.value)) })
    case .approximated:
      guard let ucb = trial.metrics["ucb"], let lcb = trial.metrics["lcb"] else { return nil }
      score = .object([(key: "UCB", value: number(ucb)), (key: "LCB", value: number(lcb))])
    case .failed, .interrupted, .running, .discarded:
      return nil
    }
    let timing: JSONValue = .object([
      (key: "opening_time", value: .string(trial.info["live.opening_time"] ?? "")),
      (key: "end_training_time", value: .string(trial.info["live.end_training_time"] ?? "")),
      (key: "ending_time", value: .string(trial.info["live.ending_time"] ?? "")),
    ])
    let converted: [JSONValue] = zip(space.parameters, trial.configuration.values).map { p, v in
      p.kind == .int && v.isFinite && v == v.rounded() && abs(v) < 1e15 ? .number(String(Int(v))) : number(v)
    }
    let solution: JSONValue = .object([
      (key: "base_value", value: .array(trial.point.base.map(number))),
      (key: "converted_values", value: .array(converted)),
    ])
    var info: [(key: String, value: JSONValue)] = trial.info.keys.sorted().filter { !$0.hasPrefix("live.") && $0 != "score_state" }
      .map { key in
        let text = trial.info[key] ?? ""
        if let i = Int(text) { return (key: key, value: .number(String(i))) }
        return (key: key, value: .string(text))
      }
    if scoreState {
      info.append((key: "score_state", value: .string(trial.state == .approximated ? "approximated" : "evaluated")))
    }
    let line: JSONValue = .object([
      (key: "timing", value: timing), (key: "solution", value: solution), (key: "score", value: score),
      (key: "info", value: .object(info)),
    ])
    return line.pythonStyle
  }

  /// The recorded order of a task's metrics: acc, acc_stderr, acc_norm, acc_norm_stderr, then the rest by name.
  static func ordered(_ value: JSONValue) -> JSONValue {
    guard case .object(let members) = value else { return value }
    let rank = ["acc,none": 0, "acc_stderr,none": 1, "acc_norm,none": 2, "acc_norm_stderr,none": 3]
    return .object(members.sorted { (rank[$0.key] ?? 4, $0.key) < (rank[$1.key] ?? 4, $1.key) })
  }

  /// A finite double as JSON (Swift's shortest round-trip text); non-finite values become null.
  static func number(_ x: Double) -> JSONValue { x.isFinite ? .number("\(x)") : .null }
}
