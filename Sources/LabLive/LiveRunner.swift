// The simulator's asynchronous policy on the wall clock.
//
// Notation
//   W        worker slots; at most W trials run at once
//   pending  the points of running trials, in trial-id order, passed to propose
//   seq      one counter over the run's propose and observe events, recorded in each trial's
//            info as live.propose_seq / live.observe_seq; resuming replays these events in order
//   time     seconds since the run started, summed over sessions (a resumed session starts at the
//            previous sessions' last end)

import Foundation
import LabCore
import LabSimulation

/// A source of the current time in seconds; the wall clock in real runs, a hand-driven one in tests.
public protocol LiveClock: Sendable {
  func now() -> Double
}

/// The host's clock: seconds since 1970.
public struct WallClock: LiveClock {
  public init() {}
  public func now() -> Double { Date().timeIntervalSince1970 }
}

/// Drives a ``Proposer`` against a ``LiveEvaluator`` with W worker slots, in real time, through the simulator's ``SchedulingCore``.
///
/// The decisions — when to ask, what is pending, when the budget stops the
/// run, what the proposer is told — are the simulator's async policy, made by
/// the same ``SchedulingCore`` (so SOO as recorded overshoots its budget here
/// exactly as in simulation). This type adds the wall clock, the worker slots
/// and the evaluator's tasks. `nil` with trials running means "wait for the
/// next completion", `nil` with nothing running means "done". Every trial is
/// handed to `onStart` as ``TrialState/running`` *before* its evaluation
/// starts, and to `sink` as soon as it is finished (or approximated); the
/// live session commits both to SQLite, so a crash of hpolab loses nothing.
///
/// **Stopping.** When `stop` is requested (SIGINT/SIGTERM/SIGHUP in the CLI), no
/// trial is launched any more, running trials are terminated by their
/// evaluator and recorded as ``TrialState/interrupted``, and ``run`` returns.
///
/// **Resuming.** Given the trials of an earlier session, the runner first
/// replays the proposer: it re-issues every recorded `propose` and `observe`
/// in their recorded order (`live.propose_seq`, `live.observe_seq`) with the
/// same random stream, checking that each proposal equals the recorded point,
/// so the proposer ends in exactly the state it had. Interrupted trials (and
/// trials a crashed session left ``TrialState/running``, which the session
/// records as interrupted first) are pending during the replay and are then
/// launched again first (new trial ids, `live.resumed_from` = the old id)
/// before the proposer is asked for anything new.
///
/// - Complexity: O(n) bookkeeping per event for n trials, plus the proposer's own cost.
public struct LiveRunner: Sendable {
  /// The run's definition (algorithm, seed, metric, direction, budget of real evaluations).
  public var spec: RunSpec
  public var slots: [WorkerSlot]
  public var clock: any LiveClock
  /// Recorded in every running trial's info as `live.host` (where its processes run, for a resume's clean-up).
  public var host: String

  /// - Throws: ``LabError`` `.invalidInput` without slots or with a budget below 1.
  public init(spec: RunSpec, slots: [WorkerSlot], clock: any LiveClock = WallClock(), host: String = LiveHost.name) throws {
    guard !slots.isEmpty else { throw LabError(.invalidInput, "a live run needs at least one worker slot") }
    if let budget = spec.budget, budget < 1 { throw LabError(.invalidInput, "the budget must be at least 1, got \(budget)") }
    self.spec = spec
    self.slots = slots
    self.clock = clock
    self.host = host
  }

  /// A trial in flight.
  private struct Running {
    var trial: LiveTrial
    var slot: WorkerSlot
    var start: Double
    var info: [String: String]
  }

  /// What a child task hands back.
  private struct Finished: Sendable {
    var trial: LiveTrial
    var end: Double
    var result: Result<LiveResult, LabError>
  }

  /// A point to launch again because its trial was interrupted.
  public struct Reproposal: Sendable, Hashable {
    public var point: Point
    public var info: [String: String]
    public var from: TrialID
  }

