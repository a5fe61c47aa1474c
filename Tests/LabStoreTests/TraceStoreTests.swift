import Foundation
import LabCore
import LabData
import LabStore
import Testing

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

  @Test func aMissingTraceFileIsNotFound() throws {
    let db = try LabDatabase.inMemory()
    let error = try #require(throws: LabError.self) {
      try db.importTraces([URL(fileURLWithPath: "/nonexistent/soo.json")])
    }
    #expect(error.code == .notFound)
    #expect(error.description == "/nonexistent/soo.json: trace file does not exist")
  }
}
