// Predictions of a fitted surrogate: mean surface, predictive quantiles, noisy draws, durations.
//
// Notation (per metric m)
//   f        the five features of a configuration (SurrogateFeatures)
//   μ_m(f)   the GP's latent posterior mean;  s_m(f)² its predictive variance (latent + noise)
//   y_m      = L_m + (U_m − L_m) σ(μ_m(f))   the mean surface (the median of the predictive distribution)
//   q-quantile of the prediction: L_m + (U_m − L_m) σ(μ_m + Φ⁻¹(q) s_m)   (the warp is monotone)
//   noisy draw: f' = f + δ (δ on the lr feature only, SD = cliff jitter in decades, shared by all m),
//               y_m = L_m + (U_m − L_m) σ(μ_m(f')) + ε_m,   ε_m ~ N(0, plateauSD_m²)

import Foundation
import LabCore

/// The surrogate of one campaign, conditioned on its recorded trials and ready to predict.
///
/// - Complexity: O(n³) to build (n ≈ 150–200 trials, a few milliseconds in release), O(n) per mean.
public struct SurrogateModel: Sendable {
  public let spec: SurrogateSpec
  public let features: SurrogateFeatures
  let processes: [SurrogateGP]
  let standardErrorByMetric: [String: SurrogateStandardError]

  /// Conditions the fitted hyperparameters of `spec` on `training`.
  /// - Throws: `.invalidInput` when the training set is not the one the spec was fitted on (digests
  ///   differ: refit with `hpolab surrogate fit`) or of another campaign; `.numerical` from the Cholesky.
  public init(spec: SurrogateSpec, training: SurrogateTrainingSet) throws {
    guard spec.campaign == training.campaign else {
      throw LabError(.invalidInput, "surrogate of campaign \(spec.campaign.rawValue) cannot be conditioned on campaign \(training.campaign.rawValue)'s trials")
    }
    if !spec.fittedOn.isEmpty && !training.digests.isEmpty {
      let fitted = Dictionary(spec.fittedOn.map { ($0.file, $0.sha256) }, uniquingKeysWith: { a, _ in a })
      for digest in training.digests where fitted[digest.file] != digest.sha256 {
        throw LabError(
          .invalidInput,
          "trace file \(digest.file) differs from the one surrogate \(spec.campaign.rawValue) was fitted on (sha256 \(digest.sha256.prefix(12))… vs \(fitted[digest.file].map { String($0.prefix(12)) } ?? "absent")…); run 'hpolab surrogate fit --campaign \(spec.campaign.rawValue)'",
          location: .init(file: digest.file))
      }
    }
    let features = try SurrogateFeatures(space: spec.campaign.space)
    let inputs = try training.trials.map { try features.features(Configuration(values: $0.converted)) }
    let targets = try spec.metrics.map { model in
      try training.trials.map { trial -> Double in
        guard let y = trial.metrics[model.metric] else {
          throw LabError(.invalidInput, "recorded trial has no \(model.metric)", location: .init(file: trial.run, line: trial.line, field: model.metric))
        }
        return model.warp.latent(y)
      }
    }
    try self.init(spec: spec, features: features, inputs: inputs, latentTargets: targets)
  }

  /// A model conditioned on explicit inputs and latent targets (cross-validation folds).
  init(spec: SurrogateSpec, features: SurrogateFeatures, inputs: [[Double]], latentTargets: [[Double]]) throws {
    self.spec = spec
    self.features = features
    self.processes = try zip(spec.metrics, latentTargets).map { model, z in
      try SurrogateGP(parameters: model.kernel, inputs: inputs, targets: z)
    }
    self.standardErrorByMetric = Dictionary(spec.standardErrors.map { ($0.metric, $0) }, uniquingKeysWith: { a, _ in a })
  }

  /// The mean surface (predictive medians) of every modelled metric at `configuration`.
  /// - Throws: `.invalidInput` for a configuration the features cannot take (see ``SurrogateFeatures/features(_:)``).
  public func mean(_ configuration: Configuration) throws -> [String: Double] {
    mean(features: try features.features(configuration))
  }

