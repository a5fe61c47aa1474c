import Foundation
import LabCore
import LabData

/// What importing one trace file did.
public struct TraceImportOutcome: Sendable, Hashable, Codable {
  /// What happened to the run.
  public enum Status: String, Sendable, Hashable, Codable {
    /// New run, inserted.
    case imported
    /// Same name and identical content already there: nothing changed.
    case unchanged
    /// Same name, different content, replaced on request.
    case replaced
  }
  public var run: String
  public var file: String
  public var status: Status
  /// Lines stored for the run.
  public var trials: Int
  /// Lines skipped under `skipBad`, with their one-line errors.
  public var badLines: [String]
  /// Trials left out for their state (a CSV row or Optuna trial that failed, was pruned or is running); nil for seed files.
  public var leftOut: Int? = nil
}

/// One row of `hpolab traces list`: a recorded run and its summary figures.
public struct RecordedRunSummary: Sendable, Hashable, Codable {
  public var run: String
  public var campaign: String
  public var algorithm: String
  public var trials: Int
  public var evaluated: Int
  public var approximated: Int
  /// Best HellaSwag `acc` over evaluated trials (nil when none).
  public var bestHellaswagAcc: Double?
  /// Median training minutes over evaluated trials.
  public var medianTrainingMinutes: Double?
  /// Median evaluation minutes over evaluated trials, derived values included (runs that record no end of evaluation).
  public var medianEvaluationMinutes: Double?
  /// Whether the evaluation minutes are derived from gaps between trials rather than recorded.
  public var evaluationDerived: Bool
  public var sourceFile: String
}

/// A recorded trial as stored, with its timing (recorded or derived).
public struct StoredRecordedTrial: Sendable, Hashable {
  public var trial: RecordedTrial
  public var timing: RecordedTiming
}

/// The 64-bit FNV-1a hash of `bytes` as 16 hex digits: identifies a trace file's content for idempotent imports.
func contentHash(_ bytes: Data) -> String {
  var h: UInt64 = 0xCBF2_9CE4_8422_2325
  for byte in bytes {
    h ^= UInt64(byte)
    h &*= 0x0000_0100_0000_01B3
  }
  let hex = String(h, radix: 16)
  return String(repeating: "0", count: 16 - hex.count) + hex
}

/// A trace file read and validated, ready to import.
public struct ParsedTraceFile: Sendable {
  public var run: String
  public var url: URL
  public var data: Data
  public var trials: [RecordedTrial]
  public var bad: [TraceParser.BadLine]
  /// The campaign the run belongs to (nil: no campaign file lists the file, and none was given).
  public var campaign: Campaign?
  /// The algorithm that made the run (nil: unknown).
  public var algorithm: String?
  /// Trials left out for their state (CSV, Optuna); nil for seed files.
  public var leftOut: Int? = nil

  /// Throws unless the file has a campaign and an algorithm (what importing needs).
  /// - Throws: `.invalidInput` naming the file and the known campaigns.
  public func checkCampaign(_ catalogue: CampaignCatalogue = .shipped) throws {
    guard let campaign else {
      throw LabError(
        .invalidInput,
        "\(url.lastPathComponent) is listed by no campaign file ([[runs]] in campaigns/*.toml); known campaigns: \(catalogue.validNames)",
        location: .init(file: url.path))
    }
    guard algorithm != nil else {
      throw LabError(
        .invalidInput, "\(url.lastPathComponent): campaign \(campaign.name) does not list this file, so its algorithm is unknown (give --algorithm NAME)",
        location: .init(file: url.path))
    }
  }

