import Foundation
import LabCore
import Testing
import LabTestSupport

@Suite struct RunCommandTests {
  @Test func lhsOnItsOwnRecordingPrintsTheRecordedBest() throws {
    let traces = try Fixtures.traceFolder().path
    // An LHS design of our own does not hit recorded points: use playback instead for the recorded best;
    // here a random run under the nearest policy must still answer with recorded metrics.
    let r = try runHpolab([
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
    let a = try runHpolab(arguments)
    let b = try runHpolab(arguments)
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
    let r = try runHpolab(["run", "--algorithm", "random", "--evaluator", "function:branin", "--hours", "1", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let record = try JSONDecoder().decode(RunRecord.self, from: Data(r.stdout.utf8))
    #expect(record.spec.budget == nil)
    #expect(record.trials.count == 60)
    #expect(record.makespan == 3600)
  }

  @Test func unknownNamesListTheValidOnes() throws {
    let algorithm = try runHpolab(["run", "--algorithm", "hyperband", "--evaluator", "function:branin"])
    #expect(algorithm.status != 0)
    #expect(algorithm.stderr.contains("unknown algorithm 'hyperband'; valid: random, lhs, bo, soo, bamsoo, tpe, cmaes"))
    let evaluator = try runHpolab(["run", "--algorithm", "random", "--evaluator", "oracle:x"])
    #expect(evaluator.status != 0)
    #expect(evaluator.stderr.contains("valid: replay:RUN, surrogate:CAMPAIGN, function:NAME"))
    let run = try runHpolab(["run", "--algorithm", "random", "--evaluator", "replay:sobol", "--traces", try Fixtures.traceFolder().path])
    #expect(run.status != 0)
    #expect(run.stderr.contains("unknown recorded run 'sobol'"))
    #expect(run.stderr.contains("lhs_bis"))
    let function = try runHpolab(["run", "--algorithm", "random", "--evaluator", "function:sphere"])
    #expect(function.status != 0)
    #expect(function.stderr.contains("branin"))
  }

  @Test(arguments: [
    (["--workers", "0"], "--workers must be in 1…4,096, got 0"),
    (["--budget", "0"], "--budget must be in 1…1,000,000 evaluations, got 0"),
    (["--hours=-1"], "--hours must be a finite number of hours in (0, 10,000], got -1.0"),
    // Issue 18: these trapped on arithmetic overflow (Simulator.swift:201, SOO's 2·budget + 64) or exhausted memory.
    (["--workers", "9223372036854775807"], "--workers must be in 1…4,096, got 9223372036854775807"),
    (["--budget", "4611686018427387904", "--algorithm", "soo"], "--budget must be in 1…1,000,000 evaluations"),
    (["--budget", "2147483648"], "--budget must be in 1…1,000,000 evaluations, got 2147483648"),
    (["--hours", "nan"], "--hours must be a finite number of hours"),
    (["--option", "k=9223372036854775807", "--algorithm", "soo"], "soo: option 'k' must be in 2…64, got 9223372036854775807"),
    (["--option", "count=1000000000", "--algorithm", "lhs"], "lhs: option 'count' must be in 1…50 (at most the budget), got 1000000000"),
    (["--mode", "sometimes"], "--mode must be sync or async"),
    (["--overhead", "cubic:1"], "overhead 'cubic:1'"),
  ])
  func badArgumentsAreArgumentErrors(extra: [String], message: String) throws {
    let r = try runHpolab(["run", "--algorithm", "random", "--evaluator", "function:branin"] + extra)
    #expect(r.status == 64, "ArgumentParser's validation exit status; \(r.stderr)")
    #expect(r.stderr.contains(message), "\(r.stderr)")
  }

  @Test func dbSavesTheRunAndTheSummarySaysUnderWhichID() throws {
    let db = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-run-\(UUID().uuidString).sqlite")
    defer { try? FileManager.default.removeItem(at: db) }
    let arguments = ["run", "--algorithm", "random", "--evaluator", "function:branin", "--budget", "5", "--db", db.path]
    let first = try runHpolab(arguments)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("saved:        run-1 in \(db.path)"))
    let second = try runHpolab(arguments)
    #expect(second.stdout.contains("saved:        run-2 in \(db.path)"))
  }

  @Test func aMetricTheEvaluatorDoesNotReportListsTheOnesItDoes() throws {
    let r = try runHpolab(["run", "--algorithm", "random", "--evaluator", "function:branin", "--metric", "hellaswag.acc"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("function:branin does not report 'hellaswag.acc'; it reports value"))
  }

  @Test func anAbsentPointUnderTheErrorPolicyFailsTheRunNamingThePoint() throws {
    let r = try runHpolab([
      "run", "--algorithm", "random", "--evaluator", "replay:bo_bis", "--budget", "3", "--traces", try Fixtures.traceFolder().path,
    ])
    #expect(r.status == 1)
    #expect(r.stderr.contains("replay:bo_bis: no recorded trial has configuration lora_rank="))
    #expect(r.stderr.contains("'nearest' or 'surrogate' policy"))
  }
}

@Suite struct ReplayCommandTests {
  @Test func lhsPlaybackOnFiveWorkersTakesAboutAFifthOfTheTime() throws {
    let traces = try Fixtures.traceFolder().path
    let one = try runHpolab(["replay", "lhs_bis", "--workers", "1", "--traces", traces, "--json"])
    let five = try runHpolab(["replay", "lhs_bis", "--workers", "5", "--traces", traces, "--json"])
    #expect(one.status == 0 && five.status == 0, "\(one.stderr)\(five.stderr)")
    let a = try JSONDecoder().decode(RunRecord.self, from: Data(one.stdout.utf8))
    let b = try JSONDecoder().decode(RunRecord.self, from: Data(five.stdout.utf8))
    #expect(a.trials.count == 50 && b.trials.count == 50)
    let ratio = b.makespan / a.makespan
    #expect(ratio > 0.197 && ratio < 0.206, "ratio \(ratio)")
    #expect(a.bestTrial?.metrics["hellaswag.acc"] == b.bestTrial?.metrics["hellaswag.acc"])
  }

  @Test func theSummaryComparesWithTheRecordedDuration() throws {
    let r = try runHpolab(["replay", "playback", "lhs_bis", "--workers", "5", "--mode", "sync", "--traces", try Fixtures.traceFolder().path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("run:          playback:lhs on replay:lhs_bis, 5 workers (sync)"))
    #expect(r.stdout.contains("recorded:     "))
  }

  @Test(arguments: ["bo_bis", "bamsoo_bis", "bo"])
  func playbackRefusesOrderDependentRunsUnderSeveralWorkersWithAReason(run: String) throws {
    let r = try runHpolab(["replay", run, "--workers", "4", "--traces", try Fixtures.traceFolder().path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("cannot re-time \(run) under 4 workers"))
    #expect(r.stderr.contains("would have proposed other points"))
  }

  @Test func playbackOfAnUnknownRunListsTheRecordedOnes() throws {
    let r = try runHpolab(["replay", "sobol", "--traces", try Fixtures.traceFolder().path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("valid: bamsoo_bis, bo, bo_bis, lhs, lhs_bis, soo, soo_bis"))
  }
}
