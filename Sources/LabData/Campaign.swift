// A campaign: one search space, its metrics and costs, and the runs recorded in it (campaigns/*.toml).

import LabCore

/// A recorded HPO campaign as data: a name, a search space, its metrics, cost fields, a free description and its runs.
///
/// Written in a TOML file (`campaigns/NAME.toml`, format in docs/campaigns.md) and
/// stored in the database by `hpolab campaign create`. Nothing in the code names a
/// campaign: the seed's two are the shipped files `campaigns/llama-3.2-3b.toml`
/// and `campaigns/llama-3.2-1b.toml` (aliases `A` and `B`).
public struct Campaign: Sendable, Hashable, Codable {
  /// The name used everywhere (`surrogate:NAME`, `--campaign NAME`): letters, digits, `.`, `_`, `-`.
  public var name: String
  /// Other names that resolve to this campaign (case-insensitive), e.g. `B`.
  public var aliases: [String]
  /// Free text: what was tuned, on which data, when.
  public var description: String
  /// The model fine-tuned (free text; may be empty).
  public var model: String
  /// The hardware a trial ran on (free text; may be empty).
  public var hardware: String
  /// The search space, in the optimiser's base scale, with its conversion to trained values.
  public var space: SearchSpace
  /// The metrics recorded per trial; the first is the objective unless ``objective`` says otherwise.
  public var metrics: [CampaignMetric]
  /// The metric the campaign's optimisers optimised.
  public var objective: String
  /// The per-trial cost fields recorded (seconds), e.g. `training_seconds`, `evaluation_seconds`.
  public var costs: [String]
  /// The recorded runs that belong to the campaign, with their algorithm.
  public var runs: [CampaignRun]
  /// Settings of `hpolab surrogate check` for this campaign.
  public var surrogate: CampaignSurrogateSettings

  public init(
    name: String, aliases: [String] = [], description: String = "", model: String = "", hardware: String = "",
    space: SearchSpace, metrics: [CampaignMetric], objective: String? = nil, costs: [String] = [],
    runs: [CampaignRun] = [], surrogate: CampaignSurrogateSettings = .init()
  ) throws {
    guard Campaign.isValidName(name) else {
      throw LabError(.invalidInput, "campaign name '\(name)' must be 1 to 64 letters, digits, '.', '_' or '-'", location: .init(field: "name"))
    }
    for alias in aliases where !Campaign.isValidName(alias) {
      throw LabError(.invalidInput, "alias '\(alias)' of campaign \(name) must be 1 to 64 letters, digits, '.', '_' or '-'", location: .init(field: "aliases"))
    }
    guard !metrics.isEmpty else {
      throw LabError(.invalidInput, "campaign \(name) declares no metric", location: .init(field: "metric"))
    }
    var seen = Set<String>()
    for m in metrics where !seen.insert(m.name).inserted {
      throw LabError(.invalidInput, "campaign \(name) declares metric '\(m.name)' twice", location: .init(field: "metric"))
    }
    let objective = objective ?? metrics[0].name
    guard seen.contains(objective) else {
      throw LabError(.invalidInput, "objective '\(objective)' of campaign \(name) is not one of its metrics (\(metrics.map(\.name).joined(separator: ", ")))", location: .init(field: "objective"))
    }
    var files = Set<String>()
    var runNames = Set<String>()
    for r in runs {
      guard files.insert(r.file).inserted, runNames.insert(r.run).inserted else {
        throw LabError(.invalidInput, "campaign \(name) lists run '\(r.run)' (file \(r.file)) twice", location: .init(field: "runs"))
      }
    }
    self.name = name
    self.aliases = aliases
    self.description = description
    self.model = model
    self.hardware = hardware
    self.space = space
    self.metrics = metrics
    self.objective = objective
    self.costs = costs
    self.runs = runs
    self.surrogate = surrogate
  }

  /// Whether `text` can name a campaign or an alias: 1 to 64 of `A-Z a-z 0-9 . _ -`.
  public static func isValidName(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.count <= 64
      && text.utf8.allSatisfy { b in (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 95 || b == 45 }
  }

  /// Whether `text` is this campaign's name, or one of its aliases in any case.
  public func isNamed(_ text: String) -> Bool {
    text == name || aliases.contains { $0.lowercased() == text.lowercased() }
  }

  /// The declared metric called `name`, if any.
  public func metric(_ name: String) -> CampaignMetric? { metrics.first { $0.name == name } }

  /// The run recorded in file `file` (a name such as `soo_bis.json`), if the campaign lists it.
  public func run(file: String) -> CampaignRun? { runs.first { $0.file == file } }

  /// The run called `run`, if the campaign lists it.
  public func run(named run: String) -> CampaignRun? { runs.first { $0.run == run } }

  /// The name followed by its aliases, e.g. `llama-3.2-1b (alias B)`.
  public var displayName: String {
    aliases.isEmpty ? name : "\(name) (alias \(aliases.joined(separator: ", ")))"
  }
}

/// One metric of a campaign: its name, direction, valid range and optional standard-error field.
public struct CampaignMetric: Sendable, Hashable, Codable {
  public var name: String
  public var direction: Direction
  /// The values a trial can record (e.g. [0, 1] for an accuracy); nil bounds are unbounded.
  public var lower: Double?
  public var upper: Double?
  /// The field holding the metric's standard error, if recorded (e.g. `hellaswag.acc_stderr`).
  public var standardError: String?

  public init(name: String, direction: Direction, lower: Double? = nil, upper: Double? = nil, standardError: String? = nil) {
    self.name = name
    self.direction = direction
    self.lower = lower
    self.upper = upper
    self.standardError = standardError
  }

  /// Whether `value` lies in the declared range (and is finite).
  public func accepts(_ value: Double) -> Bool {
    value.isFinite && (lower.map { value >= $0 } ?? true) && (upper.map { value <= $0 } ?? true)
  }
}

/// One recorded run of a campaign: the file it is read from, the run's name and the algorithm that made it.
public struct CampaignRun: Sendable, Hashable, Codable {
  /// The trace file's name, e.g. `soo_bis.json`.
  public var file: String
  /// The run's name (default: the file name without `.json`).
  public var run: String
  /// The algorithm that proposed the run's points (`lhs`, `bo`, `soo`, `bamsoo`, ... as in `hpolab run --algorithm`).
  public var algorithm: String

  public init(file: String, run: String? = nil, algorithm: String) {
    self.file = file
    self.run = run ?? (file.hasSuffix(".json") ? String(file.dropLast(5)) : file)
    self.algorithm = algorithm
  }
}

/// How `hpolab surrogate check` judges a campaign's surrogate.
public struct CampaignSurrogateSettings: Sendable, Hashable, Codable {
  /// Objective values at or above this are the "top end" whose predictions are checked (nil: the 90th percentile of the recordings).
  public var topEnd: Double?
  /// The run whose score shares the uniform draws are compared with (nil: the first run of algorithm `lhs`, else none).
  public var designRun: String?

  public init(topEnd: Double? = nil, designRun: String? = nil) {
    self.topEnd = topEnd
    self.designRun = designRun
  }
}
