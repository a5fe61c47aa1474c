import ArgumentParser
import Foundation
import LabCore
import LabData
import LabEvaluators
import LabPresentation
import LabSimulation

/// `hpolab replay`: Re-time a recorded run under W workers, or check a proposer against a recording.
struct ReplayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "replay",
    abstract: "Re-time a recorded run under W workers, or check a proposer against a recording.",
    subcommands: [ReplayPlaybackCommand.self, ReplayCheckCommand.self],
    defaultSubcommand: ReplayPlaybackCommand.self)
}

/// `hpolab replay [playback] RUN --workers W`: the recorded points, in the recorded order, with the recorded durations, on W workers.
struct ReplayPlaybackCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "playback",
    abstract: "Re-time a recorded run's sequence of points under W simulated workers.",
    discussion: """
      Proposes the recorded points in the recorded order and gives each its recorded metrics and durations, \
      on W workers (sync: batches of W; async: a freed worker takes the next point). Only faithful where the \
      proposals depend neither on results nor on completion order: LHS runs under any W, and every run under \
      W = 1; SOO runs under any W, the children of one expansion running together (they were proposed \
      together). BO and BaMSOO runs are refused for W > 1, with the reason.

      Example: hpolab replay lhs_bis --workers 5
      """)

  @Argument(help: ArgumentHelp("The recorded run (lhs, bo, soo, lhs_bis, bo_bis, soo_bis, bamsoo_bis).", valueName: "run"))
  var recordedRun: String

  @Option(name: .long, help: "Parallel workers W.")
  var workers: Int = 1

  @Option(
    name: .long, help: "sync (batches of up to W) or async (a freed worker takes the next point).",
    completion: .list(ExecutionMode.allCases.map(\.rawValue)), transform: { try ExecutionMode(option: "--mode", $0) })
  var mode: ExecutionMode = .async

  @Option(name: .long, help: "The folder of recorded traces (default: $HPOLAB_TRACES, else traces/a100, else ../shared/traces/a100).")
  var traces: String?

  @Flag(name: .long, help: "Print the whole re-timed run as JSON instead of a summary.")
  var json = false

  func validate() throws {
    try validateLimits { try Limits.check(workers, in: Limits.workers, name: "--workers") }
  }

  func run() throws {
    let run = recordedRun
    try runReportingErrors {
      let folder = TraceFolder.located(traces)
      let replay = try ReplayEvaluator.load(run: run, from: folder)
      if let reason = Playback.refusal(run: run, workers: workers) {
        throw LabError(.unsupported, "cannot re-time \(run) under \(workers) workers: \(reason)")
      }
      let trials = try TraceParser.parse(contentsOf: folder.appendingPathComponent(run + ".json")).trials
      let proposer = RecordedSequenceProposer(run: run, trials: trials)
      let spec = RunSpec(
        algorithm: "playback:\(Playback.algorithm(ofRun: run))", evaluator: replay.name, space: replay.space,
        workers: workers, mode: mode, metric: MetricName.hellaswagAcc,
        direction: .maximize, budget: proposer.count)
      let record = try Simulator(spec: spec).run(proposer, evaluator: replay)
      if json {
        try printJSON(record)
        return
      }
      print(RunSummary.text(of: record))
      let evaluated = trials.filter { $0.state == .evaluated }
      if let first = evaluated.first.flatMap({ RecordedTrial.seconds(of: $0.openingTime) }),
        let lastTrial = evaluated.last,
        let lastEnd = RecordedTrial.seconds(of: lastTrial.endingTime.isEmpty ? lastTrial.endTrainingTime : lastTrial.endingTime)
      {
        let recorded = (lastEnd - first) / 3600
        print("recorded:     \(RunSummary.format(recorded)) hours from the first opening to the last recorded end (one node, with the optimiser's own gaps)")
      }
    }
  }
}
