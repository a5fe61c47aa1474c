// Notation
//   W          workers (spec.workers); worker ids 0 ..< W, the lowest free one is always taken first
//   t          simulated time in seconds since the run started (the event queue's clock)
//   c          a proposal's overhead in simulated seconds (see Overhead); the optimiser is one process,
//              so proposals are computed one after the other: start_i = max(t_ask, ready) + c_i
//   d_i        a trial's duration = training + evaluation seconds, as the evaluator reports them
//   end_i      start_i + d_i; the trial's worker is busy over [start_i, end_i)
//   H          the horizon in seconds: min(spec.hours, spec.nodeHours / W) · 3600 (spec.horizonHours);
//              a trial starts only if start_i < H
//   T*         the instant a completed trial first reaches spec.target; a trial with start_i > T*
//              (its proposal still being computed at T*) is discarded, never started
//   objective  direction.objective(metric): what proposers are told, larger is better

import HeapModule
import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A discrete-event simulation of one optimisation run: W workers, a proposer asked and told, an evaluator that reports durations.
///
/// The simulator drives any ``Proposer`` through ask/tell and any
/// ``Evaluator``, on a simulated clock (an ``EventQueue`` keyed by
/// `(time, sequence)`) — it never sleeps and never reads the host clock
/// unless ``Overhead/measured`` is asked for. The evaluator *reports* how
/// long a trial takes; the simulator schedules the trial's end at
/// `start + training + evaluation` and tells the proposer then. This is the
/// simulator backend of Syne Tune (Salinas et al., 2022), where evaluators
/// return their time instead of spending it.
///
/// ## Policies
/// - **async**: a freed worker at once asks for a new point, with every
///   trial still running (or proposed and about to start) passed as
///   `pending`. When the proposer answers `nil` while trials are running,
///   the worker waits for the next completion; `nil` with nothing running
///   means the proposer is done.
/// - **sync**: when every trial has finished, the proposer is asked for a
///   batch: `propose` is called repeatedly, with the batch so far as
///   `pending`, until it answers `nil` or W points are proposed; the batch
///   runs, and the next batch is asked for when all of it has finished.
///
/// Events due at the same instant are all taken off the queue, in the order
/// they were scheduled, before the proposer is told anything; completions
/// are told in that order, then free workers ask (lowest worker id first).
///
/// ## Stopping rules
/// - **budget**: at most `spec.budget` real evaluations are started — unless the proposer
///   ``Proposer/ownsBudget`` (SOO and BaMSOO as recorded, which check it only when a sweep
///   starts and may overshoot); then it stops itself, under a safety cap of 2·budget + 64.
/// - **hours** and **node-hours**: no trial starts at or after the horizon
///   ``RunSpec/horizonHours`` = min(`spec.hours`, `spec.nodeHours` / W) simulated hours;
///   trials already running *finish* and are recorded with their real end, and the
///   run's result is read at the horizon (``RunRecord/bestTrialWithinHorizon``,
///   ``RunRecord/best(atHours:)``): a value that arrives after it does not count.
/// - **target**: once a completed trial reaches `spec.target` (in the
///   metric's direction) at instant T*, no trial starts after T*. Trials that
///   started by T* finish. With optimiser overhead a trial's start lies after
///   the moment its worker asked (its proposal is being computed): every
///   trial whose start is later than T* — a proposal in flight, the rest of a
///   sync batch still being proposed — is **discarded**: recorded as
///   ``TrialState/discarded`` (no worker, no metrics, `start = end` = the
///   instant its proposal was ready, failure code `target-reached`), never
///   told to the proposer, and not an evaluation.
/// - the proposer answering `nil` with nothing running.
///
/// A failed trial occupies its worker for its reported duration and is told
/// to the proposer as a failure. Leaves the proposer scored with its model
/// (``Proposer/takeApproximations()``, BaMSOO) are collected after every
/// `propose` and `observe` and recorded as ``TrialState/approximated``
/// trials that use no worker (`worker = -1`, `start = end = now`); they take
/// trial ids in the order they are collected and do not count towards the
/// budget. Their metrics are the score under the run's metric (in the
/// metric's direction) plus `lcb` and `ucb` as the proposer gave them
/// (larger is better).
///
/// ## Determinism
/// A run is a pure function of its ``RunSpec`` (and ``Overhead``): the
/// proposer draws from `SeededGenerator.stream(seed, proposer)` and the
/// evaluation of trial `i` from `SeededGenerator.stream(seed, i, evaluation)`,
/// whatever the order in which trials complete, so the same spec gives a
/// byte-identical record on any machine and from any thread.
///
/// - Complexity: O(log W) per trial for the events and workers, plus O(W)
///   to maintain the pending list, plus the proposer's and evaluator's costs.
public struct Simulator: Sendable {
  /// What the run is: workers, mode, seed, metric, stopping rules.
  public let spec: RunSpec
  /// The optimiser's modelled cost per proposal.
  public let overhead: Overhead
  /// Whether every proposed point is checked to lie in the unit cube (default: in debug builds only).
  public var checksPoints: Bool

