// Optuna's RDB storage in SQLite, read directly with SQLite (no Python): studies, study_directions,
// study_system_attributes (metric names), trials, trial_params, trial_values, trial_user_attributes.
// The layout is Optuna's alembic revision v3.0.0.d (Optuna 3.0, 3.1) and v3.2.0.a (Optuna 3.2 to 5.0, which only
// adds an index); older revisions lack trial_values.value_type and are refused.
//
// Notation (trial_params.param_value is Optuna's internal representation)
//   FloatDistribution(low, high, log=false)  → float [low, high],           value c, base x = c
//   FloatDistribution(low, high, log=true)   → log-float [log10 low, log10 high], base x = log10(c)
//   IntDistribution(low, high, step=1)       → integer [low, high] (integers = "round"), base x = c
//   CategoricalDistribution, IntDistribution(log=true) or step ≠ 1 → refused (not expressible in a campaign yet)
//   duration = datetime_complete − datetime_start, stored as training time (evaluation 0 s)

import Foundation
import LabCore
import LabData

/// An Optuna study in an SQLite RDB storage, read without Optuna: its trials and the campaign its distributions imply.
public struct OptunaStudy: Sendable {
  /// The alembic revisions this reader knows: Optuna 3.0–3.1 and 3.2–5.0.
  public static let supportedRevisions = ["v3.0.0.d", "v3.2.0.a"]
  /// The tables read.
  public static let requiredTables = [
    "alembic_version", "studies", "study_directions", "study_system_attributes", "trials", "trial_params", "trial_values",
    "trial_user_attributes",
  ]

  /// The storage file.
  public var path: String
  /// The study's name.
  public var name: String
  /// Its objectives' names (Optuna's `set_metric_names`, else `value`, `value_1`, …) and directions.
  public var objectives: [(name: String, direction: Direction)]
  /// Its trials, by number: state, times, parameters with their distributions, values and user attributes.
  public var trials: [Trial]

  /// One Optuna trial as stored.
  public struct Trial: Sendable {
    public var number: Int
    /// COMPLETE, FAIL, PRUNED, RUNNING or WAITING.
    public var state: String
    public var start: String?
    public var complete: String?
    /// Parameter name → (internal value, distribution JSON), in the order stored.
    public var params: [(name: String, value: Double, distribution: String)]
    /// Objective index → value (nil for a stored ±inf).
    public var values: [Int: Double]
    /// Numeric user attributes.
    public var userAttributes: [String: Double]
  }

