// hpolab-bench: the benchmark harness behind `make bench`.
//
// Measures, on this machine, with warm-up, repetitions, median and spread:
//   bo-step     one BO step (GP fit + LogEI optimisation) in 5-D at n = 10, 50, 200, 500 observations
//   bo-scaling  CPU time per BO step over steps n … n+20 at n = 50 … 2000, a 1,000-evaluation run, W = 64 async (BOScaling.swift)
//   bamsoo      a complete BaMSOO run of 50 evaluations (Himmelblau), per run and per proposal
//   engine      simulated trials per second at W = 1, 8, 64 (random proposer, constant evaluator)
//   surrogate   surrogate evaluations per second (campaign B)
//   bo-study    100 BO runs (20 seeds × 5 functions × 50 evaluations) on all cores, with median regrets
//   studies     studies/paper.toml and studies/scaling.toml, each in a child process (seconds, runs, GP fits, peak memory)
// and writes bench/results/bench.json and bench/results/bench.md (git-ignored), with the machine's description.
// `hpolab-bench designs OUT` writes the initial LHS designs of the bo-study runs, for the peer scripts.
// `hpolab-bench baselines OUT` runs TPE and CMA-ES for the peer comparison (Baselines.swift).

import Foundation
import LabCore
import LabData
import LabEvaluators
import LabOptimizers
import LabSimulation
import LabStore
import LabStudies

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Harness

/// Median and quartiles of repeated measurements, in seconds.
struct Sample: Codable {
  var median: Double
  var q1: Double
  var q3: Double
  var repetitions: Int

  init(_ values: [Double]) {
    let s = values.sorted()
    func q(_ p: Double) -> Double {
      let h = p * Double(s.count - 1)
      let lo = Int(h.rounded(.down))
      let hi = min(lo + 1, s.count - 1)
      return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }
    median = q(0.5)
    q1 = q(0.25)
    q3 = q(0.75)
    repetitions = s.count
  }
}

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Runs `body` `warmup` times unmeasured, then `repetitions` times measured.
func measure(warmup: Int = 1, repetitions: Int, _ body: () throws -> Void) rethrows -> Sample {
  for _ in 0..<warmup { try body() }
  var times: [Double] = []
  for _ in 0..<repetitions {
    let t0 = now()
    try body()
    times.append(now() - t0)
  }
  return Sample(times)
}

