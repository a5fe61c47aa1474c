// One live trial: `litgpt finetune_lora`, then `litgpt evaluate`, in the trial's own folder.
//
// Trial folder layout (under RUN/trials/trial-NNNN, N = trial id):
//   command.json              the two argument arrays, as run
//   finetune.stdout.log       finetune.stderr.log
//   finetune/                 --out_dir of finetune_lora (final/lit_model.pth on success)
//   evaluate.stdout.log       evaluate.stderr.log
//   evaluate/                 --out_dir of evaluate (results.json on success); never created beforehand,
//                             because evaluate silently reuses a converted model in an existing folder

import Foundation
import LabCore

/// Evaluates trials with the real `litgpt` command-line tool (fine-tune with LoRA, then evaluate with lm-eval).
///
/// Success needs exit status 0 **and** the artefact of each step
/// (`finetune/final/lit_model.pth`, then `evaluate/results.json`). Everything
/// else is a failed trial with its reason (see ``FailureCode``): exit 2 is
/// bad arguments; exit 1 with litgpt's checkpoint message is a missing
/// checkpoint, with an out-of-memory message out of memory; our time limit is
/// a time-out; a signal we did not send is `killed`; a stop request is
/// `interrupted`. The trainable-parameter count (`Number of trainable
/// parameters: N`) and the wall-clock durations of both steps are kept.
///
/// Nothing is ever deleted: a trial folder left by an earlier, unrecorded
/// attempt is renamed aside (`trial-NNNN.stale-K`) inside the run folder.
public struct LitGPTEvaluator: LiveEvaluator {
  public var settings: LitGPTSettings
  public var space: SearchSpace
  /// The run folder (absolute); trials live in `runDirectory/trials/`.
  public var runDirectory: String
  public var launcher: Launcher
  /// Seconds a whole trial (both steps) may take; nil for no limit.
  public var trialTimeout: Double?
  /// The run seed; each trial's `--seed` is derived from it and the trial id.
  public var seed: UInt64
  /// The parent environment the trials start from.
  public var baseEnvironment: [String: String]
  public var processes: ProcessRunner

  public init(
    settings: LitGPTSettings, space: SearchSpace, runDirectory: String, launcher: Launcher = .local,
    trialTimeout: Double? = nil, seed: UInt64 = 0, baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
    processes: ProcessRunner = ProcessRunner()
  ) throws {
    try settings.validate()
    guard runDirectory.hasPrefix("/") else {
      throw LabError(.invalidInput, "the run folder must be an absolute path, got '\(runDirectory)'", location: .init(field: "run-dir"))
    }
    if let trialTimeout, !(trialTimeout > 0) {
      throw LabError(.invalidInput, "the trial time-out must be positive, got \(trialTimeout)", location: .init(field: "trial-timeout"))
    }
    self.settings = settings
    self.space = space
    self.runDirectory = runDirectory
    self.launcher = launcher
    self.trialTimeout = trialTimeout
    self.seed = seed
    self.baseEnvironment = baseEnvironment
    self.processes = processes
  }

  public var name: String { "litgpt:\(settings.checkpoint)" }

  /// The folder of trial `id`.
  public func trialFolder(_ id: TrialID) -> String {
    runDirectory + "/trials/trial-" + String(format: "%04d", id)
  }

  public func folder(for id: TrialID) -> String? { trialFolder(id) }

  /// The `--seed` of trial `id`: derived from (run seed, trial id), within Lightning's 32-bit range.
  public func trialSeed(_ id: TrialID) -> UInt64 {
    SeededGenerator.deriveSeed([seed, UInt64(id), StreamPurpose.evaluation.rawValue]) & 0xFFFF_FFFF
  }

