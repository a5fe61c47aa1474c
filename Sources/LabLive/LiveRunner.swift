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

/// A source of the current time in seconds; the wall clock in real runs, a hand-driven one in tests.
public protocol LiveClock: Sendable {
  func now() -> Double
}

/// The host's clock: seconds since 1970.
public struct WallClock: LiveClock {
  public init() {}
  public func now() -> Double { Date().timeIntervalSince1970 }
}

/// Drives a ``Proposer`` against a ``LiveEvaluator`` with W worker slots, as the simulator's async policy does, in real time.
///
/// A freed slot immediately asks the proposer for a new point, passing the
/// running trials' points as pending; `nil` with trials running means "wait
/// for the next completion", `nil` with nothing running means "done". Every
/// finished trial is handed to `sink` at once (the CLI commits it to SQLite).
///
/// **Stopping.** When `stop` is requested (SIGINT/SIGTERM in the CLI), no
/// trial is launched any more, running trials are terminated by their
/// evaluator and recorded as ``TrialState/interrupted``, and ``run`` returns.
///
/// **Resuming.** Given the trials of an earlier session, the runner first
/// replays the proposer: it re-issues every recorded `propose` and `observe`
/// in their recorded order (`live.propose_seq`, `live.observe_seq`) with the
/// same random stream, checking that each proposal equals the recorded point,
/// so the proposer ends in exactly the state it had. Interrupted trials are
/// then launched again first (new trial ids, `live.resumed_from` = the old id)
/// before the proposer is asked for anything new.
///
/// - Complexity: O(n) bookkeeping per event for n trials, plus the proposer's own cost.
public struct LiveRunner: Sendable {
  /// The run's definition (algorithm, seed, metric, direction, budget of real evaluations).
  public var spec: RunSpec
  public var slots: [WorkerSlot]
  public var clock: any LiveClock

