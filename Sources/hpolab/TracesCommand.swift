import ArgumentParser
import Foundation
import LabCore
import LabData
import LabPresentation
import LabLive
import LabStore

/// `hpolab traces`: Import, list and export the recorded A100 traces.
struct TracesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "traces",
    abstract: "Import, list and export the recorded A100 traces.",
    subcommands: [TracesImportCommand.self, TracesCheckCommand.self, TracesListCommand.self, TracesExportCommand.self],
    defaultSubcommand: TracesListCommand.self)
}

/// `hpolab traces import [FILES…]`: reads trace files into the database in one transaction.
struct TracesImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import trace files (JSON lines, CSV, Optuna SQLite) into the database, all or nothing.",
    discussion: """
      Every file is validated before the database is touched, and all runs are written in one \
      transaction: a bad line stops the import (naming file, line and field) and leaves the \
      database as it was. Re-importing identical files changes nothing.
      """)

  @Argument(help: "Trace files (JSON lines), CSV files or Optuna storages (docs/importing.md). Default: traces/a100/*.json.")
  var files: [String] = []

  @OptionGroup var database: DatabaseOptions

  @Option(name: .long, help: "The files' campaign (name or alias; default: the campaign file listing each file).")
  var campaign: String?

  @Option(name: .long, help: "seed (JSON lines), csv or optuna (default: by extension; .csv, .db/.sqlite are csv, optuna).")
  var format: TraceFormat?

  @Option(name: .customLong("optuna-study"), help: "The Optuna study to import (default: the storage's only one).")
  var optunaStudy: String?

  @Option(name: .long, help: "The algorithm that proposed the trials, as in 'hpolab run --algorithm'.")
  var algorithm: String?

  @Option(name: .customLong("run"), help: "The run's name (one file; default: its name without extension, or the study's).")
  var runName: String?

  @Option(name: .long, help: "CSV: the column of a parameter, metric, start, end or state, TARGET=HEADER (repeatable).")
  var column: [String] = []

  @Flag(name: .long, help: "Import the good lines and list the bad ones instead of stopping at the first.")
  var skipBad = false

  @Flag(name: .long, help: "Replace a stored run whose file content has changed.")
  var replace = false

  @Flag(name: .long, help: "Print the outcome as JSON.")
  var json = false

  func run() throws {
    try runReportingErrors {
      let urls = try files.isEmpty ? TraceFolder.traceFiles(in: URL(fileURLWithPath: "traces/a100")) : files.map { URL(fileURLWithPath: $0) }
      // Read and validate first, so that bad input never creates or changes a database.
      let parsed = try TraceImportRequest(
        files: urls, campaign: campaign, format: format, optunaStudy: optunaStudy, algorithm: algorithm, run: runName,
        columns: column, skipBad: skipBad
      ).read(database: database.db)
      let db = try LabDatabase(path: database.db)
      let outcomes = try db.importTraces(parsed, replace: replace)
      if json {
        try printJSON(outcomes)
        return
      }
      for outcome in outcomes {
        let leftOut = outcome.leftOut.map { $0 > 0 ? " (\($0) left out for their state)" : "" } ?? ""
        print("\(outcome.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(outcome.run): \(outcome.trials) lines from \(outcome.file)\(leftOut)")
      }
      let total = outcomes.map(\.trials).reduce(0, +)
      print("\(outcomes.count) run\(outcomes.count == 1 ? "" : "s"), \(total) lines in \(database.db)")
      let bad = outcomes.flatMap(\.badLines)
      if !bad.isEmpty {
        fflush(nil)  // stdout first, so the bad lines follow the summary
        printError("skipped \(bad.count) bad line\(bad.count == 1 ? "" : "s"):")
        for line in bad { printError("  \(line)") }
      }
    }
  }
}

extension TraceFormat: ExpressibleByArgument {}

/// `hpolab traces list`: one row per recorded run.
struct TracesListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the recorded runs: trials, best HellaSwag accuracy, median training and evaluation minutes.")

  @OptionGroup var database: DatabaseOptions

  @Flag(name: .long, help: "Print the rows as JSON.")
  var json = false

  func run() throws {
    try runReportingErrors {
      let db = try LabDatabase(path: database.db, mode: .readOnly)
      let rows = try db.recordedRunSummaries()
      if json {
        try printJSON(rows)
        return
      }
      guard !rows.isEmpty else {
        print("No recorded runs in \(database.db) (run 'hpolab traces import').")
        return
      }
      print(TextTable.render(RecordedRunTable.table(rows)))
      if rows.contains(where: \.evaluationDerived) {
        print("* derived from the gap to the next trial's opening time (the run records no end of evaluation)")
      }
    }
  }
}

/// `hpolab traces export RUN`: a recorded run back as JSON lines.
struct TracesExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a recorded run as JSON lines to standard output (identical to the imported file).",
    discussion: """
      RUN is a recorded run (see 'hpolab traces list') or the id of a stored run, e.g. a live run: \
      its evaluated trials are written in the recorded format, so that it can be imported, replayed \
      and used to refit a surrogate (failed and interrupted trials have no score and are left out; \
      their count goes to standard error).
      """)

  @Argument(help: ArgumentHelp("The recorded run, e.g. soo_bis, or a stored run id.", valueName: "run"))
  var runName: String

  @OptionGroup var database: DatabaseOptions

  func run() throws {
    try runReportingErrors {
      let db = try LabDatabase(path: database.db, mode: .readOnly)
      if try !db.recordedRunNames().contains(runName), try db.runIDs().contains(runName) {
        let record = try db.loadRun(id: runName)
        guard record.trials.contains(where: { $0.info["live.opening_time"] != nil }) else {
          throw LabError(
            .unsupported,
            "run '\(runName)' is a simulated run: only recorded runs and live runs export as traces (use 'hpolab run --json' for simulated runs)")
        }
        let (lines, skipped) = LiveTraceExport.lines(for: record)
        FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        if skipped > 0 { printError("\(skipped) trial(s) without a score (failed or interrupted) left out") }
        return
      }
      FileHandle.standardOutput.write(Data(try db.exportTrace(run: runName).utf8))
    }
  }
}
