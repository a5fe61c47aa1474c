import Foundation
import LabCore
import LabStore

/// Study persistence over ``LabDatabase`` (tables of migration `3-studies`).
///
/// Keeps the SQL of studies in one place. Nothing stored depends on the host
/// clock or on completion order.
extension LabDatabase {
  /// Records `spec` under its name, or checks that the stored definition has the same hash.
  /// - Throws: `.invalidInput` when a study of that name was stored with a different definition, when
  ///   the name is not a valid study name, or when the spec cannot be encoded (nothing is stored then).
  public func registerStudy(_ spec: StudySpec) throws {
    guard StudySpec.isValidName(spec.name) else {
      throw LabError(
        .invalidInput, "study name '\(spec.name)' is not [A-Za-z0-9][A-Za-z0-9._-]* without '..'; refusing to store it",
        location: .init(file: path))
    }
    let json = try spec.canonicalJSON()
    let hash = try spec.specHash
    try transaction {
      let rows = try query("SELECT spec_hash FROM studies WHERE name = ?", [spec.name])
      if let stored = rows.first?["spec_hash"].string {
        guard stored == hash else {
          throw LabError(
            .invalidInput,
            "study '\(spec.name)' is already stored with a different definition (hash \(stored), this file \(hash)); use another --db or a new name",
            location: .init(file: path))
        }
        return
      }
      _ = try execute(
        "INSERT INTO studies (name, spec_hash, spec) VALUES (?, ?, ?)", [spec.name, hash, json])
    }
  }

  /// The stored definition of study `name`.
  /// - Throws: `.notFound` listing the stored studies.
  public func loadStudy(_ name: String) throws -> StudySpec {
    guard let text = try query("SELECT spec FROM studies WHERE name = ?", [name]).first?["spec"].string else {
      let names = try studyNames()
      throw LabError(
        .notFound, "no study '\(name)' in the database; stored: \(names.isEmpty ? "none" : names.joined(separator: ", "))",
        location: .init(file: path))
    }
    do {
      return try JSONDecoder().decode(StudySpec.self, from: Data(text.utf8))
    } catch {
      throw LabError(.database, "cannot decode the stored definition of study '\(name)'", location: .init(file: path), underlying: error)
    }
  }

  /// Stored study names, sorted.
  public func studyNames() throws -> [String] {
    try query("SELECT name FROM studies ORDER BY name").compactMap { $0["name"].string }
  }

  /// The cells of study `name` already stored, with their run ids.
  public func finishedCells(study name: String) throws -> [Int: String] {
    var out: [Int: String] = [:]
    for row in try query("SELECT cell, run_id FROM study_runs WHERE study = ?", [name]) {
      if let cell = row["cell"].int, let id = row["run_id"].string { out[cell] = id }
    }
    return out
  }

  /// Saves one finished run of a study and its cell in one transaction.
  public func saveStudyRun(_ record: RunRecord, study: String, cell: Int, runID: String, recorded: Bool) throws {
    try transaction {
      try saveRun(record, id: runID)
      _ = try execute(
        "INSERT INTO study_runs (study, cell, kind, run_id) VALUES (?, ?, ?, ?)",
        [study, cell, recorded ? "recorded" : "simulated", runID])
    }
  }

  /// The stored runs of study `name`, by cell.
  public func studyRuns(_ name: String) throws -> [(cell: Int, recorded: Bool, record: RunRecord)] {
    try query("SELECT cell, kind, run_id FROM study_runs WHERE study = ? ORDER BY cell", [name]).map { row in
      guard let cell = row["cell"].int, let id = row["run_id"].string else {
        throw LabError(.database, "a study_runs row of '\(name)' has no cell or run id", location: .init(file: path))
      }
      return (cell, row["kind"].string == "recorded", try loadRun(id: id))
    }
  }

  /// A canonical text dump of every table (rows sorted), to compare two databases' content.
  public func canonicalDump() throws -> String {
    var out = ""
    let tables = try query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .compactMap { $0["name"].string }
    for table in tables {
      out += "## \(table)\n"
      let rows = try query("SELECT * FROM \"\(table)\"").map { row in
        zip(row.columns, row.values).map { "\($0)=\($1)" }.joined(separator: "|")
      }
      for line in rows.sorted() { out += line + "\n" }
    }
    return out
  }
}
