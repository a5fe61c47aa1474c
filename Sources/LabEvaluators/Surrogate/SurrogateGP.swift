// Gaussian-process regression used by the surrogate (factorisation and solves: LabNumerics.Cholesky).
//
// Notation
//   n            number of training points
//   d            number of input features (5: see SurrogateFeatures)
//   X  [n × d]   training inputs, row-major, each feature in [0, 1] over the search space
//   z  [n]       training targets in the latent (warped) scale
//   ℓ  [d]       ARD length-scales;  σf²  signal variance;  σn²  noise variance
//   m(x)         prior mean m + s x₀, linear in the log10(alpha/rank) feature (explicit basis functions,
//                Rasmussen and Williams §2.7, here with m and s fitted by maximum likelihood): far from the
//                data the surface follows the alpha/rank trend instead of reverting to a constant
//   r            scaled distance  sqrt(Σ_i ((x_i − x'_i) / ℓ_i)²)
//   k(r)         Matérn-5/2:  σf² (1 + √5 r + 5r²/3) exp(−√5 r)
//   K  [n × n]   k(X, X) + (σn² + δ) I, symmetric (so row- and column-major storage coincide);
//                L  its lower Cholesky factor, K = L Lᵀ, column-major (LabNumerics.Cholesky, LAPACK dpotrf)
//   δ            jitter: 0, then 1e-10 … 1e-4 × mean(diag K) when the factorisation fails
//   α  [n]       K⁻¹ (z − m(X))
//   μ(x*)        m(x*) + k(x*, X) α;   v(x*) = σf² − k*ᵀ K⁻¹ k*   (latent posterior variance)
//   NLL          ½ (z − m(X))ᵀ α + ½ log det K + ½ n log 2π   (negative log marginal likelihood)
//
// Reference: C. E. Rasmussen and C. K. I. Williams, Gaussian Processes for Machine Learning,
// MIT Press 2006, algorithm 2.1 (prediction) and eq. 5.9 (gradient of the marginal likelihood).

import Foundation
import LabCore
import LabNumerics

/// The hyperparameters of a surrogate Gaussian process (ARD Matérn-5/2 kernel, Gaussian noise, constant mean).
public struct SurrogateKernelParameters: Sendable, Hashable, Codable {
  /// ARD length-scales, one per feature (in feature units, features spanning [0, 1]).
  public var lengthScales: [Double]
  /// Signal variance σf² (latent scale).
  public var signalVariance: Double
  /// Noise variance σn² (latent scale): run-to-run noise plus whatever the kernel cannot fit.
  public var noiseVariance: Double
  /// Prior mean at feature 0 = 0 (latent scale).
  public var mean: Double
  /// Slope of the prior mean along feature 0, log10(alpha/rank): m(x) = mean + scalingSlope · x₀.
  public var scalingSlope: Double

  public init(lengthScales: [Double], signalVariance: Double, noiseVariance: Double, mean: Double, scalingSlope: Double = 0) {
    self.lengthScales = lengthScales
    self.signalVariance = signalVariance
    self.noiseVariance = noiseVariance
    self.mean = mean
    self.scalingSlope = scalingSlope
  }

  /// The prior mean m(x).
  @inline(__always)
  func priorMean(_ x: [Double]) -> Double { mean + scalingSlope * x[0] }
}

/// A Gaussian process conditioned on training data: Cholesky factor and weights ready for prediction.
///
/// - Complexity: O(n³) to build, O(n d) for a mean, O(n²) for a variance.
struct SurrogateGP: Sendable {
  let parameters: SurrogateKernelParameters
  let inputs: [[Double]]
  /// The Cholesky factorisation of K (column-major, with the jitter it needed).
  let cholesky: Cholesky
  let weights: [Double]
  let inverseSquaredLengths: [Double]

  /// Tries of the jitter ladder: none, then 1e-10 … 1e-4 of the mean diagonal.
  static let jitterTries = 8
  static let jitterBase = 1e-10

  /// Conditions the process on `inputs` → `targets`.
  /// - Throws: `.numerical` when K stays not positive definite after every jitter; `.invalidInput` when empty.
  init(parameters: SurrogateKernelParameters, inputs: [[Double]], targets: [Double]) throws {
    guard !inputs.isEmpty, inputs.count == targets.count else {
      throw LabError(.invalidInput, "a Gaussian process needs at least one training point (got \(inputs.count) inputs, \(targets.count) targets)")
    }
    self.parameters = parameters
    self.inputs = inputs
    self.inverseSquaredLengths = parameters.lengthScales.map { 1 / ($0 * $0) }
    let n = inputs.count
    var k = SurrogateGP.kernelMatrix(inputs, inverseSquaredLengths, parameters.signalVariance)
    for i in 0..<n { k[i * n + i] += parameters.noiseVariance }
    do {
      cholesky = try Cholesky(
        Matrix(rows: n, columns: n, columnMajor: k), tries: SurrogateGP.jitterTries, jitterBase: SurrogateGP.jitterBase)
    } catch let error as LabError where error.code == .numerical {
      throw LabError(
        .numerical,
        "the \(n) × \(n) kernel matrix of the surrogate (length-scales \(parameters.lengthScales), σf² \(parameters.signalVariance), σn² \(parameters.noiseVariance)) is not positive definite, even with jitter: \(error.message)")
    }
    var residual = zip(inputs, targets).map { $1 - parameters.priorMean($0) }
    cholesky.solve(&residual)
    weights = residual
  }

