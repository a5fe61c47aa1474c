// One session of a live run: preflight, lease, crash recovery, the runner, a commit per trial event.

import Foundation
import LabCore
import LabStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a live session ended, and the exit status the command should give.
public struct LiveOutcome: Sendable {
  public var record: RunRecord
  /// The run's summary (counts, wall clock, best trial).
  public var summary: String
  /// The signal that stopped the session, if one did.
  public var stoppedBy: Int32?
  /// Why the run is a failure although it ended normally: the circuit breaker, or every trial failed.
  public var problem: String?

  /// 0 for a good run; 128 + signal after a stop; 3 when the circuit breaker stopped it; 1 when every trial failed.
  public var exitStatus: Int32 {
    if let stoppedBy { return 128 + stoppedBy }
    if let problem { return problem.hasPrefix("circuit breaker") ? 3 : 1 }
    return 0
  }
}

/// A preflight check failed: nothing was stored; the command exits with status 2.
public struct LivePreflightFailure: Error, Sendable, CustomStringConvertible {
  public var error: LabError
  public var description: String { error.description }
}

/// One session of a live run: checks, takes the run's lease, recovers what a crashed session left, runs, commits every trial event.
///
/// In order:
/// 1. ``LivePreflight`` (nothing is written when it fails: ``LivePreflightFailure``);
/// 2. the run folder and its ``RunLease`` (a second copy is refused, naming the owner);
/// 3. the database: a run with this id must have the same definition; trials a crashed
///    session left ``TrialState/running`` have their processes terminated on this host
///    (``LiveCleanup``), their folders moved aside, and are recorded as interrupted, so the
///    runner re-proposes them;
/// 4. ``LiveRunner``, with every trial committed when it starts (state running) and when it ends;
///    SIGINT, SIGTERM and SIGHUP stop it cleanly (``SignalWatcher``), a second SIGINT skips the grace
///    period; the circuit breaker stops a run whose first K finished trials all failed for one reason.
public struct LiveSession: Sendable {
  public let plan: LivePlan
  /// Where progress lines go (standard error in the CLI).
  public let log: @Sendable (String) -> Void

  public init(plan: LivePlan, log: @escaping @Sendable (String) -> Void) {
    self.plan = plan
    self.log = log
  }

  /// Runs the session to its end.
  /// - Throws: ``LivePreflightFailure`` when a check fails; ``LabError`` for a refused resume, a held lease,
  ///   or an infrastructure fault. Failed trials are outcomes (see ``LiveOutcome/problem``).
  public func run() async throws -> LiveOutcome {
    var plan = self.plan
    do {
      let report = try LivePreflight.check(plan)
      plan.settings.litgpt = report.executable
      log("preflight: \(report.executable) (\(report.version)); checkpoint, data, launcher and folders usable")
    } catch let error as LabError {
      throw LivePreflightFailure(error: error)
    }
    do {
      try FileManager.default.createDirectory(atPath: plan.runDirectory, withIntermediateDirectories: true)
    } catch {
      throw LabError(.io, "cannot create the run folder (\(Self.reason(error)))", location: .init(file: plan.runDirectory))
    }
    let lease = try RunLease(runDirectory: plan.runDirectory, runID: plan.runID)
    defer { lease.release() }
    if let previous = lease.takenOverFrom {
      log("taking over run '\(plan.runID)' from \(previous) (no longer running)")
    }

    let db = try LabDatabase(path: plan.database)
    var trials = try Self.previousTrials(db: db, plan: plan, log: log)
    let previous = trials
    let runDirectory = plan.runDirectory
    func commit() throws {
      let record = RunRecord(
        spec: plan.spec, trials: trials.sorted { $0.id < $1.id }, makespan: trials.map(\.end).max() ?? 0,
        notes: ["live run; folder \(runDirectory)"])
      try db.transaction {
        if try db.runIDs().contains(plan.runID) { try db.deleteRun(id: plan.runID) }
        try db.saveRun(record, id: plan.runID)
      }
    }
    try commit()

    let stop = StopSignal()
    let signals = SignalWatcher(stop: stop, log: log)
    defer { signals.cancel() }

    var proposer = try plan.proposer()
    let runner = try LiveRunner(spec: plan.spec, slots: plan.slots)
    let progress = LiveProgress(spec: plan.spec, previous: previous, slots: plan.slots.count)
    var breaker = CircuitBreaker(limit: plan.circuitBreaker, previous: previous)
    var problem: String? = nil
    let record = try await runner.run(
      proposer: &proposer, evaluator: try plan.evaluator(), previous: previous, stop: stop,
      onStart: { trial in
        trials.append(trial)
        try commit()
        log(progress.started(trial))
      }
    ) { trial in
      trials.removeAll { $0.id == trial.id }
      trials.append(trial)
      try commit()
      if trial.state != .approximated { log(progress.finished(trial, all: trials)) }
      if let reason = breaker.record(trial) {
        problem = "circuit breaker: the first \(plan.circuitBreaker) trials all failed with \(reason); fix it and rerun to resume"
        stop.request()
      }
    }
    let finished = record.trials.filter { $0.state == .completed || $0.state == .failed }
    if problem == nil, signals.received == nil, !finished.isEmpty, finished.allSatisfy({ $0.state == .failed }) {
      problem = "every trial failed (\(finished.count)); see the reasons above and the trial folders in \(runDirectory)/trials"
    }
    return LiveOutcome(
      record: record, summary: Self.summary(record, runID: plan.runID), stoppedBy: signals.received, problem: problem)
  }

