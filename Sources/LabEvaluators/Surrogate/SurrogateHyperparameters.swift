// Type-II maximum likelihood for the surrogate's Gaussian processes.
//
// Notation
//   θ = (log ℓ_1 … log ℓ_d, log σf², log σn², m, s)   the hyperparameters (see SurrogateGP)
//   lo ≤ θ ≤ hi                                  box bounds on the logs; m and s are unbounded
//   f(θ) = NLL(θ)                                minimised within the box by LabNumerics' BoundedMinimizer
//                                               (projected L-BFGS: Nocedal 1980; Bertsekas 1982)
//
// Reference: C. E. Rasmussen and C. K. I. Williams, Gaussian Processes for Machine Learning,
// MIT Press 2006, section 5.4.1 (marginal likelihood).

import Foundation
import LabCore
import LabNumerics

/// Bounds and settings of the hyperparameter search.
struct SurrogateHyperparameterSearch: Sendable {
  var logLengthBounds: ClosedRange<Double> = log(0.01)...log(20)
  var logSignalBounds: ClosedRange<Double> = -12...5
  var logNoiseBounds: ClosedRange<Double> = -16...2
  var maxIterations = 200
  var memory = 8
  /// Stop when the largest projected-gradient component is at most this.
  var gradientTolerance = 1e-6
  /// Stop when an iteration improves the NLL by at most this times max(|NLL|, 1).
  var functionTolerance = 1e-9

  /// Maximum-likelihood hyperparameters for `inputs` → `targets`, from a fixed, data-derived start (deterministic).
  /// - Throws: `.invalidInput` for fewer than 3 points; `.numerical` when the likelihood is not finite at the start.
  func fit(inputs: [[Double]], targets: [Double]) throws -> SurrogateKernelParameters {
    guard inputs.count >= 3, let d = inputs.first?.count else {
      throw LabError(.invalidInput, "fitting a surrogate needs at least 3 evaluated trials, got \(inputs.count)")
    }
    let n = Double(targets.count)
    let mean = targets.reduce(0, +) / n
    let variance = max(targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n, 1e-8)
    let start: [Double] = Array(repeating: log(0.3), count: d) + [log(variance), log(variance * 0.01), mean, 0]
    let lower = Array(repeating: logLengthBounds.lowerBound, count: d)
      + [logSignalBounds.lowerBound, logNoiseBounds.lowerBound, -.infinity, -.infinity]
    let upper = Array(repeating: logLengthBounds.upperBound, count: d)
      + [logSignalBounds.upperBound, logNoiseBounds.upperBound, .infinity, .infinity]
    var options = BoundedMinimizerOptions(
      maxIterations: maxIterations, gradientTolerance: gradientTolerance, functionTolerance: functionTolerance)
    options.memory = memory
    let result = BoundedMinimizer.minimize(from: start, lower: lower, upper: upper, options: options) { theta, gradient in
      guard
        let r = SurrogateGP.negativeLogLikelihood(
          logLengths: Array(theta[0..<d]), logSignal: theta[d], logNoise: theta[d + 1], mean: theta[d + 2], slope: theta[d + 3],
          inputs: inputs, targets: targets)
      else { return .infinity }  // K not positive definite: the line search treats it as a failed step
      for k in 0..<gradient.count { gradient[k] = r.gradient[k] }
      return r.value
    }
    guard result.stop != .nonFinite else {  // only reported for the starting point
      throw LabError(
        .numerical, "the surrogate's likelihood is not finite at the starting hyperparameters (\(inputs.count) points, \(d) features)")
    }
    let theta = result.x
    return SurrogateKernelParameters(
      lengthScales: theta[0..<d].map { exp($0) }, signalVariance: exp(theta[d]), noiseVariance: exp(theta[d + 1]),
      mean: theta[d + 2], scalingSlope: theta[d + 3])
  }
}
