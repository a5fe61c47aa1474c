import Foundation
import LabCore
import LabEvaluators
import LabStore
import LabStatistics
import LabStudies
import Testing
import LabTestSupport

/// A study of cheap algorithms on the constant evaluator, with one recorded run, in the tests' own words.
let runnerStudy = """
  [study]
  name = "runner"
  workers = [1, 3]
  modes = ["sync", "async"]
  seeds = 3
  budget = 9
  overhead = "constant:7"
  recorded = ["lhs_bis"]

  [[evaluator]]
  name = "constant:600"

  [[algorithm]]
  name = "random"
  [[algorithm]]
  name = "lhs"
  """

@Suite(.serialized) struct StudyRunnerTests {
  func runner() throws -> StudyRunner {
    try StudyRunner(
      spec: try StudySpec(text: runnerStudy, file: "runner.toml"),
      context: EvaluatorCatalogue.Context(traces: try Fixtures.traceFolder()))
  }

  @Test func jobsDoNotChangeTheDatabase() throws {
    let r = try runner()
    let one = try LabDatabase.inMemory(), four = try LabDatabase.inMemory()
    #expect(try r.run(database: one, jobs: 1) == 25)
    #expect(try r.run(database: four, jobs: 4) == 25)
    let dump = try one.canonicalDump()
    #expect(dump == (try four.canonicalDump()))
    #expect(dump.contains("runner/lhs/constant:600/w3-async/s3"))
    #expect(dump.contains("runner/recorded/lhs_bis"))
    // A second run finds everything stored and computes nothing.
    #expect(try r.run(database: one, jobs: 2) == 0)
    #expect(dump == (try one.canonicalDump()))
  }

  @Test func twoShardsMergedEqualTheUnshardedStudy() throws {
    let r = try runner()
    let whole = try LabDatabase.inMemory()
    try r.run(database: whole, jobs: 2)
    let first = try LabDatabase.inMemory(), second = try LabDatabase.inMemory()
    #expect(try r.run(database: first, jobs: 2, shard: (1, 2)) == 13)
    #expect(try r.run(database: second, jobs: 2, shard: (2, 2)) == 12)
    let merged = try LabDatabase.inMemory()
    #expect(try merged.mergeStudies(from: [second, first]) == 25)
    #expect(try merged.canonicalDump() == (try whole.canonicalDump()))
  }

  @Test func aPartlyRunStudyResumesToTheSameContent() throws {
    let r = try runner()
    let whole = try LabDatabase.inMemory()
    try r.run(database: whole, jobs: 1)
    // Commit only a few tasks (as a killed run would have), then resume.
    let partial = try LabDatabase.inMemory()
    try partial.registerStudy(r.spec)
    for task in r.tasks.prefix(5) {
      try partial.saveStudyRun(try r.execute(task), study: "runner", cell: task.cell, runID: task.runID, recorded: false)
    }
    #expect(try r.run(database: partial, jobs: 3) == 20)
    #expect(try partial.canonicalDump() == (try whole.canonicalDump()))
  }

  @Test func mergeAndRunRefuseAStudyDefinedDifferently() throws {
    let r = try runner()
    let other = try StudyRunner(
      spec: try StudySpec(text: runnerStudy.replacingOccurrences(of: "budget = 9", with: "budget = 8"), file: "o.toml"),
      context: EvaluatorCatalogue.Context(traces: try Fixtures.traceFolder()))
    let a = try LabDatabase.inMemory(), b = try LabDatabase.inMemory()
    try r.run(database: a, jobs: 2, shard: (1, 4))
    try other.run(database: b, jobs: 2, shard: (2, 4))
    #expect(throws: LabError.self) { try LabDatabase.inMemory().mergeStudies(from: [a, b]) }
    let e = #expect(throws: LabError.self) { try other.run(database: a, jobs: 1) }
    #expect(e?.message.contains("study 'runner' is already stored with a different definition") == true)
  }

  @Test func reportSummarisesEveryCellAndPlacesTheRecordedRun() throws {
    let r = try runner()
    let db = try LabDatabase.inMemory()
    try r.run(database: db, jobs: 2)
    let report = try StudyReport(study: "runner", database: db)
    #expect(report.runs == 25 && report.expectedRuns == 25)
    #expect(report.groups.count == 8)
    #expect(report.groups.allSatisfy { $0.runs == 3 && $0.evaluationsMedian == 9 })
    // 9 evaluations of 600 s + 7 s overhead each: W = 1 takes 9 · 607 s; W = 3 in sync takes 3 rounds.
    let w1 = try #require(report.groups.first { $0.workers == 1 && $0.mode == "sync" })
    #expect(abs(w1.hoursMedian - 9 * 607 / 3600) < 1e-9)
    #expect(report.scaling.count == 4)
    #expect(report.recorded.first?.run == "lhs_bis")
    // hellaswag.acc best of lhs_bis.json
    #expect(abs((report.recorded.first?.final ?? 0) - 0.4790) < 5e-5)
    let md = report.markdown()
    #expect(md.contains("## Final scores") && md.contains("## Average ranks (Friedman)") && md.contains("## Speed-up"))
    #expect(report.csv().split(separator: "\n").count == 9)
    #expect(try report.json().contains("\"study\" : \"runner\""))
  }
}

@Suite struct StudyPairedReportTests {
  @Test func pairedStudiesUseWilcoxonAndCurvesCoverTheBudget() throws {
    let text = """
      [study]
      name = "paired"
      seeds = 8
      budget = 6
      paired = true
      evaluators = ["function:branin"]
      [[algorithm]]
      name = "random"
      [[algorithm]]
      name = "lhs"
      """
    let runner = try StudyRunner(
      spec: try StudySpec(text: text, file: "p.toml"), context: EvaluatorCatalogue.Context(traces: try Fixtures.traceFolder()))
    let db = try LabDatabase.inMemory()
    try runner.run(database: db, jobs: 2)
    let report = try StudyReport(study: "paired", database: db)
    let c = try #require(report.comparisons.first)
    #expect(report.comparisons.count == 1 && c.test == "wilcoxon")
    // The statistic is min(W+, W−) over the 8 seed pairs and the p-value is the test's own.
    let a = try #require(report.groups.first { $0.algorithm == "random" }).finals
    let b = try #require(report.groups.first { $0.algorithm == "lhs" }).finals
    let direct = try #require(wilcoxonSignedRank(a, b))
    #expect(c.u == direct.statistic && c.p == direct.p)
    let g = report.groups[0]
    #expect(g.direction == "minimize")
    #expect(g.curveEvaluations.grid == [1, 2, 3, 4, 5, 6])
    #expect(g.curveEvaluations.median.last == g.final.median)
    // Best-so-far never gets worse (minimised: never increases).
    #expect(zip(g.curveEvaluations.median, g.curveEvaluations.median.dropFirst()).allSatisfy { $0 >= $1 })
    #expect(g.curveHours.grid.count == 61)
  }
}