  /// The trials recorded for this run, with those a crashed session left running terminated, moved aside and marked interrupted.
  static func previousTrials(db: LabDatabase, plan: LivePlan, log: (String) -> Void) throws -> [TrialRecord] {
    guard try db.runIDs().contains(plan.runID) else { return [] }
    let saved = try db.loadRun(id: plan.runID)
    let a = saved.spec
    let b = plan.spec
    guard a.algorithm == b.algorithm, a.options == b.options, a.space == b.space, a.seed == b.seed, a.metric == b.metric,
      a.evaluator == b.evaluator
    else {
      throw LabError(
        .invalidInput,
        "run '\(plan.runID)' exists with another definition (\(a.algorithm) seed \(a.seed), \(a.metric), \(a.evaluator)); "
          + "resume it with the same --algorithm, --option, --space, --seed, --metric and --checkpoint, or pick another --run-id",
        location: .init(file: plan.database))
    }
    var trials = saved.trials
    log("resuming run '\(plan.runID)': \(trials.count) trial(s) recorded")
    let stranded = trials.indices.filter { trials[$0].state == .running }
    guard !stranded.isEmpty else { return trials }
    let host = LiveHost.name
    let folders = stranded.compactMap { trials[$0].info["live.folder"] }
    let killed = LiveCleanup.terminate(runDirectory: plan.runDirectory, folders: folders, grace: plan.grace)
    if killed > 0 { log("terminated \(killed) process(es) left running by the previous session") }
    for k in stranded {
      let elsewhere = trials[k].info["live.host"].map { $0 != host } ?? false
      if elsewhere {
        log("trial \(trials[k].id) was running on host \(trials[k].info["live.host"] ?? "?"): end its processes there if any are left")
      }
      if let folder = trials[k].info["live.folder"], let moved = try LiveCleanup.moveAside(folder) {
        trials[k].info["live.folder_moved_to"] = moved
      }
      trials[k].state = .interrupted
      trials[k].failure = FailureReason(FailureCode.interrupted, "hpolab ended while the trial was running; re-proposed on resume")
    }
    log("\(stranded.count) trial(s) left running by the previous session recorded as interrupted; they run again first")
    return trials
  }

