import ArgumentParser
import Dispatch
import Foundation
import LabCore
import LabLive
import LabOptimizers
import LabStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `hpolab live`: Drive real litgpt fine-tuning and evaluation with the same optimisers.
struct LiveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "live",
    abstract: "Drive real litgpt fine-tuning and evaluation with the same optimisers.",
    subcommands: [LiveStartCommand.self, LiveExportCommand.self],
    defaultSubcommand: LiveStartCommand.self)
}

/// `hpolab live [start]`: run (or resume) a live optimisation with the real litgpt CLI.
struct LiveStartCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Run (or resume) a live optimisation: each trial is `litgpt finetune_lora` then `litgpt evaluate`.",
    discussion: """
      W worker slots run trials at once (asynchronous policy: a freed slot asks the optimiser for a new point at \
      once, the running ones being pending). Each trial runs in its own folder RUN-DIR/trials/trial-NNNN, in its own \
      process group, with HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false and, for the local \
      and oar launchers, CUDA_VISIBLE_DEVICES set to the slot's GPUs. Every finished trial is committed to the \
      database at once (run id = --run-id, default the run folder's name).

      SIGINT/SIGTERM: no new trial starts, running trials are terminated (whole process groups) and recorded as \
      interrupted, and the command exits with status 130 (SIGINT) or 143 (SIGTERM). Running the same command again \
      resumes: finished trials are told to the optimiser again in their recorded order, interrupted ones run again.

      Examples:
        hpolab live --algorithm bo --workers 2 --gpus-per-trial 4 --checkpoint /models/meta-llama/Llama-3.2-1B
        hpolab live --algorithm lhs --workers 2 --gpus-per-trial 0 --checkpoint /tmp/tiny --data /tmp/tiny.json \\
          --tasks tiny_qa --metric tiny_qa.acc --budget 4 --max-steps 10 --dry-run
      """)

  @OptionGroup var optimiser: OptimiserChoice
  var algorithm: String { optimiser.algorithm }

  @Option(name: .customLong("option"), help: "An algorithm option KEY=VALUE (repeatable); keys by algorithm: \(ProposerCatalogue.standard.optionHelp) (docs/optimisers.md).")
  var options: [String] = []

  @Option(name: .long, help: "Worker slots W: trials running at once.")
  var workers: Int = 1

  @Option(name: .long, help: "GPUs per trial G (litgpt --devices); 0 runs on the CPU (one device, 32-true).")
  var gpusPerTrial: Int = 4

  @Option(name: .long, help: "The GPU ids to share out (default: CUDA_VISIBLE_DEVICES, else 0 ..< W·G).")
  var gpus: String?

  @Option(name: .long, help: "The base checkpoint folder (litgpt format).")
  var checkpoint: String

  @Option(name: .long, help: "A JSON instruction dataset (litgpt --data JSON); default: litgpt's Alpaca.")
  var data: String?

  @Option(name: .long, help: "lm-eval tasks, comma-separated.")
  var tasks: String = "hellaswag,mmlu"

  @Option(name: .long, help: "The metric to maximise, TASK.METRIC.")
  var metric: String = MetricName.hellaswagAcc

  @Option(name: .long, help: "The search space preset: \(SearchSpace.presets.keys.sorted().joined(separator: ", ")).")
  var space: String = "llama-3.2-1b"

  @Option(name: .long, help: "Real evaluations (completed or failed trials) to run.")
  var budget: Int = 50

  @Option(name: .long, help: "How trials are launched: local, slurm (srun steps inside an allocation) or oar (oarsh).")
  var launcher: String = "local"

  @Option(name: .long, help: "For --launcher oar: the nodes, comma-separated (default: the unique lines of $OAR_NODEFILE).")
  var nodes: String?

  @Option(name: .long, help: "Minutes a trial (fine-tuning + evaluation) may take before its process group is killed.")
  var trialTimeout: Double?

  @Option(name: .long, help: "Seconds between SIGTERM and SIGKILL when a trial is stopped.")
  var grace: Double = 10

  @Option(name: .long, help: "The run folder (default: runs/live-ALGORITHM-sSEED).")
  var runDir: String?

  @Option(name: .long, help: "The run's id in the database (default: the run folder's name).")
  var runID: String?

  @Option(name: .long, help: "The litgpt program (a path, or a name looked up on PATH).")
  var litgpt: String = "litgpt"

  @Option(name: .long, help: "The SQLite database.")
  var db: String = "lab.sqlite"

  @Option(name: .long, help: "The run's seed (optimiser stream; each trial's --seed derives from it).")
  var seed: UInt64 = 0

  @Option(name: .long, help: "litgpt --precision (default: bf16-true on GPUs, 32-true on the CPU).")
  var precision: String?

  @Option(name: .long, help: "litgpt --train.max_steps (short validation runs).")
  var maxSteps: Int?

  @Option(name: .long, help: "litgpt --train.lr_warmup_steps.")
  var warmupSteps: Int = 100

  @Option(name: .long, help: "litgpt evaluate --batch_size.")
  var evalBatchSize: Int?

  @Option(name: .customLong("finetune-arg"), parsing: .unconditionalSingleValue, help: "An extra argument for finetune_lora, passed verbatim (repeatable).")
  var finetuneArguments: [String] = []

  @Option(name: .customLong("evaluate-arg"), parsing: .unconditionalSingleValue, help: "An extra argument for evaluate, passed verbatim (repeatable).")
  var evaluateArguments: [String] = []

  @Flag(name: .long, help: "Print the argument arrays of the first trials (one per worker) and run nothing.")
  var dryRun = false

  @Flag(name: .long, help: "Print the whole run as JSON at the end instead of a summary.")
  var json = false

  func validate() throws {
    try validateLimits {
      try Limits.check(workers, in: Limits.workers, name: "--workers")
      try Limits.check(budget, in: Limits.budget, name: "--budget", unit: "evaluations")
      try Limits.checkAlgorithmOptions(algorithm: algorithm, options: try algorithmOptions(options), budget: budget)
    }
    guard gpusPerTrial >= 0 else { throw ValidationError("--gpus-per-trial must be ≥ 0, got \(gpusPerTrial)") }
    guard budget >= 1 else { throw ValidationError("--budget must be at least 1, got \(budget)") }
    if let trialTimeout, !(trialTimeout.isFinite && trialTimeout > 0) {
      throw ValidationError("--trial-timeout must be a positive number of minutes, got \(trialTimeout)")
    }
    guard grace.isFinite, grace >= 0 else { throw ValidationError("--grace must be ≥ 0 seconds, got \(grace)") }
    guard Launcher(rawValue: launcher) != nil else {
      throw ValidationError("--launcher must be one of \(Launcher.allCases.map(\.rawValue).joined(separator: ", ")), got '\(launcher)'")
    }
    guard ProposerCatalogue.isKnown(algorithm) else { throw ValidationError(ProposerCatalogue.unknown(algorithm).description) }
    guard metric.contains(".") else { throw ValidationError("--metric must be TASK.METRIC (e.g. hellaswag.acc), got '\(metric)'") }
    if let maxSteps, maxSteps < 1 { throw ValidationError("--max-steps must be at least 1, got \(maxSteps)") }
  }

  func run() throws {
    try runReportingErrors {
      let plan = try makePlan()
      if dryRun {
        try printDryRun(plan)
        return
      }
      let outcome = try runBlocking { try await LiveSession(plan: plan).run() }
      if json {
        try printJSON(outcome.record)
      } else {
        print(outcome.summary)
      }
      if let signal = outcome.stoppedBy {
        printError("stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM"); rerun the same command to resume")
        throw ExitCode(128 + signal)
      }
    }
  }

  /// Everything a session needs, resolved and checked (absolute paths, slots, proposer options).
  func makePlan() throws -> LivePlan {
    let cwd = FileManager.default.currentDirectoryPath
    func absolute(_ path: String) -> String {
      let full = path.hasPrefix("/") ? path : cwd + "/" + path
      return URL(fileURLWithPath: full).standardizedFileURL.path
    }
    let launcherKind = Launcher(rawValue: launcher) ?? .local
    let spaceValue = try SearchSpace.preset(named: space)
    let taskList = tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard let task = metric.split(separator: ".").first, taskList.contains(String(task)) else {
      throw LabError(.invalidInput, "--metric '\(metric)' names a task not in --tasks (\(taskList.joined(separator: ",")))",
                     location: .init(field: "metric"))
    }
    let optionValues = try algorithmOptions(options)
    // Fail early on an unknown algorithm option.
    _ = try ProposerCatalogue.make(algorithm, options: optionValues, space: spaceValue, budget: budget)

    let env = ProcessInfo.processInfo.environment
    let litgptPath = litgpt.contains("/") ? absolute(litgpt) : litgpt
    let settings = LitGPTSettings(
      litgpt: litgptPath, checkpoint: absolute(checkpoint), data: data.map(absolute), tasks: taskList,
      devices: gpusPerTrial, precision: precision, warmupSteps: warmupSteps, maxSteps: maxSteps,
      evalBatchSize: evalBatchSize, extraFinetuneArguments: finetuneArguments, extraEvaluateArguments: evaluateArguments)
    try settings.validate()

    var visible: [Int]
    if let gpus {
      visible = try gpus.split(separator: ",").map {
        guard let id = Int($0.trimmingCharacters(in: .whitespaces)) else {
          throw LabError(.invalidInput, "--gpus must list integers, got '\(gpus)'", location: .init(field: "gpus"))
        }
        return id
      }
    } else if let cvd = env["CUDA_VISIBLE_DEVICES"], !cvd.isEmpty, launcherKind == .local {
      visible = cvd.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    } else {
      visible = []
    }
    var nodeList: [String] = []
    if launcherKind == .oar {
      if let nodes {
        nodeList = nodes.split(separator: ",").map(String.init)
      } else if let file = env["OAR_NODEFILE"], let text = try? String(contentsOfFile: file, encoding: .utf8) {
        for line in text.split(whereSeparator: \.isNewline).map(String.init) where !nodeList.contains(line) { nodeList.append(line) }
      }
      guard !nodeList.isEmpty else {
        throw LabError(.invalidInput, "--launcher oar needs nodes: pass --nodes or run inside an OAR job ($OAR_NODEFILE)",
                       location: .init(field: "nodes"))
      }
    }
    if gpus == nil && visible.isEmpty {
      let perNode = nodeList.isEmpty ? workers : (workers + nodeList.count - 1) / nodeList.count
      visible = Array(0..<(perNode * gpusPerTrial))
    }
    let slots = try WorkerSlot.partition(workers: workers, perTrial: gpusPerTrial, visible: visible, nodes: nodeList)

    let runDirectory = absolute(runDir ?? "runs/live-\(algorithm)-s\(seed)")
    let spec = RunSpec(
      algorithm: algorithm, options: optionValues, evaluator: "litgpt:\(settings.checkpoint)", space: spaceValue,
      workers: workers, mode: .async, seed: seed, metric: metric, direction: .maximize, budget: budget)
    return LivePlan(
      spec: spec, settings: settings, slots: slots, launcher: launcherKind, runDirectory: runDirectory,
      runID: runID ?? URL(fileURLWithPath: runDirectory).lastPathComponent, database: absolute(db),
      trialTimeout: trialTimeout.map { $0 * 60 }, grace: grace, environment: env)
  }

  /// Prints, for the first min(W, budget) proposals, the exact argument arrays of both steps as JSON arrays.
  func printDryRun(_ plan: LivePlan) throws {
    var proposer = try ProposerCatalogue.make(
      plan.spec.algorithm, options: plan.spec.options, space: plan.spec.space, budget: plan.spec.budget,
      workers: plan.spec.workers, mode: .async)
    let evaluator = try plan.evaluator()
    var rng = SeededGenerator.stream(plan.spec.seed, StreamPurpose.proposer.rawValue)
    var pending: [Point] = []
    for (id, slot) in plan.slots.prefix(plan.spec.budget ?? plan.slots.count).enumerated() {
      guard let proposal = try proposer.propose(pending: pending, using: &rng) else { break }
      pending.append(proposal.point)
      let trial = LiveTrial(id: id, point: proposal.point, configuration: plan.spec.space.configuration(for: proposal.point))
      let (finetune, evaluate) = try evaluator.commands(for: trial, slot: slot)
      let env = trialEnvironmentOverrides(slot: slot, launcher: plan.launcher)
      print("# trial \(id), worker \(slot.index): \(trial.configuration.describe(in: plan.spec.space))")
      print("env " + JSONValue.object(env.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) }).pythonStyle)
      print("finetune " + JSONValue.array(finetune.map(JSONValue.string)).pythonStyle)
      print("evaluate " + JSONValue.array(evaluate.map(JSONValue.string)).pythonStyle)
    }
  }
}