  /// The two complete argument arrays (launcher prefix included) that trial `trial` runs on `slot`.
  /// - Throws: ``LabError`` `.invalidInput` when the configuration lacks a LoRA parameter.
  public func commands(for trial: LiveTrial, slot: WorkerSlot) throws -> (finetune: [String], evaluate: [String]) {
    let h = try LoRAHyperparameters(trial.configuration, in: space)
    let folder = trialFolder(trial.id)
    let trialSeed = trialSeed(trial.id)
    let finetune = LitGPTCommands.finetune(h, settings: settings, outDir: folder + "/finetune", seed: trialSeed)
    let evaluate = LitGPTCommands.evaluate(
      finalDir: folder + "/finetune/final", evalDir: folder + "/evaluate", settings: settings, seed: trialSeed)
    let overrides = trialEnvironmentOverrides(slot: slot, launcher: launcher)
    return (
      launcher.wrap(finetune, slot: slot, gpusPerTrial: settings.devices, trial: trial.id, environment: overrides),
      launcher.wrap(evaluate, slot: slot, gpusPerTrial: settings.devices, trial: trial.id, environment: overrides)
    )
  }

  public func evaluate(_ trial: LiveTrial, slot: WorkerSlot, stop: StopSignal) async throws -> LiveResult {
    let (finetune, evaluate) = try commands(for: trial, slot: slot)
    let folder = trialFolder(trial.id)
    try prepareFolder(folder)
    try writeCommands(folder: folder, finetune: finetune, evaluate: evaluate)

    var environment = trialEnvironment(base: baseEnvironment, slot: slot, launcher: launcher)
    // Marks every process of the trial, so that a resume after a crash can find the ones left behind.
    environment[LiveMarker.runVariable] = runDirectory
    environment[LiveMarker.trialVariable] = String(trial.id)
    let pgidFile = folder + "/" + LiveMarker.processGroupsFile
    let noteGroup: (Int32) -> Void = { pid in
      if let handle = FileHandle(forWritingAtPath: pgidFile) ?? {
        FileManager.default.createFile(atPath: pgidFile, contents: nil)
        return FileHandle(forWritingAtPath: pgidFile)
      }() {
        _ = try? handle.seekToEnd()
        handle.write(Data("\(pid)\n".utf8))
        try? handle.close()
      }
    }
    let opening = Date().timeIntervalSince1970
    let deadline = trialTimeout.map { opening + $0 }
    var details: [String: String] = [
      "live.folder": folder, "live.seed": String(trialSeed(trial.id)), "live.worker_gpus": slot.gpus.map(\.id).joined(separator: ","),
      "live.opening_time": traceTimeString(opening),
    ]

    func failed(_ reason: FailureReason, training: Double, evaluation: Double) -> LiveResult {
      details["live.ending_time"] = traceTimeString(Date().timeIntervalSince1970)
      return LiveResult(
        evaluation: Evaluation(
          outcome: .failure(reason), durations: Durations(training: training, evaluation: evaluation), source: .live),
        details: details)
    }

    // Step 1: fine-tuning.
    let train = try await processes.run(
      ProcessSpec(
        arguments: finetune, environment: environment, workingDirectory: folder,
        stdoutPath: folder + "/finetune.stdout.log", stderrPath: folder + "/finetune.stderr.log"),
      deadline: deadline, stop: stop, spawned: noteGroup)
    details["live.finetune_exit"] = train.termination.description
    details["live.end_training_time"] = traceTimeString(opening + train.seconds)
    let trainLogs = Self.tail(folder + "/finetune.stdout.log") + "\n" + Self.tail(folder + "/finetune.stderr.log")
    if let count = Self.trainableParameters(in: trainLogs) { details["live.trainable_parameters"] = String(count) }
    if let reason = Self.classify(step: "finetune", outcome: train, log: trainLogs, timeLimit: trialTimeout) {
      return failed(reason, training: train.seconds, evaluation: 0)
    }
    let weights = folder + "/finetune/final/lit_model.pth"
    guard FileManager.default.fileExists(atPath: weights) else {
      return failed(
        FailureReason(FailureCode.missingWeights, "finetune exited 0 but \(weights) does not exist"),
        training: train.seconds, evaluation: 0)
    }

    // Step 2: evaluation.
    let eval = try await processes.run(
      ProcessSpec(
        arguments: evaluate, environment: environment, workingDirectory: folder,
        stdoutPath: folder + "/evaluate.stdout.log", stderrPath: folder + "/evaluate.stderr.log"),
      deadline: deadline, stop: stop, spawned: noteGroup)
    details["live.evaluate_exit"] = eval.termination.description
    let evalLogs = Self.tail(folder + "/evaluate.stdout.log") + "\n" + Self.tail(folder + "/evaluate.stderr.log")
    if let reason = Self.classify(step: "evaluate", outcome: eval, log: evalLogs, timeLimit: trialTimeout) {
      return failed(reason, training: train.seconds, evaluation: eval.seconds)
    }
    let resultsPath = folder + "/evaluate/results.json"
    let metrics: Metrics
    switch Self.readResults(resultsPath, tasks: settings.tasks) {
    case .failure(let reason): return failed(reason, training: train.seconds, evaluation: eval.seconds)
    case .metrics(let m): metrics = m
    }
    details["live.ending_time"] = traceTimeString(Date().timeIntervalSince1970)
    return LiveResult(
      evaluation: Evaluation(
        outcome: .success(metrics), durations: Durations(training: train.seconds, evaluation: eval.seconds), source: .live),
      details: details)
  }

