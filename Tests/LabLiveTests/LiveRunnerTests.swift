import Foundation
import LabCore
import LabData
import LabOptimizers
import Testing

@testable import LabLive

/// Counts how many evaluations run at once.
final class Gauge: @unchecked Sendable {
  private let lock = NSLock()
  private var current = 0
  private(set) var peak = 0
  func enter() {
    lock.lock()
    current += 1
    peak = max(peak, current)
    lock.unlock()
  }
  func leave() {
    lock.lock()
    current -= 1
    lock.unlock()
  }
  var maximum: Int {
    lock.lock()
    defer { lock.unlock() }
    return peak
  }
}

/// An in-process live evaluator: sleeps, then scores the point by a known function; stops when asked.
struct ScriptedEvaluator: LiveEvaluator {
  var seconds: Double = 0.1
  /// Trials (by id) that never finish by themselves.
  var hanging: Set<Int> = []
  /// Trials (by id) whose evaluation throws an infrastructure fault.
  var faulty: Set<Int> = []
  let gauge = Gauge()
  var name: String { "scripted" }

  /// The score: −Σ(u − 0.3)², best at u = 0.3.
  static func score(_ p: Point) -> Double { -p.unit.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) } }

  func evaluate(_ trial: LiveTrial, slot: WorkerSlot, stop: StopSignal) async throws -> LiveResult {
    gauge.enter()
    defer { gauge.leave() }
    if faulty.contains(trial.id) { throw LabError(.io, "disk full (scripted)") }
    let end = Date().addingTimeInterval(hanging.contains(trial.id) ? 3600 : seconds)
    while Date() < end {
      if stop.isRequested {
        return LiveResult(
          evaluation: Evaluation(outcome: .failure(FailureReason(FailureCode.interrupted)), durations: .zero, source: .live))
      }
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    return LiveResult(
      evaluation: Evaluation(
        outcome: .success(Metrics([MetricName.hellaswagAcc: Self.score(trial.point)])),
        durations: Durations(training: seconds, evaluation: 0), source: .live),
      details: ["live.slot": String(slot.index)])
  }
}

/// A proposer that records the number of pending points at each proposal.
struct RecordingProposer: Proposer {
  var inner: RandomSearch
  var pendingCounts: [Int] = []
  var observed: [TrialID] = []
  var name: String { "recording" }
  mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    pendingCounts.append(pending.count)
    return try inner.propose(pending: pending, using: &rng)
  }
  mutating func observe(_ observation: Observation) throws {
    observed.append(observation.trial)
    try inner.observe(observation)
  }
}

@Suite("LiveRunner: the async policy on the wall clock", .timeLimit(.minutes(3)))
struct LiveRunnerTests {
  func spec(workers: Int, budget: Int, seed: UInt64 = 11) -> RunSpec {
    RunSpec(algorithm: "random", evaluator: "scripted", space: .llama32_1B, workers: workers, mode: .async, seed: seed,
            budget: budget)
  }

  func runner(workers: Int, budget: Int, seed: UInt64 = 11) throws -> LiveRunner {
    try LiveRunner(
      spec: spec(workers: workers, budget: budget, seed: seed),
      slots: WorkerSlot.partition(workers: workers, perTrial: 0, visible: []))
  }

  @Test("W = 3 slots run 3 trials at once and the budget counts real evaluations")
  func concurrency() async throws {
    let evaluator = ScriptedEvaluator(seconds: 0.15)
    var proposer = RecordingProposer(inner: RandomSearch(space: .llama32_1B))
    var sunk: [TrialID] = []
    let record = try await runner(workers: 3, budget: 7).run(
      proposer: &proposer, evaluator: evaluator, stop: StopSignal()) { sunk.append($0.id) }
    #expect(evaluator.gauge.maximum == 3)
    #expect(record.trials.count == 7 && record.trials.allSatisfy { $0.state == .completed })
    #expect(Set(record.trials.map(\.worker)) == [0, 1, 2])
    #expect(Set(sunk) == Set(0..<7))
    // The first three fill the slots (0, 1, 2 pending); every later proposal sees the two still running.
    #expect(proposer.pendingCounts == [0, 1, 2, 2, 2, 2, 2])
    #expect(proposer.observed.count == 7)
  }

