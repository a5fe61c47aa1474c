// The resolved inputs of a live run: what `hpolab live` asks for, checked and made absolute.

import Foundation
import LabCore
import LabData
import LabOptimizers

/// What a user asks of a live run, as the command line gives it (paths may be relative).
public struct LiveRequest: Sendable, Hashable {
  public var algorithm: String
  public var options: [String: String] = [:]
  public var workers = 1
  public var gpusPerTrial = 4
  /// `--gpus`: device names, comma-separated, kept verbatim (indices, UUIDs, MIG ids).
  public var gpus: String?
  public var checkpoint: String
  public var data: String?
  public var tasks = "hellaswag,mmlu"
  public var metric = MetricName.hellaswagAcc
  public var space = "llama-3.2-1b"
  public var budget = 50
  public var launcher = Launcher.local
  public var nodes: String?
  /// Minutes.
  public var trialTimeout: Double?
  /// Seconds between SIGTERM and SIGKILL.
  public var grace: Double = 10
  public var runDir: String?
  public var runID: String?
  public var litgpt = "litgpt"
  public var database = "lab.sqlite"
  public var seed: UInt64 = 0
  public var precision: String?
  public var maxSteps: Int?
  public var warmupSteps = 100
  public var evalBatchSize: Int?
  public var finetuneArguments: [String] = []
  public var evaluateArguments: [String] = []
  /// Stop when the first this-many finished trials all failed for the same reason (0: never).
  public var circuitBreaker = 3

  public init(algorithm: String, checkpoint: String) {
    self.algorithm = algorithm
    self.checkpoint = checkpoint
  }
}

/// The resolved inputs of one live session: absolute paths, worker slots, the run's spec.
public struct LivePlan: Sendable {
  public var spec: RunSpec
  public var settings: LitGPTSettings
  public var slots: [WorkerSlot]
  public var launcher: Launcher
  public var runDirectory: String
  public var runID: String
  public var database: String
  /// Seconds.
  public var trialTimeout: Double?
  public var grace: Double
  public var environment: [String: String]
  public var circuitBreaker: Int

