import LabCore

extension Migrations {
  /// Studies (issue 7): each study's canonical spec and hash, and which stored run is which cell of its grid.
  ///
  /// Nothing here depends on wall-clock time or on the order runs finished in,
  /// so an interrupted-and-resumed study ends with the same content as an
  /// uninterrupted one. Owned by `LabStudies` (`StudyStore.swift`).
  public static let studies = Migration(
    "3-studies",
    sql: """
      CREATE TABLE studies (
        name TEXT PRIMARY KEY NOT NULL,
        spec_hash TEXT NOT NULL,                 -- FNV-1a 64 of the canonical spec JSON, hex
        spec TEXT NOT NULL                       -- the StudySpec as canonical JSON (sorted keys)
      );

      CREATE TABLE study_runs (
        study TEXT NOT NULL REFERENCES studies(name) ON DELETE CASCADE,
        cell INTEGER NOT NULL,                   -- position in the study's grid (recorded runs follow the grid)
        kind TEXT NOT NULL CHECK (kind IN ('simulated', 'recorded')),
        run_id TEXT NOT NULL UNIQUE REFERENCES runs(id) ON DELETE CASCADE,
        PRIMARY KEY (study, cell)
      ) WITHOUT ROWID;
      """)
}
