import LabCore

/// One named step of the database schema, written in SQL.
///
/// Modelled on GRDB's migrations (`Documentation.docc/Migrations.md`): a
/// migration is identified by its name, applied once, in order, inside a
/// transaction, and recorded in the `migrations` table. A migration is
/// **never modified once it has shipped**: to change the schema, append a new
/// one. (A test pins the text of every shipped migration.)
public struct Migration: Sendable, Hashable {
  /// A unique, stable name, e.g. `"1-recorded-traces"`.
  public var name: String
  /// SQL statements separated by `;`.
  public var sql: String
  public init(_ name: String, sql: String) {
    self.name = name
    self.sql = sql
  }
}

/// The schema of `lab.sqlite`, as the ordered list of its migrations.
public enum Migrations {
  /// Every migration, in the order they are applied.
  ///
  /// APPEND ONLY: never edit, reorder or remove an entry once it is on `main`.
  /// Add a new `Migration` at the end (in this file, or as a `static let` in
  /// your own file referenced from here) with the next number in its name.
  public static let all: [Migration] = [
    recordedTraces,
    simulatedRuns,
    // ↑ shipped. Append new migrations below this line.
    studies,  // 3-studies, in StudyMigration.swift (LabStudies)
    campaignDefinitions,  // 4-campaign-definitions, in CampaignMigration.swift
  ]

  /// Campaigns, recorded runs, their trials and metrics (the A100 traces).
  public static let recordedTraces = Migration(
    "1-recorded-traces",
    sql: """
      CREATE TABLE campaigns (
        name TEXT PRIMARY KEY NOT NULL,          -- 'A' or 'B'
        model TEXT NOT NULL,                     -- 'Llama-3.2-3B'
        space_preset TEXT NOT NULL               -- 'llama-3.2-3b'
      );
      INSERT INTO campaigns (name, model, space_preset) VALUES
        ('A', 'Llama-3.2-3B', 'llama-3.2-3b'),
        ('B', 'Llama-3.2-1B', 'llama-3.2-1b');

      CREATE TABLE recorded_runs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,               -- the file stem, e.g. 'soo_bis'
        campaign TEXT NOT NULL REFERENCES campaigns(name),
        algorithm TEXT NOT NULL,                 -- 'lhs', 'bo', 'soo', 'bamsoo'
        source_file TEXT NOT NULL,               -- the file name imported
        content_hash TEXT NOT NULL,              -- FNV-1a 64 of the file's bytes, hex
        byte_count INTEGER NOT NULL,
        sequential INTEGER NOT NULL              -- 1 when no two evaluated trials overlapped
      );

      CREATE TABLE recorded_trials (
        run_id INTEGER NOT NULL REFERENCES recorded_runs(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,                   -- 1-based line in the file
        state TEXT NOT NULL CHECK (state IN ('evaluated', 'approximated')),
        base_values TEXT NOT NULL,               -- JSON array, optimiser scale, exact
        converted_values TEXT NOT NULL,          -- JSON array, as trained with, literals as recorded
        ucb REAL,                                -- BaMSOO bounds (approximated lines)
        lcb REAL,
        opening_time TEXT NOT NULL,              -- as recorded ('' when absent)
        end_training_time TEXT NOT NULL,
        ending_time TEXT NOT NULL,
        end_training_key TEXT NOT NULL CHECK (end_training_key IN ('end_training_time', 'starting_time')),
        training_seconds REAL,
        evaluation_seconds REAL,
        evaluation_derived INTEGER NOT NULL DEFAULT 0,   -- 1: gap to the next trial (campaign A)
        info TEXT NOT NULL,                      -- JSON object, keys in recorded order
        PRIMARY KEY (run_id, line)
      ) WITHOUT ROWID;

      CREATE TABLE recorded_metrics (
        run_id INTEGER NOT NULL,
        line INTEGER NOT NULL,
        name TEXT NOT NULL,                      -- 'hellaswag.acc', 'hellaswag.acc_norm', 'mmlu.acc'
        value REAL NOT NULL,
        stderr REAL,
        PRIMARY KEY (run_id, line, name),
        FOREIGN KEY (run_id, line) REFERENCES recorded_trials(run_id, line) ON DELETE CASCADE
      ) WITHOUT ROWID;
      """)

