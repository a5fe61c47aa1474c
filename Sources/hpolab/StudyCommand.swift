import ArgumentParser
import Foundation
import LabCore
import LabPresentation
import LabEvaluators
import LabStore
import LabStudies

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `hpolab study`: Run, resume, merge and report multi-seed studies from studies/*.toml.
struct StudyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study",
    abstract: "Run, resume, merge and report multi-seed studies from studies/*.toml.",
    subcommands: [
      StudyRunCommand.self, StudyCheckCommand.self, StudyReportCommand.self, StudyMergeCommand.self, StudyListCommand.self, StudyDumpCommand.self,
    ])
}

/// `hpolab study run FILE`: runs (or resumes) every cell of a study.
struct StudyRunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run every cell of a study (skipping runs already in the database: rerun to resume).")

  @Argument(help: "The study file, e.g. studies/smoke.toml.")
  var file: String

  @Option(help: "Runs computed at once (default: the number of cores). Results do not depend on it.")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "Run only slice I of N (1-based), e.g. 2/8 for a SLURM array task; merge the shards with 'study merge'.")
  var shard: String?

  @Option(help: "The folder of recorded traces (default: traces/a100, else ../shared/traces/a100).")
  var traces: String?

  @OptionGroup var database: DatabaseOptions

  func validate() throws {
    try validateLimits { try Limits.check(jobs, in: Limits.jobs, name: "--jobs") }
    if let shard, parseShard(shard) == nil {
      throw ValidationError("--shard must be I/N with 1 ≤ I ≤ N, got '\(shard)'")
    }
  }

  func run() throws {
    try runReportingErrors {
      let spec = try StudySpec(contentsOfFile: file)
      let context = EvaluatorCatalogue.Context(
        traces: traces.map { URL(fileURLWithPath: $0) } ?? EvaluatorCatalogue.Context.defaultTraces(),
        campaigns: CampaignData.source(database: database.db, traces: traces))
      let runner = try StudyRunner(spec: spec, context: context)
      let db = try LabDatabase(path: database.db)
      let slice = shard.flatMap(parseShard)
      let total = runner.tasks(shard: slice).count
      let bar = ProgressPrinter(terminal: isatty(STDERR_FILENO) != 0)
      let computed = try runner.run(database: db, jobs: jobs, shard: slice) { bar.update($0) }
      bar.finish()
      let where_ = slice.map { " (shard \($0.index)/\($0.count))" } ?? ""
      print("study '\(spec.name)'\(where_): \(computed) run(s) computed, \(total - computed) already stored, \(total) in all → \(database.db)")
    }
  }
}

/// `I/N` → (I, N) when 1 ≤ I ≤ N.
func parseShard(_ text: String) -> (index: Int, count: Int)? {
  let parts = text.split(separator: "/")
  guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else { return nil }
  return (i, n)
}

/// `hpolab study report NAME`: statistics of a stored study.
struct StudyReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report", abstract: "Statistics of a stored study as Markdown, CSV or JSON.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case md, csv, json }

  @Argument(help: "The study name (see 'hpolab study list').")
  var name: String

  @Option(help: "md (tables for people), csv (one row per cell, for pandas/R) or json (everything, for scripts).")
  var format: Format = .md

  @Option(help: "Write the report to this file instead of standard output.")
  var out: String?

  @Flag(help: "The report as JSON (same as --format json).")
  var json = false

  @OptionGroup var database: DatabaseOptions

  func run() throws {
    try runReportingErrors {
      let db = try LabDatabase(path: database.db, mode: .existing)
      let report = try StudyReport(study: name, database: db)
      let text: String
      switch json ? .json : format {
      case .md: text = report.markdown()
      case .csv: text = report.csv()
      case .json: text = try report.json()
      }
      if let out {
        do {
          try Data(text.utf8).write(to: URL(fileURLWithPath: out))
        } catch {
          throw LabError(.io, "cannot write the report", location: .init(file: out), underlying: error)
        }
        print("wrote \(out)")
      } else {
        FileHandle.standardOutput.write(Data(text.utf8))
      }
    }
  }
}

/// `hpolab study merge OUT DB…`: merges shard databases.
struct StudyMergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge", abstract: "Merge shard databases into OUT, refusing mismatched study definitions.")

  @Argument(help: "The database to merge into (created when absent).")
  var out: String

  @Argument(help: "The shard databases.")
  var databases: [String]

  func validate() throws {
    guard !databases.isEmpty else { throw ValidationError("name at least one shard database to merge") }
  }

  func run() throws {
    try runReportingErrors {
      let sources = try databases.map { try LabDatabase(path: $0, mode: .existing) }
      let target = try LabDatabase(path: out)
      let copied = try target.mergeStudies(from: sources)
      print("merged \(databases.count) database(s) into \(out): \(copied) run(s) copied")
    }
  }
}

/// `hpolab study list`: the studies stored in a database.
struct StudyListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List the studies stored in a database.")

  @OptionGroup var database: DatabaseOptions

  @Flag(name: .long, help: "Print the list as JSON.")
  var json = false

  func run() throws {
    try runReportingErrors {
      let entries = try StudyListing.entries(in: try LabDatabase(path: database.db, mode: .existing))
      if json {
        try printJSON(entries)
        return
      }
      print(entries.isEmpty ? "no studies in \(database.db)" : TextTable.render(StudyListing.table(entries)))
    }
  }
}

/// `hpolab study dump`: every table of a database as sorted text, to compare two databases (used by the tests).
struct StudyDumpCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dump", abstract: "Print every table as sorted rows, to compare databases.", shouldDisplay: false)

  @OptionGroup var database: DatabaseOptions

  func run() throws {
    try runReportingErrors {
      let db = try LabDatabase(path: database.db, mode: .existing)
      FileHandle.standardOutput.write(Data(try db.canonicalDump().utf8))
    }
  }
}