  /// Resolves `request` against the working folder `cwd` and the environment `environment`.
  /// - Throws: ``LabError`` `.invalidInput` naming the option at fault (one line).
  public init(_ request: LiveRequest, cwd: String, environment env: [String: String]) throws {
    func absolute(_ path: String) -> String {
      let full = path.hasPrefix("/") ? path : cwd + "/" + path
      return URL(fileURLWithPath: full).standardizedFileURL.path
    }
    func invalid(_ message: String, _ field: String) -> LabError {
      LabError(.invalidInput, message, location: .init(field: field))
    }
    guard request.workers >= 1 else { throw invalid("--workers must be at least 1, got \(request.workers)", "workers") }
    guard request.gpusPerTrial >= 0 else {
      throw invalid("--gpus-per-trial must be ≥ 0, got \(request.gpusPerTrial)", "gpus-per-trial")
    }
    guard request.budget >= 1 else { throw invalid("--budget must be at least 1, got \(request.budget)", "budget") }
    if let t = request.trialTimeout, !(t.isFinite && t > 0) {
      throw invalid("--trial-timeout must be a positive number of minutes, got \(t)", "trial-timeout")
    }
    guard request.grace.isFinite, request.grace >= 0 else {
      throw invalid("--grace must be ≥ 0 seconds, got \(request.grace)", "grace")
    }
    guard ProposerCatalogue.isKnown(request.algorithm) else { throw ProposerCatalogue.unknown(request.algorithm) }
    guard request.metric.contains(".") else {
      throw invalid("--metric must be TASK.METRIC (e.g. hellaswag.acc), got '\(request.metric)'", "metric")
    }
    if let m = request.maxSteps, m < 1 { throw invalid("--max-steps must be at least 1, got \(m)", "max-steps") }
    guard request.circuitBreaker >= 0 else {
      throw invalid("--circuit-breaker must be ≥ 0, got \(request.circuitBreaker)", "circuit-breaker")
    }

    let space = try SearchSpace.preset(named: request.space)
    let tasks = request.tasks.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard let task = request.metric.split(separator: ".").first, tasks.contains(String(task)) else {
      throw invalid("--metric '\(request.metric)' names a task not in --tasks (\(tasks.joined(separator: ",")))", "metric")
    }
    // Fail early on an unknown algorithm option.
    _ = try ProposerCatalogue.make(request.algorithm, options: request.options, space: space, budget: request.budget)

    let litgpt = request.litgpt.contains("/") ? absolute(request.litgpt) : request.litgpt
    let settings = LitGPTSettings(
      litgpt: litgpt, checkpoint: absolute(request.checkpoint), data: request.data.map(absolute), tasks: tasks,
      devices: request.gpusPerTrial, precision: request.precision, warmupSteps: request.warmupSteps,
      maxSteps: request.maxSteps, evalBatchSize: request.evalBatchSize,
      extraFinetuneArguments: request.finetuneArguments, extraEvaluateArguments: request.evaluateArguments)
    try settings.validate()

    var visible: [GPUDevice] = []
    if let gpus = request.gpus {
      visible = try GPUDevice.list(gpus, field: "gpus")
    } else if let cvd = env["CUDA_VISIBLE_DEVICES"], !cvd.isEmpty, request.launcher == .local {
      visible = try GPUDevice.list(cvd, field: "CUDA_VISIBLE_DEVICES")
    }
    var nodes: [String] = []
    if request.launcher == .oar {
      if let list = request.nodes {
        nodes = list.split(separator: ",").map(String.init)
      } else if let file = env["OAR_NODEFILE"], let text = try? String(contentsOfFile: file, encoding: .utf8) {
        for line in text.split(whereSeparator: \.isNewline).map(String.init) where !nodes.contains(line) { nodes.append(line) }
      }
      guard !nodes.isEmpty else {
        throw invalid("--launcher oar needs nodes: pass --nodes or run inside an OAR job ($OAR_NODEFILE)", "nodes")
      }
    }
    if request.gpus == nil && visible.isEmpty {
      let perNode = nodes.isEmpty ? request.workers : (request.workers + nodes.count - 1) / nodes.count
      visible = (0..<(perNode * request.gpusPerTrial)).map { GPUDevice(String($0)) }
    }
    slots = try WorkerSlot.partition(
      workers: request.workers, perTrial: request.gpusPerTrial, devices: visible, nodes: nodes)

    runDirectory = absolute(request.runDir ?? "runs/live-\(request.algorithm)-s\(request.seed)")
    spec = RunSpec(
      algorithm: request.algorithm, options: request.options, evaluator: "litgpt:\(settings.checkpoint)", space: space,
      workers: request.workers, mode: .async, seed: request.seed, metric: request.metric, direction: .maximize,
      budget: request.budget)
    self.settings = settings
    launcher = request.launcher
    runID = request.runID ?? URL(fileURLWithPath: runDirectory).lastPathComponent
    database = absolute(request.database)
    trialTimeout = request.trialTimeout.map { $0 * 60 }
    grace = request.grace
    environment = env
    circuitBreaker = request.circuitBreaker
  }

  /// The evaluator every trial of this plan runs with.
  public func evaluator() throws -> LitGPTEvaluator {
    try LitGPTEvaluator(
      settings: settings, space: spec.space, runDirectory: runDirectory, launcher: launcher, trialTimeout: trialTimeout,
      seed: spec.seed, baseEnvironment: environment, processes: ProcessRunner(grace: grace))
  }

  /// A fresh proposer, built as every session of this run builds it.
  public func proposer() throws -> any Proposer {
    try ProposerCatalogue.make(
      spec.algorithm, options: spec.options, space: spec.space, budget: spec.budget, workers: spec.workers, mode: .async)
  }
}
