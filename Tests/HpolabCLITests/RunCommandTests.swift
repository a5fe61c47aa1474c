import Foundation
import LabCore
import Testing

/// Runs the built `hpolab` binary for the `run` / `replay` tests (names kept private to this file).
private enum RunCLI {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The trace folder beside the project (../shared/traces/a100) or the ignored copy in traces/a100.
  static func traces() throws -> String {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    for candidate in [here.appendingPathComponent("traces/a100"), here.appendingPathComponent("../shared/traces/a100")]
    where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("lhs_bis.json").path) {
      return candidate.standardizedFileURL.path
    }
    throw LabError(.notFound, "recorded traces not found beside \(here.path)")
  }

  /// `$HPOLAB_BINARY`, else `hpolab` in the folder of the test bundle or up to two folders above.
  static func binary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["HPOLAB_BINARY"] { return URL(fileURLWithPath: path) }
    // Linux: the bundle URL is the build folder itself; macOS: a *.xctest bundle inside it.
    var folder = Bundle.main.bundleURL.standardizedFileURL
    for _ in 0..<4 {
      let candidate = folder.appendingPathComponent("hpolab")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      folder = folder.deletingLastPathComponent()
    }
    throw LabError(.notFound, "hpolab binary not found beside \(Bundle.main.bundleURL.path)")
  }

  /// Runs `hpolab arguments…` (no shell), output through temporary files.
  static func run(_ arguments: [String]) throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-run-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("out")
    let err = folder.appendingPathComponent("err")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = try binary()
    process.arguments = arguments
    let outHandle = try FileHandle(forWritingTo: out)
    let errHandle = try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
  }
}

