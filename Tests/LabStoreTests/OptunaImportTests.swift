import Foundation
import LabCore
import LabData
import LabStore
import Testing
import LabTestSupport

// Expected numbers are what scripts/make_optuna_fixture.py printed when it wrote the fixture with Optuna 5.0.0
// (Python's repr of the values it stored, read back through Optuna's own API), not hpolab's output:
//   59392 bytes; lora-demo: 24 complete of 27
//   trial 0: params {'lora_rank': 53, 'lora_alpha': 4, 'lora_dropout': 0.23236448860462128,
//            'learning_rate': 0.0002481704381901249, 'weight_decay': 0.0065188134276832855}
//            values ['0.4089792705071456', '0.45549159608192397', '0.32065426618389126']
//   trial 0: duration 1639.0 s
//   best hellaswag.acc 0.44140133810055837 at trial 23
//   sum of hellaswag.acc 7.336522379559526   (math.fsum)
//   alembic version v3.2.0.a

@Suite struct OptunaImportTests {
  let storage = Fixtures.optuna("lora-study.sqlite")

  @Test func theStudyReadsAsOptunaStoredIt() throws {
    let study = try OptunaStudy(path: storage.path, study: "lora-demo")
    #expect(study.trials.count == 27)
    #expect(study.trials.filter { $0.state == "COMPLETE" }.count == 24)
    #expect(study.objectives.map(\.name) == ["hellaswag.acc", "hellaswag.acc_norm", "mmlu.acc"])
    #expect(study.objectives.allSatisfy { $0.direction == .maximize })
    let t0 = try #require(study.trials.first)
    #expect(t0.params.map(\.name) == ["lora_rank", "lora_alpha", "lora_dropout", "learning_rate", "weight_decay"])
    #expect(t0.params.map(\.value) == [53, 4, 0.23236448860462128, 0.0002481704381901249, 0.0065188134276832855])
    #expect(t0.values == [0: 0.4089792705071456, 1: 0.45549159608192397, 2: 0.32065426618389126])
  }

