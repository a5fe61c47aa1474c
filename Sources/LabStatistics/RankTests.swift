// Notation
//   x (n1), y (n2)   two independent samples;  N = n1 + n2
//   R1               sum of the mid-ranks of x in the pooled sample (ties get their average rank)
//   U1 = R1 − n1(n1+1)/2,  U2 = n1·n2 − U1;  U = max(U1, U2) is reported (scipy's convention)
//   t_j              sizes of the groups of tied values
//   d_i = x_i − y_i  paired differences (Wilcoxon); zeros are dropped (Wilcoxon's method), n = #nonzero
//   W+, W−           sums of the ranks of |d| for positive / negative d;  T = min(W+, W−)
//   k, N             Friedman: k treatments (algorithms) measured on N blocks (cells / seeds)
//   R̄_j              average rank of treatment j (rank 1 = best)
//   p                two-sided p-values throughout

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Mid-ranks (1-based, ties averaged) of `values`, in input order, plus the sizes of the tie groups.
/// - Complexity: O(n log n).
public func midRanks(_ values: [Double]) -> (ranks: [Double], ties: [Int]) {
  let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
  var ranks = [Double](repeating: 0, count: values.count)
  var ties: [Int] = []
  var i = 0
  while i < order.count {
    var j = i
    while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
    let rank = Double(i + j + 2) / 2
    for k in i...j { ranks[order[k]] = rank }
    if j > i { ties.append(j - i + 1) }
    i = j + 1
  }
  return (ranks, ties)
}

/// How a p-value was obtained.
public enum PValueMethod: String, Sendable, Hashable, Codable {
  /// The exact null distribution (no ties, small samples).
  case exact
  /// The normal approximation, with tie correction (and a continuity correction for Mann–Whitney).
  case normal
}

/// The outcome of a two-sample or paired rank test.
public struct RankTestResult: Sendable, Hashable, Codable {
  /// U = max(U1, U2) for Mann–Whitney; T = min(W+, W−) for Wilcoxon.
  public var statistic: Double
  /// Two-sided p-value.
  public var p: Double
  public var method: PValueMethod
  /// The z score of the normal approximation (nil for exact p-values).
  public var z: Double?
}

/// The Mann–Whitney U test (Mann and Whitney 1947, *Ann. Math. Statist.* 18(1)), two-sided.
///
/// Exact p-values come from the null distribution of U, counted by the
/// recurrence f(m, n, u) = f(m − 1, n, u − n) + f(m, n − 1, u); they are used
/// when there are no ties and `n1·n2 ≤ exactLimit`. Otherwise the normal
/// approximation with tie-corrected variance
/// σ² = n1 n2 / 12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))) and a continuity
/// correction of ½ is used (as `scipy.stats.mannwhitneyu(method="asymptotic")`).
/// - Returns: nil when a sample is empty.
/// - Complexity: O(n1² n2²)/2 time for the exact path, O(N log N) otherwise.
public func mannWhitneyU(_ x: [Double], _ y: [Double], exactLimit: Int = 900) -> RankTestResult? {
  let n1 = x.count, n2 = y.count
  guard n1 > 0, n2 > 0 else { return nil }
  let (ranks, ties) = midRanks(x + y)
  let r1 = ranks[0..<n1].reduce(0, +)
  let u1 = r1 - Double(n1 * (n1 + 1)) / 2
  let u2 = Double(n1 * n2) - u1
  let u = max(u1, u2)
  if ties.isEmpty && n1 * n2 <= exactLimit {
    // P(U ≥ u) by symmetry equals P(U ≤ n1 n2 − u).
    let counts = mannWhitneyCounts(n1, n2)
    let total = counts.reduce(0, +)
    let lowTail = Int((Double(n1 * n2) - u).rounded())
    let tail = counts[0...lowTail].reduce(0, +) / total
    return RankTestResult(statistic: u, p: min(1, 2 * tail), method: .exact, z: nil)
  }
  let n = Double(n1 + n2)
  let mean = Double(n1 * n2) / 2
  let tieSum = ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
  let variance = Double(n1 * n2) / 12 * ((n + 1) - tieSum / (n * (n - 1)))
  guard variance > 0 else { return RankTestResult(statistic: u, p: 1, method: .normal, z: 0) }
  let z = (u - mean - 0.5) / variance.squareRoot()
  return RankTestResult(statistic: u, p: min(1, 2 * Distributions.normalSF(z)), method: .normal, z: z)
}

