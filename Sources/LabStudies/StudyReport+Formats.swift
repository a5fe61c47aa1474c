import Foundation
import LabCore
import LabStatistics

extension StudyReport {
  private static func f(_ x: Double?, _ digits: Int = 4) -> String {
    guard let x, !x.isNaN else { return "–" }
    return String(format: "%.\(digits)f", x)
  }

  private static func p(_ x: Double) -> String { x < 0.0001 ? "<0.0001" : String(format: "%.4f", x) }

  /// How many simulated runs end above the best recorded run (hellaswag.acc), per algorithm: a sentence.
  private func exceedingBestRecorded() -> String {
    guard let best = recorded.map(\.final).filter({ !$0.isNaN }).max() else { return "" }
    let simulated = groups.filter { $0.metric == MetricName.hellaswagAcc && $0.direction == "maximize" }
    let above = simulated.flatMap { g in g.finals.filter { $0 > best } }
    let total = simulated.reduce(0) { $0 + $1.finals.count }
    var md = "\nSimulated runs whose best hellaswag.acc exceeds the best recorded run (\(Self.f(best))): \(above.count) of \(total)"
    if let top = above.max() { md += String(format: ", by at most %+.4f", top - best) }
    let per = simulated.compactMap { g -> String? in
      let n = g.finals.filter { $0 > best }.count
      return n > 0 ? "\(g.algorithm) \(n)/\(g.finals.count)" : nil
    }
    if !per.isEmpty { md += " (" + per.joined(separator: ", ") + ")" }
    return md + ".\n"
  }

