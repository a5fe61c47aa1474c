import ArgumentParser
import Foundation
import LabCore
import LabData
import LabLive
import LabOptimizers
import LabStore

/// `hpolab live`: Drive real litgpt fine-tuning and evaluation with the same optimisers.
struct LiveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "live",
    abstract: "Drive real litgpt fine-tuning and evaluation with the same optimisers.",
    subcommands: [LiveStartCommand.self, LiveStatusCommand.self, LiveListCommand.self, LiveExportCommand.self],
    defaultSubcommand: LiveStartCommand.self)
}

/// `hpolab live [start]`: run (or resume) a live optimisation with the real litgpt CLI.
struct LiveStartCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Run (or resume) a live optimisation: each trial is `litgpt finetune_lora` then `litgpt evaluate`.",
    discussion: """
      W worker slots run trials at once (asynchronous policy: a freed slot asks the optimiser for a new point at \
      once, the running ones being pending). Each trial runs in its own folder RUN-DIR/trials/trial-NNNN, in its own \
      process group, with HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false and, for the local \
      and oar launchers, CUDA_VISIBLE_DEVICES set to the slot's GPUs. Every finished trial is committed to the \
      database at once (run id = --run-id, default the run folder's name).

      Before anything is stored, a preflight checks the litgpt program (and its version), the checkpoint folder \
      (model_config.yaml, lit_model.pth), the data file, the launcher (srun inside an allocation for slurm), the \
      folders and the extra arguments (against litgpt --help); a failure is one line and exit status 2. Every trial \
      is committed when it starts (running) and when it ends; one copy of hpolab drives a run at a time (RUN-DIR/lease).

      SIGINT/SIGTERM/SIGHUP: no new trial starts, running trials are terminated (whole process groups; a second \
      SIGINT skips the grace period) and recorded as interrupted, and the command exits with status 130, 143 or 129. \
      Running the same command again resumes — also after a crash or SIGKILL: processes the dead session left are \
      terminated, its running trials recorded as interrupted and run again first. Exit status 3: the circuit breaker \
      stopped the run (its first --circuit-breaker trials failed for the same reason); 1: every trial failed.

      Examples:
        hpolab live --algorithm bo --workers 2 --gpus-per-trial 4 --checkpoint /models/meta-llama/Llama-3.2-1B
        hpolab live --algorithm lhs --workers 2 --gpus-per-trial 0 --checkpoint /tmp/tiny --data /tmp/tiny.json \\
          --tasks tiny_qa --metric tiny_qa.acc --budget 4 --max-steps 10 --dry-run
      """)

  @OptionGroup var optimiser: OptimizerChoice
  var algorithm: String { optimiser.algorithm }

  @Option(name: .customLong("option"), help: "An algorithm option KEY=VALUE (repeatable); keys by algorithm: \(ProposerCatalogue.standard.optionHelp) (docs/optimisers.md).")
  var options: [String] = []

  @Option(name: .long, parsing: .unconditional, help: "Worker slots W: trials running at once.")
  var workers: Int = 1

  @Option(name: .long, parsing: .unconditional, help: "GPUs per trial G (litgpt --devices); 0 runs on the CPU (one device, 32-true).")
  var gpusPerTrial: Int = 4

  @Option(name: .long, help: "The GPUs to share out, comma-separated, passed verbatim: indices, UUIDs or MIG ids (default: CUDA_VISIBLE_DEVICES, else 0 ..< W·G).")
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

  @Option(name: .long, parsing: .unconditional, help: "Real evaluations (completed or failed trials) to run.")
  var budget: Int = 50

  @Option(name: .long, help: "How trials are launched: local, slurm (srun steps inside an allocation) or oar (oarsh).")
  var launcher: String = "local"

  @Option(name: .long, parsing: .unconditional, help: "Stop when the first N finished trials all failed for the same reason (0: never).")
  var circuitBreaker: Int = 3

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

  @Flag(name: .long, help: "Print the argument arrays and environment of the trials the next session would start first (as a resume would), the preflight's result, and run nothing.")
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
  }

  func run() async throws {
    try await runReportingErrors {
      let cwd = FileManager.default.currentDirectoryPath
      let plan = try LivePlan(request(), cwd: cwd, environment: ProcessInfo.processInfo.environment)
      if dryRun { return try printDryRun(plan) }
      let outcome: LiveOutcome
      do {
        outcome = try await LiveSession(plan: plan, log: printError).run()
      } catch let failure as LivePreflightFailure {
        printError("Error: \(failure)")
        throw ExitCode(2)
      }
      if json { try printJSON(outcome.record) } else { print(outcome.summary) }
      if let signal = outcome.stoppedBy {
        printError("stopped by \(SignalWatcher.name(signal)); rerun the same command to resume")
      } else if let problem = outcome.problem {
        printError("Error: \(problem)")
      }
      if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }
  }

  /// The command line as a library request.
  func request() throws -> LiveRequest {
    var r = LiveRequest(algorithm: algorithm, checkpoint: checkpoint)
    r.options = try algorithmOptions(options)
    r.workers = workers
    r.gpusPerTrial = gpusPerTrial
    r.gpus = gpus
    r.data = data
    r.tasks = tasks
    r.metric = metric
    r.space = space
    r.budget = budget
    r.launcher = Launcher(rawValue: launcher) ?? .local
    r.nodes = nodes
    r.trialTimeout = trialTimeout
    r.grace = grace
    r.runDir = runDir
    r.runID = runID
    r.litgpt = litgpt
    r.database = db
    r.seed = seed
    r.precision = precision
    r.maxSteps = maxSteps
    r.warmupSteps = warmupSteps
    r.evalBatchSize = evalBatchSize
    r.finetuneArguments = finetuneArguments
    r.evaluateArguments = evaluateArguments
    r.circuitBreaker = circuitBreaker
    return r
  }

  /// Prints the trials the next session would start first (stdout: a comment, env, finetune, evaluate per trial) and,
  /// on stderr, the resolved program, the time-out and the preflight's result; exit status 2 when the preflight fails.
  func printDryRun(_ plan: LivePlan) throws {
    var plan = plan
    var preflight: String
    var failed = false
    do {
      let report = try LivePreflight.check(plan)
      plan.settings.litgpt = report.executable
      preflight = "preflight: passed\n" + report.checks.map { "  " + $0 }.joined(separator: "\n")
    } catch let error as LabError {
      preflight = "preflight: FAILED: \(error)"
      failed = true
    }
    let dry = try LiveDryRun(plan: plan)
    printError("litgpt: \(plan.settings.litgpt)")
    printError("trial time-out: \(plan.trialTimeout.map { String(format: "%.1f min", $0 / 60) } ?? "none"), grace \(plan.grace) s")
    if dry.recorded > 0 { printError("run '\(plan.runID)' has \(dry.recorded) trial(s) recorded; these are the next ones a resume starts") }
    for launch in dry.launches {
      let again = launch.resumes.map { " (again, for interrupted trial \($0))" } ?? ""
      print("# trial \(launch.trial.id), worker \(launch.slot.index): \(launch.trial.configuration.describe(in: plan.spec.space))\(again)")
      print("env " + JSONValue.object(launch.environment.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) }).pythonStyle)
      print("finetune " + JSONValue.array(launch.finetune.map(JSONValue.string)).pythonStyle)
      print("evaluate " + JSONValue.array(launch.evaluate.map(JSONValue.string)).pythonStyle)
    }
    printError(preflight)
    if failed { throw ExitCode(2) }
  }
}