/// `hpolab live export RUN-ID`: a live run's scored trials as lines of the recorded traces' format.
struct LiveExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a live run's trials as JSON lines of the recorded traces' format (stdout).",
    discussion: "Completed trials become evaluated lines and approximated ones UCB/LCB lines; failed and interrupted trials have no score in that format and are left out (their count goes to stderr).")

  @Argument(help: "The live run's id (its folder's name by default).")
  var runID: String

  @OptionGroup var database: DatabaseOptions

  func run() throws {
    try runReportingErrors {
      let db = try LabDatabase(path: database.db, mode: .existing)
      let record = try db.loadRun(id: runID)
      let (lines, skipped) = LiveTraceExport.lines(for: record)
      for line in lines { print(line) }
      if skipped > 0 { printError("\(skipped) failed or interrupted trial(s) left out (no score in the trace format)") }
    }
  }
}

/// The resolved inputs of one live session.
struct LivePlan: Sendable {
  var spec: RunSpec
  var settings: LitGPTSettings
  var slots: [WorkerSlot]
  var launcher: Launcher
  var runDirectory: String
  var runID: String
  var database: String
  var trialTimeout: Double?
  var grace: Double
  var environment: [String: String]

  func evaluator() throws -> LitGPTEvaluator {
    try LitGPTEvaluator(
      settings: settings, space: spec.space, runDirectory: runDirectory, launcher: launcher, trialTimeout: trialTimeout,
      seed: spec.seed, baseEnvironment: environment, processes: ProcessRunner(grace: grace))
  }
}

