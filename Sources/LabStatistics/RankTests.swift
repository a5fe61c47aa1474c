// Notation
//   x (n1), y (n2)   two independent samples;  N = n1 + n2
//   R1               sum of the mid-ranks of x in the pooled sample (ties get their average rank)
//   U1 = R1 − n1(n1+1)/2,  U2 = n1·n2 − U1;  U1 is reported (scipy's convention: the U of x)
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
  /// The exact null distribution of the rank statistic (no ties; scipy's `method="exact"`).
  case exact
  /// The exact permutation distribution of the mid-rank statistic, every arrangement enumerated
  /// (ties present; scipy's `method=PermutationMethod(n_resamples=inf)`).
  case permutation
  /// The normal approximation, with tie correction (and a continuity correction for Mann–Whitney).
  case normal
}

/// The outcome of a two-sample or paired rank test.
public struct RankTestResult: Sendable, Hashable, Codable {
  /// U1 (the U of the first sample, as `scipy.stats.mannwhitneyu` returns) for Mann–Whitney; T = min(W+, W−) for Wilcoxon.
  public var statistic: Double
  /// Two-sided p-value.
  public var p: Double
  public var method: PValueMethod
  /// The z score of the normal approximation (nil for exact p-values).
  public var z: Double?
}

/// The Mann–Whitney U test (Mann and Whitney 1947, *Ann. Math. Statist.* 18(1)), two-sided.
///
/// When `n1·n2 ≤ exactLimit` the p-value is exact: the null distribution of
/// the mid-rank sum R1 over all C(N, n1) ways to split the pooled sample
/// (``rankSumDistribution(_:choose:)``) gives p = min(1, 2·min(P(R1 ≤ r1), P(R1 ≥ r1))).
/// Without ties this is the classical exact test (`scipy.stats.mannwhitneyu(method="exact")`);
/// with ties it is the exact permutation test on mid-ranks
/// (`method=scipy.stats.PermutationMethod(n_resamples=numpy.inf)`), which
/// scipy's `"exact"` is not: it applies the tie-free table to a tied U. For
/// larger samples the normal approximation with tie-corrected variance
/// σ² = n1 n2 / 12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))) and a continuity
/// correction of ½ is used (as `method="asymptotic"`).
///
/// The statistic is U1 = R1 − n1(n1 + 1)/2, the number of pairs (x, y) with
/// x > y, ties counting ½ — what scipy returns (U2 = n1·n2 − U1 is that of `y`).
/// - Returns: nil when a sample is empty.
/// - Complexity: O(N · m · (m N)) time for the exact path with m = min(n1, n2), O(N log N) otherwise.
public func mannWhitneyU(_ x: [Double], _ y: [Double], exactLimit: Int = 900) -> RankTestResult? {
  let n1 = x.count, n2 = y.count
  guard n1 > 0, n2 > 0 else { return nil }
  let (ranks, ties) = midRanks(x + y)
  let r1 = ranks[0..<n1].reduce(0, +)
  let u1 = r1 - Double(n1 * (n1 + 1)) / 2
  if n1 * n2 <= exactLimit {
    // Enumerate the smaller sample's positions; doubled mid-ranks are integers.
    let doubled = ranks.map { Int(($0 * 2).rounded()) }
    let smallIsX = n1 <= n2
    let m = smallIsX ? n1 : n2
    let counts = rankSumDistribution(doubled, choose: m)
    let observed = smallIsX ? Int((2 * r1).rounded()) : doubled[n1...].reduce(0, +)
    var below = 0.0, above = 0.0, total = 0.0
    for (s, c) in counts.enumerated() where c > 0 {
      total += c
      if s <= observed { below += c }
      if s >= observed { above += c }
    }
    let p = min(1, 2 * min(below, above) / total)
    return RankTestResult(statistic: u1, p: p, method: ties.isEmpty ? .exact : .permutation, z: nil)
  }
  let u = max(u1, Double(n1 * n2) - u1)
  let n = Double(n1 + n2)
  let mean = Double(n1 * n2) / 2
  let tieSum = ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) }
  let variance = Double(n1 * n2) / 12 * ((n + 1) - tieSum / (n * (n - 1)))
  guard variance > 0 else { return RankTestResult(statistic: u1, p: 1, method: .normal, z: 0) }
  let z = (u - mean - 0.5) / variance.squareRoot()
  return RankTestResult(statistic: u1, p: min(1, 2 * Distributions.normalSF(z)), method: .normal, z: z)
}

/// How many `m`-element subsets of `scores` have each sum: `counts[s]` for s = 0 … the largest sum.
///
/// The permutation null distribution of a rank-sum statistic with integer
/// (doubled mid-rank) scores, by the subset-sum recurrence
/// f(i, k, s) = f(i − 1, k, s) + f(i − 1, k − 1, s − score_i).
/// Counts are Doubles: exact while they stay below 2⁵³ (C(N, m) does for N ≤ 56),
/// with relative rounding below 1e-15 beyond.
/// - Complexity: O(N · m · S) time, O(m · S) memory, S the sum of the m largest scores.
func rankSumDistribution(_ scores: [Int], choose m: Int) -> [Double] {
  let maxSum = scores.sorted(by: >).prefix(m).reduce(0, +)
  // table[k · width + s]: subsets of size k of the scores seen so far with sum s (rows k descend, so row k − 1 is last step's).
  let width = maxSum + 1
  var table = [Double](repeating: 0, count: (m + 1) * width)
  table[0] = 1
  var seen = 0
  table.withUnsafeMutableBufferPointer { t in
    for score in scores {
      seen += 1
      let upper = maxSum - score
      guard upper >= 0 else { continue }
      for k in stride(from: min(m, seen), through: 1, by: -1) {
        let row = k * width, previous = (k - 1) * width
        for s in stride(from: upper, through: 0, by: -1) where t[previous + s] != 0 { t[row + s + score] += t[previous + s] }
      }
    }
  }
  return Array(table[(m * width)...])
}

/// The Wilcoxon signed-rank test on paired samples (Wilcoxon 1945, *Biometrics Bulletin* 1(6)), two-sided.
///
/// Zero differences are dropped (Wilcoxon's method, scipy's `zero_method="wilcox"`).
/// When n ≤ `exactLimit` the p-value is exact: under the null every sign
/// pattern of the n ranked |d| is equally likely, so W+ has the distribution
/// of the sums of the subsets of the (mid-)ranks, which is symmetric about
/// n(n + 1)/4, and p = min(1, 2·P(W+ ≤ T)). Without ties this is
/// `scipy.stats.wilcoxon(method="exact")`; with ties it is the exact
/// permutation (sign-flip) test on mid-ranks, `method=PermutationMethod(n_resamples=inf)`.
/// Otherwise the normal approximation with variance
/// n(n + 1)(2n + 1)/24 − Σ(t³ − t)/48 and no continuity correction
/// (`method="approx"`).
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
  if n <= exactLimit {
    // Subset sums of the doubled mid-ranks (integers), any subset size.
    let doubled = ranks.map { Int(($0 * 2).rounded()) }
    let maxSum = doubled.reduce(0, +)
    var counts = [Double](repeating: 0, count: maxSum + 1)
    counts[0] = 1
    for r in doubled {
      for s in stride(from: maxSum, through: r, by: -1) { counts[s] += counts[s - r] }
    }
    let total = counts.reduce(0, +)
    let observed = Int((2 * t).rounded())
    let tail = counts[0...observed].reduce(0, +) / total
    return RankTestResult(statistic: t, p: min(1, 2 * tail), method: ties.isEmpty ? .exact : .permutation, z: nil)
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
