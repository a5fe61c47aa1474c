// Checks before a live run stores anything: the program, the checkpoint, the data, the launcher, the folders, the extra arguments.

import Foundation
import LabCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the preflight found: the resolved program, its version, and one line per check passed.
public struct PreflightReport: Sendable, Hashable {
  /// The absolute path of the litgpt program.
  public var executable: String
  /// What the program says its version is (`litgpt 0.5.13`), or "unknown".
  public var version: String
  /// One line per check, in the order made.
  public var checks: [String]
}

/// Checks a ``LivePlan`` before anything is stored, so that a typo costs one line instead of a budget of failed trials.
///
/// In order: the litgpt program resolves (on the trials' `PATH`) and reports
/// a version; the checkpoint folder exists and holds `model_config.yaml` and
/// `lit_model.pth` (what litgpt's `check_valid_checkpoint_dir` requires
/// first); the data file exists; the launcher is usable (`srun` on `PATH`
/// and `SLURM_JOB_ID` set, i.e. inside an allocation; `oarsh` on `PATH`);
/// the run folder (or its nearest existing parent) and the database's folder
/// are writable; every `--finetune-arg` / `--evaluate-arg` option appears in
/// `litgpt finetune_lora --help` / `litgpt evaluate --help` (when help can be
/// asked; an option given as `--key=value` or `--key value` is looked up by key).
/// Nothing is written.
public enum LivePreflight {
  /// Runs every check.
  /// - Throws: ``LabError`` (`.notFound` or `.invalidInput`) with a one-line description of the first failed check.
  public static func check(_ plan: LivePlan) throws -> PreflightReport {
    var checks: [String] = []
    let settings = plan.settings
    let path = plan.environment["PATH"]
    let executable: String
    do {
      executable = try ProcessRunner.resolve(settings.litgpt, path: path)
    } catch {
      throw LabError(.notFound, "preflight: litgpt program '\(settings.litgpt)' not found (PATH=\(path ?? "")); pass --litgpt PATH",
                     location: .init(field: "litgpt"))
    }
    let version = Self.version(of: executable, environment: plan.environment)
    checks.append("litgpt: \(executable) (\(version))")

    var isFolder: ObjCBool = false
    let fm = FileManager.default
    guard fm.fileExists(atPath: settings.checkpoint, isDirectory: &isFolder), isFolder.boolValue else {
      throw LabError(.notFound, "preflight: the checkpoint folder does not exist", location: .init(file: settings.checkpoint, field: "checkpoint"))
    }
    for file in ["model_config.yaml", "lit_model.pth"] where !fm.fileExists(atPath: settings.checkpoint + "/" + file) {
      throw LabError(
        .notFound, "preflight: the checkpoint folder has no \(file) (download it with `litgpt download`, see docs/live.md)",
        location: .init(file: settings.checkpoint, field: "checkpoint"))
    }
    checks.append("checkpoint: \(settings.checkpoint) (model_config.yaml, lit_model.pth)")
    if let data = settings.data {
      guard fm.isReadableFile(atPath: data) else {
        throw LabError(.notFound, "preflight: the data file does not exist or is unreadable", location: .init(file: data, field: "data"))
      }
      checks.append("data: \(data)")
    }

    switch plan.launcher {
    case .local:
      checks.append("launcher: local")
    case .slurm:
      guard let srun = try? ProcessRunner.resolve("srun", path: path) else {
        throw LabError(.notFound, "preflight: --launcher slurm needs srun on PATH", location: .init(field: "launcher"))
      }
      guard let job = plan.environment["SLURM_JOB_ID"], !job.isEmpty else {
        throw LabError(
          .invalidInput, "preflight: --launcher slurm must run inside an allocation (salloc or sbatch; SLURM_JOB_ID is not set)",
          location: .init(field: "launcher"))
      }
      checks.append("launcher: slurm, \(srun), job \(job)")
    case .oar:
      guard let oarsh = try? ProcessRunner.resolve("oarsh", path: path) else {
        throw LabError(.notFound, "preflight: --launcher oar needs oarsh on PATH", location: .init(field: "launcher"))
      }
      checks.append("launcher: oar, \(oarsh)")
    }

    try writable(plan.runDirectory, field: "run-dir")
    try writable((plan.database as NSString).deletingLastPathComponent, field: "db")
    checks.append("folders writable: \(plan.runDirectory), \(plan.database)")

    for (step, extra) in [("finetune_lora", settings.extraFinetuneArguments), ("evaluate", settings.extraEvaluateArguments)]
    where !extra.isEmpty {
      guard let help = Self.output(of: [executable, step, "--help"], environment: plan.environment), help.status == 0 else {
        checks.append("\(step) arguments: not checked (`litgpt \(step) --help` failed)")
        continue
      }
      let known = Self.options(inHelp: help.text)
      for argument in extra where argument.hasPrefix("--") {
        let key = String(argument.prefix { $0 != "=" })
        guard known.contains(key) else {
          throw LabError(
            .invalidInput, "preflight: litgpt \(step) has no option \(key) (see `litgpt \(step) --help`)",
            location: .init(field: step == "evaluate" ? "evaluate-arg" : "finetune-arg"))
        }
      }
      checks.append("\(step) arguments: \(extra.joined(separator: " ")) (known to litgpt)")
    }
    return PreflightReport(executable: executable, version: version, checks: checks)
  }

  /// Fails unless `folder`, or its nearest existing parent when it does not exist yet, is a writable folder.
  static func writable(_ folder: String, field: String) throws {
    var probe = folder.isEmpty ? "." : folder
    let fm = FileManager.default
    while !fm.fileExists(atPath: probe) {
      let parent = (probe as NSString).deletingLastPathComponent
      if parent == probe || parent.isEmpty { break }
      probe = parent
    }
    guard access(probe, W_OK) == 0 else {
      throw LabError(.invalidInput, "preflight: folder \(probe) is not writable", location: .init(file: folder, field: field))
    }
  }

  /// The `--option` names in a help text.
  static func options(inHelp text: String) -> Set<String> {
    let tokens = text.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
    var found: Set<String> = []
    for token in tokens where token.hasPrefix("--") && token.count > 2 {
      var name = String(token)
      while name.hasSuffix(".") { name.removeLast() }
      found.insert(name)
    }
    return found
  }

  /// The version the program reports: Python console scripts are asked through `importlib.metadata`, others with `--version`.
  static func version(of executable: String, environment: [String: String]) -> String {
    if let head = try? String(contentsOfFile: executable, encoding: .utf8).prefix(200),
      head.hasPrefix("#!"), let line = head.split(separator: "\n").first, line.contains("python")
    {
      let interpreter = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
      let argv = interpreter.split(separator: " ").map(String.init)
        + ["-c", "import importlib.metadata as m; print('litgpt ' + m.version('litgpt'))"]
      if let out = output(of: argv, environment: environment), out.status == 0, !out.text.isEmpty {
        return out.text.trimmingCharacters(in: .whitespacesAndNewlines)
      }
    }
    if let out = output(of: [executable, "--version"], environment: environment), out.status == 0 {
      let line = out.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
      if !line.isEmpty { return line }
    }
    return "version unknown"
  }

  /// Runs `argv` (no shell) for at most 60 s and returns its exit status and standard output; nil when it cannot start.
  static func output(of argv: [String], environment: [String: String]) -> (status: Int32, text: String)? {
    guard let program = argv.first, let resolved = try? ProcessRunner.resolve(program, path: environment["PATH"]) else {
      return nil
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: resolved)
    process.arguments = Array(argv.dropFirst())
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    watchdog.cancel()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
