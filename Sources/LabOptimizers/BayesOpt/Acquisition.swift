// Notation (all in the GP's standardised output units)
//   μ(x), v(x), σ(x) = √v      posterior mean, variance, standard deviation of the latent function
//   f*                         the incumbent: the largest standardised training output (we maximise)
//   z = (μ − f*)/σ
//   EI(x) = σ·h(z),  h(z) = φ(z) + zΦ(z)
//   LogEI(x) = log h(z) + log σ            (Ament et al. 2023, eq. 4 and 9; `Normal.logEIFunction`)
//   ∇LogEI = (Φ(z)/h(z))·∇z + ∇σ/σ,   ∇z = (∇μ − z∇σ)/σ,   ∇σ = ∇v/(2σ)
//
// Local penalisation (González, Dai, Hennig and Lawrence 2016, "Batch Bayesian
// optimization via local penalization", AISTATS), written for maximisation:
//   for each pending point x_j with posterior (μ_j, σ_j), Lipschitz constant 𝓛 of μ and M = f*,
//   ψ_j(x) = Φ((𝓛‖x − x_j‖ − M + μ_j)/σ_j),   the probability that x is outside the ball x_j excludes;
//   penalised LogEI(x) = LogEI(x) + Σ_j log ψ_j(x)    (log Φ from `Normal.logCDF`).

import LabCore
import LabGaussianProcess
import LabNumerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One local penaliser ψ_j of González et al. (2016): a soft exclusion ball around a pending point.
public struct LocalPenalty: Sendable, Hashable {
  /// The pending point x_j (unit cube).
  public var center: [Double]
  /// μ_j, standardised.
  public var mean: Double
  /// σ_j, standardised (floored at 1e-9).
  public var standardDeviation: Double
  public init(center: [Double], mean: Double, standardDeviation: Double) {
    self.center = center
    self.mean = mean
    self.standardDeviation = max(standardDeviation, 1e-9)
  }
}

/// Log expected improvement (LogEI) of a GP, optionally multiplied by local penalisers, with its gradient.
///
/// Computed in log space throughout so that it stays finite and informative
/// where EI itself underflows to zero (Ament, Daulton, Eriksson, Balandat and
/// Bakshy 2023, "Unexpected improvements to expected improvement for Bayesian
/// optimization", NeurIPS).
/// - Complexity: O(n·d + n²) per evaluation (the GP posterior), plus O(q·d) for q penalisers.
public struct LogExpectedImprovement: Sendable {
  /// The model (its standardised posterior is used).
  public let model: GaussianProcess
  /// f*, standardised.
  public let incumbent: Double
  /// Penalisers for pending points (local penalisation); empty otherwise.
  public var penalties: [LocalPenalty]
  /// 𝓛, the Lipschitz constant of μ (standardised units per unit-cube distance).
  public var lipschitz: Double

  /// LogEI over the best standardised training output of `model`.
  public init(model: GaussianProcess, penalties: [LocalPenalty] = [], lipschitz: Double = 0) {
    self.model = model
    var best = -Double.infinity
    for y in model.outputs { best = max(best, (y - model.outputMean) / model.outputScale) }
    self.incumbent = best
    self.penalties = penalties
    self.lipschitz = lipschitz
  }

  /// The variance floor, standardised: keeps σ > 0 at training points of a noiseless GP.
  public static let varianceFloor = 1e-18

  /// LogEI (plus log-penalties) from a standardised mean and variance.
  @inlinable
  public func value(mean: Double, variance: Double) -> Double {
    let sigma = max(variance, LogExpectedImprovement.varianceFloor).squareRoot()
    return Normal.logEIFunction((mean - incumbent) / sigma) + log(sigma)
  }

  /// The acquisition value at `x` and its gradient (written into `gradient`, length d). Allocation-free.
  public func evaluate(_ x: [Double], workspace w: inout PosteriorWorkspace, gradient: inout [Double]) -> Double {
    let p = model.standardisedPosterior(x, workspace: &w, gradients: true)
    let d = model.dimension
    let v = max(p.variance, LogExpectedImprovement.varianceFloor)
    let sigma = v.squareRoot()
    let z = (p.mean - incumbent) / sigma
    var value = Normal.logEIFunction(z) + log(sigma)
    let dLogH = Normal.logEIFunctionDerivative(z)
    let floored = p.variance <= LogExpectedImprovement.varianceFloor
    for l in 0..<d {
      let dSigma = floored ? 0 : w.varianceGradient[l] / (2 * sigma)
      let dz = (w.meanGradient[l] - z * dSigma) / sigma
      gradient[l] = dLogH * dz + dSigma / sigma
    }
    for penalty in penalties {
      var dist2 = 0.0
      for l in 0..<d {
        let diff = x[l] - penalty.center[l]
        dist2 += diff * diff
      }
      let dist = dist2.squareRoot()
      let u = (lipschitz * dist - incumbent + penalty.mean) / penalty.standardDeviation
      let logPsi = Normal.logCDF(u)
      value += logPsi
      if dist > 0 {
        let ratio = exp(Normal.logPDF(u) - logPsi)  // φ(u)/Φ(u), finite in the far tail
        let scale = ratio * lipschitz / (penalty.standardDeviation * dist)
        for l in 0..<d { gradient[l] += scale * (x[l] - penalty.center[l]) }
      }
    }
    return value
  }

