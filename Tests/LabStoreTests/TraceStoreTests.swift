import Foundation
import LabCore
import LabData
import LabStore
import Testing
import LabTestSupport

@Suite struct TraceImportTests {
  @Test func importingAllSevenFilesStores369LinesOf353EvaluationsAnd16Approximations() throws {
    let db = try LabDatabase.inMemory()
    let outcomes = try db.importTraces(try recordedTraceFiles())
    #expect(outcomes.map(\.status) == Array(repeating: .imported, count: 7))
    let summaries = try db.recordedRunSummaries()
    #expect(summaries.map(\.trials).reduce(0, +) == 369)
    #expect(summaries.map(\.evaluated).reduce(0, +) == 353)
    #expect(summaries.map(\.approximated).reduce(0, +) == 16)
    let counts = Dictionary(uniqueKeysWithValues: summaries.map { ($0.run, $0.trials) })
    #expect(counts == ["lhs": 50, "bo": 50, "soo": 50, "lhs_bis": 50, "bo_bis": 50, "soo_bis": 51, "bamsoo_bis": 68])
    #expect(summaries.first { $0.run == "bamsoo_bis" }.map { ($0.evaluated, $0.approximated) } ?? (0, 0) == (52, 16))
    // Llama-3.2-3B first, then 1B (the campaigns' creation order), each in import order; algorithms from the
    // campaign files' [[runs]] (as in the traces' README: lhs, bo, soo, then lhs_bis ... bamsoo_bis).
    #expect(summaries.map(\.run) == recordedRuns)
    #expect(summaries.map(\.campaign) == ["llama-3.2-3b", "llama-3.2-3b", "llama-3.2-3b", "llama-3.2-1b", "llama-3.2-1b", "llama-3.2-1b", "llama-3.2-1b"])
    #expect(summaries.map(\.algorithm) == ["lhs", "bo", "soo", "lhs", "bo", "soo", "bamsoo"])
  }

