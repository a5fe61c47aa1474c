import Foundation
import Testing
import LabTestSupport

@Suite struct TracesCLITests {
  @Test func importThenListAsJSONShowsTheSevenRecordedRuns() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let imported = try runHpolab(["traces", "import"] + (try cliTraceFiles()) + ["--db", db])
    #expect(imported.status == 0, "\(imported)")
    #expect(imported.stdout.hasSuffix("7 runs, 369 lines in \(db)\n"), "\(imported)")

    let listed = try runHpolab(["traces", "list", "--db", db, "--json"])
    #expect(listed.status == 0, "\(listed)")
    // JSONDecoder reads doubles exactly (JSONSerialization on Linux does not).
    struct Row: Decodable {
      var run: String
      var trials: Int
      var approximated: Int
      var bestHellaswagAcc: Double?
      var medianEvaluationMinutes: Double?
      var evaluationDerived: Bool
    }
    let rows = try JSONDecoder().decode([Row].self, from: Data(listed.stdout.utf8))
    #expect(rows.map(\.run) == ["lhs", "bo", "soo", "lhs_bis", "bo_bis", "soo_bis", "bamsoo_bis"])
    #expect(rows.map(\.trials) == [50, 50, 50, 50, 50, 51, 68])
    #expect(rows.map(\.approximated) == [0, 0, 0, 0, 0, 0, 16])
    #expect(rows.map(\.evaluationDerived) == [true, true, true, false, false, false, false])
    #expect(rows.first?.bestHellaswagAcc == 0.5587532364070902)

    // The human table: a header, a rule, seven rows and the footnote on derived times.
    let table = try runHpolab(["traces", "list", "--db", db])
    let lines = table.stdout.split(separator: "\n")
    #expect(lines.count == 10, "\(table)")
    #expect(lines.first?.hasPrefix("run ") == true)
    #expect(lines.count > 2 && lines[2].hasPrefix("lhs ") && lines[2].hasSuffix("*"), "\(table)")

    // Importing again changes nothing, and export gives back the file byte for byte.
    let again = try runHpolab(["traces", "import"] + (try cliTraceFiles()) + ["--db", db])
    #expect(again.stdout.split(separator: "\n").filter { $0.hasPrefix("unchanged ") }.count == 7, "\(again)")
    let exported = try runHpolab(["traces", "export", "bamsoo_bis", "--db", db])
    #expect(exported.status == 0)
    #expect(Data(exported.stdout.utf8) == (try Data(contentsOf: try Fixtures.traceFolder().appendingPathComponent("bamsoo_bis.json"))))
  }

  @Test func aBadFileExitsNonZeroWithOneLineAndCreatesNoDatabase() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let bad = folder.appendingPathComponent("soo.json")
    try Data("{\"timing\": {\"opening_time\": \"2025-01-14 14:50:00\"}}\n".utf8).write(to: bad)
    let result = try runHpolab(["traces", "import", bad.path, "--db", db])
    #expect(result.status != 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == "Error: \(bad.path):1, field 'timing.end_training_time': missing field\n", "\(result)")
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test func skipBadImportsTheGoodLinesAndListsTheBadOnesOnStderr() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let lines = try String(contentsOf: try Fixtures.traceFolder().appendingPathComponent("bo.json"), encoding: .utf8)
      .split(separator: "\n")
    let file = folder.appendingPathComponent("bo.json")
    try Data((lines[0] + "\n{\"broken\n" + lines[1] + "\n").utf8).write(to: file)
    let strict = try runHpolab(["traces", "import", file.path, "--db", db])
    #expect(strict.status != 0)
    #expect(strict.stderr.hasPrefix("Error: \(file.path):2: line is not valid JSON"), "\(strict)")
    let result = try runHpolab(["traces", "import", file.path, "--db", db, "--skip-bad"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout == "imported  bo: 2 lines from \(file.path)\n1 run, 2 lines in \(db)\n")
    #expect(result.stderr.hasPrefix("skipped 1 bad line:\n  \(file.path):2: line is not valid JSON"), "\(result)")
  }

  @Test func exportingAnUnknownRunListsTheValidOnes() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("lab.sqlite").path
    let files = try cliTraceFiles()
    #expect(try runHpolab(["traces", "import", files[0], files[3], "--db", db]).status == 0)
    let result = try runHpolab(["traces", "export", "nope", "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr == "Error: \(db): no recorded run 'nope'; valid runs: lhs, lhs_bis\n", "\(result)")
  }

  @Test func listingAMissingDatabaseIsAOneLineError() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("absent.sqlite").path
    let result = try runHpolab(["traces", "list", "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr == "Error: \(db): database does not exist (run 'hpolab traces import' first?)\n", "\(result)")
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  @Test func aFileThatIsNotADatabaseIsAOneLineError() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = folder.appendingPathComponent("notes.sqlite")
    try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: db)
    let result = try runHpolab(["traces", "list", "--db", db.path])
    #expect(result.status != 0)
    #expect(result.stderr == "Error: \(db.path): not an SQLite database (or encrypted)\n", "\(result)")
  }

  @Test(arguments: [["traces"], ["traces", "import"], ["traces", "list"], ["traces", "export"]])
  func everyTracesCommandHasHelp(_ command: [String]) throws {
    let result = try runHpolab(command + ["--help"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("OVERVIEW:") && result.stdout.contains("USAGE: hpolab \(command.joined(separator: " "))"))
  }
}
