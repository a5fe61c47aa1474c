import ArgumentParser
import Foundation
import LabCore
import LabEvaluators
import LabStore
import LabStudies

/// `hpolab study check FILE…`: validates study files exactly as `study run` does, without a database.
///
/// Each file is read and its runner built (evaluators loaded, metrics, recorded
/// runs, options and spaces checked): `FILE: ok` on standard output, or the
/// one-line error on standard error. Exit status 1 when any file is bad.
/// Meant for linting studies before submitting jobs, and for the fuzz tests.
struct StudyCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Check study files as 'study run' would, without running or storing anything.")

  @Argument(help: "Study files, e.g. studies/*.toml.")
  var files: [String]

  @Option(help: "The folder of recorded traces (default: traces/a100, else ../shared/traces/a100).")
  var traces: String?

  func run() throws {
    let context = EvaluatorCatalogue.Context(
      traces: traces.map { URL(fileURLWithPath: $0) } ?? EvaluatorCatalogue.Context.defaultTraces())
    let bad = checkEach(files) { file in
      _ = try StudyRunner(spec: try StudySpec(contentsOfFile: file), context: context)
    }
    if bad > 0 { throw ExitCode.failure }
  }
}

/// `hpolab traces check FILE…`: validates trace files' lines exactly as `traces import` does, without a database
/// (a file no campaign file lists passes: importing it needs its campaign).
struct TracesCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Check trace files as 'traces import' would, without storing anything.")

  @Argument(help: "Trace files (JSON lines).")
  var files: [String]

  func run() throws {
    let bad = checkEach(files) { file in
      _ = try ParsedTraceFile.read([URL(fileURLWithPath: file)], skipBad: false, requireCampaign: false)
    }
    if bad > 0 { throw ExitCode.failure }
  }
}

/// Runs `check` on each file: `FILE: ok` on stdout, else `Error: <one line>` on stderr; returns the number of bad files.
func checkEach(_ files: [String], _ check: (String) throws -> Void) -> Int {
  var bad = 0
  for file in files {
    do {
      try check(file)
      print("\(file): ok")
    } catch let error as LabError {
      bad += 1
      printError("Error: \(error.description)")
    } catch {
      bad += 1
      printError("Error: \(file): \(error)")
    }
  }
  fflush(nil)
  return bad
}
