import Foundation
import LabCore
import LabData
import LabOptimizers
@testable import LabSimulation
import Testing

@Suite struct SimulatorTimelineTests {
  // Durations by trial id: 5, 3, 8, 2, 4, 1, 6 seconds; 3 workers; lowest free worker first.
  static let durations: [Double] = [5, 3, 8, 2, 4, 1, 6]

  @Test func asyncTimelineOfThreeWorkersMatchesTheHandCheckedTable() throws {
    var proposer = CountingProposer()
    let sim = try Simulator(spec: lineSpec(workers: 3, mode: .async, budget: 7))
    let record = try sim.run(&proposer, evaluator: ScriptedEvaluator(durations: Self.durations))
    // t=0: 0→w0 [0,5], 1→w1 [0,3], 2→w2 [0,8]
    // t=3: 1 ends, w1 free → 3→w1 [3,5]
    // t=5: 0 and 3 end together (0 was scheduled first); w0, w1 free → 4→w0 [5,9], 5→w1 [5,6]
    // t=6: 5 ends → 6→w1 [6,12]; t=8: 2 ends, budget spent; t=9: 4 ends; t=12: 6 ends
    let expected: [[Double]] = [
      [0, 0, 5], [1, 0, 3], [2, 0, 8], [1, 3, 5], [0, 5, 9], [1, 5, 6], [1, 6, 12],
    ]
    #expect(table(record) == expected)
    #expect(proposer.observed == [1, 0, 3, 5, 2, 4, 6])
    #expect(record.makespan == 12)
    #expect(record.timeline[3] == TimelineEntry(trial: 3, worker: 1, start: 3, end: 5, state: .completed))
    // Values are the trial ids; completions in time order 1, 0, 3, 5, 2, 4, 6 give these best-so-far steps.
    #expect(record.bestSoFarByEvaluations() == [1, 1, 3, 5, 5, 5, 6])
    #expect(record.bestSoFarByHours().map(\.hours) == [3, 5, 5, 6, 8, 9, 12].map { $0 / 3600 })
    // Busy: w0 5+4, w1 3+2+1+6, w2 8 → 29 of 3·12.
    #expect(record.busySeconds == [9, 12, 8])
    #expect(abs(record.utilization - 29.0 / 36.0) < 1e-15)
    // Async passes the running trials as pending: 0, 1, 2 at t=0; then 2 running at t=3, 5 (twice), 6.
    #expect(proposer.pendingCounts == [0, 1, 2, 2, 1, 2, 2])
  }

  @Test func syncTimelineWaitsForTheWholeBatchOnTheSameDurations() throws {
    var proposer = CountingProposer()
    let sim = try Simulator(spec: lineSpec(workers: 3, mode: .sync, budget: 7))
    let record = try sim.run(&proposer, evaluator: ScriptedEvaluator(durations: Self.durations))
    // Batch 1 at t=0: [0,5] [0,3] [0,8]; batch 2 at t=8: 3 [8,10], 4 [8,12], 5 [8,9]; batch 3 at t=12: 6 [12,18].
    let expected: [[Double]] = [
      [0, 0, 5], [1, 0, 3], [2, 0, 8], [0, 8, 10], [1, 8, 12], [2, 8, 9], [0, 12, 18],
    ]
    #expect(table(record) == expected)
    #expect(record.makespan == 18)
    // Within a batch the pending list is the batch so far.
    #expect(proposer.pendingCounts == [0, 1, 2, 0, 1, 2, 0])
    // Same durations, async finished at 12: sync idles workers while the batch's longest trial runs.
    #expect(record.utilization < 29.0 / 36.0)
  }

  @Test func simultaneousCompletionsAreToldInSchedulingOrderAndRefillLowestWorkerFirst() throws {
    var proposer = CountingProposer()
    let sim = try Simulator(spec: lineSpec(workers: 2, mode: .async, budget: 4))
    // 0: w0 [0,4]; 1: w1 [0,1]; 2: w1 [1,4] — 0 and 2 both end at 4, 0's end was scheduled first.
    let record = try sim.run(&proposer, evaluator: ScriptedEvaluator(durations: [4, 1, 3, 2]))
    #expect(proposer.observed == [1, 0, 2, 3])
    #expect(table(record) == [[0, 0, 4], [1, 0, 1], [1, 1, 4], [0, 4, 6]])
  }