  /// The mean surface at feature vector `f`.
  public func mean(features f: [Double]) -> [String: Double] {
    var out: [String: Double] = [:]
    for (model, gp) in zip(spec.metrics, processes) { out[model.metric] = model.warp.value(gp.mean(f)) }
    return out
  }

  /// The mean of one metric (index into ``SurrogateSpec/metrics``) at feature vector `f`.
  func mean(metricIndex: Int, features f: [Double]) -> Double {
    spec.metrics[metricIndex].warp.value(processes[metricIndex].mean(f))
  }

  /// The predictive distribution of each metric at `configuration`.
  public func predictive(_ configuration: Configuration) throws -> [SurrogatePredictive] {
    let f = try features.features(configuration)
    return zip(spec.metrics, processes).map { model, gp in
      let p = gp.predict(f)
      return SurrogatePredictive(metric: model.metric, warp: model.warp, latentMean: p.mean, latentSD: p.variance.squareRoot())
    }
  }

  /// One noisy draw of every metric at `configuration`: cliff jitter (shared) plus plateau noise.
  ///
  /// Draws exactly 1 + (number of metrics) normals from `rng`, in a fixed order.
  public func draw(_ configuration: Configuration, using rng: inout SeededGenerator) throws -> [String: Double] {
    var f = try features.features(configuration)
    let jitter = spec.noise.cliffJitterDecades
    let scale = features.perDecade
    f[1] += rng.normal() * jitter * scale.learningRate
    var out: [String: Double] = [:]
    for (model, gp) in zip(spec.metrics, processes) {
      let sd = spec.noise.plateauSD[model.metric] ?? 0
      let y = model.warp.value(gp.mean(f)) + sd * rng.normal()
      out[model.metric] = min(max(y, 0), 1)
    }
    return out
  }

  /// The binomial standard error of `metric` at accuracy `value`, when a benchmark size is known.
  public func standardError(of metric: String, at value: Double) -> (name: String, value: Double)? {
    guard let se = standardErrorByMetric[metric] else { return nil }
    return (se.stderrMetric, se.value(at: value))
  }

  /// Training and evaluation durations (seconds) at `rank`; with `noise`, normal residuals drawn from `rng`
  /// (two normals, training first), floored at one minute.
  public func durations(rank: Double, noise: Bool, using rng: inout SeededGenerator) -> Durations {
    let cost = spec.cost
    var training = cost.trainingMinutes(rank: rank)
    var evaluation = cost.evaluationMinutes
    if noise {
      training += cost.trainingResidualSD * rng.normal()
      evaluation += cost.evaluationSD * rng.normal()
    }
    return Durations(training: max(training, 1) * 60, evaluation: max(evaluation, 1) * 60)
  }
}

/// The predictive distribution of one metric at one configuration: a warped normal.
public struct SurrogatePredictive: Sendable, Hashable {
  public var metric: String
  public var warp: SurrogateWarp
  public var latentMean: Double
  public var latentSD: Double

  /// The median (what the mean surface reports).
  public var median: Double { warp.value(latentMean) }

  /// The `q`-quantile, q in (0, 1).
  public func quantile(_ q: Double) -> Double { warp.value(latentMean + surrogateNormalQuantile(q) * latentSD) }

  /// The central interval of probability `level` (e.g. 0.9).
  public func interval(_ level: Double) -> ClosedRange<Double> {
    quantile((1 - level) / 2)...quantile((1 + level) / 2)
  }
}

/// Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9), p in (0, 1).
func surrogateNormalQuantile(_ p: Double) -> Double {
  let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
  let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
  let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
  let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
  let low = 0.02425
  let pp = min(max(p, 1e-300), 1 - 1e-16)
  if pp < low {
    let q = (-2 * log(pp)).squareRoot()
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  if pp > 1 - low {
    let q = (-2 * log(1 - pp)).squareRoot()
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  let q = pp - 0.5
  let r = q * q
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}