/// The number of arrangements of n1 x's and n2 y's giving each U from 0 to n1·n2 (as Doubles: exact up to 2^53).
func mannWhitneyCounts(_ n1: Int, _ n2: Int) -> [Double] {
  // previous[n] holds the counts for sizes (m − 1, n); current[n] those for (m, n).
  var previous = [[Double]](repeating: [1], count: n2 + 1)  // m = 0: only U = 0
  for m in stride(from: 1, through: n1, by: 1) {
    var current = [[Double]](repeating: [1], count: n2 + 1)  // n = 0: only U = 0
    for n in stride(from: 1, through: n2, by: 1) {
      var counts = [Double](repeating: 0, count: m * n + 1)
      // The largest value is an x, above all n y's: f(m − 1, n, u − n).
      for (u, c) in previous[n].enumerated() { counts[u + n] += c }
      // The largest value is a y, above no x: f(m, n − 1, u).
      for (u, c) in current[n - 1].enumerated() { counts[u] += c }
      current[n] = counts
    }
    previous = current
  }
  return previous[n2]
}

/// The Wilcoxon signed-rank test on paired samples (Wilcoxon 1945, *Biometrics Bulletin* 1(6)), two-sided.
///
/// Zero differences are dropped. Exact p-values (the distribution of W+ counts
/// the subsets of {1, …, n} by their sum) are used when no |d| ties and
/// n ≤ `exactLimit`; otherwise the normal approximation with variance
/// n(n + 1)(2n + 1)/24 − Σ(t³ − t)/48 and no continuity correction
/// (`scipy.stats.wilcoxon`'s defaults).
/// - Returns: nil when the samples differ in length or every difference is zero.
/// - Complexity: O(n³) for the exact path.
public func wilcoxonSignedRank(_ x: [Double], _ y: [Double], exactLimit: Int = 50) -> RankTestResult? {
  guard x.count == y.count else { return nil }
  let d = zip(x, y).map { $0 - $1 }.filter { $0 != 0 }
  let n = d.count
  guard n > 0 else { return nil }
  let (ranks, ties) = midRanks(d.map(abs))
  var wPlus = 0.0, wMinus = 0.0
  for (r, di) in zip(ranks, d) { if di > 0 { wPlus += r } else { wMinus += r } }
  let t = min(wPlus, wMinus)
  if ties.isEmpty && n <= exactLimit {
    let maxSum = n * (n + 1) / 2
    var counts = [Double](repeating: 0, count: maxSum + 1)
    counts[0] = 1
    for k in 1...n {
      for s in stride(from: maxSum, through: k, by: -1) { counts[s] += counts[s - k] }
    }
    let total = counts.reduce(0, +)
    let tail = counts[0...Int(t.rounded())].reduce(0, +) / total
    return RankTestResult(statistic: t, p: min(1, 2 * tail), method: .exact, z: nil)
  }
  let nn = Double(n)
  let mean = nn * (nn + 1) / 4
  let tieSum = ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
  let variance = nn * (nn + 1) * (2 * nn + 1) / 24 - tieSum / 48
  guard variance > 0 else { return RankTestResult(statistic: t, p: 1, method: .normal, z: 0) }
  let z = (t - mean) / variance.squareRoot()
  return RankTestResult(statistic: t, p: min(1, 2 * Distributions.normalCDF(z)), method: .normal, z: z)
}

