import Foundation
import Testing
import LabTestSupport

/// docs/importing.md end to end on foreign data: an Optuna 5 study the project never shipped (Tests/Fixtures/optuna,
/// written by scripts/make_optuna_fixture.py) becomes a campaign, is imported, fitted, simulated and replayed.
@Suite(.serialized) struct ImportCLITests {
  let storage = Fixtures.optuna("lora-study.sqlite").path

  @Test func anOptunaStudyIsCreatedImportedFittedSimulatedAndReplayed() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let create = try runHpolab(["campaign", "create", "--from-optuna", storage, "--optuna-study", "lora-demo", "--db", db])
    #expect(create.status == 0, "\(create)")
    #expect(create.stdout == "created campaign lora-demo: 5 parameters, 3 metrics, 0 runs listed, in \(db)\n")
    let importing = try runHpolab(["traces", "import", storage, "--campaign", "lora-demo", "--format", "optuna", "--optuna-study", "lora-demo", "--algorithm", "tpe", "--db", db])
    #expect(importing.status == 0, "\(importing)")
    // 24 of the study's 27 trials completed (the script printed "lora-demo: 24 complete of 27").
    #expect(importing.stdout.hasPrefix("imported  lora-demo: 24 lines from \(storage) (3 left out for their state)\n"), "\(importing)")
    let model = folder.appendingPathComponent("surrogates/lora-demo.json").path
    let fit = try runHpolab(["surrogate", "fit", "--campaign", "lora-demo", "--db", db, "--out", model])
    #expect(fit.status == 0, "\(fit)")
    #expect(fit.stdout.hasPrefix("surrogate lora-demo: 24 evaluated trials → \(model)\n"), "\(fit)")
    let simulate = try runHpolab(
      ["run", "--algorithm", "bo", "--evaluator", "surrogate:lora-demo", "--workers", "4", "--budget", "12", "--db", db],
      environment: ["HPOLAB_SURROGATES": folder.appendingPathComponent("surrogates").path])
    #expect(simulate.status == 0, "\(simulate)")
    #expect(simulate.stdout.contains("best hellaswag.acc:"), "\(simulate)")
    // Replay answers each proposed point with the nearest recorded trial: every score is one the study recorded.
    let replay = try runHpolab(["run", "--algorithm", "tpe", "--evaluator", "replay:lora-demo", "--absent", "nearest", "--budget", "10", "--db", db, "--json"])
    #expect(replay.status == 0, "\(replay)")
    #expect(replay.stdout.contains("0.4"), "\(replay)")
  }

  @Test func fewerThanTenTrialsIsTheNamedRefusal() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    #expect(try runHpolab(["campaign", "create", "--from-optuna", storage, "--optuna-study", "lora-tiny", "--db", db]).status == 0)
    #expect(try runHpolab(["traces", "import", storage, "--campaign", "lora-tiny", "--optuna-study", "lora-tiny", "--algorithm", "tpe", "--db", db]).status == 0)
    let fit = try runHpolab(["surrogate", "fit", "--campaign", "lora-tiny", "--db", db, "--out", folder.appendingPathComponent("tiny.json").path])
    #expect(fit.status != 0)
    // lora-tiny has 6 completed trials (scripts/make_optuna_fixture.py); 10 are needed (docs/campaigns.md).
    #expect(fit.stderr == "Error: campaign lora-tiny has 6 evaluated trials in 1 run; a surrogate needs at least 10\n", "\(fit)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("tiny.json").path))
  }

  @Test func aBadCSVIsOneLineNamingFileLineAndColumnAndTheDatabaseIsUnchanged() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    #expect(try runHpolab(["campaign", "create", "--from-optuna", storage, "--optuna-study", "lora-demo", "--db", db]).status == 0)
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    // The fixture's CSV with trial 0's rank (line 2, 53) made 900: outside the study's IntDistribution(2, 64).
    var text = try String(contentsOf: Fixtures.optuna("lora-demo.csv"), encoding: .utf8)
    text = text.replacingOccurrences(of: "\n0,COMPLETE,53,", with: "\n0,COMPLETE,900,")
    let csv = folder.appendingPathComponent("bad.csv")
    try text.write(to: csv, atomically: true, encoding: .utf8)
    let r = try runHpolab(["traces", "import", csv.path, "--campaign", "lora-demo", "--algorithm", "tpe", "--column", "lora_rank=rank", "--column", "learning_rate=lr", "--db", db])
    #expect(r.status != 0)
    #expect(r.stderr == "Error: \(csv.path):2, field 'rank': lora_rank = 900.0 is outside campaign lora-demo's range [2.0, 64.0]\n", "\(r)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    // Options that do not fit are refused before anything is read.
    let noAlgorithm = try runHpolab(["traces", "import", Fixtures.optuna("lora-demo.csv").path, "--campaign", "lora-demo", "--db", db])
    #expect(noAlgorithm.status != 0)
    #expect(noAlgorithm.stderr.contains("a csv file needs --algorithm NAME"), "\(noAlgorithm)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
  }
}
