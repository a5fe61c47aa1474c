import Foundation
import LabCore
import LabData

/// A step-by-step check of hpolab's SOO or BaMSOO against a recorded run: what `hpolab replay check` runs.
///
/// SOO runs (`soo`, `soo_bis`) must agree point for point. For `bamsoo_bis`, hpolab's own GP
/// decides by default (``Decisions/gp``), and the report says how far it agrees before the
/// first divergence and why it diverged; ``Decisions/recorded`` injects the recorded
/// decisions and LCBs (a circular check of the tree rules alone), and must agree on all 68 lines.
/// Runs of other algorithms (bo, lhs) cannot be checked point by point.
public struct ReplayCheck: Sendable {
  /// Who decides, in BaMSOO, whether a leaf is evaluated or approximated.
  public enum Decisions: String, Sendable, CaseIterable {
    /// hpolab's own GP (η = 1).
    case gp
    /// The recorded decisions and LCBs, fed back in.
    case recorded
  }

  /// The recorded run checked (file stem).
  public var run: String
  /// `soo` or `bamsoo`.
  public var algorithm: String
  /// What decided: the recorded tree rules, the recorded decisions, or hpolab's GP.
  public var mode: String
  /// The step-by-step comparison.
  public var report: ReplayReport
  /// Whether any divergence is an error (SOO, and BaMSOO on recorded decisions).
  public var mustAgree: Bool

  /// Replays `trials` (recorded run `run`) through hpolab's proposer for that run's algorithm.
  /// - Throws: `.unsupported` for a run that is neither SOO nor BaMSOO (saying why);
  ///   what the proposer throws.
  public init(run: String, trials: [RecordedTrial], decisions: Decisions = .gp, budget: Int = 50, seed: UInt64 = 0) throws {
    self.run = run
    let space = try Campaign.recorded(run: run).space
    algorithm = try Self.algorithm(ofRun: run)
    if algorithm == "soo" {
      mode = "recorded tree rules"
      var soo = try SOO(space: space, options: TreeSearchOptions(budget: budget))
      report = try TreeReplay.run(&soo, against: trials, space: space, seed: seed)
    } else if decisions == .recorded {
      mode = "recorded evaluate/approximate decisions and LCBs"
      var b = try BaMSOO(
        space: space, model: try RecordedConfidence(trials: trials), eta: 1,
        options: BaMSOO<RecordedConfidence>.recordedOptions(budget: budget))
      report = try TreeReplay.run(&b, against: trials, space: space, seed: seed)
    } else {
      mode = "hpolab's GP decides (eta = 1)"
      var b = try BaMSOO(space: space, budget: budget)
      report = try TreeReplay.run(&b, against: trials, space: space, seed: seed)
    }
    mustAgree = algorithm == "soo" || decisions == .recorded
  }

  /// The algorithm a recorded run can be checked with: `soo` or `bamsoo`.
  /// - Throws: `.unsupported` for any other run, saying why.
  public static func algorithm(ofRun run: String) throws -> String {
    let algorithm = Campaign.algorithm(ofRun: run)
    if algorithm == "bamsoo" || algorithm == "soo" { return algorithm ?? "" }
    throw LabError(
      .unsupported,
      "a point-by-point check is not meaningful for '\(run)': only SOO and BaMSOO are deterministic given the results; "
        + "bo and lhs draw random numbers whose seeds were not recorded (re-time them with 'hpolab replay' instead)",
      location: .init(field: "RUN"))
  }

  /// The error a divergence that should not happen becomes, or nil.
  public func failure(file: String) -> LabError? {
    guard mustAgree, let k = report.firstDivergence else { return nil }
    return LabError(
      .internalInconsistency, "\(run): hpolab's \(algorithm) left the recording at step \(k)", location: .init(file: file))
  }
}

extension ReplayReport {
  /// Recorded steps at which hpolab scored the same leaf (same base values) with the same evaluate/approximate decision.
  public var sameLeafAndDecision: Int {
    steps.filter { s in
      guard let r = s.recorded, let l = s.replayed else { return false }
      return r.base == l.point.base && r.state == l.state
    }.count
  }

  /// Why the first divergence happened, in one sentence (`nil` without a divergence or without both sides).
  public var divergenceReason: String? {
    guard let k = firstDivergence, let s = steps.first(where: { $0.step == k }), let r = s.recorded, let l = s.replayed
    else { return nil }
    func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "?" }
    if r.state != l.state {
      let recorded = r.state == .approximated ? "approximated it (recorded UCB \(number(r.ucb)) < f⁺)" : "evaluated it"
      let own = l.state == .approximated
        ? "approximated it (UCB \(number(l.upper)) < f⁺ \(number(l.fPlus)))"
        : "evaluated it (UCB \(number(l.upper)) ≥ f⁺ \(number(l.fPlus)))"
      return "same leaf, different decision: the recording \(recorded); hpolab's GP \(own) — the GP fits differ"
    }
    if r.state == .approximated && r.base == l.point.base {
      return "same leaf approximated, different LCB (recorded \(number(r.lcb)), ours \(number(l.score))) — the GP fits differ"
    }
    return "an earlier score differed, so the tree expanded another leaf"
  }
}