  /// The report as Markdown: final scores, ranks, significance, time-to-target, speed-up, recorded runs.
  public func markdown() -> String {
    var md = "# Study `\(study)`\n\n"
    if !description.isEmpty { md += description + "\n\n" }
    md += "Runs stored: \(runs) of \(expectedRuns). Definition hash `\(specHash)`.\n"
    md += "Quantiles are type 7 (Hyndman and Fan 1996); IQM = mean of the middle 50 %, with a 95 % percentile-bootstrap interval (2000 resamples, seeded).\n\n"
    if !summary.isEmpty {
      md += "## Summary\n\n"
      md += "Per cell, best median first: `>` better by more than the ROPE, `≈` practically equivalent (the 95 % CI of the median difference inside ±ROPE), `≥` undecided.\n\n"
      for line in summary { md += "- \(line)\n" }
      md += "\nROPE (region of practical equivalence): "
      md += ropes.map { "\($0.evaluator) ± \(String(format: "%.4g", $0.value)) \($0.metric) (\($0.source))" }.joined(separator: "; ")
      md += ".\n\n"
    }
    md += "## Final scores\n\n"
    md += "| evaluator | W | mode | algorithm | runs | metric | median | Q1 | Q3 | IQM | IQM 95 % CI | evals | hours |\n"
    md += "|---|---:|---|---|---:|---|---:|---:|---:|---:|---|---:|---:|\n"
    for g in groups {
      md += "| \(g.evaluator) | \(g.workers) | \(g.mode) | \(g.algorithm) | \(g.runs) | \(g.metric) (\(g.direction == "maximize" ? "max" : "min")) | "
      md += "\(Self.f(g.final.median)) | \(Self.f(g.final.q1)) | \(Self.f(g.final.q3)) | \(Self.f(g.final.iqm)) | "
      md += "[\(Self.f(g.final.iqmLower)), \(Self.f(g.final.iqmUpper))] | \(Self.f(g.evaluationsMedian, 0)) | \(Self.f(g.hoursMedian, 1)) |\n"
    }
    if let friedman {
      md += "\n## Average ranks (Friedman)\n\n"
      md += "Blocks: evaluator × workers × mode × seed with every algorithm present (N = \(friedman.blocks)); rank 1 = best.\n\n"
      md += "| algorithm | average rank |\n|---|---:|\n"
      for (a, r) in zip(rankedAlgorithms, friedman.averageRanks).sorted(by: { $0.1 < $1.1 }) {
        md += "| \(a) | \(Self.f(r, 3)) |\n"
      }
      md += "\nχ²_F = \(Self.f(friedman.chiSquare, 3)) (p = \(Self.p(friedman.pChiSquare))); Iman–Davenport F_F = \(Self.f(friedman.imanDavenport, 3)) (p = \(Self.p(friedman.pImanDavenport)))"
      if let cd = friedman.criticalDifference {
        md += "; Nemenyi critical difference at α = 0.05: \(Self.f(cd, 3)) (Demšar 2006)"
      }
      md += ".\n"
    }
    if !comparisons.isEmpty {
      md += "\n## Pairwise comparisons\n\n"
      let test = comparisons.first?.test ?? "mann-whitney"
      md += test == "wilcoxon"
        ? "Two-sided Wilcoxon signed-rank tests on final scores paired by seed (statistic T = min(W+, W−))"
        : "Two-sided Mann–Whitney U tests on final scores (statistic U1 = U of A: pairs with A above B, ties counting ½)"
      md += "; p exact (the permutation distribution of mid-ranks when scores tie) up to n1·n2 = 900 (Mann–Whitney) or 50 pairs (Wilcoxon), normal beyond"
      md += "; p adjusted by Holm over all \(comparisons.count) comparisons; **bold**: significant at 0.05 after adjustment — a detectable difference, not necessarily a meaningful one: the verdict says which.\n"
      md += "Δ = A − B of the medians"
      md += test == "wilcoxon" ? " (the median of the seed-paired differences)" : ""
      md += ", signed so that positive means A is better; 95 % CI: percentile bootstrap, 2000 resamples, "
      md += test == "wilcoxon" ? "seeds resampled with their pairs" : "each sample resampled on its own"
      md += "; A12: Vargha–Delaney A, P(A beats B); verdict: *better* / *worse* when the CI lies beyond ±ROPE, *practically equivalent* when it lies inside, else *undecided* (Kruschke 2018).\n\n"
      md += "| evaluator | W | mode | A | B | statistic | p | p (Holm) | Δ | Δ 95 % CI | A12 | verdict |\n"
      md += "|---|---:|---|---|---|---:|---:|---:|---:|---|---:|---|\n"
      for c in comparisons {
        let adjusted = c.pHolm <= 0.05 ? "**\(Self.p(c.pHolm))**" : Self.p(c.pHolm)
        md += "| \(c.evaluator) | \(c.workers) | \(c.mode) | \(c.a) | \(c.b) | \(Self.f(c.u, 1)) | \(Self.p(c.p)) | \(adjusted) | "
        md += Self.effectCells(c.effect) + " |\n"
      }
    }
    let withTarget = groups.filter { $0.target != nil }
    if !withTarget.isEmpty {
      md += "\n## Time to target\n\n"
      md += "Simulated hours until the best score reaches the target; runs that never reach it are censored at their end (Kaplan–Meier median).\n\n"
      md += "| evaluator | W | mode | algorithm | target | reached | median hours |\n|---|---:|---|---|---:|---:|---:|\n"
      for g in withTarget {
        md += "| \(g.evaluator) | \(g.workers) | \(g.mode) | \(g.algorithm) | \(Self.f(g.target)) | \(g.targetReached ?? 0)/\(g.runs) | \(Self.f(g.timeToTargetMedian, 2)) |\n"
      }
    }
    if !scaling.isEmpty {
      md += "\n## Speed-up\n\n"
      md += "S(W) = T(1)/T(W), efficiency S(W)/W; T is the median time-to-target (or the median makespan when the evaluator has no target).\n\n"
      md += "| evaluator | mode | algorithm | measure | W | T (hours) | speed-up | efficiency |\n|---|---|---|---|---:|---:|---:|---:|\n"
      for s in scaling {
        for r in s.rows {
          md += "| \(s.evaluator) | \(s.mode) | \(s.algorithm) | \(s.measure) | \(r.workers) | \(Self.f(r.time, 2)) | \(Self.f(r.speedUp, 2)) | \(Self.f(r.efficiency, 2)) |\n"
        }
      }
    }
    if !modeComparisons.isEmpty {
      md += "\n## Sync against async\n\n"
      md += "Final scores of the same algorithm and W in both modes, paired by seed: Δ = async − sync of the paired differences' median (positive: async better), 95 % bootstrap CI over seeds, A12 = P(async beats sync), verdict at the evaluator's ROPE.\n\n"
      md += "| evaluator | algorithm | W | pairs | median sync | median async | Δ | Δ 95 % CI | A12 | verdict |\n"
      md += "|---|---|---:|---:|---:|---:|---:|---|---:|---|\n"
      for m in modeComparisons {
        md += "| \(m.evaluator) | \(m.algorithm) | \(m.workers) | \(m.pairs) | \(Self.f(m.medianSync)) | \(Self.f(m.medianAsync)) | "
        md += Self.effectCells(m.effect) + " |\n"
      }
    }
    if !costs.isEmpty {
      md += "\n## Cost in node-hours\n\n"
      md += "Node-hours = W × simulated hours. Used: median over seeds from the first start to the last end; to target: W × the Kaplan–Meier median time-to-target; best at L node-hours: median over seeds of the best among trials ended by L / W hours (– when a run had finished none by then). The levels are the fewest node-hours any run of the evaluator used, and ¼ and ½ of it.\n"
      for t in costs {
        md += "\n| \(t.evaluator) | W | mode | node-hours used | target | node-hours to target |"
        for l in t.levels { md += " best at \(Self.f(l, 2)) |" }
        md += "\n|---|---:|---|---:|---:|---:|" + String(repeating: "---:|", count: t.levels.count) + "\n"
        for r in t.rows {
          md += "| \(r.algorithm) | \(r.workers) | \(r.mode) | \(Self.f(r.nodeHoursUsed, 2)) | \(Self.f(r.target)) | \(Self.f(r.nodeHoursToTarget, 2)) |"
          for b in r.bestAt { md += " \(Self.f(b)) |" }
          md += "\n"
        }
      }
    }
    if !recorded.isEmpty {
      md += "\n## Recorded runs in their simulated distributions\n\n"
      md += "| recorded run | algorithm | best hellaswag.acc | compared with | percentile |\n|---|---|---:|---|---:|\n"
      for r in recorded {
        md += "| \(r.run) | \(r.algorithm) | \(Self.f(r.final)) | \(r.comparedWith ?? "–") | \(Self.f(r.percentile, 1)) |\n"
      }
      md += exceedingBestRecorded()
    }
    return md
  }

