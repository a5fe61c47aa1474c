import LabCore

/// A proposer that proposes a recorded run's points in the recorded order, then stops: the proposer side of a playback.
///
/// Each proposal is the recorded *base* point (kept exactly, so its
/// configuration is the recorded one and ``ReplayEvaluator`` matches it),
/// with the recorded `info` plus `line`. Observations are ignored: the
/// sequence is fixed, which is only faithful for algorithms whose proposals
/// do not depend on results or on completion order (see ``Playback``).
/// - Complexity: O(d) per proposal.
public struct RecordedSequenceProposer: Proposer, Sendable {
  public let run: String
  public let space: SearchSpace
  private let points: [Point]
  private let infos: [[String: String]]
  private var next = 0
  public var name: String { "playback:\(run)" }

  /// The evaluated trials of `trials` (one recorded run), in file order.
  public init(run: String, trials: [RecordedTrial]) {
    let space = Campaign.of(run: run).space
    let evaluated = trials.filter { $0.state == .evaluated }
    self.run = run
    self.space = space
    self.points = evaluated.map { space.point(base: $0.base) }
    self.infos = evaluated.map { t in
      var info: [String: String] = ["line": String(t.line)]
      for entry in t.info { info[entry.key] = entry.value.description }
      return info
    }
  }

  /// The number of points the sequence holds.
  public var count: Int { points.count }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    guard next < points.count else { return nil }
    defer { next += 1 }
    return Proposal(point: points[next], info: infos[next])
  }

  public mutating func observe(_ observation: Observation) throws {}
}

/// Which recorded runs can be re-timed under W workers, and why the others cannot.
///
/// Playback proposes the recorded points in the recorded order, so it is
/// faithful only for algorithms whose proposals depend neither on results
/// nor on the order in which trials complete:
/// - **LHS** (McKay et al. 1979): the design is fixed before any result; any W, either mode.
/// - **SOO** (Munos 2011): a parallel SOO expands every selected node of a
///   sweep at once, which changes which nodes are expanded; the recorded
///   sequential order cannot simply be re-timed, so it needs the SOO proposer
///   re-run in synchronous sweeps against the replay (not done by playback).
/// - **BO** and **BaMSOO** (Wang et al. 2014): each proposal depends on every
///   result before it, so under W > 1 workers they would have proposed other points.
public enum Playback {
  /// The algorithm a recorded run used, from its name: `lhs_bis` → `lhs`.
  public static func algorithm(ofRun run: String) -> String {
    run.hasSuffix("_bis") ? String(run.dropLast(4)) : run
  }

  /// Why run `run` cannot be re-timed under `workers` workers, or nil when it can.
  ///
  /// W = 1 in either mode is the recording itself and is always allowed.
  public static func refusal(run: String, workers: Int) -> String? {
    if workers == 1 { return nil }
    switch algorithm(ofRun: run) {
    case "lhs": return nil
    case "soo":
      return "\(run) was recorded by sequential SOO: under \(workers) workers SOO expands a whole sweep at once and would propose other points; run the SOO proposer in sync mode against replay:\(run) with the 'nearest' or 'surrogate' policy instead (hpolab run --algorithm soo --mode sync)"
    case "bo":
      return "\(run) was recorded by Bayesian optimisation, whose every proposal depends on all results before it; under \(workers) workers it would have proposed other points — simulate it with hpolab run --algorithm bo instead"
    case "bamsoo":
      return "\(run) was recorded by BaMSOO, whose expansions and GP-approximated leaves depend on all results before them; under \(workers) workers it would have proposed other points — simulate it with hpolab run --algorithm bamsoo instead"
    default:
      return "\(run): unknown algorithm '\(algorithm(ofRun: run))'; playback supports lhs runs (any W) and any run at W = 1"
    }
  }
}
