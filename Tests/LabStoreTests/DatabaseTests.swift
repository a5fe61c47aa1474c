import Foundation
import LabCore
import LabStore
import Testing

@Suite struct DatabaseTests {
  @Test func aNewDatabaseRecordsEveryMigrationInOrder() throws {
    let db = try LabDatabase.inMemory()
    #expect(try db.appliedMigrations() == Migrations.all.map(\.name))
    #expect(Set(Migrations.all.map(\.name)).count == Migrations.all.count, "migration names must be unique")
    // The seed's campaigns under their names (4-campaign-definitions renamed A and B).
    #expect(try db.query("SELECT name FROM campaigns ORDER BY name").map { $0["name"] } == [.text("llama-3.2-1b"), .text("llama-3.2-3b")])
  }

  @Test func shippedMigrationsAreNeverEdited() {
    // Pinned text of migrations on main. Editing one breaks every existing lab.sqlite: append a new one instead.
    let pinned: [String: UInt64] = [
      "1-recorded-traces": stableHash(Migrations.recordedTraces.sql),
      "2-simulated-runs": stableHash(Migrations.simulatedRuns.sql),
    ]
    #expect(pinned == ["1-recorded-traces": 0xBC36_7BAB_6D9D_3F4E, "2-simulated-runs": 0x0401_DBCC_E8BB_3737])
    #expect(Array(Migrations.all.prefix(2)) == [Migrations.recordedTraces, Migrations.simulatedRuns])
  }

  @Test func reopeningAppliesOnlyTheMissingMigrations() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    do {
      let db = try LabDatabase(path: path, migrations: [Migrations.recordedTraces])
      #expect(try db.appliedMigrations() == ["1-recorded-traces"])
    }
    let db = try LabDatabase(path: path)
    #expect(try db.appliedMigrations() == Migrations.all.map(\.name))
  }

  @Test func aDatabaseFromANewerHpolabIsRefused() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    do {
      let db = try LabDatabase(path: path)
      try db.execute("INSERT INTO migrations (name, position) VALUES (?, ?)", ["99-from-the-future", 99])
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    for mode in [LabDatabase.OpenMode.create, .existing, .readOnly] {
      let error = #expect(throws: LabError.self) { try LabDatabase(path: path, mode: mode) }
      #expect(error?.code == .schemaTooNew)
      #expect(
        error?.description
          == "\(path): database was written by a newer hpolab (unknown migration '99-from-the-future'); upgrade hpolab or use another --db")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  @Test func aFileThatIsNotADatabaseIsAOneLineError() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("notes.txt").path
    try Data(String(repeating: "hello\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: LabError.self) { try LabDatabase(path: path) }
    #expect(error?.code == .database)
    #expect(error?.description == "\(path): not an SQLite database (or encrypted)")
    let dir = #expect(throws: LabError.self) { try LabDatabase(path: folder.path) }
    #expect(dir?.description == "\(folder.path): is a directory, not an SQLite database")
    let missing = #expect(throws: LabError.self) { try LabDatabase(path: folder.path + "/absent.sqlite", mode: .readOnly) }
    #expect(missing?.code == .notFound)
    let noFolder = #expect(throws: LabError.self) { try LabDatabase(path: folder.path + "/no/such/dir/lab.sqlite") }
    #expect(noFolder?.code == .database)
    #expect(noFolder?.message.hasPrefix("cannot open database: ") == true)
  }

  @Test func aReadOnlyDatabaseRefusesWritesAndOldSchemas() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    _ = try LabDatabase(path: path, migrations: [Migrations.recordedTraces])
    let old = #expect(throws: LabError.self) { try LabDatabase(path: path, mode: .readOnly) }
    #expect(old?.message.hasPrefix("database lacks migration '2-simulated-runs'") == true)
    _ = try LabDatabase(path: path)
    let db = try LabDatabase(path: path, mode: .readOnly)
    #expect(try db.recordedRunNames().isEmpty)
    let write = #expect(throws: LabError.self) { try db.execute("DELETE FROM campaigns") }
    #expect(write?.code == .database)
    #expect(write?.message.contains("readonly") == true, "\(String(describing: write))")
  }

  @Test func aFailingTransactionLeavesNoTrace() throws {
    let db = try LabDatabase.inMemory()
    try db.execute("CREATE TABLE t (x INTEGER NOT NULL)")
    let error = #expect(throws: LabError.self) {
      try db.transaction {
        try db.execute("INSERT INTO t (x) VALUES (?)", [1])
        try db.execute("INSERT INTO t (x) VALUES (?)", [SQLValue.null])
      }
    }
    #expect(error?.message.hasPrefix("step 'INSERT INTO t (x) VALUES (?)' failed: NOT NULL constraint failed: t.x") == true,
            "\(String(describing: error))")
    #expect(try db.query("SELECT count(*) AS n FROM t").first?["n"] == .integer(0))
    // Bindings are typed and counted.
    let count = #expect(throws: LabError.self) { try db.execute("INSERT INTO t (x) VALUES (?)", [1, 2]) }
    #expect(count?.message.contains("expected 1 parameters, got 2") == true)
  }
}
