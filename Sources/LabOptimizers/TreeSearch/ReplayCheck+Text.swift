import LabCore
import LabData

extension ReplayCheck {
  /// The human-readable report: one line per step (recorded, and ours where it differs), then the verdict.
  public var text: String {
    func base(_ values: [Double]?) -> String {
      guard let values else { return "—" }
      return "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
    }
    func node(_ d: Int?, _ j: Int?, _ loop: Int?) -> String {
      "(\(d.map(String.init) ?? "?"),\(j.map(String.init) ?? "?")) L\(loop.map(String.init) ?? "?")"
    }
    func score(_ t: RecordedTrial) -> Double? { t.state == .approximated ? t.lcb : t.metrics[MetricName.hellaswagAcc] }
    var lines = ["\(report.run) (\(report.algorithm), \(mode)): recorded vs proposed, step by step", ""]
    for s in report.steps {
      let mark = s.agrees ? "=" : "≠"
      var line = "\(leftPad(String(s.step), 3)) \(mark) "
      if let r = s.recorded {
        line += "rec  \(rightPad(r.state.rawValue, 12)) \(rightPad(node(r.intInfo("depth"), r.intInfo("depth_id"), r.intInfo("loop")), 16)) "
        line += "\(base(r.base)) score \(score(r).map { "\($0)" } ?? "—")"
      } else {
        line += "rec  (none)"
      }
      lines.append(line)
      if let l = s.replayed, !s.agrees || l.point.base != s.recorded?.base {
        var ours = "      ours \(rightPad(l.state.rawValue, 12)) \(rightPad(node(l.depth, l.index, l.loop), 16)) \(base(l.point.base))"
        ours += " score \(l.score.map { "\($0)" } ?? "—")"
        if let u = l.upper, let f = l.fPlus { ours += " (UCB \(u), f⁺ \(f))" }
        lines.append(ours)
      } else if s.replayed == nil {
        lines.append("      ours (none)")
      }
    }
    lines.append("")
    if let k = report.firstDivergence {
      lines.append(
        "first divergence at step \(k): the first \(report.agreeingPrefix) of \(report.steps.count) steps agree "
          + "(\(report.evaluations) evaluations proposed)")
      if let why = report.divergenceReason { lines.append("why: \(why)") }
      lines.append("same leaf and same evaluate/approximate decision at \(report.sameLeafAndDecision) of \(report.steps.count) recorded steps")
      if let note = report.note { lines.append("stopped: \(note)") }
    } else {
      lines.append("full agreement: all \(report.steps.count) steps (\(report.evaluations) evaluations) match the recording")
    }
    return lines.joined(separator: "\n")
  }

  /// The JSON form of the check (`hpolab replay check --json`).
  public var json: ReplayCheckJSON { ReplayCheckJSON(report, mode: mode) }
}

/// The JSON form of a replay check; keys in snake case, as the traces spell them.
public struct ReplayCheckJSON: Encodable, Sendable {
  struct Leaf: Encodable, Sendable {
    var base: [Double]
    var state: String
    var depth: Int?
    var depth_id: Int?
    var loop: Int?
    var score: Double?
    var ucb: Double?
  }
  struct Step: Encodable, Sendable {
    var step: Int
    var agrees: Bool
    var recorded: Leaf?
    var proposed: Leaf?
  }
  var run: String
  var algorithm: String
  var mode: String
  var steps: [Step]
  var first_divergence: Int?
  var agreeing_prefix: Int
  var evaluations: Int
  var note: String?

  init(_ r: ReplayReport, mode: String) {
    run = r.run
    algorithm = r.algorithm
    self.mode = mode
    first_divergence = r.firstDivergence
    agreeing_prefix = r.agreeingPrefix
    evaluations = r.evaluations
    note = r.note
    steps = r.steps.map { s in
      Step(
        step: s.step, agrees: s.agrees,
        recorded: s.recorded.map { t in
          Leaf(
            base: t.base, state: t.state.rawValue, depth: t.intInfo("depth"), depth_id: t.intInfo("depth_id"),
            loop: t.intInfo("loop"), score: t.state == .approximated ? t.lcb : t.metrics[MetricName.hellaswagAcc], ucb: t.ucb)
        },
        proposed: s.replayed.map { l in
          Leaf(
            base: l.point.base, state: l.state.rawValue, depth: l.depth, depth_id: l.index, loop: l.loop, score: l.score,
            ucb: l.upper)
        })
    }
  }
}

extension RecordedTrial {
  /// The integer `info` value under `key` (SOO's depth, depth_id, loop), or nil.
  fileprivate func intInfo(_ key: String) -> Int? {
    info(key).flatMap { v -> Int? in
      if case .int(let i) = v { return i }
      return nil
    }
  }
}

private func leftPad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
private func rightPad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
