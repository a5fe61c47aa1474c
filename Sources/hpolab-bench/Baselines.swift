// `hpolab-bench baselines OUT`: TPE and CMA-ES on the analytic functions, for the peer comparison
// with Optuna's TPESampler and CmaEsSampler (bench/peers/baselines.py, compare_baselines.py).
//
// Notation
//   f, f*        a function of LabEvaluators/Functions and its known minimum
//   regret(n)    min over the first n evaluations of f, minus f* (simple regret)
//   step time    thread CPU time of one propose + observe (clock_gettime(CLOCK_THREAD_CPUTIME_ID)),
//                over every step of every run (n = 1 … 100); CPU time, not wall time, because the
//                machine is shared while the benchmarks run
//
// Each run drives the proposer directly, sequentially (W = 1), from SeededGenerator(seed: s)
// for seeds s = 0 … 19, with the catalogue's default options, 100 evaluations.

import Foundation
import LabCore
import LabEvaluators
import LabOptimizers

/// The functions and budgets of the baseline comparison (issue 20's targets).
let baselineFunctions = ["branin", "himmelblau", "hartmann6", "ackley5", "rosenbrock5"]
let baselineAlgorithms = ["tpe", "cmaes"]
let baselineCheckpoints = [25, 50, 100]

/// Median regret at each checkpoint for one algorithm on one function, and every run's regret at 50 and 100.
struct BaselineCell: Codable {
  var medianRegret: [String: Double]
  var regret50: [Double]
  var regret100: [Double]
}

/// What `hpolab-bench baselines` writes.
struct BaselineReport: Codable {
  var machine: [String: String]
  var seeds: Int
  var budget: Int
  /// algorithm → function → cell.
  var cells: [String: [String: BaselineCell]]
  /// algorithm → per-step thread CPU seconds (median and quartiles over every step of every run).
  var stepCPUSeconds: [String: Sample]
}

/// One sequential run of `algorithm` on `function`: best-so-far regrets after each evaluation, and each step's CPU seconds.
func baselineRun(_ algorithm: String, function: TestFunction, seed: Int, budget: Int) throws -> (regrets: [Double], steps: [Double]) {
  var proposer = try ProposerCatalogue.make(algorithm, space: function.space, budget: budget)
  var rng = SeededGenerator(seed: UInt64(seed))
  var best = Double.infinity
  var regrets: [Double] = []
  var steps: [Double] = []
  var pendingValue: (Point, Double)? = nil
  for trial in 0..<budget {
    let t0 = threadCPUTime()
    if let (point, value) = pendingValue {
      try proposer.observe(Observation(trial: trial - 1, point: point, result: .value(-value)))
    }
    guard let proposal = try proposer.propose(pending: [], using: &rng) else { break }
    steps.append(threadCPUTime() - t0)
    let value = function.value(function.space.configuration(for: proposal.point).values)
    best = min(best, value)
    regrets.append(function.regret(best))
    pendingValue = (proposal.point, value)
  }
  return (regrets, steps)
}

/// Every baseline run, sequentially on this thread (so that per-step CPU time is not shared).
func baselinesBench(seeds: Int = 20, budget: Int = 100) throws -> BaselineReport {
  var cells: [String: [String: BaselineCell]] = [:]
  var stepTimes: [String: Sample] = [:]
  for algorithm in baselineAlgorithms {
    var allSteps: [Double] = []
    for name in baselineFunctions {
      let f = try TestFunction.named(name)
      var at: [Int: [Double]] = [:]
      for seed in 0..<seeds {
        let run = try baselineRun(algorithm, function: f, seed: seed, budget: budget)
        allSteps += run.steps
        for n in baselineCheckpoints { at[n, default: []].append(run.regrets[min(n, run.regrets.count) - 1]) }
      }
      var medians: [String: Double] = [:]
      for n in baselineCheckpoints { medians[String(n)] = Sample(at[n] ?? []).median }
      cells[algorithm, default: [:]][name] = BaselineCell(medianRegret: medians, regret50: at[50] ?? [], regret100: at[100] ?? [])
      log("\(algorithm) \(name): median regret \(baselineCheckpoints.map { "\($0): \(String(format: "%.3g", medians[String($0)] ?? .nan))" }.joined(separator: ", "))")
    }
    stepTimes[algorithm] = Sample(allSteps)
    log("\(algorithm): median step \(String(format: "%.1f µs", (stepTimes[algorithm]?.median ?? 0) * 1e6)) CPU")
  }
  return BaselineReport(machine: machine(), seeds: seeds, budget: budget, cells: cells, stepCPUSeconds: stepTimes)
}

/// `hpolab-bench baselines OUT [SEEDS]`: runs ``baselinesBench(seeds:budget:)`` (20 seeds by default) and writes its JSON to OUT.
func baselinesCommand(out: String, seeds: Int) throws {
  let report = try baselinesBench(seeds: seeds)
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  let url = URL(fileURLWithPath: out)
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try encoder.encode(report).write(to: url)
  log("baselines written to \(out)")
}
