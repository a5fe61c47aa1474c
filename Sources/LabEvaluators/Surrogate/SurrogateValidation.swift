// Honest validation of a surrogate: cross-validation, calibration, invented optima, time cost.
//
// Notation
//   ŷ_i          the held-out predictive median of trial i (model conditioned on the other folds,
//                hyperparameters and warps of the full fit kept fixed)
//   RMSE         sqrt(mean (ŷ − y)²);  R² = 1 − mean (ŷ − y)² / var y
//   Spearman     Pearson correlation of average ranks (ties share their mean rank)
//   coverage_c   fraction of held-out y inside the central predictive interval of level c
//   10-fold      trials shuffled once by SeededGenerator(seed: 20250117), fold k = positions ≡ k (mod 10)
//   LORO         leave one recorded run out (lhs, bo, soo[, bamsoo])
//   top end      trials whose recorded HellaSwag acc ≥ threshold (B: 0.46, A: 0.54)
//   max search   a seeded uniform sample of the unit cube, then pattern search (steps 1/16 … 1/1024) from the best 8

import Foundation
import LabCore
import LabData

/// Cross-validated scores of one metric.
public struct SurrogateCVScores: Sendable, Hashable, Codable {
  public var rmse: Double
  public var r2: Double
  public var spearman: Double
  /// Spearman on the top end (recorded HellaSwag acc ≥ threshold).
  public var topEndSpearman: Double
  public var coverage50: Double
  public var coverage90: Double
}

/// Everything `hpolab surrogate check` reports about one metric.
public struct SurrogateMetricCheck: Sendable, Hashable, Codable {
  public var metric: String
  public var tenFold: SurrogateCVScores
  public var leaveOneRunOut: SurrogateCVScores
  /// RMSE of the full model at its own training points.
  public var trainingRMSE: Double
  public var bestObserved: Double
  public var maxPredictedMean: Double
  /// The configuration where the highest mean was found.
  public var maxPredictedAt: [Double]
}

/// Errors of the cost model (minutes).
public struct SurrogateTimeCheck: Sendable, Hashable, Codable {
  public var trainingRMSEInSample: Double
  public var trainingRMSETenFold: Double
  public var evaluationRMSE: Double
}

/// One reach target and whether it is met.
public struct SurrogateTarget: Sendable, Hashable, Codable {
  public var name: String
  public var value: Double
  public var goal: String
  public var met: Bool
}

/// The report of `hpolab surrogate check`.
public struct SurrogateCheckReport: Sendable, Hashable, Codable {
  /// The campaign's name.
  public var campaign: String
  /// The campaign's search space.
  public var space: SearchSpace
  public var trials: Int
  public var foldSeed: UInt64
  public var topEndThreshold: Double
  public var topEndTrials: Int
  public var metrics: [SurrogateMetricCheck]
  public var time: SurrogateTimeCheck
  public var noise: SurrogateNoiseModel
  public var fidelity: SurrogateFidelityReport
  public var targets: [SurrogateTarget]
}

/// Noisy draws against the recordings: repeat spread, shares of uniform draws, cliffs.
public struct SurrogateFidelityReport: Sendable, Hashable, Codable {
  public var repeats: [SurrogateRepeatSpread]
  public var medianRecordedSD: Double
  /// sqrt(mean s_rec²) over the repeats that did not collapse-or-not (acc agree within 0.01).
  public var pooledRecordedSD: Double
  /// The median surrogate SD over the same repeats.
  public var medianSurrogateSD: Double
  public var maxPlateauSurrogateSD: Double
  public var uniform: SurrogateShares
  /// The shares of the uniform recorded design (lhs_bis for B, lhs for A) and their Wilson intervals.
  public var recordedDesign: SurrogateShares
  public var recordedDesignRun: String
  public var wilsonCollapsed: ClosedRange<Double>
  public var wilsonIntermediate: ClosedRange<Double>
  public var wilsonHigh: ClosedRange<Double>
  public var recordedMinimum: Double
  public var plateauSD: Double
  public var cliffs: [SurrogateCliffProbe]
  /// The Wilson interval of the recorded collapse share at the lr cliff (nil: no recorded run there).
  public var learningRateCliffWilson: ClosedRange<Double>?
}

/// Validation of a fitted surrogate against its own recorded trials.
public enum SurrogateValidation {
  /// The fixed seed of the 10-fold split.
  public static let foldSeed: UInt64 = 20_250_117

