// Notation
//   u ∈ [0, 1]^d   a point in the unit cube (the space's relaxation; TPE never sees the base scale)
//   x_j, j < m     the group's observations (m of them), in trial order
//   μ_kd, σ_kd     centre and bandwidth of kernel k on coordinate d; kernel m is the prior (μ = 1/2, σ = 1)
//   w_k            kernel weights, Σ w_k = 1: default_weights(m) for the observations, then the prior weight
//   p(u)           Σ_k w_k Π_d N_[0,1](u_d; μ_kd, σ_kd), each factor a normal truncated to [0, 1]
//
// Bandwidths follow Optuna's TPESampler (optuna/samplers/_tpe/parzen_estimator.py, v5.0):
// per coordinate, σ is the larger gap to the sorted neighbours (the cube's ends count as
// neighbours), except that the smallest and largest observations take their inner gap
// (`consider_endpoints = False`), then σ is clipped to [1/min(100, m + 2), 1] ("magic clip",
// Bergstra et al. 2011). Watanabe (2023), "Tree-structured Parzen estimator: understanding its
// algorithm components and their roles for better empirical performance", §3, explains each choice.

import LabCore
import LabNumerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A Parzen estimator on the unit cube: a weighted mixture of products of truncated normals, one kernel per observation plus a prior.
///
/// The density TPE fits to the good group (l) and to the rest (g)
/// (Bergstra et al. 2011, "Algorithms for hyper-parameter optimization", NeurIPS).
/// - Complexity: building O(d·m log m); ``logDensity(_:)`` O(m·d); ``sample(using:)`` O(m + d) expected.
struct ParzenEstimator: Sendable {
  /// Kernel centres, row k = kernel k (the prior last).
  let centres: [[Double]]
  /// Kernel bandwidths, same shape as `centres`.
  let bandwidths: [[Double]]
  /// log w_k.
  let logWeights: [Double]
  /// Cumulative weights, for choosing a kernel.
  private let cumulative: [Double]
  /// log of each kernel's per-coordinate normalisation: −log σ − log(Φ((1−μ)/σ) − Φ(−μ/σ)), summed over d.
  private let logNormalisers: [Double]

  /// The estimator of `observations` (unit points in trial order) over `dimension` coordinates.
  /// - Parameter priorWeight: the weight of the prior kernel (Optuna: 1), before normalisation.
  init(observations: [[Double]], dimension: Int, priorWeight: Double = 1) {
    let m = observations.count
    var centres = observations
    centres.append([Double](repeating: 0.5, count: dimension))
    var bandwidths = [[Double]](repeating: [Double](repeating: 1, count: dimension), count: m + 1)
    if m > 0 {
      for d in 0..<dimension {
        let sigma = Self.bandwidths(observations.map { $0[d] })
        for j in 0..<m { bandwidths[j][d] = sigma[j] }
      }
    }
    var weights = m == 0 ? [1.0] : Self.defaultWeights(m) + [priorWeight]
    let total = weights.reduce(0, +)
    for k in weights.indices { weights[k] /= total }
    var running = 0.0
    cumulative = weights.map { w in
      running += w
      return running
    }
    logWeights = weights.map { log($0) }
    logNormalisers = zip(centres, bandwidths).map { mu, sigma in
      var s = 0.0
      for d in 0..<dimension {
        let mass = Normal.cdf((1 - mu[d]) / sigma[d]) - Normal.cdf(-mu[d] / sigma[d])
        s -= log(sigma[d]) + log(max(mass, 1e-300))
      }
      return s
    }
    self.centres = centres
    self.bandwidths = bandwidths
  }

  /// Optuna's `default_weights(m)`: 1 for the newest 25 observations, a linear ramp from 1/m up to 1 before them.
  static func defaultWeights(_ m: Int) -> [Double] {
    guard m >= 25 else { return [Double](repeating: 1, count: m) }
    let rampCount = m - 25
    let lo = 1.0 / Double(m)
    let ramp: [Double] = (0..<rampCount).map { i in
      rampCount == 1 ? lo : lo + Double(i) * (1 - lo) / Double(rampCount - 1)
    }
    return ramp + [Double](repeating: 1, count: 25)
  }

  /// The bandwidth of each of `values` (one coordinate, in [0, 1]), in the order given (see the notation block).
  static func bandwidths(_ values: [Double]) -> [Double] {
    let m = values.count
    let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
    var s = [0.0] + order.map { values[$0] } + [1.0]
    s[0] = 0
    var sorted = [Double](repeating: 0, count: m)
    for i in 0..<m { sorted[i] = max(s[i + 1] - s[i], s[i + 2] - s[i + 1]) }
    if m >= 2 {
      sorted[0] = s[2] - s[1]
      sorted[m - 1] = s[m] - s[m - 1]
    }
    let lo = 1.0 / min(100.0, Double(m + 2))
    var result = [Double](repeating: 0, count: m)
    for (rank, j) in order.enumerated() { result[j] = min(max(sorted[rank], lo), 1) }
    return result
  }

  /// log p(u).
  func logDensity(_ u: [Double]) -> Double {
    var terms = [Double](repeating: 0, count: centres.count)
    var top = -Double.infinity
    for k in centres.indices {
      let mu = centres[k], sigma = bandwidths[k]
      var t = logWeights[k] + logNormalisers[k]
      for d in u.indices {
        let z = (u[d] - mu[d]) / sigma[d]
        t -= 0.5 * z * z
      }
      t -= Normal.halfLog2Pi * Double(u.count)
      terms[k] = t
      top = max(top, t)
    }
    guard top.isFinite else { return top }
    var sum = 0.0
    for t in terms { sum += exp(t - top) }
    return top + log(sum)
  }

  /// A draw from p: a kernel chosen by weight, then each coordinate from its truncated normal (by rejection).
  ///
  /// Each kernel's centre lies in [0, 1], so at least a third of its mass lies inside the cube
  /// (σ ≤ 1) and rejection needs fewer than three normal draws on average.
  func sample(using rng: inout SeededGenerator) -> [Double] {
    let r = rng.uniform()
    let k = min(cumulative.firstIndex { r < $0 } ?? (cumulative.count - 1), centres.count - 1)
    return centres[k].indices.map { d in
      let mu = centres[k][d], sigma = bandwidths[k][d]
      for _ in 0..<1000 {
        let x = mu + sigma * rng.normal()
        if x >= 0 && x <= 1 { return x }
      }
      return min(max(mu, 0), 1)
    }
  }
}
