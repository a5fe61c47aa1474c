import CSQLite
import Foundation
import LabCore

extension LabDatabase {
  /// `PRAGMA application_id` of every hpolab database: the bytes `hpol` (0x68706F6C).
  ///
  /// Written when a database is created (and when one of the previous version,
  /// which had none, is first opened read-write); `file(1)` and other programs
  /// see it at offset 68 of the header.
  public static let applicationID: Int32 = 0x6870_6F6C

  /// Files up to this size are `quick_check`ed even when opened read-only (the check reads every page).
  public static let readOnlyCheckLimit = 64 << 20

  /// The first 16 bytes of every SQLite 3 database.
  static let sqliteMagic = Array("SQLite format 3\u{0}".utf8)

  /// Checks, by reading the file's first bytes, that `path` is an SQLite file or empty; returns its size.
  /// - Throws: `.database` for a non-SQLite file, and for a 0-byte file unless `mode` is `.create`.
  static func checkHeader(_ path: String, mode: OpenMode) throws -> Int {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
      throw LabError(.database, "cannot read the database file", location: .init(file: path), underlying: error)
    }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 100)) ?? nil
    let size = (try? handle.seekToEnd()).map { Int($0) } ?? 0
    if size == 0 {
      guard mode == .create else {
        throw LabError(
          .database, "empty file (0 bytes), not an hpolab database; delete it, or let a command that creates databases initialise it",
          location: .init(file: path))
      }
      return 0
    }
    guard let head, head.count == 100, Array(head.prefix(16)) == sqliteMagic else {
      throw LabError(.database, "not an SQLite database (or encrypted)", location: .init(file: path))
    }
    return size
  }

  /// SQLite's own wording for damaged or foreign files, as one line of ours.
  static func oneLine(_ error: LabError, path: String) -> LabError {
    guard error.code == .database else { return error }
    if error.message.contains("not a database") {
      return LabError(.database, "not an SQLite database (or encrypted)", location: .init(file: path))
    }
    if error.message.contains("malformed") || error.message.contains("corrupt") || error.message.contains("disk I/O error") {
      return LabError(
        .database, "database is corrupt (\(sqliteDetail(error.message))); refusing to use it: restore it from a copy",
        location: .init(file: path))
    }
    return error
  }

  /// The part of a wrapped SQL error after `failed: `, on one line.
  static func sqliteDetail(_ message: String) -> String {
    guard let range = message.range(of: "failed: ") else { return firstLine(message) }
    return firstLine(String(message[range.upperBound...]))
  }

  /// `text` on one line (SQLite's reports may span several), at most 160 characters.
  static func firstLine(_ text: String) -> String {
    let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    return line.count > 160 ? String(line.prefix(157)) + "..." : line
  }
}

/// What opening an existing file checks before anything is written: it is hpolab's, and intact.
///
/// 1. `PRAGMA application_id` is hpolab's (``LabDatabase/applicationID``), or 0
///    with a `migrations` table whose first migration is `1-recorded-traces`
///    (a database of the previous version, adopted: migrating sets its id).
///    Any other id, or no id and no such table, is "not an hpolab database".
/// 2. `PRAGMA quick_check` reports `ok` — always before writing, and before
///    reading when the file is at most ``LabDatabase/readOnlyCheckLimit`` bytes.
///
/// A refused file has only been read.
struct OwnershipCheck {
  let database: LabDatabase
  let fileSize: Int
  let writable: Bool

  func run() throws {
    let path = database.path
    let id = try database.query("PRAGMA application_id").first?[0].int ?? 0
    let hasMigrations = try !database.query(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).isEmpty
    if id != Int(LabDatabase.applicationID) {
      guard id == 0 else {
        throw LabError(
          .database,
          "an SQLite database of another program (application_id \(hex(id))), not an hpolab database; refusing to touch it",
          location: .init(file: path))
      }
      let first = hasMigrations
        ? try database.query("SELECT name FROM migrations ORDER BY position LIMIT 1").first?["name"].string : nil
      guard first == Migrations.recordedTraces.name else {
        throw LabError(
          .database,
          "not an hpolab database (an SQLite file without hpolab's application_id or migrations table); refusing to touch it",
          location: .init(file: path))
      }
    } else if !hasMigrations {
      throw LabError(
        .database, "hpolab database without its migrations table (damaged); refusing to use it: restore it from a copy",
        location: .init(file: path))
    }
    if writable || fileSize <= LabDatabase.readOnlyCheckLimit {
      let rows = try database.query("PRAGMA quick_check(1)")
      let verdict = LabDatabase.firstLine(rows.first?[0].string ?? "no answer")
      guard verdict == "ok" else {
        throw LabError(
          .database, "database is corrupt (PRAGMA quick_check: \(verdict)); refusing to use it: restore it from a copy",
          location: .init(file: path))
      }
    }
  }

  private func hex(_ id: Int) -> String {
    let h = String(UInt32(truncatingIfNeeded: id), radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - h.count)) + h
  }
}
