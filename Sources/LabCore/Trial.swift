/// The position of a trial within its run, from 0, in the order trials were started.
public typealias TrialID = Int

/// Names of the metrics a fine-tuning trial reports, as `task.metric` strings.
public enum MetricName {
  public static let hellaswagAcc = "hellaswag.acc"
  public static let hellaswagAccStderr = "hellaswag.acc_stderr"
  public static let hellaswagAccNorm = "hellaswag.acc_norm"
  public static let hellaswagAccNormStderr = "hellaswag.acc_norm_stderr"
  public static let mmluAcc = "mmlu.acc"
  public static let mmluAccStderr = "mmlu.acc_stderr"
  /// The single value of an analytic test function.
  public static let value = "value"
  /// The metrics a recorded or simulated fine-tuning trial carries, in a fixed order.
  public static let fineTuning = [
    hellaswagAcc, hellaswagAccStderr, hellaswagAccNorm, hellaswagAccNormStderr, mmluAcc, mmluAccStderr,
  ]
}

/// Metric values keyed by name (`hellaswag.acc`, `mmlu.acc`, `value`, …); iteration is in name order.
public struct Metrics: Sendable, Hashable, Codable, Sequence {
  public private(set) var values: [String: Double]
  public init(_ values: [String: Double] = [:]) { self.values = values }
  public subscript(name: String) -> Double? {
    get { values[name] }
    set { values[name] = newValue }
  }
  public var names: [String] { values.keys.sorted() }
  public func makeIterator() -> IndexingIterator<[(name: String, value: Double)]> {
    values.keys.sorted().map { (name: $0, value: values[$0] ?? .nan) }.makeIterator()
  }

  /// Encoded as a plain object `{"hellaswag.acc": 0.47, …}`.
  public init(from decoder: any Decoder) throws {
    values = try decoder.singleValueContainer().decode([String: Double].self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(values)
  }
}

/// How long a trial took, in seconds of (simulated or real) wall-clock time.
public struct Durations: Sendable, Hashable, Codable {
  /// Fine-tuning time.
  public var training: Double
  /// Benchmark evaluation time.
  public var evaluation: Double
  public init(training: Double, evaluation: Double) {
    self.training = training
    self.evaluation = evaluation
  }
  public var total: Double { training + evaluation }
  public static let zero = Durations(training: 0, evaluation: 0)
}

/// Why a trial failed. A failure is an outcome recorded with the trial, not an error.
public struct FailureReason: Sendable, Hashable, Codable, CustomStringConvertible {
  /// A stable short code: `collapsed`, `bad-arguments`, `missing-checkpoint`, `out-of-memory`, `timeout`, `killed`, `unreadable-results`, `interrupted`, `nonzero-exit`, `evaluator`.
  public var code: String
  /// Free text for people.
  public var detail: String
  public init(_ code: String, _ detail: String = "") {
    self.code = code
    self.detail = detail
  }
  public var description: String { detail.isEmpty ? code : "\(code): \(detail)" }
}

/// Which path produced an evaluation, recorded with every trial.
public enum EvaluationSource: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The matching recorded trial of a trace (exact match of converted values).
  case replay(run: String, line: Int)
  /// The nearest recorded trial in the normalised space, at this distance.
  case replayNearest(run: String, line: Int, distance: Double)
  /// The fitted surrogate of a campaign.
  case surrogate(campaign: String)
  /// An analytic test function.
  case function(name: String)
  /// A real run (live mode).
  case live
  /// Scored by the proposer's model without running anything (BaMSOO's approximated leaves).
  case model

  public var description: String {
    switch self {
    case .replay(let run, let line): return "replay:\(run)#\(line)"
    case .replayNearest(let run, let line, let d): return "nearest:\(run)#\(line)@\(d)"
    case .surrogate(let c): return "surrogate:\(c)"
    case .function(let n): return "function:\(n)"
    case .live: return "live"
    case .model: return "model"
    }
  }
}

/// What an evaluator says about one configuration: metrics (or a failure) and how long it took.
public struct Evaluation: Sendable, Hashable, Codable {
  /// The metrics, or the reason the trial failed.
  public enum Outcome: Sendable, Hashable, Codable {
    case success(Metrics)
    case failure(FailureReason)
  }
  public var outcome: Outcome
  /// Time the trial occupies its worker (a failed trial too).
  public var durations: Durations
  public var source: EvaluationSource

  public init(outcome: Outcome, durations: Durations, source: EvaluationSource) {
    self.outcome = outcome
    self.durations = durations
    self.source = source
  }

  /// The metrics when the trial succeeded.
  public var metrics: Metrics? {
    if case .success(let m) = outcome { return m }
    return nil
  }
}

/// The life-cycle state of a trial in a run record.
public enum TrialState: String, Sendable, Hashable, Codable, CaseIterable {
  /// Evaluated, with metrics.
  case completed
  /// Ran and failed; the reason is kept.
  case failed
  /// Never ran: scored by the proposer's model (BaMSOO's lower confidence bound).
  case approximated
  /// Started, then stopped by the user or a shutdown (live mode); re-proposed on resume.
  case interrupted
  /// Still running (live mode only; never in a finished record).
  case running
  /// Proposed but never started: the target was reached while its proposal was being computed (simulated
  /// optimiser overhead), so it was dropped at the instant it would have started. It uses no worker
  /// (`worker = -1`), has no metrics, and `start = end` = the instant its proposal was ready; its
  /// ``TrialRecord/failure`` says why (code `target-reached`). The proposer is not told about it.
  case discarded
}

/// What a proposer is told about a finished trial. Scores are always to be *maximised*.
public struct Observation: Sendable, Hashable {
  /// The objective value of a trial, or why it failed.
  public enum Result: Sendable, Hashable {
    /// The objective value, oriented so that larger is better.
    case value(Double)
    /// The trial failed; proposers decide how to treat it (e.g. impute the worst value seen).
    case failed(FailureReason)
  }
  public var trial: TrialID
  public var point: Point
  public var result: Result
  public init(trial: TrialID, point: Point, result: Result) {
    self.trial = trial
    self.point = point
    self.result = result
  }
  /// The objective value when the trial succeeded.
  public var value: Double? {
    if case .value(let v) = result { return v }
    return nil
  }
}

/// A proposal: the point to evaluate next and what the proposer wants recorded with it (e.g. SOO's depth).
public struct Proposal: Sendable, Hashable {
  public var point: Point
  /// Free-form facts recorded with the trial, like the traces' `info` (`phase`, `depth`, `depth_id`, `loop`).
  public var info: [String: String]
  public init(point: Point, info: [String: String] = [:]) {
    self.point = point
    self.info = info
  }
}

/// A leaf a proposer scored with its model instead of evaluating it (BaMSOO), recorded in the run like the traces do.
public struct Approximation: Sendable, Hashable {
  public var point: Point
  /// The score assigned (BaMSOO: the lower confidence bound), in the objective's orientation.
  public var value: Double
  public var lower: Double
  public var upper: Double
  public var info: [String: String]
  public init(point: Point, value: Double, lower: Double, upper: Double, info: [String: String] = [:]) {
    self.point = point
    self.value = value
    self.lower = lower
    self.upper = upper
    self.info = info
  }
}
