import ArgumentParser
import Foundation
import LabCore
import LabData
import LabEvaluators
import LabOptimizers
import LabPresentation
import LabSimulation
import LabStore
import LabStudies

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

  @OptionGroup var optimizer: OptimizerChoice
  var algorithm: String { optimizer.algorithm }

  @Option(name: .long, help: "What answers: \(EvaluatorCatalogue.forms.joined(separator: ", ")).")
  var evaluator: String

  @Option(name: .customLong("option"), help: "An algorithm option KEY=VALUE (repeatable); keys by algorithm: \(ProposerCatalogue.standard.optionHelp) (docs/optimisers.md).")
  var options: [String] = []

  @Option(name: .long, help: "Parallel workers W (each stands for one 4×A100 node).")
  var workers: Int = 1

  @Option(
    name: .long, help: "sync (batches of up to W) or async (a freed worker asks at once).",
    completion: .list(ExecutionMode.allCases.map(\.rawValue)), transform: { try ExecutionMode(option: "--mode", $0) })
  var mode: ExecutionMode = .async

  @Option(name: .long, help: "Real evaluations allowed (default: 50, or no limit when --hours or --node-hours is given).")
  var budget: Int?

  @Option(name: .long, help: "Simulated hours after which no trial starts (running ones finish; the best is read at H).")
  var hours: Double?

  @Option(name: .customLong("node-hours"), help: "A compute budget: stop launching when W × simulated hours reaches it (64 = 1 h on 64 workers).")
  var nodeHours: Double?

  @Option(name: .long, help: "Stop launching once the best score reaches this value.")
  var target: Double?

  @Option(name: .long, help: "The run's seed: the run is a pure function of its options and this seed.")
  var seed: UInt64 = 0

  @Option(name: .long, help: "The metric to optimise (default: hellaswag.acc, or value for functions and constant).")
  var metric: String?

  @Option(name: .long, help: "Optimiser overhead per proposal: none, constant:SECONDS, linear:A,B, cubic:A,B (A + B·n³ after n observations) or measured.")
  var overhead: String = "none"

  @Option(name: .long, help: "For replay: what a point absent from the recording gets: \(ReplayEvaluator.AbsentPolicy.names.joined(separator: ", ")).")
  var absent: String = "error"

  @Option(name: .long, help: "The folder of recorded traces (default: $HPOLAB_TRACES, else traces/a100, else ../shared/traces/a100).")
  var traces: String?

  @Option(name: .long, help: "Save the run in this SQLite database (surrogate:NAME then also finds the campaigns and runs it holds).")
  var db: String?

  @Flag(name: .long, help: "Print the whole run as JSON instead of a summary.")
  var json = false

  func validate() throws {
    try validateLimits {
      try Limits.check(workers, in: Limits.workers, name: "--workers")
      if let budget { try Limits.check(budget, in: Limits.budget, name: "--budget", unit: "evaluations") }
      if let hours { try Limits.checkHours(hours, name: "--hours") }
      if let nodeHours { try Limits.checkNodeHours(nodeHours, name: "--node-hours") }
      if let target { try Limits.checkFinite(target, name: "--target") }
      try Limits.checkAlgorithmOptions(
        algorithm: algorithm, options: try algorithmOptions(options), budget: budget ?? (hours == nil && nodeHours == nil ? 50 : nil))
      try Overhead(parsing: overhead).checkLimits(text: overhead)
    }
    guard ProposerCatalogue.isKnown(algorithm) else { throw ValidationError(ProposerCatalogue.unknown(algorithm).message) }
    guard EvaluatorCatalogue.isKnownKind(evaluator) else { throw ValidationError(EvaluatorCatalogue.unknown(evaluator).message) }
    do {
      _ = try algorithmOptions(options)
      _ = try Overhead(parsing: overhead)
    } catch let error as LabError {
      throw ValidationError(error.message)
    }
  }

  func run() throws {
    try runReportingErrors {
      let request = SimulatedRun.Request(
        algorithm: algorithm, options: try algorithmOptions(options), evaluator: evaluator, workers: workers, mode: mode,
        budget: budget, hours: hours, target: target, nodeHours: nodeHours, seed: seed, metric: metric, overhead: try Overhead(parsing: overhead),
        context: EvaluatorCatalogue.Context(
          traces: TraceFolder.located(traces), absent: absent, campaigns: CampaignData.source(database: db, traces: traces)))
      let record = try SimulatedRun.run(request)
      let savedAs = try db.map { try LabDatabase(path: $0).saveRun(record) }
      if json {
        try printJSON(record)
      } else {
        print(RunSummary.text(of: record))
        if let savedAs, let db { print("saved:        \(savedAs) in \(db)") }
      }
    }
  }
}
