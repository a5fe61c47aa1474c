import CSQLite
import Foundation
import LabCore

/// A value stored in or read from an SQLite column.
public enum SQLValue: Sendable, Hashable, CustomStringConvertible {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])

  /// The value as an `Int`, when it is an integer.
  public var int: Int? {
    if case .integer(let v) = self { return Int(v) }
    return nil
  }
  /// The value as a `Double`, when it is a real or an integer.
  public var double: Double? {
    switch self {
    case .real(let v): return v
    case .integer(let v): return Double(v)
    default: return nil
    }
  }
  /// The value as a `String`, when it is text.
  public var string: String? {
    if case .text(let v) = self { return v }
    return nil
  }
  public var isNull: Bool { self == .null }

  public var description: String {
    switch self {
    case .null: return "NULL"
    case .integer(let v): return String(v)
    case .real(let v): return "\(v)"
    case .text(let s): return "'\(s)'"
    case .blob(let b): return "blob(\(b.count) bytes)"
    }
  }
}

/// Swift values that bind to an SQL parameter.
public protocol SQLBindable {
  /// The value as SQLite stores it.
  var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
  public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One result row: column names and values, in the statement's column order.
public struct SQLRow: Sendable, Hashable {
  public var columns: [String]
  public var values: [SQLValue]

  /// The value of column `name`.
  ///
  /// Asking for a column the statement does not select is a programming error (a typo in
  /// hpolab's own SQL, never bad input): it stops the program naming the column, instead of
  /// reading as SQL `NULL`.
  public subscript(_ name: String) -> SQLValue {
    guard let i = columns.firstIndex(of: name) else {
      preconditionFailure("SQLRow has no column '\(name)'; the statement selects \(columns.joined(separator: ", "))")
    }
    return values[i]
  }
  /// The value at position `index`.
  public subscript(_ index: Int) -> SQLValue { values[index] }
}

/// One connection to one SQLite file: prepared statements, typed bindings, transactions and migrations.
///
/// hpolab keeps all its SQL inside `LabStore`: other modules call typed
/// methods (``saveRun(_:id:)``, ``importTraces(_:skipBad:replace:)``, …).
/// Opening a database applies the pending ``Migration``s of ``Migrations/all``
/// in order; a database that records a migration this binary does not know
/// was written by a newer hpolab and is refused (`.schemaTooNew`).
///
/// One connection per file and per thread: the class is deliberately not
/// `Sendable` (GRDB's `Concurrency.md` explains why sharing a raw connection
/// across threads goes wrong). Foreign keys are enforced; writers wait up to
/// five seconds for a lock held by another process.
///
/// Every failure is a ``LabError`` with code `.database` whose message names
/// the SQL operation and whose location names the file.
public final class LabDatabase {
  /// The file path (`:memory:` for an in-memory database).
  public let path: String
  private var handle: OpaquePointer?
  private var savepointDepth = 0

  /// How to open a database.
  public enum OpenMode: Sendable {
    /// Create the file when absent, and apply pending migrations.
    case create
    /// The file must exist; pending migrations are applied.
    case existing
    /// The file must exist and is opened read-only; it must already hold every migration this binary knows.
    case readOnly
  }