/// What a session ends with.
struct LiveOutcome: Sendable {
  var record: RunRecord
  var summary: String
  /// The signal that stopped the session, if one did.
  var stoppedBy: Int32?
}

/// One session of a live run: opens the database, resumes what it holds, runs, commits every trial.
struct LiveSession {
  let plan: LivePlan

  func run() async throws -> LiveOutcome {
    let db = try LabDatabase(path: plan.database)
    var previous: [TrialRecord] = []
    if try db.runIDs().contains(plan.runID) {
      let saved = try db.loadRun(id: plan.runID)
      let a = saved.spec
      let b = plan.spec
      guard a.algorithm == b.algorithm, a.options == b.options, a.space == b.space, a.seed == b.seed, a.metric == b.metric,
        a.evaluator == b.evaluator
      else {
        throw LabError(
          .invalidInput,
          "run '\(plan.runID)' exists with another definition (\(a.algorithm) seed \(a.seed), \(a.metric), \(a.evaluator)); "
            + "resume it with the same --algorithm, --option, --space, --seed, --metric and --checkpoint, or pick another --run-id",
          location: .init(file: plan.database))
      }
      previous = saved.trials
      printError("resuming run '\(plan.runID)': \(previous.count) trial(s) recorded")
    }
    do {
      try FileManager.default.createDirectory(atPath: plan.runDirectory, withIntermediateDirectories: true)
    } catch {
      throw LabError(.io, "cannot create the run folder", location: .init(file: plan.runDirectory), underlying: error)
    }
    var trials = previous
    func commit() throws {
      let record = RunRecord(spec: plan.spec, trials: trials.sorted { $0.id < $1.id }, makespan: trials.map(\.end).max() ?? 0,
                             notes: ["live run; folder \(plan.runDirectory)"])
      try db.transaction {
        if try db.runIDs().contains(plan.runID) { try db.deleteRun(id: plan.runID) }
        try db.saveRun(record, id: plan.runID)
      }
    }
    try commit()

    let stop = StopSignal()
    let signals = SignalWatcher(stop: stop)
    defer { signals.cancel() }

    var proposer = try ProposerCatalogue.make(
      plan.spec.algorithm, options: plan.spec.options, space: plan.spec.space, budget: plan.spec.budget,
      workers: plan.spec.workers, mode: .async)
    let runner = try LiveRunner(spec: plan.spec, slots: plan.slots)
    let record = try await runner.run(
      proposer: &proposer, evaluator: try plan.evaluator(), previous: previous, stop: stop
    ) { trial in
      trials.append(trial)
      try commit()
      printError(Self.describe(trial, metric: plan.spec.metric))
    }
    return LiveOutcome(record: record, summary: Self.summary(record, runID: plan.runID), stoppedBy: signals.received)
  }