  @Test func aFailedTrialOccupiesItsWorkerAndIsToldAsAFailure() throws {
    var proposer = CountingProposer()
    let sim = try Simulator(spec: lineSpec(workers: 1, mode: .async, budget: 3))
    let record = try sim.run(&proposer, evaluator: ScriptedEvaluator(durations: [10, 2, 3], failing: [0]))
    #expect(table(record) == [[0, 0, 10], [0, 10, 12], [0, 12, 15]])
    #expect(record.trials[0].state == .failed)
    #expect(record.trials[0].failure == FailureReason("collapsed"))
    #expect(record.trials[0].metrics.values.isEmpty)
    #expect(proposer.failures == [0])
    #expect(record.bestTrial?.id == 2)
  }

  @Test func overheadDelaysStartsAndProposalsAreComputedOneAfterAnother() throws {
    var proposer = CountingProposer()
    let sim = try Simulator(spec: lineSpec(workers: 2, mode: .async, budget: 4), overhead: .constant(seconds: 10))
    let record = try sim.run(&proposer, evaluator: ScriptedEvaluator(durations: [100]))
    // 0: asked at 0, starts 10; 1: asked when the proposer is free at 10, starts 20;
    // 0 ends at 110 → 2 starts 120; 1 ends at 120 → 3 asked at 120 (proposer free), starts 130.
    #expect(table(record) == [[0, 10, 110], [1, 20, 120], [0, 120, 220], [1, 130, 230]])
    #expect(record.notes.isEmpty)
  }

  @Test func aSyncBatchsProposalsAreComputedBackToBack() throws {
    let sim = try Simulator(spec: lineSpec(workers: 2, mode: .sync, budget: 4), overhead: .constant(seconds: 10))
    let record = try sim.run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [100]))
    // Batch 1 asked at 0: starts 10 and 20, ends 110 and 120; batch 2 asked at 120: starts 130 and 140.
    #expect(table(record) == [[0, 10, 110], [1, 20, 120], [0, 130, 230], [1, 140, 240]])
  }

  @Test func cubicOverheadGrowsWithTheNumberOfObservations() throws {
    var proposer = CountingProposer()
    let sim = try Simulator(spec: lineSpec(workers: 1, mode: .sync, budget: 3), overhead: .cubic(a: 1, b: 2))
    let record = try sim.run(&proposer, evaluator: ScriptedEvaluator(durations: [100]))
    // c(n) = 1 + 2n³: c(0) = 1, c(1) = 3, c(2) = 17.
    #expect(table(record) == [[0, 1, 101], [0, 104, 204], [0, 221, 321]])
  }

  @Test func measuredOverheadMarksTheRunAsNotReproducible() throws {
    let sim = try Simulator(spec: lineSpec(workers: 1, mode: .async, budget: 2), overhead: .measured)
    let record = try sim.run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [100]))
    #expect(record.notes == [Overhead.measuredNote])
    #expect(record.trials[0].start > 0 && record.trials[0].start < 100)
  }
}

