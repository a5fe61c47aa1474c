// Figure data computed from groups of runs with LabStatistics.
//
// Notation
//   group     runs sharing (algorithm, workers W, mode); one curve or one scaling point
//   panel     `W = n`, one per worker count; when a study mixes modes both share the panel, sync dashed
//   grid      evaluations 1…E (convergence) or 200 evenly spaced hours in [0, T_panel]
//   worst     a run with no finished trial at g counts as −∞ (maximised metric) in the quantiles
//   TTT       time-to-target in hours; its median and quartiles are Kaplan–Meier
//             estimates, so runs that never reach the target count as censored

import LabCore
import LabStatistics

extension RanksData {
  /// The average ranks and Nemenyi critical difference of a Friedman test whose treatments are `algorithms`.
  /// - Throws: `.invalidInput` when the counts differ or the test has no critical difference (more than 10 algorithms).
  public init(friedman: FriedmanResult, algorithms: [String], subtitle: String = "") throws {
    guard let cd = friedman.criticalDifference else {
      throw LabError(.invalidInput, "no Nemenyi critical difference for \(friedman.treatments) algorithms (tabulated for 2 to 10)")
    }
    let p = DataFormat.fixed(friedman.pImanDavenport, decimals: 4)
    let text = [subtitle, "Iman–Davenport p = \(p)"].filter { !$0.isEmpty }.joined(separator: "; ")
    try self.init(algorithms: algorithms, ranks: friedman.averageRanks, criticalDifference: cd, alpha: 0.05, problems: friedman.blocks, subtitle: text)
  }
}
