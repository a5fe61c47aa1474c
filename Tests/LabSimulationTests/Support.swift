import Foundation
import LabCore
@testable import LabSimulation

/// A one-dimensional space for scripted tests.
let lineSpace: SearchSpace = {
  guard let s = try? SearchSpace([Parameter("x", .float, lower: 0, upper: 1)]) else { fatalError("valid") }
  return s
}()

/// Proposes x = 0, 0.01, 0.02, … (trial k at x = k/100), records what it was told and the pending counts it saw.
struct CountingProposer: Proposer {
  var name: String { "counting" }
  var proposed = 0
  /// Stop (answer nil) after this many proposals.
  var limit = Int.max
  var observed: [TrialID] = []
  var failures: [TrialID] = []
  var pendingCounts: [Int] = []
  mutating func propose(pending: [Point], using rng: inout SeededGenerator) throws -> Proposal? {
    pendingCounts.append(pending.count)
    guard proposed < limit else { return nil }
    defer { proposed += 1 }
    return Proposal(point: lineSpace.point(unit: [Double(proposed) / 100]))
  }
  mutating func observe(_ observation: Observation) throws {
    observed.append(observation.trial)
    if case .failed = observation.result { failures.append(observation.trial) }
  }
}

/// Durations and values scripted per trial id (read back from the point x = id/100); trials listed in `failing` fail.
struct ScriptedEvaluator: Evaluator {
  var durations: [Double]
  var values: [Double] = []
  var failing: Set<Int> = []
  var name: String { "scripted" }
  var metricNames: [String] { [MetricName.value] }
  func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator) throws
    -> Evaluation
  {
    let k = Int((configuration.values[0] * 100).rounded())
    let d = Durations(training: durations[k % durations.count], evaluation: 0)
    if failing.contains(k) { return Evaluation(outcome: .failure(FailureReason("collapsed")), durations: d, source: .function(name: "scripted")) }
    let v = values.isEmpty ? Double(k) : values[k % values.count]
    return Evaluation(outcome: .success(Metrics([MetricName.value: v])), durations: d, source: .function(name: "scripted"))
  }
}

/// A noisy evaluator: value and durations drawn from the per-trial stream.
struct NoisyEvaluator: Evaluator {
  var name: String { "noisy" }
  var metricNames: [String] { [MetricName.value] }
  func evaluate(_ configuration: Configuration, at point: Point, trial: TrialID, using rng: inout SeededGenerator) throws
    -> Evaluation
  {
    let v = -configuration.values.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) } + 0.01 * rng.normal()
    let d = Durations(training: 1000 + 500 * rng.uniform(), evaluation: 300 + 100 * rng.uniform())
    if rng.uniform() < 0.05 { return Evaluation(outcome: .failure(FailureReason("collapsed")), durations: d, source: .function(name: "noisy")) }
    return Evaluation(outcome: .success(Metrics([MetricName.value: v])), durations: d, source: .function(name: "noisy"))
  }
}

/// A spec over `lineSpace` maximising `value`.
func lineSpec(workers: Int, mode: ExecutionMode, budget: Int?, hours: Double? = nil, target: Double? = nil, seed: UInt64 = 0)
  -> RunSpec
{
  RunSpec(
    algorithm: "counting", evaluator: "scripted", space: lineSpace, workers: workers, mode: mode, seed: seed,
    metric: MetricName.value, budget: budget, hours: hours, target: target)
}

/// The trials' (worker, start, end) rows, for comparing with a hand-checked table.
func table(_ record: RunRecord) -> [[Double]] {
  record.trials.map { [Double($0.worker), $0.start, $0.end] }
}

/// The record as key-sorted JSON bytes.
func jsonBytes(_ record: RunRecord) throws -> Data {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  return try encoder.encode(record)
}