  /// The most trials a run without a budget may start: a guard against an hours limit that zero-length trials never reach.
  public static let unbudgetedTrialLimit = 10_000_000

  /// Whether points are checked by default: `true` in debug builds, `false` in release builds.
  public static var checksPointsByDefault: Bool {
    #if DEBUG
    return true
    #else
    return false
    #endif
  }

  /// A simulator for `spec`.
  /// - Throws: `.invalidInput` when W or the budget lies outside ``Limits`` (1 … 4,096 workers,
  ///   1 … 10⁶ evaluations), the hours are negative or not
  ///   finite, the target is not finite, or the run has neither a budget nor an hours limit
  ///   (a proposer like random search never stops by itself).
  public init(spec: RunSpec, overhead: Overhead = .none, checksPoints: Bool = Simulator.checksPointsByDefault) throws {
    guard spec.workers >= 1 else {
      throw LabError(.invalidInput, "a run needs at least one worker, got \(spec.workers)", location: .init(field: "workers"))
    }
    try Limits.check(spec.workers, in: Limits.workers, name: "the number of workers", location: .init(field: "workers"))
    if let budget = spec.budget, budget < 1 {
      throw LabError(.invalidInput, "the budget must be at least 1 evaluation, got \(budget)", location: .init(field: "budget"))
    }
    if let budget = spec.budget {
      try Limits.check(budget, in: Limits.budget, name: "the budget", unit: "evaluations", location: .init(field: "budget"))
    }
    if let hours = spec.hours, !(hours.isFinite && hours >= 0) {
      throw LabError(.invalidInput, "the hours limit must be finite and non-negative, got \(hours)", location: .init(field: "hours"))
    }
    if let target = spec.target, !target.isFinite {
      throw LabError(.invalidInput, "the target must be finite, got \(target)", location: .init(field: "target"))
    }
    if let nodeHours = spec.nodeHours {
      try Limits.checkNodeHours(nodeHours, name: "the node-hours budget", location: .init(field: "nodeHours"))
    }
    guard spec.budget != nil || spec.hours != nil || spec.nodeHours != nil else {
      throw LabError(
        .invalidInput, "a simulated run needs a budget, an hours limit or a node-hours budget", location: .init(field: "budget"))
    }
    self.spec = spec
    self.overhead = overhead
    self.checksPoints = checksPoints
  }

