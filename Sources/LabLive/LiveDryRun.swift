// What the next session of a live run would launch, computed without running or writing anything.

import Foundation
import LabCore
import LabSimulation
import LabStore

/// The trials a session would start first — as a *resume* would launch them — with their exact argument arrays and environment.
///
/// The run's recorded trials (if the database has the run) are replayed into
/// a fresh proposer exactly as ``LiveRunner`` does, trials left running or
/// interrupted come first, then the proposer's next proposals fill the
/// remaining worker slots. Nothing is written: the database is opened read-only
/// and only when it exists.
public struct LiveDryRun: Sendable {
  /// One trial to be launched.
  public struct Launch: Sendable, Hashable {
    public var trial: LiveTrial
    public var slot: WorkerSlot
    /// The variables the trial adds to the parent's environment.
    public var environment: [String: String]
    public var finetune: [String]
    public var evaluate: [String]
    /// The interrupted trial this one runs again, if any.
    public var resumes: TrialID?
  }

  public var launches: [Launch]
  /// Trials already recorded for the run (0 for a new run).
  public var recorded: Int

  /// The first trials the next session of `plan` would start, with `litgpt` resolved to `executable`.
  /// - Throws: ``LabError`` when the recorded run cannot be replayed (another definition or seed).
  public init(plan: LivePlan) throws {
    var previous: [TrialRecord] = []
    if FileManager.default.fileExists(atPath: plan.database) {
      let db = try LabDatabase(path: plan.database, mode: .existing)
      if try db.runIDs().contains(plan.runID) {
        previous = try db.loadRun(id: plan.runID).trials.map { t in
          var t = t
          if t.state == .running { t.state = .interrupted }
          return t
        }
      }
    }
    recorded = previous.count
    var core = SchedulingCore(spec: plan.spec, proposer: try plan.proposer())
    let reproposals = try LiveRunner.replay(previous: previous.sorted { $0.id < $1.id }, core: &core, spec: plan.spec)
    var nextID = (previous.map(\.id).max() ?? -1) + 1
    var planned: [(LiveTrial, TrialID?)] = []
    for r in reproposals.prefix(plan.slots.count) {
      planned.append(
        (LiveTrial(id: nextID, point: r.point, configuration: plan.spec.space.configuration(for: r.point), info: r.info), r.from))
      core.forget(r.from)
      core.adopt(nextID, point: r.point)
      nextID += 1
    }
    if reproposals.count <= plan.slots.count {
      var starter = DryStarter(free: plan.slots.count - planned.count, nextID: nextID, space: plan.spec.space)
      try core.fill(&starter)
      planned += starter.trials.map { ($0, nil) }
    }
    let evaluator = try plan.evaluator()
    launches = try zip(planned, plan.slots).map { item, slot in
      let (finetune, evaluate) = try evaluator.commands(for: item.0, slot: slot)
      return Launch(
        trial: item.0, slot: slot, environment: trialEnvironmentOverrides(slot: slot, launcher: plan.launcher),
        finetune: finetune, evaluate: evaluate, resumes: item.1)
    }
  }

  /// Records the proposals the core would start, numbering them (approximations take ids too).
  private struct DryStarter: TrialStarter {
    var free: Int
    var nextID: TrialID
    let space: SearchSpace
    var trials: [LiveTrial] = []
    func canAsk(mode: ExecutionMode) -> Bool { free > 0 }
    mutating func record(_ approximations: [Approximation]) throws { nextID += approximations.count }
    mutating func start(_ proposal: Proposal) throws -> TrialID? {
      let id = nextID
      nextID += 1
      free -= 1
      trials.append(LiveTrial(id: id, point: proposal.point, configuration: space.configuration(for: proposal.point), info: proposal.info))
      return id
    }
  }
}