  /// The acquisition value at many points (batch posterior), without gradients.
  public func values(at points: [[Double]]) -> [Double] {
    let batch = model.predict(batch: points)
    let s = model.outputScale
    var out = [Double](repeating: 0, count: points.count)
    for c in 0..<points.count {
      let mean = (batch.means[c] - model.outputMean) / s
      let variance = batch.variances[c] / (s * s)
      var value = self.value(mean: mean, variance: variance)
      for penalty in penalties {
        var dist2 = 0.0
        for l in 0..<model.dimension {
          let diff = points[c][l] - penalty.center[l]
          dist2 += diff * diff
        }
        value += Normal.logCDF((lipschitz * dist2.squareRoot() - incumbent + penalty.mean) / penalty.standardDeviation)
      }
      out[c] = value
    }
    return out
  }
}

/// Settings of ``AcquisitionOptimizer``, after BoTorch's `optimize_acqf`.
public struct AcquisitionOptions: Sendable, Hashable, Codable {
  /// Uniform random points scored before the local searches (BoTorch's `raw_samples`; the recorded runs used 20).
  public var rawSamples: Int = 256
  /// Local searches: from the best raw sample and from raw samples drawn with weights exp(a − a_max) (BoTorch's `num_restarts`).
  public var restarts: Int = 5
  /// Iteration limit of each local search.
  public var maxIterations: Int = 100
  /// Projected-gradient tolerance of each local search (LogEI units per unit-cube width).
  public var gradientTolerance: Double = 1e-5
  /// Relative function tolerance of each local search.
  public var functionTolerance: Double = 1e-10
  public init() {}
  public init(rawSamples: Int, restarts: Int) {
    self.rawSamples = rawSamples
    self.restarts = restarts
  }
}

/// Maximises an acquisition function over [0, 1]^d: raw samples, then multi-start bounded quasi-Newton.
///
/// Like BoTorch's `optimize_acqf`: `rawSamples` uniform points are scored in
/// one batch; the best of them and `restarts − 1` more drawn by a roulette wheel
/// (plus any extra starts, e.g. the incumbent) seed projected L-BFGS searches, and every local optimum is
/// returned best first, so a caller can skip candidates it must not propose.
/// - Complexity: O(rawSamples·(n·d + n²) + restarts·iterations·(n·d + n²)).
public enum AcquisitionOptimizer {
  /// Candidates (unit cube) with their acquisition values, best first.
  public static func maximize(
    _ acquisition: LogExpectedImprovement, options: AcquisitionOptions = AcquisitionOptions(),
    extraStarts: [[Double]] = [], using rng: inout SeededGenerator
  ) -> [(x: [Double], value: Double)] {
    let d = acquisition.model.dimension
    var samples = [[Double]]()
    samples.reserveCapacity(options.rawSamples)
    for _ in 0..<max(options.rawSamples, 1) { samples.append((0..<d).map { _ in rng.uniform() }) }
    let scores = acquisition.values(at: samples)
    // Starts: the best raw sample, then roulette-wheel picks with weights exp(a − a_max) without replacement
    // (Optuna's `optimize_acqf_mixed`), so that the local searches spread over several basins.
    var bestIndex = 0
    for i in scores.indices where scores[i] > scores[bestIndex] { bestIndex = i }
    var starts = extraStarts
    starts.append(samples[bestIndex])
    var weights = scores.map { $0.isFinite ? exp($0 - scores[bestIndex]) : 0 }
    weights[bestIndex] = 0
    var chosen = [bestIndex]
    for _ in 1..<max(options.restarts, 1) {
      var total = 0.0
      for w in weights { total += w }
      guard total > 0 else { break }
      let target = rng.uniform() * total
      var acc = 0.0
      var pick = weights.count - 1
      for i in weights.indices {
        acc += weights[i]
        if acc > target && weights[i] > 0 {
          pick = i
          break
        }
      }
      if weights[pick] == 0 { break }
      weights[pick] = 0
      chosen.append(pick)
      starts.append(samples[pick])
    }

    var workspace = PosteriorWorkspace(count: acquisition.model.count, dimension: d)
    var gradient = [Double](repeating: 0, count: d)
    let lower = [Double](repeating: 0, count: d)
    let upper = [Double](repeating: 1, count: d)
    var minimizerOptions = BoundedMinimizerOptions(
      maxIterations: options.maxIterations, gradientTolerance: options.gradientTolerance,
      functionTolerance: options.functionTolerance)
    minimizerOptions.memory = 8
    var results: [(x: [Double], value: Double)] = []
    for start in starts {
      let r = BoundedMinimizer.minimize(from: start, lower: lower, upper: upper, options: minimizerOptions) { x, g in
        let v = acquisition.evaluate(x, workspace: &workspace, gradient: &gradient)
        for l in 0..<d { g[l] = -gradient[l] }
        return -v
      }
      if r.value.isFinite { results.append((r.x, -r.value)) }
    }
    // Raw samples too, so that a caller always has fallbacks.
    for i in chosen where scores[i].isFinite { results.append((samples[i], scores[i])) }
    results.sort { $0.value > $1.value }
    return results
  }
}
