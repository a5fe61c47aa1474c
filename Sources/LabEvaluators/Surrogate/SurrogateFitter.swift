// Fitting a surrogate on a campaign's recorded trials.
//
// Notation
//   trials     the evaluated recorded trials (n); repeats: groups of trials with identical converted values
//   warp       per metric: L = min y − 0.01, U = max y + 0.005 (see SurrogateFeatures)
//   kernel     per metric: type-II maximum likelihood on (features, latent targets)
//   cost       training minutes = a + b · rank by ordinary least squares; evaluation minutes = median,
//              SD = 1.4826 · MAD (robust: a few gaps include idle time)
//   noise      plateauSD_m = sqrt(mean (y1 − y2)² / 2) over the repeat pairs whose acc agree within 0.01;
//              cliff jitter σ: the grid value whose expected Σ (y1 − y2)² over the repeat pairs
//              (Monte Carlo, 64 common draws per pair) is closest to the observed one.

import Foundation
import LabCore

/// Fits a ``SurrogateSpec`` on a campaign's recorded trials (deterministic: same trials, same bytes).
public enum SurrogateFitter {
  /// Campaign B's measured noise, used for a campaign without repeated configurations (campaign A).
  public static let fallbackNoise = SurrogateNoiseModel(
    cliffJitterDecades: 0.5,
    plateauSD: [MetricName.hellaswagAcc: 4.6e-5, MetricName.hellaswagAccNorm: 7.4e-5, MetricName.mmluAcc: 1.8e-4],
    calibration: "no repeated configuration in this campaign: campaign B's values")

  /// The fitted surrogate of `training`.
  /// - Throws: `.invalidInput` for fewer than 3 trials or a trial without a metric; `.numerical` from the GP.
  public static func fit(_ training: SurrogateTrainingSet) throws -> SurrogateSpec {
    let features = try SurrogateFeatures(space: training.campaign.space)
    let trials = training.trials
    guard trials.count >= 3 else {
      throw LabError(.invalidInput, "fitting surrogate \(training.campaign.rawValue) needs at least 3 evaluated trials, got \(trials.count)")
    }
    let inputs = try trials.map { try features.features(Configuration(values: $0.converted)) }
    var models: [SurrogateMetricModel] = []
    for metric in SurrogateSpec.modelledMetrics {
      let y = try values(metric, of: trials)
      guard let lo = y.min(), let hi = y.max() else { continue }
      let warp = SurrogateWarp(lower: max(lo - 0.01, 0), upper: min(hi + 0.005, 1))
      let kernel = try SurrogateHyperparameterSearch().fit(inputs: inputs, targets: y.map(warp.latent))
      models.append(SurrogateMetricModel(metric: metric, warp: warp, kernel: kernel))
    }
    let standardErrors = try [
      (MetricName.hellaswagAcc, MetricName.hellaswagAccStderr),
      (MetricName.hellaswagAccNorm, MetricName.hellaswagAccNormStderr),
      (MetricName.mmluAcc, MetricName.mmluAccStderr),
    ].map { metric, stderr -> SurrogateStandardError in
      let p = try values(metric, of: trials)
      let s = try values(stderr, of: trials)
      let sizes = zip(p, s).compactMap { p, s in s > 0 ? p * (1 - p) / (s * s) + 1 : nil }
      return SurrogateStandardError(metric: metric, stderrMetric: stderr, benchmarkSize: (median(sizes) ?? 10_042).rounded())
    }
    var spec = SurrogateSpec(
      campaign: training.campaign, fittedOn: training.digests, metrics: models, standardErrors: standardErrors,
      cost: try costModel(trials), noise: fallbackNoise)
    let model = try SurrogateModel(spec: spec, features: features, inputs: inputs, latentTargets: try models.map { m in try values(m.metric, of: trials).map(m.warp.latent) })
    spec.noise = try noiseModel(trials, model: model)
    return spec
  }

  static func values(_ metric: String, of trials: [RecordedTrial]) throws -> [Double] {
    try trials.map { trial in
      guard let v = trial.metrics[metric] else {
        throw LabError(.invalidInput, "recorded trial has no \(metric)", location: .init(file: trial.run, line: trial.line, field: metric))
      }
      return v
    }
  }