  /// Δ | CI | A12 | verdict cells of a Markdown table (– when no effect could be computed).
  private static func effectCells(_ e: PairEffect?) -> String {
    guard let e else { return "– | – | – | –" }
    return String(format: "%+.4f | [%+.4f, %+.4f] | %.2f | ", e.difference, e.lower, e.upper, e.a12) + e.verdict.rawValue
  }

  /// One row per group, for pandas or R (`read.csv`): plain numbers, empty cells for missing values.
  public func csv() -> String {
    func c(_ x: Double?) -> String { x.map { $0.isNaN ? "" : "\($0)" } ?? "" }
    var out = "study,evaluator,workers,mode,algorithm,metric,direction,runs,median,q1,q3,min,max,mean,iqm,iqm_lower,iqm_upper,evaluations_median,hours_median,target,target_reached,time_to_target_median\n"
    for g in groups {
      out += [
        study, g.evaluator, String(g.workers), g.mode, g.algorithm, g.metric, g.direction, String(g.runs),
        c(g.final.median), c(g.final.q1), c(g.final.q3), c(g.final.min), c(g.final.max), c(g.final.mean), c(g.final.iqm),
        c(g.final.iqmLower), c(g.final.iqmUpper), c(g.evaluationsMedian), c(g.hoursMedian), c(g.target),
        g.targetReached.map(String.init) ?? "", c(g.timeToTargetMedian),
      ].joined(separator: ",") + "\n"
    }
    return out
  }

  /// The whole report as pretty, key-sorted JSON (NaN and infinities as strings).
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    do {
      return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    } catch {
      throw LabError(.internalInconsistency, "cannot encode the report of study '\(study)' as JSON", underlying: error)
    }
  }
}
