import LabCore
import LabStore

extension LabDatabase {
  /// Copies every study run of `sources` into this database, in cell order, refusing mismatched definitions.
  ///
  /// Shards of one study (``StudyRunner/run(database:jobs:shard:progress:)``
  /// with `--shard I/N`) merge into a database equal to the unsharded run's,
  /// because runs are inserted in the order an unsharded run commits them.
  /// - Returns: the number of runs copied.
  /// - Throws: `.invalidInput` when two sources (or this database) define a study
  ///   of the same name differently, or hold different records for one cell.
  @discardableResult
  public func mergeStudies(from sources: [LabDatabase]) throws -> Int {
    var specs: [String: StudySpec] = [:]
    var runs: [String: [Int: (id: String, recorded: Bool, record: RunRecord, from: String)]] = [:]
    for source in sources {
      for name in try source.studyNames() {
        let spec = try source.loadStudy(name)
        if let known = specs[name], try known.specHash != spec.specHash {
          throw LabError(
            .invalidInput,
            "study '\(name)' is defined differently in \(source.path) (hash \(try spec.specHash)) and in an earlier database (hash \(try known.specHash)); refusing to merge")
        }
        specs[name] = spec
        let ids = try source.finishedCells(study: name)
        for (cell, recorded, record) in try source.studyRuns(name) {
          guard let id = ids[cell] else { continue }
          if let existing = runs[name]?[cell] {
            guard existing.record == record else {
              throw LabError(
                .invalidInput, "cell \(cell) of study '\(name)' differs between \(existing.from) and \(source.path); refusing to merge")
            }
            continue
          }
          runs[name, default: [:]][cell] = (id, recorded, record, source.path)
        }
      }
    }
    var copied = 0
    for name in specs.keys.sorted() {
      guard let spec = specs[name] else { continue }
      try registerStudy(spec)
      let present = try finishedCells(study: name)
      for (cell, run) in (runs[name] ?? [:]).sorted(by: { $0.key < $1.key }) where present[cell] == nil {
        try saveStudyRun(run.record, study: name, cell: cell, runID: run.id, recorded: run.recorded)
        copied += 1
      }
    }
    return copied
  }
}