  /// The campaign whose recordings the targets' goals were set on; for any other campaign they are applied as they are.
  public static let goalsCampaign = "llama-3.2-1b"

  /// The top-end threshold of HellaSwag acc: the campaign file's `[surrogate] top_end` (0.46 for llama-3.2-1b,
  /// 0.54 for llama-3.2-3b), else the 90th percentile of the recorded values (nearest rank).
  public static func topEndThreshold(_ campaign: Campaign, recorded acc: [Double]) -> Double {
    if let t = campaign.surrogate.topEnd { return t }
    let sorted = acc.sorted()
    guard !sorted.isEmpty else { return 1 }
    return sorted[min(sorted.count - 1, max(0, Int((0.9 * Double(sorted.count)).rounded(.up)) - 1))]
  }

  /// The run whose score shares the uniform draws are compared with: `[surrogate] design_run`, else the first run
  /// of algorithm `lhs`, else the first run.
  public static func designRun(_ campaign: Campaign) -> String? {
    campaign.surrogate.designRun ?? campaign.runs.first { $0.algorithm == "lhs" }?.run ?? campaign.runs.first?.run
  }

  /// The 10 folds: indices 0..<n shuffled by the fixed seed, fold k holding positions ≡ k (mod 10).
  public static func tenFolds(count n: Int, seed: UInt64 = foldSeed) -> [[Int]] {
    var order = Array(0..<n)
    var rng = SeededGenerator(seed: seed)
    rng.shuffle(&order)
    var folds = Array(repeating: [Int](), count: min(10, n))
    for (position, index) in order.enumerated() { folds[position % folds.count].append(index) }
    return folds
  }

