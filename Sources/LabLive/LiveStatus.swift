// What a live run is doing now, read from the database (for `hpolab live status` and `live list`).

import Foundation
import LabCore
import LabStore

/// A live run's state as recorded: running trials with their elapsed time, finished and failed counts, the best so far, the lease.
public struct LiveStatus: Sendable, Hashable, Codable {
  /// A trial recorded as running.
  public struct RunningTrial: Sendable, Hashable, Codable {
    public var id: TrialID
    public var worker: Int
    public var host: String?
    /// Seconds since it started (wall clock), when known.
    public var elapsed: Double?
    public var configuration: String
  }
  public var runID: String
  public var algorithm: String
  public var budget: Int?
  public var completed: Int
  public var failed: Int
  public var interrupted: Int
  public var approximated: Int
  public var running: [RunningTrial]
  public var bestTrial: TrialID?
  public var best: Double?
  public var metric: String
  /// The run folder (from the record's notes), when known.
  public var folder: String?
  /// The lease owner line and whether a process holds it now.
  public var owner: String?
  public var active: Bool

  /// The status of run `runID` in `db`, at wall-clock time `now` (seconds since 1970).
  /// - Throws: ``LabError`` `.notFound` when the database has no such run.
  public static func read(db: LabDatabase, runID: String, now: Double = Date().timeIntervalSince1970) throws -> LiveStatus {
    let record = try db.loadRun(id: runID)
    func count(_ s: TrialState) -> Int { record.trials.filter { $0.state == s }.count }
    let folder = record.notes.lazy.compactMap { note -> String? in
      guard let r = note.range(of: "folder ") else { return nil }
      return String(note[r.upperBound...])
    }.first
    let lease = folder.flatMap { RunLease.owner(runDirectory: $0) }
    let running = record.trials.filter { $0.state == .running }.map { t in
      RunningTrial(
        id: t.id, worker: t.worker, host: t.info["live.host"],
        elapsed: t.info["live.started_at"].flatMap(Double.init).map { max(0, now - $0) },
        configuration: t.configuration.describe(in: record.spec.space))
    }
    let best = record.bestTrial
    return LiveStatus(
      runID: runID, algorithm: record.spec.algorithm, budget: record.spec.budget, completed: count(.completed),
      failed: count(.failed), interrupted: count(.interrupted), approximated: count(.approximated), running: running,
      bestTrial: best?.id, best: best.flatMap { $0.metrics[record.spec.metric] }, metric: record.spec.metric,
      folder: folder, owner: lease.flatMap { $0.line.isEmpty ? nil : $0.line }, active: lease?.held ?? false)
  }

  /// The ids of the live runs in `db` (runs whose evaluator is litgpt), sorted.
  public static func liveRunIDs(db: LabDatabase) throws -> [String] {
    try db.runIDs().filter { id in (try? db.loadRun(id: id))?.spec.evaluator.hasPrefix("litgpt:") == true }.sorted()
  }

  /// Lines for people.
  public var text: String {
    let minutes = { (s: Double) in String(format: "%.1f min", s / 60) }
    var lines = [
      "run \(runID) (\(algorithm)): \(completed) completed, \(failed) failed, \(interrupted) interrupted, "
        + "\(running.count) running" + (budget.map { " of a budget of \($0)" } ?? "")
    ]
    lines.append(active ? "driven by \(owner ?? "a running hpolab")" : "not running now (rerun the same command to resume)")
    for t in running {
      lines.append(
        "  trial \(t.id) [worker \(t.worker)\(t.host.map { ", \($0)" } ?? "")] running for \(t.elapsed.map(minutes) ?? "?"): \(t.configuration)")
    }
    if let best, let bestTrial { lines.append("best \(metric) = \(best) (trial \(bestTrial))") }
    return lines.joined(separator: "\n")
  }
}
