import LabCore
import LabPresentation
import Testing

/// What `hpolab run` prints for a limited run: the result read at the horizon, later values set apart.
@Suite struct RunSummaryTests {
  static let space: SearchSpace = {
    guard let s = try? SearchSpace([Parameter("x", .float, lower: 0, upper: 1)]) else { fatalError("valid") }
    return s
  }()

  /// A trial of value `value` on `worker` over [start, end] hours.
  static func trial(_ id: Int, _ value: Double?, worker: Int, _ start: Double, _ end: Double, state: TrialState = .completed)
    -> TrialRecord
  {
    let point = space.point(unit: [0.5])
    return TrialRecord(
      id: id, point: point, configuration: space.configuration(for: point), state: state,
      metrics: Metrics(value.map { [MetricName.value: $0] } ?? [:]), durations: .zero, worker: worker,
      start: start * 3600, end: end * 3600, source: .function(name: "hand"))
  }

  /// Two workers, hours 2: trials end at 1.0 h (0.3), 1.5 h (0.5) and 2.5 h (0.9, started at 1.0 h).
  /// The result at the 2 h horizon is 0.5 (trial 1); 0.9 arrived after it and is printed apart.
  @Test func theBestOfAnHoursLimitedRunIsTheBestEndedByTheLimit() {
    let spec = RunSpec(
      algorithm: "random", evaluator: "hand", space: Self.space, workers: 2, metric: MetricName.value, budget: nil, hours: 2)
    let record = RunRecord(
      spec: spec, trials: [Self.trial(0, 0.3, worker: 0, 0, 1), Self.trial(1, 0.5, worker: 1, 0, 1.5), Self.trial(2, 0.9, worker: 0, 1, 2.5)],
      makespan: 2.5 * 3600)
    let text = RunSummary.text(of: record)
    #expect(text.contains("best value: 0.5 (trial 1, maximised; trials ended by the 2.0 h horizon)"))
    #expect(text.contains("after horizon: 0.9 (trial 2, started before it, ended at 2.5 h; not counted)"))
  }

  /// A node-hours budget of 4 on 2 workers is a 2 h horizon, read the same way.
  @Test func aNodeHoursBudgetIsReadAtItsHorizon() {
    let spec = RunSpec(
      algorithm: "random", evaluator: "hand", space: Self.space, workers: 2, metric: MetricName.value, budget: nil,
      nodeHours: 4)
    let record = RunRecord(
      spec: spec, trials: [Self.trial(0, 0.3, worker: 0, 0, 1), Self.trial(1, 0.9, worker: 1, 1, 2.2)], makespan: 2.2 * 3600)
    #expect(RunSummary.text(of: record).contains("best value: 0.3 (trial 0, maximised; trials ended by the 2.0 h horizon)"))
  }

  /// Discarded proposals are counted apart from evaluations.
  @Test func discardedProposalsAreCountedApart() {
    let spec = RunSpec(algorithm: "random", evaluator: "hand", space: Self.space, workers: 2, metric: MetricName.value, target: 0.3)
    let record = RunRecord(
      spec: spec,
      trials: [Self.trial(0, 0.3, worker: 0, 0, 1), Self.trial(1, nil, worker: -1, 1.1, 1.1, state: .discarded)], makespan: 3600)
    let text = RunSummary.text(of: record)
    #expect(text.contains("evaluations:  1 (1 proposal discarded: ready after the target was reached)"))
    #expect(!text.contains("after horizon"))
  }
}
