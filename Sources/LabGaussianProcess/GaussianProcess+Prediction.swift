// Notation: as GaussianProcess.swift.
//   one point:   k (n), w = L⁻¹k (forward substitution), ṽ = s − w·w; with gradients also K⁻¹k = L⁻ᵀw
//   many points: K* (n × m, row-major), W* = L⁻¹K* in one blocked solve (8 candidates per pass over L)
//   ∂k_j/∂x_l = s·m'(r²)·2λ_l(x_l − X_jl),  ∇μ̃ = Σ_j α_j ∂k_j,  ∇ṽ = −2 Σ_j (K⁻¹k)_j ∂k_j

import LabCore
import LabNumerics

extension GaussianProcess {
  /// Posterior mean and variance of the latent function at `x` (unit cube), in the caller's scale.
  public func predict(_ x: [Double]) -> (mean: Double, variance: Double) {
    var work = PosteriorWorkspace(count: count, dimension: dimension)
    let p = standardisedPosterior(x, workspace: &work, gradients: false)
    return (outputMean + outputScale * p.mean, outputScale * outputScale * p.variance)
  }

  /// Posterior mean of the latent function at `x`, in the caller's scale, without the O(n²) variance: O(n·d).
  public func predictMean(_ x: [Double]) -> Double {
    let b = covariances(x)
    var mu = constantMean
    for j in 0..<count { mu += b[j] * alpha[j] }
    return outputMean + outputScale * mu
  }

  /// Posterior mean, variance and their gradients with respect to x, in the caller's scale.
  public func predictWithGradient(_ x: [Double]) -> (
    mean: Double, variance: Double, meanGradient: [Double], varianceGradient: [Double]
  ) {
    var work = PosteriorWorkspace(count: count, dimension: dimension)
    let p = standardisedPosterior(x, workspace: &work, gradients: true)
    let s2 = outputScale * outputScale
    return (
      outputMean + outputScale * p.mean, s2 * p.variance,
      work.meanGradient.map { $0 * outputScale }, work.varianceGradient.map { $0 * s2 }
    )
  }

  /// Posterior means and variances at many points at once (one blocked triangular solve), in the caller's scale.
  /// - Complexity: O(m·n·d + m·n²), reading the factor once per 8 points.
  public func predict(batch points: [[Double]]) -> (means: [Double], variances: [Double]) {
    let m = points.count
    let n = count
    var kStar = [Double](repeating: 0, count: n * m)
    var means = [Double](repeating: outputMean, count: m)
    var variances = [Double](repeating: 0, count: m)
    if m == 0 { return (means, variances) }
    let s = hyperparameters.outputScale
    let d = dimension
    var xs = [Double](repeating: 0, count: d)
    scaledInputs.withUnsafeBufferPointer { data in
      alpha.withUnsafeBufferPointer { a in
        kStar.withUnsafeMutableBufferPointer { ks in
          for c in 0..<m {
            let x = points[c]
            for l in 0..<d { xs[l] = x[l] * sqrtLambda[l] }
            var mu = constantMean
            xs.withUnsafeBufferPointer { xp in
              for j in 0..<n {
                var r2 = 0.0
                let row = j * d
                for l in 0..<d {
                  let diff = xp[l] - data[row + l]
                  r2 += diff * diff
                }
                let k = s * kernel.profile(r2).value
                ks[j * m + c] = k
                mu += k * a[j]
              }
            }
            means[c] = outputMean + outputScale * mu
          }
        }
      }
    }
    factor.solveLower(rowMajor: &kStar, columns: m)
    let s2 = outputScale * outputScale
    var q = [Double](repeating: 0, count: m)
    for j in 0..<n {
      let row = j * m
      for c in 0..<m { q[c] += kStar[row + c] * kStar[row + c] }
    }
    for c in 0..<m { variances[c] = s2 * max(s - q[c], 0) }
    return (means, variances)
  }

  /// Standardised posterior at `x`; fills the workspace's gradients when asked. Allocation-free.
  @inlinable
  public func standardisedPosterior(
    _ x: [Double], workspace w: inout PosteriorWorkspace, gradients: Bool
  ) -> (mean: Double, variance: Double) {
    let n = count
    let d = dimension
    let s = hyperparameters.outputScale
    for l in 0..<d { w.scaledPoint[l] = x[l] * sqrtLambda[l] }
    var mean = constantMean
    scaledInputs.withUnsafeBufferPointer { data in
      alpha.withUnsafeBufferPointer { a in
        w.scaledPoint.withUnsafeBufferPointer { xp in
          w.k.withUnsafeMutableBufferPointer { kk in
            w.dk.withUnsafeMutableBufferPointer { dkk in
              w.v.withUnsafeMutableBufferPointer { vv in
                for j in 0..<n {
                  var r2 = 0.0
                  let row = j * d
                  for l in 0..<d {
                    let diff = xp[l] - data[row + l]
                    r2 += diff * diff
                  }
                  let p = kernel.profile(r2)
                  kk[j] = s * p.value
                  vv[j] = kk[j]
                  dkk[j] = s * p.derivative
                  mean += kk[j] * a[j]
                }
              }
            }
          }
        }
      }
    }
    // w = L⁻¹k, ṽ = s − w·w; for gradients K⁻¹k = L⁻ᵀw (both in the workspace's v).
    factor.solveLower(&w.v)
    let quad = w.v.withUnsafeBufferPointer { p in DenseKernels.dot(p.baseAddress!, p.baseAddress!, count: n) }
    let variance = max(s - quad, 0)
    if gradients {
      factor.solveLowerTransposed(&w.v)
      for l in 0..<d {
        w.meanGradient[l] = 0
        w.varianceGradient[l] = 0
      }
      scaledInputs.withUnsafeBufferPointer { data in
        for j in 0..<n {
          let a = 2 * w.dk[j] * alpha[j]
          let b = -4 * w.dk[j] * w.v[j]
          let row = j * d
          for l in 0..<d {
            let t = w.scaledPoint[l] - data[row + l]
            w.meanGradient[l] += a * t
            w.varianceGradient[l] += b * t
          }
        }
      }
      for l in 0..<d {
        w.meanGradient[l] *= sqrtLambda[l]
        w.varianceGradient[l] *= sqrtLambda[l]
      }
    }
    return (mean, variance)
  }
}