  static func describe(_ t: TrialRecord, metric: String) -> String {
    let minutes = { (s: Double) in String(format: "%.1f min", s / 60) }
    var line = "trial \(t.id) [worker \(t.worker)] \(t.state.rawValue)"
    if let v = t.metrics[metric], t.state == .completed { line += " \(metric)=\(v)" }
    if let f = t.failure { line += " (\(f))" }
    line += " train \(minutes(t.durations.training)), eval \(minutes(t.durations.evaluation))"
    return line
  }

  static func summary(_ r: RunRecord, runID: String) -> String {
    func count(_ s: TrialState) -> Int { r.trials.filter { $0.state == s }.count }
    var lines = [
      "run \(runID): \(count(.completed)) completed, \(count(.failed)) failed, \(count(.interrupted)) interrupted, "
        + "\(count(.approximated)) approximated; \(String(format: "%.1f", r.makespan / 60)) min of wall clock"
    ]
    if let best = r.bestTrial, let v = best.metrics[r.spec.metric] {
      lines.append("best \(r.spec.metric) = \(v) (trial \(best.id): \(best.configuration.describe(in: r.spec.space)))")
    }
    return lines.joined(separator: "\n")
  }
}

/// Turns SIGINT and SIGTERM into a stop request (the first one), remembering which signal came.
final class SignalWatcher: @unchecked Sendable {
  private let lock = NSLock()
  private var signal: Int32?
  private var sources: [any DispatchSourceSignal] = []