  @Test func theCampaignComesFromTheDistributions() throws {
    // The script's distributions: IntDistribution(2, 64), IntDistribution(1, 64), FloatDistribution(0, 0.5),
    // FloatDistribution(1e-6, 1e-2, log=True), FloatDistribution(1e-5, 1e-1, log=True).
    let c = try OptunaStudy(path: storage.path, study: "lora-demo").campaign()
    #expect(c.name == "lora-demo")
    #expect(c.space.parameters == [
      Parameter("lora_rank", .int, lower: 2, upper: 64), Parameter("lora_alpha", .int, lower: 1, upper: 64),
      Parameter("lora_dropout", .float, lower: 0, upper: 0.5), Parameter("learning_rate", .log, lower: -6, upper: -2),
      Parameter("weight_decay", .log, lower: -5, upper: -1),
    ])
    #expect(c.space.integerConversion == .round)
    #expect(c.objective == "hellaswag.acc")
    #expect(c.metrics.map(\.standardError) == ["hellaswag.acc_stderr", "hellaswag.acc_norm_stderr", "mmlu.acc_stderr"])
    // A name that cannot name a campaign is refused; another name can be given.
    #expect(try OptunaStudy(path: storage.path, study: "lora-demo").campaign(name: "mine").name == "mine")
  }

  /// A database file in a fresh folder holding the campaign of study lora-demo.
  func databaseWithCampaign() throws -> (folder: URL, path: String) {
    let folder = try temporaryFolder()
    let path = folder.appendingPathComponent("lab.sqlite").path
    _ = try LabDatabase(path: path).createCampaign(try OptunaStudy(path: storage.path, study: "lora-demo").campaign())
    return (folder, path)
  }

  @Test func importingGivesTheCompletedTrialsWithTheirValuesAndDurations() throws {
    let (folder, path) = try databaseWithCampaign()
    defer { try? FileManager.default.removeItem(at: folder) }
    let parsed = try TraceImportRequest(files: [storage], campaign: "lora-demo", optunaStudy: "lora-demo", algorithm: "tpe").read(database: path)
    let db = try LabDatabase(path: path)
    let outcomes = try db.importTraces(parsed)
    #expect(outcomes.map(\.run) == ["lora-demo"])
    #expect(outcomes[0].trials == 24 && outcomes[0].leftOut == 3)
    let stored = try db.recordedTrials(run: "lora-demo")
    #expect(stored.count == 24)
    let t0 = stored[0]
    #expect(t0.trial.converted == [53, 4, 0.23236448860462128, 0.0002481704381901249, 0.0065188134276832855])
    #expect(t0.trial.base[3] == log10(0.0002481704381901249))
    #expect(t0.trial.metrics[MetricName.hellaswagAcc] == 0.4089792705071456)
    #expect(t0.trial.metrics[MetricName.hellaswagAccNorm] == 0.45549159608192397)
    #expect(t0.trial.metrics[MetricName.mmluAcc] == 0.32065426618389126)
    #expect(t0.timing.trainingSeconds == 1639 && t0.timing.evaluationSeconds == 0)
    let accs = stored.compactMap { $0.trial.metrics[MetricName.hellaswagAcc] }
    #expect(accs.max() == 0.44140133810055837)
    #expect(Swift.abs(accs.reduce(0, +) - 7.336522379559526) < 1e-12)  // fsum vs a left-to-right sum of 24 terms
    #expect(try db.recordedRunInfo("lora-demo")?.algorithm == "tpe")
    // Importing again changes nothing.
    #expect(try db.importTraces(try TraceImportRequest(files: [storage], campaign: "lora-demo", optunaStudy: "lora-demo", algorithm: "tpe", run: "lora-demo").read(database: path)).map(\.status) == [.unchanged])
  }

  @Test func theCSVOfTheSameTrialsImportsTheSameValues() throws {
    let (folder, path) = try databaseWithCampaign()
    defer { try? FileManager.default.removeItem(at: folder) }
    let optuna = try TraceImportRequest(files: [storage], campaign: "lora-demo", optunaStudy: "lora-demo", algorithm: "tpe").read(database: path)
    // The CSV calls lora_rank 'rank' and learning_rate 'lr' (the script's spreadsheet names).
    let csv = try TraceImportRequest(
      files: [Fixtures.optuna("lora-demo.csv")], campaign: "lora-demo", algorithm: "tpe", columns: ["lora_rank=rank", "learning_rate=lr"]
    ).read(database: path)
    #expect(csv[0].run == "lora-demo" && csv[0].leftOut == 3)
    #expect(csv[0].trials.map(\.converted) == optuna[0].trials.map(\.converted))
    #expect(csv[0].trials.map(\.metrics) == optuna[0].trials.map(\.metrics))
    #expect(csv[0].trials.map(\.openingTime) == optuna[0].trials.map(\.openingTime))
    #expect(csv[0].trials.map(\.endingTime) == optuna[0].trials.map(\.endingTime))
  }

  @Test func aStudyOrStorageThatCannotBeReadIsOneClearError() throws {
    let unknown = try #require(throws: LabError.self) { try OptunaStudy(path: storage.path, study: "nope") }
    #expect(unknown.description == "\(storage.path): no Optuna study 'nope'; studies: lora-demo, lora-tiny")
    let two = try #require(throws: LabError.self) { try OptunaStudy(path: storage.path, study: nil) }
    #expect(two.message == "the storage holds 2 studies (lora-demo, lora-tiny): name one with --optuna-study")
    // An hpolab database is SQLite but not an Optuna storage.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let ours = folder.appendingPathComponent("lab.sqlite").path
    _ = try LabDatabase(path: ours)
    let foreign = try #require(throws: LabError.self) { try OptunaStudy(path: ours, study: nil) }
    #expect(foreign.message == "not an Optuna RDB storage: it has no table 'alembic_version'")
    let text = folder.appendingPathComponent("notes.db")
    try Data("not a database at all, just text that is long enough to look like a header".utf8).write(to: text)
    let notSQLite = try #require(throws: LabError.self) { try OptunaStudy(path: text.path, study: nil) }
    #expect(notSQLite.message == "is not an SQLite database")
  }

  @Test(arguments: ["v2.6.0.a", "v9.9.9.z"])
  func anUnsupportedSchemaRevisionIsRefusedNamingIt(_ revision: String) throws {
    // The fixture with its alembic revision text rewritten in place (same length; SQLite keeps no checksum).
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var bytes = [UInt8](try Data(contentsOf: storage))
    let old = Array("v3.2.0.a".utf8)
    var replaced = 0
    for i in 0...(bytes.count - old.count) where Array(bytes[i..<i + old.count]) == old {
      bytes.replaceSubrange(i..<i + old.count, with: Array(revision.utf8))
      replaced += 1
    }
    #expect(replaced >= 1)
    let copy = folder.appendingPathComponent("old.sqlite")
    try Data(bytes).write(to: copy)
    let error = try #require(throws: LabError.self) { try OptunaStudy(path: copy.path, study: "lora-demo") }
    #expect(error.location?.field == "alembic_version.version_num")
    #expect(error.message.hasPrefix("Optuna schema revision '\(revision)' is not supported (supported: v3.0.0.d, v3.2.0.a, i.e. Optuna 3.0 to 5.0)"))
  }

  @Test func aParameterTheCampaignDoesNotHaveIsRefusedNamingTheTrial() throws {
    let study = try OptunaStudy(path: storage.path, study: "lora-demo")
    var other = try study.campaign(name: "other")
    other.space = try SearchSpace([Parameter("rank", .int, lower: 2, upper: 64)] + other.space.parameters.dropFirst(), integerConversion: .round)
    let error = try #require(throws: LabError.self) { try study.recordedTrials(run: "x", campaign: other) }
    #expect(error.description == "\(storage.path):1, field 'trial_params.param_name': parameter 'lora_rank' is not in campaign other's space (rank, lora_alpha, lora_dropout, learning_rate, weight_decay)")
    // Narrower bounds than the study's: a trial outside them names the parameter and its range in the trained scale.
    var narrow = try study.campaign(name: "narrow")
    narrow.space = try SearchSpace([Parameter("lora_rank", .int, lower: 2, upper: 16)] + narrow.space.parameters.dropFirst(), integerConversion: .round)
    let outside = try #require(throws: LabError.self) { try study.recordedTrials(run: "x", campaign: narrow) }
    #expect(outside.description == "\(storage.path):1, field 'trial_params[lora_rank]': lora_rank = 53.0 is outside campaign narrow's range [2.0, 16.0]")
  }
}
