// Fitting a surrogate on a campaign's recorded trials.
//
// Notation
//   trials     the evaluated recorded trials (n); repeat group: trials with identical converted values
//   gate       SurrogateCollapseGate.fit on (converted, acc), collapsed = acc < min acc + 0.02
//   trained    the trials that are not learning-rate collapses (the trained-regime GP's data)
//   warp       per metric: L = min trained y − 0.01, U = best recorded y + 0.0002 (the no-invented-optimum margin)
//   kernel     per metric: type-II maximum likelihood on (features, latent targets) of the trained trials
//   collapsed  per metric: mean, SD and range of the learning-rate collapses
//   cost       training minutes = a + b · rank by ordinary least squares; evaluation minutes = median,
//              SD = 1.4826 · MAD (robust: a few gaps include idle time)
//   noise      plateauSD_m = sqrt(Σ_g Σ_i (y_gi − ȳ_g)² / Σ_g (n_g − 1)) over the repeat groups at lr ≥ 10^fullFrom
//              whose acc agree within 0.01; quietUpTo = the highest lr whose repeats agree exactly in every
//              metric, fullFrom = the lowest lr above it whose repeats differ
//   floor      per metric: min recorded y − 3 plateauSD_m

import Foundation
import LabCore
import LabData

/// Fits a ``SurrogateSpec`` on a campaign's recorded trials (deterministic: same trials, same bytes).
public enum SurrogateFitter {
  /// The margin above the best recorded value that the trained-regime surface can reach.
  public static let optimumMargin = 0.0002
  /// How far below the lowest trained-regime value the warp's lower bound L sits.
  public static let lowerMargin = 0.01

  /// The llama-3.2-1b campaign's measured noise (35 repeated configurations), for a campaign without repeats.
  public static let referenceNoise = SurrogateNoiseModel(
    plateauSD: [MetricName.hellaswagAcc: 5.27e-5, MetricName.hellaswagAccNorm: 8.45e-5, MetricName.mmluAcc: 2.09e-4],
    quietUpTo: -8.5, fullFrom: -5.5, resolution: [:],
    calibration: "llama-3.2-1b's 35 repeated configurations")

