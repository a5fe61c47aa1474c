// hpolab-bench, BO at scale (issue 15): per-step CPU time at n = 50, 200, 500, 1000, 2000 over steps n … n+20
// (refits included), a sequential 1,000-evaluation BO run on a 5-D function, and a W = 64 async BO run of
// 24 simulated hours on surrogate:B in a child process (its own CPU time and peak memory).
//
// CPU time is the thread's (CLOCK_THREAD_CPUTIME_ID) or the child's (getrusage): on a shared machine it
// is far steadier than wall time. Peak memory is the child's VmHWM from /proc/self/status, which, unlike
// ru_maxrss, starts afresh at exec (ru_maxrss keeps the parent's high-water mark across posix_spawn).

import Foundation
import LabCore
import LabEvaluators
import LabOptimizers
import LabSimulation

#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds of the calling thread.
func threadCPUTime() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU seconds (user + system) of this process.
func processCPUTime() -> Double {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6 + Double(usage.ru_stime.tv_sec)
    + Double(usage.ru_stime.tv_usec) * 1e-6
}

/// This process's own peak resident set in MB (VmHWM), or ru_maxrss where /proc is missing.
func ownPeakMemoryMB() -> Double {
  if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
  {
    return kb / 1024
  }
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  return Double(usage.ru_maxrss) / 1024
}

struct ScalingStep: Codable {
  var observations: Int
  /// Median, quartiles of the CPU seconds of the 21 steps n … n+20.
  var cpuSeconds: Sample
  var wallSeconds: Sample
  /// Hyperparameter fits among those 21 steps.
  var refits: Int
}

/// Sequential BO on Ackley-5 from n random observations: the CPU time of each of the steps n … n+20 (propose + observe).
///
/// Set-up (not timed): n random observations, a fit at min(n, 500) points, then the rest appended and one
/// warm-started fit at n, so that the timed steps start in the state a run reaching n would be in.
func boScalingSteps(n: Int, steps: Int = 21) throws -> ScalingStep {
  let f = TestFunction.ackley5
  var options = BayesOptOptions()
  options.initialPoints = 0
  var proposer = try BayesOptProposer(space: f.space, options: options)
  var data = SeededGenerator.stream(UInt64(n), 77)
  var id = 0
  func observe(_ p: Point) throws {
    try proposer.observe(Observation(trial: id, point: p, result: .value(-f.value(p.base))))
    id += 1
  }
  func randomPoint() -> Point { f.space.point(unit: (0..<5).map { _ in data.uniform() }) }
  var rng = SeededGenerator.stream(UInt64(n), 78)
  let first = min(n, 500)
  for _ in 0..<first { try observe(randomPoint()) }
  _ = try proposer.propose(pending: [], using: &rng)  // fit at `first` points
  if n > first {
    for _ in first..<n { try observe(randomPoint()) }
    _ = try proposer.propose(pending: [], using: &rng)  // warm-started fit (growth) at n
  }
  let fitsBefore = proposer.fits
  var cpu: [Double] = []
  var wall: [Double] = []
  for _ in 0..<steps {
    let c0 = threadCPUTime()
    let w0 = now()
    guard let proposal = try proposer.propose(pending: [], using: &rng) else { break }
    try observe(proposal.point)
    cpu.append(threadCPUTime() - c0)
    wall.append(now() - w0)
  }
  return ScalingStep(observations: n, cpuSeconds: Sample(cpu), wallSeconds: Sample(wall), refits: proposer.fits - fitsBefore)
}

struct LongRunResult: Codable {
  var name: String
  var evaluations: Int
  var cpuSeconds: Double
  var wallSeconds: Double
  var gpFits: Int
  var peakMemoryMB: Double
  var best: Double?
}