  /// Training minutes linear in rank; evaluation minutes from `ending_time` (B) or the gap to the run's next trial (A).
  static func costModel(_ trials: [RecordedTrial]) throws -> SurrogateCostModel {
    let pairs = trials.compactMap { t in t.trainingSeconds.map { (t.converted[0], $0 / 60) } }
    guard pairs.count >= 2 else {
      throw LabError(.invalidInput, "the cost model needs at least 2 trials with training times, got \(pairs.count)")
    }
    let line = leastSquaresLine(pairs)
    let residuals = pairs.map { $0.1 - (line.intercept + line.slope * $0.0) }
    let residualSD = (residuals.reduce(0) { $0 + $1 * $1 } / Double(max(residuals.count - 2, 1))).squareRoot()
    var evaluations = trials.compactMap { $0.evaluationSeconds.map { $0 / 60 } }
    var source = "ending_time − end of training"
    if evaluations.count < trials.count / 2 {
      source = "gap from end of training to the run's next trial"
      evaluations = []
      let byRun = Dictionary(grouping: trials, by: \.run)
      for run in byRun.keys.sorted() {
        let ordered = (byRun[run] ?? []).sorted { $0.line < $1.line }
        for (a, b) in zip(ordered, ordered.dropFirst()) {
          if let end = RecordedTrial.seconds(of: a.endTrainingTime), let next = RecordedTrial.seconds(of: b.openingTime), next > end {
            evaluations.append((next - end) / 60)
          }
        }
      }
    }
    guard let center = median(evaluations) else {
      throw LabError(.invalidInput, "no evaluation time can be measured from the recorded trials")
    }
    let mad = median(evaluations.map { abs($0 - center) }) ?? 0
    return SurrogateCostModel(
      trainingIntercept: line.intercept, trainingPerRank: line.slope, trainingResidualSD: residualSD,
      evaluationMinutes: center, evaluationSD: 1.4826 * mad, evaluationSource: source)
  }

  static func leastSquaresLine(_ points: [(Double, Double)]) -> (intercept: Double, slope: Double) {
    let n = Double(points.count)
    let mx = points.reduce(0) { $0 + $1.0 } / n
    let my = points.reduce(0) { $0 + $1.1 } / n
    var sxx = 0.0
    var sxy = 0.0
    for (x, y) in points {
      sxx += (x - mx) * (x - mx)
      sxy += (x - mx) * (y - my)
    }
    let slope = sxx > 0 ? sxy / sxx : 0
    return (my - slope * mx, slope)
  }

  /// Groups of evaluated trials with identical converted values (the SOO/BaMSOO shared prefix), as index pairs.
  static func repeatPairs(_ trials: [RecordedTrial]) -> [(Int, Int)] {
    var groups: [[Double]: [Int]] = [:]
    var order: [[Double]] = []
    for (i, t) in trials.enumerated() {
      if groups[t.converted] == nil { order.append(t.converted) }
      groups[t.converted, default: []].append(i)
    }
    var pairs: [(Int, Int)] = []
    for key in order {
      let members = groups[key] ?? []
      for a in 0..<members.count { for b in (a + 1)..<max(members.count, a + 1) { pairs.append((members[a], members[b])) } }
    }
    return pairs
  }

  static func noiseModel(_ trials: [RecordedTrial], model: SurrogateModel) throws -> SurrogateNoiseModel {
    let pairs = repeatPairs(trials)
    guard pairs.count >= 3 else { return fallbackNoise }
    // Plateau pairs: repeats whose HellaSwag acc agree within 0.01 (the others collapsed or not at a cliff).
    let acc = try values(MetricName.hellaswagAcc, of: trials)
    let plateauPairs = pairs.filter { abs(acc[$0.0] - acc[$0.1]) < 0.01 }
    var plateau: [String: Double] = [:]
    for metric in SurrogateSpec.modelledMetrics {
      let y = try values(metric, of: trials)
      let squares = plateauPairs.reduce(0) { $0 + (y[$1.0] - y[$1.1]) * (y[$1.0] - y[$1.1]) }
      plateau[metric] = (squares / Double(max(2 * plateauPairs.count, 1))).squareRoot()
    }
    // Cliff jitter, calibrated on HellaSwag acc (the objective), common random numbers across the grid.
    let observed = pairs.reduce(0) { $0 + (acc[$1.0] - acc[$1.1]) * (acc[$1.0] - acc[$1.1]) }
    let draws = 64
    var rng = SeededGenerator.stream(stableHash("surrogate-noise-calibration"))
    let normals = (0..<(pairs.count * draws)).map { _ in (rng.normal(), rng.normal()) }
    let base = try pairs.map { try model.features.features(Configuration(values: trials[$0.0].converted)) }
    let scale = model.features.perDecade
    let plateauVariance = 2 * pow(plateau[MetricName.hellaswagAcc] ?? 0, 2)
    var best = (sigma: 0.0, gap: Double.infinity)
    for step in 0...40 {
      let sigma = Double(step) * 0.0125  // capped at 0.5 decades (see docs/surrogate.md)
      var expected = 0.0
      for (p, f) in base.enumerated() {
        var sum = 0.0
        for k in 0..<draws {
          let z = normals[p * draws + k]
          var f1 = f
          var f2 = f
          f1[1] += sigma * scale.learningRate * z.0
          f2[1] += sigma * scale.learningRate * z.1
          let d = model.mean(metricIndex: 0, features: f1) - model.mean(metricIndex: 0, features: f2)
          sum += d * d
        }
        expected += sum / Double(draws) + plateauVariance
      }
      let gap = abs(expected - observed)
      if gap < best.gap { best = (sigma, gap) }
    }
    return SurrogateNoiseModel(
      cliffJitterDecades: best.sigma, plateauSD: plateau,
      calibration: "\(pairs.count) repeated configurations (Σ(Δacc)² = \(String(format: "%.5f", observed)))")
  }

  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
  }
}
