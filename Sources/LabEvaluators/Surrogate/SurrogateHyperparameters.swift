// Type-II maximum likelihood for the surrogate's Gaussian processes.
//
// Notation
//   θ = (log ℓ_1 … log ℓ_d, log σf², log σn², m)   the hyperparameters (see SurrogateGP)
//   u                                           unconstrained variables: θ_k = lo_k + (hi_k − lo_k) σ(u_k)
//                                               for the bounded ones (σ the logistic function), m = u
//   f(u) = NLL(θ(u))                             minimised by L-BFGS (Nocedal 1980; Liu and Nocedal 1989)
//                                               with an Armijo backtracking line search.

import Foundation
import LabCore

/// Bounds and settings of the hyperparameter search.
struct SurrogateHyperparameterSearch: Sendable {
  var logLengthBounds: ClosedRange<Double> = log(0.01)...log(20)
  var logSignalBounds: ClosedRange<Double> = -12...5
  var logNoiseBounds: ClosedRange<Double> = -16...2
  var maxIterations = 200
  var memory = 8

  /// Maximum-likelihood hyperparameters for `inputs` → `targets`, from a fixed, data-derived start (deterministic).
  /// - Throws: `.invalidInput` for fewer than 3 points; `.numerical` when no start gives a finite likelihood.
  func fit(inputs: [[Double]], targets: [Double]) throws -> SurrogateKernelParameters {
    guard inputs.count >= 3, let d = inputs.first?.count else {
      throw LabError(.invalidInput, "fitting a surrogate needs at least 3 evaluated trials, got \(inputs.count)")
    }
    let n = Double(targets.count)
    let mean = targets.reduce(0, +) / n
    let variance = max(targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n, 1e-8)
    let start: [Double] = Array(repeating: log(0.3), count: d) + [log(variance), log(variance * 0.01), mean]
    var u = toUnconstrained(start, d: d)
    let objective = { (u: [Double]) -> (Double, [Double])? in
      let theta = self.toConstrained(u, d: d)
      guard
        let r = SurrogateGP.negativeLogLikelihood(
          logLengths: Array(theta[0..<d]), logSignal: theta[d], logNoise: theta[d + 1], mean: theta[d + 2],
          inputs: inputs, targets: targets)
      else { return nil }
      let jac = self.jacobianDiagonal(u, d: d)
      return (r.value, zip(r.gradient, jac).map { $0 * $1 })
    }
    guard var current = objective(u) else {
      throw LabError(.numerical, "the surrogate's likelihood is not finite at the starting hyperparameters")
    }
    var sHistory: [[Double]] = []
    var yHistory: [[Double]] = []
    for _ in 0..<maxIterations {
      let g = current.1
      if g.map(abs).max() ?? 0 < 1e-6 { break }
      // Two-loop recursion.
      var q = g
      var alphas: [Double] = []
      for (s, y) in zip(sHistory, yHistory).reversed() {
        let rho = 1 / surrogateDot(y, s)
        let a = rho * surrogateDot(s, q)
        alphas.append(a)
        for i in 0..<q.count { q[i] -= a * y[i] }
      }
      if let s = sHistory.last, let y = yHistory.last {
        let gamma = surrogateDot(s, y) / surrogateDot(y, y)
        for i in 0..<q.count { q[i] *= gamma }
      } else {
        let norm = surrogateDot(g, g).squareRoot()
        for i in 0..<q.count { q[i] /= max(norm, 1) }
      }
      for ((s, y), a) in zip(zip(sHistory, yHistory), alphas.reversed()) {
        let rho = 1 / surrogateDot(y, s)
        let b = rho * surrogateDot(y, q)
        for i in 0..<q.count { q[i] += s[i] * (a - b) }
      }
      var direction = q.map { -$0 }
      var slope = surrogateDot(direction, g)
      if slope >= 0 {  // not a descent direction: restart from steepest descent
        direction = g.map { -$0 }
        slope = surrogateDot(direction, g)
        sHistory.removeAll()
        yHistory.removeAll()
      }
      var step = 1.0
      var accepted: (u: [Double], value: (Double, [Double]))? = nil
      for _ in 0..<30 {
        let trial = zip(u, direction).map { $0 + step * $1 }
        if let v = objective(trial), v.0 <= current.0 + 1e-4 * step * slope {
          accepted = (trial, v)
          break
        }
        step *= 0.5
      }
      guard let next = accepted else { break }
      let s = zip(next.u, u).map { $0 - $1 }
      let y = zip(next.value.1, current.1).map { $0 - $1 }
      let improvement = current.0 - next.value.0
      u = next.u
      current = next.value
      if surrogateDot(s, y) > 1e-12 {
        sHistory.append(s)
        yHistory.append(y)
        if sHistory.count > memory {
          sHistory.removeFirst()
          yHistory.removeFirst()
        }
      }
      if improvement < 1e-9 * max(1, abs(current.0)) { break }
    }
    let theta = toConstrained(u, d: d)
    return SurrogateKernelParameters(
      lengthScales: theta[0..<d].map { exp($0) }, signalVariance: exp(theta[d]), noiseVariance: exp(theta[d + 1]),
      mean: theta[d + 2])
  }

  private func bounds(_ k: Int, d: Int) -> ClosedRange<Double>? {
    if k < d { return logLengthBounds }
    if k == d { return logSignalBounds }
    if k == d + 1 { return logNoiseBounds }
    return nil
  }

  func toConstrained(_ u: [Double], d: Int) -> [Double] {
    u.enumerated().map { k, v in
      guard let b = bounds(k, d: d) else { return v }
      return b.lowerBound + (b.upperBound - b.lowerBound) / (1 + exp(-v))
    }
  }

  func toUnconstrained(_ theta: [Double], d: Int) -> [Double] {
    theta.enumerated().map { k, v in
      guard let b = bounds(k, d: d) else { return v }
      let p = min(max((v - b.lowerBound) / (b.upperBound - b.lowerBound), 1e-6), 1 - 1e-6)
      return log(p / (1 - p))
    }
  }

  func jacobianDiagonal(_ u: [Double], d: Int) -> [Double] {
    u.enumerated().map { k, v in
      guard let b = bounds(k, d: d) else { return 1 }
      let s = 1 / (1 + exp(-v))
      return (b.upperBound - b.lowerBound) * s * (1 - s)
    }
  }
}

@inline(__always)
func surrogateDot(_ a: [Double], _ b: [Double]) -> Double {
  var s = 0.0
  for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
  return s
}