/// A sequential BO run of 1,000 evaluations on Ackley-5 (one thread).
func boLongSequential(evaluations: Int = 1000) throws -> LongRunResult {
  let f = TestFunction.ackley5
  let evaluator = try FunctionEvaluator(function: f)
  let spec = RunSpec(
    algorithm: "bo", evaluator: evaluator.name, space: f.space, workers: 1, mode: .sync, seed: 1,
    metric: MetricName.value, direction: .minimize, budget: evaluations)
  var proposer = try ProposerCatalogue.make("bo", space: f.space, budget: evaluations)
  let fits0 = GaussianProcess.fitCount
  let c0 = threadCPUTime()
  let w0 = now()
  let record = try Simulator(spec: spec, overhead: .none, checksPoints: false).run(&proposer, evaluator: evaluator)
  return LongRunResult(
    name: "bo, ackley5, \(evaluations) evaluations, sequential", evaluations: record.completed.count,
    cpuSeconds: threadCPUTime() - c0, wallSeconds: now() - w0, gpFits: GaussianProcess.fitCount - fits0,
    peakMemoryMB: ownPeakMemoryMB(),
    best: record.completed.compactMap { $0.metrics[MetricName.value] }.min())
}

/// `hpolab-bench bo-async-child`: BO, W = 64 async, 24 simulated hours on surrogate:B; prints a LongRunResult.
func boAsyncChild() throws {
  let choice = try EvaluatorCatalogue.make(
    "surrogate:B", context: .init(traces: EvaluatorCatalogue.Context.defaultTraces()))
  let spec = RunSpec(
    algorithm: "bo", evaluator: "surrogate:B", space: choice.space, workers: 64, mode: .async, seed: 1,
    metric: choice.defaultMetric, direction: choice.direction, budget: nil, hours: 24)
  var proposer = try ProposerCatalogue.make("bo", space: choice.space, budget: nil, workers: 64, mode: .async)
  let w0 = now()
  let record = try Simulator(spec: spec, overhead: .none, checksPoints: false).run(&proposer, evaluator: choice.evaluator)
  let result = LongRunResult(
    name: "bo, surrogate:B, W = 64 async, 24 simulated hours", evaluations: record.completed.count,
    cpuSeconds: processCPUTime(), wallSeconds: now() - w0, gpFits: GaussianProcess.fitCount,
    peakMemoryMB: ownPeakMemoryMB(), best: record.completed.compactMap { $0.metrics[choice.defaultMetric] }.max())
  FileHandle.standardOutput.write(try JSONEncoder().encode(result))
}

/// Runs `hpolab-bench bo-async-child` as a child process and reads its result.
func boAsyncInChild() throws -> LongRunResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
  process.arguments = ["bo-async-child"]
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw LabError(.external, "bench: bo-async-child failed with status \(process.terminationStatus)")
  }
  return try JSONDecoder().decode(LongRunResult.self, from: output)
}

struct BOScalingReport: Codable {
  var steps: [ScalingStep] = []
  var runs: [LongRunResult] = []
  var refit: [RefitComparison] = []
}

/// The `bo-scaling` section (steps at `sizes`), `bo-long` (1,000-evaluation run) and `bo-async` (W = 64 child); each row is logged as soon as it is measured.
func boScaling(steps: Bool, long: Bool, async: Bool, sizes: [Int] = [50, 200, 500, 1000, 2000]) throws -> BOScalingReport {
  var report = BOScalingReport()
  if steps {
    for n in sizes {
      log("bo-scaling n=\(n)…")
      report.steps.append(try boScalingSteps(n: n))
      log(boScalingMarkdown(BOScalingReport(steps: [report.steps.last!], runs: [])))
    }
  }
  if long {
    log("bo-long: 1,000-evaluation sequential run…")
    report.runs.append(try boLongSequential())
    log(boScalingMarkdown(BOScalingReport(steps: [], runs: [report.runs.last!])))
  }
  if async {
    log("bo-async: W = 64 async run on surrogate:B (child process)…")
    report.runs.append(try boAsyncInChild())
    log(boScalingMarkdown(BOScalingReport(steps: [], runs: [report.runs.last!])))
  }
  return report
}

struct RefitComparison: Codable {
  var function: String
  var schedule: String
  var evaluations: Int
  var seeds: Int
  var medianRegret: Double
  var q1: Double
  var q3: Double
  var gpFits: Int
  var cpuSeconds: Double
}

