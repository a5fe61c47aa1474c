import Foundation
import LabCore
import Testing

@testable import LabLive

@Suite("LitGPTEvaluator over the stand-in litgpt", .timeLimit(.minutes(3)))
struct LitGPTEvaluatorTests {
  @Test("a successful trial yields the parsed metrics, the trainable-parameter count and both durations")
  func success() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    let evaluator = try box.evaluator()
    let result = try await evaluator.evaluate(sampleTrial(), slot: WorkerSlot(index: 0, gpus: []), stop: StopSignal())
    let metrics = try #require(result.evaluation.metrics)
    // r=8, alpha=16 → the fake's accuracy 0.0816; MMLU has no acc_norm.
    #expect(metrics.values == [
      "hellaswag.acc": 0.0816, "hellaswag.acc_stderr": 0.005, "hellaswag.acc_norm": 0.6,
      "hellaswag.acc_norm_stderr": 0.0049, "mmlu.acc": 0.25, "mmlu.acc_stderr": 0.0035,
    ])
    #expect(result.details["live.trainable_parameters"] == "8016")
    #expect(result.evaluation.durations.training >= 0.05)
    #expect(result.evaluation.durations.evaluation >= 0.05)
    #expect(result.evaluation.source == .live)
    let folder = evaluator.trialFolder(0)
    #expect(result.details["live.folder"] == folder)
    for log in ["finetune.stdout.log", "finetune.stderr.log", "evaluate.stdout.log", "evaluate.stderr.log", "command.json"] {
      #expect(FileManager.default.fileExists(atPath: folder + "/" + log), "missing \(log)")
    }
    #expect(box.sentinelsIntact)
  }

  @Test("the fake receives exactly the argument arrays the evaluator reports, in its own trial folder")
  func argumentsAsRun() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    let log = box.root + "/argv.log"
    let evaluator = try box.evaluator(fake: ["LOG": log])
    let trial = sampleTrial()
    let slot = WorkerSlot(index: 0, gpus: [])
    _ = try await evaluator.evaluate(trial, slot: slot, stop: StopSignal())
    let (ft, ev) = try evaluator.commands(for: trial, slot: slot)
    let received = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    // The log holds argv[1...] of each call, each call ended by --end--.
    #expect(received == Array(ft.dropFirst()) + ["--end--"] + Array(ev.dropFirst()) + ["--end--", ""])
    #expect(ft[2] == box.checkpoint && ft[4] == box.runDirectory + "/trials/trial-0000/finetune")
  }

  @Test("a path full of shell metacharacters reaches litgpt literally and nothing is executed")
  func metacharacters() async throws {
    let box = try Sandbox(name: "run $(touch PWNED) `touch PWNED2`; echo 'x' \"y\" & |")
    defer { box.remove() }
    let log = box.root + "/argv.log"
    let evaluator = try box.evaluator(fake: ["LOG": log])
    let result = try await evaluator.evaluate(sampleTrial(), slot: WorkerSlot(index: 0, gpus: []), stop: StopSignal())
    #expect(result.evaluation.metrics != nil)
    let received = try String(contentsOfFile: log, encoding: .utf8)
    #expect(received.contains("\n" + box.runDirectory + "/trials/trial-0000/finetune\n"))
    let here = FileManager.default.currentDirectoryPath
    for folder in [box.root, box.runDirectory, box.runDirectory + "/trials/trial-0000", here] {
      #expect(!FileManager.default.fileExists(atPath: folder + "/PWNED"))
      #expect(!FileManager.default.fileExists(atPath: folder + "/PWNED2"))
    }
  }

  /// Each way of failing, the code recorded, and a fragment of the detail.
  static let failures: [(fake: String, code: String, detail: String)] = [
    ("bad-arguments", FailureCode.badArguments, "exit status 2"),
    ("missing-checkpoint", FailureCode.missingCheckpoint, "is not a checkpoint directory"),
    ("oom", FailureCode.outOfMemory, "CUDA out of memory"),
    ("crash", FailureCode.nonzeroExit, "something else went wrong"),
    ("killed", FailureCode.killed, "signal 9"),
    ("no-weights", FailureCode.missingWeights, "final/lit_model.pth does not exist"),
    ("eval-oom", FailureCode.outOfMemory, "evaluate ran out of memory"),
    ("no-results", FailureCode.missingResults, "results.json does not exist"),
    ("bad-results", FailureCode.unreadableResults, "is not JSON"),
  ]

  @Test("each way litgpt can fail is recorded with its reason", arguments: 0..<failures.count)
  func failureReasons(_ index: Int) async throws {
    let (fake, code, detail) = Self.failures[index]
    let box = try Sandbox()
    defer { box.remove() }
    let evaluator = try box.evaluator(fake: ["FAIL": fake])
    let result = try await evaluator.evaluate(sampleTrial(), slot: WorkerSlot(index: 0, gpus: []), stop: StopSignal())
    guard case .failure(let reason) = result.evaluation.outcome else {
      Issue.record("\(fake): expected a failure, got \(result.evaluation.outcome)")
      return
    }
    #expect(reason.code == code, "\(fake)")
    #expect(reason.detail.contains(detail), "\(fake): \(reason.detail)")
    #expect(box.sentinelsIntact)
  }

  @Test("a dropout marker in the arguments selects a failure too (out of memory)")
  func markerInArguments() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    let result = try await box.evaluator().evaluate(
      sampleTrial(dropout: 0.4242), slot: WorkerSlot(index: 0, gpus: []), stop: StopSignal())
    guard case .failure(let reason) = result.evaluation.outcome else { Issue.record("expected a failure"); return }
    #expect(reason.code == FailureCode.outOfMemory)
  }

  @Test("a missing checkpoint folder is a missing-checkpoint failure, not an error")
  func missingCheckpointFolder() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    var settings = box.settings()
    settings.checkpoint = box.root + "/no-such-checkpoint"
    let result = try await box.evaluator(settings: settings).evaluate(
      sampleTrial(), slot: WorkerSlot(index: 0, gpus: []), stop: StopSignal())
    guard case .failure(let reason) = result.evaluation.outcome else { Issue.record("expected a failure"); return }
    #expect(reason.code == FailureCode.missingCheckpoint)
  }

  @Test("a time-out kills the whole process group, a grandchild that ignores SIGTERM included")
  func timeoutKillsGroup() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    let pidFile = box.root + "/grandchild.pid"
    let evaluator = try box.evaluator(fake: ["FAIL": "hang", "GRANDCHILD": pidFile], timeout: 0.5)
    let started = Date()
    let result = try await evaluator.evaluate(sampleTrial(), slot: WorkerSlot(index: 0, gpus: []), stop: StopSignal())
    let elapsed = Date().timeIntervalSince(started)
    guard case .failure(let reason) = result.evaluation.outcome else { Issue.record("expected a failure"); return }
    #expect(reason.code == FailureCode.timeout)
    // 0.5 s limit + 0.3 s grace + polling (well under a second on a quiet machine); the bound is generous
    // so that a loaded CI machine does not fail it, and still far below the fake's 60 s sleep.
    #expect(elapsed < 30)
    let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    var gone = processIsGone(pid)
    for _ in 0..<50 where !gone {
      try await Task.sleep(nanoseconds: 20_000_000)
      gone = processIsGone(pid)
    }
    #expect(gone, "grandchild \(pid) survived the time-out")
  }

  @Test("a stop request ends a running trial as interrupted, quickly")
  func stopInterrupts() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    let evaluator = try box.evaluator(fake: ["FAIL": "eval-hang"])
    let stop = StopSignal()
    Task {
      try await Task.sleep(nanoseconds: 400_000_000)
      stop.request()
    }
    let started = Date()
    let result = try await evaluator.evaluate(sampleTrial(), slot: WorkerSlot(index: 0, gpus: []), stop: stop)
    #expect(result.wasInterrupted)
    // Under a second on a quiet machine; the fake would hang for 60 s if the stop were ignored.
    #expect(Date().timeIntervalSince(started) < 30)
  }

  @Test("a trial folder left by an unrecorded attempt is renamed aside, never deleted")
  func staleFolderKept() async throws {
    let box = try Sandbox()
    defer { box.remove() }
    let evaluator = try box.evaluator()
    let folder = evaluator.trialFolder(0)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: URL(fileURLWithPath: folder + "/old.txt"))
    _ = try await evaluator.evaluate(sampleTrial(), slot: WorkerSlot(index: 0, gpus: []), stop: StopSignal())
    #expect(try String(contentsOfFile: folder + ".stale-1/old.txt", encoding: .utf8) == "old")
    #expect(FileManager.default.fileExists(atPath: folder + "/finetune/final/lit_model.pth"))
    #expect(box.sentinelsIntact)
  }

  @Test("results parsing keeps every numeric ',none' metric and rejects a task without acc")
  func resultsParsing() throws {
    let box = try Sandbox()
    defer { box.remove() }
    let path = box.root + "/results.json"
    try Data(#"{"results": {"tiny": {"alias": "tiny", "acc,none": 0.5, "acc_stderr,none": "N/A"}}}"#.utf8)
      .write(to: URL(fileURLWithPath: path))
    #expect(LitGPTEvaluator.readResults(path, tasks: ["tiny"]) == .metrics(Metrics(["tiny.acc": 0.5])))
    guard case .failure(let reason) = LitGPTEvaluator.readResults(path, tasks: ["tiny", "mmlu"]) else {
      Issue.record("expected a failure")
      return
    }
    #expect(reason.code == FailureCode.unreadableResults && reason.detail.contains("'mmlu'"))
  }

  @Test("the trainable-parameter count is read with thousands separators")
  func trainableCount() {
    let log = "Seed set to 1\nNumber of trainable parameters: 1,081,344\nNumber of non-trainable parameters: 1,235,814,400\n"
    #expect(LitGPTEvaluator.trainableParameters(in: log) == 1_081_344)
    #expect(LitGPTEvaluator.trainableParameters(in: "nothing") == nil)
  }
}
