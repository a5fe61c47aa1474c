import Foundation
import LabCore
import LabData
import LabEvaluators
import LabStore
import LabStudies
import LabTestSupport
import Testing

/// A campaign the project never shipped, created in a database with a run imported into it: replay and training data.
@Suite struct CampaignDataTests {
  @Test func aRunImportedIntoADatabaseCampaignReplaysAndTrainsFromTheDatabase() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hpolab-campaign-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    // "mine": the llama-3.2-1b space under another name, no alias, no trace file listed.
    let seed = Fixtures.llama1B
    let mine = try Campaign(name: "mine", space: seed.space, metrics: seed.metrics, objective: seed.objective)
    let copy = folder.appendingPathComponent("my_lhs.json")
    try FileManager.default.copyItem(at: try Fixtures.traceFile("lhs_bis"), to: copy)
    do {
      let db = try LabDatabase(path: path)
      try db.createCampaign(mine)
      _ = try db.importTraces(try ParsedTraceFile.read([copy], campaign: mine, algorithm: "lhs"))
    }
    let source = try #require(CampaignData.source(database: path, traces: nil))
    let context = EvaluatorCatalogue.Context(traces: folder, campaigns: source)
    let choice = try EvaluatorCatalogue.make("replay:my_lhs", context: context)
    let replay = try #require(choice.evaluator as? ReplayEvaluator)
    // lhs_bis.json: 50 evaluated lines (TraceImportTests), made by LHS.
    #expect(replay.campaign.name == "mine" && replay.algorithm == "lhs" && replay.recorded.count == 50)
    #expect(replay.recorded.map(\.converted) == (try Fixtures.recordedTrials("lhs_bis")).map(\.converted))
    // 50 evaluated trials: enough for a surrogate (at least 10), read back byte for byte (same SHA-256 as the file).
    let training = try CampaignData.trainingSet(campaign: mine, database: path)
    #expect(training.trials.count == 50)
    // The file's own lines, renamed to the run (trials of a run a shipped campaign lists are kept out of another's set).
    let lines = try Fixtures.recordedTrials("lhs_bis").map { t -> RecordedTrial in
      var renamed = t
      renamed.run = "my_lhs"
      return renamed
    }
    let file = try SurrogateTrainingSet(campaign: mine, runs: [("my_lhs", "my_lhs.json", try Data(contentsOf: copy), lines)])
    #expect(training.digests == file.digests)
    // A campaign with fewer than 10 trials is refused, naming the number needed.
    let few = #expect(throws: LabError.self) {
      try SurrogateTrainingSet(campaign: mine, runs: [("my_lhs", "my_lhs.json", Data(), Array(lines.prefix(4)))])
    }
    #expect(few?.message == "campaign mine has 4 evaluated trials in 1 run; a surrogate needs at least 10")
  }
}
