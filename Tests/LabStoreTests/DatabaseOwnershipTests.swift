import Foundation
import LabCore
import LabStore
import Testing

/// Issue 18: a database is hpolab's, intact, or refused untouched — by every open mode.
@Suite struct DatabaseOwnershipTests {
  static let modes: [LabDatabase.OpenMode] = [.create, .existing, .readOnly]

  /// A database with every migration and enough rows to span many pages (~200 KB).
  func populated(_ path: String) throws {
    let db = try LabDatabase(path: path)
    try db.execute("CREATE TABLE filler (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    try db.transaction {
      for k in 0..<2000 { try db.execute("INSERT INTO filler (k, v) VALUES (?, ?)", [k, String(repeating: "v\(k)", count: 20)]) }
    }
  }

  /// Opens `path` in every mode, expecting `message` each time and the file's bytes unchanged.
  func expectRefusedUntouched(_ path: String, _ message: String, modes: [LabDatabase.OpenMode] = modes) throws {
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    for mode in modes {
      let error = #expect(throws: LabError.self, "\(mode)") { try LabDatabase(path: path, mode: mode) }
      #expect(error?.code == .database)
      #expect(error?.description.hasPrefix("\(path): \(message)") == true, "\(mode): \(String(describing: error))")
      #expect(error?.description.contains("\n") == false)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the refused file was modified")
  }

  @Test func aNewDatabaseCarriesHpolabsApplicationID() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    _ = try LabDatabase(path: path)
    // Bytes 68…71 of the header, big-endian (SQLite file format §1.3): 'hpol'.
    let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(72)
    #expect(Array(header.suffix(4)) == Array("hpol".utf8))
    #expect(try LabDatabase(path: path, mode: .readOnly).query("PRAGMA application_id").first?[0] == .integer(0x6870_6F6C))
  }

  @Test func anotherProgramsSQLiteFileIsRefusedUntouched() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // Another program's id.
    let other = folder.appendingPathComponent("other.sqlite").path
    do {
      let db = try LabDatabase(path: other, migrations: [])
      try db.execute("CREATE TABLE notes (x TEXT); PRAGMA application_id = 1234")
    }
    try expectRefusedUntouched(other, "an SQLite database of another program (application_id 0x000004d2), not an hpolab database")
    // No id and no migrations table (any plain SQLite file).
    let plain = folder.appendingPathComponent("plain.sqlite").path
    do {
      let db = try LabDatabase(path: plain, migrations: [])
      try db.execute("DROP TABLE migrations; CREATE TABLE notes (x TEXT); PRAGMA application_id = 0")
    }
    try expectRefusedUntouched(plain, "not an hpolab database (an SQLite file without hpolab's application_id or migrations table)")
    // Ours, but its migrations table is gone: refused instead of being re-migrated into a raw SQL error.
    let damaged = folder.appendingPathComponent("damaged.sqlite").path
    do {
      let db = try LabDatabase(path: damaged)
      try db.execute("DROP TABLE migrations")
    }
    try expectRefusedUntouched(damaged, "hpolab database without its migrations table (damaged)")
  }

  @Test func aFileThatIsNotSQLiteIsRefusedUntouched() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("notes.sqlite").path
    try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
    try expectRefusedUntouched(path, "not an SQLite database (or encrypted)")
    let short = folder.appendingPathComponent("short.sqlite").path
    try Data("SQLite format 3\u{0}".utf8).write(to: URL(fileURLWithPath: short))
    try expectRefusedUntouched(short, "not an SQLite database (or encrypted)")
  }

  @Test func anEmptyFileIsInitialisedOnlyByCreate() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("empty.sqlite").path
    FileManager.default.createFile(atPath: path, contents: Data())
    try expectRefusedUntouched(path, "empty file (0 bytes), not an hpolab database", modes: [.existing, .readOnly])
    let db = try LabDatabase(path: path, mode: .create)
    #expect(try db.appliedMigrations() == Migrations.all.map(\.name))
  }

  @Test func aTruncatedDatabaseIsRefusedUntouched() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    try populated(path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - 1000).write(to: URL(fileURLWithPath: path))
    try expectRefusedUntouched(path, "database is corrupt")
  }

  @Test(arguments: [1 as UInt64, 2, 3, 4, 5])
  func randomBytesInTheMiddleAreRefusedUntouched(seed: UInt64) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    try populated(path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var rng = SeededGenerator(seed: seed)
    let start = bytes.count / 2 - 2048 + Int(seed) * 512
    for i in start..<(start + 4096) { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    try expectRefusedUntouched(path, "database is corrupt")
  }

  @Test func aDatabaseOfThePreviousVersionIsAdoptedWhenOpenedReadWrite() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("lab.sqlite").path
    do {
      // What hpolab wrote before issue 18: our migrations table, no application_id.
      let db = try LabDatabase(path: path)
      try db.execute("PRAGMA application_id = 0")
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    do {
      let db = try LabDatabase(path: path, mode: .readOnly)
      #expect(try db.appliedMigrations() == Migrations.all.map(\.name))
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "read-only use must not adopt")
    _ = try LabDatabase(path: path, mode: .existing)
    #expect(try LabDatabase(path: path, mode: .readOnly).query("PRAGMA application_id").first?[0] == .integer(0x6870_6F6C))
  }
}
