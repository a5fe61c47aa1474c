// The ask/tell, pending and budget policy shared by the simulator and the wall-clock live runner.
//
// Notation
//   W        workers; the driver knows which are free, the core only asks whether one is
//   started  proposals turned into trials (a relaunch of an interrupted trial is not a new proposal)
//   B        the cap on `started`: spec.budget, or 2·budget + 64 when the proposer owns its budget
//            (SOO and BaMSOO as recorded stop themselves and may overshoot), ∞ without a budget
//   pending  the points of trials started and not yet told, in start order (the `pending` argument)
//   best     the best metric value told so far, in the metric's direction (for the target rule)

import LabCore

/// What a scheduling driver (the simulator, the live runner) does for the ``SchedulingCore``: say whether a worker can take a trial, and start one.
///
/// The core decides *whether* to ask and what to tell; the driver owns time
/// and workers. Every hook but ``start(_:)`` has a neutral default.
public protocol TrialStarter {
  /// Whether a worker is free to take a trial now (the simulator's async policy also waits for the proposer to be ready).
  func canAsk(mode: ExecutionMode) -> Bool
  /// Called before each proposal with the number started so far; `false` stops launching for good (an hours limit).
  /// - Throws: when the driver refuses to go on (e.g. an unbudgeted run that never reaches its hours limit).
  mutating func beforeAsk(started: Int) throws -> Bool
  /// Runs the proposer's `propose` (the simulator times it under measured overhead).
  mutating func ask(_ propose: () throws -> Proposal?) throws -> Proposal?
  /// Records leaves the proposer scored with its model (BaMSOO); called only when there are some.
  mutating func record(_ approximations: [Approximation]) throws
  /// Starts a trial for `proposal` on a free worker and returns its id, or `nil` when it may not start (the hours limit passed while proposing).
  mutating func start(_ proposal: Proposal) throws -> TrialID?
}

extension TrialStarter {
  public mutating func beforeAsk(started: Int) throws -> Bool { true }
  public mutating func ask(_ propose: () throws -> Proposal?) throws -> Proposal? { try propose() }
  public mutating func record(_ approximations: [Approximation]) throws {}
}

/// The decisions of an optimisation run that do not depend on time: when to ask the proposer, what is pending, when the budget or target stops it, what it is told.
///
/// Both the discrete-event ``Simulator`` and LabLive's wall-clock runner drive
/// one of these, so a proposer makes the same decisions for the same results
/// whichever of the two runs it (`SchedulingCoreTests` runs one proposer through both).
///
/// ## Policies
/// - **async**: while a worker is free (``TrialStarter/canAsk(mode:)``), the
///   proposer is asked with every started, untold trial as `pending`; `nil`
///   with trials running means "wait for the next completion", `nil` with
///   nothing running means "done".
/// - **sync**: only when nothing is running, `propose` is called repeatedly
///   (the batch so far pending) until it answers `nil` or no worker is free;
///   a batch that starts nothing ends the run.
///
/// ## Budget
/// At most `spec.budget` proposals are started — unless the proposer
/// ``Proposer/ownsBudget`` (SOO and BaMSOO as recorded check it only when a
/// sweep starts and may overshoot); then it stops itself, under a safety cap
/// of 2·budget + 64. Relaunching an interrupted trial (live resume) is not a
/// new proposal and does not count.
///
/// ## Target
/// Once a told value reaches `spec.target` (in the metric's direction), no new trial starts
/// (``reachedTarget``); a driver whose started trials may still be waiting for their proposal's
/// overhead drops those with ``forget(_:)`` (the simulator records them as ``TrialState/discarded``).
///
/// - Complexity: O(W) per start and per tell (the pending list), plus the proposer's own cost.
public struct SchedulingCore {
  /// The proposer asked and told; left as the run left it.
  public var proposer: any Proposer
  /// The proposer's random stream, `SeededGenerator.stream(seed, proposer)`.
  public var rng: SeededGenerator
  public let mode: ExecutionMode
  public let direction: Direction
  public let target: Double?
  /// The cap on started proposals (see the type's discussion).
  public let budget: Int
  /// Ids of the trials started and not yet told, in start order.
  public private(set) var running: [TrialID] = []
  /// Their points, in the same order: what `propose` is given as pending.
  public private(set) var pending: [Point] = []
  /// Proposals started so far.
  public private(set) var started = 0
  /// Trials told so far (completed or failed).
  public private(set) var observations = 0
  /// The best metric value told so far, in the metric's direction.
  public private(set) var best: Double? = nil
  /// Whether new trials may still start; false once a stopping rule held or the proposer is done.
  public private(set) var launching = true
  /// Whether a told value has reached ``target`` (launching stopped then; a driver whose proposals start
  /// later than they are asked for, like the simulator with overhead, drops the ones not yet started).
  public private(set) var reachedTarget = false