  /// Opens (and migrates) the database at `path`, refusing any file that is not an intact hpolab database.
  ///
  /// Before anything is written (see ``OwnershipCheck``): a file that is not
  /// SQLite, an SQLite database of another program (a foreign
  /// `application_id`, or none and no hpolab `migrations` table) and a file
  /// that fails `PRAGMA quick_check` are refused with one line and left
  /// byte-for-byte untouched. A 0-byte file is treated as absent: `.create`
  /// initialises it (as `mktemp` or `touch` leave one), the other modes refuse
  /// it. A database of the previous version (no `application_id`, but our
  /// `migrations` table) is adopted: its id is set when it is opened read-write.
  /// - Throws: `.notFound` when `mode` is not `.create` and there is no file; `.database` when the file
  ///   cannot be opened, is not SQLite, is not hpolab's, or is corrupt; `.schemaTooNew` when it was
  ///   written by a newer hpolab.
  public init(path: String, mode: OpenMode = .create, migrations: [Migration] = Migrations.all) throws {
    self.path = path
    var fresh = path == ":memory:"
    var fileSize = 0
    if path != ":memory:" {
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      if exists && isDirectory.boolValue {
        throw LabError(.database, "is a directory, not an SQLite database", location: .init(file: path))
      }
      if !exists && mode != .create {
        throw LabError(.notFound, "database does not exist (run 'hpolab traces import' first?)", location: .init(file: path))
      }
      if exists {
        fileSize = try Self.checkHeader(path, mode: mode)
        fresh = fileSize == 0
      } else {
        fresh = true
      }
    }
    var db: OpaquePointer?
    let flags =
      mode == .readOnly
      ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    handle = db
    guard rc == SQLITE_OK else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(db)
      handle = nil
      throw LabError(.database, "cannot open database: \(message)", location: .init(file: path))
    }
    sqlite3_busy_timeout(db, 5000)
    sqlite3_extended_result_codes(db, 1)
    do {
      // The first read is where SQLite notices a file that is not a database.
      _ = try query("SELECT count(*) FROM sqlite_master")
      if !fresh {
        try OwnershipCheck(database: self, fileSize: fileSize, writable: mode != .readOnly).run()
      }
      try execute("PRAGMA foreign_keys = ON")
      if mode == .readOnly { try checkMigrated(migrations) } else { try migrate(migrations) }
    } catch var error as LabError {
      error = Self.oneLine(error, path: path)
      sqlite3_close_v2(handle)
      handle = nil
      throw error
    }
  }

  /// Opens another program's SQLite file read-only (an Optuna storage): no ownership check, no migration, no write.
  /// - Throws: `.notFound` when there is no file; `.database` when it cannot be opened or is not SQLite.
  public init(foreignReadOnly path: String) throws {
    self.path = path
    guard FileManager.default.fileExists(atPath: path) else {
      throw LabError(.notFound, "database does not exist", location: .init(file: path))
    }
    var db: OpaquePointer?
    let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
    handle = db
    guard rc == SQLITE_OK else {
      sqlite3_close_v2(db)
      handle = nil
      throw LabError(.database, "cannot open database", location: .init(file: path))
    }
    do {
      _ = try query("SELECT count(*) FROM sqlite_master")
    } catch {
      sqlite3_close_v2(handle)
      handle = nil
      throw LabError(.database, "is not an SQLite database", location: .init(file: path))
    }
  }

  /// A fresh in-memory database with every migration applied (for tests and scratch work).
  public static func inMemory() throws -> LabDatabase { try LabDatabase(path: ":memory:") }

  deinit {
    if let handle { sqlite3_close_v2(handle) }
  }

  // MARK: Statements

  /// Runs `sql`, which may hold several statements separated by `;`, without parameters.
  public func execute(_ sql: String) throws {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    if rc != SQLITE_OK {
      let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
      sqlite3_free(errorMessage)
      throw failure("execute", sql: sql, message: message)
    }
  }

  /// Runs one statement with positional parameters (`?`), returning the number of rows it changed.
  @discardableResult
  public func execute(_ sql: String, _ bindings: [any SQLBindable]) throws -> Int {
    let statement = try prepare(sql)
    try statement.bind(bindings)
    while try statement.step() != nil {}
    return Int(sqlite3_changes(handle))
  }

  /// All rows of one query with positional parameters.
  public func query(_ sql: String, _ bindings: [any SQLBindable] = []) throws -> [SQLRow] {
    let statement = try prepare(sql)
    try statement.bind(bindings)
    var rows: [SQLRow] = []
    while let row = try statement.step() { rows.append(row) }
    return rows
  }

  /// A prepared statement, to run many times with different bindings.
  public func prepare(_ sql: String) throws -> PreparedStatement {
    var statement: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    guard rc == SQLITE_OK, let statement else {
      throw failure("prepare", sql: sql, message: lastMessage(rc))
    }
    return PreparedStatement(database: self, statement: statement, sql: sql)
  }

  /// The row id of the last successful insert.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  // MARK: Transactions

