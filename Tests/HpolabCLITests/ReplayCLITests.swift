import Foundation
import Testing
import LabTestSupport

/// End-to-end checks of the recorded-run claims on the built binary: `replay check` and an exact `run` replay.
@Suite struct ReplayCLITests {
  @Test("replay check soo_bis agrees with the recording at every one of its 51 steps")
  func replayCheckAgreesWithTheWholeRecordedSOORun() throws {
    let traces = try Fixtures.traceFolder().path
    let result = try runHpolab(["replay", "check", "soo_bis", "--traces", traces, "--json"])
    #expect(result.status == 0, "\(result)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["agreeing_prefix"] as? Int == 51)
    #expect(json["evaluations"] as? Int == 51)
    #expect((json["steps"] as? [Any])?.count == 51)
  }

  @Test("replay check refuses a BO run: its random seeds were not recorded")
  func replayCheckRefusesBO() throws {
    let result = try runHpolab(["replay", "check", "bo_bis", "--traces", try Fixtures.traceFolder().path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("not meaningful"), "\(result)")
  }

  @Test("run --algorithm soo --evaluator replay:soo_bis --budget 50 reproduces the recorded best-so-far to the last digit")
  func sooRunOnTheRecordingReproducesItsBestSoFar() throws {
    let traces = try Fixtures.traceFolder()
    let result = try runHpolab([
      "run", "--algorithm", "soo", "--evaluator", "replay:soo_bis", "--budget", "50", "--traces", traces.path, "--json",
    ])
    #expect(result.status == 0, "\(result)")
    let run = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let trials = try #require(run["trials"] as? [[String: Any]])
    // Expected: the 51 recorded lines, in order, each answered by its own recorded line.
    let lines = try String(contentsOf: traces.appendingPathComponent("soo_bis.json"), encoding: .utf8)
      .split(separator: "\n")
    #expect(trials.count == lines.count && lines.count == 51)
    var best = -Double.infinity
    var recordedCurve: [Double] = []
    for line in lines {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let score = (object["score"] as? [String: Any])?["hellaswag"] as? [String: Any]
      best = max(best, try #require((score?["acc,none"] as? NSNumber)?.doubleValue))
      recordedCurve.append(best)
    }
    best = -Double.infinity
    var simulatedCurve: [Double] = []
    for trial in trials {
      let metrics = try #require(trial["metrics"] as? [String: Any], "metrics are a plain object")
      best = max(best, try #require((metrics["hellaswag.acc"] as? NSNumber)?.doubleValue))
      simulatedCurve.append(best)
    }
    #expect(simulatedCurve == recordedCurve)
  }
}
