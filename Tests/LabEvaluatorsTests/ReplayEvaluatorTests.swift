import Foundation
import LabCore
import LabData
import LabEvaluators
import Testing
import LabTestSupport

@Suite struct ReplayEvaluatorTests {
  @Test func everyRecordedPointReplaysItsOwnMetricsAndDurations() throws {
    let folder = try Fixtures.traceFolder()
    for run in ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"] {
      let replay = try ReplayEvaluator.load(run: run, from: folder)
      let trials = try TraceParser.parse(contentsOf: folder.appendingPathComponent(run + ".json")).trials
      var rng = SeededGenerator(seed: 0)
      for t in trials where t.state == .evaluated {
        let point = replay.space.point(base: t.base)
        let e = try replay.evaluate(replay.space.configuration(for: point), at: point, trial: 0, using: &rng)
        #expect(e.metrics == t.metrics, "\(run):\(t.line)")
        #expect(e.source == .replay(run: run, line: t.line))
        #expect(e.durations.training == t.trainingSeconds)
        if let evaluation = t.evaluationSeconds { #expect(e.durations.evaluation == evaluation) }
      }
    }
  }

  @Test func campaignBDurationsAreTheRecordedTrainingAndEvaluationTimes() throws {
    let replay = try ReplayEvaluator.load(run: "lhs_bis", from: try Fixtures.traceFolder())
    // Line 1: opening 11:39:09, end of training 12:10:07, ending 12:22:53.
    #expect(replay.recorded[0].line == 1)
    #expect(replay.durations[0] == Durations(training: 1858, evaluation: 766))
  }

  @Test func campaignAEvaluationTimeIsTheGapToTheNextOpeningAndTheLastGetsTheMedian() throws {
    let folder = try Fixtures.traceFolder()
    let replay = try ReplayEvaluator.load(run: "lhs", from: folder)
    let trials = replay.recorded
    // Line 1 ends training at 15:50:52; line 2 opens at 16:13:01: 1329 s.
    let gap = try #require(RecordedTrial.seconds(of: trials[1].openingTime)) - (try #require(RecordedTrial.seconds(of: trials[0].endTrainingTime)))
    #expect(replay.durations[0].evaluation == gap)
    #expect(gap == 1329)
    var gaps: [Double] = []
    for i in 0..<(trials.count - 1) { gaps.append(replay.durations[i].evaluation) }
    gaps.sort()
    // 49 gaps: the median is the 25th smallest.
    #expect(gaps.count == 49)
    let median = gaps[24]
    #expect(replay.durations[trials.count - 1].evaluation == median)
  }

  @Test func anAbsentPointUnderTheErrorPolicyNamesThePointAndTheRun() throws {
    let replay = try ReplayEvaluator.load(run: "soo_bis", from: try Fixtures.traceFolder())
    let point = replay.space.point(base: [3.5, 7.25, 0.125, -4.5, -2.5])
    var rng = SeededGenerator(seed: 0)
    let error = try #require(throws: LabError.self) {
      try replay.evaluate(replay.space.configuration(for: point), at: point, trial: 4, using: &rng)
    }
    #expect(error.code == .notFound)
    #expect(error.message.contains("replay:soo_bis"))
    #expect(error.message.contains("[3.5, 7.25, 0.125, -4.5, -2.5]"))
    #expect(error.message.contains("lora_rank=3 lora_alpha=7"))
  }

  @Test func theNearestPolicyAnswersWithTheClosestRecordedTrialAndItsDistance() throws {
    let folder = try Fixtures.traceFolder()
    let replay = try ReplayEvaluator.load(run: "lhs_bis", from: folder, absent: .nearest)
    let target = replay.recorded[7]
    // Nudge the recorded point by 0.001 in unit coordinates along dropout: still nearest to line 8.
    var unit = replay.space.point(base: target.base).unit
    unit[2] += 0.001
    let point = replay.space.point(unit: unit)
    var rng = SeededGenerator(seed: 0)
    let e = try replay.evaluate(replay.space.configuration(for: point), at: point, trial: 0, using: &rng)
    guard case .replayNearest(let run, let line, let distance) = e.source else {
      Issue.record("expected a nearest source, got \(e.source)")
      return
    }
    #expect(run == "lhs_bis" && line == target.line)
    #expect(abs(distance - 0.001) < 1e-12)
    #expect(e.metrics == target.metrics)
  }

  @Test func theSurrogatePolicyDelegatesAbsentPointsOnly() throws {
    let folder = try Fixtures.traceFolder()
    let fallback = ConstantEvaluator(value: 0.42, seconds: 7)
    let replay = try ReplayEvaluator.load(run: "bo_bis", from: folder, absent: .surrogate(fallback))
    var rng = SeededGenerator(seed: 0)
    let absent = replay.space.point(base: [3.5, 7.25, 0.125, -4.5, -2.5])
    let e = try replay.evaluate(replay.space.configuration(for: absent), at: absent, trial: 0, using: &rng)
    #expect(e.metrics?[MetricName.value] == 0.42)
    #expect(e.durations.training == 7)
    let present = replay.space.point(base: replay.recorded[0].base)
    let r = try replay.evaluate(replay.space.configuration(for: present), at: present, trial: 0, using: &rng)
    #expect(r.source == .replay(run: "bo_bis", line: replay.recorded[0].line))
  }

  @Test func anUnknownRunListsTheRecordedOnes() throws {
    let error = try #require(throws: LabError.self) { try ReplayEvaluator.load(run: "sobol", from: try Fixtures.traceFolder()) }
    #expect(error.code == .notFound)
    #expect(error.message.contains("'sobol'"))
    #expect(error.message.contains("bamsoo_bis, bo, bo_bis, lhs, lhs_bis, soo, soo_bis"))
  }

  @Test func approximatedLinesOfBaMSOOAreNotReplayable() throws {
    let folder = try Fixtures.traceFolder()
    let trials = try TraceParser.parse(contentsOf: folder.appendingPathComponent("bamsoo_bis.json")).trials
    let replay = try ReplayEvaluator(run: "bamsoo_bis", trials: trials)
    #expect(replay.recorded.count == trials.filter { $0.state == .evaluated }.count)
    #expect(replay.recorded.allSatisfy { $0.state == .evaluated })
  }
}