  @Test("a stop ends running trials as interrupted; resuming re-proposes them and ends with the uninterrupted run's points")
  func stopAndResume() async throws {
    // Uninterrupted reference: 5 trials, W = 2.
    var reference = RandomSearch(space: .llama32_1B)
    let full = try await runner(workers: 2, budget: 5).run(
      proposer: &reference, evaluator: ScriptedEvaluator(seconds: 0.05), stop: StopSignal()) { _ in }

    // Session 1: trial 2 hangs; stop once two trials are finished.
    let stop = StopSignal()
    var first = RandomSearch(space: .llama32_1B)
    var saved: [TrialRecord] = []
    let session1 = try await runner(workers: 2, budget: 5).run(
      proposer: &first, evaluator: ScriptedEvaluator(seconds: 0.05, hanging: [2, 3]), stop: stop
    ) { record in
      saved.append(record)
      if saved.filter({ $0.state == .completed }).count == 2 { stop.request() }
    }
    #expect(session1.trials.filter { $0.state == .completed }.count == 2)
    let interrupted = session1.trials.filter { $0.state == .interrupted }
    #expect(!interrupted.isEmpty)
    #expect(interrupted.allSatisfy { $0.failure?.code == FailureCode.interrupted })
    #expect(saved.count == session1.trials.count)

    // Session 2: a fresh proposer, the saved trials; interrupted points go first, with their origin.
    var second = RandomSearch(space: .llama32_1B)
    let session2 = try await runner(workers: 2, budget: 5).run(
      proposer: &second, evaluator: ScriptedEvaluator(seconds: 0.05), previous: saved, stop: StopSignal()) { _ in }
    let completed = session2.trials.filter { $0.state == .completed }
    #expect(completed.count == 5)
    #expect(Set(completed.map(\.point)) == Set(full.trials.map(\.point)))
    let resumed = session2.trials.filter { $0.info["live.resumed_from"] != nil }
    #expect(resumed.map { Int($0.info["live.resumed_from"]!)! }.sorted() == interrupted.map(\.id).sorted())
    for r in resumed {
      #expect(r.point == session1.trials.first { $0.id == Int(r.info["live.resumed_from"]!)! }?.point)
    }
    // Times continue across sessions.
    let lastOfFirst = session1.trials.map(\.end).max() ?? 0
    #expect(session2.trials.filter { $0.id >= session1.trials.count }.allSatisfy { $0.start >= lastOfFirst })

    // A third session resumes a finished run: nothing new is launched.
    var third = RandomSearch(space: .llama32_1B)
    let session3 = try await runner(workers: 2, budget: 5).run(
      proposer: &third, evaluator: ScriptedEvaluator(seconds: 0.05), previous: session2.trials, stop: StopSignal()) { _ in }
    #expect(session3.trials == session2.trials)
  }

  @Test("resuming with another seed is refused: the proposer would not reproduce the record")
  func resumeWithOtherSeed() async throws {
    var p = RandomSearch(space: .llama32_1B)
    let done = try await runner(workers: 1, budget: 2).run(
      proposer: &p, evaluator: ScriptedEvaluator(seconds: 0.01), stop: StopSignal()) { _ in }
    var q = RandomSearch(space: .llama32_1B)
    await #expect(throws: LabError.self) {
      _ = try await runner(workers: 1, budget: 3, seed: 99).run(
        proposer: &q, evaluator: ScriptedEvaluator(seconds: 0.01), previous: done.trials, stop: StopSignal()) { _ in }
    }
  }

  @Test("an LHS design resumes where it stopped (its cursor is replayed, not restarted)")
  func lhsResume() async throws {
    var full = try LatinHypercubeSearch(space: .llama32_1B, count: 4)
    let reference = try await runner(workers: 1, budget: 4).run(
      proposer: &full, evaluator: ScriptedEvaluator(seconds: 0.01), stop: StopSignal()) { _ in }
    var a = try LatinHypercubeSearch(space: .llama32_1B, count: 4)
    let half = try await runner(workers: 1, budget: 2).run(
      proposer: &a, evaluator: ScriptedEvaluator(seconds: 0.01), stop: StopSignal()) { _ in }
    var b = try LatinHypercubeSearch(space: .llama32_1B, count: 4)
    let rest = try await runner(workers: 1, budget: 4).run(
      proposer: &b, evaluator: ScriptedEvaluator(seconds: 0.01), previous: half.trials, stop: StopSignal()) { _ in }
    #expect(rest.trials.map(\.point) == reference.trials.map(\.point))
  }

  @Test("an evaluator fault interrupts the other trials and is thrown after they are recorded")
  func evaluatorFault() async throws {
    var p = RandomSearch(space: .llama32_1B)
    var saved: [TrialRecord] = []
    await #expect(throws: LabError.self) {
      _ = try await runner(workers: 2, budget: 6).run(
        proposer: &p, evaluator: ScriptedEvaluator(seconds: 0.05, hanging: [0], faulty: [1]), stop: StopSignal()
      ) { saved.append($0) }
    }
    #expect(saved.count == 2)
    #expect(saved.allSatisfy { $0.state == .interrupted })
  }

  @Test("with the stand-in litgpt, two CPU workers overlap and every trial lands with metrics and durations")
  func withFakeLitGPT() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    let evaluator = try box.evaluator(fake: ["SLEEP": "0.2"])
    var p = RandomSearch(space: .llama32_1B)
    let record = try await runner(workers: 2, budget: 4).run(proposer: &p, evaluator: evaluator, stop: StopSignal()) { _ in }
    #expect(record.trials.count == 4)
    #expect(record.trials.allSatisfy { $0.state == .completed && $0.metrics[MetricName.mmluAcc] == 0.25 })
    #expect(record.trials.allSatisfy { $0.durations.training >= 0.2 && $0.durations.evaluation >= 0.2 })
    let t0 = record.trials[0]
    let t1 = record.trials[1]
    #expect(t0.start < t1.end && t1.start < t0.end, "the first two trials should run at the same time")
    #expect(record.trials.allSatisfy { $0.info["live.trainable_parameters"] != nil })
    #expect(box.sentinelsIntact)
  }
}

