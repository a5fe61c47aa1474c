import ArgumentParser
import Foundation
import LabCore
import LabEvaluators
import LabOptimizers
import LabSimulation
import LabStore

/// `hpolab run`: Simulate one optimisation run under W workers.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Simulate one optimisation run under W workers.",
    discussion: """
      Runs an optimiser against a recorded trace, a campaign's surrogate or an analytic test function on a \
      simulated clock, and prints the best configuration, the best score, the number of evaluations, the \
      simulated wall-clock time and the workers' utilisation (or, with --json, every trial).

      Examples:
        hpolab run --algorithm lhs --evaluator replay:lhs_bis --workers 5
        hpolab run --algorithm bo --evaluator function:branin --budget 30 --workers 4 --mode async
        hpolab run --algorithm soo --evaluator replay:soo_bis --absent nearest --json
      """)

  @OptionGroup var optimiser: OptimiserChoice
  var algorithm: String { optimiser.algorithm }

  @Option(name: .long, help: "What answers: replay:RUN, surrogate:CAMPAIGN, function:NAME or constant[:SECONDS].")
  var evaluator: String

  @Option(name: .customLong("option"), help: "An algorithm option KEY=VALUE (repeatable); keys by algorithm: \(ProposerCatalogue.standard.optionHelp) (docs/optimisers.md).")
  var options: [String] = []

  @Option(name: .long, help: "Parallel workers W (each stands for one 4×A100 node).")
  var workers: Int = 1

  @Option(name: .long, help: "sync (batches of up to W) or async (a freed worker asks at once).")
  var mode: String = "async"

  @Option(name: .long, help: "Real evaluations allowed (default: 50, or no limit when --hours is given).")
  var budget: Int?

  @Option(name: .long, help: "Simulated hours after which no trial starts (running ones finish).")
  var hours: Double?

  @Option(name: .long, help: "Stop launching once the best score reaches this value.")
  var target: Double?

  @Option(name: .long, help: "The run's seed: the run is a pure function of its options and this seed.")
  var seed: UInt64 = 0

  @Option(name: .long, help: "The metric to optimise (default: hellaswag.acc, or value for functions and constant).")
  var metric: String?

  @Option(name: .long, help: "Optimiser overhead per proposal: none, constant:SECONDS, linear:A,B, cubic:A,B (A + B·n³ after n observations) or measured.")
  var overhead: String = "none"

  @Option(name: .long, help: "For replay: what a point absent from the recording gets: error, nearest or surrogate.")
  var absent: String = "error"

  @Option(name: .long, help: "The folder of recorded traces (default: traces/a100, else ../shared/traces/a100).")
  var traces: String?

  @Option(name: .long, help: "Save the run in this SQLite database.")
  var db: String?

  @Flag(name: .long, help: "Print the whole run as JSON instead of a summary.")
  var json = false

  func validate() throws {
    guard ExecutionMode(rawValue: mode) != nil else {
      throw ValidationError("--mode must be sync or async, got '\(mode)'")
    }
    try validateLimits {
      try Limits.check(workers, in: Limits.workers, name: "--workers")
      if let budget { try Limits.check(budget, in: Limits.budget, name: "--budget", unit: "evaluations") }
      if let hours { try Limits.checkHours(hours, name: "--hours") }
      if let target { try Limits.checkFinite(target, name: "--target") }
      try Limits.checkAlgorithmOptions(
        algorithm: algorithm, options: try algorithmOptions(options), budget: budget ?? (hours == nil ? 50 : nil))
      try Overhead(parsing: overhead).checkLimits(text: overhead)
    }
    guard ProposerCatalogue.isKnown(algorithm) else {
      throw ValidationError("unknown algorithm '\(algorithm)'; valid: \(ProposerCatalogue.names.joined(separator: ", "))")
    }
    guard EvaluatorCatalogue.isKnownKind(evaluator) else {
      throw ValidationError(
        "unknown evaluator '\(evaluator)'; valid: replay:RUN, surrogate:CAMPAIGN, function:NAME, constant[:SECONDS]")
    }
    do {
      _ = try algorithmOptions(options)
    } catch let error as LabError {
      throw ValidationError(error.message)
    }
    do {
      _ = try Overhead(parsing: overhead)
    } catch let error as LabError {
      throw ValidationError(error.message)
    }
  }

  func run() throws {
    try runReportingErrors {
      let context = EvaluatorCatalogue.Context(
        traces: traces.map { URL(fileURLWithPath: $0) } ?? EvaluatorCatalogue.Context.defaultTraces(), absent: absent)
      let choice = try EvaluatorCatalogue.make(evaluator, context: context)
      let metric = self.metric ?? choice.defaultMetric
      guard choice.evaluator.metricNames.contains(metric) else {
        throw LabError(
          .invalidInput,
          "\(choice.evaluator.name) does not report '\(metric)'; it reports \(choice.evaluator.metricNames.joined(separator: ", "))",
          location: .init(field: "metric"))
      }
      let budget = self.budget ?? (hours == nil ? 50 : nil)
      // The catalogue picks SOO/BaMSOO's batching for W > 1 when not given.
      let options = try algorithmOptions(self.options)
      var proposer = try ProposerCatalogue.make(
        algorithm, options: options, space: choice.space, budget: budget, workers: workers,
        mode: ExecutionMode(rawValue: mode) ?? .async)
      let spec = RunSpec(
        algorithm: algorithm, options: options, evaluator: evaluator, space: choice.space, workers: workers,
        mode: ExecutionMode(rawValue: mode) ?? .async,
        seed: seed, metric: metric, direction: choice.direction, budget: budget, hours: hours, target: target)
      let simulator = try Simulator(spec: spec, overhead: try Overhead(parsing: overhead))
      let record = try simulator.run(&proposer, evaluator: choice.evaluator)
      var savedAs: String? = nil
      if let db {
        let database = try LabDatabase(path: db)
        savedAs = try database.saveRun(record)
      }
      if json {
        try printJSON(record)
      } else {
        print(RunSummary.text(of: record))
        if let savedAs, let db { print("saved:        \(savedAs) in \(db)") }
      }
    }
  }
}

