import Foundation
import LabCore
import LabData
import LabStore
import Testing

/// A record exercising every field: awkward doubles, every source kind, a failure, an approximation, an infinity.
/// With `nan`, trial 7's MMLU accuracy is NaN (then the record is not equal to itself).
func sampleRecord(seed: UInt64 = 42, nan: Bool = false) throws -> RunRecord {
  let space = SearchSpace.llama32_1B
  var rng = SeededGenerator(seed: seed)
  let sources: [EvaluationSource] = [
    .replay(run: "soo_bis", line: 3), .replayNearest(run: "bo_bis", line: 7, distance: 0.1 + 0.2),
    .surrogate(campaign: "B"), .function(name: "branin"), .live, .model,
  ]
  var trials: [TrialRecord] = []
  for i in 0..<12 {
    let point = space.point(unit: (0..<space.dimension).map { _ in rng.uniform() })
    let state: TrialState = i == 4 ? .failed : i == 5 ? .approximated : i == 6 ? .discarded : .completed
    var metrics = Metrics()
    if state == .completed {
      metrics[MetricName.hellaswagAcc] = rng.uniform()
      metrics[MetricName.mmluAcc] = i == 7 && nan ? .nan : rng.normal() * 1e-300
    }
    trials.append(
      TrialRecord(
        id: i, point: point, configuration: space.configuration(for: point), state: state, metrics: metrics,
        failure: state == .failed
          ? FailureReason("collapsed", "loss is nan at step 12")
          : state == .discarded ? FailureReason("target-reached", "ready at 6000.6 s, after the target") : nil,
        durations: Durations(training: 1830.5 + Double(i), evaluation: i == 3 ? .infinity : 760.125),
        worker: state == .approximated || state == .discarded ? -1 : i % 3, start: Double(i) * 1000.1, end: Double(i) * 1000.1 + 2590.625,
        source: sources[i % sources.count], info: i % 2 == 0 ? ["depth": "\(i)", "phase": "opt\u{e9}"] : [:]))
  }
  let spec = RunSpec(
    algorithm: "soo", options: ["K": "3"], evaluator: "replay:soo_bis", space: space, workers: 3, mode: .sync,
    seed: UInt64.max - 1, budget: nil, hours: 0.1 + 0.7, target: 0.47, nodeHours: 2.5)
  return RunRecord(spec: spec, trials: trials, makespan: 12345.678901234567, notes: ["note \"quoted\""])
}

@Suite struct RunStoreTests {
  @Test func loadingASavedRunGivesBackAnEqualRecord() throws {
    let db = try LabDatabase.inMemory()
    let record = try sampleRecord()
    let id = try db.saveRun(record)
    let back = try db.loadRun(id: id)
    #expect(back == record)
    #expect(back.trials.map(\.point.unit) == record.trials.map(\.point.unit))
    #expect(back.trials[3].durations.evaluation == .infinity)
  }

  @Test func nonFiniteCoordinatesTakeTheSlowPathAndStillRoundTrip() throws {
    let db = try LabDatabase.inMemory()
    var record = try sampleRecord()
    record.trials[0].configuration = Configuration(values: [.infinity, -.infinity, Double.leastNormalMagnitude / 1e12, -0.0, 2])
    let back = try db.loadRun(id: try db.saveRun(record))
    #expect(back == record)
    #expect(back.trials[0].configuration.values[3].sign == .minus)
  }

  @Test func aNaNMetricSurvivesTheRoundTripAsNaN() throws {
    let db = try LabDatabase.inMemory()
    let record = try sampleRecord(nan: true)
    let back = try db.loadRun(id: try db.saveRun(record))
    #expect(back.trials[7].metrics[MetricName.mmluAcc]?.isNaN == true)
    // Everything else is equal: blank out the NaN on both sides and compare.
    var a = back, b = record
    a.trials[7].metrics[MetricName.mmluAcc] = 0
    b.trials[7].metrics[MetricName.mmluAcc] = 0
    #expect(a == b)
  }

  @Test func saveRunInsideAnOuterTransactionRollsBackWithIt() throws {
    let db = try LabDatabase.inMemory()
    struct Abort: Error {}
    #expect(throws: Abort.self) {
      try db.transaction {
        try db.saveRun(try sampleRecord(), id: "inner")
        throw Abort()
      }
    }
    #expect(try db.runIDs().isEmpty)
  }

  @Test func runIDsAreAssignedInOrderAndDeletionRemovesTrials() throws {
    let db = try LabDatabase.inMemory()
    let a = try db.saveRun(try sampleRecord(seed: 1))
    let b = try db.saveRun(try sampleRecord(seed: 2), id: "mine")
    let c = try db.saveRun(try sampleRecord(seed: 3))
    #expect([a, b, c] == ["run-1", "mine", "run-3"])
    #expect(try db.runIDs() == ["run-1", "mine", "run-3"])
    try db.deleteRun(id: "mine")
    #expect(try db.runIDs() == ["run-1", "run-3"])
    #expect(try db.query("SELECT count(*) AS n FROM run_trials WHERE run_id = 'mine'").first?["n"].int == 0)
    #expect(try db.query("SELECT count(*) AS n FROM run_metrics WHERE run_id = 'mine'").first?["n"].int == 0)
  }

  @Test func savingUnderATakenIDFailsAndChangesNothing() throws {
    let db = try LabDatabase.inMemory()
    try db.saveRun(try sampleRecord(seed: 1), id: "x")
    let error = try #require(throws: LabError.self) { try db.saveRun(try sampleRecord(seed: 2), id: "x") }
    #expect(error.code == .invalidInput)
    #expect(error.message.contains("'x' is already taken"))
    #expect(try db.loadRun(id: "x") == (try sampleRecord(seed: 1)))
  }

  @Test func loadingOrDeletingAnUnknownRunIsNotFound() throws {
    let db = try LabDatabase.inMemory()
    #expect(throws: LabError.self) { try db.loadRun(id: "nope") }
    let error = try #require(throws: LabError.self) { try db.deleteRun(id: "nope") }
    #expect(error.code == .notFound)
  }
}