  /// Simulated (or live) runs: the spec as JSON and one row per trial.
  public static let simulatedRuns = Migration(
    "2-simulated-runs",
    sql: """
      CREATE TABLE runs (
        id TEXT PRIMARY KEY NOT NULL,
        seq INTEGER NOT NULL UNIQUE,             -- insertion order
        algorithm TEXT NOT NULL,                 -- copied from the spec, for queries
        evaluator TEXT NOT NULL,
        workers INTEGER NOT NULL,
        mode TEXT NOT NULL,
        seed TEXT NOT NULL,                      -- UInt64 as decimal text
        spec TEXT NOT NULL,                      -- the RunSpec as JSON (source of truth)
        makespan REAL,                           -- NULL stands for NaN (so below)
        notes TEXT NOT NULL                      -- JSON array of strings
      );

      CREATE TABLE run_trials (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,               -- order in the record
        trial INTEGER NOT NULL,                  -- TrialID
        worker INTEGER NOT NULL,
        start REAL,
        end REAL,
        state TEXT NOT NULL,
        unit TEXT NOT NULL,                      -- JSON array (shortest round-trip decimals)
        base TEXT NOT NULL,                      -- JSON array
        configuration TEXT NOT NULL,             -- JSON array
        training_seconds REAL,
        evaluation_seconds REAL,
        failure_code TEXT,
        failure_detail TEXT,
        source TEXT NOT NULL,                    -- EvaluationSource as JSON
        info TEXT NOT NULL,                      -- JSON object, keys sorted
        PRIMARY KEY (run_id, position)
      ) WITHOUT ROWID;

      CREATE TABLE run_metrics (
        run_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        value REAL,                              -- NULL stands for NaN
        PRIMARY KEY (run_id, position, name),
        FOREIGN KEY (run_id, position) REFERENCES run_trials(run_id, position) ON DELETE CASCADE
      ) WITHOUT ROWID;
      """)
}

extension LabDatabase {
  /// The names of the migrations recorded in this database, in the order they were applied.
  public func appliedMigrations() throws -> [String] {
    try query("SELECT name FROM migrations ORDER BY position").compactMap { $0["name"].string }
  }

  /// Checks, without writing, that the database holds exactly the migrations of `list` (for read-only use).
  /// - Throws: `.schemaTooNew` for an unknown migration; `.database` when one of `list` is missing.
  func checkMigrated(_ list: [Migration]) throws {
    let hasTable = try !query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").isEmpty
    let applied = hasTable ? try appliedMigrations() : []
    try rejectUnknown(applied, list)
    if let missing = list.first(where: { !applied.contains($0.name) }) {
      throw LabError(
        .database,
        "database lacks migration '\(missing.name)' and is opened read-only; open it once read-write (e.g. 'hpolab traces import') to upgrade it",
        location: .init(file: path))
    }
  }

  /// Throws `.schemaTooNew` naming the first of `applied` that `list` does not contain (a newer hpolab wrote it).
  private func rejectUnknown(_ applied: [String], _ list: [Migration]) throws {
    let known = Set(list.map(\.name))
    if let unknown = applied.first(where: { !known.contains($0) }) {
      throw LabError(
        .schemaTooNew,
        "database was written by a newer hpolab (unknown migration '\(unknown)'); upgrade hpolab or use another --db",
        location: .init(file: path))
    }
  }

  /// Applies the migrations of `list` that this database lacks, each in its own transaction, and sets
  /// ``LabDatabase/applicationID`` (only after ``OwnershipCheck`` accepted the file, or on a new one).
  /// - Throws: `.schemaTooNew` when the database records a migration that `list` does not contain.
  func migrate(_ list: [Migration]) throws {
    try execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY NOT NULL, position INTEGER NOT NULL)")
    let applied = try appliedMigrations()
    try rejectUnknown(applied, list)
    let done = Set(applied)
    for (position, migration) in list.enumerated() where !done.contains(migration.name) {
      try transaction {
        do {
          try execute(migration.sql)
        } catch let error as LabError {
          throw LabError(.database, "migration '\(migration.name)' failed: \(error.message)", location: error.location)
        }
        try execute("INSERT INTO migrations (name, position) VALUES (?, ?)", [migration.name, position])
      }
    }
    // Mark the file as hpolab's: new databases, and those of the previous version (which had no id).
    if try query("PRAGMA application_id").first?[0].int != Int(LabDatabase.applicationID) {
      try execute("PRAGMA application_id = \(LabDatabase.applicationID)")
    }
  }
}