func log(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

// MARK: - Benchmarks

struct StepResult: Codable {
  var observations: Int
  var seconds: Sample
}

/// One BO step in 5-D (Ackley-5) after `n` observations, in steady state (warm-started from the previous fit).
func boStep(n: Int) throws -> StepResult {
  let f = TestFunction.ackley5
  var options = BayesOptOptions()
  options.initialPoints = 0
  var proposer = try BayesOptProposer(space: f.space, options: options)
  var data = SeededGenerator.stream(UInt64(n), 77)
  func observe(_ id: Int) throws {
    var u = [Double](repeating: 0, count: 5)
    for i in 0..<5 { u[i] = data.uniform() }
    let p = f.space.point(unit: u)
    try proposer.observe(Observation(trial: id, point: p, result: .value(-f.value(p.base))))
  }
  for i in 0..<n - 1 { try observe(i) }
  var rng = SeededGenerator.stream(UInt64(n), 78)
  _ = try proposer.propose(pending: [], using: &rng)  // the previous step: establishes the warm start
  try observe(n - 1)
  let reps = n <= 50 ? 31 : (n <= 200 ? 11 : 5)
  let sample = try measure(warmup: 1, repetitions: reps) {
    var copy = proposer
    var r = rng
    _ = try copy.propose(pending: [], using: &r)
  }
  return StepResult(observations: n, seconds: sample)
}

struct BaMSOOResult: Codable {
  var evaluations: Int
  var proposals: Int
  var secondsPerRun: Sample
  var secondsPerProposal: Double
}

func bamsooRun() throws -> BaMSOOResult {
  let f = TestFunction.himmelblau
  let evaluator = try FunctionEvaluator(function: f)
  let spec = RunSpec(
    algorithm: "bamsoo", evaluator: evaluator.name, space: f.space, workers: 1, mode: .sync, seed: 1,
    metric: MetricName.value, direction: .minimize, budget: 50)
  var record: RunRecord? = nil
  let sample = try measure(warmup: 1, repetitions: 7) {
    record = try SimulatedRun.record(for: spec, evaluator: evaluator, checksPoints: false)
  }
  let trials = record?.trials.count ?? 0
  let evaluations = record?.trials.filter { $0.state == .completed || $0.state == .failed }.count ?? 0
  return BaMSOOResult(
    evaluations: evaluations, proposals: trials, secondsPerRun: sample,
    secondsPerProposal: sample.median / Double(max(trials, 1)))
}

struct EngineResult: Codable {
  var workers: Int
  var trials: Int
  var trialsPerSecond: Double
  var seconds: Sample
}

func engine(workers: Int, trials: Int) throws -> EngineResult {
  let evaluator = ConstantEvaluator(value: 0, seconds: 1800)
  let spec = RunSpec(
    algorithm: "random", evaluator: evaluator.name, space: .llama32_1B, workers: workers, mode: .async, seed: 3,
    metric: MetricName.value, direction: .maximize, budget: trials)
  let simulator = try Simulator(spec: spec, overhead: .none, checksPoints: false)
  let sample = try measure(warmup: 1, repetitions: 5) {
    _ = try simulator.run(RandomSearch(space: .llama32_1B), evaluator: evaluator)
  }
  return EngineResult(workers: workers, trials: trials, trialsPerSecond: Double(trials) / sample.median, seconds: sample)
}

struct SurrogateResult: Codable {
  var evaluationsPerSecond: Double
  var seconds: Sample
}

func surrogateRate(traces: URL) throws -> SurrogateResult {
  let choice = try EvaluatorCatalogue.make("surrogate:B", context: .init(traces: traces))
  let space = choice.space
  var rng = SeededGenerator(seed: 5)
  let points = (0..<2000).map { _ in space.point(unit: (0..<space.dimension).map { _ in rng.uniform() }) }
  let configurations = points.map { space.configuration(for: $0) }
  let sample = try measure(warmup: 1, repetitions: 5) {
    for (i, p) in points.enumerated() {
      var r = SeededGenerator.stream(9, UInt64(i))
      _ = try choice.evaluator.evaluate(configurations[i], at: p, trial: i, using: &r)
    }
  }
  return SurrogateResult(evaluationsPerSecond: Double(points.count) / sample.median, seconds: sample)
}

struct BOStudyResult: Codable {
  var runs: Int
  var seconds: Double
  var threads: Int
  /// Median simple regret after 50 evaluations, per function.
  var medianRegret: [String: Double]
}

let boStudyFunctions = ["branin", "himmelblau", "hartmann6", "ackley5", "levy5"]

/// 20 seeds × 5 functions × 50 evaluations of sequential BO (10 LHS points, then LogEI); returns the records too.
func boStudy(seeds: Int = 20, budget: Int = 50) throws -> (BOStudyResult, [String: [RunRecord]]) {
  let jobs = ProcessInfo.processInfo.activeProcessorCount
  let tasks = boStudyFunctions.flatMap { name in (0..<seeds).map { (name, $0) } }
  let results = ResultBox(count: tasks.count)
  let t0 = now()
  DispatchQueue.concurrentPerform(iterations: jobs) { worker in
    var i = worker
    while i < tasks.count {
      let (name, seed) = tasks[i]
      results.set(i, Result { try boRun(function: name, seed: seed, budget: budget) })
      i += jobs
    }
  }
  let seconds = now() - t0
  var records: [String: [RunRecord]] = [:]
  var regret: [String: Double] = [:]
  for (i, (name, _)) in tasks.enumerated() {
    records[name, default: []].append(try results.get(i))
  }
  for name in boStudyFunctions {
    let f = try TestFunction.named(name)
    let regrets = (records[name] ?? []).map { r in
      f.regret(r.completed.compactMap { $0.metrics[MetricName.value] }.min() ?? .infinity)
    }
    regret[name] = Sample(regrets).median
  }
  return (BOStudyResult(runs: tasks.count, seconds: seconds, threads: jobs, medianRegret: regret), records)
}

func boRun(function name: String, seed: Int, budget: Int) throws -> RunRecord {
  let f = try TestFunction.named(name)
  let evaluator = try FunctionEvaluator(function: f)
  let spec = RunSpec(
    algorithm: "bo", evaluator: evaluator.name, space: f.space, workers: 1, mode: .sync, seed: UInt64(seed),
    metric: MetricName.value, direction: .minimize, budget: budget)
  return try SimulatedRun.record(for: spec, evaluator: evaluator, checksPoints: false)
}

/// Results computed on several threads, collected by index.
final class ResultBox: @unchecked Sendable {
  private var values: [Result<RunRecord, any Error>?]
  private let lock = NSLock()
  init(count: Int) { values = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ r: Result<RunRecord, any Error>) {
    lock.lock()
    values[i] = r
    lock.unlock()
  }
  func get(_ i: Int) throws -> RunRecord {
    lock.lock()
    defer { lock.unlock() }
    guard let r = values[i] else { throw LabError(.internalInconsistency, "bench: result \(i) missing") }
    return try r.get()
  }
}

struct StudyResult: Codable {
  var file: String
  var runs: Int
  var seconds: Double
  var gpFits: Int?
  var peakMemoryMB: Double
}

/// Runs `hpolab-bench study-child FILE DB` as a child and reads its figures and peak memory.
func studyInChild(file: String) throws -> StudyResult {
  let db = NSTemporaryDirectory() + "hpolab-bench-\(getpid())-\(stableHash(file)).sqlite"
  try? FileManager.default.removeItem(atPath: db)
  defer { try? FileManager.default.removeItem(atPath: db) }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
  process.arguments = ["study-child", file, db]
  let pipe = Pipe()
  process.standardOutput = pipe
  let t0 = now()
  try process.run()
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let seconds = now() - t0
  guard process.terminationStatus == 0 else {
    throw LabError(.external, "bench: study \(file) failed with status \(process.terminationStatus)")
  }
  var result = try JSONDecoder().decode(StudyResult.self, from: output)
  result.seconds = seconds
  return result
}

func studyChild(file: String, db: String) throws {
  let spec = try StudySpec(contentsOfFile: file)
  let runner = try StudyRunner(spec: spec, context: .init(traces: EvaluatorCatalogue.Context.defaultTraces()))
  let database = try LabDatabase(path: db)
  let t0 = now()
  let runs = try runner.run(database: database, jobs: ProcessInfo.processInfo.activeProcessorCount)
  let result = StudyResult(
    file: file, runs: runs, seconds: now() - t0, gpFits: gpFitCount(), peakMemoryMB: ownPeakMemoryMB())
  let data = try JSONEncoder().encode(result)
  FileHandle.standardOutput.write(data)
}

/// GP fits performed so far in this process, when the optimisers count them.
func gpFitCount() -> Int? { GaussianProcess.fitCount }

// MARK: - Machine

func machine() -> [String: String] {
  var info: [String: String] = [:]
  if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let line = cpu.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
  {
    info["cpu"] = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
  }
  info["cores"] = String(ProcessInfo.processInfo.activeProcessorCount)
  info["memoryGB"] = String(format: "%.1f", Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824)
  info["os"] = ProcessInfo.processInfo.operatingSystemVersionString
  #if DEBUG
  info["build"] = "debug (numbers are not representative: use `make bench`)"
  #else
  info["build"] = "release"
  #endif
  info["date"] = ISO8601DateFormatter().string(from: Date())
  return info
}

// MARK: - Main

struct Report: Codable {
  var machine: [String: String]
  var boStep: [StepResult] = []
  var bamsoo: BaMSOOResult? = nil
  var engine: [EngineResult] = []
  var surrogate: SurrogateResult? = nil
  var boStudy: BOStudyResult? = nil
  var studies: [StudyResult] = []
  var boScaling: BOScalingReport? = nil
}

func markdown(_ r: Report) -> String {
  func ms(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
  var out = "# hpolab benchmarks\n\nMachine: " + r.machine.keys.sorted().map { "\($0) = \(r.machine[$0] ?? "")" }.joined(separator: "; ") + "\n\n"
  out += "| benchmark | median | q1 – q3 | notes |\n|---|---|---|---|\n"
  for s in r.boStep {
    out += "| BO step, 5-D, n = \(s.observations) | \(ms(s.seconds.median)) | \(ms(s.seconds.q1)) – \(ms(s.seconds.q3)) | \(s.seconds.repetitions) reps |\n"
  }
  if let b = r.bamsoo {
    out += "| BaMSOO run, 50 evaluations (Himmelblau) | \(ms(b.secondsPerRun.median)) | \(ms(b.secondsPerRun.q1)) – \(ms(b.secondsPerRun.q3)) | \(b.proposals) trials, \(ms(b.secondsPerProposal)) per trial |\n"
  }
  for e in r.engine {
    out += "| engine, W = \(e.workers) | \(String(format: "%.2f M trials/s", e.trialsPerSecond / 1e6)) | \(ms(e.seconds.q1)) – \(ms(e.seconds.q3)) per \(e.trials) | random proposer, constant evaluator |\n"
  }
  if let s = r.surrogate {
    out += "| surrogate B evaluations | \(String(format: "%.0f /s", s.evaluationsPerSecond)) | | noise on |\n"
  }
  if let b = r.boStudy {
    let regrets = b.medianRegret.keys.sorted().map { "\($0) \(String(format: "%.3g", b.medianRegret[$0] ?? .nan))" }.joined(separator: ", ")
    out += "| BO study: \(b.runs) runs × 50 evaluations | \(String(format: "%.2f s", b.seconds)) | | \(b.threads) threads; median regret: \(regrets) |\n"
  }
  if let b = r.boScaling { out += boScalingMarkdown(b) }
  for s in r.studies {
    out += "| study \(s.file) | \(String(format: "%.1f s", s.seconds)) | | \(s.runs) runs, \(s.gpFits.map(String.init) ?? "?") GP fits, peak \(String(format: "%.0f", s.peakMemoryMB)) MB |\n"
  }
  return out
}

func main() throws {
  let args = Array(CommandLine.arguments.dropFirst())
  if args.first == "study-child", args.count == 3 {
    try studyChild(file: args[1], db: args[2])
    return
  }
  if args.first == "bo-async-child" {
    try boAsyncChild()
    return
  }
  if args.first == "baselines", args.count >= 2 {  // TPE and CMA-ES for bench/peers/baselines.py (Baselines.swift)
    try baselinesCommand(out: args[1], seeds: args.count > 2 ? Int(args[2]) ?? 20 : 20)
    return
  }
  if args.first == "designs", args.count == 2 {
    // The first 10 points (unit cube) of each bo-study run, for bench/peers/peers.py.
    var designs: [String: [String: [[Double]]]] = [:]
    for name in ["branin", "himmelblau", "hartmann6"] {
      for seed in 0..<20 {
        let record = try boRun(function: name, seed: seed, budget: 10)
        designs[name, default: [:]][String(seed)] = record.trials.prefix(10).map(\.point.unit)
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try encoder.encode(designs).write(to: URL(fileURLWithPath: args[1]))
    log("designs written to \(args[1])")
    return
  }
  let only = Set(args.filter { !$0.hasPrefix("-") })
  let out = args.first { $0.hasPrefix("--out=") }.map { String($0.dropFirst("--out=".count)) } ?? "bench/results/bench.json"
  func wanted(_ name: String) -> Bool { only.isEmpty || only.contains(name) }
  let traces = EvaluatorCatalogue.Context.defaultTraces()
  var report = Report(machine: machine())
  if wanted("bo-step") {
    for n in [10, 50, 200, 500] {
      log("bo-step n=\(n)…")
      report.boStep.append(try boStep(n: n))
    }
  }
  if wanted("bo-scaling") || wanted("bo-long") || wanted("bo-async") || only.contains("bo-refit") {
    report.boScaling = try boScaling(steps: wanted("bo-scaling"), long: wanted("bo-long"), async: wanted("bo-async"))
    if only.contains("bo-refit") {  // not part of the default `make bench`: minutes of CPU
      let evaluations = Int(ProcessInfo.processInfo.environment["BO_REFIT_EVALUATIONS"] ?? "") ?? 500
      let seeds = Int(ProcessInfo.processInfo.environment["BO_REFIT_SEEDS"] ?? "") ?? 20
      report.boScaling?.refit = try boRefitComparison(evaluations: evaluations, seeds: seeds)
    }
  }
  if wanted("bamsoo") {
    log("bamsoo…")
    report.bamsoo = try bamsooRun()
  }
  if wanted("engine") {
    for w in [1, 8, 64] {
      log("engine W=\(w)…")
      report.engine.append(try engine(workers: w, trials: 200_000))
    }
  }
  if wanted("surrogate") {
    log("surrogate…")
    report.surrogate = try surrogateRate(traces: traces)
  }
  if wanted("bo-study") {
    log("bo-study (100 runs)…")
    report.boStudy = try boStudy().0
  }
  if wanted("studies") {
    for file in ["studies/paper.toml", "studies/scaling.toml"] {
      log("study \(file)…")
      report.studies.append(try studyInChild(file: file))
    }
  }
  let jsonURL = URL(fileURLWithPath: out)
  try FileManager.default.createDirectory(at: jsonURL.deletingLastPathComponent(), withIntermediateDirectories: true)
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(report).write(to: jsonURL)
  let md = markdown(report)
  try Data(md.utf8).write(to: jsonURL.deletingPathExtension().appendingPathExtension("md"))
  print(md)
}

do {
  try main()
} catch {
  log("hpolab-bench: \(error)")
  exit(1)
}