@Suite struct SimulatorStoppingTests {
  @Test func theBudgetCapsRealEvaluations() throws {
    let record = try Simulator(spec: lineSpec(workers: 3, mode: .async, budget: 4))
      .run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [1, 2]))
    #expect(record.trials.count == 4)
    #expect(record.evaluationCount == 4)
  }

  @Test func noTrialStartsAtOrAfterTheHoursLimitButRunningOnesFinish() throws {
    // One-hour trials on 2 workers, limit 2.5 h: starts at 0, 0, 1, 1, 2, 2 h; none at 3 h; the last end at 3 h.
    let record = try Simulator(spec: lineSpec(workers: 2, mode: .async, budget: nil, hours: 2.5))
      .run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [3600]))
    #expect(record.trials.map(\.start) == [0, 0, 3600, 3600, 7200, 7200])
    #expect(record.makespan == 3 * 3600)
    // The best at the limit only counts trials finished by then (values are the trial ids here).
    #expect(record.best(atHours: 2.5) == 3)
    #expect(record.best(atHours: 3) == 5)
  }

  @Test func anHoursLimitOnATrialBoundaryStartsNothingAtTheLimit() throws {
    let record = try Simulator(spec: lineSpec(workers: 1, mode: .sync, budget: nil, hours: 2))
      .run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [3600]))
    #expect(record.trials.map(\.start) == [0, 3600])
  }

  @Test func reachingTheTargetStopsLaunchingAndLetsRunningTrialsFinish() throws {
    var proposer = CountingProposer()
    // Values 0.1, 0.5, 0.9, 0.3, …; trial 2 (ends at 3) reaches 0.9; trial 3 already running (started at 2) finishes.
    let record = try Simulator(spec: lineSpec(workers: 2, mode: .async, budget: 50, target: 0.9))
      .run(&proposer, evaluator: ScriptedEvaluator(durations: [1, 2, 2, 5], values: [0.1, 0.5, 0.9, 0.3]))
    #expect(table(record) == [[0, 0, 1], [1, 0, 2], [0, 1, 3], [1, 2, 7]])
    #expect(proposer.proposed == 4)
  }

  @Test func inSyncModeTheTargetEndsTheRunAfterTheBatchThatReachedIt() throws {
    // Batch 1: trials 0 (0.1, 5 s) and 1 (0.9, 1 s); 1 reaches the target, 0 still finishes; no batch 2.
    let record = try Simulator(spec: lineSpec(workers: 2, mode: .sync, budget: 10, target: 0.9))
      .run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [5, 1], values: [0.1, 0.9, 0.95]))
    #expect(table(record) == [[0, 0, 5], [1, 0, 1]])
  }

  @Test func aMinimisedTargetIsReachedFromAbove() throws {
    var spec = lineSpec(workers: 1, mode: .async, budget: 50, target: 0.2)
    spec.direction = .minimize
    let record = try Simulator(spec: spec)
      .run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [1], values: [0.5, 0.4, 0.1, 0.0]))
    #expect(record.trials.count == 3)
    #expect(record.bestTrial?.id == 2)
  }

  @Test func aProposerThatRunsOutEndsTheRunAndAsyncWaitsForCompletionsOnNil() throws {
    var proposer = CountingProposer()
    proposer.limit = 3
    let record = try Simulator(spec: lineSpec(workers: 5, mode: .async, budget: 50))
      .run(&proposer, evaluator: ScriptedEvaluator(durations: [4, 2, 3]))
    #expect(record.trials.count == 3)
    // t=0: three proposals then nil (4 calls); each completion asks again and gets nil.
    #expect(proposer.pendingCounts == [0, 1, 2, 3, 2, 1, 0])
  }

  @Test func objectivesToldToAMinimisingRunAreNegated() throws {
    struct Recorder: Proposer {
      var name: String { "recorder" }
      var values: [Double] = []
      var k = 0
      mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
        defer { k += 1 }
        return Proposal(point: lineSpace.point(unit: [Double(k) / 100]))
      }
      mutating func observe(_ o: Observation) throws { if let v = o.value { values.append(v) } }
    }
    var spec = lineSpec(workers: 1, mode: .sync, budget: 2)
    spec.direction = .minimize
    var p = Recorder()
    _ = try Simulator(spec: spec).run(&p, evaluator: ScriptedEvaluator(durations: [1], values: [0.25, 0.5]))
    #expect(p.values == [-0.25, -0.5])
  }
}

@Suite struct SimulatorInputTests {
  @Test func badSpecsAreRejectedNamingTheField() {
    let cases: [(RunSpec, String)] = [
      (lineSpec(workers: 0, mode: .async, budget: 5), "workers"),
      (lineSpec(workers: 1, mode: .async, budget: 0), "budget"),
      (lineSpec(workers: 1, mode: .async, budget: 5, hours: -1), "hours"),
      (lineSpec(workers: 1, mode: .async, budget: nil, hours: nil), "budget"),
    ]
    for (spec, field) in cases {
      let error = #expect(throws: LabError.self) { _ = try Simulator(spec: spec) }
      #expect(error?.location?.field == field)
      #expect(error?.code == .invalidInput)
    }
  }