  /// The live side of a fill: counts free slots, numbers trials and events, and queues what the core started.
  private struct Starter: TrialStarter {
    enum Event {
      case approximation(TrialRecord)
      case start(TrialID, Proposal)
    }
    var free: Int
    var nextID: TrialID
    var seq: Int
    var events: [Event] = []
    let now: @Sendable () -> Double
    let spec: RunSpec

    func canAsk(mode: ExecutionMode) -> Bool { free > 0 }

    mutating func record(_ approximations: [Approximation]) throws {
      for a in approximations {
        let t = now()
        var metrics = Metrics()
        metrics[spec.metric] = spec.direction.objective(a.value)
        metrics["lcb"] = spec.direction.objective(a.lower)
        metrics["ucb"] = spec.direction.objective(a.upper)
        events.append(
          .approximation(
            TrialRecord(
              id: nextID, point: a.point, configuration: spec.space.configuration(for: a.point), state: .approximated,
              metrics: metrics, durations: .zero, worker: -1, start: t, end: t, source: .model, info: a.info)))
        nextID += 1
      }
    }

    mutating func start(_ proposal: Proposal) throws -> TrialID? {
      let id = nextID
      nextID += 1
      free -= 1
      events.append(.start(id, proposal))
      return id
    }
  }

  /// Runs until the budget is spent, the proposer is done, or `stop` is requested.
  /// - Parameters:
  ///   - proposer: a fresh proposer, built as for the first session (same options).
  ///   - previous: the trials of earlier sessions of this run (empty for a new run); none may be running.
  ///   - onStart: called with every trial, state ``TrialState/running``, before its evaluation starts.
  ///   - sink: called with every trial as soon as it is finished (or approximated).
  /// - Returns: the whole run, earlier sessions included, trials in id order.
  /// - Throws: ``LabError`` when resuming finds a proposal that differs from the record
  ///   (`.internalInconsistency`), when the evaluator reports an infrastructure fault, or when
  ///   `sink` or `onStart` throws; running trials are then terminated and recorded as interrupted first.
  ///   Failed, timed-out and interrupted trials are outcomes, not errors.
  public func run<P: Proposer, E: LiveEvaluator>(
    proposer: inout P, evaluator: E, previous: [TrialRecord] = [], stop: StopSignal,
    onStart: (TrialRecord) throws -> Void = { _ in },
    sink: (TrialRecord) throws -> Void
  ) async throws -> RunRecord {
    var core = SchedulingCore(spec: spec, proposer: proposer)
    defer { if let p = core.proposer as? P { proposer = p } }
    var records = previous.sorted { $0.id < $1.id }
    var reproposals = try Self.replay(previous: records, core: &core, spec: spec)
    var seq = records.compactMap { r in
      [r.info["live.propose_seq"], r.info["live.observe_seq"]].compactMap { $0.flatMap { Int($0) } }.max()
    }.max().map { $0 + 1 } ?? 0
    var nextID = (records.map(\.id).max() ?? -1) + 1
    let clock = self.clock
    let origin = clock.now() - (records.map(\.end).max() ?? 0)
    let halt = StopSignal(parent: stop)
    var freeSlots = slots
    var running: [TrialID: Running] = [:]
    var fault: (any Error)? = nil
    let now: @Sendable () -> Double = { clock.now() - origin }

    try await withThrowingTaskGroup(of: Finished.self) { group in
      /// Starts trial `id` at `point` on the lowest free slot.
      func launch(_ id: TrialID, _ proposal: Proposal, from: TrialID?) {
        let slot = freeSlots.removeFirst()
        var info = proposal.info
        info["live.propose_seq"] = String(seq)
        seq += 1
        if let from { info["live.resumed_from"] = String(from) }
        let trial = LiveTrial(
          id: id, point: proposal.point, configuration: spec.space.configuration(for: proposal.point), info: proposal.info)
        let start = now()
        running[id] = Running(trial: trial, slot: slot, start: start, info: info)
        var startInfo = info
        startInfo["live.host"] = host
        startInfo["live.started_at"] = String(clock.now())
        startInfo["live.worker_gpus"] = slot.gpus.map(\.id).joined(separator: ",")
        if let folder = evaluator.folder(for: id) { startInfo["live.folder"] = folder }
        let record = TrialRecord(
          id: id, point: trial.point, configuration: trial.configuration, state: .running, metrics: Metrics(),
          durations: .zero, worker: slot.index, start: start, end: start, source: .live, info: startInfo)
        do {
          try onStart(record)
        } catch {
          // Not started: nothing runs, the trial is recorded as interrupted below.
          if fault == nil { fault = error }
          halt.request()
        }
        group.addTask {
          let result: Result<LiveResult, LabError>
          if halt.isRequested {
            result = .success(
              LiveResult(
                evaluation: Evaluation(
                  outcome: .failure(FailureReason(FailureCode.interrupted, "not started: the run was stopping")),
                  durations: .zero, source: .live)))
          } else {
            do {
              result = .success(try await evaluator.evaluate(trial, slot: slot, stop: halt))
            } catch let error as LabError {
              result = .failure(error)
            } catch {
              result = .failure(LabError(.external, "trial \(trial.id): evaluator failed", underlying: error))
            }
          }
          return Finished(trial: trial, end: clock.now(), result: result)
        }
      }

      while true {
        // Interrupted trials first (they are proposals already counted), then whatever the core decides.
        while fault == nil, !halt.isRequested, !freeSlots.isEmpty, !reproposals.isEmpty {
          let r = reproposals.removeFirst()
          let id = nextID
          nextID += 1
          core.forget(r.from)
          core.adopt(id, point: r.point)
          launch(id, Proposal(point: r.point, info: r.info), from: r.from)
        }
        if fault == nil, !halt.isRequested, reproposals.isEmpty, !freeSlots.isEmpty {
          var starter = Starter(free: freeSlots.count, nextID: nextID, seq: seq, now: now, spec: spec)
          do {
            try core.fill(&starter)
          } catch {
            fault = error
            halt.request()
          }
          nextID = starter.nextID
          for event in starter.events {
            switch event {
            case .approximation(let record):
              do {
                try sink(record)
              } catch {
                if fault == nil { fault = error }
                halt.request()
              }
              records.append(record)
            case .start(let id, let proposal):
              launch(id, proposal, from: nil)
            }
          }
        }
        if running.isEmpty { break }
        guard let finished = try await group.next() else { break }
        guard let run = running.removeValue(forKey: finished.trial.id) else { continue }
        freeSlots.append(run.slot)
        freeSlots.sort { $0.index < $1.index }

        var info = run.info
        var state: TrialState
        var metrics = Metrics()
        var failure: FailureReason? = nil
        var durations = Durations.zero
        switch finished.result {
        case .failure(let error):
          if fault == nil { fault = error }
          halt.request()
          state = .interrupted
          failure = FailureReason(FailureCode.interrupted, "evaluator fault: \(error)")
        case .success(let result):
          for (k, v) in result.details { info[k] = v }
          durations = result.evaluation.durations
          switch result.evaluation.outcome {
          case .success(let m):
            metrics = m
            if m[spec.metric] != nil {
              state = .completed
            } else {
              state = .failed
              failure = FailureReason(
                FailureCode.unreadableResults, "results lack the metric '\(spec.metric)' (have \(m.names.joined(separator: ", ")))")
            }
          case .failure(let reason):
            failure = reason
            state = reason.code == FailureCode.interrupted ? .interrupted : .failed
          }
        }
        if state == .completed || state == .failed {
          info["live.observe_seq"] = String(seq)
          seq += 1
        }
        let record = TrialRecord(
          id: run.trial.id, point: run.trial.point, configuration: run.trial.configuration, state: state, metrics: metrics,
          failure: failure, durations: durations, worker: run.slot.index, start: run.start,
          end: finished.end - origin, source: .live, info: info)
        records.append(record)
        do {
          var approximations: [TrialRecord] = []
          if state == .completed || state == .failed {
            let told = try core.tell(
              record.id, point: record.point, value: state == .completed ? metrics[spec.metric] : nil,
              failure: failure ?? FailureReason("failed"))
            var starter = Starter(free: 0, nextID: nextID, seq: seq, now: now, spec: spec)
            if !told.isEmpty { try starter.record(told) }
            nextID = starter.nextID
            for case .approximation(let a) in starter.events { approximations.append(a) }
          } else {
            core.forget(record.id)
          }
          try sink(record)
          for a in approximations {
            try sink(a)
            records.append(a)
          }
        } catch {
          if fault == nil { fault = error }
          halt.request()
        }
      }
    }
    if let fault { throw fault }
    records.sort { $0.id < $1.id }
    return RunRecord(spec: spec, trials: records, makespan: records.map(\.end).max() ?? 0)
  }