  /// Reads and validates trace files without touching any database.
  ///
  /// Each file's campaign and algorithm are `campaign` and `algorithm` when given, else the `[[runs]]` entry
  /// of the campaign files (``CampaignCatalogue/shipped``) that lists the file's name.
  /// - Throws: `.notFound` / `.io` for a missing or unreadable file, `.parse` for a bad line (naming file, line,
  ///   field) unless `skipBad`, `.invalidInput` when two files name the same run or, with `requireCampaign`
  ///   (what `traces import` needs; `traces check` validates the lines only), a file belongs to no campaign
  ///   or has no algorithm.
  public static func read(
    _ files: [URL], skipBad: Bool = false, campaign given: Campaign? = nil, algorithm: String? = nil,
    catalogue: CampaignCatalogue = .shipped, requireCampaign: Bool = true
  ) throws -> [ParsedTraceFile] {
    var parsed: [ParsedTraceFile] = []
    var seen = Set<String>()
    for url in files {
      let data = try TraceParser.readFile(url)
      let listed = given.map { c in c.run(file: url.lastPathComponent).map { (c, $0) } } ?? catalogue.recordedFile(url.lastPathComponent)
      let run = listed?.1.run ?? url.deletingPathExtension().lastPathComponent
      guard seen.insert(run).inserted else {
        throw LabError(.invalidInput, "run '\(run)' is named by two files", location: .init(file: url.path))
      }
      let (trials, bad) = try TraceParser.parse(data: data, run: run, file: url.path, skipBad: skipBad, campaign: given ?? listed?.0)
      if trials.isEmpty && bad.isEmpty {
        // Empty or blank: point at its last line (line 1 of an empty file).
        let lines = max(1, data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count - (data.last == UInt8(ascii: "\n") ? 1 : 0))
        throw LabError(.parse, "trace file holds no trial (no JSON line)", location: .init(file: url.path, line: lines))
      }
      let file = ParsedTraceFile(
        run: run, url: url, data: data, trials: trials, bad: bad, campaign: given ?? listed?.0, algorithm: algorithm ?? listed?.1.algorithm)
      if requireCampaign { try file.checkCampaign(catalogue) }
      parsed.append(file)
    }
    return parsed
  }
}

extension LabDatabase {
  /// Imports recorded trace files (JSON lines) in one transaction.
  ///
  /// Every file is parsed and validated before the database is touched;
  /// then all runs are written in a single transaction, so a failure leaves
  /// the database exactly as it was. A run whose name (the file stem) is
  /// already stored with identical content is left alone (idempotent); with
  /// different content it is an error unless `replace` is true.
  /// - Parameters:
  ///   - files: the trace files; each file's stem names its run (`soo_bis`).
  ///   - skipBad: store the good lines and report the bad ones instead of stopping at the first.
  ///   - replace: replace a stored run whose content differs.
  /// - Throws: `.notFound` / `.io` for a missing or unreadable file, `.parse` for a bad line (naming file, line, field),
  ///   `.invalidInput` for a changed run without `replace` or a file named twice, `.database` on a storage failure.
  public func importTraces(_ files: [URL], skipBad: Bool = false, replace: Bool = false) throws -> [TraceImportOutcome] {
    try importTraces(try ParsedTraceFile.read(files, skipBad: skipBad), replace: replace)
  }

  /// Imports trace files already read and validated by ``ParsedTraceFile/read(_:skipBad:)``, in one transaction.
  ///
  /// Reading first lets a caller refuse bad input before even opening (and so creating) a database.
  /// - Throws: `.invalidInput` for a changed run without `replace`; `.database` on a storage failure.
  public func importTraces(_ parsed: [ParsedTraceFile], replace: Bool = false) throws -> [TraceImportOutcome] {
    return try transaction {
      var outcomes: [TraceImportOutcome] = []
      for p in parsed {
        let hash = contentHash(p.data)
        var status = TraceImportOutcome.Status.imported
        if let existing = try query("SELECT id, content_hash, byte_count FROM recorded_runs WHERE name = ?", [p.run]).first {
          if existing["content_hash"].string == hash && existing["byte_count"].int == p.data.count {
            outcomes.append(.init(run: p.run, file: p.url.path, status: .unchanged,
                                  trials: try recordedTrialCount(p.run), badLines: p.bad.map(\.error.description), leftOut: p.leftOut))
            continue
          }
          guard replace else {
            throw LabError(
              .invalidInput,
              "run '\(p.run)' is already imported with different content; use --replace to overwrite it",
              location: .init(file: p.url.path))
          }
          try execute("DELETE FROM recorded_runs WHERE name = ?", [p.run])
          status = .replaced
        }
        try p.checkCampaign()
        guard let campaign = p.campaign, let algorithm = p.algorithm else { continue }
        try ensureCampaign(campaign)
        try insertRecordedRun(
          p.run, campaign: campaign, algorithm: algorithm, file: p.url.lastPathComponent, hash: hash,
          byteCount: p.data.count, trials: p.trials)
        outcomes.append(.init(run: p.run, file: p.url.path, status: status, trials: p.trials.count,
                              badLines: p.bad.map(\.error.description), leftOut: p.leftOut))
      }
      return outcomes
    }
  }

  private func recordedTrialCount(_ run: String) throws -> Int {
    try query(
      "SELECT count(*) AS n FROM recorded_trials t JOIN recorded_runs r ON r.id = t.run_id WHERE r.name = ?", [run]
    ).first?["n"].int ?? 0
  }

