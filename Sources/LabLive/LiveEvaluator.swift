import Foundation
import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One trial handed to a live evaluator: its id, its point and the configuration trained with.
public struct LiveTrial: Sendable, Hashable {
  public var id: TrialID
  public var point: Point
  public var configuration: Configuration
  /// What the proposer asked to record with the trial (phase, depth, …).
  public var info: [String: String]

  public init(id: TrialID, point: Point, configuration: Configuration, info: [String: String] = [:]) {
    self.id = id
    self.point = point
    self.configuration = configuration
    self.info = info
  }
}

/// What a live evaluation yields: the evaluation proper and facts to keep with the trial (`live.*` info keys).
public struct LiveResult: Sendable, Hashable {
  public var evaluation: Evaluation
  /// Recorded in the trial's info: `live.folder`, `live.trainable_parameters`, `live.opening_time`, …
  public var details: [String: String]

  public init(evaluation: Evaluation, details: [String: String] = [:]) {
    self.evaluation = evaluation
    self.details = details
  }

  /// Whether the trial was stopped by a stop request (recorded as ``TrialState/interrupted``).
  public var wasInterrupted: Bool {
    if case .failure(let reason) = evaluation.outcome { return reason.code == FailureCode.interrupted }
    return false
  }
}

/// Runs one trial for real, on the wall clock. The asynchronous counterpart of LabCore's `Evaluator`.
///
/// The simulator's `Evaluator` is synchronous and reports durations without
/// spending them; a live evaluator spends them, so it is `async`, and it must
/// end (returning an interrupted failure) soon after `stop` is requested.
public protocol LiveEvaluator: Sendable {
  /// A short description, e.g. `litgpt:/models/Llama-3.2-1B`.
  var name: String { get }
  /// Evaluates `trial` on `slot`.
  /// - Throws: ``LabError`` only for infrastructure faults (the run folder cannot be written,
  ///   the program does not exist). A trial that fails, times out or is interrupted is an
  ///   outcome: a ``LiveResult`` whose evaluation outcome is `.failure`.
  func evaluate(_ trial: LiveTrial, slot: WorkerSlot, stop: StopSignal) async throws -> LiveResult
  /// The folder trial `id` writes to, recorded with its running state (`live.folder`); nil when it has none.
  func folder(for id: TrialID) -> String?
}

extension LiveEvaluator {
  public func folder(for id: TrialID) -> String? { nil }
}

/// The failure codes live mode records (``FailureReason/code``).
public enum FailureCode {
  /// Exit status 2: litgpt rejected its arguments.
  public static let badArguments = "bad-arguments"
  /// The checkpoint folder is missing or incomplete.
  public static let missingCheckpoint = "missing-checkpoint"
  /// CUDA (or host) out of memory.
  public static let outOfMemory = "out-of-memory"
  /// The trial ran past its time limit; its process group was terminated.
  public static let timeout = "timeout"
  /// A signal we did not send ended a step (the OOM killer, an administrator, a scheduler).
  public static let killed = "killed"
  /// Fine-tuning exited 0 but left no `final/lit_model.pth`.
  public static let missingWeights = "missing-weights"
  /// Evaluation exited 0 but left no `results.json`.
  public static let missingResults = "missing-results"
  /// `results.json` is not JSON, or lacks the metric optimised.
  public static let unreadableResults = "unreadable-results"
  /// Stopped by SIGINT/SIGTERM; re-proposed on resume.
  public static let interrupted = "interrupted"
  /// Any other non-zero exit status.
  public static let nonzeroExit = "nonzero-exit"
}

/// A wall-clock time written like the recorded traces: `YYYY-MM-DD HH:MM:SS`, local time.
public func traceTimeString(_ secondsSince1970: Double) -> String {
  var t = time_t(secondsSince1970.rounded(.down))
  var parts = tm()
  localtime_r(&t, &parts)
  func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
  return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
    + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
}
