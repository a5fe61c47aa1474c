// Predictions of a fitted surrogate: mean surface, predictive quantiles, noisy draws, durations.
//
// Notation (per metric m; see SurrogateCollapse for the gate and the collapsed level)
//   f        the five features of a configuration (SurrogateFeatures);  λ = log10 lr
//   p(λ)     the collapse probability (the gate)
//   μ_m(f)   the trained-regime GP's latent posterior mean;  s_m(f)² its predictive variance (latent + noise)
//   T_m(f)   = L_m + (U_m − L_m) σ(μ_m(f))   the trained-regime surface (U_m = best recorded + 0.0002)
//   C_m(λ)   the collapsed level (a line in λ, residual SD, recorded range)
//   mean     E y_m = p c_m(λ) + (1 − p) T_m(f)         (≤ U_m: no invented optimum)
//   draw     u ~ U(0,1), z ~ N(0,1) shared by the metrics, ε_m ~ N(0,1) independent:
//            u < p:  y_m = C_m(λ, z)                     (a collapsed run)
//            else:   y_m = T_m(f) + σ_m(λ) ε_m        (σ_m(λ): SurrogateNoiseModel, heteroscedastic in lr)
//            then y_m is rounded to the benchmark's resolution 1/N_m (HellaSwag: N = 10 042 items) and
//            floored at the recorded minimum − 3 plateau SDs
//   predictive  the mixture p N(c_m, sd_m²) + (1 − p) warp(N(μ_m, s_m²)); quantiles by bisection on its CDF

import Foundation
import LabCore
import LabData

/// The surrogate of one campaign, conditioned on its recorded trials and ready to predict.
///
/// - Complexity: O(n³) to build (n ≈ 150–200 trials, a few milliseconds in release), O(n) per mean.
public struct SurrogateModel: Sendable {
  public let spec: SurrogateSpec
  /// The campaign the model answers for (its space, metrics and runs).
  public let campaign: Campaign
  public let features: SurrogateFeatures
  let processes: [SurrogateGP]
  let standardErrorByMetric: [String: SurrogateStandardError]

  /// Conditions the fitted hyperparameters of `spec` on `training` (its trained-regime trials).
  /// - Throws: `.invalidInput` when the training set is not the one the spec was fitted on (digests
  ///   differ: refit with `hpolab surrogate fit`) or of another campaign; `.numerical` from the Cholesky.
  public init(spec: SurrogateSpec, training: SurrogateTrainingSet) throws {
    guard training.campaign.isNamed(spec.campaign) else {
      throw LabError(.invalidInput, "surrogate of campaign \(spec.campaign) cannot be conditioned on campaign \(training.campaign.name)'s trials")
    }
    if !spec.fittedOn.isEmpty && !training.digests.isEmpty {
      let fitted = Dictionary(spec.fittedOn.map { ($0.file, $0.sha256) }, uniquingKeysWith: { a, _ in a })
      for digest in training.digests where fitted[digest.file] != digest.sha256 {
        throw LabError(
          .invalidInput,
          "trace file \(digest.file) differs from the one surrogate \(training.campaign.name) was fitted on (sha256 \(digest.sha256.prefix(12))… vs \(fitted[digest.file].map { String($0.prefix(12)) } ?? "absent")…); run 'hpolab surrogate fit --campaign \(training.campaign.name)'",
          location: .init(file: digest.file))
      }
    }
    let features = try SurrogateFeatures(space: training.campaign.space)
    let trained = try SurrogateModel.trainedRegime(training.trials, gate: spec.gate)
    let inputs = try trained.map { try features.features(Configuration(values: $0.converted)) }
    let targets = try spec.metrics.map { model in
      try trained.map { trial -> Double in
        guard let y = trial.metrics[model.metric] else {
          throw LabError(.invalidInput, "recorded trial has no \(model.metric)", location: .init(file: trial.run, line: trial.line, field: model.metric))
        }
        return model.warp.latent(y)
      }
    }
    try self.init(spec: spec, campaign: training.campaign, features: features, inputs: inputs, latentTargets: targets)
  }

  /// The trials of the trained regime: every evaluated trial except the learning-rate collapses.
  /// - Throws: `.invalidInput` for a trial without HellaSwag acc.
  static func trainedRegime(_ trials: [RecordedTrial], gate: SurrogateCollapseGate) throws -> [RecordedTrial] {
    try trials.filter { t in
      guard let acc = t.metrics[MetricName.hellaswagAcc] else {
        throw LabError(.invalidInput, "recorded trial has no \(MetricName.hellaswagAcc)", location: .init(file: t.run, line: t.line, field: MetricName.hellaswagAcc))
      }
      return !gate.isLearningRateCollapse(converted: t.converted, acc: acc)
    }
  }

  /// A model conditioned on explicit trained-regime inputs and latent targets.
  init(spec: SurrogateSpec, campaign: Campaign, features: SurrogateFeatures, inputs: [[Double]], latentTargets: [[Double]]) throws {
    self.spec = spec
    self.campaign = campaign
    self.features = features
    self.processes = try zip(spec.metrics, latentTargets).map { model, z in
      try SurrogateGP(parameters: model.kernel, inputs: inputs, targets: z)
    }
    self.standardErrorByMetric = Dictionary(spec.standardErrors.map { ($0.metric, $0) }, uniquingKeysWith: { a, _ in a })
  }

  /// log10(lr) from a feature vector.
  func logLearningRate(features f: [Double]) -> Double {
    features.learningRate.lowerBound + f[1] * (features.learningRate.upperBound - features.learningRate.lowerBound)
  }