  /// The fitted surrogate of `training`.
  /// - Throws: `.invalidInput` for fewer than 3 trials or a trial without a metric; `.numerical` from the GP.
  public static func fit(_ training: SurrogateTrainingSet) throws -> SurrogateSpec {
    let features = try SurrogateFeatures(space: training.campaign.space)
    let trials = training.trials
    guard trials.count >= SurrogateTrainingSet.minimumTrials else {
      throw LabError(
        .invalidInput,
        "fitting the surrogate of campaign \(training.campaign.name) needs at least \(SurrogateTrainingSet.minimumTrials) evaluated trials, got \(trials.count)")
    }
    let acc = try values(MetricName.hellaswagAcc, of: trials)
    let chance = acc.min() ?? 0.25
    let gate = try SurrogateCollapseGate.fit(zip(trials, acc).map { ($0.converted, $1) }, collapsedBelow: chance + 0.02)
    let trained = try SurrogateModel.trainedRegime(trials, gate: gate)
    let collapses = trials.filter { t in !trained.contains { $0.run == t.run && $0.line == t.line } }
    guard trained.count >= 3 else {
      throw LabError(.invalidInput, "fitting the surrogate of campaign \(training.campaign.name) needs at least 3 trials that did not collapse, got \(trained.count)")
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
    var noise = try noiseModel(trials, campaign: training.campaign.name)
    // HellaSwag scores are item counts over 10 042 items (the stderr formula is exact there); MMLU is a pooled group.
    for se in standardErrors where se.metric.hasPrefix("hellaswag.") { noise.resolution[se.metric] = se.benchmarkSize }
    let inputs = try trained.map { try features.features(Configuration(values: $0.converted)) }
    var models: [SurrogateMetricModel] = []
    for metric in SurrogateSpec.modelledMetrics {
      let all = try values(metric, of: trials)
      let y = try values(metric, of: trained)
      guard let lo = y.min(), let best = all.max(), let lowest = all.min() else { continue }
      let warp = SurrogateWarp(lower: max(lo - lowerMargin, 0), upper: min(best + optimumMargin, 1))
      let kernel = try SurrogateHyperparameterSearch().fit(inputs: inputs, targets: y.map(warp.latent))
      let collapsed = SurrogateCollapsedLevel(
        points: zip(collapses.map { log10($0.converted[3]) }, try values(metric, of: collapses)).map { ($0, $1) }, chance: lowest)
      let floor = lowest - 3 * (noise.plateauSD[metric] ?? 0)
      models.append(SurrogateMetricModel(metric: metric, warp: warp, kernel: kernel, collapsed: collapsed, floor: floor))
    }
    return SurrogateSpec(
      campaign: training.campaign.name, fittedOn: training.digests, metrics: models, standardErrors: standardErrors,
      cost: try costModel(trials), noise: noise, gate: gate)
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

  /// The trained-regime noise of `trials` from their repeat groups; llama-3.2-1b's values, scaled, when there are none.
  static func noiseModel(_ trials: [RecordedTrial], campaign: String) throws -> SurrogateNoiseModel {
    let groups = SurrogateFidelity.repeatGroups(trials)
    func spread(_ g: [RecordedTrial], _ metric: String) -> Double {
      let y = g.compactMap { $0.metrics[metric] }
      return (y.max() ?? 0) - (y.min() ?? 0)
    }
    let agreeing = groups.filter { spread($0, MetricName.hellaswagAcc) < 0.01 }
    let logLR = { (g: [RecordedTrial]) in log10(g[0].converted[3]) }
    let identical = agreeing.filter { g in SurrogateSpec.modelledMetrics.allSatisfy { spread(g, $0) == 0 } }
    let differing = agreeing.filter { g in SurrogateSpec.modelledMetrics.contains { spread(g, $0) > 0 } }
    guard let fullFrom = differing.map(logLR).min() else {
      // No repeats: llama-3.2-1b's SDs scaled by the binomial ratio sqrt(p(1 − p)) at the two plateaus.
      var noise = referenceNoise
      let plateauB = [MetricName.hellaswagAcc: 0.478, MetricName.hellaswagAccNorm: 0.638, MetricName.mmluAcc: 0.375]
      for metric in SurrogateSpec.modelledMetrics {
        let best = try values(metric, of: trials).max() ?? 0.5
        let pB = plateauB[metric] ?? 0.5
        noise.plateauSD[metric] = (noise.plateauSD[metric] ?? 0) * (best * (1 - best) / (pB * (1 - pB))).squareRoot()
      }
      noise.calibration = "no repeated configuration in campaign \(campaign): llama-3.2-1b's plateau SDs scaled by sqrt(p(1 − p)) at this campaign's best"
      return noise
    }
    let quietUpTo = identical.map(logLR).filter { $0 < fullFrom }.max() ?? fullFrom
    let noisy = agreeing.filter { logLR($0) >= fullFrom }
    var plateau: [String: Double] = [:]
    for metric in SurrogateSpec.modelledMetrics {
      var squares = 0.0
      var freedom = 0
      for g in noisy {
        let y = g.compactMap { $0.metrics[metric] }
        let m = y.reduce(0, +) / Double(max(y.count, 1))
        squares += y.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        freedom += y.count - 1
      }
      plateau[metric] = (squares / Double(max(freedom, 1))).squareRoot()
    }
    return SurrogateNoiseModel(
      plateauSD: plateau, quietUpTo: quietUpTo, fullFrom: fullFrom, resolution: [:],
      calibration: "\(groups.count) repeated configurations: \(identical.count) identical (lr ≤ 10^\(String(format: "%.2f", quietUpTo))), \(noisy.count) noisy from lr 10^\(String(format: "%.2f", fullFrom)), \(groups.count - agreeing.count) collapse-or-not")
  }

  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
  }
}
