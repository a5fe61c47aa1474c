import ArgumentParser
import Foundation
import LabCore
import LabEvaluators
import LabOptimizers

/// `hpolab replay check RUN`: prints, per step, the recorded point against the one hpolab proposes.
///
/// SOO runs (`soo`, `soo_bis`) must agree point for point. For `bamsoo_bis`, hpolab's own GP
/// decides by default (`--decisions gp`), and the report says how far it agrees before the
/// first divergence; `--decisions recorded` injects the recorded decisions and LCBs, and must
/// agree on all 68 lines. Runs of other algorithms (bo, lhs) cannot be checked point by point.
struct ReplayCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Compare, step by step, what hpolab's optimiser proposes with what a recorded run did.",
    discussion: """
      Answers each proposal with the recorded trial trained with the same converted values. \
      Exit status 0 when the check agrees (or, for BaMSOO on hpolab's GP, when the report could be made), \
      1 on a divergence that should not happen or a run that cannot be checked.
      """)

  enum Decisions: String, ExpressibleByArgument, CaseIterable {
    case gp, recorded
  }

  @Argument(help: ArgumentHelp("The recorded run (file stem): soo, soo_bis or bamsoo_bis.", valueName: "run"))
  var runName: String

  @Option(name: .long, help: "Folder holding RUN.json (default: traces/a100, else ../shared/traces/a100).")
  var traces: String?

  @Flag(name: .long, help: "Print the report as JSON.")
  var json = false

  @Option(name: .long, help: "BaMSOO only: who decides evaluate-or-approximate: 'gp' (hpolab's GP) or 'recorded'.")
  var decisions: Decisions = .gp

  @Option(name: .long, help: "The evaluation budget the recorded run was given.")
  var budget: Int = 50

  @Option(name: .long, help: "Seed of the generator handed to the proposer (hpolab's GP restarts).")
  var seed: UInt64 = 0

  func validate() throws {
    try validateLimits { try Limits.check(budget, in: Limits.budget, name: "--budget", unit: "evaluations") }
  }

  func run() throws {
    try runReportingErrors {
      let algorithm: String
      if runName.hasPrefix("bamsoo") {
        algorithm = "bamsoo"
      } else if runName.hasPrefix("soo") {
        algorithm = "soo"
      } else {
        throw LabError(
          .unsupported,
          "a point-by-point check is not meaningful for '\(runName)': only SOO and BaMSOO are deterministic given the results; "
            + "bo and lhs draw random numbers whose seeds were not recorded (re-time them with 'hpolab replay' instead)",
          location: .init(field: "RUN"))
      }
      let url = try traceFile()
      let trials = try TraceParser.parse(contentsOf: url).trials
      let space = Campaign.of(run: runName).space
      let report: ReplayReport
      var mode = "recorded tree rules"
      if algorithm == "soo" {
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
      let mustAgree = algorithm == "soo" || decisions == .recorded
      if json {
        try printJSON(ReplayCheckJSON(report, mode: mode))
      } else {
        print(render(report, space: space, mode: mode))
      }
      if mustAgree, report.firstDivergence != nil {
        throw LabError(
          .internalInconsistency,
          "\(runName): hpolab's \(algorithm) left the recording at step \(report.firstDivergence ?? 0)",
          location: .init(file: url.path))
      }
    }
  }

  private func traceFile() throws -> URL {
    let name = "\(runName).json"
    let folders = traces.map { [$0] } ?? EvaluatorCatalogue.Context.traceFolderCandidates
    for folder in folders {
      let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: url.path) { return url }
    }
    throw LabError(
      .notFound, "no recorded run '\(runName)': \(name) is not in \(folders.joined(separator: " or "))",
      location: .init(field: "RUN"))
  }

  private func render(_ report: ReplayReport, space: SearchSpace, mode: String) -> String {
    func base(_ values: [Double]?) -> String {
      guard let values else { return "—" }
      return "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
    }
    func node(_ d: Int?, _ j: Int?, _ loop: Int?) -> String {
      "(\(d.map(String.init) ?? "?"),\(j.map(String.init) ?? "?")) L\(loop.map(String.init) ?? "?")"
    }
    func int(_ t: RecordedTrial, _ key: String) -> Int? {
      t.info(key).flatMap { v -> Int? in
        if case .int(let i) = v { return i }
        return nil
      }
    }
    func score(_ t: RecordedTrial) -> Double? { t.state == .approximated ? t.lcb : t.metrics[MetricName.hellaswagAcc] }
    var lines = ["\(report.run) (\(report.algorithm), \(mode)): recorded vs proposed, step by step", ""]
    for s in report.steps {
      let mark = s.agrees ? "=" : "≠"
      var line = "\(String(s.step).leftPad(3)) \(mark) "
      if let r = s.recorded {
        line += "rec  \(r.state.rawValue.rightPad(12)) \(node(int(r, "depth"), int(r, "depth_id"), int(r, "loop")).rightPad(16)) "
        line += "\(base(r.base)) score \(score(r).map { "\($0)" } ?? "—")"
      } else {
        line += "rec  (none)"
      }
      lines.append(line)
      if let l = s.replayed, !s.agrees || l.point.base != s.recorded?.base {
        var ours = "      ours \(l.state.rawValue.rightPad(12)) \(node(l.depth, l.index, l.loop).rightPad(16)) \(base(l.point.base))"
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
      if let s = report.steps.first(where: { $0.step == k }), let r = s.recorded, let l = s.replayed {
        if r.state != l.state {
          let rec = r.state == .approximated
            ? "approximated it (recorded UCB \(r.ucb.map { "\($0)" } ?? "?") < f⁺)"
            : "evaluated it"
          let own = l.state == .approximated
            ? "approximated it (UCB \(l.upper.map { "\($0)" } ?? "?") < f⁺ \(l.fPlus.map { "\($0)" } ?? "?"))"
            : "evaluated it (UCB \(l.upper.map { "\($0)" } ?? "?") ≥ f⁺ \(l.fPlus.map { "\($0)" } ?? "?"))"
          lines.append("why: same leaf, different decision: the recording \(rec); hpolab's GP \(own) — the GP fits differ")
        } else if r.state == .approximated && r.base == l.point.base {
          lines.append("why: same leaf approximated, different LCB (recorded \(r.lcb.map { "\($0)" } ?? "?"), ours \(l.score.map { "\($0)" } ?? "?")) — the GP fits differ")
        } else {
          lines.append("why: an earlier score differed, so the tree expanded another leaf")
        }
      }
      let same = report.steps.filter { s in
        guard let r = s.recorded, let l = s.replayed else { return false }
        return r.base == l.point.base && r.state == l.state
      }.count
      lines.append("same leaf and same evaluate/approximate decision at \(same) of \(report.steps.count) recorded steps")
      if let note = report.note { lines.append("stopped: \(note)") }
    } else {
      lines.append("full agreement: all \(report.steps.count) steps (\(report.evaluations) evaluations) match the recording")
    }
    return lines.joined(separator: "\n")
  }
}

/// The JSON form of a replay check.
private struct ReplayCheckJSON: Encodable {
  struct Leaf: Encodable {
    var base: [Double]
    var state: String
    var depth: Int?
    var depth_id: Int?
    var loop: Int?
    var score: Double?
    var ucb: Double?
  }
  struct Step: Encodable {
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
    func int(_ t: RecordedTrial, _ key: String) -> Int? {
      t.info(key).flatMap { v -> Int? in
        if case .int(let i) = v { return i }
        return nil
      }
    }
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
            base: t.base, state: t.state.rawValue, depth: int(t, "depth"), depth_id: int(t, "depth_id"),
            loop: int(t, "loop"), score: t.state == .approximated ? t.lcb : t.metrics[MetricName.hellaswagAcc], ucb: t.ucb)
        },
        proposed: s.replayed.map { l in
          Leaf(
            base: l.point.base, state: l.state.rawValue, depth: l.depth, depth_id: l.index, loop: l.loop, score: l.score,
            ucb: l.upper)
        })
    }
  }
}

extension String {
  fileprivate func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
  fileprivate func rightPad(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