  /// Runs every check. `sampleSize` sets the random sample of the max-mean search (20 000 by default).
  /// - Throws: what ``SurrogateModel`` throws; `.invalidInput` for fewer than 10 trials.
  public static func check(
    spec: SurrogateSpec, training: SurrogateTrainingSet, sampleSize: Int = 20_000, uniformDraws: Int = 20_000, refit: Bool = true
  ) throws -> SurrogateCheckReport {
    let trials = training.trials
    guard trials.count >= 10 else {
      throw LabError(.invalidInput, "checking a surrogate needs at least 10 evaluated trials, got \(trials.count)")
    }
    let full = try SurrogateModel(spec: spec, training: training)
    let features = full.features
    let inputs = try trials.map { try features.features(Configuration(values: $0.converted)) }
    let observed = try spec.metrics.map { try SurrogateFitter.values($0.metric, of: trials) }
    let acc = try SurrogateFitter.values(MetricName.hellaswagAcc, of: trials)
    let campaign = training.campaign
    let threshold = topEndThreshold(campaign, recorded: acc)
    let top = acc.indices.filter { acc[$0] >= threshold }

    var runs = SurrogateTrainingSet.runs(of: campaign)
    for t in trials where !runs.contains(t.run) { runs.append(t.run) }
    let loro = runs.map { run in trials.indices.filter { trials[$0].run == run } }.filter { !$0.isEmpty }
    let tenFold = try crossValidate(spec: spec, campaign: campaign, trials: trials, folds: tenFolds(count: trials.count), refit: refit)
    let leaveRun = try crossValidate(spec: spec, campaign: campaign, trials: trials, folds: loro, refit: refit)

    var metricChecks: [SurrogateMetricCheck] = []
    for (m, model) in spec.metrics.enumerated() {
      let y = observed[m]
      let fitted = inputs.map { full.mean(metricIndex: m, features: $0) }
      let search = maxMean(full, metricIndex: m, sampleSize: sampleSize)
      metricChecks.append(
        SurrogateMetricCheck(
          metric: model.metric,
          tenFold: scores(tenFold[m], y, top: top),
          leaveOneRunOut: scores(leaveRun[m], y, top: top),
          trainingRMSE: rmse(fitted.map(\.self), y),
          bestObserved: y.max() ?? .nan, maxPredictedMean: search.value, maxPredictedAt: search.at))
    }
    let time = try timeCheck(trials)
    let fidelity = try fidelityReport(full, trials: trials, uniformDraws: uniformDraws)
    var targets: [SurrogateTarget] = []
    if let a = metricChecks.first(where: { $0.metric == MetricName.hellaswagAcc }) {
      targets.append(.init(name: "hellaswag.acc 10-fold Spearman", value: a.tenFold.spearman, goal: "≥ 0.92", met: a.tenFold.spearman >= 0.92))
      targets.append(.init(name: "hellaswag.acc leave-one-run-out Spearman", value: a.leaveOneRunOut.spearman, goal: "≥ 0.87", met: a.leaveOneRunOut.spearman >= 0.87))
      targets.append(.init(name: "hellaswag.acc top-end Spearman (10-fold)", value: a.tenFold.topEndSpearman, goal: "≥ 0.75", met: a.tenFold.topEndSpearman >= 0.75))
      targets.append(.init(name: "hellaswag.acc 90% interval coverage (10-fold)", value: a.tenFold.coverage90, goal: "0.85–0.95", met: (0.85...0.95).contains(a.tenFold.coverage90)))
    }
    for m in metricChecks {
      let excess = m.maxPredictedMean - m.bestObserved
      targets.append(.init(name: "\(m.metric) max mean − best recorded", value: excess, goal: "≤ 0.0003", met: excess <= 0.0003))
    }
    if let mm = metricChecks.first(where: { $0.metric == MetricName.mmluAcc }) {
      targets.append(.init(name: "mmlu.acc 10-fold Spearman", value: mm.tenFold.spearman, goal: "≥ 0.93", met: mm.tenFold.spearman >= 0.93))
    }
    let f = fidelity
    if !f.repeats.isEmpty {
      let ratio = f.medianSurrogateSD / f.pooledRecordedSD
      targets.append(.init(name: "repeat spread: median surrogate SD / pooled recorded SD (non-cliff repeats)", value: ratio, goal: "0.5–2", met: (0.5...2).contains(ratio)))
      targets.append(.init(name: "repeat spread: largest surrogate SD on the plateau", value: f.maxPlateauSurrogateSD, goal: "≤ 0.0002", met: f.maxPlateauSurrogateSD <= 2e-4))
    }
    targets.append(.init(name: "uniform draws: collapsed share (< 0.26)", value: f.uniform.collapsed, goal: wilsonGoal(f.wilsonCollapsed), met: f.wilsonCollapsed.contains(f.uniform.collapsed)))
    targets.append(.init(name: "uniform draws: intermediate share [0.26, 0.40)", value: f.uniform.intermediate, goal: wilsonGoal(f.wilsonIntermediate), met: f.wilsonIntermediate.contains(f.uniform.intermediate)))
    targets.append(.init(name: "uniform draws: high share (≥ 0.47)", value: f.uniform.high, goal: wilsonGoal(f.wilsonHigh), met: f.wilsonHigh.contains(f.uniform.high)))
    let floor = f.recordedMinimum - 3 * f.plateauSD
    targets.append(.init(name: "uniform draws: lowest value", value: f.uniform.minimum, goal: String(format: "≥ %.4f (recorded min − 3 plateau SD)", floor), met: f.uniform.minimum >= floor))
    if let cliff = f.cliffs.first, cliff.draws > 0 {
      targets.append(.init(name: "lr cliff 10^-2.5 (alpha/rank < 0.4): share of draws between 0.30 and 0.42", value: cliff.between, goal: "≤ 0.05 (bimodal)", met: cliff.between <= 0.05))
      if let p = cliff.collapseProbability, let w = f.learningRateCliffWilson {
        targets.append(.init(name: "lr cliff 10^-2.5 (alpha/rank < 0.4): collapse probability", value: p, goal: wilsonGoal(w) + " (recorded collapses)", met: w.contains(p)))
      }
    }
    targets.append(.init(name: "training-time RMSE (10-fold, minutes)", value: time.trainingRMSETenFold, goal: "≤ 1", met: time.trainingRMSETenFold <= 1))
    return SurrogateCheckReport(
      campaign: campaign.name, space: campaign.space, trials: trials.count, foldSeed: foldSeed, topEndThreshold: threshold, topEndTrials: top.count,
      metrics: metricChecks, time: time, noise: spec.noise, fidelity: fidelity, targets: targets)
  }