@Suite("Live trials as traces")
struct LiveTraceExportTests {
  @Test("completed and approximated live trials export to lines the trace parser reads back exactly; failed ones are left out")
  func roundTrip() throws {
    let space = SearchSpace.llama32_1B
    let p0 = space.point(base: [43.807402177866486, 14.631339202194047, 0.46840276512386103, -7.685129804384033, -4.24174785824788])
    let p1 = space.point(base: [3.5, 60.25, 0.1, -3, -2])
    let metrics = Metrics([
      "hellaswag.acc": 0.46564429396534557, "hellaswag.acc_stderr": 0.004977988452502632,
      "hellaswag.acc_norm": 0.6170085640310695, "hellaswag.acc_norm_stderr": 0.004851227527070911,
      "mmlu.acc": 0.32801595214356927, "mmlu.acc_stderr": 0.0039306136747817005,
    ])
    let times = ["live.opening_time": "2025-01-20 10:48:43", "live.end_training_time": "2025-01-20 11:20:05",
                 "live.ending_time": "2025-01-20 11:32:39", "live.folder": "/runs/x", "depth": "2", "phase": "sampling"]
    let trials = [
      TrialRecord(id: 0, point: p0, configuration: space.configuration(for: p0), state: .completed, metrics: metrics,
                  durations: Durations(training: 1882, evaluation: 754), worker: 0, start: 0, end: 2636, source: .live, info: times),
      TrialRecord(id: 1, point: p1, configuration: space.configuration(for: p1), state: .failed, metrics: Metrics(),
                  failure: FailureReason(FailureCode.outOfMemory), durations: .zero, worker: 1, start: 0, end: 5, source: .live),
      TrialRecord(id: 2, point: p1, configuration: space.configuration(for: p1), state: .approximated,
                  metrics: Metrics(["hellaswag.acc": 0.4, "lcb": 0.4, "ucb": 0.5]), durations: .zero, worker: -1, start: 5, end: 5,
                  source: .model),
    ]
    let record = RunRecord(spec: RunSpec(algorithm: "bamsoo", evaluator: "litgpt", space: space), trials: trials, makespan: 2636)
    let (lines, skipped) = LiveTraceExport.lines(for: record)
    #expect(skipped == 1 && lines.count == 2)
    #expect(lines[0] == #"{"timing": {"opening_time": "2025-01-20 10:48:43", "end_training_time": "2025-01-20 11:20:05", "ending_time": "2025-01-20 11:32:39"}, "solution": {"base_value": [43.807402177866486, 14.631339202194047, 0.46840276512386103, -7.685129804384033, -4.24174785824788], "converted_values": [43, 14, 0.46840276512386103, 2.064762935585204e-08, 5.731286802231619e-05]}, "score": {"hellaswag": {"acc,none": 0.46564429396534557, "acc_stderr,none": 0.004977988452502632, "acc_norm,none": 0.6170085640310695, "acc_norm_stderr,none": 0.004851227527070911}, "mmlu": {"acc,none": 0.32801595214356927, "acc_stderr,none": 0.0039306136747817005}}, "info": {"depth": 2, "phase": "sampling", "score_state": "evaluated"}}"#)
    let parsed = try TraceParser.parse(data: Data(lines.joined(separator: "\n").utf8), run: "live_bis", file: "live_bis.json")
    #expect(parsed.bad.isEmpty)
    let back = parsed.trials
    #expect(back.count == 2)
    #expect(back[0].metrics == metrics)
    #expect(back[0].base == p0.base && back[0].converted == space.configuration(for: p0).values)
    #expect(back[0].trainingSeconds == 1882 && back[0].evaluationSeconds == 754)
    #expect(back[1].state == .approximated && back[1].ucb == 0.5 && back[1].lcb == 0.4)
  }
}