/// `bo-refit`: sequential BO on Ackley-5 and Hartmann-6, seeds 0 … seeds−1, with the default refit schedule and with a fit at every step.
func boRefitComparison(evaluations: Int, seeds: Int) throws -> [RefitComparison] {
  var out: [RefitComparison] = []
  for name in ["ackley5", "hartmann6"] {
    for (label, schedule) in [("default", GPRefitSchedule()), ("every step", GPRefitSchedule.everyStep)] {
      let f = try TestFunction.named(name)
      let box = ResultBox(count: seeds)
      let fits0 = GaussianProcess.fitCount
      let c0 = processCPUTime()
      DispatchQueue.concurrentPerform(iterations: ProcessInfo.processInfo.activeProcessorCount) { worker in
        var seed = worker
        while seed < seeds {
          box.set(seed, Result {
            let evaluator = try FunctionEvaluator(function: f)
            let spec = RunSpec(
              algorithm: "bo", evaluator: evaluator.name, space: f.space, workers: 1, mode: .sync, seed: UInt64(seed),
              metric: MetricName.value, direction: .minimize, budget: evaluations)
            var options = BayesOptOptions()
            options.refit = schedule
            var proposer = try BayesOptProposer(space: f.space, options: options)
            return try Simulator(spec: spec, overhead: .none, checksPoints: false).run(&proposer, evaluator: evaluator)
          })
          seed += ProcessInfo.processInfo.activeProcessorCount
        }
      }
      var regrets: [Double] = []
      for seed in 0..<seeds {
        let r = try box.get(seed)
        regrets.append(f.regret(r.completed.compactMap { $0.metrics[MetricName.value] }.min() ?? .infinity))
      }
      let sample = Sample(regrets)
      let row = RefitComparison(
        function: name, schedule: label, evaluations: evaluations, seeds: seeds, medianRegret: sample.median, q1: sample.q1,
        q3: sample.q3, gpFits: GaussianProcess.fitCount - fits0, cpuSeconds: processCPUTime() - c0)
      log("bo-refit: \(name) \(label): median regret \(row.medianRegret) (q1 \(row.q1), q3 \(row.q3)), \(row.gpFits) fits, \(row.cpuSeconds) s CPU")
      out.append(row)
    }
  }
  return out
}

/// Markdown rows of the `bo-scaling` section.
func boScalingMarkdown(_ r: BOScalingReport) -> String {
  func ms(_ s: Double) -> String { String(format: "%.2f ms", s * 1000) }
  let targets = [50: "≤ 0.7 ms", 200: "≤ 5 ms", 1000: "≤ 30 ms", 2000: "≤ 120 ms"]
  var out = ""
  for s in r.steps {
    out += "| BO step at scale, 5-D, steps n = \(s.observations) … \(s.observations + 20), CPU | \(ms(s.cpuSeconds.median)) | \(ms(s.cpuSeconds.q1)) – \(ms(s.cpuSeconds.q3)) | target \(targets[s.observations] ?? "–"); wall median \(ms(s.wallSeconds.median)); \(s.refits) refits in the 21 steps |\n"
  }
  for c in r.refit {
    out += "| BO \(c.function), \(c.evaluations) evaluations, refit \(c.schedule), seeds 0–\(c.seeds - 1) | regret \(String(format: "%.3g", c.medianRegret)) | \(String(format: "%.3g", c.q1)) – \(String(format: "%.3g", c.q3)) | \(c.gpFits) GP fits, \(String(format: "%.0f", c.cpuSeconds)) s CPU |\n"
  }
  for run in r.runs {
    out += "| \(run.name) | \(String(format: "%.1f s CPU", run.cpuSeconds)) | | wall \(String(format: "%.1f s", run.wallSeconds)); \(run.evaluations) evaluations, \(run.gpFits) GP fits, peak \(String(format: "%.0f", run.peakMemoryMB)) MB |\n"
  }
  return out
}
