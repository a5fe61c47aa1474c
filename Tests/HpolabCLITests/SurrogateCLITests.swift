import Foundation
import LabTestSupport
import Testing

/// End-to-end checks of `hpolab surrogate query` and the one-line errors of the surrogate commands.
@Suite struct SurrogateCLITests {
  @Test("surrogate query --json gives the collapse probability and the quantiles of metrics and minutes")
  func queryPrintsQuantilesAsJSON() throws {
    let result = try runHpolab([
      "surrogate", "query", "--campaign", "B", "--traces", try Fixtures.traceFolder().path, "--set", "lora_rank=16", "--set", "lora_alpha=8",
      "--set", "lora_dropout=0.1", "--set", "learning_rate=1e-4", "--set", "weight_decay=1e-3", "--samples", "50", "--seed", "4", "--json",
    ])
    #expect(result.status == 0, "\(result)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let p = try #require(json["collapseProbability"] as? Double)
    #expect(p >= 0 && p < 0.01)  // lr 1e-4 is two decades below the recorded cliff
    let metrics = try #require(json["metrics"] as? [String: [String: Double]])
    let acc = try #require(metrics["hellaswag.acc"])
    #expect((acc["q05"] ?? 1) <= (acc["q50"] ?? 0) && (acc["q50"] ?? 1) <= (acc["q95"] ?? 0))
    #expect(json["trainingMinutes"] != nil && json["evaluationMinutes"] != nil)
  }

  @Test("a value outside the space is a one-line error naming the parameter and its bounds")
  func queryOutsideTheSpaceIsOneLine() throws {
    let result = try runHpolab([
      "surrogate", "query", "--campaign", "B", "--traces", try Fixtures.traceFolder().path, "--set", "lora_rank=16", "--set", "lora_alpha=8",
      "--set", "lora_dropout=0.1", "--set", "learning_rate=1e-4", "--set", "weight_decay=1",
    ])
    #expect(result.status != 0)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(result)")
    #expect(result.stderr.contains("weight_decay") && result.stderr.contains("[1e-05, 0.1]"), "\(result)")
  }

  @Test("an unknown campaign and missing traces are one-line errors")
  func badCampaignAndMissingTracesAreOneLine() throws {
    let unknown = try runHpolab(["surrogate", "check", "--campaign", "C"])
    #expect(unknown.status != 0)
    #expect(unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("valid: llama-3.2-1b (alias B), llama-3.2-3b (alias A)"), "\(unknown)")
    let empty = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: empty) }
    let missing = try runHpolab(["surrogate", "fit", "--campaign", "B", "--traces", empty.path, "--out", empty.appendingPathComponent("m.json").path])
    #expect(missing.status != 0)
    #expect(missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("not found"), "\(missing)")
    #expect(!FileManager.default.fileExists(atPath: empty.appendingPathComponent("m.json").path))
  }
}