  /// - Throws: ``LabError`` `.invalidInput` without slots or with a budget below 1.
  public init(spec: RunSpec, slots: [WorkerSlot], clock: any LiveClock = WallClock()) throws {
    guard !slots.isEmpty else { throw LabError(.invalidInput, "a live run needs at least one worker slot") }
    if let budget = spec.budget, budget < 1 { throw LabError(.invalidInput, "the budget must be at least 1, got \(budget)") }
    self.spec = spec
    self.slots = slots
    self.clock = clock
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

  /// Runs until the budget is spent, the proposer is done, or `stop` is requested.
  /// - Parameters:
  ///   - proposer: a fresh proposer, built as for the first session (same options).
  ///   - previous: the trials of earlier sessions of this run (empty for a new run).
  ///   - sink: called with every trial as soon as it is finished (or approximated).
  /// - Returns: the whole run, earlier sessions included, trials in id order.
  /// - Throws: ``LabError`` when resuming finds a proposal that differs from the record
  ///   (`.internalInconsistency`), when the evaluator reports an infrastructure fault, or when
  ///   `sink` throws; running trials are then terminated and recorded as interrupted first.
  ///   Failed, timed-out and interrupted trials are outcomes, not errors.
  public func run<P: Proposer, E: LiveEvaluator>(
    proposer: inout P, evaluator: E, previous: [TrialRecord] = [], stop: StopSignal,
    sink: (TrialRecord) throws -> Void
  ) async throws -> RunRecord {
    var rng = SeededGenerator.stream(spec.seed, StreamPurpose.proposer.rawValue)
    var records = previous.sorted { $0.id < $1.id }
    var reproposals = try Self.replay(previous: records, proposer: &proposer, rng: &rng, spec: spec)
    var seq = records.compactMap { r in
      [r.info["live.propose_seq"], r.info["live.observe_seq"]].compactMap { $0.flatMap { Int($0) } }.max()
    }.max().map { $0 + 1 } ?? 0
    var nextID = (records.map(\.id).max() ?? -1) + 1
    var evaluated = records.filter { $0.state == .completed || $0.state == .failed }.count
    let origin = clock.now() - (records.map(\.end).max() ?? 0)
    let halt = StopSignal(parent: stop)
    var freeSlots = slots
    var running: [TrialID: Running] = [:]
    var fault: (any Error)? = nil

    func now() -> Double { clock.now() - origin }

    func recordApproximations(_ proposer: inout P) throws {
      for a in proposer.takeApproximations() {
        let t = now()
        var metrics = Metrics()
        metrics[spec.metric] = spec.direction.objective(a.value)
        metrics["lcb"] = spec.direction.objective(a.lower)
        metrics["ucb"] = spec.direction.objective(a.upper)
        let record = TrialRecord(
          id: nextID, point: a.point, configuration: spec.space.configuration(for: a.point), state: .approximated,
          metrics: metrics, durations: .zero, worker: -1, start: t, end: t, source: .model, info: a.info)
        nextID += 1
        try sink(record)
        records.append(record)
      }
    }

    try await withThrowingTaskGroup(of: Finished.self) { group in
      var proposerDone = false
      while true {
        // Launch while a slot is free, nothing asked us to stop, and the budget allows.
        while fault == nil, !halt.isRequested, !freeSlots.isEmpty,
          spec.budget.map({ evaluated + running.count < $0 }) ?? true
        {
          var proposal: Proposal
          var from: TrialID? = nil
          if !reproposals.isEmpty {
            let r = reproposals.removeFirst()
            proposal = Proposal(point: r.point, info: r.info)
            from = r.from
          } else {
            if proposerDone { break }
            let pending = running.keys.sorted().compactMap { running[$0]?.trial.point }
            do {
              guard let p = try proposer.propose(pending: pending, using: &rng) else {
                if running.isEmpty { proposerDone = true }
                break
              }
              proposal = p
              try recordApproximations(&proposer)
            } catch {
              fault = error
              halt.request()
              break
            }
          }
          let id = nextID
          nextID += 1
          let slot = freeSlots.removeFirst()
          var info = proposal.info
          info["live.propose_seq"] = String(seq)
          seq += 1
          if let from { info["live.resumed_from"] = String(from) }
          let trial = LiveTrial(
            id: id, point: proposal.point, configuration: spec.space.configuration(for: proposal.point), info: proposal.info)
          running[id] = Running(trial: trial, slot: slot, start: now(), info: info)
          let clock = self.clock
          group.addTask {
            let result: Result<LiveResult, LabError>
            do {
              result = .success(try await evaluator.evaluate(trial, slot: slot, stop: halt))
            } catch let error as LabError {
              result = .failure(error)
            } catch {
              result = .failure(LabError(.external, "trial \(trial.id): evaluator failed", underlying: error))
            }
            return Finished(trial: trial, end: clock.now(), result: result)
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
          evaluated += 1
        }
        let record = TrialRecord(
          id: run.trial.id, point: run.trial.point, configuration: run.trial.configuration, state: state, metrics: metrics,
          failure: failure, durations: durations, worker: run.slot.index, start: run.start,
          end: finished.end - origin, source: .live, info: info)
        records.append(record)
        do {
          if state == .completed || state == .failed {
            let result: Observation.Result =
              state == .completed
              ? .value(spec.direction.objective(metrics[spec.metric] ?? .nan)) : .failed(failure ?? FailureReason("failed"))
            try proposer.observe(Observation(trial: record.id, point: record.point, result: result))
            try recordApproximations(&proposer)
          }
          try sink(record)
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

  /// Replays a run's recorded propose/observe events into a fresh proposer; returns the interrupted points to launch again.
  /// - Throws: ``LabError`` `.internalInconsistency` when a proposal differs from the record or the
  ///   record lacks its event numbers; whatever the proposer throws.
  public static func replay<P: Proposer>(
    previous: [TrialRecord], proposer: inout P, rng: inout SeededGenerator, spec: RunSpec
  ) throws -> [Reproposal] {
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
    var pending: [TrialID: Point] = [:]
    for event in events {
      let r = event.record
      switch event.kind {
      case .propose:
        if let from = r.info["live.resumed_from"].flatMap({ Int($0) }) {
          pending.removeValue(forKey: from)
        } else {
          let proposal = try proposer.propose(pending: pending.keys.sorted().compactMap { pending[$0] }, using: &rng)
          guard let proposal, proposal.point.base == r.point.base else {
            throw LabError(
              .internalInconsistency,
              "cannot resume: \(proposer.name) now proposes \(proposal.map { "\($0.point)" } ?? "nothing") for trial \(r.id), "
                + "but the run recorded \(r.point); was the run started with another seed or other options?")
          }
        }
        pending[r.id] = r.point
      case .observe:
        pending.removeValue(forKey: r.id)
        let result: Observation.Result =
          r.state == .completed
          ? .value(spec.direction.objective(r.metrics[spec.metric] ?? .nan)) : .failed(r.failure ?? FailureReason("failed"))
        try proposer.observe(Observation(trial: r.id, point: r.point, result: result))
      }
      _ = proposer.takeApproximations()
    }
    let byID = Dictionary(uniqueKeysWithValues: previous.map { ($0.id, $0) })
    return pending.keys.sorted().compactMap { id in
      guard let r = byID[id], r.state == .interrupted else { return nil }
      return Reproposal(point: r.point, info: r.info.filter { !$0.key.hasPrefix("live.") }, from: id)
    }
  }
}

/// The two kinds of recorded events a resume replays.
private enum ReplayEvent { case propose, observe }
