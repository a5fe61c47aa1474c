import Foundation
import LabCore
import LabData
import LabStore
import LabTestSupport
import Testing

/// Campaigns in the database: the migration that names the seed's two, creation, listing, and import tagging.
@Suite struct CampaignStoreTests {
  /// A campaign of two real parameters and one minimised metric.
  static func toy(_ name: String = "toy", upper: Double = 1) throws -> Campaign {
    try Campaign(
      name: name, aliases: ["T"], description: "toy", space: try SearchSpace([Parameter("x", .float, lower: 0, upper: upper), Parameter("y", .float, lower: 0, upper: 1)]),
      metrics: [CampaignMetric(name: "loss", direction: .minimize)])
  }

  @Test func aFreshDatabaseHoldsTheSeedsTwoCampaignsUnderTheirNames() throws {
    let db = try LabDatabase.inMemory()
    let stored = try db.storedCampaigns()
    #expect(stored.map(\.campaign.name) == ["llama-3.2-3b", "llama-3.2-1b"])
    #expect(stored.allSatisfy { $0.shipped && $0.runs == 0 })
    #expect(try db.storedCampaign(named: "B").campaign == Fixtures.llama1B)
  }

  @Test func theMigrationRenamesCampaignsAAndBWithTheirRecordedRuns() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    do {
      // A database of the previous version: campaigns 'A' and 'B', a run of B.
      let old = try LabDatabase(path: path, migrations: Array(Migrations.all.prefix(3)))
      _ = try old.execute(
        "INSERT INTO recorded_runs (name, campaign, algorithm, source_file, content_hash, byte_count, sequential) VALUES ('soo_bis', 'B', 'soo', 'soo_bis.json', '0', 0, 1)", [])
    }
    let db = try LabDatabase(path: path)
    #expect(try db.query("SELECT name FROM campaigns ORDER BY rowid").compactMap { $0["name"].string } == ["llama-3.2-3b", "llama-3.2-1b"])
    #expect(try db.query("SELECT campaign FROM recorded_runs").first?["campaign"].string == "llama-3.2-1b")
    #expect(try db.storedCampaign(named: "llama-3.2-1b").runs == 1)
  }

  @Test func creatingIsIdempotentAndAnotherDefinitionNeedsReplace() throws {
    let db = try LabDatabase.inMemory()
    #expect(try db.createCampaign(try Self.toy()) == .created)
    #expect(try db.createCampaign(try Self.toy()) == .unchanged)
    let changed = try Self.toy(upper: 2)
    let refused = #expect(throws: LabError.self) { try db.createCampaign(changed) }
    #expect(refused?.message == "campaign toy already exists with another definition; use --replace to overwrite it")
    #expect(try db.storedCampaign(named: "t").campaign.space.parameters[0].upper == 1)
    #expect(try db.createCampaign(changed, replace: true) == .replaced)
    #expect(try db.storedCampaign(named: "toy").campaign.space.parameters[0].upper == 2)
    // A name or alias another campaign uses is refused.
    var clash = try Self.toy("other")
    clash.aliases = ["b"]
    #expect(throws: LabError.self) { try db.createCampaign(clash) }
    #expect(try db.storedCampaigns().map(\.campaign.name) == ["llama-3.2-3b", "llama-3.2-1b", "toy"])
  }

  @Test func importedRunsAreTaggedByTheCampaignFilesAndAnUnlistedFileIsRefused() throws {
    let db = try LabDatabase.inMemory()
    _ = try db.importTraces(try recordedTraceFiles())
    #expect(try db.storedCampaigns().map(\.runs) == [3, 4])
    // 50 + 50 + 50 lines and 50 + 50 + 51 + 68 lines (TraceImportTests).
    #expect(try db.storedCampaigns().map(\.trials) == [150, 219])
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent("lhs_live_bis.json")
    try FileManager.default.copyItem(at: try Fixtures.traceFile("lhs_bis"), to: copy)
    let error = #expect(throws: LabError.self) { try db.importTraces([copy]) }
    #expect(error?.message.hasPrefix("lhs_live_bis.json is listed by no campaign file") == true)
    #expect(try db.recordedRunNames().count == 7)
    // Given a campaign and an algorithm, the same file imports under its own name.
    _ = try db.importTraces(try ParsedTraceFile.read([copy], campaign: Fixtures.llama1B, algorithm: "lhs"))
    let summary = try #require(try db.recordedRunSummaries().first { $0.run == "lhs_live_bis" })
    #expect(summary.campaign == "llama-3.2-1b" && summary.algorithm == "lhs")
  }

  @Test func aCampaignsRunsReadBackFromTheDatabaseAreTheImportedFilesByteForByte() throws {
    let db = try LabDatabase.inMemory()
    _ = try db.importTraces(try recordedTraceFiles())
    let runs = try db.recordedRuns(ofCampaign: "B")
    #expect(runs.map(\.run) == ["lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"])
    for r in runs { #expect(r.bytes == (try Data(contentsOf: try Fixtures.traceFile(r.run))), "\(r.run)") }
  }
}