/// Holm's step-down adjustment of p-values (Holm 1979, *Scand. J. Statist.* 6(2)).
///
/// With p sorted ascending, p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)).
/// Returned in the input order; a hypothesis is rejected at level α when p̃ ≤ α.
/// - Complexity: O(m log m).
public func holmAdjusted(_ p: [Double]) -> [Double] {
  let m = p.count
  let order = p.indices.sorted { (p[$0], $0) < (p[$1], $1) }
  var adjusted = [Double](repeating: 0, count: m)
  var running = 0.0
  for (i, index) in order.enumerated() {
    running = max(running, min(1, Double(m - i) * p[index]))
    adjusted[index] = running
  }
  return adjusted
}

/// The Friedman test over blocks, with average ranks and the Nemenyi critical difference.
///
/// Following Demšar (2006), "Statistical comparisons of classifiers over
/// multiple data sets", *JMLR* 7: ranks within each block (1 = best, ties
/// averaged), χ²_F = 12N/(k(k+1)) · (Σ R̄_j² − k(k+1)²/4), divided by the tie
/// correction 1 − Σ(t³ − t)/(N k (k² − 1)) as `scipy.stats.friedmanchisquare`
/// does; the Iman–Davenport F_F = (N − 1)χ²_F / (N(k − 1) − χ²_F) with
/// (k − 1, (k − 1)(N − 1)) degrees of freedom; and the Nemenyi critical
/// difference CD = q_α · √(k(k + 1)/(6N)), q_α from Demšar's table 5.
public struct FriedmanResult: Sendable, Hashable, Codable {
  public var treatments: Int
  public var blocks: Int
  /// Average rank of each treatment, in input order (1 = best).
  public var averageRanks: [Double]
  public var chiSquare: Double
  public var pChiSquare: Double
  public var imanDavenport: Double
  public var pImanDavenport: Double
  /// Nemenyi critical difference at α = 0.05 (nil when k > 10, beyond the table).
  public var criticalDifference: Double?

  /// q_0.05 of the Nemenyi test for k = 2 … 10 (Demšar 2006, table 5a: studentised range / √2).
  public static let nemenyiQ05: [Double] = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]

  /// Friedman's test on `scores[block][treatment]`.
  /// - Parameter higherIsBetter: whether the best score in a block gets rank 1 for being largest.
  /// - Returns: nil with fewer than 2 treatments or 1 block, or ragged rows.
  public init?(scores: [[Double]], higherIsBetter: Bool) {
    guard let k = scores.first?.count, k >= 2, scores.count >= 2, scores.allSatisfy({ $0.count == k }) else {
      return nil
    }
    let n = scores.count
    var sums = [Double](repeating: 0, count: k)
    var tieSum = 0.0
    for row in scores {
      let (ranks, ties) = midRanks(higherIsBetter ? row.map { -$0 } : row)
      for j in 0..<k { sums[j] += ranks[j] }
      tieSum += ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
    }
    self.init(averageRanks: sums.map { $0 / Double(n) }, blocks: n, tieSum: tieSum)
  }

  /// The statistics from published average ranks (e.g. Demšar's worked example), with the tie term Σ(t³ − t) over blocks.
  public init(averageRanks: [Double], blocks n: Int, tieSum: Double = 0) {
    let k = averageRanks.count
    let nn = Double(n), kk = Double(k)
    self.averageRanks = averageRanks
    let sumSquares = averageRanks.reduce(0) { $0 + $1 * $1 }
    var chi = 12 * nn / (kk * (kk + 1)) * (sumSquares - kk * (kk + 1) * (kk + 1) / 4)
    let correction = 1 - tieSum / (nn * kk * (kk * kk - 1))
    if correction > 0 { chi /= correction }
    treatments = k
    blocks = n
    chiSquare = chi
    pChiSquare = Distributions.chiSquareSF(chi, degrees: kk - 1)
    let denominator = nn * (kk - 1) - chi
    if denominator > 0 {
      imanDavenport = (nn - 1) * chi / denominator
      pImanDavenport = Distributions.fSF(imanDavenport, d1: kk - 1, d2: (kk - 1) * (nn - 1))
    } else {
      imanDavenport = .infinity
      pImanDavenport = 0
    }
    criticalDifference = (2...10).contains(k) ? Self.nemenyiQ05[k - 2] * (kk * (kk + 1) / (6 * nn)).squareRoot() : nil
  }
}
