import Foundation
import LabTestSupport
import Testing

/// `hpolab campaign create|list|show`, and the surrogate on a campaign read from the database.
@Suite struct CampaignCLITests {
  @Test("campaign create stores a file's campaign; list and show print it; a second create with other content is refused")
  func createListShow() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let file = folder.appendingPathComponent("tiny.toml")
    try """
      description = "two knobs"
      model = "none"
      [[parameter]]
      name = "lr"
      kind = "log-float"
      lower = -6
      upper = -2
      [[metric]]
      name = "accuracy"
      direction = "maximize"
      range = [0, 1]
      """.write(to: file, atomically: true, encoding: .utf8)
    let created = try runHpolab(["campaign", "create", "tiny", "--from", file.path, "--db", db])
    #expect(created.status == 0, "\(created)")
    #expect(created.stdout.hasPrefix("created campaign tiny: 1 parameters, 1 metrics, 0 runs listed"))
    let again = try runHpolab(["campaign", "create", "tiny", "--from", file.path, "--db", db])
    #expect(again.stdout.hasPrefix("unchanged campaign tiny"), "\(again)")
    let list = try runHpolab(["campaign", "list", "--db", db, "--json"])
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    #expect(rows.compactMap { ($0["campaign"] as? [String: Any])?["name"] as? String } == ["llama-3.2-3b", "llama-3.2-1b", "tiny"])
    let show = try runHpolab(["campaign", "show", "tiny", "--db", db])
    #expect(show.stdout.contains("lr             log-float  -6.0   -2.0  10^x") || show.stdout.contains("10^x"), "\(show)")
    try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "upper = -2", with: "upper = -1").write(to: file, atomically: true, encoding: .utf8)
    let changed = try runHpolab(["campaign", "create", "tiny", "--from", file.path, "--db", db])
    #expect(changed.status != 0 && changed.stderr.contains("already exists with another definition; use --replace"), "\(changed)")
    // A campaign without trials: the surrogate refuses, naming how many it needs.
    let fit = try runHpolab(["surrogate", "fit", "--campaign", "tiny", "--db", db, "--out", folder.appendingPathComponent("t.json").path])
    #expect(fit.status != 0)
    #expect(fit.stderr.contains("campaign tiny has no recorded run") && fit.stderr.contains("needs at least 10"), "\(fit)")
  }

  @Test("a bad campaign file is one line naming file, line and key, and the database is not created")
  func badFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let file = folder.appendingPathComponent("bad.toml")
    try "name = \"bad\"\n[[parameter]]\nname = \"x\"\nkind = \"categorical\"\nlower = 0\nupper = 1\n".write(to: file, atomically: true, encoding: .utf8)
    let result = try runHpolab(["campaign", "create", "--from", file.path, "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("bad.toml:4:"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test("the surrogate conditioned on the runs imported into a database answers as on the trace files")
  func surrogateFromTheDatabase() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let traces = try Fixtures.traceFolder()
    let imported = try runHpolab(["traces", "import", "--db", db] + Fixtures.recordedRuns.map { traces.appendingPathComponent("\($0).json").path })
    #expect(imported.status == 0, "\(imported)")
    let settings = ["--set", "lora_rank=16", "--set", "lora_alpha=8", "--set", "lora_dropout=0.1", "--set", "learning_rate=1e-4", "--set", "weight_decay=1e-3", "--samples", "20"]
    let fromFiles = try runHpolab(["surrogate", "query", "--campaign", "llama-3.2-1b", "--traces", traces.path] + settings)
    let fromDatabase = try runHpolab(["surrogate", "query", "--campaign", "B", "--db", db] + settings)
    #expect(fromFiles.status == 0 && fromDatabase.status == 0, "\(fromFiles) \(fromDatabase)")
    #expect(fromFiles.stdout == fromDatabase.stdout)
  }
}