  /// Matérn-5/2 of scaled squared distance `r2`, divided by σf².
  @inline(__always)
  static func matern(_ r2: Double) -> Double {
    let s = (5 * r2).squareRoot()
    return (1 + s + s * s / 3) * exp(-s)
  }

  /// k(X, X) as a symmetric n × n array (both triangles filled, so either storage order reads it).
  static func kernelMatrix(_ x: [[Double]], _ inv: [Double], _ sf2: Double) -> [Double] {
    let n = x.count
    var k = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      k[i * n + i] = sf2
      for j in 0..<i {
        var r2 = 0.0
        for f in 0..<inv.count {
          let t = x[i][f] - x[j][f]
          r2 += t * t * inv[f]
        }
        let v = sf2 * matern(r2)
        k[i * n + j] = v
        k[j * n + i] = v
      }
    }
    return k
  }

  /// k(x, X) for one input.
  func crossKernel(_ x: [Double]) -> [Double] {
    let sf2 = parameters.signalVariance
    return inputs.map { row in
      var r2 = 0.0
      for f in 0..<inverseSquaredLengths.count {
        let t = x[f] - row[f]
        r2 += t * t * inverseSquaredLengths[f]
      }
      return sf2 * SurrogateGP.matern(r2)
    }
  }

  /// Posterior mean of the latent function at `x`.
  func mean(_ x: [Double]) -> Double {
    let sf2 = parameters.signalVariance
    var mu = parameters.priorMean(x)
    for (i, row) in inputs.enumerated() {
      var r2 = 0.0
      for f in 0..<inverseSquaredLengths.count {
        let t = x[f] - row[f]
        r2 += t * t * inverseSquaredLengths[f]
      }
      mu += sf2 * SurrogateGP.matern(r2) * weights[i]
    }
    return mu
  }

  /// Posterior mean and predictive variance (latent variance plus noise variance) at `x`.
  func predict(_ x: [Double]) -> (mean: Double, variance: Double) {
    var k = crossKernel(x)
    var mu = parameters.priorMean(x)
    for i in 0..<k.count { mu += k[i] * weights[i] }
    cholesky.solveLower(&k)
    var q = 0.0
    for v in k { q += v * v }
    let latent = max(parameters.signalVariance - q, 0)
    return (mu, latent + parameters.noiseVariance)
  }
}

// MARK: - Marginal likelihood and its gradient

extension SurrogateGP {
  /// The negative log marginal likelihood of `targets` and its gradient with respect to
  /// (log ℓ_1 … log ℓ_d, log σf², log σn², m, s); nil when K is not positive definite.
  /// - Complexity: O(n³ + n² d).
  static func negativeLogLikelihood(
    logLengths: [Double], logSignal: Double, logNoise: Double, mean: Double, slope: Double, inputs x: [[Double]], targets: [Double]
  ) -> (value: Double, gradient: [Double])? {
    let n = x.count
    let d = logLengths.count
    let inv = logLengths.map { exp(-2 * $0) }
    let sf2 = exp(logSignal)
    let sn2 = exp(logNoise)
    var k = kernelMatrix(x, inv, sf2)
    for i in 0..<n { k[i * n + i] += sn2 + 1e-10 }
    // One try, no jitter ladder: a K that needs more jitter is outside the search's domain.
    guard (try? Cholesky.factorInPlace(&k, order: n, tries: 1, jitterBase: 0)) != nil else { return nil }
    var alpha = zip(x, targets).map { $1 - mean - slope * $0[0] }
    let residual = alpha
    Cholesky.solveInPlace(factor: k, order: n, &alpha)
    var value = 0.5 * Double(n) * log(2 * Double.pi)
    for i in 0..<n { value += 0.5 * residual[i] * alpha[i] + log(k[i + i * n]) }
    // W = K⁻¹ − α αᵀ (K⁻¹ from the factor, LAPACK dpotri; symmetric, so the storage order does not matter);
    // dNLL/dθ = ½ tr(W ∂K/∂θ).
    var w = k
    Cholesky.invertInPlace(&w, order: n)
    for j in 0..<n { for i in 0..<n { w[i + j * n] -= alpha[i] * alpha[j] } }
    var gradient = [Double](repeating: 0, count: d + 4)
    let root5 = 5.0.squareRoot()
    for i in 0..<n {
      // Diagonal: ∂K_ii/∂log σf² = σf², ∂K_ii/∂log σn² = σn².
      gradient[d] += 0.5 * w[i * n + i] * sf2
      gradient[d + 1] += 0.5 * w[i * n + i] * sn2
      for j in 0..<i {
        var r2 = 0.0
        for f in 0..<d {
          let t = x[i][f] - x[j][f]
          r2 += t * t * inv[f]
        }
        let s = (5 * r2).squareRoot()
        let e = exp(-s)
        let kij = sf2 * (1 + s + s * s / 3) * e
        // ∂k/∂log ℓ_f = σf² (5/3) (1 + √5 r) exp(−√5 r) (Δ_f/ℓ_f)².
        let common = sf2 * (5.0 / 3.0) * (1 + root5 * r2.squareRoot()) * e
        let wij = w[i * n + j]  // symmetric pair counted once, so no ½
        gradient[d] += wij * kij
        for f in 0..<d {
          let t = x[i][f] - x[j][f]
          gradient[f] += wij * common * t * t * inv[f]
        }
      }
    }
    var meanGradient = 0.0
    var slopeGradient = 0.0
    for i in 0..<n {
      meanGradient -= alpha[i]
      slopeGradient -= alpha[i] * x[i][0]
    }
    gradient[d + 2] = meanGradient
    gradient[d + 3] = slopeGradient
    return (value, gradient)
  }
}