  /// A one-line reason for a file-system error (the POSIX message, not the whole NSError).
  static func reason(_ error: any Error) -> String {
    let ns = error as NSError
    if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(posix.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    return ns.localizedDescription
  }

  /// The run's counts, wall clock and best trial.
  public static func summary(_ r: RunRecord, runID: String) -> String {
    func count(_ s: TrialState) -> Int { r.trials.filter { $0.state == s }.count }
    var lines = [
      "run \(runID): \(count(.completed)) completed, \(count(.failed)) failed, \(count(.interrupted)) interrupted, "
        + "\(count(.approximated)) approximated; \(String(format: "%.1f", r.makespan / 60)) min of wall clock"
    ]
    if let best = r.bestTrial, let v = best.metrics[r.spec.metric] {
      lines.append("best \(r.spec.metric) = \(v) (trial \(best.id): \(best.configuration.describe(in: r.spec.space)))")
    }
    return lines.joined(separator: "\n")
  }

  /// Runs an async body to completion from synchronous code (a synchronous command).
  ///
  /// The body runs on Swift's cooperative pool while the calling (main) thread
  /// waits on a semaphore; the main thread is not part of the pool, so this
  /// cannot starve it.
  public static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = BlockingResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
      do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
      done.signal()
    }
    done.wait()
    guard let result = box.result else { throw LabError(.internalInconsistency, "async body ended without a result") }
    return try result.get()
  }
}

/// The result slot of ``LiveSession/blocking(_:)``: written once by the task, read after the semaphore.
final class BlockingResultBox<T: Sendable>: @unchecked Sendable {
  var result: Result<T, any Error>?
}

/// Stops a run whose first K finished trials all failed with the same failure code (a wrong path, a bad argument).
struct CircuitBreaker {
  let limit: Int
  /// The failure (code, description) of each finished trial in finishing order; nil for a completed one.
  private var outcomes: [(code: String, text: String)?] = []

  init(limit: Int, previous: [TrialRecord]) {
    self.limit = limit
    for t in previous.sorted(by: { $0.id < $1.id }) where t.state == .completed || t.state == .failed {
      outcomes.append(Self.outcome(t))
    }
  }

  static func outcome(_ t: TrialRecord) -> (code: String, text: String)? {
    guard t.state == .failed else { return nil }
    let f = t.failure ?? FailureReason("failed")
    return (f.code, "\(f)")
  }

  /// Adds a finished trial; returns the common reason when it makes the first `limit` finished trials all fail with one code.
  mutating func record(_ trial: TrialRecord) -> String? {
    guard trial.state == .completed || trial.state == .failed, limit > 0 else { return nil }
    outcomes.append(Self.outcome(trial))
    guard outcomes.count == limit else { return nil }
    let failures = outcomes.compactMap { $0 }
    guard failures.count == limit, Set(failures.map(\.code)).count == 1 else { return nil }
    return failures[0].text
  }
}

/// Progress lines: one when a trial starts, one when it ends, with an ETA from the mean trial time so far.
struct LiveProgress: Sendable {
  let spec: RunSpec
  let previous: Int
  let slots: Int

  init(spec: RunSpec, previous: [TrialRecord], slots: Int) {
    self.spec = spec
    self.previous = previous.count
    self.slots = slots
  }

  func started(_ t: TrialRecord) -> String {
    var line = "trial \(t.id) started [worker \(t.worker)"
    if let gpus = t.info["live.worker_gpus"], !gpus.isEmpty { line += ", GPUs \(gpus)" }
    line += "] \(t.configuration.describe(in: spec.space))"
    if let from = t.info["live.resumed_from"] { line += " (again, for interrupted trial \(from))" }
    return line
  }

  func finished(_ t: TrialRecord, all: [TrialRecord]) -> String {
    let minutes = { (s: Double) in String(format: "%.1f min", s / 60) }
    var line = "trial \(t.id) [worker \(t.worker)] \(t.state.rawValue)"
    if let v = t.metrics[spec.metric], t.state == .completed { line += " \(spec.metric)=\(v)" }
    if let f = t.failure { line += " (\(f))" }
    line += " train \(minutes(t.durations.training)), eval \(minutes(t.durations.evaluation))"
    let done = all.filter { $0.state == .completed || $0.state == .failed }
    if let budget = spec.budget, !done.isEmpty {
      let mean = done.map { $0.end - $0.start }.reduce(0, +) / Double(done.count)
      let left = max(0, budget - done.count)
      let eta = mean * Double(left) / Double(max(1, slots))
      line += "; \(done.count)/\(budget) evaluated, ETA \(left == 0 ? "done" : minutes(eta))"
    }
    return line
  }
}
