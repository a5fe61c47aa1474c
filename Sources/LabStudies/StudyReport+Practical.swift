import Foundation
import LabCore
import LabStatistics

extension StudyReport {
  /// The region of practical equivalence used for one evaluator's verdicts.
  public struct ROPE: Sendable, Codable {
    public var evaluator: String
    public var metric: String
    /// The half-width, in the metric's units (0 when neither the study file nor the trials give one).
    public var value: Double
    /// Where it came from: `study file`, `median METRIC_stderr of N trials`, or `none recorded`.
    public var source: String
  }

  /// Async against sync for one algorithm, evaluator and worker count, paired by seed.
  public struct ModeComparison: Sendable, Codable {
    public var evaluator: String
    public var algorithm: String
    public var workers: Int
    /// Seeds present in both modes.
    public var pairs: Int
    public var medianSync: Double
    public var medianAsync: Double
    /// Δ = async − sync (positive: async better), paired by seed; nil when no seed has both.
    public var effect: PairEffect?
  }

  /// Node-hours of one group: what it used, what reaching the target cost, and its best at fixed budgets.
  public struct CostRow: Sendable, Codable {
    public var algorithm: String
    public var workers: Int
    public var mode: String
    /// Median over seeds of W × the run's simulated hours (first start to last end).
    public var nodeHoursUsed: Double
    public var target: Double?
    /// W × the Kaplan–Meier median time-to-target (nil: no target, or not reached by half the runs).
    public var nodeHoursToTarget: Double?
    /// Median over seeds of the best among trials ended by L / W hours, for each level L of the table (nil: a run had none).
    public var bestAt: [Double?]
  }

  /// The cost view of one evaluator.
  public struct CostTable: Sendable, Codable {
    public var evaluator: String
    /// Fixed node-hour budgets: the smallest node-hours any run of the evaluator used, and ¼ and ½ of it.
    public var levels: [Double]
    public var rows: [CostRow]
  }

  /// The ROPE of evaluator `e`: the study file's, else the median `METRIC_stderr` over completed simulated trials.
  static func rope(for e: StudyEvaluator, metric: String, records: [RunRecord]) -> ROPE {
    if let r = e.rope { return ROPE(evaluator: e.name, metric: metric, value: r, source: "study file") }
    let field = metric + "_stderr"
    let values = records.flatMap { r in r.trials.compactMap { $0.state == .completed ? $0.metrics[field] : nil } }
      .filter(\.isFinite)
    guard !values.isEmpty else { return ROPE(evaluator: e.name, metric: metric, value: 0, source: "none recorded") }
    return ROPE(
      evaluator: e.name, metric: metric, value: Descriptive.median(values), source: "median \(field) of \(values.count) trials")
  }

  /// The node-hours table of one evaluator from its groups' runs.
  static func costTable(
    evaluator: String, groups: [(group: StudyGroup, target: Double?, records: [RunRecord])]
  ) -> CostTable {
    let used = groups.flatMap { g in g.records.map { Double(g.group.workers) * $0.makespan / 3600 } }
    let top = used.min() ?? 0
    let levels = top > 0 ? [top / 4, top / 2, top] : []
    let rows = groups.map { g -> CostRow in
      let w = Double(g.group.workers)
      let toTarget = g.target.flatMap { t in KaplanMeier(g.records.map { TimeToTarget($0, target: t) }).median.map { w * $0 } }
      let curves = g.records.map { BestSoFar.hours($0) }
      let bestAt = levels.map { level -> Double? in
        let values = curves.map { $0.value(at: level / w) }
        return values.contains(where: \.isNaN) || values.isEmpty ? nil : Descriptive.median(values)
      }
      return CostRow(
        algorithm: g.group.algorithm, workers: g.group.workers, mode: g.group.mode.rawValue,
        nodeHoursUsed: Descriptive.median(g.records.map { w * $0.makespan / 3600 }), target: g.target,
        nodeHoursToTarget: toTarget, bestAt: bestAt)
    }
    return CostTable(evaluator: evaluator, levels: levels, rows: rows)
  }

