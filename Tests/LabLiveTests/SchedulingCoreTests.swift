import Foundation
import LabCore
import LabData
import LabOptimizers
import LabSimulation
import Testing

@testable import LabLive

/// A deterministic evaluator for both runners: the score and the duration are functions of the point alone.
///
/// score −Σ(u − 0.3)² (best at u = 0.3); duration 10 + 7·u₀ + 3·u₁ + 0.001·(Σu) "seconds", so that no two trials of
/// these short runs end at the same instant (the simulator tells simultaneous ends together, the live runner one by one).
struct PointFunction: Evaluator {
  var name: String { "point-function" }
  var metricNames: [String] { [MetricName.hellaswagAcc] }
  static func score(_ p: Point) -> Double { -p.unit.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) } }
  static func duration(_ p: Point) -> Double { 10 + 7 * p.unit[0] + 3 * p.unit[1] + 0.001 * p.unit.reduce(0, +) }
  func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator) throws
    -> Evaluation
  {
    Evaluation(
      outcome: .success(Metrics([MetricName.hellaswagAcc: Self.score(point)])),
      durations: Durations(training: Self.duration(point), evaluation: 0), source: .function(name: name))
  }
}

/// Virtual time for live trials: a trial "ends" at start + duration, and trials are let go one at a time in order of their ends.
///
/// The runner reports every launch (`onStart`) and every record (`sink`) synchronously. The earliest end is released
/// only when every launched trial is waiting here, the previous release has been recorded, and nothing has happened for
/// a moment — the runner's code between two completions has no suspension point, so by then it is waiting for the next
/// completion. Completions thus reach the live runner in the simulator's order, whatever the machine's load.
final class VirtualTime: @unchecked Sendable {
  private let lock = NSLock()
  private var now = 0.0
  private var launched = 0
  private var released = 0
  private var unrecorded: TrialID? = nil
  private var waiting: [(end: Double, id: TrialID, resume: CheckedContinuation<Void, Never>)] = []
  private var lastEvent = Date()
  private var done = false

  init() {
    Task.detached { [self] in
      while !self.isDone {
        self.releaseIfQuiet()
        try? await Task.sleep(nanoseconds: 5_000_000)
      }
    }
  }

  private var isDone: Bool { lock.withLock { done } }
  func finish() { lock.withLock { done = true } }
  func started() { lock.withLock { launched += 1; lastEvent = Date() } }
  func recorded(_ id: TrialID) {
    lock.withLock {
      if unrecorded == id { unrecorded = nil }
      lastEvent = Date()
    }
  }

  func wait(trial: TrialID, duration: Double) async {
    await withCheckedContinuation { c in
      lock.withLock {
        waiting.append((now + duration, trial, c))
        lastEvent = Date()
      }
    }
  }

  private func releaseIfQuiet() {
    let next: CheckedContinuation<Void, Never>? = lock.withLock {
      guard unrecorded == nil, !waiting.isEmpty, waiting.count == launched - released,
        Date().timeIntervalSince(lastEvent) > 0.15
      else { return nil }
      let k = waiting.indices.min { (waiting[$0].end, waiting[$0].id) < (waiting[$1].end, waiting[$1].id) }!
      let item = waiting.remove(at: k)
      now = item.end
      released += 1
      unrecorded = item.id
      return item.resume
    }
    next?.resume()
  }
}

/// The live side of ``PointFunction``: waits its duration in virtual time, then scores.
struct VirtualLiveEvaluator: LiveEvaluator {
  let time: VirtualTime
  var name: String { "point-function" }
  func evaluate(_ trial: LiveTrial, slot: WorkerSlot, stop: StopSignal) async throws -> LiveResult {
    await time.wait(trial: trial.id, duration: PointFunction.duration(trial.point))
    return LiveResult(
      evaluation: Evaluation(
        outcome: .success(Metrics([MetricName.hellaswagAcc: PointFunction.score(trial.point)])),
        durations: Durations(training: PointFunction.duration(trial.point), evaluation: 0), source: .live))
  }
}

@Suite("One scheduling core: the simulator and the live runner make the same decisions", .timeLimit(.minutes(4)))
struct SchedulingCoreTests {
  /// The (id, point, worker, state) sequence of a run, approximations included.
  func sequence(_ r: RunRecord) -> [String] {
    r.trials.sorted { $0.id < $1.id }.map { "\($0.id) \($0.point.base) w\($0.worker) \($0.state.rawValue)" }
  }

  @Test(
    "the same proposer through the simulator and the live runner gives the same trial sequence",
    arguments: [("soo", ["budget": "recorded"]), ("lhs", [:]), ("bamsoo", ["budget": "recorded"]), ("random", [:])])
  func sameSequence(algorithm: String, options: [String: String]) async throws {
    let workers = 2
    let budget = 12
    let spec = RunSpec(
      algorithm: algorithm, options: options, evaluator: "point-function", space: .llama32_1B, workers: workers,
      mode: .async, seed: 5, metric: MetricName.hellaswagAcc, direction: .maximize, budget: budget)
    func proposer() throws -> any Proposer {
      try ProposerCatalogue.make(algorithm, options: options, space: spec.space, budget: budget, workers: workers, mode: .async)
    }
    let simulated = try Simulator(spec: spec).run(try proposer(), evaluator: PointFunction())

    var live = try proposer()
    let runner = try LiveRunner(spec: spec, slots: WorkerSlot.partition(workers: workers, perTrial: 0, visible: []))
    let time = VirtualTime()
    defer { time.finish() }
    let record = try await runner.run(
      proposer: &live, evaluator: VirtualLiveEvaluator(time: time), stop: StopSignal(), onStart: { _ in time.started() }
    ) { time.recorded($0.id) }

    #expect(sequence(record) == sequence(simulated))
    let evaluated = simulated.trials.filter { $0.state == .completed }.count
    if algorithm == "soo" || algorithm == "bamsoo" {
      // As recorded, SOO checks the budget only when a sweep starts, so it overshoots (soo_bis: 51 for 50; here the
      // sweep under way when the 12th trial starts finishes); the live runner now lets it, exactly like the simulator
      // (it used to cap it at the budget).
      #expect(evaluated > budget)
    } else {
      #expect(evaluated == budget)
    }
  }
}