  /// Replays a run's recorded propose/observe events into `core` (its proposer and stream); returns the interrupted points to launch again.
  ///
  /// Afterwards the core's proposer is in the state it had when the record
  /// was written, its started count is the number of recorded proposals, and
  /// the interrupted trials are its pending ones.
  /// - Throws: ``LabError`` `.internalInconsistency` when a proposal differs from the record or the
  ///   record lacks its event numbers; whatever the proposer throws.
  public static func replay(previous: [TrialRecord], core: inout SchedulingCore, spec: RunSpec) throws -> [Reproposal] {
    var events: [(seq: Int, kind: ReplayEvent, record: TrialRecord)] = []
    for r in previous where r.state != .approximated {
      guard let p = r.info["live.propose_seq"].flatMap({ Int($0) }) else {
        throw LabError(.internalInconsistency, "cannot resume: trial \(r.id) has no live.propose_seq (not a live trial?)")
      }
      events.append((p, .propose, r))
      if r.state == .completed || r.state == .failed {
        guard let o = r.info["live.observe_seq"].flatMap({ Int($0) }) else {
          throw LabError(.internalInconsistency, "cannot resume: finished trial \(r.id) has no live.observe_seq")
        }
        events.append((o, .observe, r))
      }
    }
    events.sort { $0.seq < $1.seq }
    for event in events {
      let r = event.record
      switch event.kind {
      case .propose:
        if let from = r.info["live.resumed_from"].flatMap({ Int($0) }) {
          core.forget(from)
          core.adopt(r.id, point: r.point)
        } else {
          let proposal = try core.replayPropose()
          guard let proposal, proposal.point.base == r.point.base else {
            throw LabError(
              .internalInconsistency,
              "cannot resume: \(core.proposer.name) now proposes \(proposal.map { "\($0.point)" } ?? "nothing") for trial \(r.id), "
                + "but the run recorded \(r.point); was the run started with another seed or other options?")
          }
          core.replayStarted(r.id, point: r.point)
        }
      case .observe:
        _ = try core.tell(
          r.id, point: r.point, value: r.state == .completed ? (r.metrics[spec.metric] ?? .nan) : nil,
          failure: r.failure ?? FailureReason("failed"))
      }
    }
    let byID = Dictionary(uniqueKeysWithValues: previous.map { ($0.id, $0) })
    return core.running.compactMap { id in
      guard let r = byID[id], r.state == .interrupted || r.state == .running else { return nil }
      return Reproposal(point: r.point, info: r.info.filter { !$0.key.hasPrefix("live.") }, from: id)
    }
  }
}

/// The two kinds of recorded events a resume replays.
private enum ReplayEvent { case propose, observe }

/// The name of this machine, as recorded in running trials (`live.host`).
public enum LiveHost {
  /// `gethostname(2)`, or `localhost` when it fails.
  public static var name: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
    return String(cString: buffer)
  }
}
