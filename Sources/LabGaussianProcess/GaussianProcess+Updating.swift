// Notation: as GaussianProcess.swift.
//   appending x_new at fixed θ:  b = k(x_new) (n), c = s + σ_n²,  l = L⁻¹b,  L' = [[L, 0], [lᵀ, √(c + δ − l·l)]]
//   the new point's predictive distribution before it is added (standardised):
//     μ̃_new = m + b·α,  ṽ_new + σ_n² = c + δ − l·l,  surprise z² = (ỹ_new − μ̃_new)² / (ṽ_new + σ_n²)
//   (Rasmussen and Williams 2006, eq. 2.23–2.24; the block Cholesky update is Golub and Van Loan 2013, §4.2.)

import LabCore
import LabNumerics

extension GaussianProcess {
  /// This GP with points added at the same hyperparameters, in O(n²) each: the Cholesky factor is extended, not recomputed.
  ///
  /// - Parameters:
  ///   - restandardising: recompute (ȳ, σ_y) from all outputs (and refit m when the model fits it), as a refit
  ///     would; false keeps them (fantasies for pending points).
  /// - Returns: the GP and, per added point, its surprise z² under the model before it was added
  ///   (standardised with the final ȳ, σ_y; about 1 on average when the model is calibrated).
  /// - Throws: ``LabError`` `.invalidInput` for a point of the wrong dimension or a non-finite value.
  public func appending(
    _ x: [[Double]], values y: [Double], restandardising: Bool = true
  ) throws -> (model: GaussianProcess, surprises: [Double]) {
    guard x.count == y.count else {
      throw LabError(.invalidInput, "GaussianProcess.appending: \(x.count) inputs but \(y.count) values")
    }
    var gp = self
    if x.isEmpty { return (gp, []) }
    for (i, row) in x.enumerated() {
      guard row.count == dimension, row.allSatisfy(\.isFinite), y[i].isFinite else {
        throw LabError(
          .invalidInput, "GaussianProcess.appending: point \(i) (\(row.count) coordinates, value \(y[i])) is not a finite \(dimension)-D point")
      }
    }
    let s = hyperparameters.outputScale
    let c = s + hyperparameters.noise
    var predicted: [(mean: Double, variance: Double)] = []
    predicted.reserveCapacity(x.count)
    gp.factor.reserve(order: count + x.count)
    for row in x {
      let n = gp.count
      let b = gp.covariances(row)
      var mu = 0.0
      for j in 0..<n { mu += b[j] * gp.alpha[j] }
      let (_, residual) = try gp.factor.append(covariances: b, variance: c)
      predicted.append((mu, residual))
      gp.inputs.append(contentsOf: row)
      for l in 0..<dimension { gp.scaledInputs.append(row[l] * sqrtLambda[l]) }
      gp.outputs.append(0)  // placeholder until the weights are recomputed below
      gp.alpha.append(0)
    }
    // Every predicted mean above used the weights of the model before any of the new points.
    gp.outputs.replaceSubrange((gp.count - x.count)..<gp.count, with: y)
    let before = (mean: gp.outputMean, scale: gp.outputScale, m: gp.constantMean)
    if restandardising { (gp.outputMean, gp.outputScale) = GaussianProcess.standardisation(of: gp.outputs) }
    gp.updateWeights()
    // Surprise in the final standardisation: the old model's standardised prediction mapped back through (ȳ, σ_y).
    var surprises: [Double] = []
    for (i, p) in predicted.enumerated() {
      let predictedOriginal = before.mean + before.scale * (before.m + p.mean)
      let z = (y[i] - predictedOriginal) / before.scale
      surprises.append(z * z / max(p.variance, 1e-300))
    }
    return (gp, surprises)
  }

  /// This GP with extra points (`x`, `y` in the caller's scale) added, keeping the hyperparameters, the standardisation and m.
  ///
  /// Used for pending points: constant liar and kriging believer condition on
  /// made-up values without refitting. O(n²) per point (the factor is extended).
  /// - Throws: as ``appending(_:values:restandardising:)``.
  public func conditioned(on x: [[Double]], values y: [Double]) throws -> GaussianProcess {
    if x.isEmpty { return self }
    var base = self
    base.fitsConstantMean = false
    return try base.appending(x, values: y, restandardising: false).model
  }

  /// This GP with its outputs replaced (same inputs, same hyperparameters): O(n²), e.g. when imputed values change.
  /// - Throws: ``LabError`` `.invalidInput` when the count differs or a value is not finite.
  public func replacingOutputs(_ y: [Double]) throws -> GaussianProcess {
    guard y.count == count, y.allSatisfy(\.isFinite) else {
      throw LabError(.invalidInput, "GaussianProcess.replacingOutputs: \(y.count) values for \(count) points, or a non-finite one")
    }
    var gp = self
    gp.outputs = y
    (gp.outputMean, gp.outputScale) = GaussianProcess.standardisation(of: y)
    gp.updateWeights()
    return gp
  }

  /// k(x) against the training points (n values), standardised units.
  func covariances(_ x: [Double]) -> [Double] {
    let n = count
    let d = dimension
    let s = hyperparameters.outputScale
    var b = [Double](repeating: 0, count: n)
    var xs = [Double](repeating: 0, count: d)
    for l in 0..<d { xs[l] = x[l] * sqrtLambda[l] }
    for j in 0..<n {
      var r2 = 0.0
      for l in 0..<d {
        let diff = xs[l] - scaledInputs[j * d + l]
        r2 += diff * diff
      }
      b[j] = s * kernel.profile(r2).value
    }
    return b
  }
}