  /// A core for `spec`, driving `proposer` with the run's proposer stream.
  public init(spec: RunSpec, proposer: any Proposer) {
    self.proposer = proposer
    rng = SeededGenerator.stream(spec.seed, StreamPurpose.proposer.rawValue)
    mode = spec.mode
    direction = spec.direction
    target = spec.target
    // Saturating: the budget is at most Limits.budget, but the cap must not trap whatever it is.
    budget =
      spec.budget.map { b in
        guard proposer.ownsBudget else { return b }
        let (twice, overflow) = b.multipliedReportingOverflow(by: 2)
        return overflow || twice > Int.max - 64 ? Int.max : twice + 64
      } ?? Int.max
    running.reserveCapacity(spec.workers)
    pending.reserveCapacity(spec.workers)
  }

  /// Starts trials while the policy allows it (see the type's discussion).
  public mutating func fill<S: TrialStarter>(_ starter: inout S) throws {
    guard launching else { return }
    switch mode {
    case .async:
      while launching, starter.canAsk(mode: mode) {
        guard try launch(&starter) else {
          if running.isEmpty { launching = false }
          break
        }
      }
    case .sync:
      guard running.isEmpty else { return }
      while launching, starter.canAsk(mode: mode) {
        guard try launch(&starter) else { break }
      }
      if running.isEmpty { launching = false }
    }
  }

  /// Asks the proposer for one point and has the driver start it; `false` when no trial was started.
  mutating func launch<S: TrialStarter>(_ starter: inout S) throws -> Bool {
    guard started < budget else {
      launching = false
      return false
    }
    guard try starter.beforeAsk(started: started) else {
      launching = false
      return false
    }
    let proposal = try starter.ask { try proposer.propose(pending: pending, using: &rng) }
    let approximations = proposer.takeApproximations()
    if !approximations.isEmpty { try starter.record(approximations) }
    guard let proposal else { return false }
    guard let id = try starter.start(proposal) else {
      launching = false
      return false
    }
    running.append(id)
    pending.append(proposal.point)
    started += 1
    return true
  }

  /// Marks trial `id` at `point` as running without asking the proposer: an interrupted trial launched again on resume.
  public mutating func adopt(_ id: TrialID, point: Point) {
    running.append(id)
    pending.append(point)
  }

  /// Stops launching (a stop request, an evaluator fault, a circuit breaker).
  public mutating func stopLaunching() { launching = false }

  /// Tells the proposer that trial `id` ended with `value` (the metric, in its own direction) or `failure`; returns the approximations collected after the tell.
  /// - Throws: whatever the proposer's `observe` throws.
  public mutating func tell(_ id: TrialID, point: Point, value: Double?, failure: FailureReason?) throws -> [Approximation] {
    forget(id)
    observations += 1
    let result: Observation.Result
    if let value {
      result = .value(direction.objective(value))
      if let b = best {
        if direction.isBetter(value, than: b) { best = value }
      } else {
        best = value
      }
      if let target, let b = best, b == target || direction.isBetter(b, than: target) {
        launching = false
        reachedTarget = true
      }
    } else {
      result = .failed(failure ?? FailureReason("evaluator"))
    }
    try proposer.observe(Observation(trial: id, point: point, result: result))
    return proposer.takeApproximations()
  }

  /// Removes trial `id` from the running trials without telling the proposer (a trial interrupted by a stop).
  public mutating func forget(_ id: TrialID) {
    if let k = running.firstIndex(of: id) {
      running.remove(at: k)
      pending.remove(at: k)
    }
  }

  /// Replays one recorded proposal: asks the proposer with the current pending points, *without* starting anything.
  ///
  /// The caller compares the answer with the record and then calls ``replayStarted(_:point:)``;
  /// approximations the proposer scores on the way are dropped (they are in the record already).
  public mutating func replayPropose() throws -> Proposal? {
    let proposal = try proposer.propose(pending: pending, using: &rng)
    _ = proposer.takeApproximations()
    return proposal
  }

  /// Counts a replayed proposal as started, trial `id` at `point` now pending.
  public mutating func replayStarted(_ id: TrialID, point: Point) {
    adopt(id, point: point)
    started += 1
  }
}