  /// Held-out predictive distributions per metric (index-aligned with the trials). With `refit`, every fold
  /// refits the whole surrogate (gate, warps, hyperparameters, noise) on its training trials: no leakage.
  static func crossValidate(
    spec: SurrogateSpec, campaign: Campaign, trials: [RecordedTrial], folds: [[Int]], refit: Bool
  ) throws -> [[SurrogatePredictive]] {
    let n = trials.count
    let placeholder = SurrogatePredictive(
      metric: "", warp: SurrogateWarp(lower: 0, upper: 1), latentMean: 0, latentSD: 0, collapseProbability: 0,
      collapsedMean: 0, collapsedSD: 0, collapsedRange: 0...0)
    var out = spec.metrics.map { _ in [SurrogatePredictive](repeating: placeholder, count: n) }
    for fold in folds {
      let held = Set(fold)
      let train = (0..<n).filter { !held.contains($0) }
      guard !train.isEmpty else { continue }
      let subset = try SurrogateTrainingSet(campaign: campaign, trials: train.map { trials[$0] })
      let foldSpec = refit ? try SurrogateFitter.fit(subset) : spec
      let model = try SurrogateModel(spec: foldSpec, training: subset)
      for i in fold {
        for (m, p) in try model.predictive(Configuration(values: trials[i].converted)).enumerated() { out[m][i] = p }
      }
    }
    return out
  }

  static func scores(_ predictions: [SurrogatePredictive], _ y: [Double], top: [Int]) -> SurrogateCVScores {
    let medians = predictions.map(\.mean)
    let mse = zip(medians, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(y.count)
    let mean = y.reduce(0, +) / Double(y.count)
    let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(y.count)
    func coverage(_ level: Double) -> Double {
      Double(zip(predictions, y).filter { $0.interval(level).contains($1) }.count) / Double(y.count)
    }
    return SurrogateCVScores(
      rmse: mse.squareRoot(), r2: 1 - mse / variance, spearman: spearman(medians, y),
      topEndSpearman: spearman(top.map { medians[$0] }, top.map { y[$0] }),
      coverage50: coverage(0.5), coverage90: coverage(0.9))
  }

  /// Spearman's rank correlation with average ranks for ties (NaN for fewer than 3 pairs or a constant side).
  public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count, a.count >= 3 else { return .nan }
    return pearson(ranks(a), ranks(b))
  }

  static func ranks(_ x: [Double]) -> [Double] {
    let order = x.indices.sorted { x[$0] < x[$1] }
    var r = [Double](repeating: 0, count: x.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
      let average = Double(i + j) / 2 + 1
      for k in i...j { r[order[k]] = average }
      i = j + 1
    }
    return r
  }

