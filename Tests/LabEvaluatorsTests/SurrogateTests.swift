import Foundation
import LabCore
import LabData
import LabTestSupport
import Testing

@testable import LabEvaluators

/// The committed surrogate of `campaign` with its training set (recorded traces and surrogates/ found by SurrogateLocations).
private func committed(_ campaign: Campaign) throws -> (spec: SurrogateSpec, training: SurrogateTrainingSet) {
  let spec = try SurrogateSpec.read(from: try SurrogateLocations.surrogates().appendingPathComponent(SurrogateLocations.modelFileName(campaign)))
  let training = try SurrogateTrainingSet.load(campaign: campaign, directory: try SurrogateLocations.traces())
  return (spec, training)
}

private func evaluator(_ campaign: Campaign, noise: SurrogateEvaluator.Noise) throws -> SurrogateEvaluator {
  let (spec, training) = try committed(campaign)
  return SurrogateEvaluator(model: try SurrogateModel(spec: spec, training: training), noise: noise)
}

/// rank, alpha, dropout, lr, wd as trained.
private func configuration(_ rank: Double, _ alpha: Double, lr: Double, dropout: Double = 0.25, wd: Double = 1e-3) -> Configuration {
  Configuration(values: [rank, alpha, dropout, lr, wd])
}

private func standardDeviation(_ x: [Double]) -> Double {
  let m = x.reduce(0, +) / Double(x.count)
  return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
}

@Suite struct SurrogateTests {
  @Test func sha256OfABCIsTheFIPSTestVector() {
    #expect(surrogateSHA256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(surrogateSHA256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func fittingTheSameTrialsTwiceGivesTheSameBytes() throws {
    // A 40-trial subsample keeps the debug-build fit fast; the full fit runs in `hpolab surrogate fit`.
    let full = try SurrogateTrainingSet.load(campaign: Fixtures.llama1B, directory: try SurrogateLocations.traces())
    let subset = try SurrogateTrainingSet(campaign: Fixtures.llama1B, trials: Array(full.trials.prefix(40)))
    let a = try SurrogateFitter.fit(subset).jsonData()
    let b = try SurrogateFitter.fit(subset).jsonData()
    #expect(a == b)
    let spec = try SurrogateFitter.fit(subset)
    #expect(spec.metrics.map(\.metric) == SurrogateSpec.modelledMetrics)
    // Cost model: campaign B trains in about 29.7 + 0.022·rank minutes and evaluates in about 12.7.
    #expect(abs(spec.cost.evaluationMinutes - 12.7) < 0.5)
  }

  @Test func theCommittedModelsWereFittedOnTheseTraces() throws {
    for campaign in Fixtures.campaigns {
      let (spec, training) = try committed(campaign)
      #expect(spec.fittedOn == training.digests, "campaign \(campaign.name): rerun hpolab surrogate fit")
      #expect(training.trials.count == (campaign.name == "llama-3.2-3b" ? 150 : 203))
    }
  }

  @Test func checkOnTheFixedFoldSplitGivesTheSameNumbersEveryTime() throws {
    let (spec, training) = try committed(Fixtures.llama1B)
    // Without the per-fold refits (a debug build is too slow for them; `hpolab surrogate check` refits every fold).
    let first = try SurrogateValidation.check(spec: spec, training: training, sampleSize: 300, uniformDraws: 500, refit: false)
    let second = try SurrogateValidation.check(spec: spec, training: training, sampleSize: 300, uniformDraws: 500, refit: false)
    #expect(first == second)
    // The targets of campaign B, HellaSwag acc (measured with refits in release: 0.980, 0.970, 0.946, 0.862).
    let acc = try #require(first.metrics.first { $0.metric == MetricName.hellaswagAcc })
    #expect(acc.tenFold.spearman >= 0.92)
    #expect(acc.leaveOneRunOut.spearman >= 0.87)
    #expect(acc.tenFold.topEndSpearman >= 0.75)
    #expect((0.85...0.95).contains(acc.tenFold.coverage90))
    #expect(acc.maxPredictedMean <= acc.bestObserved + 0.0003)
    #expect(first.time.trainingRMSETenFold <= 1)
    let mmlu = try #require(first.metrics.first { $0.metric == MetricName.mmluAcc })
    #expect(mmlu.tenFold.spearman >= 0.93)
  }

