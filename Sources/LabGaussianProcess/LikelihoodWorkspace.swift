// Notation
//   X ∈ [0,1]^{n×d}      training inputs (row i = x_i), stored row-major in `inputs`
//   y ∈ ℝⁿ               training outputs in the caller's scale
//   ȳ, σ_y               their mean and standard deviation; ỹ = (y − ȳ)/σ_y is what the GP models
//   λ ∈ ℝ^d, s, σ_n²     inverse squared length-scales, output scale, noise variance (standardised units)
//   K = s·M(X, X) + σ_n² I   the training covariance (n × n), K + δI = L Lᵀ (δ: Cholesky jitter)
//   m                    constant prior mean of ỹ: 0, or m̂ = 1ᵀK⁻¹ỹ / 1ᵀK⁻¹1 (generalised least squares, profiled out)
//   α = K⁻¹ (ỹ − m)      posterior weights
//   k(x) ∈ ℝⁿ            k_j = s·m(r²(x, x_j))   (m(·) here is the kernel profile, see Kernel.swift)
//   posterior (latent f, standardised):  μ̃(x) = m + k·α,  ṽ(x) = s − k·K⁻¹k
//   original scale:       μ = ȳ + σ_y μ̃,  v = σ_y² ṽ
//   θ (raw hyperparameters) = [log λ (d, or 1 when not ARD), log s, log(σ_n² − σ_min²) (absent when noise is fixed)]
//   objective minimised by the fit: −log p(ỹ | θ) − log prior(θ)
//   log p(ỹ | θ) = −½ (ỹ − m)ᵀα − Σ log L_ii − (n/2) log 2π
//   ∂ log p / ∂θ = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ)       (Rasmussen and Williams 2006, eq. 5.9)
//   prior (Optuna's default, `optuna/_gp/prior.py`):
//     Σ_l −(0.1/λ_l + 0.1 λ_l)  +  Gamma(2, 1) on s  +  Gamma(1.1, 30) on σ_n²   (constants dropped)

import LabCore

import LabCore
import LabNumerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffers and pairwise differences for evaluating the marginal likelihood and its gradient without allocating.
internal struct LikelihoodWorkspace: Sendable {
  let n: Int
  let d: Int
  let y: [Double]
  let inputs: [Double]
  /// Squared coordinate differences of every pair i < j, pair-major: (x_il − x_jl)² at p·d + l.
  var pairDiff2: [Double]
  var pairProfileDerivative: [Double]
  var pairKernel: [Double]
  var matrix: [Double]
  var alpha: [Double]
  var ones: [Double]
  var diagonal: [Double]
  var lambda: [Double]
  var gradientFull: [Double]
  var inverseScratch: [Double]

  init(inputs: [Double], count n: Int, dimension d: Int, y: [Double]) {
    self.n = n
    self.d = d
    self.y = y
    self.inputs = inputs
    let pairs = n * (n - 1) / 2
    pairDiff2 = [Double](repeating: 0, count: pairs * d)
    var p = 0
    for j in 0..<n {
      for i in 0..<j {
        for l in 0..<d {
          let diff = inputs[i * d + l] - inputs[j * d + l]
          pairDiff2[p * d + l] = diff * diff
        }
        p += 1
      }
    }
    pairProfileDerivative = [Double](repeating: 0, count: pairs)
    pairKernel = pairProfileDerivative
    matrix = [Double](repeating: 0, count: n * n)
    alpha = [Double](repeating: 0, count: n)
    ones = alpha
    diagonal = alpha
    lambda = [Double](repeating: 0, count: d)
    gradientFull = [Double](repeating: 0, count: d + 2)
    inverseScratch = [Double](repeating: 0, count: n * n)
  }

  /// Fills `matrix` with K (both triangles) and the pair derivative buffer; returns nothing.
  mutating func buildKernel(lambda: [Double], s: Double, noise: Double, kernel: KernelKind) {
    var p = 0
    for j in 0..<n {
      for i in 0..<j {
        var r2 = 0.0
        for l in 0..<d { r2 += lambda[l] * pairDiff2[p * d + l] }
        let prof = kernel.profile(r2)
        let k = s * prof.value
        matrix[i + j * n] = k
        matrix[j + i * n] = k
        pairProfileDerivative[p] = s * prof.derivative
        pairKernel[p] = k
        p += 1
      }
      matrix[j + j * n] = s + noise
    }
  }

