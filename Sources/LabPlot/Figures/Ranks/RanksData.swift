// Plain input data of the figure catalogue, independent of how it was computed.
//
// Notation
//   x         evaluations (1, 2, …) or simulated hours, depending on the figure
//   median, q1, q3   the 50 %, 25 % and 75 % quantiles over seeds at each x
//   score     the optimised metric of a trial (e.g. hellaswag.acc, in [0, 1])
//   W         the number of parallel workers

import LabCore

/// Friedman average ranks of algorithms over problems with the Nemenyi critical difference (Demšar, 2006).
public struct RanksData: Sendable, Hashable {
  public var algorithms: [String]
  /// Average rank of each algorithm (1 = best).
  public var ranks: [Double]
  public var criticalDifference: Double
  /// Significance level of the critical difference (e.g. 0.05).
  public var alpha: Double
  /// Number of problems (seeds × settings) the ranks average over.
  public var problems: Int
  public var subtitle: String

  /// - Throws: `.invalidInput` when `ranks` and `algorithms` differ in length, or the critical difference is negative.
  public init(algorithms: [String], ranks: [Double], criticalDifference: Double, alpha: Double = 0.05, problems: Int, subtitle: String = "") throws {
    guard algorithms.count == ranks.count, !algorithms.isEmpty else {
      throw LabError(.invalidInput, "ranks figure needs one rank per algorithm: \(algorithms.count) algorithms, \(ranks.count) ranks")
    }
    guard criticalDifference >= 0 else {
      throw LabError(.invalidInput, "critical difference must be non-negative, got \(criticalDifference)")
    }
    self.algorithms = algorithms
    self.ranks = ranks
    self.criticalDifference = criticalDifference
    self.alpha = alpha
    self.problems = problems
    self.subtitle = subtitle
  }

  /// Maximal groups of algorithms (by indices sorted by rank) whose ranks differ by less than the critical difference.
  ///
  /// The bars of a critical-difference diagram: each group is a run of consecutive
  /// algorithms in rank order; groups contained in another are dropped.
  public var cliques: [[Int]] {
    let order = ranks.indices.sorted { (ranks[$0], $0) < (ranks[$1], $1) }
    var groups: [Range<Int>] = []
    for i in order.indices {
      var j = i
      while j + 1 < order.count, ranks[order[j + 1]] - ranks[order[i]] < criticalDifference { j += 1 }
      if j > i, !groups.contains(where: { $0.lowerBound <= i && $0.upperBound > j }) { groups.append(i..<(j + 1)) }
    }
    return groups.map { r in r.map { order[$0] } }
  }
}