  /// Runs `proposer` against `evaluator` until a stopping rule holds; `proposer` is left as the run left it.
  ///
  /// - Returns: every trial in id order (= start order, approximations where they were collected),
  ///   with worker, start, end, state, point, configuration, metrics, source and info.
  /// - Throws: ``LabError`` when the evaluator cannot answer (e.g. a point absent from a replay
  ///   under the `error` policy), the proposer throws, a successful evaluation lacks the run's
  ///   metric, a duration is negative or not finite, or (when ``checksPoints``) a proposal lies
  ///   outside the unit cube — `.internalInconsistency`, naming the proposer. A *failed trial* is
  ///   not an error: it is recorded as ``TrialState/failed`` and the run goes on.
  public func run<P: Proposer, E: Evaluator>(_ proposer: inout P, evaluator: E) throws -> RunRecord {
    // The engine holds existentials rather than being generic: unspecialised generic code across the
    // module boundary would look up type metadata on every field access, which dominated the profile.
    var engine = Engine(simulator: self, proposer: proposer, evaluator: evaluator)
    defer {
      if let updated = engine.proposer as? P { proposer = updated }
    }
    return try engine.run()
  }

  /// Runs a copy of `proposer` against `evaluator` (see ``run(_:evaluator:)``).
  public func run<P: Proposer, E: Evaluator>(_ proposer: P, evaluator: E) throws -> RunRecord {
    var copy = proposer
    return try run(&copy, evaluator: evaluator)
  }
}

/// What the simulator schedules (kept outside the generic ``Engine`` so the queue is specialised once).
enum SimulationEvent {
  /// Trial `id` ends.
  case finish(Int)
  /// The proposer has finished computing a proposal and can be asked again (async with overhead).
  case proposerReady
}

/// One simulated run: the shared ``SchedulingCore`` (ask/tell, pending, budget, target) and the simulated time and workers.
private struct Engine {
  typealias Event = SimulationEvent

  var core: SchedulingCore
  var state: SimulationState

  var proposer: any Proposer { core.proposer }

  init(simulator: Simulator, proposer: any Proposer, evaluator: any Evaluator) {
    core = SchedulingCore(spec: simulator.spec, proposer: proposer)
    state = SimulationState(simulator: simulator, proposerName: proposer.name, evaluator: evaluator)
  }

  mutating func run() throws -> RunRecord {
    if case .measured = state.overhead { state.notes.append(Overhead.measuredNote) }
    state.observations = core.observations
    try core.fill(&state)
    while state.queue.popSimultaneous(into: &state.due) {
      let now = state.queue.now
      state.now = now
      for event in state.due {
        if case .finish(let id) = event, state.trials[id].state != .discarded { try finish(id, now: now) }
      }
      state.due.removeAll(keepingCapacity: true)
      state.observations = core.observations
      try core.fill(&state)
    }
    var makespan = 0.0
    for t in state.trials where t.state != .discarded && t.end > makespan { makespan = t.end }
    return RunRecord(spec: state.spec, trials: state.trials, makespan: makespan, notes: state.notes)
  }

  /// Tells the proposer that trial `id` has ended and frees its worker.
  mutating func finish(_ id: Int, now: Double) throws {
    state.freeWorkers.insert(state.trials[id].worker)
    let completed = state.trials[id].state == .completed
    let approximations = try core.tell(
      id, point: state.trials[id].point, value: completed ? state.values[id] : nil,
      failure: completed ? nil : (state.trials[id].failure ?? FailureReason("evaluator")))
    state.record(approximations, now: now)
    if core.reachedTarget { discardInFlight(now: now) }
  }

  /// Drops every started trial whose start lies after `now`, the instant the target was reached: its proposal
  /// was still being computed, so it never runs (see the type's Stopping rules).
  mutating func discardInFlight(now: Double) {
    for id in core.running where state.trials[id].start > now {
      core.forget(id)
      state.discard(id, targetReachedAt: now)
    }
  }
}

/// The simulator's side of a run: simulated time, workers, the event queue and the trials recorded (the ``TrialStarter`` the core drives).
private struct SimulationState: TrialStarter {
  typealias Event = SimulationEvent