  /// −(log p(ỹ|θ) + log prior(θ)) and its gradient with respect to θ; +∞ when K cannot be factored.
  mutating func objective(raw: [Double], layout: RawLayout, options: GPOptions, gradient: inout [Double]) -> Double {
    for l in 0..<d { lambda[l] = exp(raw[layout.lengthCount == d ? l : 0]) }
    let s = exp(raw[layout.lengthCount])
    let noise = layout.fitsNoise ? exp(raw[layout.lengthCount + 1]) + layout.minimumNoise : (layout.fixedNoise ?? layout.minimumNoise)
    buildKernel(lambda: lambda, s: s, noise: noise, kernel: options.kernel)
    guard let _ = try? Cholesky.factorInPlace(&matrix, order: n, tries: 3, jitterBase: 1e-9, diagonalScratch: &diagonal) else {
      for i in 0..<gradient.count { gradient[i] = 0 }
      return .infinity
    }
    var logDet = 0.0
    for i in 0..<n { logDet += log(matrix[i + i * n]) }
    for i in 0..<n { alpha[i] = y[i] }
    Cholesky.solveInPlace(factor: matrix, order: n, &alpha)
    var quad = 0.0
    if options.fitsConstantMean {
      // Profile out m: m̂ = 1ᵀK⁻¹ỹ / 1ᵀK⁻¹1, α = K⁻¹(ỹ − m̂). ∂L/∂m = 0 at m̂, so the θ-gradient keeps its form.
      for i in 0..<n { ones[i] = 1 }
      Cholesky.solveInPlace(factor: matrix, order: n, &ones)
      var num = 0.0
      var den = 0.0
      for i in 0..<n {
        num += alpha[i]
        den += ones[i]
      }
      let m = den > 0 ? num / den : 0
      for i in 0..<n {
        alpha[i] -= m * ones[i]
        quad += (y[i] - m) * alpha[i]
      }
    } else {
      for i in 0..<n { quad += y[i] * alpha[i] }
    }
    let logLik = -0.5 * quad - logDet - 0.5 * Double(n) * log(2 * Double.pi)
    Cholesky.invertLowerInPlace(&matrix, order: n, scratch: &inverseScratch)  // lower triangle of matrix = K⁻¹

    // Gradient of log p: ½ Σ_ij W_ij ∂K_ij/∂θ with W = ααᵀ − K⁻¹.
    for i in 0..<gradientFull.count { gradientFull[i] = 0 }
    var gScale = 0.0
    var gNoise = 0.0
    var p = 0
    for j in 0..<n {
      for i in 0..<j {
        let w = alpha[i] * alpha[j] - matrix[j + i * n]  // (K⁻¹)_ji from the lower triangle
        let wd = w * pairProfileDerivative[p]
        for l in 0..<d { gradientFull[l] += wd * pairDiff2[p * d + l] }
        gScale += w * pairKernel[p]  // off-diagonal part of ∂/∂log s (pairs counted once = ½·2)
        p += 1
      }
      let wjj = alpha[j] * alpha[j] - matrix[j + j * n]
      gNoise += 0.5 * wjj
      gScale += 0.5 * wjj * s
    }
    for l in 0..<d { gradientFull[l] *= lambda[l] }  // ∂/∂log λ_l (pairs counted once = ½·2)

    var value = -logLik
    for i in 0..<gradient.count { gradient[i] = 0 }
    if layout.lengthCount == d {
      for l in 0..<d { gradient[l] = -gradientFull[l] }
    } else {
      var total = 0.0
      for l in 0..<d { total += gradientFull[l] }
      gradient[0] = -total
    }
    gradient[layout.lengthCount] = -gScale
    if layout.fitsNoise { gradient[layout.lengthCount + 1] = -gNoise * (noise - layout.minimumNoise) }

    if options.prior == .optuna {
      var logPrior = 0.0
      if layout.lengthCount == d {
        for l in 0..<d {
          logPrior -= 0.1 / lambda[l] + 0.1 * lambda[l]
          gradient[l] -= 0.1 / lambda[l] - 0.1 * lambda[l]
        }
      } else {
        let lam = lambda[0]
        logPrior -= Double(d) * (0.1 / lam + 0.1 * lam)
        gradient[0] -= Double(d) * (0.1 / lam - 0.1 * lam)
      }
      logPrior += log(s) - s
      gradient[layout.lengthCount] -= 1 - s
      logPrior += 0.1 * log(noise) - 30 * noise
      if layout.fitsNoise {
        gradient[layout.lengthCount + 1] -= (0.1 / noise - 30) * (noise - layout.minimumNoise)
      }
      value -= logPrior
    } else if options.prior == .hvarfner {
      // Log-normal densities of ℓ = λ^(−1/2) and σ_n² (constants dropped): −(log x)²/(2v) + (μ/v − 1) log x.
      let mu = 2.0.squareRoot() + 0.5 * log(Double(d))
      var logPrior = 0.0
      let count = layout.lengthCount
      let copies = count == d ? 1.0 : Double(d)  // a shared length-scale stands for d of them
      for l in 0..<count {
        let logEll = -0.5 * raw[l]
        logPrior += copies * (-logEll * logEll / 6 + (mu / 3 - 1) * logEll)
        gradient[l] -= copies * (-logEll / 3 + (mu / 3 - 1)) * -0.5
      }
      let logNoise = log(noise)
      logPrior += -logNoise * logNoise / 2 + (-4 - 1) * logNoise
      if layout.fitsNoise {
        gradient[layout.lengthCount + 1] -= (-logNoise - 5) * (noise - layout.minimumNoise) / noise
      }
      value -= logPrior
    }
    return value
  }

  /// The factor at fixed hyperparameters, row-packed for later appends.
  mutating func factor(hyperparameters h: GPHyperparameters, kernel: KernelKind) throws -> PackedCholesky {
    buildKernel(lambda: h.inverseSquaredLengthScales, s: h.outputScale, noise: h.noise, kernel: kernel)
    let jitter = try Cholesky.factorInPlace(&matrix, order: n, tries: 6)
    return PackedCholesky(columnMajorLower: matrix, order: n, jitter: jitter)
  }
}
