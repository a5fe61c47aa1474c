// Notation
//   step k         the k-th line (1-based) of the recorded run, and the k-th leaf hpolab scored
//                  (an evaluation it proposed, or a leaf it approximated), in order
//   agreement      same base values bit for bit, same score_state, same depth, depth_id and loop,
//                  and for approximated leaves the same LCB

import LabCore
import LabData

/// A leaf hpolab scored during a replay: proposed for evaluation, or approximated by the model.
public struct ReplayedLeaf: Sendable, Hashable {
  public var point: Point
  public var state: ScoreState
  public var depth: Int?
  public var index: Int?
  public var loop: Int?
  /// The recorded metric that answered the evaluation, or the LCB of an approximated leaf; `nil` when no recorded trial matched.
  public var score: Double?
  /// The model's upper bound (BaMSOO), when the leaf was decided by the model.
  public var upper: Double?
  /// f⁺ when the model decided (BaMSOO).
  public var fPlus: Double?
}

/// One step of a replay check: the recorded line and the leaf hpolab produced at the same position.
public struct ReplayStep: Sendable, Hashable {
  /// 1-based.
  public var step: Int
  public var recorded: RecordedTrial?
  public var replayed: ReplayedLeaf?
  public var agrees: Bool
}

/// The outcome of driving a tree-search proposer against a recorded run.
public struct ReplayReport: Sendable, Hashable {
  public var run: String
  public var algorithm: String
  public var steps: [ReplayStep]
  /// The first step (1-based) that disagrees, or `nil` when every step agrees and the lengths match.
  public var firstDivergence: Int?
  /// Real evaluations hpolab proposed.
  public var evaluations: Int
  /// Why the replay stopped early, when it did (e.g. a configuration the recording never trained).
  public var note: String?

  /// Steps that agree before the first divergence.
  public var agreeingPrefix: Int { (firstDivergence ?? (steps.count + 1)) - 1 }
}

/// Drives a proposer against a recorded run, answering each proposal with the recorded trial trained with the same values.
///
/// Each proposal is converted (int truncation, 10^x) and looked up among the recording's
/// evaluated lines by exact converted values; its `metric` (HellaSwag accuracy by default)
/// is observed. Approximations reported by the proposer before a proposal come before it,
/// as in the traces. The replay stops when the proposer is done, when a configuration has
/// no recorded trial (the run left the recording), or after `maxSteps` leaves.
public enum TreeReplay {
  /// - Throws: what the proposer throws (e.g. ``RecordedConfidence`` when the tree leaves the recording).
  public static func run<P: Proposer>(
    _ proposer: inout P, against trials: [RecordedTrial], space: SearchSpace,
    metric: String = MetricName.hellaswagAcc, maxSteps: Int = 10_000, seed: UInt64 = 0
  ) throws -> ReplayReport {
    var lookup: [[Double]: RecordedTrial] = [:]
    for t in trials where t.state == .evaluated && lookup[t.converted] == nil { lookup[t.converted] = t }
    var leaves: [ReplayedLeaf] = []
    var rng = SeededGenerator(seed: seed)
    var note: String? = nil
    var evaluations = 0
    func integer(_ s: String?) -> Int? { s.flatMap { Int($0) } }
    replay: while leaves.count < maxSteps {
      let proposal: Proposal?
      do {
        proposal = try proposer.propose(pending: [], using: &rng)
      } catch let error as LabError where error.code == .notFound {
        note = error.message
        break replay
      }
      for a in proposer.takeApproximations() {
        leaves.append(
          ReplayedLeaf(
            point: a.point, state: .approximated, depth: integer(a.info["depth"]), index: integer(a.info["depth_id"]),
            loop: integer(a.info["loop"]), score: a.value, upper: a.upper, fPlus: a.info["f_plus"].flatMap(Double.init)))
      }
      guard let p = proposal else { break }
      evaluations += 1
      let configuration = space.configuration(for: p.point)
      var leaf = ReplayedLeaf(
        point: p.point, state: .evaluated, depth: integer(p.info["depth"]), index: integer(p.info["depth_id"]),
        loop: integer(p.info["loop"]), score: nil, upper: p.info["ucb"].flatMap(Double.init),
        fPlus: p.info["f_plus"].flatMap(Double.init))
      guard let t = lookup[configuration.values], let value = t.metrics[metric] else {
        leaves.append(leaf)
        note = "no recorded trial of \(trials.first?.run ?? "the run") was trained with \(configuration.describe(in: space)); the replay stops here"
        break
      }
      leaf.score = value
      leaves.append(leaf)
      try proposer.observe(Observation(trial: evaluations - 1, point: p.point, result: .value(value)))
    }
    var steps: [ReplayStep] = []
    var first: Int? = nil
    for k in 0..<max(leaves.count, trials.count) {
      let r = k < trials.count ? trials[k] : nil
      let l = k < leaves.count ? leaves[k] : nil
      let ok = r.flatMap { r in l.map { agree(r, $0) } } ?? false
      if !ok && first == nil { first = k + 1 }
      steps.append(ReplayStep(step: k + 1, recorded: r, replayed: l, agrees: ok))
    }
    return ReplayReport(
      run: trials.first?.run ?? "", algorithm: proposer.name, steps: steps, firstDivergence: first,
      evaluations: evaluations, note: note)
  }

  /// Whether a replayed leaf is the recorded line (see the notation block).
  public static func agree(_ r: RecordedTrial, _ l: ReplayedLeaf) -> Bool {
    func recordedInt(_ key: String) -> Int? { r.info(key).flatMap(RecordedConfidence.integer) }
    guard r.base == l.point.base, r.state == l.state else { return false }
    if let d = recordedInt("depth"), d != l.depth { return false }
    if let j = recordedInt("depth_id"), j != l.index { return false }
    if let loop = recordedInt("loop"), loop != l.loop { return false }
    if r.state == .approximated { return r.lcb == l.score }
    return true
  }
}