  @Test(arguments: Fixtures.campaigns)
  func noMeanExceedsTheBestRecordedScoreByMoreThanThreeTenThousandths(campaign: Campaign) throws {
    // The issue's rule, for each modelled metric against its own best recorded value (read from the traces
    // here): a seeded random sample of 2 000 points, then pattern search from the best 8.
    let (spec, training) = try committed(campaign)
    let model = try SurrogateModel(spec: spec, training: training)
    for (m, metric) in SurrogateSpec.modelledMetrics.enumerated() {
      let best = try #require(training.trials.compactMap { $0.metrics[metric] }.max())
      let found = SurrogateValidation.maxMean(model, metricIndex: m, sampleSize: 2_000)
      #expect(found.value <= best + 0.0003, "\(campaign.name) \(metric): max mean \(found.value) vs best \(best)")
    }
  }

  @Test func predictionsAtRecordedPointsAreCloseToTheRecordings() throws {
    // Tolerance: RMSE over all recorded trials ≤ 0.025 (acc) and ≤ 0.01 (MMLU); the GP's noise term
    // deliberately smooths the cliffs, the plateau is reproduced far closer (median error ≤ 0.005).
    let (spec, training) = try committed(Fixtures.llama1B)
    let model = try SurrogateModel(spec: spec, training: training)
    var accErrors: [Double] = []
    var mmluErrors: [Double] = []
    for t in training.trials {
      let mean = try model.mean(Configuration(values: t.converted))
      accErrors.append((mean[MetricName.hellaswagAcc] ?? 0) - (t.metrics[MetricName.hellaswagAcc] ?? 1))
      mmluErrors.append((mean[MetricName.mmluAcc] ?? 0) - (t.metrics[MetricName.mmluAcc] ?? 1))
    }
    let rmse = { (e: [Double]) in (e.reduce(0) { $0 + $1 * $1 } / Double(e.count)).squareRoot() }
    #expect(rmse(accErrors) <= 0.025)
    #expect(rmse(mmluErrors) <= 0.01)
    let sorted = accErrors.map(abs).sorted()
    #expect(sorted[sorted.count / 2] <= 0.005)
  }

  @Test(arguments: Fixtures.campaigns)
  func collapseRegionsArePredictedAsCollapsed(campaign: Campaign) throws {
    let e = try evaluator(campaign, noise: .off)
    var rng = SeededGenerator(seed: 1)
    let point = campaign.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    // lr = 1e-2 (past the lr cliff) and alpha/rank = 4 (past the scaling cliff, at a tiny lr).
    for c in [configuration(32, 8, lr: 1e-2), configuration(8, 32, lr: 1e-8)] {
      let m = try #require(try e.evaluate(c, at: point, trial: 0, using: &rng).metrics)
      #expect((m[MetricName.hellaswagAcc] ?? 1) < 0.30, "\(c)")
      #expect((m[MetricName.mmluAcc] ?? 1) < 0.28, "\(c)")
    }
    // And a plateau point is not collapsed.
    let plateau = try #require(try e.evaluate(configuration(32, 2, lr: 1e-6), at: point, trial: 0, using: &rng).metrics)
    #expect((plateau[MetricName.hellaswagAcc] ?? 0) > 0.45)
  }

  @Test func noiseOffGivesIdenticalRepeats() throws {
    let e = try evaluator(Fixtures.llama1B, noise: .off)
    let c = configuration(53, 11, lr: pow(10, -2.5))
    let point = Fixtures.llama1B.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    var r1 = SeededGenerator.stream(1, 2, 3)
    var r2 = SeededGenerator.stream(9, 9, 9)
    #expect(try e.evaluate(c, at: point, trial: 0, using: &r1) == e.evaluate(c, at: point, trial: 1, using: &r2))
  }