  // MARK: - Files

  /// Creates the trial folder, first renaming aside (never deleting) one left by an unrecorded attempt.
  func prepareFolder(_ folder: String) throws {
    let fm = FileManager.default
    do {
      if fm.fileExists(atPath: folder) {
        var k = 1
        while fm.fileExists(atPath: "\(folder).stale-\(k)") { k += 1 }
        try fm.moveItem(atPath: folder, toPath: "\(folder).stale-\(k)")
      }
      try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw LabError(.io, "cannot create the trial folder", location: .init(file: folder), underlying: error)
    }
  }

  func writeCommands(folder: String, finetune: [String], evaluate: [String]) throws {
    let json = JSONValue.object([
      (key: "finetune", value: .array(finetune.map(JSONValue.string))),
      (key: "evaluate", value: .array(evaluate.map(JSONValue.string))),
    ])
    let path = folder + "/command.json"
    do {
      try Data((json.pythonStyle + "\n").utf8).write(to: URL(fileURLWithPath: path))
    } catch {
      throw LabError(.io, "cannot write the trial's commands", location: .init(file: path), underlying: error)
    }
  }

  /// The last `limit` bytes of a log file ("" when unreadable).
  static func tail(_ path: String, limit: Int = 65_536) -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    let start = size > UInt64(limit) ? size - UInt64(limit) : 0
    try? handle.seek(toOffset: start)
    let data = (try? handle.readToEnd()) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  // MARK: - Classification (pure)

