import ArgumentParser
import Foundation
import LabCore
import LabData
import LabEvaluators
import LabStudies

/// `hpolab surrogate`: Fit and validate the surrogate of fine-tuning accuracy, cost and noise.
struct SurrogateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "surrogate",
    abstract: "Fit, validate and query the surrogate of fine-tuning accuracy, cost and noise.",
    subcommands: [SurrogateFitCommand.self, SurrogateCheckCommand.self, SurrogateQueryCommand.self])
}

/// Options naming the campaign and where its traces are.
struct SurrogateCampaignOptions: ParsableArguments {
  @Option(name: .long, help: "The campaign: its name or alias (llama-3.2-3b or A, llama-3.2-1b or B, or one created with 'hpolab campaign create').")
  var campaign: String

  @Option(name: .long, help: "The folder of recorded traces (default: traces/a100 or ../shared/traces/a100).")
  var traces: String?

  @Option(name: .long, help: "Read the campaign and its imported runs from this database instead of the campaign files and trace folder.")
  var db: String?

  /// The campaign named by `--campaign` (a one-line `.notFound` error listing the valid names otherwise).
  func resolvedCampaign() throws -> Campaign { try CampaignData.campaign(named: campaign, database: db) }

  /// The evaluated trials of `campaign`: its runs in `--db`, else its trace files in `--traces`.
  func trainingSet(_ campaign: Campaign) throws -> SurrogateTrainingSet {
    try CampaignData.trainingSet(campaign: campaign, database: db, traces: traces)
  }
}

/// `hpolab surrogate fit`: fits the surrogate of a campaign and writes it as versioned JSON.
struct SurrogateFitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit a campaign's surrogate on its recorded trials and write it (with the traces' SHA-256).")

  @OptionGroup var options: SurrogateCampaignOptions

  @Option(name: .long, help: "Where to write the model (default: surrogates/<campaign>.json).")
  var out: String?

  func run() throws {
    try runReportingErrors {
      let campaign = try options.resolvedCampaign()
      let training = try options.trainingSet(campaign)
      let spec = try SurrogateFitter.fit(training)
      let url = URL(fileURLWithPath: out ?? "surrogates/\(SurrogateLocations.modelFileName(campaign))")
      try spec.write(to: url)
      print("surrogate \(campaign.name): \(training.trials.count) evaluated trials → \(url.path)")
      for m in spec.metrics {
        let ls = m.kernel.lengthScales.map { String(format: "%.3g", $0) }.joined(separator: " ")
        print("  \(m.metric): warp [\(String(format: "%.4f", m.warp.lower)), \(String(format: "%.4f", m.warp.upper))], length-scales (q, lr, rank, dropout, wd) \(ls), noise var \(String(format: "%.3g", m.kernel.noiseVariance))")
      }
      let c = spec.cost
      print(String(format: "  training minutes = %.2f + %.4f·rank (SD %.2f); evaluation %.2f min (SD %.2f, %@)", c.trainingIntercept, c.trainingPerRank, c.trainingResidualSD, c.evaluationMinutes, c.evaluationSD, c.evaluationSource))
      print(String(format: "  collapse gate: p = 1/2 at lr 10^%.2f, slope %.2f per decade (%d of %d runs); noise: plateau SD acc %.2g, acc_norm %.2g, mmlu %.2g (%@)", spec.gate.midpoint, spec.gate.slope, spec.gate.collapsedRuns, spec.gate.fittedRuns, spec.noise.plateauSD[MetricName.hellaswagAcc] ?? 0, spec.noise.plateauSD[MetricName.hellaswagAccNorm] ?? 0, spec.noise.plateauSD[MetricName.mmluAcc] ?? 0, spec.noise.calibration))
    }
  }
}

/// `hpolab surrogate check`: cross-validation, calibration, invented optima and time cost of a fitted surrogate.
struct SurrogateCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate a campaign's fitted surrogate against its recordings: CV with refits, calibration, max mean, repeat spread, draw shares, cliffs, time error.")

  @OptionGroup var options: SurrogateCampaignOptions

  @Option(name: .long, help: "The fitted model file (default: surrogates/<campaign>.json).")
  var model: String?

  @Option(name: .long, help: "Size of the random sample of the max-mean search.")
  var samples: Int = 20_000

  @Option(name: .long, help: "Number of uniform draws for the score shares.")
  var draws: Int = 20_000

  @Flag(name: .long, help: "Keep the full fit's settings in every fold (faster, optimistic: for comparison only).")
  var noRefit = false

  @Flag(name: .long, help: "Print the report as JSON.")
  var json = false

  func validate() throws {
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
    guard draws >= 1 else { throw ValidationError("--draws must be at least 1, got \(draws)") }
  }

  func run() throws {
    try runReportingErrors {
      let campaign = try options.resolvedCampaign()
      let url: URL
      if let model { url = URL(fileURLWithPath: model) } else {
        url = try SurrogateLocations.surrogates(for: campaign).appendingPathComponent(SurrogateLocations.modelFileName(campaign))
      }
      let spec = try SurrogateSpec.read(from: url)
      guard campaign.isNamed(spec.campaign) else {
        throw LabError(.invalidInput, "model file is of campaign \(spec.campaign), not \(campaign.name)", location: .init(file: url.path, field: "campaign"))
      }
      let training = try options.trainingSet(campaign)
      let report = try SurrogateValidation.check(spec: spec, training: training, sampleSize: samples, uniformDraws: draws, refit: !noRefit)
      if json { try printJSON(report) } else { print(report.text) }
    }
  }
}

/// `hpolab surrogate query`: what the surrogate predicts for one configuration.
struct SurrogateQueryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "query",
    abstract: "Predict one configuration: mean, 5/50/95 % quantiles of the metrics and minutes, collapse probability.")

  @OptionGroup var options: SurrogateCampaignOptions

  @Option(name: .customLong("set"), help: "NAME=VALUE as trained (every parameter: lora_rank, lora_alpha, lora_dropout, learning_rate, weight_decay).")
  var settings: [String] = []

  @Option(name: .long, help: "The folder of fitted surrogate files (default: surrogates).")
  var surrogates: String?

  @Option(name: .long, help: "Number of noisy draws.")
  var samples: Int = 200

  @Option(name: .long, help: "Seed of the draws.")
  var seed: UInt64 = 0

  @Flag(name: .long, help: "Print the result as JSON.")
  var json = false

  func validate() throws {
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1, got \(samples)") }
  }

  func run() throws {
    try runReportingErrors {
      let campaign = try options.resolvedCampaign()
      let c = try SurrogateQuery.configuration(settings, space: campaign.space)
      let evaluator = try SurrogateEvaluator.load(campaign: campaign, training: try options.trainingSet(campaign), surrogates: surrogates)
      let result = try SurrogateQuery.run(evaluator.model, configuration: c, samples: samples, seed: seed)
      if json { try printJSON(result) } else { print(SurrogateQuery.text(result)) }
    }
  }
}