/// `hpolab live status RUN-ID`: what a live run is doing (running trials, counts, best so far, who drives it).
struct LiveStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show a live run's running trials (with elapsed time), finished and failed counts, the best so far.")

  @Argument(help: "The live run's id (its folder's name by default).")
  var runID: String

  @OptionGroup var database: DatabaseOptions

  @Flag(name: .long, help: "Print the status as JSON.")
  var json = false

  func run() throws {
    try runReportingErrors {
      let db = try LabDatabase(path: database.db, mode: .existing)
      let status = try LiveStatus.read(db: db, runID: runID)
      if json { try printJSON(status) } else { print(status.text) }
    }
  }
}

/// `hpolab live list`: the live runs in the database, one line each.
struct LiveListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the live runs in the database with their counts and whether one is running now.")

  @OptionGroup var database: DatabaseOptions

  func run() throws {
    try runReportingErrors {
      let db = try LabDatabase(path: database.db, mode: .existing)
      let ids = try LiveStatus.liveRunIDs(db: db)
      if ids.isEmpty { print("No live runs in \(database.db)") }
      for id in ids {
        let s = try LiveStatus.read(db: db, runID: id)
        print("\(id)\t\(s.algorithm)\t\(s.completed) completed, \(s.failed) failed, \(s.running.count) running\t\(s.active ? "active" : "idle")")
      }
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