  private func insertRecordedRun(
    _ run: String, campaign: Campaign, algorithm: String, file: String, hash: String, byteCount: Int, trials: [RecordedTrial]
  ) throws {
    try execute(
      """
      INSERT INTO recorded_runs (name, campaign, algorithm, source_file, content_hash, byte_count, sequential)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      """, [run, campaign.name, algorithm, file, hash, byteCount, RecordedTrial.isSequential(trials)])
    let runID = lastInsertRowID
    let timings = RecordedTrial.timings(of: trials)
    let insertTrial = try prepare(
      """
      INSERT INTO recorded_trials (run_id, line, state, base_values, converted_values, ucb, lcb, opening_time,
        end_training_time, ending_time, end_training_key, training_seconds, evaluation_seconds, evaluation_derived, info)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    let insertMetric = try prepare("INSERT INTO recorded_metrics (run_id, line, name, value, stderr) VALUES (?, ?, ?, ?, ?)")
    for (t, timing) in zip(trials, timings) {
      try insertTrial.run([
        runID, t.line, t.state.rawValue,
        RecordedTrial.jsonArray(t.base, integers: t.baseIntegerLiterals),
        RecordedTrial.jsonArray(t.converted, integers: t.convertedIntegerLiterals),
        t.ucb, t.lcb, t.openingTime, t.endTrainingTime, t.endingTime,
        t.usesStartingTimeKey ? "starting_time" : "end_training_time",
        timing.trainingSeconds, timing.evaluationSeconds, timing.evaluationDerived, RecordedTrial.infoJSON(t.info),
      ])
      // The campaign's metrics (for the seed's campaigns: HellaSwag acc and acc_norm, MMLU acc) with their standard errors.
      for m in campaign.metrics {
        guard let value = t.metrics[m.name] else { continue }
        try insertMetric.run([runID, t.line, m.name, value, m.standardError.flatMap { t.metrics[$0] }])
      }
    }
  }

  /// The names of the recorded runs: by campaign in creation order; lhs, bo, soo, bamsoo, then others by name.
  public func recordedRunNames() throws -> [String] {
    try query("SELECT name FROM recorded_runs ORDER BY \(recordedRunOrder)").compactMap { $0["name"].string }
  }

  /// Every trial of recorded run `run`, in line order, with its timing.
  /// - Throws: `.notFound` naming the valid runs when `run` is not stored.
  public func recordedTrials(run: String) throws -> [StoredRecordedTrial] {
    guard let runRow = try query("SELECT id, campaign FROM recorded_runs WHERE name = ?", [run]).first, let runID = runRow["id"].int
    else {
      let names = try recordedRunNames()
      let valid = names.isEmpty ? "none imported yet (run 'hpolab traces import')" : names.joined(separator: ", ")
      throw LabError(.notFound, "no recorded run '\(run)'; valid runs: \(valid)", location: .init(file: path))
    }
    var metrics: [Int: Metrics] = [:]
    let campaign = try? campaignCatalogue().campaign(named: runRow["campaign"].string ?? "")
    for row in try query("SELECT line, name, value, stderr FROM recorded_metrics WHERE run_id = ?", [runID]) {
      guard let line = row["line"].int, let name = row["name"].string else { continue }
      metrics[line, default: Metrics()][name] = row["value"].double
      if let stderrName = campaign?.metric(name)?.standardError ?? recordedMetricPairs.first(where: { $0.value == name })?.stderr {
        metrics[line, default: Metrics()][stderrName] = row["stderr"].double
      }
    }
    var result: [StoredRecordedTrial] = []
    for row in try query("SELECT * FROM recorded_trials WHERE run_id = ? ORDER BY line", [runID]) {
      let line = row["line"].int ?? 0
      func bad(_ field: String) -> LabError {
        LabError(.database, "recorded run '\(run)' has an unreadable trial at line \(line)",
                 location: .init(file: path, field: "recorded_trials.\(field)"))
      }
      guard let stateText = row["state"].string, let state = ScoreState(rawValue: stateText) else { throw bad("state") }
      guard let (base, baseInts) = numberArray(row["base_values"].string) else { throw bad("base_values") }
      guard let (converted, convertedInts) = numberArray(row["converted_values"].string) else {
        throw bad("converted_values")
      }
      guard let info = infoEntries(row["info"].string) else { throw bad("info") }
      let trial = RecordedTrial(
        run: run, line: line, openingTime: row["opening_time"].string ?? "",
        endTrainingTime: row["end_training_time"].string ?? "", endingTime: row["ending_time"].string ?? "",
        usesStartingTimeKey: row["end_training_key"].string == "starting_time", base: base, converted: converted,
        state: state, metrics: metrics[line] ?? Metrics(), ucb: row["ucb"].double, lcb: row["lcb"].double, info: info,
        baseIntegerLiterals: baseInts, convertedIntegerLiterals: convertedInts)
      let timing = RecordedTiming(
        trainingSeconds: row["training_seconds"].double, evaluationSeconds: row["evaluation_seconds"].double,
        evaluationDerived: row["evaluation_derived"].int == 1)
      result.append(StoredRecordedTrial(trial: trial, timing: timing))
    }
    return result
  }

  /// Recorded run `run` as JSON lines, each ending with a newline: the imported file, byte for byte
  /// for files written by Python's `json.dumps` (minus any lines skipped as bad).
  public func exportTrace(run: String) throws -> String {
    try recordedTrials(run: run).map { $0.trial.jsonLine + "\n" }.joined()
  }

  /// One summary per recorded run: by campaign in creation order; lhs, bo, soo, bamsoo, then others by name.
  public func recordedRunSummaries() throws -> [RecordedRunSummary] {
    var summaries: [RecordedRunSummary] = []
    for row in try query("SELECT id, name, campaign, algorithm, source_file FROM recorded_runs ORDER BY \(recordedRunOrder)") {
      guard let id = row["id"].int, let name = row["name"].string else { continue }
      let trials = try query(
        """
        SELECT t.state, t.training_seconds, t.evaluation_seconds, t.evaluation_derived, m.value AS acc
        FROM recorded_trials t
        LEFT JOIN recorded_metrics m ON m.run_id = t.run_id AND m.line = t.line AND m.name = ?
        WHERE t.run_id = ?
        """, [MetricName.hellaswagAcc, id])
      let evaluated = trials.filter { $0["state"].string == ScoreState.evaluated.rawValue }
      summaries.append(
        RecordedRunSummary(
          run: name, campaign: row["campaign"].string ?? "", algorithm: row["algorithm"].string ?? "",
          trials: trials.count, evaluated: evaluated.count, approximated: trials.count - evaluated.count,
          bestHellaswagAcc: evaluated.compactMap { $0["acc"].double }.max(),
          medianTrainingMinutes: median(evaluated.compactMap { $0["training_seconds"].double }).map { $0 / 60 },
          medianEvaluationMinutes: median(evaluated.compactMap { $0["evaluation_seconds"].double }).map { $0 / 60 },
          evaluationDerived: evaluated.contains { $0["evaluation_derived"].int == 1 },
          sourceFile: row["source_file"].string ?? ""))
    }
    return summaries
  }
}

/// The listing order of recorded runs: by campaign in the order the campaigns were created (the seed's
/// llama-3.2-3b first), then the recorded algorithms in the order of the seed report.
private let recordedRunOrder =
  "(SELECT c.rowid FROM campaigns c WHERE c.name = recorded_runs.campaign), CASE algorithm WHEN 'lhs' THEN 0 WHEN 'bo' THEN 1 WHEN 'soo' THEN 2 WHEN 'bamsoo' THEN 3 ELSE 4 END, name"

/// The standard-error fields of the seed's metrics, for runs whose campaign is no longer known.
private let recordedMetricPairs: [(value: String, stderr: String)] = [
  (MetricName.hellaswagAcc, MetricName.hellaswagAccStderr),
  (MetricName.hellaswagAccNorm, MetricName.hellaswagAccNormStderr),
  (MetricName.mmluAcc, MetricName.mmluAccStderr),
]

private func median(_ values: [Double]) -> Double? {
  guard !values.isEmpty else { return nil }
  let sorted = values.sorted()
  let mid = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// A stored JSON array of numbers: the values and which were integer literals.
private func numberArray(_ text: String?) -> ([Double], [Bool])? {
  guard let text, case .array(let items)? = try? JSONValue.parse(Array(text.utf8)) else { return nil }
  var values: [Double] = []
  for item in items {
    guard let d = item.double else { return nil }
    values.append(d)
  }
  return (values, items.map(\.isIntegerLiteral))
}

/// A stored `info` object back as ordered entries.
private func infoEntries(_ text: String?) -> [RecordedTrial.InfoEntry]? {
  guard let text, case .object(let members)? = try? JSONValue.parse(Array(text.utf8)) else { return nil }
  var entries: [RecordedTrial.InfoEntry] = []
  for (key, value) in members {
    switch value {
    case .null: entries.append(.init(key: key, value: .null))
    case .string(let s): entries.append(.init(key: key, value: .string(s)))
    case .number:
      guard let d = value.double else { return nil }
      if value.isIntegerLiteral, let i = Int(exactly: d) {
        entries.append(.init(key: key, value: .int(i)))
      } else {
        entries.append(.init(key: key, value: .double(d)))
      }
    default: return nil
    }
  }
  return entries
}