  @Test func noiseOnIsAPureFunctionOfTheTrialStream() throws {
    let e = try evaluator(Fixtures.llama1B, noise: .on)
    let c = configuration(40, 5, lr: 1e-5)
    let point = Fixtures.llama1B.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    var r1 = SeededGenerator.stream(4, 5, 6)
    var r2 = SeededGenerator.stream(4, 5, 6)
    #expect(try e.evaluate(c, at: point, trial: 3, using: &r1) == e.evaluate(c, at: point, trial: 3, using: &r2))
  }

  @Test func repeatedDrawsSpreadLikeTheRecordedRepeats() throws {
    // The 35 recorded repeated configurations of campaign B (SOO and BaMSOO): the 33 that did not
    // collapse-or-not have a pooled SD of 4.59e-5 (numpy, from the traces: sqrt(mean s²), s with n − 1).
    let (spec, training) = try committed(Fixtures.llama1B)
    let model = try SurrogateModel(spec: spec, training: training)
    let spreads = try SurrogateFidelity.repeatSpreads(training.trials, draws: 200, seed: 0) { c, rng in
      try model.draw(c, using: &rng)[MetricName.hellaswagAcc] ?? .nan
    }
    #expect(spreads.count == 35)
    let steady = spreads.filter { ($0.recordedValues.max() ?? 0) - ($0.recordedValues.min() ?? 0) < 0.01 }
    #expect(steady.count == 33)
    let pooled = (steady.reduce(0) { $0 + $1.recordedSD * $1.recordedSD } / Double(steady.count)).squareRoot()
    #expect(abs(pooled - 4.586e-5) < 1e-8)
    let median = try #require(SurrogateFidelity.median(steady.map(\.surrogateSD)))
    #expect(median >= 0.5 * pooled && median <= 2 * pooled, "median surrogate SD \(median)")
    // Never more than 2e-4 on the plateau (recorded ≥ 0.47).
    for s in spreads where s.plateau { #expect(s.surrogateSD <= 2e-4, "\(s.configuration): \(s.surrogateSD)") }
    // The recorded repeats at lr = 10^-8.5 are identical to the last digit: so are the draws there.
    for s in spreads where abs(log10(s.configuration[3]) + 8.5) < 1e-9 {
      #expect(s.recordedSD == 0)
      #expect(s.surrogateSD == 0)
    }
  }

  @Test func uniformDrawsHaveTheRecordedShapeAndNeverFallBelowChance() throws {
    // lhs_bis, the uniform recorded design of B: 18, 14 and 6 of 50 runs below 0.26, in [0.26, 0.40) and ≥ 0.47;
    // 95 % Wilson intervals from scipy.stats.binomtest(k, 50).proportion_ci(method='wilson').
    let (spec, training) = try committed(Fixtures.llama1B)
    let model = try SurrogateModel(spec: spec, training: training)
    let design = SurrogateShares(training.trials.filter { $0.run == "lhs_bis" }.compactMap { $0.metrics[MetricName.hellaswagAcc] })
    #expect(design.count == 50 && abs(design.collapsed - 0.36) < 1e-12 && abs(design.intermediate - 0.28) < 1e-12 && abs(design.high - 0.12) < 1e-12)
    let values = try SurrogateFidelity.uniformDraws(space: Fixtures.llama1B.space, count: 20_000, seed: 0) { c, rng in
      try model.draw(c, using: &rng)[MetricName.hellaswagAcc] ?? .nan
    }
    let shares = SurrogateShares(values)
    #expect((0.241387...0.498590).contains(shares.collapsed), "collapsed \(shares.collapsed)")
    #expect((0.174742...0.416651).contains(shares.intermediate), "intermediate \(shares.intermediate)")
    #expect((0.056176...0.238048).contains(shares.high), "high \(shares.high)")
    // No value below the lowest recorded score (0.2504, the traces) minus 3 plateau SDs.
    let lowest = try #require(training.trials.compactMap { $0.metrics[MetricName.hellaswagAcc] }.min())
    #expect(abs(lowest - 0.2504) < 1e-4)
    #expect(shares.minimum >= lowest - 3 * (spec.noise.plateauSD[MetricName.hellaswagAcc] ?? 1))
  }

  @Test func drawsAtTheLearningRateCliffAreBimodal() throws {
    // Recorded at lr = 10^-2.5 with alpha/rank < 0.4: 8 runs, 2 collapsed (≈ 0.26), 6 at ≥ 0.44, none between;
    // 2 of 8 has the 95 % Wilson interval [0.0715, 0.5907] (scipy).
    let (spec, training) = try committed(Fixtures.llama1B)
    let model = try SurrogateModel(spec: spec, training: training)
    let cliff = SurrogateFidelity.learningRateCliff(training.trials)
    #expect(cliff.runs == 8 && cliff.collapsed == 2)
    let probe = try SurrogateFidelity.cliffProbe(
      name: "lr", configurations: cliff.configurations, draws: 200, recorded: cliff.recorded,
      collapseProbability: model.collapseProbability
    ) { c, rng in try model.draw(c, using: &rng)[MetricName.hellaswagAcc] ?? .nan }
    #expect(probe.between <= 0.05, "between \(probe.between)")
    #expect(probe.collapsed > 0.05 && probe.high > 0.05)
    let p = try #require(probe.collapseProbability)
    #expect((0.0715...0.5907).contains(p), "collapse probability \(p)")
    // Below the cliff nothing collapses, above it everything does (recorded: none at lr ≤ 10^-2.79, all from 10^-2.27).
    #expect(spec.gate.probability(logLearningRate: -3.5) < 0.01)
    #expect(spec.gate.probability(logLearningRate: -1.5) > 0.99)
  }

  @Test func theWilsonIntervalMatchesScipy() {
    // scipy.stats.binomtest(k, n).proportion_ci(method='wilson').
    let a = SurrogateFidelity.wilson(18, 50)
    #expect(abs(a.lowerBound - 0.2413875) < 1e-6 && abs(a.upperBound - 0.4985898) < 1e-6)
    let b = SurrogateFidelity.wilson(2, 8)
    #expect(abs(b.lowerBound - 0.0714792) < 1e-6 && abs(b.upperBound - 0.5907246) < 1e-6)
  }

  @Test func aQueryAtARecordedConfigurationAgreesWithTheRecordings() throws {
    // Recorded twice (SOO, BaMSOO): rank 53, alpha 11, dropout 0.25, lr 10^-5.5, wd 1e-3 → acc 0.4722, 0.4722.
    let (spec, training) = try committed(Fixtures.llama1B)
    let model = try SurrogateModel(spec: spec, training: training)
    let c = try SurrogateQuery.configuration(
      ["lora_rank=53", "lora_alpha=11", "lora_dropout=0.25", "learning_rate=\(pow(10, -5.5))", "weight_decay=0.001"], space: Fixtures.llama1B.space)
    let r = try SurrogateQuery.run(model, configuration: c, samples: 200, seed: 3)
    let acc = try #require(r.metrics[MetricName.hellaswagAcc])
    #expect(abs(acc.mean - 0.4722) < 0.002)
    #expect(acc.q95 - acc.q05 < 4e-4)
    #expect(r.collapseProbability < 0.001)
    // Training ≈ 29.7 + 0.022 · 53 ≈ 30.8 min (the recorded B trials took about 30.5).
    #expect(abs(r.trainingMinutes.q50 - 30.8) < 1)
    #expect(try SurrogateQuery.run(model, configuration: c, samples: 200, seed: 3) == r)
  }

  @Test func aQueryOutsideTheSpaceNamesTheParameterAndItsBounds() throws {
    let space = Fixtures.llama1B.space
    let base = ["lora_rank=16", "lora_alpha=8", "lora_dropout=0.1", "weight_decay=1e-3"]
    #expect(throws: LabError.self) { try SurrogateQuery.configuration(base + ["learning_rate=0.5"], space: space) }
    do {
      _ = try SurrogateQuery.configuration(base + ["learning_rate=0.5"], space: space)
    } catch let error as LabError {
      #expect(error.message.contains("learning_rate") && error.message.contains("[1e-10, 0.1]"), "\(error.message)")
    }
    #expect(throws: LabError.self) { try SurrogateQuery.configuration(base, space: space) }  // learning_rate missing
    #expect(throws: LabError.self) { try SurrogateQuery.configuration(base + ["learning_rate=1e-4", "lora_rnk=3"], space: space) }
    #expect(throws: LabError.self) { try SurrogateQuery.configuration(["lora_rank=65"] + base.dropFirst() + ["learning_rate=1e-4"], space: space) }
    #expect(try SurrogateQuery.configuration(base + ["learning_rate=1e-4"], space: space).values == [16, 8, 0.1, 1e-4, 1e-3])
  }

  @Test func aModelFileOfAnotherVersionIsRefusedAndLeftUntouched() throws {
    let url = try SurrogateLocations.surrogates().appendingPathComponent(SurrogateLocations.modelFileName(Fixtures.llama1B))
    let bytes = try Data(contentsOf: url)
    var text = try #require(String(data: bytes, encoding: .utf8))
    text = text.replacingOccurrences(of: "\"format\" : \(SurrogateSpec.currentFormat)", with: "\"format\" : 1")
    let old = FileManager.default.temporaryDirectory.appendingPathComponent("surrogate-format-1-\(UUID().uuidString).json")
    try Data(text.utf8).write(to: old)
    defer { try? FileManager.default.removeItem(at: old) }
    #expect(throws: LabError.self) { try SurrogateSpec.read(from: old) }
    do {
      _ = try SurrogateSpec.read(from: old)
    } catch let error as LabError {
      #expect(error.code == .unsupported)
      #expect(error.message.contains("another hpolab version"))
    }
    #expect(try Data(contentsOf: old) == Data(text.utf8))
    #expect(try Data(contentsOf: url) == bytes)
  }

  @Test func durationsFollowTheRankCostModel() throws {
    let e = try evaluator(Fixtures.llama1B, noise: .off)
    var rng = SeededGenerator(seed: 1)
    let point = Fixtures.llama1B.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    let small = try e.evaluate(configuration(2, 1, lr: 1e-5), at: point, trial: 0, using: &rng).durations
    let large = try e.evaluate(configuration(64, 1, lr: 1e-5), at: point, trial: 0, using: &rng).durations
    // ≈ 29.7 + 0.022·rank minutes of training, ≈ 12.7 minutes of evaluation.
    #expect(abs(small.training / 60 - 29.7) < 0.5)
    #expect(abs((large.training - small.training) / 60 - 0.022 * 62) < 0.3)
    #expect(abs(small.evaluation / 60 - 12.7) < 0.5)
  }

  @Test func anUnknownCampaignIsAClearError() {
    #expect(throws: LabError.self) { try SurrogateEvaluator.campaign(named: "surrogate:C") }
    let error = #expect(throws: LabError.self) { try SurrogateEvaluator.campaign(named: "C") }
    #expect(error?.code == .notFound)
    #expect(error?.message.contains("valid: llama-3.2-1b (alias B), llama-3.2-3b (alias A)") == true)
    #expect((try? SurrogateEvaluator.campaign(named: "surrogate:b")) == Fixtures.llama1B)
  }

  @Test func anEmptyTrainingSetIsAClearError() {
    do {
      _ = try SurrogateTrainingSet(campaign: Fixtures.llama1B, trials: [])
      Issue.record("an empty training set was accepted")
    } catch let error as LabError {
      #expect(error.code == .invalidInput)
      #expect(error.message.contains("empty training set"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func aKernelMatrixThatStaysIndefiniteAfterJitterIsANumericalError() {
    // A negative noise variance makes K indefinite; no jitter up to 1e-4 of the mean diagonal can repair it.
    let parameters = SurrogateKernelParameters(lengthScales: [0.5, 0.5], signalVariance: 1, noiseVariance: -2, mean: 0)
    do {
      _ = try SurrogateGP(parameters: parameters, inputs: [[0, 0], [0.5, 0.2], [1, 1]], targets: [0, 1, 2])
      Issue.record("an indefinite kernel matrix was factored")
    } catch let error as LabError {
      #expect(error.code == .numerical)
      #expect(error.message.contains("3 × 3 kernel matrix of the surrogate"))
      #expect(error.message.contains("not positive definite"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func theLikelihoodGradientMatchesCentralDifferences() throws {
    var rng = SeededGenerator(seed: 7)
    let inputs = (0..<15).map { _ in [rng.uniform(), rng.uniform(), rng.uniform()] }
    let targets = inputs.map { sin(6 * $0[0]) + $0[1] * $0[1] + 0.1 * rng.normal() }
    let theta = [log(0.4), log(0.7), log(3.0), log(1.3), log(0.05), 0.2, -0.7]
    func nll(_ t: [Double]) -> (value: Double, gradient: [Double])? {
      SurrogateGP.negativeLogLikelihood(
        logLengths: Array(t[0..<3]), logSignal: t[3], logNoise: t[4], mean: t[5], slope: t[6], inputs: inputs, targets: targets)
    }
    let analytic = try #require(nll(theta)).gradient
    for k in 0..<theta.count {
      var up = theta
      var down = theta
      up[k] += 1e-5
      down[k] -= 1e-5
      let numeric = (try #require(nll(up)).value - (try #require(nll(down)).value)) / 2e-5
      #expect(abs(analytic[k] - numeric) <= 1e-5 * max(1, abs(numeric)), "θ_\(k): analytic \(analytic[k]), numeric \(numeric)")
    }
  }

  @Test func theHyperparameterSearchStaysInItsBoxAndImprovesOnTheStart() throws {
    var rng = SeededGenerator(seed: 11)
    let inputs = (0..<30).map { _ in [rng.uniform(), rng.uniform()] }
    // Only the first feature matters: the second one's length-scale should run to the upper bound.
    let targets = inputs.map { sin(5 * $0[0]) + 0.05 * rng.normal() }
    let search = SurrogateHyperparameterSearch()
    let fitted = try search.fit(inputs: inputs, targets: targets)
    let logLengths = fitted.lengthScales.map { log($0) }
    #expect(logLengths.allSatisfy { search.logLengthBounds.contains($0) })
    #expect(search.logSignalBounds.contains(log(fitted.signalVariance)))
    #expect(search.logNoiseBounds.contains(log(fitted.noiseVariance)))
    #expect(fitted.lengthScales[1] > 10 * fitted.lengthScales[0])
    let mean = targets.reduce(0, +) / Double(targets.count)
    let variance = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(targets.count)
    let start = try #require(
      SurrogateGP.negativeLogLikelihood(
        logLengths: [log(0.3), log(0.3)], logSignal: log(variance), logNoise: log(variance * 0.01), mean: mean, slope: 0,
        inputs: inputs, targets: targets)
    ).value
    let end = try #require(
      SurrogateGP.negativeLogLikelihood(
        logLengths: logLengths, logSignal: log(fitted.signalVariance), logNoise: log(fitted.noiseVariance),
        mean: fitted.mean, slope: fitted.scalingSlope, inputs: inputs, targets: targets)
    ).value
    #expect(end < start - 1)
  }

  @Test func tracesThatDifferFromTheFitAreRefused() throws {
    var (spec, training) = try committed(Fixtures.llama1B)
    spec.fittedOn[0].sha256 = String(repeating: "0", count: 64)
    #expect(throws: LabError.self) { try SurrogateModel(spec: spec, training: training) }
  }
}
