import Foundation
import LabCore
import LabData
import Testing

/// The stand-in litgpt of LabLiveTests' fixtures.
private let fakeLitGPT = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("LabLiveTests/Fixtures/fake-litgpt").path

/// The arguments of a small CPU live run over the stand-in litgpt in `folder`.
private func liveArguments(_ folder: URL, algorithm: String = "lhs", workers: Int = 2, budget: Int = 3) -> [String] {
  [
    "live", "--algorithm", algorithm, "--workers", String(workers), "--gpus-per-trial", "0", "--checkpoint", "ckpt",
    "--litgpt", fakeLitGPT, "--budget", String(budget), "--db", folder.appendingPathComponent("lab.sqlite").path,
    "--run-dir", "runs/demo", "--grace", "0.5",
  ]
}

private func liveFolder() throws -> URL {
  let folder = try temporaryFolder()
  try FileManager.default.createDirectory(at: folder.appendingPathComponent("ckpt"), withIntermediateDirectories: true)
  // What the preflight looks for in a litgpt checkpoint folder.
  for file in ["model_config.yaml", "lit_model.pth"] {
    FileManager.default.createFile(atPath: folder.appendingPathComponent("ckpt/" + file).path, contents: Data())
  }
  return folder
}

@Suite("hpolab live (end to end, stand-in litgpt)", .timeLimit(.minutes(2)))
struct LiveCLITests {
  @Test("--dry-run prints the exact argument arrays of the first W trials and creates nothing")
  func dryRun() throws {
    let folder = try liveFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try runHpolab(liveArguments(folder) + ["--dry-run"], in: folder)
    #expect(result.status == 0, "\(result)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    // Two trials: a comment, env, finetune and evaluate each.
    #expect(lines.count == 8, "\(result)")
    #expect(lines[1] == #"env {"CUDA_VISIBLE_DEVICES": "", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}"#)
    let root = folder.standardizedFileURL.path
    #expect(lines[2].hasPrefix(#"finetune [""# + fakeLitGPT + #"", "finetune_lora", ""# + root + #"/ckpt", "--out_dir", ""# + root + #"/runs/demo/trials/trial-0000/finetune", "--devices", "1", "--precision", "32-true", "--seed", ""#))
    #expect(lines[3].hasPrefix(#"evaluate [""# + fakeLitGPT + #"", "evaluate", ""# + root + #"/runs/demo/trials/trial-0000/finetune/final", "--out_dir", ""# + root + #"/runs/demo/trials/trial-0000/evaluate", "--tasks", "hellaswag,mmlu""#))
    #expect(lines[6].contains("trial-0001/finetune"))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("lab.sqlite").path))
  }

  @Test("a run commits every trial, and its export reads back as a trace with the same metrics")
  func runAndExport() throws {
    let folder = try liveFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try runHpolab(liveArguments(folder), in: folder, environment: ["FAKE_LITGPT_SLEEP": "0.05"])
    #expect(run.status == 0, "\(run)")
    #expect(run.stdout.contains("run demo: 3 completed, 0 failed, 0 interrupted"), "\(run)")
    let export = try runHpolab(["live", "export", "demo", "--db", folder.appendingPathComponent("lab.sqlite").path])
    #expect(export.status == 0, "\(export)")
    let parsed = try TraceParser.parse(data: Data(export.stdout.utf8), run: "demo_bis", file: "demo_bis.json")
    #expect(parsed.trials.count == 3 && parsed.bad.isEmpty)
    #expect(parsed.trials.allSatisfy { $0.metrics[MetricName.mmluAcc] == 0.25 && ($0.trainingSeconds ?? -1) >= 0 })
    // `traces export` knows live runs too, and writes the same lines.
    let traces = try runHpolab(["traces", "export", "demo", "--db", folder.appendingPathComponent("lab.sqlite").path])
    #expect(traces.status == 0 && traces.stdout == export.stdout, "\(traces)")
  }

  @Test("SIGINT stops launching, records running trials as interrupted, exits 130; the same command resumes")
  func interruptAndResume() async throws {
    let folder = try liveFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let process = Process()
    process.executableURL = try hpolabBinary()
    process.arguments = liveArguments(folder, budget: 4)
    process.currentDirectoryURL = folder
    var env = ProcessInfo.processInfo.environment
    env["FAKE_LITGPT_SLEEP"] = "30"
    process.environment = env
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait until both first trials are fine-tuning.
    let logs = (0..<2).map { folder.appendingPathComponent("runs/demo/trials/trial-000\($0)/finetune.stdout.log").path }
    for _ in 0..<200 where !logs.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
      try await Task.sleep(nanoseconds: 50_000_000)
    }
    try await Task.sleep(nanoseconds: 200_000_000)
    let started = Date()
    process.interrupt()
    process.waitUntilExit()
    // Seconds on a quiet machine; the fake's trials would otherwise run for a minute.
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(process.terminationReason == .exit && process.terminationStatus == 130)

    let db = folder.appendingPathComponent("lab.sqlite").path
    let export = try runHpolab(["live", "export", "demo", "--db", db])
    #expect(export.stdout.isEmpty && export.stderr.contains("2 failed or interrupted"), "\(export)")

    let resumed = try runHpolab(liveArguments(folder, budget: 4) + ["--json"], in: folder, environment: ["FAKE_LITGPT_SLEEP": "0.05"])
    #expect(resumed.status == 0, "\(resumed)")
    #expect(resumed.stderr.contains("resuming run 'demo': 2 trial(s) recorded"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(resumed.stdout.utf8)) as? [String: Any])
    let trials = try #require(json["trials"] as? [[String: Any]])
    let states = trials.compactMap { $0["state"] as? String }
    #expect(states == ["interrupted", "interrupted", "completed", "completed", "completed", "completed"])
    let origins = trials.compactMap { ($0["info"] as? [String: String])?["live.resumed_from"] }.sorted()
    #expect(origins == ["0", "1"])
  }

  @Test("bad live options fail with one line naming the option")
  func badOptions() throws {
    let folder = try liveFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let zero = try runHpolab(liveArguments(folder) + ["--workers", "0", "--dry-run"], in: folder)
    #expect(zero.status != 0 && zero.stderr.contains("--workers must be in 1…4,096, got 0"), "\(zero)")
    let algorithm = try runHpolab(["live", "--algorithm", "nope", "--checkpoint", "/x", "--dry-run"], in: folder)
    #expect(algorithm.status != 0 && algorithm.stderr.contains("valid: random, lhs"), "\(algorithm)")
    let metric = try runHpolab(liveArguments(folder) + ["--metric", "arc.acc", "--dry-run"], in: folder)
    #expect(metric.status != 0 && metric.stderr.contains("names a task not in --tasks"), "\(metric)")
    let gpus = try runHpolab(liveArguments(folder) + ["--gpus-per-trial", "4", "--gpus", "0,1,2", "--dry-run"], in: folder)
    #expect(gpus.status != 0 && gpus.stderr.contains("need 8 GPUs, but 3 are visible"), "\(gpus)")
  }
}
