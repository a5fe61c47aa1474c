// Notation (Hansen 2016, "The CMA evolution strategy: a tutorial", arXiv:1604.00772; equation numbers are the tutorial's)
//   n            dimension; λ population size; μ = ⌊λ/2⌋ parents
//   m ∈ ℝⁿ       the distribution's mean; σ > 0 the step size; C (n×n) the covariance, C = B·D²·Bᵀ
//   x_k          a member, x_k = m + σ·y_k with y_k ~ N(0, C); f minimised (f = −value)
//   w'_i         ln((λ+1)/2) − ln i, i = 1…λ (eq. 49); w_i its normalisation with active negative weights (eq. 53)
//   μ_eff        (Σ_{i≤μ} w'_i)² / Σ_{i≤μ} w'_i²
//   c_σ, d_σ     step-size cumulation and damping (eq. 55); c_c, c_1, c_μ covariance rates (eq. 56–58)
//   p_σ, p_c     evolution paths; h_σ the stall indicator (p. 28); E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²))

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The state of a (μ/μ_w, λ)-CMA-ES with active covariance update, and its update from one generation (Hansen 2016).
///
/// Defaults as the tutorial's Table 1 (the `cmaes` library uses the same):
/// c_m = 1, α_cov = 2, λ = 4 + ⌊3 ln n⌋ unless given.
/// - Complexity: ``tell(_:)`` O(λ·n² + n³) (the n³ is the eigendecomposition of C).
struct CMAState: Sendable {
  let n: Int
  let lambda: Int
  let mu: Int
  let weights: [Double]
  let muEff: Double
  let cSigma: Double
  let dSigma: Double
  let cc: Double
  let c1: Double
  let cMu: Double
  let chiN: Double

  var mean: [Double]
  var sigma: Double
  /// C, row-major.
  var covariance: [Double]
  var pSigma: [Double]
  var pc: [Double]
  /// Completed updates.
  var generation = 0
  /// B·D (row-major), to sample y = B·D·z.
  private(set) var bd: [Double]
  /// D, the square roots of C's eigenvalues.
  private(set) var d: [Double]
  /// B (row-major, eigenvectors as columns).
  private(set) var b: [Double]
  /// Best and worst f of recent generations, for the TolFun stopping rule.
  private var history: [Double] = []
  let sigma0: Double

  init(mean: [Double], sigma: Double, lambda: Int) {
    let n = mean.count
    self.n = n
    self.lambda = lambda
    mu = lambda / 2
    let wPrime = (1...lambda).map { log(Double(lambda + 1) / 2) - log(Double($0)) }
    let positive = wPrime.prefix(mu)
    let negative = wPrime.dropFirst(mu)
    muEff = pow(positive.reduce(0, +), 2) / positive.reduce(0) { $0 + $1 * $1 }
    let muEffMinus = negative.isEmpty ? 0 : pow(negative.reduce(0, +), 2) / negative.reduce(0) { $0 + $1 * $1 }
    let dn = Double(n)
    let alphaCov = 2.0
    c1 = alphaCov / (pow(dn + 1.3, 2) + muEff)
    cMu = min(1 - c1 - 1e-8, alphaCov * (muEff - 2 + 1 / muEff) / (pow(dn + 2, 2) + alphaCov * muEff / 2))
    let alphaMinus = min(1 + c1 / cMu, 1 + 2 * muEffMinus / (muEff + 2), (1 - c1 - cMu) / (dn * cMu))
    let positiveSum = wPrime.filter { $0 > 0 }.reduce(0, +)
    let negativeSum = wPrime.filter { $0 < 0 }.reduce(0) { $0 - $1 }
    weights = wPrime.map { $0 >= 0 ? $0 / positiveSum : alphaMinus * $0 / max(negativeSum, .leastNormalMagnitude) }
    cSigma = (muEff + 2) / (dn + muEff + 5)
    dSigma = 1 + 2 * max(0, ((muEff - 1) / (dn + 1)).squareRoot() - 1) + cSigma
    cc = (4 + muEff / dn) / (dn + 4 + 2 * muEff / dn)
    chiN = dn.squareRoot() * (1 - 1 / (4 * dn) + 1 / (21 * dn * dn))
    self.mean = mean
    self.sigma = sigma
    sigma0 = sigma
    covariance = [Double](repeating: 0, count: n * n)
    for i in 0..<n { covariance[i * n + i] = 1 }
    pSigma = [Double](repeating: 0, count: n)
    pc = [Double](repeating: 0, count: n)
    bd = covariance
    b = covariance
    d = [Double](repeating: 1, count: n)
  }

  /// y ~ N(0, C) from n standard normal draws.
  func sampleY(_ z: [Double]) -> [Double] {
    (0..<n).map { i in
      var s = 0.0
      for k in 0..<n { s += bd[i * n + k] * z[k] }
      return s
    }
  }