  /// The collapse probability p(λ) at `configuration`.
  /// - Throws: `.invalidInput` for a configuration the features cannot take.
  public func collapseProbability(_ configuration: Configuration) throws -> Double {
    spec.gate.probability(logLearningRate: logLearningRate(features: try features.features(configuration)))
  }

  /// The mean (expected value over collapse and noise) of every modelled metric at `configuration`.
  /// - Throws: `.invalidInput` for a configuration the features cannot take (see ``SurrogateFeatures/features(_:)``).
  public func mean(_ configuration: Configuration) throws -> [String: Double] {
    mean(features: try features.features(configuration))
  }

  /// The mean at feature vector `f`.
  public func mean(features f: [Double]) -> [String: Double] {
    var out: [String: Double] = [:]
    for m in spec.metrics.indices { out[spec.metrics[m].metric] = mean(metricIndex: m, features: f) }
    return out
  }

  /// The mean of one metric (index into ``SurrogateSpec/metrics``) at feature vector `f`.
  func mean(metricIndex m: Int, features f: [Double]) -> Double {
    let p = spec.gate.probability(logLearningRate: logLearningRate(features: f))
    let model = spec.metrics[m]
    let l = logLearningRate(features: f)
    return p * model.collapsed.mean(logLearningRate: l) + (1 - p) * model.warp.value(processes[m].mean(f))
  }

  /// The predictive distribution of each metric at `configuration`.
  public func predictive(_ configuration: Configuration) throws -> [SurrogatePredictive] {
    let f = try features.features(configuration)
    return predictive(features: f, processes: processes)
  }

  func predictive(features f: [Double], processes: [SurrogateGP]) -> [SurrogatePredictive] {
    let l = logLearningRate(features: f)
    let p = spec.gate.probability(logLearningRate: l)
    return zip(spec.metrics, processes).map { model, gp in
      let g = gp.predict(f)
      return SurrogatePredictive(
        metric: model.metric, warp: model.warp, latentMean: g.mean, latentSD: g.variance.squareRoot(),
        collapseProbability: p, collapsedMean: model.collapsed.mean(logLearningRate: l), collapsedSD: model.collapsed.sd,
        collapsedRange: model.collapsed.lower...model.collapsed.upper)
    }
  }

  /// One noisy draw of every metric at `configuration`: collapse or not, then the regime's noise.
  ///
  /// Draws exactly 2 + (number of metrics) numbers from `rng`, in a fixed order: the collapse
  /// uniform, the collapsed level's shared normal, one normal per metric.
  public func draw(_ configuration: Configuration, using rng: inout SeededGenerator) throws -> [String: Double] {
    let f = try features.features(configuration)
    let l = logLearningRate(features: f)
    let collapsed = rng.uniform() < spec.gate.probability(logLearningRate: l)
    let z = rng.normal()
    var out: [String: Double] = [:]
    for (model, gp) in zip(spec.metrics, processes) {
      let e = rng.normal()
      var y: Double
      if collapsed {
        y = model.collapsed.value(logLearningRate: l, z)
      } else {
        y = model.warp.value(gp.mean(f)) + spec.noise.sd(model.metric, logLearningRate: l) * e
      }
      if let n = spec.noise.resolution[model.metric], n > 0 { y = (y * n).rounded() / n }
      out[model.metric] = min(max(y, model.floor), 1)
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

/// The predictive distribution of one metric at one configuration: collapsed level or a warped normal.
public struct SurrogatePredictive: Sendable, Hashable {
  public var metric: String
  public var warp: SurrogateWarp
  public var latentMean: Double
  public var latentSD: Double
  public var collapseProbability: Double
  /// The collapsed level here: mean, residual SD and the recorded range it is clipped to.
  public var collapsedMean: Double
  public var collapsedSD: Double
  public var collapsedRange: ClosedRange<Double>

  /// The expected value: p · collapsed mean + (1 − p) · trained-regime surface.
  public var mean: Double { collapseProbability * collapsedMean + (1 - collapseProbability) * warp.value(latentMean) }

  /// The median.
  public var median: Double { quantile(0.5) }

  /// The cumulative probability at `y`.
  public func cdf(_ y: Double) -> Double {
    let p = collapseProbability
    var collapsedPart: Double
    if collapsedSD > 0 {
      collapsedPart = y < collapsedRange.lowerBound ? 0 : (y >= collapsedRange.upperBound ? 1 : 0.5 * erfc(-(y - collapsedMean) / (collapsedSD * 2.0.squareRoot())))
    } else {
      collapsedPart = y >= collapsedMean ? 1 : 0
    }
    var trainedPart: Double
    if y <= warp.lower {
      trainedPart = 0
    } else if y >= warp.upper {
      trainedPart = 1
    } else {
      let z = warp.latent(y)
      trainedPart = latentSD > 0 ? 0.5 * erfc(-(z - latentMean) / (latentSD * 2.0.squareRoot())) : (z >= latentMean ? 1 : 0)
    }
    return p * collapsedPart + (1 - p) * trainedPart
  }

  /// The `q`-quantile, q in (0, 1) (bisection on the CDF to 1e-7).
  public func quantile(_ q: Double) -> Double {
    var lo = min(warp.lower, collapsedRange.lowerBound) - 1e-6
    var hi = max(warp.upper, collapsedRange.upperBound) + 1e-6
    for _ in 0..<60 where hi - lo > 1e-7 {
      let mid = (lo + hi) / 2
      if cdf(mid) < q { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }

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