  /// Runs `body` in a transaction: `BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` when it throws.
  ///
  /// Nested calls use savepoints, so a method that is atomic on its own
  /// (``saveRun(_:id:)``) also composes inside a caller's larger transaction.
  /// - Throws: whatever `body` throws (after rolling back), or `.database`.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    let outermost = savepointDepth == 0
    let name = "hpolab_\(savepointDepth)"
    try execute(outermost ? "BEGIN IMMEDIATE" : "SAVEPOINT \(name)")
    savepointDepth += 1
    defer { savepointDepth -= 1 }
    let value: T
    do {
      value = try body()
    } catch {
      if outermost {
        try? execute("ROLLBACK")
      } else {
        try? execute("ROLLBACK TO \(name); RELEASE \(name)")
      }
      throw error
    }
    try execute(outermost ? "COMMIT" : "RELEASE \(name)")
    return value
  }

  // MARK: Errors

  func lastMessage(_ rc: Int32) -> String {
    if let handle, sqlite3_errcode(handle) != SQLITE_OK { return String(cString: sqlite3_errmsg(handle)) }
    return String(cString: sqlite3_errstr(rc))
  }

  func failure(_ operation: String, sql: String, message: String) -> LabError {
    let statement = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .joined(separator: " ")
    let shown = statement.count > 80 ? String(statement.prefix(77)) + "..." : statement
    return LabError(.database, "\(operation) '\(shown)' failed: \(message)", location: .init(file: path))
  }
}

/// A compiled SQL statement of a ``LabDatabase``, reset before each new binding.
public final class PreparedStatement {
  private let database: LabDatabase
  private let statement: OpaquePointer
  /// The statement's SQL text.
  public let sql: String
  private var done = false

  init(database: LabDatabase, statement: OpaquePointer, sql: String) {
    self.database = database
    self.statement = statement
    self.sql = sql
  }

  deinit { sqlite3_finalize(statement) }

  /// Resets the statement and binds `values` to its `?` parameters in order.
  public func bind(_ values: [any SQLBindable]) throws {
    sqlite3_reset(statement)
    sqlite3_clear_bindings(statement)
    done = false
    let expected = Int(sqlite3_bind_parameter_count(statement))
    guard values.count == expected else {
      throw database.failure("bind", sql: sql, message: "expected \(expected) parameters, got \(values.count)")
    }
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let rc: Int32
      switch value.sqlValue {
      case .null: rc = sqlite3_bind_null(statement, index)
      case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
      case .real(let v): rc = sqlite3_bind_double(statement, index, v)
      case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, transientDestructor)
      case .blob(let b):
        rc = b.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transientDestructor) }
      }
      guard rc == SQLITE_OK else { throw database.failure("bind", sql: sql, message: database.lastMessage(rc)) }
    }
  }

  /// Runs `values` through the statement to completion, returning nothing (for repeated inserts).
  public func run(_ values: [any SQLBindable]) throws {
    try bind(values)
    while try step() != nil {}
  }

  /// The next row, or nil when the statement is done.
  public func step() throws -> SQLRow? {
    if done { return nil }
    let rc = sqlite3_step(statement)
    switch rc {
    case SQLITE_ROW:
      let count = sqlite3_column_count(statement)
      var columns: [String] = []
      var values: [SQLValue] = []
      columns.reserveCapacity(Int(count))
      values.reserveCapacity(Int(count))
      for i in 0..<count {
        columns.append(sqlite3_column_name(statement, i).map { String(cString: $0) } ?? "")
        switch sqlite3_column_type(statement, i) {
        case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, i)))
        case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, i)))
        case SQLITE_TEXT:
          let bytes = sqlite3_column_text(statement, i)
          let n = Int(sqlite3_column_bytes(statement, i))
          values.append(.text(bytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) } ?? ""))
        case SQLITE_BLOB:
          let n = Int(sqlite3_column_bytes(statement, i))
          let raw = sqlite3_column_blob(statement, i)
          values.append(.blob(raw.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []))
        default: values.append(.null)
        }
      }
      return SQLRow(columns: columns, values: values)
    case SQLITE_DONE:
      done = true
      return nil
    default:
      done = true
      throw database.failure("step", sql: sql, message: database.lastMessage(rc))
    }
  }
}

/// SQLite's `SQLITE_TRANSIENT`: copy the bound bytes before returning.
private var transientDestructor: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
