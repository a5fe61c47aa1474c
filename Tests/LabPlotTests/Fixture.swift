import Foundation
import LabCore
import LabData
import LabPlot

/// A small fixed study, built by hand so that the golden data files never depend on other modules.
///
/// Three algorithms × seeds {0, 1, 2} × settings {W = 1 async, W = 4 async, W = 4 sync},
/// 8 trials each on campaign B's space. Scores rise with the trial index at an
/// algorithm-specific rate plus seeded noise; trial 5 of seed 2 fails. Durations
/// are 1500–2500 s, drawn from the same seeded stream, and workers are scheduled
/// earliest-free (async) or batch by batch (sync).
enum Fixture {
  static let algorithms = ["bo", "soo", "random"]
  static let settings: [(Int, ExecutionMode)] = [(1, .async), (4, .async), (4, .sync)]

  static func run(algorithm: String, workers: Int, mode: ExecutionMode, seed: UInt64, trials: Int = 8) -> RunRecord {
    let space = SearchSpace.llama32_1B
    var rng = SeededGenerator.stream(seed, UInt64(stableHash(algorithm)), UInt64(workers), mode == .sync ? 1 : 0)
    let rate = ["bo": 0.04, "soo": 0.025, "random": 0.01][algorithm] ?? 0.02
    var free = [Double](repeating: 0, count: workers)
    var records: [TrialRecord] = []
    var batchEnd = 0.0
    for id in 0..<trials {
      let point = space.point(unit: (0..<space.dimension).map { _ in rng.uniform() })
      let duration = 1500 + 1000 * rng.uniform()
      let noise = 0.02 * rng.uniform()
      var worker = 0
      for w in free.indices where free[w] < free[worker] { worker = w }
      var start = free[worker]
      if mode == .sync {
        if id % workers == 0 { start = batchEnd; for w in free.indices { free[w] = batchEnd } }
        worker = id % workers
        start = free[worker]
      }
      let end = start + duration
      free[worker] = end
      if mode == .sync { batchEnd = max(batchEnd, end) }
      let failed = seed == 2 && id == 5
      let h = 0.30 + rate * Double(id) + noise
      let metrics = failed ? Metrics() : Metrics([MetricName.hellaswagAcc: h, MetricName.mmluAcc: 0.25 + 0.6 * (h - 0.3)])
      records.append(
        TrialRecord(
          id: id, point: point, configuration: space.configuration(for: point), state: failed ? .failed : .completed,
          metrics: metrics, failure: failed ? FailureReason("collapsed") : nil,
          durations: Durations(training: duration * 0.7, evaluation: duration * 0.3), worker: worker, start: start, end: end,
          source: .function(name: "fixture")))
    }
    let spec = RunSpec(
      algorithm: algorithm, evaluator: "fixture", space: space, workers: workers, mode: mode, seed: seed, budget: trials)
    return RunRecord(spec: spec, trials: records, makespan: records.map(\.end).max() ?? 0)
  }

  static let study: [RunRecord] = {
    var out: [RunRecord] = []
    for (w, mode) in settings {
      for a in algorithms {
        for seed: UInt64 in 0..<3 { out.append(run(algorithm: a, workers: w, mode: mode, seed: seed)) }
      }
    }
    return out
  }()

  static let ranks: RanksData = {
    guard let r = try? RanksData(
      algorithms: ["bo", "soo", "bamsoo", "lhs", "random"], ranks: [1.8, 2.9, 2.4, 3.6, 4.3], criticalDifference: 1.364,
      alpha: 0.05, problems: 30, subtitle: "fixture")
    else { fatalError("fixture ranks are valid") }
    return r
  }()

  static let parity: ParityData = {
    var rng = SeededGenerator(seed: 11)
    var points: [ParityData.Point] = []
    for i in 0..<16 {
      let recorded = 0.3 + 0.02 * Double(i)
      let predicted = recorded + 0.04 * (rng.uniform() - 0.5)
      points.append(.init(recorded: recorded, predicted: predicted, lower: predicted - 0.02, upper: predicted + 0.02, group: i % 2 == 0 ? "bo_bis" : "soo_bis"))
    }
    return ParityData(metric: MetricName.hellaswagAcc, points: points, subtitle: "fixture")
  }()

  /// The study's figures in PNG, from the fixed data.
  static func figures(_ format: FigureFormat = .png) throws -> [Figure] {
    let style = FigureStyle.standard(format)
    let one = run(algorithm: "bo", workers: 4, mode: .async, seed: 2)
    return [
      try Figures.convergence(try ConvergenceData.summarizing(study, axis: .evaluations, subtitle: "fixture"), style: style),
      try Figures.convergence(try ConvergenceData.summarizing(study, axis: .hours, subtitle: "fixture", gridPoints: 25), style: style),
      try Figures.scaling(try ScalingData.summarizing(study, target: 0.45, subtitle: "fixture"), style: style),
      try Figures.timeline(TimelineData(run: one), style: style),
      try Figures.variables(VariablesData(run: one), style: style),
      try Figures.scores(ScoresData(runs: study.filter { $0.spec.seed == 0 && $0.spec.workers == 1 }, subtitle: "fixture"), style: style),
      try Figures.ranks(ranks, style: style),
      try Figures.parity(parity, style: style),
    ]
  }
}