  /// The chain of one cell, best median first: `bo ≥ random > soo ≈ bamsoo`, with the medians' spread and the top group.
  ///
  /// Between neighbours: `>` better by more than the ROPE, `≈` practically equivalent, `≥` undecided (ordered by median),
  /// `<` when the interval says the lower-median one is better (possible for paired differences).
  static func cellSummary(
    algorithms: [(label: String, median: Double)], effect: (String, String) -> PairEffect?, rope: ROPE, direction: Direction
  ) -> (chain: String, top: [String], sentence: String) {
    let ordered = algorithms.filter { !$0.median.isNaN }.sorted {
      direction.isBetter($0.median, than: $1.median) || ($0.median == $1.median && $0.label < $1.label)
    }
    guard let best = ordered.first else { return ("", [], "no finished runs") }
    var chain = best.label
    for (x, y) in zip(ordered, ordered.dropFirst()) {
      let symbol: String
      switch effect(x.label, y.label)?.verdict {
      case .better?: symbol = ">"
      case .practicallyEquivalent?: symbol = "≈"
      case .worse?: symbol = "<"
      case .undecided?, nil: symbol = "≥"
      }
      chain += " \(symbol) \(y.label)"
    }
    let top = ordered.filter { a in
      a.label == best.label || [.practicallyEquivalent, .undecided].contains(effect(best.label, a.label)?.verdict ?? .undecided)
    }.map(\.label)
    let spread = abs((ordered.first?.median ?? 0) - (ordered.last?.median ?? 0))
    let r = String(format: "%.4g", rope.value)
    var sentence = chain
    if ordered.count > 1 { sentence += String(format: "; medians within %.4g", spread) }
    if top.count == 1 && ordered.count > 1 {
      sentence += "; \(best.label) is better than every other algorithm by more than the ROPE \(r)"
    } else if top.count > 1 {
      let allEquivalent = top.indices.allSatisfy { i in
        top.indices.allSatisfy { j in j <= i || effect(top[i], top[j])?.verdict == .practicallyEquivalent }
      }
      sentence += allEquivalent
        ? "; the top group {\(top.joined(separator: ", "))} is practically equivalent at ROPE \(r)"
        : "; the top group {\(top.joined(separator: ", "))} cannot be separated at ROPE \(r) (undecided)"
    }
    return (chain, top, sentence)
  }
}

extension StudyReport {
  /// The opening paragraph: one line per cell, the verdict counts, and what Holm-significant pairs amount to.
  static func summaryLines(
    cells: [CellSummary], comparisons: [Comparison], modes: [ModeComparison], ropes: [ROPE]
  ) -> [String] {
    var lines: [String] = []
    let severalEvaluators = Set(cells.map(\.evaluator)).count > 1
    for c in cells {
      let rope = ropes.first { $0.evaluator == c.evaluator }
      let prefix = (severalEvaluators ? "\(c.evaluator), " : "") + "W = \(c.workers) \(c.mode)"
      lines.append("\(prefix): \(c.sentence)" + (rope?.source == "none recorded" ? " (no ROPE: the metric records no standard error)" : "") + ".")
    }
    let effects = comparisons.compactMap(\.effect)
    if !effects.isEmpty {
      func count(_ v: Verdict) -> Int { effects.filter { $0.verdict == v }.count }
      lines.append(
        "Of \(effects.count) pairwise comparisons: \(count(.better) + count(.worse)) differ by more than the ROPE, "
          + "\(count(.practicallyEquivalent)) are practically equivalent, \(count(.undecided)) are undecided.")
      let significant = comparisons.filter { $0.pHolm <= 0.05 }
      let negligible = significant.filter { $0.effect?.verdict == .practicallyEquivalent }.count
      if !significant.isEmpty {
        lines.append(
          "\(significant.count) pair(s) are significant at 0.05 after Holm; \(negligible) of them are practically equivalent "
            + "(a detectable difference smaller than the ROPE is not a meaningful one).")
      }
    }
    let modeEffects = modes.compactMap(\.effect)
    if !modeEffects.isEmpty {
      func count(_ v: Verdict) -> Int { modeEffects.filter { $0.verdict == v }.count }
      lines.append(
        "Async against sync (paired by seed, \(modeEffects.count) algorithm × W pairs): async better in \(count(.better)), "
          + "worse in \(count(.worse)), practically equivalent in \(count(.practicallyEquivalent)), undecided in \(count(.undecided)).")
    }
    return lines
  }
}