  init(stop: StopSignal) {
    for sig in [SIGINT, SIGTERM] {
      Glibc.signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { [weak self] in
        guard let self else { return }
        self.lock.lock()
        let first = self.signal == nil
        if first { self.signal = sig }
        self.lock.unlock()
        if first { FileHandle.standardError.write(Data("stopping: terminating running trials…\n".utf8)) }
        stop.request()
      }
      source.resume()
      sources.append(source)
    }
  }

  /// The first signal received, if any.
  var received: Int32? {
    lock.lock()
    defer { lock.unlock() }
    return signal
  }

  func cancel() {
    for s in sources { s.cancel() }
    Glibc.signal(SIGINT, SIG_DFL)
    Glibc.signal(SIGTERM, SIG_DFL)
  }
}

/// Runs an async body to completion from synchronous code (the root command is synchronous).
///
/// The body runs on Swift's cooperative pool while the calling (main) thread
/// waits on a semaphore; the main thread is not part of the pool, so this
/// cannot starve it.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let box = BlockingResultBox<T>()
  let done = DispatchSemaphore(value: 0)
  Task {
    do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
    done.signal()
  }
  done.wait()
  guard let result = box.result else { throw LabError(.internalInconsistency, "async body ended without a result") }
  return try result.get()
}

/// The result slot of ``runBlocking(_:)``: written once by the task, read after the semaphore.
final class BlockingResultBox<T: Sendable>: @unchecked Sendable {
  var result: Result<T, any Error>?
}
