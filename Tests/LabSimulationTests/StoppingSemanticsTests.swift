import LabCore
import Testing

@testable import LabSimulation

/// Issue 14 item 6: the target stops every start after the instant it is reached (proposals in flight
/// included), and the result of an hours- or node-hours-limited run is read at its horizon — with
/// optimiser overhead on, in both modes. Expected tables are worked out by hand in the comments
/// (``CountingProposer`` proposes trial k at x = k/100; ``ScriptedEvaluator`` reads k back).
@Suite struct TargetStoppingWithOverheadTests {
  /// W = 3, 10 s per proposal, durations 15, 100, 100 s and values 0.9, 0.1, 0.5, target 0.9.
  /// Async: worker 0 asks at 0 → trial 0 starts 10; the proposer is busy until 10, so worker 1 asks
  /// at 10 → trial 1 starts 20; worker 2 asks at 20 → trial 2 would start 30. Sync: the batch's
  /// proposals are computed back to back from 0 → starts 10, 20, 30. Either way trial 0 ends at 25
  /// with 0.9: trial 1 (started at 20) runs to 120; trial 2 (ready at 30 > 25) is discarded.
  @Test(arguments: [ExecutionMode.async, .sync])
  func aProposalStillBeingComputedWhenTheTargetIsReachedIsDiscarded(mode: ExecutionMode) throws {
    var proposer = CountingProposer()
    let sim = try Simulator(spec: lineSpec(workers: 3, mode: mode, budget: 50, target: 0.9), overhead: .constant(seconds: 10))
    let record = try sim.run(&proposer, evaluator: ScriptedEvaluator(durations: [15, 100, 100], values: [0.9, 0.1, 0.5]))
    #expect(table(record) == [[0, 10, 25], [1, 20, 120], [-1, 30, 30]])
    #expect(record.trials.map(\.state) == [.completed, .completed, .discarded])
    #expect(record.trials[2].metrics.values.isEmpty)
    #expect(record.trials[2].failure?.code == "target-reached")
    #expect(record.evaluationCount == 2)
    #expect(record.makespan == 120)
    // The proposer was asked three times and told only of the two trials that ran.
    #expect(proposer.proposed == 3)
    #expect(proposer.observed == [0, 1])
  }

  /// Sync, W = 4, 10 s per proposal: starts 10, 20, 30, 40; trial 0 (5 s, value 1) ends at 15 and
  /// reaches the target 1: trials 1, 2 and 3 (ready at 20, 30, 40 > 15) never start. Without the rule
  /// all four ran and the makespan was 40 + 5 = 45.
  @Test func theRestOfASyncBatchStillBeingProposedIsDiscarded() throws {
    let sim = try Simulator(spec: lineSpec(workers: 4, mode: .sync, budget: 50, target: 1), overhead: .constant(seconds: 10))
    let record = try sim.run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [5], values: [1, 0, 0, 0]))
    #expect(table(record) == [[0, 10, 15], [-1, 20, 20], [-1, 30, 30], [-1, 40, 40]])
    #expect(record.trials.filter { $0.state == .discarded }.count == 3)
    #expect(record.makespan == 15)
  }

  /// Sync, W = 3, 10 s per proposal, trial 0 lasts 20 s: it reaches the target at 30, the instant
  /// trial 2 starts. "No trial starts *after* that instant": trial 2, starting at it, runs (30 → 50).
  @Test func aTrialStartingAtTheVeryInstantTheTargetIsReachedRuns() throws {
    let sim = try Simulator(spec: lineSpec(workers: 3, mode: .sync, budget: 50, target: 1), overhead: .constant(seconds: 10))
    let record = try sim.run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [20], values: [1, 0, 0]))
    #expect(table(record) == [[0, 10, 30], [1, 20, 40], [2, 30, 50]])
    #expect(record.trials.allSatisfy { $0.state == .completed })
  }

  /// Without overhead no proposal is ever in flight: the target rule discards nothing (the
  /// pre-existing behaviour, `SimulatorStoppingTests`).
  @Test(arguments: [ExecutionMode.async, .sync])
  func withoutOverheadNothingIsDiscarded(mode: ExecutionMode) throws {
    let record = try Simulator(spec: lineSpec(workers: 3, mode: mode, budget: 50, target: 0.9))
      .run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [15, 100, 100], values: [0.9, 0.1, 0.5]))
    #expect(table(record) == [[0, 0, 15], [1, 0, 100], [2, 0, 100]])
  }
}