  /// The failure a finished step means, or nil when it succeeded (exit 0; artefacts are checked separately).
  ///
  /// Order: our stop → `interrupted`; our time limit → `timeout`; a SLURM step
  /// cancelled (`CANCELLED AT` or `Terminating StepId=` in srun's log) or any other signal → `killed`; exit 2 → `bad-arguments`; a non-zero exit whose log
  /// mentions running out of memory → `out-of-memory`, or litgpt's checkpoint
  /// complaint → `missing-checkpoint`; any other non-zero exit → `nonzero-exit`.
  public static func classify(step: String, outcome: ProcessOutcome, log: String, timeLimit: Double?) -> FailureReason? {
    switch outcome.ending {
    case .stopped:
      return FailureReason(FailureCode.interrupted, "\(step) stopped on request after \(seconds(outcome.seconds))")
    case .timedOut:
      return FailureReason(
        FailureCode.timeout, "\(step) exceeded the trial limit of \(timeLimit.map(seconds) ?? "?"); process group terminated")
    case .finished:
      break
    }
    let last = lastLine(log)
    // srun's log when the job step was cancelled (scancel, the job's time limit): slurmstepd's
    // "*** STEP J.S ON N CANCELLED AT T ***", or, when srun exits before relaying that line,
    // srun's own "_step_signal: Terminating StepId=J.S" (seen with slurm-wlm 22.05).
    let cancelMarkers = ["CANCELLED AT", "Terminating StepId="]
    if outcome.termination != .exited(0),
      let line = log.split(whereSeparator: \.isNewline).last(where: { l in cancelMarkers.contains { l.contains($0) } })
    {
      return FailureReason(
        FailureCode.killed, "\(step) was cancelled by SLURM (\(outcome.termination)): \(line.trimmingCharacters(in: .whitespaces))")
    }
    switch outcome.termination {
    case .exited(0):
      return nil
    case .signalled(let signal):
      return FailureReason(FailureCode.killed, "\(step) was killed by signal \(signal)")
    case .exited(2):
      return FailureReason(FailureCode.badArguments, "\(step) rejected its arguments (exit status 2): \(last)")
    case .exited(let code):
      let lower = log.lowercased()
      if lower.contains("out of memory") || lower.contains("outofmemoryerror") || lower.contains("can't allocate memory") {
        return FailureReason(FailureCode.outOfMemory, "\(step) ran out of memory (exit status \(code)): \(last)")
      }
      // litgpt's check_valid_checkpoint_dir: "checkpoint_dir '/x' is not a checkpoint directory." or
      // "… is missing the files: [...]" (raised as FileNotFoundError for absolute paths).
      if lower.contains("is not a checkpoint directory") || lower.contains("is missing the files:") {
        return FailureReason(FailureCode.missingCheckpoint, "\(step) found no usable checkpoint (exit status \(code)): \(last)")
      }
      return FailureReason(FailureCode.nonzeroExit, "\(step) failed with exit status \(code): \(last)")
    }
  }

  /// The count in litgpt's `Number of trainable parameters: N` line (thousands separators allowed).
  public static func trainableParameters(in log: String) -> Int? {
    let marker = "Number of trainable parameters:"
    guard let range = log.range(of: marker, options: .backwards) else { return nil }
    let rest = log[range.upperBound...].prefix { $0 != "\n" }
    let digits = rest.filter { $0 != "," && $0 != "_" && $0 != " " && $0 != "\r" }
    return Int(digits)
  }

  /// The metrics of an lm-eval `results.json`: `results[task]["M,none"]` → `task.M` for every requested task.
  ///
  /// Every numeric `…,none` entry is kept (`acc`, `acc_stderr`, `acc_norm`, …;
  /// MMLU has no `acc_norm`); non-numeric ones (`"N/A"`) are skipped. A task
  /// without `acc,none` makes the results unreadable.
  public static func readResults(_ path: String, tasks: [String]) -> ResultsReading {
    guard let data = FileManager.default.contents(atPath: path) else {
      return .failure(FailureReason(FailureCode.missingResults, "evaluate exited 0 but \(path) does not exist"))
    }
    let root: JSONValue
    do {
      root = try JSONValue.parse([UInt8](data))
    } catch {
      return .failure(FailureReason(FailureCode.unreadableResults, "\(path) is not JSON: \(error)"))
    }
    guard let results = root["results"], case .object = results else {
      return .failure(FailureReason(FailureCode.unreadableResults, "\(path) has no 'results' object"))
    }
    var metrics = Metrics()
    for task in tasks {
      guard case .object(let members)? = results[task] else {
        return .failure(FailureReason(FailureCode.unreadableResults, "\(path) has no results for task '\(task)'"))
      }
      for (key, value) in members where key.hasSuffix(",none") {
        guard let v = value.double, v.isFinite else { continue }
        metrics["\(task).\(key.dropLast(",none".count))"] = v
      }
      guard metrics["\(task).acc"] != nil else {
        return .failure(FailureReason(FailureCode.unreadableResults, "\(path): task '\(task)' has no numeric 'acc,none'"))
      }
    }
    return .metrics(metrics)
  }

  static func lastLine(_ log: String) -> String {
    let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return String((lines.last ?? "(no output)").prefix(300))
  }

  static func seconds(_ s: Double) -> String { String(format: "%.1f s", s) }
}

/// What reading an lm-eval `results.json` gives: metrics, or the failure of the trial.
public enum ResultsReading: Sendable, Hashable {
  case metrics(Metrics)
  case failure(FailureReason)
}
