import Foundation
import LabCore
import LabData
import LabEvaluators
import LabSimulation
import Testing
import LabTestSupport

@Suite struct PlaybackTests {
  static func playback(_ run: String, workers: Int, mode: ExecutionMode) throws -> (RunRecord, [RecordedTrial]) {
    let folder = try Fixtures.traceFolder()
    let trials = try TraceParser.parse(contentsOf: folder.appendingPathComponent(run + ".json")).trials
    let replay = try ReplayEvaluator(run: run, trials: trials)
    let proposer = RecordedSequenceProposer(run: run, trials: trials)
    let spec = RunSpec(
      algorithm: "playback", evaluator: replay.name, space: replay.space, workers: workers, mode: mode,
      budget: proposer.count)
    return (try Simulator(spec: spec).run(proposer, evaluator: replay), trials.filter { $0.state == .evaluated })
  }

  @Test func lhsPlaybackWithOneWorkerReproducesTheRecordedBestSoFar() throws {
    let (record, recorded) = try Self.playback("lhs_bis", workers: 1, mode: .async)
    var best = -Double.infinity
    let expected = recorded.map { t -> Double in
      best = max(best, t.metrics[MetricName.hellaswagAcc] ?? best)
      return best
    }
    #expect(record.bestSoFarByEvaluations() == expected)
    #expect(record.trials.map(\.source) == recorded.map { .replay(run: "lhs_bis", line: $0.line) })
    // Back to back on one worker: each starts when the previous ends; the makespan is the sum of recorded durations.
    for (a, b) in zip(record.trials, record.trials.dropFirst()) { #expect(b.start == a.end) }
    let total = recorded.reduce(0.0) { $0 + ($1.trainingSeconds ?? 0) + ($1.evaluationSeconds ?? 0) }
    #expect(abs(record.makespan - total) < 1e-6)
    #expect(record.utilization == 1)
  }

  @Test(arguments: [ExecutionMode.async, .sync])
  func lhsPlaybackWithFiveWorkersTakesAboutAFifthOfTheTime(mode: ExecutionMode) throws {
    let (one, _) = try Self.playback("lhs_bis", workers: 1, mode: .async)
    let (five, _) = try Self.playback("lhs_bis", workers: 5, mode: mode)
    let ratio = five.makespan / one.makespan
    // Durations differ by a few percent between trials: 50 trials on 5 workers end within ±3 % of a fifth.
    #expect(ratio > 0.197 && ratio < 0.206, "ratio \(ratio)")
    #expect(five.evaluationCount == 50)
    #expect(five.bestTrial?.id == one.bestTrial?.id)
    #expect(five.utilization > 0.95)
  }

  @Test(arguments: [ExecutionMode.sync, .async])
  func sooPlaybackRunsTheChildrenOfEachExpansionTogetherAndKeepsEveryRecordedDecision(mode: ExecutionMode) throws {
    let (one, recorded) = try Self.playback("soo_bis", workers: 1, mode: .sync)
    let (four, _) = try Self.playback("soo_bis", workers: 4, mode: mode)
    // Same points, same recorded metrics, same best; only the order of completion within a group may differ.
    #expect(four.trials.map(\.point) == one.trials.map(\.point))
    #expect(four.trials.map(\.metrics) == one.trials.map(\.metrics))
    #expect(four.bestSoFarByEvaluations().last == one.bestSoFarByEvaluations().last)
    // Expected makespan: the sum over groups (consecutive equal loop/depth) of the group's longest trial.
    var expected = 0.0
    var groupMax = 0.0
    var previous: String? = nil
    for t in recorded {
      let key = "\(t.info("loop")?.description ?? "")/\(t.info("depth")?.description ?? "")"
      let d = (t.trainingSeconds ?? 0) + (t.evaluationSeconds ?? 0)
      if key != previous {
        expected += groupMax
        groupMax = 0
      }
      groupMax = max(groupMax, d)
      previous = key
    }
    expected += groupMax
    #expect(four.makespan == expected)
    #expect(four.makespan < 0.6 * one.makespan)
    #expect(Set(four.trials.map(\.worker)).isSubset(of: [0, 1]))
  }
}