  @Test func theBestHellaSwagAccuracyOfEachRunIsTheRecordedMaximum() throws {
    let db = try LabDatabase.inMemory()
    _ = try db.importTraces(try recordedTraceFiles())
    // max(acc,none) over evaluated lines, computed with Python's json module from the files.
    let expected: [String: Double] = [
      "lhs": 0.5587532364070902, "bo": 0.5598486357299343, "soo": 0.5536745668193587,
      "lhs_bis": 0.4789882493527186, "bo_bis": 0.4790878311093408, "soo_bis": 0.4783907588129855,
      "bamsoo_bis": 0.4783907588129855,
    ]
    let best = Dictionary(uniqueKeysWithValues: try db.recordedRunSummaries().map { ($0.run, $0.bestHellaswagAcc) })
    for (run, value) in expected { #expect(best[run] == value, "\(run)") }
  }

  @Test(arguments: recordedRuns)
  func exportingARunGivesBackItsFileByteForByte(run: String) throws {
    let db = try LabDatabase.inMemory()
    let files = try recordedTraceFiles()
    _ = try db.importTraces(files)
    let original = try Data(contentsOf: try #require(files.first { $0.lastPathComponent == "\(run).json" }))
    let exported = Data(try db.exportTrace(run: run).utf8)
    #expect(exported == original)
  }

  @Test func exportingAnUnknownRunListsTheValidOnes() throws {
    let db = try LabDatabase.inMemory()
    _ = try db.importTraces(Array(try recordedTraceFiles().prefix(2)))
    let error = try #require(throws: LabError.self) { try db.exportTrace(run: "sooo") }
    #expect(error.code == .notFound)
    #expect(error.message == "no recorded run 'sooo'; valid runs: lhs, bo")
  }

  @Test func importingTheSameFilesTwiceChangesNothing() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    let files = try recordedTraceFiles()
    do {
      let db = try LabDatabase(path: path)
      _ = try db.importTraces(files)
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let db = try LabDatabase(path: path)
    let outcomes = try db.importTraces(files)
    #expect(outcomes.map(\.status) == Array(repeating: .unchanged, count: 7))
    #expect(outcomes.map(\.trials) == [50, 50, 50, 50, 50, 51, 68])
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  @Test func aChangedFileUnderAStoredNameNeedsReplace() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = try LabDatabase.inMemory()
    let lines = try recordedLines("bo_bis")
    let file = folder.appendingPathComponent("bo_bis.json")
    try Data(lines[0..<3].joined(separator: [0x0A]) + [0x0A]).write(to: file)
    _ = try db.importTraces([file])
    try Data(lines[0..<4].joined(separator: [0x0A]) + [0x0A]).write(to: file)
    let error = try #require(throws: LabError.self) { try db.importTraces([file]) }
    #expect(error.code == .invalidInput)
    #expect(error.description == "\(file.path): run 'bo_bis' is already imported with different content; use --replace to overwrite it")
    #expect(try db.recordedTrials(run: "bo_bis").count == 3)
    let outcomes = try db.importTraces([file], replace: true)
    #expect(outcomes.map(\.status) == [.replaced])
    #expect(try db.recordedTrials(run: "bo_bis").count == 4)
  }

  @Test func campaignAEvaluationTimesAreDerivedFromTheGapToTheNextTrial() throws {
    let db = try LabDatabase.inMemory()
    _ = try db.importTraces(try recordedTraceFiles())
    let lhs = try db.recordedTrials(run: "lhs")
    // Line 1 ended training at 15:50:52; line 2 opened at 16:13:01: 22 min 9 s.
    #expect(lhs[0].timing.evaluationSeconds == 1329)
    #expect(lhs[0].timing.trainingSeconds == 3652)  // 14:50:00 → 15:50:52
    #expect(lhs.allSatisfy { $0.timing.evaluationDerived })
    // The last trial has no next one: it gets the median of the 49 derived gaps.
    let gaps = lhs.dropLast().compactMap(\.timing.evaluationSeconds).sorted()
    #expect(gaps.count == 49)
    #expect(lhs[49].timing.evaluationSeconds == gaps[24])
    // Campaign B records the end of evaluation: nothing derived; BaMSOO's approximated lines have no times.
    let bamsoo = try db.recordedTrials(run: "bamsoo_bis")
    #expect(bamsoo.allSatisfy { !$0.timing.evaluationDerived })
    #expect(bamsoo[0].timing.evaluationSeconds == 761)  // 11:19:51 → 11:32:32
    for t in bamsoo where t.trial.state == .approximated {
      #expect(t.timing.trainingSeconds == nil && t.timing.evaluationSeconds == nil)
      #expect(t.trial.ucb != nil && t.trial.lcb != nil)
    }
    let summary = try #require(try db.recordedRunSummaries().first { $0.run == "lhs" })
    #expect(summary.evaluationDerived)
    #expect(summary.medianEvaluationMinutes == gaps[24] / 60)
  }

  @Test func storedTrialsEqualTheParsedOnes() throws {
    let db = try LabDatabase.inMemory()
    let files = try recordedTraceFiles()
    _ = try db.importTraces(files)
    for (run, file) in zip(recordedRuns, files) {
      let parsed = try TraceParser.parse(contentsOf: file).trials
      #expect(try db.recordedTrials(run: run).map(\.trial) == parsed, "\(run)")
    }
  }
}

/// One bad-input case: what to break in which recorded line, and what the error must say.
struct BadLineCase: Sendable, CustomTestStringConvertible {
  var name: String
  var run: String
  var old: String
  var new: [UInt8]
  var field: String?
  var message: String
  var testDescription: String { name }
}

let badLineCases: [BadLineCase] = [
  BadLineCase(name: "not JSON", run: "bo_bis", old: "\"info\": {", new: Array("\"info\" {".utf8), field: nil,
              message: "line is not valid JSON"),
  BadLineCase(name: "missing field", run: "bo_bis", old: ", \"ending_time\": ", new: Array(", \"ending_tim\": ".utf8),
              field: "timing.ending_time", message: "missing field"),
  BadLineCase(name: "wrong number of values", run: "bo_bis", old: "\"base_value\": [", new: Array("\"base_value\": [1.0, ".utf8),
              field: "solution.base_value", message: "expected 5 values, found 6"),
  BadLineCase(name: "non-finite number", run: "bo_bis", old: "\"acc,none\": 0.", new: Array("\"acc,none\": NaN, \"x\": 0.".utf8),
              field: "score.hellaswag.acc,none", message: "non-finite number 'NaN'"),
  BadLineCase(name: "unknown score state", run: "soo_bis", old: "\"score_state\": \"evaluated\"",
              new: Array("\"score_state\": \"guessed\"".utf8), field: "info.score_state",
              message: "unknown score state '\"guessed\"'"),
  BadLineCase(name: "unparsable date", run: "bo_bis", old: "\"opening_time\": \"2025-01-", new: Array("\"opening_time\": \"2025-13-".utf8),
              field: "timing.opening_time", message: "does not parse as YYYY-MM-DD HH:MM:SS"),
  BadLineCase(name: "invalid UTF-8", run: "bo_bis", old: "\"phase\": \"samp", new: Array("\"phase\": \"sa".utf8) + [0xFF] + Array("p".utf8),
              field: "info.phase", message: "invalid UTF-8"),
  // Impossible values (issue 16 item 3). Ranges and bounds are campaigns/llama-3.2-1b.toml's: accuracies in [0, 1],
  // lora_rank in [2, 64]; bo_bis line 3 trains 12:15:36 → 12:44:51 and evaluates until 12:57:16.
  BadLineCase(name: "accuracy above 1", run: "bo_bis", old: "\"acc,none\": 0.2599083847839076", new: Array("\"acc,none\": 1.7".utf8),
              field: "score.hellaswag.acc,none", message: "hellaswag.acc = 1.7 is outside its declared range [0.0, 1.0]"),
  BadLineCase(name: "accuracy below 0", run: "bo_bis", old: "\"acc,none\": 0.2542372881355932", new: Array("\"acc,none\": -0.2".utf8),
              field: "score.mmlu.acc,none", message: "mmlu.acc = -0.2 is outside its declared range [0.0, 1.0]"),
  BadLineCase(name: "accuracy 1e308", run: "bo_bis", old: "\"acc_norm,none\": 0.25781716789484166", new: Array("\"acc_norm,none\": 1e308".utf8),
              field: "score.hellaswag.acc_norm,none", message: "hellaswag.acc_norm = 1e+308 is outside its declared range"),
  BadLineCase(name: "negative standard error", run: "bo_bis", old: "\"acc_stderr,none\": 0.004376877619234143",
              new: Array("\"acc_stderr,none\": -0.004".utf8), field: "score.hellaswag.acc_stderr,none",
              message: "standard error -0.004 is negative"),
  BadLineCase(name: "training ends before it starts", run: "bo_bis", old: "\"opening_time\": \"2025-01-20 12:15:36\"",
              new: Array("\"opening_time\": \"2025-01-20 13:15:36\"".utf8), field: "timing.end_training_time",
              message: "end of training 2025-01-20 12:44:51 is before the opening time 2025-01-20 13:15:36"),
  BadLineCase(name: "evaluation ends before training", run: "bo_bis", old: "\"ending_time\": \"2025-01-20 12:57:16\"",
              new: Array("\"ending_time\": \"2025-01-20 12:00:16\"".utf8), field: "timing.ending_time",
              message: "ending time 2025-01-20 12:00:16 is before the end of training 2025-01-20 12:44:51"),
  BadLineCase(name: "rank 900", run: "bo_bis", old: "\"base_value\": [3.9322837275411593", new: Array("\"base_value\": [900.0".utf8),
              field: "solution.base_value[0]", message: "lora_rank = 900.0 is outside campaign llama-3.2-1b's range [2.0, 64.0]"),
  BadLineCase(name: "rank -5", run: "bo_bis", old: "\"base_value\": [3.9322837275411593", new: Array("\"base_value\": [-5.0".utf8),
              field: "solution.base_value[0]", message: "lora_rank = -5.0 is outside campaign llama-3.2-1b's range"),
  // int(3.93...) = 3 (truncation, the campaign's integers = "truncate"), not 4.
  BadLineCase(name: "converted integer inconsistent", run: "bo_bis", old: "\"converted_values\": [3,", new: Array("\"converted_values\": [4,".utf8),
              field: "solution.converted_values[0]", message: "lora_rank = 4.0 does not follow from base value 3.9322837275411593"),
  // 10^-1.6560408744650132 = 0.02207796932162503 (Python: 10 ** -1.6560408744650132); 0.0221 is off by 1e-3 relative.
  BadLineCase(name: "converted learning rate inconsistent", run: "bo_bis", old: "0.02207796932162503", new: Array("0.0221".utf8),
              field: "solution.converted_values[3]", message: "learning_rate = 0.0221 does not follow from base value -1.6560408744650132"),
  BadLineCase(name: "duplicate key", run: "bo_bis", old: "\"phase\": \"sampling\"", new: Array("\"phase\": \"sampling\", \"phase\": \"x\"".utf8),
              field: "info.phase", message: "key 'phase' appears twice in one object"),
  BadLineCase(name: "duplicate top-level key", run: "bo_bis", old: "\"info\": {", new: Array("\"score\": {}, \"info\": {".utf8),
              field: "score", message: "key 'score' appears twice in one object"),
]

@Suite struct BadTraceInputTests {
  /// Writes a 3-line file whose third line is `bad`; returns its URL.
  func badFile(_ c: BadLineCase, in folder: URL) throws -> URL {
    let lines = try recordedLines(c.run)
    let bad = try replacing(lines[2], c.old, with: c.new)
    let url = folder.appendingPathComponent("\(c.run).json")
    try Data([lines[0], lines[1], bad].joined(separator: [0x0A]) + [0x0A]).write(to: url)
    return url
  }

  @Test(arguments: badLineCases)
  func aBadLineStopsTheImportNamingFileLineAndFieldAndLeavesTheDatabaseAsItWas(_ c: BadLineCase) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    do {
      let db = try LabDatabase(path: path)
      _ = try db.importTraces(Array(try recordedTraceFiles().prefix(1)))
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let file = try badFile(c, in: folder)
    let db = try LabDatabase(path: path)
    let error = try #require(throws: LabError.self) { try db.importTraces([try recordedTraceFiles()[2], file]) }
    #expect(error.code == .parse)
    #expect(error.location?.file == file.path)
    #expect(error.location?.line == 3)
    #expect(error.location?.field == c.field)
    #expect(error.message.contains(c.message), "\(error)")
    let prefix = c.field.map { "\(file.path):3, field '\($0)': " } ?? "\(file.path):3: "
    #expect(error.description.hasPrefix(prefix), "\(error)")
    #expect(!error.description.contains("\n"))
    #expect(try db.recordedRunNames() == ["lhs"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  @Test func skipBadImportsTheGoodLinesAndListsTheBadOnes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try badFile(badLineCases[3], in: folder)
    let db = try LabDatabase.inMemory()
    let outcomes = try db.importTraces([file], skipBad: true)
    #expect(outcomes.count == 1)
    #expect(outcomes[0].trials == 2)
    #expect(outcomes[0].badLines.count == 1)
    #expect(outcomes[0].badLines[0].hasPrefix("\(file.path):3, field 'score.hellaswag.acc,none': non-finite number"))
    #expect(try db.recordedTrials(run: "bo_bis").map(\.trial.line) == [1, 2])
  }

  @Test func aCampaignAFileRenamedIntoCampaignBIsRefusedForItsRanks() throws {
    // soo.json (llama-3.2-3b, rank in [2, 512]) line 1 proposes rank 256.5 (the centre of the box): outside B's [2, 64].
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("soo_A_bis.json")
    try FileManager.default.copyItem(at: try Fixtures.traceFolder().appendingPathComponent("soo.json"), to: file)
    let b = try CampaignCatalogue.shipped.campaign(named: "B")
    let error = try #require(throws: LabError.self) { try ParsedTraceFile.read([file], campaign: b, algorithm: "soo") }
    #expect(error.description.hasPrefix("\(file.path):1, field 'solution.base_value[0]': lora_rank = 257.0 is outside campaign llama-3.2-1b's range [2.0, 64.0]"), "\(error)")
    // Without a campaign, no file lists soo_A_bis.json: refused as before.
    #expect(throws: LabError.self) { try ParsedTraceFile.read([file]) }
  }

  @Test func aByteOrderMarkAndCRLFLineEndsAreAccepted() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let original = try recordedTraceFiles()[5]  // soo_bis
    let lines = try recordedLines("soo_bis")
    let file = folder.appendingPathComponent("soo_bis.json")
    try (Data([0xEF, 0xBB, 0xBF]) + Data(lines.joined(separator: [0x0D, 0x0A])) + Data([0x0D, 0x0A])).write(to: file)
    let converted = try ParsedTraceFile.read([file])
    let plain = try ParsedTraceFile.read([original])
    #expect(converted[0].trials.count == 51)  // soo_bis.json has 51 lines (wc -l)
    #expect(converted[0].trials == plain[0].trials)
  }

  @Test func aHugeBadValueIsEchoedCutTo200Characters() throws {
    let lines = try recordedLines("bo_bis")
    let huge = String(repeating: "9", count: 1_000_000)
    let bad = try replacing(lines[0], "\"opening_time\": \"", with: Array("\"opening_time\": \"\(huge)".utf8))
    let error = try #require(throws: LabError.self) { try TraceParser.parseLine(bad, run: "bo_bis", file: "f.json", line: 1) }
    #expect(error.location?.field == "timing.opening_time")
    #expect(error.message.contains(String(repeating: "9", count: 200) + "… (1000019 bytes)"), "\(error.message.prefix(300))")
    #expect(error.description.count < 400)
  }

  @Test func aMissingTraceFileIsNotFound() throws {
    let db = try LabDatabase.inMemory()
    let error = try #require(throws: LabError.self) {
      try db.importTraces([URL(fileURLWithPath: "/nonexistent/soo.json")])
    }
    #expect(error.code == .notFound)
    #expect(error.description == "/nonexistent/soo.json: trace file does not exist")
  }
}