  @Test func aPointOutsideTheUnitCubeIsReportedWithTheProposersName() throws {
    struct Wild: Proposer {
      var name: String { "wild-proposer" }
      mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
        Proposal(point: lineSpace.point(unit: [1.5]))
      }
      mutating func observe(_ observation: Observation) throws {}
    }
    let sim = try Simulator(spec: lineSpec(workers: 1, mode: .async, budget: 3), checksPoints: true)
    let error = try #require(throws: LabError.self) { try sim.run(Wild(), evaluator: ScriptedEvaluator(durations: [1])) }
    #expect(error.code == .internalInconsistency)
    #expect(error.message.contains("wild-proposer"))
    #expect(error.message.contains("outside the unit cube"))
  }

  @Test func anEvaluationWithoutTheRunsMetricIsAnError() throws {
    var spec = lineSpec(workers: 1, mode: .async, budget: 1)
    spec.metric = "hellaswag.acc"
    let error = try #require(throws: LabError.self) {
      try Simulator(spec: spec).run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [1]))
    }
    #expect(error.message.contains("hellaswag.acc"))
    #expect(error.message.contains("scripted"))
  }

  @Test func evaluationStreamsEqualTheCoreDerivation() {
    for seed: UInt64 in [0, 1, 42, .max] {
      let prefix = EvaluationStreams.prefix(seed: seed)
      for trial in [0, 1, 7, 1000] {
        var a = EvaluationStreams.generator(prefix: prefix, trial: trial)
        var b = SeededGenerator.stream(seed, UInt64(trial), StreamPurpose.evaluation.rawValue)
        let first = (a.next(), b.next())
        let second = (a.next(), b.next())
        #expect(first.0 == first.1 && second.0 == second.1)
      }
    }
  }

  @Test func overheadSpecificationsParseAndBadOnesListTheValidForms() throws {
    #expect(try Overhead(parsing: "none") == .none)
    #expect(try Overhead(parsing: "constant:4") == .constant(seconds: 4))
    #expect(try Overhead(parsing: "linear:1,0.5") == .linear(a: 1, b: 0.5))
    #expect(try Overhead(parsing: "cubic:2,1e-4") == .cubic(a: 2, b: 1e-4))
    #expect(try Overhead(parsing: "measured") == .measured)
    for bad in ["constant", "constant:-1", "linear:1", "cubic:a,b", "sometimes", "none:3"] {
      let error = try #require(throws: LabError.self) { try Overhead(parsing: bad) }
      #expect(error.message.contains(bad))
      #expect(error.message.contains("constant:SECONDS"))
    }
  }
}

@Suite struct SimulatorDeterminismTests {
  static func noisyRun(seed: UInt64, mode: ExecutionMode) throws -> Data {
    let space = SearchSpace.llama32_1B
    let spec = RunSpec(
      algorithm: "random", evaluator: "noisy", space: space, workers: 4, mode: mode, seed: seed,
      metric: MetricName.value, budget: 40)
    return try jsonBytes(try Simulator(spec: spec).run(RandomSearch(space: space), evaluator: NoisyEvaluator()))
  }

  @Test(arguments: [ExecutionMode.sync, .async])
  func theSameSeedGivesByteIdenticalJSONAcrossRepeatsAndThreads(mode: ExecutionMode) async throws {
    let reference = try Self.noisyRun(seed: 11, mode: mode)
    #expect(try Self.noisyRun(seed: 11, mode: mode) == reference)
    #expect(try Self.noisyRun(seed: 12, mode: mode) != reference)
    let results = try await withThrowingTaskGroup(of: Data.self) { group in
      for _ in 0..<8 { group.addTask { try Self.noisyRun(seed: 11, mode: mode) } }
      var all: [Data] = []
      for try await r in group { all.append(r) }
      return all
    }
    #expect(results.count == 8)
    #expect(results.allSatisfy { $0 == reference })
  }

  @Test func approximationsAreRecordedWithoutAWorkerAtTheCurrentTime() throws {
    struct Approximating: Proposer {
      var name: String { "approximating" }
      var k = 0
      var queued: [Approximation] = []
      mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
        guard k < 2 else { return nil }
        defer { k += 1 }
        return Proposal(point: lineSpace.point(unit: [Double(k) / 100]))
      }
      mutating func observe(_ observation: Observation) throws {
        queued.append(Approximation(point: lineSpace.point(unit: [0.5]), value: 0.7, lower: 0.6, upper: 0.8, info: ["score_state": "approximated"]))
      }
      mutating func takeApproximations() -> [Approximation] {
        defer { queued = [] }
        return queued
      }
    }
    let record = try Simulator(spec: lineSpec(workers: 1, mode: .async, budget: 5))
      .run(Approximating(), evaluator: ScriptedEvaluator(durations: [10]))
    #expect(record.trials.map(\.state) == [.completed, .approximated, .completed, .approximated])
    #expect(record.trials[1].worker == -1 && record.trials[1].start == 10 && record.trials[1].end == 10)
    #expect(record.trials[1].metrics[MetricName.value] == 0.7)
    #expect(record.trials[1].metrics["lcb"] == 0.6)
    #expect(record.trials[1].source == .model)
    #expect(record.evaluationCount == 2)
    #expect(record.trials[2].start == 10)
  }
}
