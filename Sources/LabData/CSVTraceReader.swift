// CSV trials: one row per trial, columns mapped to a campaign's parameters, metrics, standard errors, times and
// state by header name (a column named like the target), or explicitly with `target=header` (`--column`).

import Foundation
import LabCore

/// Reads a CSV file of trials (one row each) into recorded trials of a campaign (format in docs/importing.md).
public enum CSVTraceReader {
  /// The non-parameter, non-metric targets a column can map to.
  public static let timeTargets = ["start", "end_training", "end"]
  /// The target of the trial-state column.
  public static let stateTarget = "state"

  /// States of a trial that completed (case-insensitive; an empty cell too).
  static let completeStates: Set<String> = ["", "complete", "completed", "evaluated", "ok", "success"]
  /// States of a trial that did not complete: the row is skipped and counted.
  static let skippedStates: Set<String> = ["fail", "failed", "pruned", "running", "waiting", "killed", "timeout", "error"]

  /// What a CSV file gave.
  public struct Result: Sendable {
    public var trials: [RecordedTrial]
    public var bad: [TraceParser.BadLine]
    /// Rows whose state says the trial did not complete (FAIL, PRUNED, …), left out.
    public var skipped: Int
  }

  /// The column of each target: header names equal to a target, then `columns` (`target=header`) on top.
  /// - Throws: `.invalidInput` for a malformed or unknown `target=header`; `.parse` (at line 1 of `file`) for a
  ///   header that is not in the file, or a parameter or the objective that no column gives.
  public static func mapping(header: [String], campaign: Campaign, columns: [String], file: String) throws -> [String: Int] {
    let metricTargets = campaign.metrics.flatMap { [$0.name] + ($0.standardError.map { [$0] } ?? []) }
    let targets = campaign.space.names + metricTargets + timeTargets + [stateTarget]
    var map: [String: Int] = [:]
    for (i, name) in header.enumerated() where targets.contains(name) { map[name] = i }
    for spec in columns {
      let parts = spec.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw LabError(.invalidInput, "--column '\(TraceValidation.clip(spec))' must be TARGET=HEADER, e.g. learning_rate=lr", location: .init(field: "--column"))
      }
      guard targets.contains(parts[0]) else {
        throw LabError(
          .invalidInput,
          "--column \(TraceValidation.clip(spec)): '\(TraceValidation.clip(parts[0]))' is not a parameter, metric, standard error or \((timeTargets + [stateTarget]).joined(separator: "/")) of campaign \(campaign.name) (parameters: \(campaign.space.names.joined(separator: ", ")); metrics: \(metricTargets.joined(separator: ", ")))",
          location: .init(field: "--column"))
      }
      guard let i = header.firstIndex(of: parts[1]) else {
        throw LabError(
          .parse, "no column '\(TraceValidation.clip(parts[1]))' (for \(parts[0])) in the header; columns: \(TraceValidation.clip(header.joined(separator: ", ")))",
          location: .init(file: file, line: 1))
      }
      map[parts[0]] = i
    }
    let missing = (campaign.space.names + [campaign.objective]).filter { map[$0] == nil }
    guard missing.isEmpty else {
      throw LabError(
        .parse,
        "no column for \(missing.joined(separator: ", ")) (header: \(TraceValidation.clip(header.joined(separator: ", ")))); map one with --column \(missing[0])=HEADER",
        location: .init(file: file, line: 1))
    }
    return map
  }

  /// Reads `data` (a CSV file called `file`) as trials of `campaign`, run `run`.
  /// - Throws: what ``CSVTable/parse(_:file:)`` and ``mapping(header:campaign:columns:file:)`` throw; `.parse` naming
  ///   file, line and column for a bad cell (unless `skipBad`), or for a file without a completed trial.
  public static func read(_ data: Data, file: String, run: String, campaign: Campaign, columns: [String] = [], skipBad: Bool = false) throws -> Result {
    let table = try CSVTable.parse(data, file: file)
    let map = try mapping(header: table.header, campaign: campaign, columns: columns, file: file)
    func header(_ target: String) -> String { map[target].map { table.header[$0] } ?? target }
    var result = Result(trials: [], bad: [], skipped: 0)
    for record in table.records {
      func cell(_ target: String) -> String? {
        map[target].map { record.fields[$0].trimmingCharacters(in: .whitespaces) }
      }
      do {
        if let state = cell(stateTarget)?.lowercased(), !completeStates.contains(state) {
          guard skippedStates.contains(state) else {
            throw LabError(
              .parse, "unknown state '\(TraceValidation.clip(state))' (expected COMPLETE, or FAIL, PRUNED, RUNNING, WAITING to skip the row)",
              location: .init(file: file, line: record.line, field: header(stateTarget)))
          }
          result.skipped += 1
          continue
        }
        var values: [String: Double] = [:]
        var metrics: [String: Double] = [:]
        for target in map.keys where !timeTargets.contains(target) && target != stateTarget {
          guard let text = cell(target), !text.isEmpty else { continue }
          guard let v = Double(text) else {
            throw LabError(.parse, "'\(TraceValidation.clip(text))' is not a number", location: .init(file: file, line: record.line, field: header(target)))
          }
          if campaign.space.names.contains(target) { values[target] = v } else { metrics[target] = v }
        }
        let trial = ForeignTrial(
          line: record.line, values: values, metrics: metrics, start: cell("start"), endTraining: cell("end_training"),
          end: cell("end"), info: [.init(key: "csv_line", value: .int(record.line))])
        result.trials.append(try trial.recordedTrial(run: run, campaign: campaign, file: file, fieldOf: header))
      } catch let error as LabError where skipBad {
        result.bad.append(.init(line: record.line, error: error))
      }
    }
    if result.trials.isEmpty && result.bad.isEmpty {
      throw LabError(.parse, "CSV file holds no completed trial (\(result.skipped) rows skipped for their state)", location: .init(file: file, line: max(1, table.records.last?.line ?? 1)))
    }
    return result
  }
}