  let spec: RunSpec
  let space: SearchSpace
  let overhead: Overhead
  let checksPoints: Bool
  let limit: Double
  let evaluationSeedPrefix: UInt64
  let proposerName: String
  let evaluator: any Evaluator

  var queue: EventQueue<Event>
  var due: [Event] = []
  var freeWorkers: Heap<Int>
  var trials: [TrialRecord] = []
  /// The core's count of told trials, copied before each fill (the overhead model depends on it).
  var observations = 0
  var proposerReadyAt = 0.0
  var notes: [String] = []
  /// The simulated time of the fill in progress.
  var now = 0.0
  /// The start time computed for the proposal being asked.
  var nextStart = 0.0

  /// The run's metric for each trial id (NaN when failed or approximated), to avoid hashing names twice.
  var values: [Double] = []

  init(simulator: Simulator, proposerName: String, evaluator: any Evaluator) {
    spec = simulator.spec
    space = simulator.spec.space
    overhead = simulator.overhead
    checksPoints = simulator.checksPoints
    limit = simulator.spec.horizonHours.map { $0 * 3600 } ?? .infinity
    evaluationSeedPrefix = EvaluationStreams.prefix(seed: simulator.spec.seed)
    self.proposerName = proposerName
    self.evaluator = evaluator
    queue = EventQueue(minimumCapacity: simulator.spec.workers + 1)
    freeWorkers = Heap(0..<simulator.spec.workers)
    due.reserveCapacity(simulator.spec.workers + 1)
    if let b = simulator.spec.budget {
      trials.reserveCapacity(min(b, 1 << 20))
      values.reserveCapacity(min(b, 1 << 20))
    }
  }

  func canAsk(mode: ExecutionMode) -> Bool {
    !freeWorkers.isEmpty && (mode == .sync || proposerReadyAt <= now)
  }

  mutating func beforeAsk(started: Int) throws -> Bool {
    if spec.budget == nil && started >= Simulator.unbudgetedTrialLimit {
      throw LabError(
        .invalidInput,
        "a run without a budget started \(started) trials before reaching its hours limit (trials that take no time?); give it a budget",
        location: .init(field: "budget"))
    }
    let ask = max(now, proposerReadyAt)
    nextStart = ask + overhead.seconds(afterObservations: observations)
    return nextStart < limit
  }

  mutating func ask(_ propose: () throws -> Proposal?) throws -> Proposal? {
    guard case .measured = overhead else { return try propose() }
    let clock = ContinuousClock()
    let begin = clock.now
    let proposal = try propose()
    let elapsed = clock.now - begin
    nextStart += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return proposal
  }

  mutating func record(_ approximations: [Approximation]) throws {
    record(approximations, now: now)
  }

  /// Starts `proposal` on the lowest free worker at the start time computed in ``beforeAsk(started:)``.
  mutating func start(_ proposal: Proposal) throws -> TrialID? {
    let start = nextStart
    guard start < limit else { return nil }
    let point = proposal.point
    try check(point)

    let id = trials.count
    guard let worker = freeWorkers.popMin() else {
      throw LabError(.internalInconsistency, "simulator: no free worker for trial \(id)")
    }
    let configuration = space.configuration(for: point)
    var evaluationRNG = EvaluationStreams.generator(prefix: evaluationSeedPrefix, trial: id)
    let evaluation = try evaluator.evaluate(configuration, at: point, trial: id, using: &evaluationRNG)
    let d = evaluation.durations
    guard d.training.isFinite, d.evaluation.isFinite, d.training >= 0, d.evaluation >= 0 else {
      throw LabError(
        .invalidInput,
        "evaluator '\(evaluator.name)' reported durations training \(d.training) s, evaluation \(d.evaluation) s for trial \(id) at \(configuration); durations must be finite and non-negative")
    }
    let end = start + d.total

    var record = TrialRecord(
      id: id, point: point, configuration: configuration, state: .completed, metrics: Metrics(),
      durations: d, worker: worker, start: start, end: end, source: evaluation.source, info: proposal.info)
    switch evaluation.outcome {
    case .success(let metrics):
      guard let value = metrics[spec.metric], value.isFinite else {
        throw LabError(
          .invalidInput,
          "evaluator '\(evaluator.name)' gave no finite '\(spec.metric)' for trial \(id) at \(configuration); it reports \(metrics.names.joined(separator: ", "))",
          location: .init(field: "metric"))
      }
      record.metrics = metrics
      values.append(value)
    case .failure(let reason):
      record.state = .failed
      record.failure = reason
      values.append(.nan)
    }
    trials.append(record)
    proposerReadyAt = start
    queue.schedule(.finish(id), at: end)
    if spec.mode == .async && start > now { queue.schedule(.proposerReady, at: start) }
    return id
  }

