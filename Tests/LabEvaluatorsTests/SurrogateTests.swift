import Foundation
import LabCore
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
    let full = try SurrogateTrainingSet.load(campaign: .B, directory: try SurrogateLocations.traces())
    let subset = try SurrogateTrainingSet(campaign: .B, trials: Array(full.trials.prefix(40)))
    let a = try SurrogateFitter.fit(subset).jsonData()
    let b = try SurrogateFitter.fit(subset).jsonData()
    #expect(a == b)
    let spec = try SurrogateFitter.fit(subset)
    #expect(spec.metrics.map(\.metric) == SurrogateSpec.modelledMetrics)
    // Cost model: campaign B trains in about 29.7 + 0.022·rank minutes and evaluates in about 12.7.
    #expect(abs(spec.cost.evaluationMinutes - 12.7) < 0.5)
  }

  @Test func theCommittedModelsWereFittedOnTheseTraces() throws {
    for campaign in Campaign.allCases {
      let (spec, training) = try committed(campaign)
      #expect(spec.fittedOn == training.digests, "campaign \(campaign.rawValue): rerun hpolab surrogate fit")
      #expect(training.trials.count == (campaign == .A ? 150 : 203))
    }
  }

  @Test func checkOnTheFixedFoldSplitGivesTheSameNumbersEveryTime() throws {
    let (spec, training) = try committed(.B)
    let first = try SurrogateValidation.check(spec: spec, training: training, sampleSize: 300)
    let second = try SurrogateValidation.check(spec: spec, training: training, sampleSize: 300)
    #expect(first == second)
    // The reach targets of campaign B, HellaSwag acc (measured: 0.978, 0.912, 0.936, 0.946).
    let acc = try #require(first.metrics.first { $0.metric == MetricName.hellaswagAcc })
    #expect(acc.tenFold.spearman >= 0.92)
    #expect(acc.leaveOneRunOut.spearman >= 0.87)
    #expect(acc.tenFold.topEndSpearman >= 0.75)
    #expect((0.85...0.95).contains(acc.tenFold.coverage90))
    #expect(acc.maxPredictedMean <= acc.bestObserved + 0.005)
    #expect(first.time.trainingRMSETenFold <= 1)
  }

  @Test func noPredictedMeanExceedsTheBestObservedByMoreThanFiveThousandths() throws {
    // Guaranteed by the warp's upper bound U = best + 0.005; checked on a random sample anyway.
    for campaign in Campaign.allCases {
      let (spec, training) = try committed(campaign)
      let model = try SurrogateModel(spec: spec, training: training)
      let best = try SurrogateFitter.values(MetricName.hellaswagAcc, of: training.trials).max() ?? 0
      var rng = SeededGenerator(seed: 7)
      let space = campaign.space
      for _ in 0..<300 {
        let c = space.configuration(for: space.point(unit: (0..<5).map { _ in rng.uniform() }))
        let mean = try model.mean(c)[MetricName.hellaswagAcc] ?? .infinity
        #expect(mean <= best + 0.005)
      }
    }
  }

  @Test func predictionsAtRecordedPointsAreCloseToTheRecordings() throws {
    // Tolerance: RMSE over all recorded trials ≤ 0.025 (acc) and ≤ 0.01 (MMLU); the GP's noise term
    // deliberately smooths the cliffs, the plateau is reproduced far closer (median error ≤ 0.005).
    let (spec, training) = try committed(.B)
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

  @Test(arguments: Campaign.allCases)
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
    let e = try evaluator(.B, noise: .off)
    let c = configuration(53, 11, lr: pow(10, -2.5))
    let point = Campaign.B.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    var r1 = SeededGenerator.stream(1, 2, 3)
    var r2 = SeededGenerator.stream(9, 9, 9)
    #expect(try e.evaluate(c, at: point, trial: 0, using: &r1) == e.evaluate(c, at: point, trial: 1, using: &r2))
  }

  @Test func noiseOnIsAPureFunctionOfTheTrialStream() throws {
    let e = try evaluator(.B, noise: .on)
    let c = configuration(40, 5, lr: 1e-5)
    let point = Campaign.B.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    var r1 = SeededGenerator.stream(4, 5, 6)
    var r2 = SeededGenerator.stream(4, 5, 6)
    #expect(try e.evaluate(c, at: point, trial: 3, using: &r1) == e.evaluate(c, at: point, trial: 3, using: &r2))
  }

  @Test func noiseOnReproducesThePlateauSpreadAndTheCliffsCollapseOrNot() throws {
    let e = try evaluator(.B, noise: .on)
    let point = Campaign.B.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    func draws(_ c: Configuration) throws -> [Double] {
      try (0..<200).map { k in
        var rng = SeededGenerator.stream(11, UInt64(k), StreamPurpose.evaluation.rawValue)
        return try e.evaluate(c, at: point, trial: k, using: &rng).metrics?[MetricName.hellaswagAcc] ?? .nan
      }
    }
    // Plateau (recorded repeats agree within 2e-4, SD ≈ 5e-5): expected SD between 1e-5 and 1e-3.
    let plateau = try draws(configuration(60, 4, lr: pow(10, -5.5)))
    let sd = standardDeviation(plateau)
    #expect(sd > 1e-5 && sd < 1e-3, "plateau SD \(sd)")
    // Cliff (lr = 10^-2.5, alpha/rank ≈ 0.21: recorded 0.444 and 0.265): both outcomes occur.
    let cliff = try draws(configuration(53, 11, lr: pow(10, -2.5)))
    #expect(cliff.contains { $0 < 0.30 })
    #expect(cliff.contains { $0 > 0.40 })
  }

  @Test func durationsFollowTheRankCostModel() throws {
    let e = try evaluator(.B, noise: .off)
    var rng = SeededGenerator(seed: 1)
    let point = Campaign.B.space.point(unit: [0.5, 0.5, 0.5, 0.5, 0.5])
    let small = try e.evaluate(configuration(2, 1, lr: 1e-5), at: point, trial: 0, using: &rng).durations
    let large = try e.evaluate(configuration(64, 1, lr: 1e-5), at: point, trial: 0, using: &rng).durations
    // ≈ 29.7 + 0.022·rank minutes of training, ≈ 12.7 minutes of evaluation.
    #expect(abs(small.training / 60 - 29.7) < 0.5)
    #expect(abs((large.training - small.training) / 60 - 0.022 * 62) < 0.3)
    #expect(abs(small.evaluation / 60 - 12.7) < 0.5)
  }

  @Test func anUnknownCampaignIsAClearError() {
    #expect(throws: LabError.self) { try SurrogateEvaluator.campaign(named: "surrogate:C") }
    do {
      _ = try SurrogateEvaluator.campaign(named: "C")
    } catch let error as LabError {
      #expect(error.code == .notFound)
      #expect(error.message.contains("valid: A, B"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
    #expect((try? SurrogateEvaluator.campaign(named: "surrogate:b")) == .B)
  }

  @Test func anEmptyTrainingSetIsAClearError() {
    do {
      _ = try SurrogateTrainingSet(campaign: .B, trials: [])
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
    let theta = [log(0.4), log(0.7), log(3.0), log(1.3), log(0.05), 0.2]
    func nll(_ t: [Double]) -> (value: Double, gradient: [Double])? {
      SurrogateGP.negativeLogLikelihood(
        logLengths: Array(t[0..<3]), logSignal: t[3], logNoise: t[4], mean: t[5], inputs: inputs, targets: targets)
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
        logLengths: [log(0.3), log(0.3)], logSignal: log(variance), logNoise: log(variance * 0.01), mean: mean,
        inputs: inputs, targets: targets)
    ).value
    let end = try #require(
      SurrogateGP.negativeLogLikelihood(
        logLengths: logLengths, logSignal: log(fitted.signalVariance), logNoise: log(fitted.noiseVariance),
        mean: fitted.mean, inputs: inputs, targets: targets)
    ).value
    #expect(end < start - 1)
  }

  @Test func tracesThatDifferFromTheFitAreRefused() throws {
    var (spec, training) = try committed(.B)
    spec.fittedOn[0].sha256 = String(repeating: "0", count: 64)
    #expect(throws: LabError.self) { try SurrogateModel(spec: spec, training: training) }
  }
}