@Suite struct RunCommandTests {
  @Test func lhsOnItsOwnRecordingPrintsTheRecordedBest() throws {
    let traces = try RunCLI.traces()
    // An LHS design of our own does not hit recorded points: use playback instead for the recorded best;
    // here a random run under the nearest policy must still answer with recorded metrics.
    let r = try RunCLI.run([
      "run", "--algorithm", "random", "--evaluator", "replay:lhs_bis", "--absent", "nearest", "--budget", "10",
      "--workers", "2", "--traces", traces,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("run:          random on replay:lhs_bis, 2 workers (async), seed 0"))
    #expect(r.stdout.contains("evaluations:  10"))
    #expect(r.stdout.contains("best hellaswag.acc: "))
    #expect(r.stdout.contains("best config:  lora_rank="))
    #expect(r.stdout.contains("utilisation:  "))
  }

  @Test func theJSONOutputIsTheWholeRunAndRepeatsByteForByte() throws {
    let arguments = [
      "run", "--algorithm", "lhs", "--evaluator", "function:branin", "--budget", "12", "--workers", "3",
      "--mode", "sync", "--seed", "5", "--json",
    ]
    let a = try RunCLI.run(arguments)
    let b = try RunCLI.run(arguments)
    #expect(a.status == 0, "\(a.stderr)")
    #expect(a.stdout == b.stdout)
    let record = try JSONDecoder().decode(RunRecord.self, from: Data(a.stdout.utf8))
    #expect(record.trials.count == 12)
    #expect(record.spec.direction == .minimize && record.spec.metric == "value")
    // Sync batches of 3 one-minute trials: 4 batches, 4 minutes.
    #expect(record.trials.map(\.start) == [0, 0, 0, 60, 60, 60, 120, 120, 120, 180, 180, 180])
    #expect(record.makespan == 240)
    #expect(Set(record.trials.map(\.worker)) == [0, 1, 2])
  }

  @Test func anHoursLimitWithoutABudgetStartsTrialsUntilTheLimit() throws {
    // One-minute trials on one worker for one simulated hour: starts at 0, 1, …, 59 minutes.
    let r = try RunCLI.run(["run", "--algorithm", "random", "--evaluator", "function:branin", "--hours", "1", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let record = try JSONDecoder().decode(RunRecord.self, from: Data(r.stdout.utf8))
    #expect(record.spec.budget == nil)
    #expect(record.trials.count == 60)
    #expect(record.makespan == 3600)
  }

  @Test func unknownNamesListTheValidOnes() throws {
    let algorithm = try RunCLI.run(["run", "--algorithm", "cmaes", "--evaluator", "function:branin"])
    #expect(algorithm.status != 0)
    #expect(algorithm.stderr.contains("unknown algorithm 'cmaes'; valid: random, lhs, bo, soo, bamsoo"))
    let evaluator = try RunCLI.run(["run", "--algorithm", "random", "--evaluator", "oracle:x"])
    #expect(evaluator.status != 0)
    #expect(evaluator.stderr.contains("valid: replay:RUN, surrogate:CAMPAIGN, function:NAME"))
    let run = try RunCLI.run(["run", "--algorithm", "random", "--evaluator", "replay:sobol", "--traces", try RunCLI.traces()])
    #expect(run.status != 0)
    #expect(run.stderr.contains("unknown recorded run 'sobol'"))
    #expect(run.stderr.contains("lhs_bis"))
    let function = try RunCLI.run(["run", "--algorithm", "random", "--evaluator", "function:sphere"])
    #expect(function.status != 0)
    #expect(function.stderr.contains("branin"))
  }

  @Test(arguments: [
    (["--workers", "0"], "--workers must be at least 1"),
    (["--budget", "0"], "--budget must be at least 1"),
    (["--hours=-1"], "--hours must be a non-negative number"),
    (["--mode", "sometimes"], "--mode must be sync or async"),
    (["--overhead", "cubic:1"], "overhead 'cubic:1'"),
  ])
  func badArgumentsAreArgumentErrors(extra: [String], message: String) throws {
    let r = try RunCLI.run(["run", "--algorithm", "random", "--evaluator", "function:branin"] + extra)
    #expect(r.status == 64, "ArgumentParser's validation exit status; \(r.stderr)")
    #expect(r.stderr.contains(message), "\(r.stderr)")
  }

  @Test func dbSavesTheRunAndTheSummarySaysUnderWhichID() throws {
    let db = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-run-\(UUID().uuidString).sqlite")
    defer { try? FileManager.default.removeItem(at: db) }
    let arguments = ["run", "--algorithm", "random", "--evaluator", "function:branin", "--budget", "5", "--db", db.path]
    let first = try RunCLI.run(arguments)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("saved:        run-1 in \(db.path)"))
    let second = try RunCLI.run(arguments)
    #expect(second.stdout.contains("saved:        run-2 in \(db.path)"))
  }

  @Test func aMetricTheEvaluatorDoesNotReportListsTheOnesItDoes() throws {
    let r = try RunCLI.run(["run", "--algorithm", "random", "--evaluator", "function:branin", "--metric", "hellaswag.acc"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("function:branin does not report 'hellaswag.acc'; it reports value"))
  }

  @Test func anAbsentPointUnderTheErrorPolicyFailsTheRunNamingThePoint() throws {
    let r = try RunCLI.run([
      "run", "--algorithm", "random", "--evaluator", "replay:bo_bis", "--budget", "3", "--traces", try RunCLI.traces(),
    ])
    #expect(r.status == 1)
    #expect(r.stderr.contains("replay:bo_bis: no recorded trial has configuration lora_rank="))
    #expect(r.stderr.contains("'nearest' or 'surrogate' policy"))
  }
}

@Suite struct ReplayCommandTests {
  @Test func lhsPlaybackOnFiveWorkersTakesAboutAFifthOfTheTime() throws {
    let traces = try RunCLI.traces()
    let one = try RunCLI.run(["replay", "lhs_bis", "--workers", "1", "--traces", traces, "--json"])
    let five = try RunCLI.run(["replay", "lhs_bis", "--workers", "5", "--traces", traces, "--json"])
    #expect(one.status == 0 && five.status == 0, "\(one.stderr)\(five.stderr)")
    let a = try JSONDecoder().decode(RunRecord.self, from: Data(one.stdout.utf8))
    let b = try JSONDecoder().decode(RunRecord.self, from: Data(five.stdout.utf8))
    #expect(a.trials.count == 50 && b.trials.count == 50)
    let ratio = b.makespan / a.makespan
    #expect(ratio > 0.197 && ratio < 0.206, "ratio \(ratio)")
    #expect(a.bestTrial?.metrics["hellaswag.acc"] == b.bestTrial?.metrics["hellaswag.acc"])
  }

  @Test func theSummaryComparesWithTheRecordedDuration() throws {
    let r = try RunCLI.run(["replay", "playback", "lhs_bis", "--workers", "5", "--mode", "sync", "--traces", try RunCLI.traces()])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("run:          playback:lhs on replay:lhs_bis, 5 workers (sync)"))
    #expect(r.stdout.contains("recorded:     "))
  }

  @Test(arguments: ["bo_bis", "bamsoo_bis", "bo"])
  func playbackRefusesOrderDependentRunsUnderSeveralWorkersWithAReason(run: String) throws {
    let r = try RunCLI.run(["replay", run, "--workers", "4", "--traces", try RunCLI.traces()])
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot re-time \(run) under 4 workers"))
    #expect(r.stderr.contains("would have proposed other points"))
  }

  @Test func playbackOfAnUnknownRunListsTheRecordedOnes() throws {
    let r = try RunCLI.run(["replay", "sobol", "--traces", try RunCLI.traces()])
    #expect(r.status == 1)
    #expect(r.stderr.contains("valid: bamsoo_bis, bo, bo_bis, lhs, lhs_bis, soo, soo_bis"))
  }
}
