import LabCore
import LabData

/// A proposer that proposes a recorded run's points in the recorded order, then stops: the proposer side of a playback.
///
/// Each proposal is the recorded *base* point (kept exactly, so its
/// configuration is the recorded one and ``ReplayEvaluator`` matches it),
/// with the recorded `info` plus `line`. Observations are ignored: the
/// sequence is fixed, which is only faithful for algorithms whose proposals
/// do not depend on results or on completion order (see ``Playback``).
///
/// With ``Grouping/sooExpansions``, a point is only proposed once every
/// pending point belongs to its group (consecutive lines with the same
/// `loop` and `depth`: the children of one SOO expansion); otherwise
/// `propose` answers `nil` until they finish.
/// - Complexity: O(d) per proposal.
public struct RecordedSequenceProposer: Proposer, Sendable {
  /// Which recorded points may run at the same time.
  public enum Grouping: String, Sendable, Hashable {
    /// Every point is independent of the results of the others (LHS).
    case independent
    /// Only the children of one expansion (consecutive lines sharing `loop` and `depth`) run together (SOO).
    case sooExpansions
  }

  public let run: String
  public let space: SearchSpace
  public let grouping: Grouping
  private let points: [Point]
  private let infos: [[String: String]]
  private let groups: [Int]
  private var next = 0
  public var name: String { "playback:\(run)" }

  /// The evaluated trials of `trials` (one recorded run), in file order, grouped by `grouping`
  /// (default: ``Playback/grouping(ofRun:)``), in `space` (default: the space of the campaign file that lists the
  /// run; for a run none lists, the unit cube of the trials' dimension, base values taken as unit coordinates).
  public init(run: String, trials: [RecordedTrial], space: SearchSpace? = nil, grouping: Grouping? = nil) {
    let dimension = max(1, trials.first?.base.count ?? 1)
    let unitCube = try? SearchSpace((0..<dimension).map { Parameter("x\($0 + 1)", .float, lower: 0, upper: 1) })
    guard let space = space ?? Campaign.of(run: run)?.space ?? unitCube else { fatalError("the unit cube is a valid space") }
    let evaluated = trials.filter { $0.state == .evaluated }
    let grouping = grouping ?? Playback.grouping(ofRun: run)
    self.run = run
    self.space = space
    self.grouping = grouping
    self.points = evaluated.map { space.point(base: $0.base) }
    self.infos = evaluated.map { t in
      var info: [String: String] = ["line": String(t.line)]
      for entry in t.info { info[entry.key] = entry.value.description }
      return info
    }
    var groups: [Int] = []
    var previous: String? = nil
    for (i, t) in evaluated.enumerated() {
      switch grouping {
      case .independent:
        groups.append(0)
      case .sooExpansions:
        let key = "\(t.info("loop")?.description ?? "?")/\(t.info("depth")?.description ?? "?")"
        groups.append(key == previous ? (groups.last ?? i) : i)
        previous = key
      }
    }
    self.groups = groups
  }

  /// The number of points the sequence holds.
  public var count: Int { points.count }

  /// The number of groups of points that may run together.
  public var groupCount: Int { Set(groups).count }

  public mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    guard next < points.count else { return nil }
    if !pending.isEmpty, next > 0, groups[next] != groups[next - 1] { return nil }
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
/// - **SOO** (Munos 2011): the choice at depth h + 1 of a sweep depends on the
///   children just evaluated at depth h, so only the children of one
///   expansion (K − 1 = 2 evaluated points in the recordings) can run
///   together; playback runs them as synchronous groups and waits between
///   groups, which reproduces every recorded decision. (A parallel SOO that
///   expands a whole sweep at once is another algorithm: simulate it with
///   `hpolab run --algorithm soo`.)
/// - **BO** and **BaMSOO** (Wang et al. 2014): each proposal depends on every
///   result before it, so under W > 1 workers they would have proposed other points.
public enum Playback {
  /// The algorithm a recorded run used: the `algorithm` of its `[[runs]]` entry in the campaign files
  /// (`lhs_bis` → `lhs`); the run's own name when no campaign file lists it.
  public static func algorithm(ofRun run: String) -> String {
    Campaign.algorithm(ofRun: run) ?? run
  }

  /// How the points of run `run` may run together: the children of one expansion for SOO, all of them otherwise.
  public static func grouping(ofRun run: String) -> RecordedSequenceProposer.Grouping {
    algorithm(ofRun: run) == "soo" ? .sooExpansions : .independent
  }

  /// Why run `run` cannot be re-timed under `workers` workers, or nil when it can.
  ///
  /// W = 1 in either mode is the recording itself and is always allowed.
  public static func refusal(run: String, workers: Int) -> String? {
    if workers == 1 { return nil }
    switch algorithm(ofRun: run) {
    case "lhs": return nil
    case "soo": return nil
    case "bo":
      return "\(run) was recorded by Bayesian optimisation, whose every proposal depends on all results before it; under \(workers) workers it would have proposed other points — simulate it with hpolab run --algorithm bo instead"
    case "bamsoo":
      return "\(run) was recorded by BaMSOO, whose expansions and GP-approximated leaves depend on all results before them; under \(workers) workers it would have proposed other points — simulate it with hpolab run --algorithm bamsoo instead"
    default:
      return "\(run): unknown algorithm '\(algorithm(ofRun: run))'; playback supports lhs and soo runs (any W) and any run at W = 1"
    }
  }
}