/// The few lines `hpolab run` and `hpolab replay` print about a finished run.
enum RunSummary {
  static func text(of record: RunRecord) -> String {
    let spec = record.spec
    var lines: [String] = []
    lines.append("run:          \(spec.algorithm) on \(spec.evaluator), \(spec.workers) worker\(spec.workers == 1 ? "" : "s") (\(spec.mode.rawValue)), seed \(spec.seed)")
    let failed = record.trials.filter { $0.state == .failed }.count
    let approximated = record.trials.filter { $0.state == .approximated }.count
    var evaluations = "evaluations:  \(record.evaluationCount)"
    if failed > 0 || approximated > 0 { evaluations += " (\(failed) failed, \(approximated) approximated by the model)" }
    lines.append(evaluations)
    if let best = record.bestTrial, let value = best.metrics[spec.metric] {
      lines.append("best \(spec.metric): \(format(value)) (trial \(best.id), \(spec.direction == .maximize ? "maximised" : "minimised"))")
      lines.append("best config:  \(best.configuration.describe(in: spec.space))")
    } else {
      lines.append("best \(spec.metric): none (no trial completed)")
    }
    lines.append("wall-clock:   \(format(record.makespan / 3600)) simulated hours")
    lines.append("utilisation:  \(((1000 * record.utilisation).rounded() / 10))% of \(spec.workers) worker\(spec.workers == 1 ? "" : "s")")
    for note in record.notes { lines.append("note:         \(note)") }
    return lines.joined(separator: "\n")
  }

  /// A number with up to 4 decimals, for people.
  static func format(_ value: Double) -> String {
    let rounded = (value * 10_000).rounded() / 10_000
    return "\(rounded)"
  }
}