@Suite struct HorizonResultTests {
  /// W = 2, 600 s per proposal, one-hour trials, values = trial ids, hours 2 (7,200 s).
  /// Async: 0 starts 600 (ends 4,200); 1 starts 1,200 (4,800); at 4,200 worker 0 asks → 2 starts
  /// 4,800 (8,400); at 4,800 worker 1 asks → 3 starts 5,400 (9,000); at 8,400 the next start would
  /// be 9,000 ≥ 7,200: stop. Sync: batch 1 starts 600, 1,200 (ends 4,200, 4,800); batch 2 asked at
  /// 4,800 starts 5,400, 6,000 (ends 9,000, 9,600); batch 3 would start at 10,200: stop.
  /// Both: the trials ended by 2 h are 0 and 1, so the result is 1 (trial 1), not 3.
  @Test(arguments: [
    (ExecutionMode.async, [[0.0, 600, 4200], [1, 1200, 4800], [0, 4800, 8400], [1, 5400, 9000]]),
    (ExecutionMode.sync, [[0.0, 600, 4200], [1, 1200, 4800], [0, 5400, 9000], [1, 6000, 9600]]),
  ])
  func theResultOfAnHoursLimitedRunCountsOnlyTrialsEndedByTheLimit(mode: ExecutionMode, expected: [[Double]]) throws {
    let sim = try Simulator(spec: lineSpec(workers: 2, mode: mode, budget: nil, hours: 2), overhead: .constant(seconds: 600))
    let record = try sim.run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [3600]))
    #expect(table(record) == expected)
    #expect(record.bestTrialWithinHorizon?.id == 1)
    #expect(record.best(atHours: 2) == 1)
    #expect(record.bestTrial?.id == 3)
  }

  /// 8 node-hours of one-hour trials: W = 4 runs for 2 h (starts at 0 and 1 h, 8 trials), W = 1 for
  /// 8 h (starts at 0, 1, …, 7 h, 8 trials); with `hours = 1.5` as well, W = 4 stops at 1.5 h.
  @Test func aNodeHoursBudgetIsWTimesElapsedHours() throws {
    func run(workers: Int, hours: Double? = nil) throws -> RunRecord {
      var spec = lineSpec(workers: workers, mode: .async, budget: nil, hours: hours)
      spec.nodeHours = 8
      return try Simulator(spec: spec).run(CountingProposer(), evaluator: ScriptedEvaluator(durations: [3600]))
    }
    let four = try run(workers: 4)
    #expect(four.spec.horizonHours == 2)
    #expect(four.trials.map(\.start) == [0, 0, 0, 0, 3600, 3600, 3600, 3600])
    let one = try run(workers: 1)
    #expect(one.spec.horizonHours == 8)
    #expect(one.trials.map(\.start) == (0..<8).map { Double($0) * 3600 })
    let both = try run(workers: 4, hours: 1.5)
    #expect(both.spec.horizonHours == 1.5)
    #expect(both.trials.count == 8)
    // Trials 4…7 started at 1 h and ended at 2 h, after the 1.5 h horizon: the result is trial 3's value.
    #expect(both.bestTrialWithinHorizon?.id == 3)
  }

  @Test func aNodeHoursBudgetOutsideItsRangeIsRefused() {
    for bad in [0, -1, .infinity, .nan, 2e6] {
      var spec = lineSpec(workers: 1, mode: .async, budget: nil)
      spec.nodeHours = bad
      #expect(throws: LabError.self) { try Simulator(spec: spec) }
    }
    // A node-hours budget alone is a limit: no evaluation budget needed.
    var spec = lineSpec(workers: 1, mode: .async, budget: nil)
    spec.nodeHours = 1
    #expect(throws: Never.self) { try Simulator(spec: spec) }
  }
}
