import Foundation
import LabTestSupport
import Testing

/// Issue 18: foreign, truncated and corrupted databases are refused untouched by every command that opens one.
@Suite struct DatabaseCLITests {
  /// The commands of issue 18's table, each with `--db DB` appended (or DB as an argument).
  static func commands(study: String, traces: String) -> [[String]] {
    [
      ["traces", "list", "--db"],
      ["traces", "import", traces + "/lhs_bis.json", "--db"],
      ["traces", "export", "lhs_bis", "--db"],
      ["run", "--algorithm", "random", "--evaluator", "function:branin", "--budget", "3", "--db"],
      ["study", "run", study, "--jobs", "1", "--traces", traces, "--db"],
      ["study", "report", "dbfuzz", "--db"],
      ["study", "list", "--db"],
      ["plot", "scores", "--study", "dbfuzz", "--db"],
    ]
  }

  /// Damaged copies of a real database: (name, what the message says, how to make it from the good bytes).
  static let damages: [(String, String, @Sendable ([UInt8]) -> [UInt8])] = [
    ("truncated", "database is corrupt", { Array($0.prefix($0.count - 1000)) }),
    ("random-middle", "database is corrupt", { bytes in
      var b = bytes
      var x: UInt64 = 0x9E37_79B9_7F4A_7C15
      for i in (b.count / 2)..<(b.count / 2 + 4096) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        b[i] = UInt8(truncatingIfNeeded: x)
      }
      return b
    }),
    ("not-sqlite", "not an SQLite database", { Array(String(repeating: "not a database\n", count: 500).utf8) + Array($0.prefix(0)) }),
    // Another program's file: our bytes with application_id (offset 68) changed to 1234.
    ("foreign-id", "an SQLite database of another program", { bytes in
      var b = bytes
      b.replaceSubrange(68..<72, with: [0, 0, 4, 0xD2])
      return b
    }),
    // application_id 0 and the migrations table renamed: an SQLite file that is not ours.
    ("no-migrations", "not an hpolab database", { bytes in
      var b = bytes
      b.replaceSubrange(68..<72, with: [0, 0, 0, 0])
      return renamed(b, "migrations", "mxgrations")
    }),
  ]

  /// `bytes` with every occurrence of `a` replaced by `b` (same length: SQLite's structure is kept).
  static func renamed(_ bytes: [UInt8], _ a: String, _ b: String) -> [UInt8] {
    let from = Array(a.utf8), to = Array(b.utf8)
    var out = bytes
    var i = 0
    while i + from.count <= out.count {
      if Array(out[i..<(i + from.count)]) == from {
        out.replaceSubrange(i..<(i + from.count), with: to)
        i += from.count
      } else {
        i += 1
      }
    }
    return out
  }

  @Test func everyCommandRefusesDamagedOrForeignDatabasesUntouched() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let traces = try Fixtures.traceFolder().path
    let study = folder.appendingPathComponent("dbfuzz.toml").path
    try Data(
      """
      [study]
      name = "dbfuzz"
      seeds = 2
      budget = 4
      evaluators = ["function:branin"]
      [[algorithm]]
      name = "random"
      """.utf8
    ).write(to: URL(fileURLWithPath: study))
    // A real database: the traces, a run and a study (~hundreds of KB).
    let good = folder.appendingPathComponent("good.sqlite").path
    for setup in [["traces", "import", "--db", good], ["study", "run", study, "--jobs", "1", "--traces", traces, "--db", good]] {
      let r = try runHpolab(setup, in: URL(fileURLWithPath: traces).deletingLastPathComponent().deletingLastPathComponent())
      try #require(r.status == 0, "\(setup): \(r)")
    }
    let goodBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
    var refused = 0
    for (name, message, damage) in Self.damages {
      let db = folder.appendingPathComponent("\(name).sqlite").path
      let bytes = damage(goodBytes)
      try Data(bytes).write(to: URL(fileURLWithPath: db))
      for command in Self.commands(study: study, traces: traces) {
        let r = try runHpolab(command + [db], in: folder)
        #expect(r.exitedNormally && r.status == 1, "\(name) \(command): \(r)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains("\(db): \(message)") == true, "\(name) \(command): \(r.stderr)")
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: db))) == bytes, "\(name) \(command) modified the file")
        refused += 1
      }
    }
    #expect(refused == Self.damages.count * 8)
  }
}
