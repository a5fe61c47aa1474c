import ArgumentParser
import Foundation
import LabCore
import LabEvaluators

/// `hpolab surrogate`: Fit and validate the surrogate of fine-tuning accuracy, cost and noise.
struct SurrogateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "surrogate",
    abstract: "Fit and validate the surrogate of fine-tuning accuracy, cost and noise.",
    subcommands: [SurrogateFitCommand.self, SurrogateCheckCommand.self])
}

/// Options naming the campaign and where its traces are.
struct SurrogateCampaignOptions: ParsableArguments {
  @Option(name: .long, help: "The recorded campaign: A (Llama-3.2-3B) or B (Llama-3.2-1B).")
  var campaign: String

  @Option(name: .long, help: "The folder of recorded traces (default: traces/a100 or ../shared/traces/a100).")
  var traces: String?

  func resolvedCampaign() throws -> Campaign {
    do { return try SurrogateEvaluator.campaign(named: campaign) } catch let error as LabError {
      throw ValidationError(error.description)
    }
  }

  /// The evaluated trials of `campaign`, read from `--traces` (default: ``SurrogateLocations/traces(_:)``).
  func trainingSet(_ campaign: Campaign) throws -> SurrogateTrainingSet {
    try SurrogateTrainingSet.load(campaign: campaign, directory: try SurrogateLocations.traces(traces))
  }
}

/// `hpolab surrogate fit`: fits the surrogate of a campaign and writes it as versioned JSON.
struct SurrogateFitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit a campaign's surrogate on its recorded trials and write it (with the traces' SHA-256).")

  @OptionGroup var options: SurrogateCampaignOptions

  @Option(name: .long, help: "Where to write the model (default: surrogates/campaign-<A|B>.json).")
  var out: String?

  func run() throws {
    let campaign = try options.resolvedCampaign()
    try runReportingErrors {
      let training = try options.trainingSet(campaign)
      let spec = try SurrogateFitter.fit(training)
      let url = URL(fileURLWithPath: out ?? "surrogates/\(SurrogateLocations.modelFileName(campaign))")
      try spec.write(to: url)
      print("surrogate \(campaign.rawValue): \(training.trials.count) evaluated trials → \(url.path)")
      for m in spec.metrics {
        let ls = m.kernel.lengthScales.map { String(format: "%.3g", $0) }.joined(separator: " ")
        print("  \(m.metric): warp [\(fmt(m.warp.lower)), \(fmt(m.warp.upper))], length-scales (q, lr, rank, dropout, wd) \(ls), noise var \(String(format: "%.3g", m.kernel.noiseVariance))")
      }
      let c = spec.cost
      print(String(format: "  training minutes = %.2f + %.4f·rank (SD %.2f); evaluation %.2f min (SD %.2f, %@)", c.trainingIntercept, c.trainingPerRank, c.trainingResidualSD, c.evaluationMinutes, c.evaluationSD, c.evaluationSource))
      print(String(format: "  noise: cliff jitter %.3f decades; plateau SD acc %.2g, acc_norm %.2g, mmlu %.2g (%@)", spec.noise.cliffJitterDecades, spec.noise.plateauSD[MetricName.hellaswagAcc] ?? 0, spec.noise.plateauSD[MetricName.hellaswagAccNorm] ?? 0, spec.noise.plateauSD[MetricName.mmluAcc] ?? 0, spec.noise.calibration))
    }
  }
}

/// `hpolab surrogate check`: cross-validation, calibration, invented optima and time cost of a fitted surrogate.
struct SurrogateCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate a campaign's fitted surrogate: 10-fold and leave-one-run-out CV, calibration, max predicted mean, time error.")

  @OptionGroup var options: SurrogateCampaignOptions

  @Option(name: .long, help: "The fitted model file (default: surrogates/campaign-<A|B>.json).")
  var model: String?

  @Option(name: .long, help: "Size of the random sample of the max-mean search.")
  var samples: Int = 20_000

  @Flag(name: .long, help: "Print the report as JSON.")
  var json = false

  func validate() throws {
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
  }

  func run() throws {
    let campaign = try options.resolvedCampaign()
    try runReportingErrors {
      let url: URL
      if let model { url = URL(fileURLWithPath: model) } else {
        url = try SurrogateLocations.surrogates().appendingPathComponent(SurrogateLocations.modelFileName(campaign))
      }
      let spec = try SurrogateSpec.read(from: url)
      guard spec.campaign == campaign else {
        throw LabError(.invalidInput, "model file is of campaign \(spec.campaign.rawValue), not \(campaign.rawValue)", location: .init(file: url.path, field: "campaign"))
      }
      let training = try options.trainingSet(campaign)
      let report = try SurrogateValidation.check(spec: spec, training: training, sampleSize: samples)
      if json { try printJSON(report) } else { print(render(report)) }
    }
  }

  func render(_ r: SurrogateCheckReport) -> String {
    var lines: [String] = []
    lines.append("surrogate \(r.campaign.rawValue): \(r.trials) evaluated trials; 10-fold split seed \(r.foldSeed); top end: acc ≥ \(r.topEndThreshold) (\(r.topEndTrials) trials)")
    lines.append("metric               split   RMSE     R²      Spearman  top-end  cov50  cov90")
    for m in r.metrics {
      for (label, s) in [("10-fold", m.tenFold), ("LORO", m.leaveOneRunOut)] {
        lines.append(
          m.metric.padding(toLength: 20, withPad: " ", startingAt: 0) + " " + label.padding(toLength: 7, withPad: " ", startingAt: 0)
            + String(format: " %.4f  %6.3f  %6.3f    %6.3f   %.2f   %.2f", s.rmse, s.r2, s.spearman, s.topEndSpearman, s.coverage50, s.coverage90))
      }
      lines.append(String(format: "  training RMSE %.4f; best observed %.4f; max predicted mean %.4f (%+.4f) at %@", m.trainingRMSE, m.bestObserved, m.maxPredictedMean, m.maxPredictedMean - m.bestObserved, Configuration(values: m.maxPredictedAt).describe(in: r.campaign.space)))
    }
    lines.append(String(format: "time: training RMSE %.3f min in sample, %.3f min 10-fold; evaluation robust SD %.3f min", r.time.trainingRMSEInSample, r.time.trainingRMSETenFold, r.time.evaluationRMSE))
    lines.append(String(format: "noise: cliff jitter %.3f decades; %@", r.noise.cliffJitterDecades, r.noise.calibration))
    lines.append("targets:")
    for t in r.targets {
      lines.append("  [\(t.met ? "met" : "NOT met")] \(t.name): \(String(format: "%.4f", t.value)) (goal \(t.goal))")
    }
    return lines.joined(separator: "\n")
  }
}

private func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