  /// Records trial `id` as discarded: it had a worker reserved and a start after `instant`, when the target was reached.
  mutating func discard(_ id: TrialID, targetReachedAt instant: Double) {
    let ready = trials[id].start
    freeWorkers.insert(trials[id].worker)
    trials[id].state = .discarded
    trials[id].worker = -1
    trials[id].end = ready
    trials[id].metrics = Metrics()
    trials[id].durations = .zero
    trials[id].failure = FailureReason(
      "target-reached", "its proposal was ready at \(ready) s, after the target was reached at \(instant) s; never started")
    values[id] = .nan
  }

  /// Records the leaves the proposer scored with its model.
  mutating func record(_ approximations: [Approximation], now: Double) {
    guard !approximations.isEmpty else { return }
    for a in approximations {
      var metrics = Metrics()
      metrics[spec.metric] = spec.direction == .maximize ? a.value : -a.value
      metrics["lcb"] = a.lower
      metrics["ucb"] = a.upper
      trials.append(
        TrialRecord(
          id: trials.count, point: a.point, configuration: space.configuration(for: a.point), state: .approximated,
          metrics: metrics, durations: .zero, worker: -1, start: now, end: now, source: .model, info: a.info))
      values.append(.nan)
    }
  }

  /// Rejects a point of the wrong dimension always, and one outside the unit cube when checking is on.
  func check(_ point: Point) throws {
    guard point.dimension == space.dimension, point.base.count == space.dimension else {
      throw LabError(
        .internalInconsistency,
        "proposer '\(proposerName)' proposed a point of dimension \(point.dimension) in a space of dimension \(space.dimension): \(point)")
    }
    if checksPoints && !space.contains(point) {
      throw LabError(
        .internalInconsistency,
        "proposer '\(proposerName)' proposed a point outside the unit cube: unit \(point.unit), base \(point) (trial \(trials.count))")
    }
  }
}

/// The per-trial evaluation streams, `SeededGenerator.stream(seed, trial, StreamPurpose.evaluation)`, without an array per trial.
///
/// ``SeededGenerator/deriveSeed(_:)`` folds its keys one after the other, so
/// the fold over `(seed)` is done once per run and only the trial id and the
/// purpose are folded per trial. `SimulatorTests` checks that the result
/// equals `SeededGenerator.stream(seed, UInt64(trial), 2)`.
enum EvaluationStreams {
  static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// The fold of the key count (3) and the run seed.
  static func prefix(seed: UInt64) -> UInt64 {
    let h: UInt64 = 0x6A09_E667_F3BC_C908 ^ 3
    return SplitMix64.mix(h &+ golden &+ seed)
  }

  @inline(__always)
  static func generator(prefix: UInt64, trial: Int) -> SeededGenerator {
    var h = SplitMix64.mix(prefix &+ golden &+ UInt64(truncatingIfNeeded: trial))
    h = SplitMix64.mix(h &+ golden &+ StreamPurpose.evaluation.rawValue)
    return SeededGenerator(seed: h)
  }
}