  static func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n
    let mb = b.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) {
      sab += (x - ma) * (y - mb)
      saa += (x - ma) * (x - ma)
      sbb += (y - mb) * (y - mb)
    }
    return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
  }

  static func rmse(_ a: [Double], _ b: [Double]) -> Double {
    (zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(a.count, 1))).squareRoot()
  }

  /// The highest mean of metric `m` over the space: random sample, then pattern search from the best 8.
  static func maxMean(_ model: SurrogateModel, metricIndex m: Int, sampleSize: Int) -> (value: Double, at: [Double]) {
    let space = model.campaign.space
    var rng = SeededGenerator.stream(foldSeed, UInt64(m), stableHash("surrogate-max-search"))
    func value(_ unit: [Double]) -> (Double, [Double]) {
      let configuration = space.configuration(for: space.point(unit: unit))
      guard let f = try? model.features.features(configuration) else { return (-.infinity, configuration.values) }
      return (model.mean(metricIndex: m, features: f), configuration.values)
    }
    var sample: [(Double, [Double])] = []
    for _ in 0..<max(sampleSize, 1) {
      let u = (0..<space.dimension).map { _ in rng.uniform() }
      sample.append((value(u).0, u))
    }
    sample.sort { $0.0 > $1.0 }
    var best = (value: -Double.infinity, at: [Double]())
    for (start, u0) in sample.prefix(8) {
      var u = u0
      var current = start
      var step = 1.0 / 16
      while step >= 1.0 / 1024 {
        var improved = false
        for d in 0..<u.count {
          for sign in [1.0, -1.0] {
            var v = u
            v[d] = min(max(v[d] + sign * step, 0), 1)
            let candidate = value(v).0
            if candidate > current {
              current = candidate
              u = v
              improved = true
            }
          }
        }
        if !improved { step /= 2 }
      }
      if current > best.value { best = (current, value(u).1) }
    }
    return best
  }

  static func wilsonGoal(_ w: ClosedRange<Double>) -> String { String(format: "%.3f–%.3f (95%% Wilson)", w.lowerBound, w.upperBound) }

  /// Repeat spread, uniform-draw shares and cliff probes of `model`'s noisy draws (fixed seeds).
  static func fidelityReport(_ model: SurrogateModel, trials: [RecordedTrial], uniformDraws: Int) throws -> SurrogateFidelityReport {
    let draw: (Configuration, inout SeededGenerator) throws -> Double = { c, rng in
      try model.draw(c, using: &rng)[MetricName.hellaswagAcc] ?? .nan
    }
    let repeats = try SurrogateFidelity.repeatSpreads(trials, draw: draw)
    let space = model.campaign.space
    let uniform = SurrogateShares(try SurrogateFidelity.uniformDraws(space: space, count: uniformDraws, draw: draw))
    let designRun = designRun(model.campaign) ?? ""
    let design = trials.filter { $0.run == designRun }.compactMap { $0.metrics[MetricName.hellaswagAcc] }
    let recorded = SurrogateShares(design)
    let n = design.count
    func k(_ share: Double) -> Int { Int((share * Double(n)).rounded()) }
    let lr = SurrogateFidelity.learningRateCliff(trials)
    let scaling = SurrogateFidelity.scalingCliff(trials, rankUpper: space.parameters[0].upper)
    let cliffs = [
      try SurrogateFidelity.cliffProbe(
        name: "lr 10^-2.5", configurations: lr.configurations, recorded: lr.recorded, collapseProbability: model.collapseProbability, draw: draw),
      try SurrogateFidelity.cliffProbe(
        name: "alpha/rank 1.1", configurations: scaling.configurations, recorded: scaling.recorded, collapseProbability: model.collapseProbability,
        draw: draw),
    ]
    let steady = repeats.filter { ($0.recordedValues.max() ?? 0) - ($0.recordedValues.min() ?? 0) < 0.01 }
    let pooled = (steady.reduce(0) { $0 + $1.recordedSD * $1.recordedSD } / Double(max(steady.count, 1))).squareRoot()
    return SurrogateFidelityReport(
      repeats: repeats,
      medianRecordedSD: SurrogateFidelity.median(repeats.map(\.recordedSD)) ?? .nan,
      pooledRecordedSD: pooled,
      medianSurrogateSD: SurrogateFidelity.median(steady.map(\.surrogateSD)) ?? .nan,
      maxPlateauSurrogateSD: repeats.filter(\.plateau).map(\.surrogateSD).max() ?? .nan,
      uniform: uniform, recordedDesign: recorded, recordedDesignRun: designRun,
      wilsonCollapsed: SurrogateFidelity.wilson(k(recorded.collapsed), n),
      wilsonIntermediate: SurrogateFidelity.wilson(k(recorded.intermediate), n),
      wilsonHigh: SurrogateFidelity.wilson(k(recorded.high), n),
      recordedMinimum: trials.compactMap { $0.metrics[MetricName.hellaswagAcc] }.min() ?? .nan,
      plateauSD: model.spec.noise.plateauSD[MetricName.hellaswagAcc] ?? 0,
      cliffs: cliffs, learningRateCliffWilson: lr.runs > 0 ? SurrogateFidelity.wilson(lr.collapsed, lr.runs) : nil)
  }

  static func timeCheck(_ trials: [RecordedTrial]) throws -> SurrogateTimeCheck {
    let pairs = trials.compactMap { t in t.trainingSeconds.map { (t.converted[0], $0 / 60) } }
    let cost = try SurrogateFitter.costModel(trials)
    let inSample = rmse(pairs.map { cost.trainingMinutes(rank: $0.0) }, pairs.map(\.1))
    var squared = 0.0
    for fold in tenFolds(count: pairs.count) {
      let held = Set(fold)
      let train = pairs.indices.filter { !held.contains($0) }.map { pairs[$0] }
      let line = SurrogateFitter.leastSquaresLine(train)
      for i in fold {
        let e = line.intercept + line.slope * pairs[i].0 - pairs[i].1
        squared += e * e
      }
    }
    return SurrogateTimeCheck(
      trainingRMSEInSample: inSample, trainingRMSETenFold: (squared / Double(max(pairs.count, 1))).squareRoot(),
      evaluationRMSE: cost.evaluationSD)
  }
}