  /// Reads study `study` (nil: the only study of the file) from the Optuna storage at `path`.
  /// - Throws: `.notFound` for a missing file or study (listing the studies); `.database` for a file that is not
  ///   SQLite, not an Optuna storage (naming the missing table) or of an unsupported schema revision (naming it
  ///   and the supported ones).
  public init(path: String, study: String?) throws {
    let db = try LabDatabase(foreignReadOnly: path)
    let tables = Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0["name"].string })
    if let missing = Self.requiredTables.first(where: { !tables.contains($0) }) {
      throw LabError(.database, "not an Optuna RDB storage: it has no table '\(missing)'", location: .init(file: path))
    }
    let revision = try db.query("SELECT version_num FROM alembic_version").first?["version_num"].string ?? "(none)"
    guard Self.supportedRevisions.contains(revision) else {
      throw LabError(
        .database,
        "Optuna schema revision '\(TraceValidation.clip(revision))' is not supported (supported: \(Self.supportedRevisions.joined(separator: ", ")), i.e. Optuna 3.0 to 5.0); an older storage can be upgraded with 'optuna storage upgrade --storage sqlite:///FILE'",
        location: .init(file: path, field: "alembic_version.version_num"))
    }
    let studies = try db.query("SELECT study_id, study_name FROM studies ORDER BY study_id")
    let names = studies.compactMap { $0["study_name"].string }
    let row: SQLRow
    if let study {
      guard let found = studies.first(where: { $0["study_name"].string == study }) else {
        throw LabError(.notFound, "no Optuna study '\(TraceValidation.clip(study))'; studies: \(names.isEmpty ? "none" : names.joined(separator: ", "))", location: .init(file: path))
      }
      row = found
    } else {
      guard studies.count == 1 else {
        throw LabError(.invalidInput, "the storage holds \(studies.count) studies (\(names.joined(separator: ", "))): name one with --optuna-study", location: .init(file: path))
      }
      row = studies[0]
    }
    guard let studyID = row["study_id"].int, let name = row["study_name"].string else {
      throw LabError(.database, "unreadable row of table studies", location: .init(file: path, field: "studies"))
    }
    self.path = path
    self.name = name
    let directions = try db.query("SELECT objective, direction FROM study_directions WHERE study_id = ? ORDER BY objective", [studyID])
    var metricNames: [String] = []
    if let json = try db.query("SELECT value_json FROM study_system_attributes WHERE study_id = ? AND key = 'study:metric_names'", [studyID]).first?["value_json"].string,
      case .array(let items)? = try? JSONValue.parse(Array(json.utf8))
    {
      metricNames = items.compactMap(\.string)
    }
    objectives = try directions.enumerated().map { i, d in
      let direction: Direction
      switch d["direction"].string {
      case "MAXIMIZE": direction = .maximize
      case "MINIMIZE": direction = .minimize
      default:
        throw LabError(.database, "study '\(name)' has objective \(i) with direction '\(d["direction"].string ?? "null")' (expected MAXIMIZE or MINIMIZE)", location: .init(file: path, field: "study_directions.direction"))
      }
      let metric = i < metricNames.count ? metricNames[i] : (i == 0 ? "value" : "value_\(i)")
      return (metric, direction)
    }
    var trials: [Trial] = []
    for t in try db.query("SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials WHERE study_id = ? ORDER BY number", [studyID]) {
      guard let id = t["trial_id"].int, let number = t["number"].int, let state = t["state"].string else {
        throw LabError(.database, "unreadable row of table trials", location: .init(file: path, field: "trials"))
      }
      let params = try db.query("SELECT param_name, param_value, distribution_json FROM trial_params WHERE trial_id = ? ORDER BY param_id", [id]).map { p in
        guard let n = p["param_name"].string, let v = p["param_value"].double, let d = p["distribution_json"].string else {
          throw LabError(.database, "unreadable parameter of trial \(number)", location: .init(file: path, field: "trial_params"))
        }
        return (name: n, value: v, distribution: d)
      }
      var values: [Int: Double] = [:]
      for v in try db.query("SELECT objective, value, value_type FROM trial_values WHERE trial_id = ?", [id]) {
        guard let objective = v["objective"].int else { continue }
        switch v["value_type"].string {
        case "INF_POS": values[objective] = .infinity
        case "INF_NEG": values[objective] = -.infinity
        default: values[objective] = v["value"].double ?? .nan
        }
      }
      var attributes: [String: Double] = [:]
      for a in try db.query("SELECT key, value_json FROM trial_user_attributes WHERE trial_id = ?", [id]) {
        guard let key = a["key"].string, let json = a["value_json"].string,
          let value = try? JSONValue.parse(Array(json.utf8), allowNonFinite: true), let d = value.double
        else { continue }
        attributes[key] = d
      }
      trials.append(Trial(number: number, state: state, start: t["datetime_start"].string, complete: t["datetime_complete"].string,
                          params: params, values: values, userAttributes: attributes))
    }
    self.trials = trials
  }

  /// The completed trials as recorded trials of `campaign` (run `run`), and how many trials were left out
  /// for their state (FAIL, PRUNED, RUNNING, WAITING).
  ///
  /// Objective i is the campaign metric named like it; a user attribute named like a metric or a standard-error
  /// field fills it too. Errors name the file, the trial (as its line: number + 1) and the table column.
  /// - Throws: `.parse` for a parameter the campaign does not have (or lacks), an objective that is not a
  ///   campaign metric, and every check of ``ForeignTrial/recordedTrial(run:campaign:file:line:fieldOf:)``.
  public func recordedTrials(run: String, campaign: Campaign, skipBad: Bool = false) throws -> (trials: [RecordedTrial], bad: [TraceParser.BadLine], skipped: Int) {
    let declared = Set(campaign.metrics.flatMap { [$0.name] + ($0.standardError.map { [$0] } ?? []) })
    for o in objectives where !declared.contains(o.name) {
      throw LabError(
        .parse, "objective '\(TraceValidation.clip(o.name))' of Optuna study '\(name)' is not a metric of campaign \(campaign.name) (its metrics: \(campaign.metrics.map(\.name).joined(separator: ", ")))",
        location: .init(file: path, field: "study_system_attributes.study:metric_names"))
    }
    var result: (trials: [RecordedTrial], bad: [TraceParser.BadLine], skipped: Int) = ([], [], 0)
    for t in trials {
      guard t.state == "COMPLETE" else {
        result.skipped += 1
        continue
      }
      do {
        for p in t.params where campaign.space.names.firstIndex(of: p.name) == nil {
          throw LabError(
            .parse, "parameter '\(TraceValidation.clip(p.name))' is not in campaign \(campaign.name)'s space (\(campaign.space.names.joined(separator: ", ")))",
            location: .init(file: path, line: t.number + 1, field: "trial_params.param_name"))
        }
        var metrics = t.userAttributes.filter { declared.contains($0.key) }
        for (i, o) in objectives.enumerated() { metrics[o.name] = t.values[i] }
        let foreign = ForeignTrial(
          line: t.number + 1, values: Dictionary(t.params.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }), metrics: metrics,
          start: t.start, end: t.complete, info: [.init(key: "optuna_number", value: .int(t.number))])
        let objectiveNames = objectives.map(\.name)
        result.trials.append(try foreign.recordedTrial(run: run, campaign: campaign, file: path) { target in
          if campaign.space.names.contains(target) { return "trial_params[\(target)]" }
          if let i = objectiveNames.firstIndex(of: target) { return "trial_values[\(i)] (\(target))" }
          if target == "start" { return "trials.datetime_start" }
          if target == "end" || target == "end_training" { return "trials.datetime_complete" }
          return "trial_user_attributes[\(target)]"
        })
      } catch let error as LabError where skipBad {
        result.bad.append(.init(line: t.number + 1, error: error))
      }
    }
    if result.trials.isEmpty && result.bad.isEmpty {
      throw LabError(.parse, "Optuna study '\(name)' has no completed trial (\(result.skipped) left out for their state)", location: .init(file: path))
    }
    return result
  }

  /// The campaign the study's distributions imply: its parameters in the order of their first trial, its
  /// objectives as metrics (with a `NAME_stderr` user attribute as standard error when every completed trial has one).
  /// - Throws: `.invalidInput` for a name that cannot name a campaign (give one), a parameter whose distribution
  ///   differs between trials, a categorical or log-integer or stepped-integer distribution, a study with no
  ///   completed trial.
  public func campaign(name given: String? = nil) throws -> Campaign {
    let name = given ?? self.name
    guard Campaign.isValidName(name) else {
      throw LabError(.invalidInput, "study name '\(TraceValidation.clip(name))' cannot name a campaign (letters, digits, '.', '_', '-'): give the campaign a NAME", location: .init(file: path))
    }
    let complete = trials.filter { $0.state == "COMPLETE" }
    guard !complete.isEmpty else {
      throw LabError(.invalidInput, "Optuna study '\(self.name)' has no completed trial to take the search space from", location: .init(file: path))
    }
    var order: [String] = []
    var distributions: [String: String] = [:]
    for t in complete {
      for p in t.params {
        if let known = distributions[p.name] {
          guard Self.sameDistribution(known, p.distribution) else {
            throw LabError(.invalidInput, "parameter '\(p.name)' changes distribution at trial \(t.number) (\(TraceValidation.clip(p.distribution)), before: \(TraceValidation.clip(known)))", location: .init(file: path, line: t.number + 1, field: "trial_params.distribution_json"))
          }
        } else {
          distributions[p.name] = p.distribution
          order.append(p.name)
        }
      }
    }
    let parameters = try order.map { try Self.parameter($0, distributions[$0] ?? "", file: path) }
    let space = try SearchSpace(parameters, integerConversion: .round)
    let metrics = objectives.map { o in
      let stderrName = "\(o.name)_stderr"
      let hasStderr = complete.allSatisfy { $0.userAttributes[stderrName] != nil }
      return CampaignMetric(name: o.name, direction: o.direction, standardError: hasStderr ? stderrName : nil)
    }
    return try Campaign(
      name: name, description: "Optuna study '\(self.name)' of \(URL(fileURLWithPath: path).lastPathComponent) (\(complete.count) completed trials)",
      space: space, metrics: metrics, costs: ["training_seconds"])
  }

  /// The campaign parameter of an Optuna distribution (see the notation block).
  static func parameter(_ name: String, _ json: String, file: String) throws -> Parameter {
    func refuse(_ why: String) -> LabError {
      LabError(.invalidInput, "parameter '\(name)': \(why)", location: .init(file: file, field: "trial_params.distribution_json"))
    }
    guard let root = try? JSONValue.parse(Array(json.utf8)), let kind = root["name"]?.string, let a = root["attributes"] else {
      throw refuse("distribution '\(TraceValidation.clip(json))' is not Optuna's JSON")
    }
    let low = a["low"]?.double
    let high = a["high"]?.double
    let log = a["log"].map { $0 == .bool(true) } ?? false
    let step = a["step"]?.double ?? a["q"]?.double
    switch kind {
    case "FloatDistribution", "UniformDistribution", "LogUniformDistribution", "DiscreteUniformDistribution":
      guard let low, let high else { throw refuse("distribution without low/high") }
      if log || kind == "LogUniformDistribution" {
        return Parameter(name, .log, lower: log10(low), upper: log10(high))
      }
      return Parameter(name, .float, lower: low, upper: high)  // a step is not kept: the campaign searches the interval
    case "IntDistribution", "IntUniformDistribution", "IntLogUniformDistribution":
      guard let low, let high else { throw refuse("distribution without low/high") }
      guard !log && kind != "IntLogUniformDistribution" else {
        throw refuse("log-scaled integer distributions are not supported yet (docs/campaigns.md); declare it as an integer in a campaign file")
      }
      guard (step ?? 1) == 1 else { throw refuse("integer distributions with step \(PythonNumber.repr(step ?? 1)) are not supported yet") }
      return Parameter(name, .int, lower: low, upper: high)
    case "CategoricalDistribution":
      throw refuse("categorical distributions are not supported yet (docs/campaigns.md)")
    default:
      throw refuse("unknown distribution '\(TraceValidation.clip(kind))'")
    }
  }

  /// Whether two distribution texts are the same distribution (key order aside).
  static func sameDistribution(_ a: String, _ b: String) -> Bool {
    guard a != b else { return true }
    guard let x = try? JSONValue.parse(Array(a.utf8)), let y = try? JSONValue.parse(Array(b.utf8)) else { return false }
    return canonical(x) == canonical(y)
  }

  private static func canonical(_ v: JSONValue) -> String {
    switch v {
    case .object(let members): return "{" + members.sorted { $0.key < $1.key }.map { "\($0.key):\(canonical($0.value))" }.joined(separator: ",") + "}"
    case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
    case .number: return v.double.map { "\($0)" } ?? v.pythonStyle
    default: return v.pythonStyle
    }
  }
}

extension Campaign {
  /// The campaign of `hpolab campaign create`: a TOML file (`toml`), or the distributions of an Optuna study
  /// (`optuna`, `study`); `name` overrides the file's or study's name.
  /// - Throws: `.invalidInput` unless exactly one of `toml` and `optuna` is given, or `study` comes without `optuna`;
  ///   what ``Campaign/read(fileAtPath:name:)`` and ``OptunaStudy/campaign(name:)`` throw.
  public static func read(toml: String?, optuna: String?, study: String?, name: String?) throws -> Campaign {
    switch (toml, optuna) {
    case (let toml?, nil):
      guard study == nil else { throw LabError(.invalidInput, "--optuna-study goes with --from-optuna", location: .init(field: "--optuna-study")) }
      return try Campaign.read(fileAtPath: toml, name: name)
    case (nil, let optuna?): return try OptunaStudy(path: optuna, study: study).campaign(name: name)
    default: throw LabError(.invalidInput, "give either --from FILE.toml or --from-optuna FILE", location: .init(field: "--from"))
    }
  }
}