  /// C^{-1/2}·v = B·D⁻¹·Bᵀ·v.
  func inverseSqrtC(_ v: [Double]) -> [Double] {
    var t = [Double](repeating: 0, count: n)
    for k in 0..<n {
      var s = 0.0
      for i in 0..<n { s += b[i * n + k] * v[i] }
      t[k] = s / d[k]
    }
    return (0..<n).map { i in
      var s = 0.0
      for k in 0..<n { s += b[i * n + k] * t[k] }
      return s
    }
  }

  /// One generation: `members` are λ pairs (x, f), in any order; f is minimised.
  mutating func tell(_ members: [(x: [Double], f: Double)]) {
    precondition(members.count == lambda, "CMA-ES tells exactly λ members")
    let sorted = members.enumerated().sorted { ($0.element.f, $0.offset) < ($1.element.f, $1.offset) }.map(\.element)
    generation += 1
    history.append(sorted[0].f)
    history.append(sorted[lambda - 1].f)
    let keep = 2 * (10 + Int((30 * Double(n) / Double(lambda)).rounded(.up)))
    if history.count > keep { history.removeFirst(history.count - keep) }

    let y = sorted.map { member in (0..<n).map { (member.x[$0] - mean[$0]) / sigma } }
    var yw = [Double](repeating: 0, count: n)
    for i in 0..<mu { for j in 0..<n { yw[j] += weights[i] * y[i][j] } }
    for j in 0..<n { mean[j] += sigma * yw[j] }  // c_m = 1 (eq. 41)

    let cInvYw = inverseSqrtC(yw)
    let ps = (cSigma * (2 - cSigma) * muEff).squareRoot()
    for j in 0..<n { pSigma[j] = (1 - cSigma) * pSigma[j] + ps * cInvYw[j] }  // eq. 43
    let normPs = pSigma.reduce(0) { $0 + $1 * $1 }.squareRoot()
    sigma *= exp((cSigma / dSigma) * (normPs / chiN - 1))  // eq. 44
    sigma = min(sigma, 1e32)

    let left = normPs / (1 - pow(1 - cSigma, Double(2 * (generation + 1)))).squareRoot()
    let hSigma = left < (1.4 + 2 / Double(n + 1)) * chiN ? 1.0 : 0.0
    let pcRate = hSigma * (cc * (2 - cc) * muEff).squareRoot()
    for j in 0..<n { pc[j] = (1 - cc) * pc[j] + pcRate * yw[j] }  // eq. 45

    // eq. 46: negative weights rescaled by n / ‖C^{-1/2} y‖².
    let wo = (0..<lambda).map { i -> Double in
      guard weights[i] < 0 else { return weights[i] }
      let v = inverseSqrtC(y[i])
      return weights[i] * Double(n) / (v.reduce(0) { $0 + $1 * $1 } + 1e-8)
    }
    let deltaH = (1 - hSigma) * cc * (2 - cc)
    let decay = 1 + c1 * deltaH - c1 - cMu * weights.reduce(0, +)
    for r in 0..<n {
      for c in r..<n {
        var rankMu = 0.0
        for i in 0..<lambda { rankMu += wo[i] * y[i][r] * y[i][c] }
        let v = decay * covariance[r * n + c] + c1 * pc[r] * pc[c] + cMu * rankMu  // eq. 47
        covariance[r * n + c] = v
        covariance[c * n + r] = v
      }
    }
    decompose()
  }

  /// Recomputes B and D from C (eigenvalues below 1e-300 are raised to it, as `cmaes` does with its ε).
  mutating func decompose() {
    let e = SymmetricEigen(covariance, order: n)
    d = e.values.map { max($0, 1e-300).squareRoot() }
    b = e.vectors
    bd = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for k in 0..<n { bd[i * n + k] = b[i * n + k] * d[k] } }
  }

  /// Whether the state is finite (a non-finite one is restarted by the proposer).
  var isFinite: Bool {
    sigma.isFinite && sigma > 0 && mean.allSatisfy(\.isFinite) && covariance.allSatisfy(\.isFinite)
  }

  /// The `cmaes` library's stopping rules (Hansen 2016, appendix B.3): TolFun, TolX, TolXUp,
  /// no effect on a coordinate or an axis, and a condition number of C above 1e14.
  var shouldStop: Bool {
    let span = (history.max() ?? 0) - (history.min() ?? 0)
    if generation > 10 + Int((30 * Double(n) / Double(lambda)).rounded(.up)) && span < 1e-12 { return true }
    let tolX = 1e-12 * sigma0
    if (0..<n).allSatisfy({ sigma * covariance[$0 * n + $0].squareRoot() < tolX && sigma * abs(pc[$0]) < tolX }) { return true }
    if sigma * (d.max() ?? 0) > 1e4 { return true }
    if (0..<n).contains(where: { mean[$0] == mean[$0] + 0.2 * sigma * covariance[$0 * n + $0].squareRoot() }) { return true }
    let axis = generation % n
    if (0..<n).allSatisfy({ mean[$0] == mean[$0] + 0.1 * sigma * d[axis] * b[$0 * n + axis] }) { return true }
    if let hi = d.max(), let lo = d.min(), hi / lo > 1e7 { return true }  // D ratio 1e7 ⇔ condition of C 1e14
    return false
  }
}
