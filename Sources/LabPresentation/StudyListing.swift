import LabStore
import LabStudies

/// The studies stored in a database, as `hpolab study list` prints them.
public enum StudyListing {
  /// One stored study, as `--json` prints it.
  public struct Entry: Encodable, Sendable {
    public var study: String
    public var runsStored: Int
    public var runsInAll: Int
    public var algorithms: [String]
    public var evaluators: [String]
    public var workers: [Int]
    public var seeds: Int
    public var hash: String
  }

  /// Every study of `db`, in name order.
  /// - Throws: what reading the database throws.
  public static func entries(in db: LabDatabase) throws -> [Entry] {
    var entries: [Entry] = []
    for name in try db.studyNames() {
      let spec = try db.loadStudy(name)
      entries.append(
        Entry(
          study: name, runsStored: try db.finishedCells(study: name).count,
          runsInAll: spec.cells.count + spec.recorded.count, algorithms: spec.algorithms.map(\.label),
          evaluators: spec.evaluators.map(\.name), workers: spec.workers, seeds: spec.seeds.count, hash: try spec.specHash))
    }
    return entries
  }

  /// The entries as a text table.
  public static func table(_ entries: [Entry]) -> TextTable {
    var table = TextTable(header: ["study", "runs", "of", "algorithms", "evaluators", "workers", "seeds", "hash"])
    table.rightAligned = [1, 2, 5, 6]
    for e in entries {
      table.rows.append([
        e.study, String(e.runsStored), String(e.runsInAll), e.algorithms.joined(separator: ","),
        e.evaluators.joined(separator: ","), e.workers.map(String.init).joined(separator: ","), String(e.seeds), e.hash,
      ])
    }
    return table
  }
}
