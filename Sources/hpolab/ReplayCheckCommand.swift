import ArgumentParser
import Foundation
import LabCore
import LabData
import LabEvaluators
import LabOptimizers

/// `hpolab replay check RUN`: prints, per step, the recorded point against the one hpolab proposes (``ReplayCheck``).
struct ReplayCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Compare, step by step, what hpolab's optimiser proposes with what a recorded run did.",
    discussion: """
      Answers each proposal with the recorded trial trained with the same converted values. \
      Exit status 0 when the check agrees (or, for BaMSOO on hpolab's GP, when the report could be made), \
      1 on a divergence that should not happen or a run that cannot be checked.
      """)

  @Argument(help: ArgumentHelp("The recorded run (file stem): soo, soo_bis or bamsoo_bis.", valueName: "run"))
  var runName: String

  @Option(name: .long, help: "Folder holding RUN.json (default: $HPOLAB_TRACES, else traces/a100, else ../shared/traces/a100).")
  var traces: String?

  @Flag(name: .long, help: "Print the report as JSON.")
  var json = false

  @Option(name: .long, help: "BaMSOO only: who decides evaluate-or-approximate: 'gp' (hpolab's GP) or 'recorded'.")
  var decisions: ReplayCheck.Decisions = .gp

  @Option(name: .long, help: "The evaluation budget the recorded run was given.")
  var budget: Int = 50

  @Option(name: .long, help: "Seed of the generator handed to the proposer (hpolab's GP restarts).")
  var seed: UInt64 = 0

  func validate() throws {
    try validateLimits { try Limits.check(budget, in: Limits.budget, name: "--budget", unit: "evaluations") }
  }

  func run() throws {
    try runReportingErrors {
      _ = try ReplayCheck.algorithm(ofRun: runName)
      let url = try TraceFolder.locate(traces).appendingPathComponent("\(runName).json")
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw LabError(.notFound, "no recorded run '\(runName)': \(url.path) does not exist", location: .init(field: "RUN"))
      }
      let check = try ReplayCheck(
        run: runName, trials: try TraceParser.parse(contentsOf: url).trials, decisions: decisions, budget: budget, seed: seed)
      if json { try printJSON(check.json) } else { print(check.text) }
      if let failure = check.failure(file: url.path) { throw failure }
    }
  }
}

extension ReplayCheck.Decisions: ExpressibleByArgument {}
