import Foundation
import LabCore
import LabData
@testable import LabLive

/// The stand-in `litgpt` of the fixtures (a bash script that checks its arguments like litgpt 0.5.13).
let fakeLitGPT = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures/fake-litgpt").path

/// A throw-away folder per test: a checkpoint folder, a run folder, and sentinels outside the run folder.
struct Sandbox {
  let root: String
  let checkpoint: String
  let runDirectory: String
  /// Files that must survive every test (outside the run folder).
  let sentinels: [String]

  init(name: String = "run") throws {
    let base = FileManager.default.temporaryDirectory.path + "/hpolab-live-" + UUID().uuidString
    root = base
    checkpoint = base + "/checkpoints/tiny"
    runDirectory = base + "/" + name
    try FileManager.default.createDirectory(atPath: checkpoint, withIntermediateDirectories: true)
    let a = checkpoint + "/lit_model.pth"
    let b = base + "/keep-me.txt"
    try Data("base weights".utf8).write(to: URL(fileURLWithPath: a))
    try Data("outside the run folder".utf8).write(to: URL(fileURLWithPath: b))
    sentinels = [a, b]
  }

  func settings(tasks: [String] = ["hellaswag", "mmlu"], data: String? = nil) -> LitGPTSettings {
    LitGPTSettings(litgpt: fakeLitGPT, checkpoint: checkpoint, data: data, tasks: tasks, devices: 0)
  }

  /// The evaluator over the fake litgpt, with `FAKE_LITGPT_*` variables in its environment.
  func evaluator(
    fake: [String: String] = [:], timeout: Double? = nil, settings: LitGPTSettings? = nil, runDirectory: String? = nil,
    space: SearchSpace = .llama32_1B
  ) throws -> LitGPTEvaluator {
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FAKE_LITGPT") }
    for (k, v) in fake { env["FAKE_LITGPT_" + k] = v }
    if env["FAKE_LITGPT_SLEEP"] == nil { env["FAKE_LITGPT_SLEEP"] = "0.05" }
    return try LitGPTEvaluator(
      settings: settings ?? self.settings(), space: space, runDirectory: runDirectory ?? self.runDirectory,
      trialTimeout: timeout, seed: 7, baseEnvironment: env, processes: ProcessRunner(grace: 0.3, pollInterval: 0.01))
  }

  /// Whether every sentinel is still there with its content.
  var sentinelsIntact: Bool {
    sentinels.allSatisfy { FileManager.default.fileExists(atPath: $0) }
      && (try? String(contentsOfFile: sentinels[0], encoding: .utf8)) == "base weights"
  }

  func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The configuration r=8, alpha=16, dropout 0.1, lr 1e-3, wd 1e-2 in campaign B's space.
func sampleTrial(id: Int = 0, rank: Double = 8, alpha: Double = 16, dropout: Double = 0.1) -> LiveTrial {
  let space = SearchSpace.llama32_1B
  let point = space.point(base: [rank + 0.5, alpha + 0.25, dropout, -3, -2])
  return LiveTrial(id: id, point: point, configuration: space.configuration(for: point))
}

/// Whether process `pid` is gone (or a zombie nobody reaped yet).
func processIsGone(_ pid: Int32) -> Bool {
  if kill(pid, 0) != 0 { return true }
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
  // Field 3 (after the parenthesised name) is the state; Z = zombie, X = dead.
  guard let close = stat.lastIndex(of: ")") else { return false }
  let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
  return state == "Z" || state == "X"
}