@Suite struct ReplayPlaybackRulesTests {
  @Test func playbackAllowsLHSAndSOOAtAnyWidthAndEveryRunSequentially() {
    #expect(Playback.refusal(run: "lhs_bis", workers: 8) == nil)
    #expect(Playback.refusal(run: "soo_bis", workers: 8) == nil)
    #expect(Playback.grouping(ofRun: "soo") == .sooExpansions)
    #expect(Playback.grouping(ofRun: "lhs_bis") == .independent)
    #expect(Playback.refusal(run: "lhs", workers: 64) == nil)
    for run in ["bo", "bo_bis", "soo", "soo_bis", "bamsoo_bis"] { #expect(Playback.refusal(run: run, workers: 1) == nil) }
  }

  @Test func playbackRefusesBOAndBaMSOOUnderSeveralWorkersWithAReason() throws {
    let bo = try #require(Playback.refusal(run: "bo_bis", workers: 4))
    #expect(bo.contains("Bayesian optimisation") && bo.contains("depends on all results"))
    let bamsoo = try #require(Playback.refusal(run: "bamsoo_bis", workers: 4))
    #expect(bamsoo.contains("BaMSOO"))
    #expect(Playback.algorithm(ofRun: "bamsoo_bis") == "bamsoo")
  }

  @Test func theRecordedSequenceProposesTheRecordedBasePointsInOrderThenStops() throws {
    let folder = try Fixtures.traceFolder()
    let trials = try TraceParser.parse(contentsOf: folder.appendingPathComponent("soo_bis.json")).trials
    var proposer = RecordedSequenceProposer(run: "soo_bis", trials: trials)
    var rng = SeededGenerator(seed: 0)
    var seen: [[Double]] = []
    while let p = try proposer.propose(pending: [], using: &rng) {
      seen.append(p.point.base)
      if seen.count == 1 { #expect(p.info["line"] == "1" && p.info["depth"] == "0") }
    }
    #expect(seen == trials.filter { $0.state == .evaluated }.map(\.base))
  }

  @Test func sooPlaybackWaitsBetweenExpansionsAndGroupsTheChildrenOfEach() throws {
    let folder = try Fixtures.traceFolder()
    let trials = try TraceParser.parse(contentsOf: folder.appendingPathComponent("soo_bis.json")).trials
    var proposer = RecordedSequenceProposer(run: "soo_bis", trials: trials)
    // 51 lines in 29 runs of equal (loop, depth): line 1 alone (the root), then lines 2-3 (depth 1 of loop 0).
    #expect(proposer.groupCount == 29)
    var rng = SeededGenerator(seed: 0)
    let root = try #require(try proposer.propose(pending: [], using: &rng))
    #expect(root.info["line"] == "1")
    // The root is still pending: the next group must wait.
    #expect(try proposer.propose(pending: [root.point], using: &rng) == nil)
    let a = try #require(try proposer.propose(pending: [], using: &rng))
    let b = try #require(try proposer.propose(pending: [a.point], using: &rng))
    #expect(a.info["line"] == "2" && b.info["line"] == "3")
    #expect(try proposer.propose(pending: [a.point, b.point], using: &rng) == nil)
  }
}
